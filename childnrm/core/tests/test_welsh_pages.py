"""The pages translated so far, walked in Welsh as a user of a Welsh site (ADR 0023, issue 13).

A Welsh site's default language is Welsh: its users see Welsh until they choose otherwise. Every page here must
be wholly Welsh, apart from names and the allowed terms (core/tests/welsh.py). The next session adds the routes it
translates to PAGES, until every route is walked.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from conftest import demo_user, signed_in

SIGNED_OUT_PAGES = [
    "accounts:sign-in",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-complete",
    "core:accessibility",
    "core:privacy",
]
SIGNED_IN_PAGES = ["core:home", "core:accessibility", "core:privacy", "accounts:account", "accounts:password-change"]


def names_on(user: User, site: Site) -> list[str]:
    """What a page may show in any language: the user's, organisation's and site's names."""
    return [user.full_name, user.email, user.organisation.name if user.organisation else "", site.name, "demo"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FIRST_RESPONDER, Role.SITE_ADMIN, Role.ICTG])
def test_a_welsh_site_user_sees_the_translated_pages_in_welsh(welsh_site, role):
    user = demo_user(role)
    client = signed_in(user)
    paths = [reverse(name) for name in SIGNED_IN_PAGES]
    if role == Role.SITE_ADMIN:
        paths.append(reverse("accounts:site-language", args=[welsh_site.slug]))
    assert walk_in_welsh(client, paths, names=names_on(user, welsh_site)) == {}


def test_signed_out_pages_are_in_welsh_once_chosen(demo):
    client = Client()
    client.get(reverse("accounts:language"), {"language": "cy"})  # the switch: a cookie, for signed-out pages
    assert walk_in_welsh(client, [reverse(name) for name in SIGNED_OUT_PAGES]) == {}


def test_error_pages_and_form_errors_are_in_welsh(welsh_site):
    user = demo_user(Role.FIRST_RESPONDER)
    client = signed_in(user)
    names = names_on(user, welsh_site)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and english_left(missing.content.decode(), names=names) == []
    assert "Heb ddod o hyd i’r dudalen" in missing.content.decode()
    refused = client.get(reverse("accounts:site-users"))
    assert refused.status_code == 403 and english_left(refused.content.decode(), names=names) == []
    # A form with errors: the error summary, its title and each message in Welsh.
    anonymous = Client()
    anonymous.get(reverse("accounts:language"), {"language": "cy"})
    page = anonymous.post(reverse("accounts:sign-in"), {"email": "", "password": ""}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch eich cyfeiriad e-bost" in page
    assert "<title>Gwall:" in page
    assert english_left(page) == []


def test_a_welsh_site_in_english_is_english(welsh_site):
    """Choosing English on a Welsh site is remembered, and the pages are English again."""
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    client.get(reverse("accounts:language"), {"language": "en-gb"})
    page = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en"' in page and "What you can do" in page


def test_a_reference_whose_random_letters_spell_english_is_not_english():
    """NRM-VZE6AN7Z holds "AN": the checker reads the whole reference as a name, so a walk never fails by chance."""
    page = "<html lang='cy'><title>Brysbennu atgyfeiriad NRM-VZE6AN7Z</title><p>(atgyfeiriad NRM-VZE6AN7Z)</p></html>"
    assert english_left(page) == []
    assert english_left("<p>Referral NRM-VZE6AN7Z for the panel</p>") == ["Referral NRM-VZE6AN7Z for the panel"]


def test_a_feedback_code_whose_random_letters_spell_english_is_not_english():
    """The child's one-time code DYD9-BE8C holds "BE" (a chance failure of the CI run of d9341d0)."""
    assert english_left("<html lang='cy'><p>Teipiwch y cod hwn:</p><p><strong>DYD9-BE8C</strong></p></html>") == []
    assert english_left("<p>Type in this code: DYD9-BE8C</p>") == ["Type in this code: DYD9-BE8C"]


def test_english_without_function_words_is_found_and_links_and_names_inside_words_are_not():
    """ "Sail resymol - request received" has no function word: the service's own words find it. A link's path and a
    name that is only part of a longer word ("Document" in "OpenDocument") are not English to a reader."""
    assert english_left("<p>Sail resymol – request received</p>") == ["Sail resymol – request received"]
    assert english_left("<p>Ewch i http://127.0.0.1:8000/decisions/1/second-review/</p>") == []
    assert english_left("<p>OpenDocument (ODS)</p>", names=["Document"]) == []
