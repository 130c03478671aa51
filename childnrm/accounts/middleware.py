"""The language of each page (ADR 0023): the signed-in user's own choice, else the language switch's cookie,
else the default language of the site(s) they work at, else the browser's language, else English.

Django's LocaleMiddleware has already taken the cookie or the browser's language before the user is known; this
runs after authentication and puts the user's choice, or their site's default, over it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from childnrm.accounts import backends
from childnrm.kit import i18n

# The site default found for a user who has not chosen, kept for the session: one query per session, not per
# page. A change of a site's default reaches its users at their next sign-in.
SESSION_SITE_LANGUAGE = "childnrm_site_language"
# A language a page without sign-in chose for this visit from whom it is for (the child's feedback pages: the
# child's recorded language, feedback.language). The language switch drops it: its cookie then holds the choice.
VISIT_LANGUAGE = "childnrm_visit_language"


def site_default_language(user) -> str:
    """The default language of the sites where the user holds a role, when they agree; '' otherwise."""
    from childnrm.accounts.models import Site

    found = set(
        Site.objects.filter(memberships__user=user, memberships__active=True, active=True)
        .values_list("default_language", flat=True)
        .distinct()
    )
    return found.pop() if len(found) == 1 else ""


def reader_language(user) -> str:
    """The language to write to a user in (an email, a reminder): their own choice, else their sites' default,
    else English. Pages follow the request instead (`preferred_language`)."""
    return i18n.supported(user.language) or i18n.supported(site_default_language(user)) or i18n.ENGLISH


def address_language(email: str, site_language: str = "") -> str:
    """The language to write to an email address (ADR 0023): its user's own choice when a user has it, else the
    default of the site the email is about (`site_language`), else English. For addresses typed into a form (a
    referrer's, a case review action's owner), which may belong to nobody signed up."""
    from childnrm.accounts.models import User

    user = User.objects.filter(email__iexact=email).only("language").first() if email else None
    chosen = i18n.supported(user.language) if user else None
    return chosen or i18n.supported(site_language) or i18n.ENGLISH


def preferred_language(request: HttpRequest) -> str | None:
    """The user's language when it is theirs or their site's to decide; None leaves Django's choice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    chosen = i18n.supported(user.language)
    if chosen:
        return chosen
    if i18n.supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        return None  # chosen with the switch before signing in (and not yet saved: the switch saves it)
    session = getattr(request, "session", None)
    if session is None:
        return i18n.supported(site_default_language(user))
    if SESSION_SITE_LANGUAGE not in session:
        session[SESSION_SITE_LANGUAGE] = site_default_language(user)
    return i18n.supported(session[SESSION_SITE_LANGUAGE])


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = preferred_language(request)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SecondFactorMiddleware(OTPMiddleware):
    """django_otp's OTPMiddleware (`request.user.otp_device`, `is_verified()`), reading the device that verified
    the session in the same statement as the user (`backends.reading_with_device`) instead of in one of its own.

    What verifies a session is unchanged: the device the session names, read on every request, verifies it only
    while it exists, is the user's and is confirmed (django_otp's `_finalize_device`); otherwise the session is
    not verified and forgets the device. The asynchronous path is django_otp's own."""

    def _verify_user_sync(self, request, user):
        session = getattr(request, "session", None)
        persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
        persistent_id = self._normalize_persistent_id(persistent_id) if persistent_id else None
        with backends.reading_with_device(persistent_id):
            self._init_user_fields(user)  # the first use of the lazy user: it is read here
        if user.is_authenticated:
            device = None
            if persistent_id:
                device = backends.take_device_read(user, persistent_id)
            if device is None and backends.device_named(persistent_id) is not None:
                # Not read with the user (not theirs, or gone): django_otp's own read, then its checks.
                device = self._device_from_persistent_id(persistent_id)
            # (A name that is no device's verifies nothing: django_otp would fail on one of another model.)
            user.otp_device = self._finalize_device(request, user, device)
        return user
