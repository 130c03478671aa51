"""What the DPO and coordinators may see of retention, scoped by the access policy (deny by default)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.people.models import Child
from childnrm.retention.models import ItemStatus, LegalHold, RetentionItem


def site_for(user, site_slug: str, perm: Perm) -> Site:
    """The site, if the user holds `perm` there; else 404 (another site's pages do not exist for them)."""
    site = Site.objects.filter(slug=site_slug, active=True).first()
    if site is None or not has_perm(user, perm, site.pk):
        raise Http404
    return site


def first_site_where(user, perm: Perm) -> Site | None:
    ids = sites_where(user, perm)
    return Site.objects.filter(pk__in=ids, active=True).order_by("name").first()


def listed_items(user, site: Site) -> QuerySet[RetentionItem]:
    if not has_perm(user, Perm.RETENTION_REVIEW, site.pk):
        return RetentionItem.objects.none()
    # References and dates only: the DPO decides on the rule, the dates and any hold, not on names.
    return (
        RetentionItem.objects.filter(site=site, status=ItemStatus.LISTED)
        .select_related("referral", "child")
        .only(
            "pk",
            "record_type",
            "closed_on",
            "due_on",
            "rule",
            "listed_on",
            "referral__reference",
            "child__reference",
            "child_id",
        )
        .order_by("due_on", "pk")
    )


def anonymised_count(user, site: Site) -> int:
    if not has_perm(user, Perm.RETENTION_REVIEW, site.pk):
        return 0
    return RetentionItem.objects.filter(site=site, status=ItemStatus.ANONYMISED).count()


def active_holds(user, site: Site) -> QuerySet[LegalHold]:
    if not has_perm(user, Perm.LEGAL_HOLD, site.pk):
        return LegalHold.objects.none()
    return (
        LegalHold.objects.filter(child__site=site, lifted_at__isnull=True)
        .select_related("child", "placed_by")
        .order_by("-placed_at", "-pk")
    )


def hold_get(user, hold_id: int) -> LegalHold:
    hold = LegalHold.objects.select_related("child", "child__site", "placed_by").filter(pk=hold_id).first()
    if hold is None or not has_perm(user, Perm.LEGAL_HOLD, hold.child.site_id):
        raise Http404
    return hold


def child_for_hold(user, site: Site, reference: str) -> Child | None:
    """A child of this site by reference (None if there is none: the same answer for any other site's child)."""
    if not has_perm(user, Perm.LEGAL_HOLD, site.pk):
        return None
    return Child.objects.filter(site=site, reference=reference).first()
