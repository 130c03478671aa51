"""What each signed-in user sees in the service navigation, from the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from childnrm.access.policy import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, url name, permissions of which one is needed; empty = any signed-in user)
NAVIGATION: list[tuple[str, str, tuple[Perm, ...]]] = [
    ("Home", "core:home", ()),
    ("Referral queue", "referrals:queue", (Perm.REFERRAL_TRIAGE,)),
    ("Your referrals", "referrals:mine", (Perm.REFERRAL_CREATE,)),
    ("Children", "people:list", (Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)),
    ("Statistics", "core:statistics", (Perm.STATISTICS_VIEW,)),
    ("Users", "accounts:site-users", (Perm.SITE_USERS_MANAGE,)),
    ("Your account", "accounts:account", ()),
]


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated or not user.is_verified():
        return []
    visible = [
        (label, reverse(name))
        for label, name, perms in NAVIGATION
        if not perms or any(has_perm(user, p) for p in perms)
    ]
    # Only the longest matching prefix is current (/account/users/ is "Users", not "Your account").
    matches = [url for _, url in visible if (request.path == url if url == "/" else request.path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in visible]
