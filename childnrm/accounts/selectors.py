"""Reads for account pages, scoped by the access policy."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, active_memberships, sites_where
from childnrm.accounts.models import Membership, Organisation, Site, User
from childnrm.kit import i18n


def welsh_names() -> dict[str, str]:
    """Each site's and organisation's English name to its Welsh name, where it has one, on a Welsh page (none on an
    English one): for reading back English text that quotes names as recorded (triage.reasons)."""
    if not i18n.is_welsh():
        return {}
    named = (
        Site.objects.exclude(name_cy="")
        .order_by()
        .values_list("name", "name_cy")
        .union(Organisation.objects.exclude(name_cy="").order_by().values_list("name", "name_cy"))
    )
    return dict(named)


def memberships_of(user: User) -> list[Membership]:
    """The user's active roles, by site (the account page and the home page show them): those the access policy
    read with the user's permissions for this request, not another statement."""
    return active_memberships(user)


def sites_administered_by(user: User) -> QuerySet[Site]:
    return Site.objects.filter(id__in=sites_where(user, Perm.SITE_USERS_MANAGE)).order_by("name")


def site_for_admin(user: User, slug: str) -> Site:
    site = sites_administered_by(user).filter(slug=slug).first()
    if site is None:
        raise Http404
    return site


def site_users(site: Site) -> QuerySet[User]:
    """Users holding an active role at the site, with those roles, in two queries."""
    return (
        User.objects.filter(memberships__site=site, memberships__active=True)
        .distinct()
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(site=site, active=True).select_related("site"),
                to_attr="site_roles",
            )
        )
        .order_by("full_name", "pk")  # a total order: the list comes a page at a time
    )


def site_user_get(site: Site, user_id: int) -> User:
    user = site_users(site).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def account_within_admin_reach(*, admin: User, user: User) -> bool:
    """True if every site where `user` holds an active role is one `admin` administers.

    An account (its sign-in, second factor and identity) is shared by every site that gives it roles,
    so one site's administrator may reset or attach it only when no other site relies on it.
    Staff and superuser accounts are out of any site administrator's reach.
    """
    if user.is_staff or user.is_superuser:
        return False
    administered = sites_where(admin, Perm.SITE_USERS_MANAGE)
    return not Membership.objects.filter(user=user, active=True).exclude(site_id__in=administered).exists()


def sites_with_policy_for(user: User) -> QuerySet[Site]:
    """Sites whose decision policy the user may see and change."""
    return Site.objects.filter(id__in=sites_where(user, Perm.SITE_POLICY_MANAGE)).order_by("name")


def site_for_policy_admin(user: User, slug: str) -> Site:
    site = sites_with_policy_for(user).filter(slug=slug).first()
    if site is None:
        raise Http404
    return site
