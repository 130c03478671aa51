"""Pages every user shares: home, statements, health check, errors."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import public, signed_in
from childnrm.accounts import selectors as account_selectors
from childnrm.core.middleware import SessionRenewalMiddleware
from childnrm.core.navigation import home_items_for
from childnrm.dashboard.guardian import next_steps_for


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "memberships": account_selectors.memberships_of(request.user),
            "home_items": home_items_for(request),
            "next_steps": next_steps_for(request),  # a guardian's (ICTG): what is due for their children
        },
    )


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@signed_in
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" in the time-out warning (ADR 0024, session 21): the idle clock starts again now, not at the
    next once-a-minute renewal. A changed session is saved, with a new expiry, by SessionMiddleware."""
    request.session[SessionRenewalMiddleware.KEY] = int(time.time())
    return HttpResponse(status=204)


@public
def timed_out(request: HttpRequest) -> HttpResponse:
    """Where the time-out warning sends a page whose idle time has run out. Public: the session has usually ended.
    It signs no one out (a GET; and a session kept alive from another tab is still in use): signed in, the user goes
    back to the page; signed out, to sign in again, told why."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = reverse("core:home")
    if request.user.is_authenticated:
        return redirect(next_url)
    minutes = max(1, settings.SESSION_COOKIE_AGE // 60)
    messages.info(
        request,
        ngettext(
            "You were signed out after %(minutes)s minute without activity. Sign in again to continue.",
            "You were signed out after %(minutes)s minutes without activity. Sign in again to continue.",
            minutes,
        )
        % {"minutes": minutes},
    )
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader
    from django.utils import translation
    from django.utils.translation import gettext

    language = translation.get_language()
    context = {"service_name": gettext("Child NRM Panels"), "html_lang": "en" if language == "en-gb" else language}
    return HttpResponse(loader.get_template("errors/500.html").render(context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, "errors/csrf.html", 403)
