"""Scoped reads of referrals."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.referrals.models import AdultConsent, Referral, ReferralStatus


def referrals_made_by(user) -> QuerySet[Referral]:
    """A first responder's own referrals, drafts included."""
    if not sites_where(user, Perm.REFERRAL_VIEW_OWN) and not sites_where(user, Perm.REFERRAL_CREATE):
        return Referral.objects.none()
    return Referral.objects.filter(created_by=user)


def sent_referral_get(user, reference: str) -> Referral:
    """A referral the user sent (never a draft, never anyone else's): 404 otherwise, as if it did not exist."""
    if not sites_where(user, Perm.REFERRAL_VIEW_OWN):
        raise Http404
    referral = (
        Referral.objects.filter(created_by=user, reference=reference)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("site", "referrer_organisation", "residence_local_authority", "found_local_authority")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def submitted_referrals_where(user, perm: Perm) -> QuerySet[Referral]:
    """Submitted referrals (any status but draft: a case's history stays) held by sites where the user holds
    `perm`. Drafts are nobody's but their writer's."""
    return Referral.objects.filter(site_id__in=sites_where(user, perm)).exclude(status=ReferralStatus.DRAFT)


# A referral's organisations: who referred, where the child lives and where found (the triage page shows them).
ORGANISATIONS = ("referrer_organisation", "residence_local_authority", "found_local_authority")


def submitted_referral_get(user, reference: str, perm: Perm, *, related: tuple[str, ...] = ()) -> Referral:
    """One submitted referral of a site where the user holds `perm`: 404 otherwise, as if it did not exist.

    `related`: more relations read with it (one statement instead of one each, for a page that shows them)."""
    referral = (
        submitted_referrals_where(user, perm)
        .select_related("site", "child", *related)
        .filter(reference=reference)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referrals_for_triage(user) -> QuerySet[Referral]:
    """Submitted referrals held by sites where the user triages (never anyone's drafts)."""
    return submitted_referrals_where(user, Perm.REFERRAL_TRIAGE)


def referrals_visible_to(user) -> QuerySet[Referral]:
    triage_sites = sites_where(user, Perm.REFERRAL_TRIAGE)
    scope = Q(created_by=user) if (sites_where(user, Perm.REFERRAL_VIEW_OWN)) else Q(pk__in=[])
    if triage_sites:
        scope |= Q(site_id__in=triage_sites) & ~Q(status=ReferralStatus.DRAFT)
    return Referral.objects.filter(scope)


def draft_get(user, reference: str) -> Referral:
    """A draft the user is writing; anyone else's draft is 404."""
    referral = referrals_made_by(user).filter(reference=reference, status=ReferralStatus.DRAFT).first()
    if referral is None:
        raise Http404
    return referral


def referral_get(user, reference: str) -> Referral:
    referral = referrals_visible_to(user).select_related("site", "child").filter(reference=reference).first()
    if referral is None:
        raise Http404
    return referral


def referral_get_for_triage(user, reference: str, *, related: tuple[str, ...] = ()) -> Referral:
    return submitted_referral_get(user, reference, Perm.REFERRAL_TRIAGE, related=related)


# Consent to remain in the NRM at 18: one record (AdultConsent rows on the child's cases), the latest answer in force.


def adult_consent_of_child(child_id: int) -> AdultConsent | None:
    """The young person's answer in force: the latest given, across their cases."""
    return AdultConsent.objects.filter(referral__child_id=child_id).select_related("referral").first()


def consent_answer_of_child() -> Subquery:
    """For annotating children: the answer in force (`ConsentAnswer` value), None when not yet asked."""
    return Subquery(AdultConsent.objects.filter(referral__child_id=OuterRef("pk")).values("answer")[:1])
