"""Deny by default: a view without a declared access rule is refused; every refusal of a signed-in user or of an
API client whose token was accepted is audited."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from childnrm.access.decorators import API_TOKEN, PASSWORD_ONLY, PUBLIC, SIGNED_IN
from childnrm.access.policy import has_perm
from childnrm.audit.context import API_CLIENT_ATTRIBUTE, AuditContext
from childnrm.audit.services import Action, audit_record

logger = logging.getLogger(__name__)

REFUSAL_STATUSES = frozenset({403, 404})
# Route parameters are opaque ids and references; a longer value is cut so a probe cannot fill the trail.
_PARAMETER_LIMIT = 64


def api_client_identified(request: HttpRequest, *, organisation_id: int, api_token: str) -> None:
    """Name the organisation's system a request comes from, once its token is accepted, for `refusal_record`:
    the organisation and the token's prefix (never the secret). Called by the API's authentication."""
    setattr(request, API_CLIENT_ATTRIBUTE, {"api_token": api_token, "organisation_id": organisation_id})


def refusal_record(request: HttpRequest, response: HttpResponse) -> None:
    """Leave an attributable trace of a signed-in user, or an API client, refused a record: who, which route and
    record parameters, the status and the address. Not the path's query string and not the request body.

    Called after the view has returned, outside any transaction the view ran in (and outside
    ATOMIC_REQUESTS), so a refusal raised inside a rolled-back transaction is still recorded.
    Anonymous requests are sent to sign in, and requests to the API without an accepted token answered 401, before
    any record is looked up: nothing to attribute.
    """
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    # An API client has no user: it is named in the detail (the event's actor and organisation are a user's).
    client: dict[str, object] = getattr(request, API_CLIENT_ATTRIBUTE, {})
    if match is None or not (getattr(user, "is_authenticated", False) or client):
        return  # an unknown path names no record; an anonymous request is never shown one
    detail = {
        "route": match.view_name,
        "parameters": {name: str(value)[:_PARAMETER_LIMIT] for name, value in match.kwargs.items()},
        "method": request.method,
        "status": response.status_code,
        **client,
    }
    try:
        audit_record(context=AuditContext.from_request(request), action=Action.REFUSED, detail=detail)
    except DatabaseError:
        # The refusal stands either way; losing its trace must not turn it into an error page.
        logger.exception("Could not audit a refused request to %s", match.view_name)


def _rule_of(view_func) -> object:
    rule = getattr(view_func, "access_rule", None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, "access_rule", None)
    return rule


class AccessPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSAL_STATUSES:
            refusal_record(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        rule = _rule_of(view_func)
        if rule is None:
            logger.error("Refused: view %s declares no access rule", getattr(view_func, "__qualname__", view_func))
            raise PermissionDenied("No access rule")
        if rule in (PUBLIC, API_TOKEN):
            return None
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if rule == PASSWORD_ONLY:
            return None
        if not user.is_verified():  # type: ignore[attr-defined]  # set on the user by django_otp's OTPMiddleware
            # Password accepted but no second factor yet: finish signing in first.
            return HttpResponseRedirect(reverse("accounts:second-factor"))
        if rule == SIGNED_IN:
            return None
        if isinstance(rule, tuple) and any(has_perm(user, perm) for perm in rule):
            return None
        raise PermissionDenied
