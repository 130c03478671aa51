"""Every view declares its access rule; the middleware refuses views that do not."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from childnrm.access.policy import Perm

V = TypeVar("V", bound=Callable)

PUBLIC = "public"
# Integration API: no session; the API's own token authentication (per organisation) decides.
API_TOKEN = "api_token"
SIGNED_IN = "signed_in"
# Signed in with a password but not yet past the second factor (enrolment and code pages only).
PASSWORD_ONLY = "password_only"


def public(view: V) -> V:
    """No sign-in needed (sign-in, password reset, accessibility statement)."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def api_token(view: V) -> V:
    view.access_rule = API_TOKEN  # type: ignore[attr-defined]
    return view


def password_only(view: V) -> V:
    view.access_rule = PASSWORD_ONLY  # type: ignore[attr-defined]
    return view


def signed_in(view: V) -> V:
    """Any user signed in with both factors; the view shows only the user's own data."""
    view.access_rule = SIGNED_IN  # type: ignore[attr-defined]
    return view


def requires(*perms: Perm) -> Callable[[V], V]:
    """Signed in with both factors and holding at least one of `perms` at some site.

    Record-level scope is applied by the selectors the view calls.
    """

    def decorate(view: V) -> V:
        view.access_rule = tuple(perms)  # type: ignore[attr-defined]
        return view

    return decorate
