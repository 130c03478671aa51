"""Response headers every page carries: no caching of dynamic pages, and no powerful browser features."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
