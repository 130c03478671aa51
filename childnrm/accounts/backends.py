"""How a signed-in user is read on every request (issue 16).

Django's ModelBackend reads the user alone; the header of every page then reads the user's organisation
(`Signed in as …, <organisation>.`) in a statement of its own. This backend reads both in one: the
organisation is joined to the user. Signing in (password checks, permissions) is ModelBackend's, unchanged.

The backend's path is stored in each session at sign-in, so sessions made under ModelBackend's path end when
this is deployed: everyone signs in again once (ADR 0004, amendment of 2026-12-05).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("organisation").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
