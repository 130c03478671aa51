"""Scoped reads for transfers and the turning-18 hand-over: the only way views reach them."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.handovers.models import CaseTransfer
from childnrm.people.models import Child
from childnrm.referrals.eligibility import MIN_DAYS_BEFORE_18, latest_birth_date_18_by
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.selectors import consent_answer_of_child

CUT_OFF_DAYS = MIN_DAYS_BEFORE_18  # within this many days of 18 the panel may no longer decide


def children_for_handover(user) -> QuerySet[Child]:
    """Children of the sites where the user transfers cases and runs the turning-18 hand-over."""
    return Child.objects.filter(site_id__in=sites_where(user, Perm.CASE_TRANSFER))


def child_get_for_handover(user, reference: str) -> Child:
    child = children_for_handover(user).select_related("site").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def transferable_referrals(child: Child) -> QuerySet[Referral]:
    """The child's cases the panel holds at the child's site (accepted, not yet handed on)."""
    accepted = child.referrals.filter(site_id=child.site_id, status=ReferralStatus.ACCEPTED)
    return accepted.order_by("-submitted_at", "-id")


def transfers_visible_to(user) -> QuerySet[CaseTransfer]:
    """Transfers a site sent or received: each keeps the packet exactly as it went."""
    sites = sites_where(user, Perm.CASE_TRANSFER)
    return CaseTransfer.objects.filter(Q(from_site_id__in=sites) | Q(to_site_id__in=sites))


def transfer_get(user, transfer_id: int) -> CaseTransfer:
    transfer = (
        transfers_visible_to(user)
        .select_related("referral", "referral__child", "from_site", "to_site", "transferred_by")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise Http404
    return transfer


def turning_18_children(site: Site, today: date) -> QuerySet[Child]:
    """Children of the site, not yet 18, whose 18th birthday is within the site's warning window."""
    return (
        Child.objects.filter(site=site, date_of_birth__isnull=False)
        .filter(date_of_birth__gt=latest_birth_date_18_by(today))
        .filter(date_of_birth__lte=latest_birth_date_18_by(today + timedelta(days=site.turning_18_warning_days)))
        .select_related("adult_transition")
        .annotate(consent_answer=consent_answer_of_child())
        .order_by("date_of_birth", "id")
    )


def turning_18_cut_off(site: Site, today: date) -> QuerySet[Child]:
    """Children of the site within CUT_OFF_DAYS of 18 (not yet 18): the panel can no longer decide for them."""
    return (
        Child.objects.filter(site=site, date_of_birth__isnull=False)
        .filter(date_of_birth__gt=latest_birth_date_18_by(today))
        .filter(date_of_birth__lte=latest_birth_date_18_by(today + timedelta(days=CUT_OFF_DAYS)))
        .select_related("adult_transition")
        .annotate(consent_answer=consent_answer_of_child())
        .order_by("date_of_birth", "id")
    )
