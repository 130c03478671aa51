"""Response headers every page carries: no caching of dynamic pages, and no powerful browser features."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ResponseHeadersMiddleware:
    """Runs outside WhiteNoise, so static files get the Permissions-Policy but keep their own caching.

    Dynamic pages are `no-store`: they may hold a child's personal data, and a shared or public
    computer must not keep them on disk or show them from the back button after sign-out. A view that
    sets its own Cache-Control (downloads say `private, no-store`) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path.startswith(self.static_prefix) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class SessionRenewalMiddleware:
    """Renews a signed-in session's idle clock at most once a minute, instead of writing the session row on
    every request (SESSION_SAVE_EVERY_REQUEST): an UPDATE and its transaction on every page view, a third of the
    statements of a light page. The idle timeout ends between SESSION_COOKIE_AGE minus a minute and
    SESSION_COOKIE_AGE after the last request. Runs inside SessionMiddleware, which saves a changed session."""

    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session (a sign-out has emptied it: renewing would make a new one).
        if session is not None and AUTH_SESSION_KEY in session:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response


class LanguageResetMiddleware:
    """Outermost: once a response is made, the thread goes back to the default language (ADR 0023). Django's
    LocaleMiddleware leaves the request's language active in the thread afterwards, where work done outside a
    request (a task, a test's next fixture) would pick it up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()
