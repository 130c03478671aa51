"""Deny by default: a view without a declared access rule is refused."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from childnrm.access.decorators import API_TOKEN, PASSWORD_ONLY, PUBLIC, SIGNED_IN
from childnrm.access.policy import has_perm

logger = logging.getLogger(__name__)


def _rule_of(view_func) -> object:
    rule = getattr(view_func, "access_rule", None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, "access_rule", None)
    return rule


class AccessPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

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
        if not user.is_verified():
            # Password accepted but no second factor yet: finish signing in first.
            return HttpResponseRedirect(reverse("accounts:second-factor"))
        if rule == SIGNED_IN:
            return None
        if isinstance(rule, tuple) and any(has_perm(user, perm) for perm in rule):
            return None
        raise PermissionDenied
