from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from childnrm.core.navigation import nav_items_for
from childnrm.kit import i18n

# settings.SERVICE_NAME, marked so that the catalogue holds it (Welsh: docs/welsh-glossary.md).
gettext_noop("Child NRM Panels")


def language_links(request: HttpRequest) -> list[dict]:
    """The language switch (the HMRC language toggle pattern): each language in its own name, the current one
    not a link, each link back to this page through the switch view (accounts:language)."""
    here = request.get_full_path()
    switch = reverse("accounts:language")
    current = translation.get_language()
    return [
        {
            "code": code,
            "lang": "en" if code == i18n.ENGLISH else code,
            "name": name,
            "current": code == current,
            "href": f"{switch}?{urlencode({'language': code, 'next': here})}",
            # For error and refusal pages: their address may name a child the user may not know of (ADR 0023).
            "href_home": f"{switch}?{urlencode({'language': code})}",
            # Said to a screen reader in the language it names.
            "hidden": "Change the language to English" if code == i18n.ENGLISH else "Newid yr iaith i’r Gymraeg",
        }
        for code, name in i18n.NAMES.items()
    ]


def service(request: HttpRequest) -> dict:
    nav_items = nav_items_for(request)
    return {
        "service_name": gettext(settings.SERVICE_NAME),
        "html_lang": "en" if translation.get_language() == i18n.ENGLISH else translation.get_language(),
        "language_links": language_links(request),
        "nav_items": nav_items,
        # The service navigation macro's items; the section being used is the "current" page, as it always was
        # (a section's link may redirect, to the user's own site for instance, so paths are not compared).
        "service_navigation": [{"href": i.url, "text": i.label, "current": i.active} for i in nav_items],
    }
