"""Triage and routing: the coordinator confirms the engine's outcome or overrides it with a reason.

PANEL: the referral is accepted by this site's panel. SCA: the case packet is handed off to the
Single Competent Authority and the referral stays here, marked as handed off. OTHER_SITE: the
packet is handed off to the other site and the referral (with its child record) moves there, where
it waits for that site's coordinator to triage it, assessed again as received there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.services import Action, audit_record
from childnrm.people.models import Child
from childnrm.referrals import eligibility, handoff
from childnrm.referrals.models import (
    HandOff,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    TriageAssessment,
    TriageOutcome,
)
from childnrm.referrals.services import ReferralStateError

PURPOSE = PURPOSES[Perm.REFERRAL_TRIAGE]


class TriageInvalid(ValueError):
    """The coordinator's answer cannot be accepted; `field` names the form field to show it against."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TriageResult:
    referral: Referral
    assessment: TriageAssessment
    handoff: HandOff | None


def latest_assessment(referral: Referral) -> TriageAssessment | None:
    return referral.triage_assessments.select_related("target_site", "final_site", "confirmed_by").first()


def _decision_words(outcome: str, site: Site | None) -> str:
    if outcome == TriageOutcome.PANEL:
        return f"{site.name} decides"
    if outcome == TriageOutcome.OTHER_SITE:
        return f"transferred to {site.name}"
    return "handed off to the Single Competent Authority"


def triage_confirm(
    *,
    referral: Referral,
    user,
    final_outcome: str,
    final_site: Site | None,
    reason: str,
    request: HttpRequest | None = None,
) -> TriageResult:
    """Record the coordinator's decision on the engine's outcome, once, and act on it.

    Guarded: the referral is locked and must still be awaiting triage, and its latest assessment
    unconfirmed, so a double submit changes nothing twice. An override needs a reason.
    """
    reason = (reason or "").strip()
    if final_outcome not in TriageOutcome.values:
        raise TriageInvalid("Select who decides this referral", "outcome")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not has_perm(user, Perm.REFERRAL_TRIAGE, locked.site_id):
            raise PermissionDenied
        assessment = locked.triage_assessments.select_for_update().first()
        if locked.status != ReferralStatus.SUBMITTED or assessment is None or assessment.confirmed_at is not None:
            raise ReferralStateError("This referral has already been triaged.")
        from_site = Site.objects.get(pk=locked.site_id)
        locked.site = from_site
        if final_outcome == TriageOutcome.PANEL:
            final_site = from_site
        elif final_outcome == TriageOutcome.SCA:
            final_site = None
        elif final_site is None or not final_site.active or final_site.pk == from_site.pk:
            raise TriageInvalid("Select the site to transfer the referral to", "site")

        suggested = eligibility.suggested_site(locked, assessment)
        overridden = eligibility.differs(final_outcome, final_site, assessment.outcome, suggested)
        if overridden and not reason:
            raise TriageInvalid("Enter the reason for changing who decides", "reason")

        now = timezone.now()
        assessment.confirmed_by = user
        assessment.confirmed_at = now
        assessment.final_outcome = final_outcome
        assessment.final_site = final_site
        assessment.override_reason = reason
        assessment.save(
            update_fields=["confirmed_by", "confirmed_at", "final_outcome", "final_site", "override_reason"]
        )

        words = _decision_words(final_outcome, final_site)
        status_reason = f"Triage {'changed' if overridden else 'confirmed'}: {words}." + (
            f" Reason: {reason}" if reason else ""
        )
        sent = None
        if final_outcome == TriageOutcome.PANEL:
            _change_status(locked, ReferralStatus.ACCEPTED, user, status_reason)
        else:
            _change_status(locked, ReferralStatus.HANDED_OFF, user, status_reason)
            sent = _hand_off(locked, final_outcome, from_site, final_site, user, status_reason)
            if final_outcome == TriageOutcome.OTHER_SITE:
                _receive(locked, from_site, final_site, user)

        audit_record(
            request=request,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=from_site.pk,
            purpose=PURPOSE,
            detail={
                "triage": final_outcome,
                "overridden": overridden,
                "to_site": final_site.pk if final_site else None,
                "handoff": sent.pk if sent else None,
            },
        )
    return TriageResult(locked, assessment, sent)


def _change_status(referral: Referral, to_status: str, user, reason: str) -> None:
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=to_status, actor=user, reason=reason
    )
    referral.status = to_status
    referral.save(update_fields=["status", "updated_at"])


def _hand_off(referral: Referral, outcome: str, from_site: Site, to_site: Site | None, user, reason: str) -> HandOff:
    """Produce the case packet as it is at the moment of hand-off, and keep it."""
    details = handoff.handoff_details(outcome=outcome, from_site=from_site, to_site=to_site, user=user, reason=reason)
    packet = handoff.case_packet(referral, handoff=details)
    return HandOff.objects.create(
        referral=referral,
        outcome=outcome,
        from_site=from_site,
        to_site=to_site,
        produced_by=user,
        packet=packet,
        sha256=handoff.packet_sha256(packet),
    )


def _receive(referral: Referral, from_site: Site, to_site: Site, user) -> None:
    """Move the case to the site that takes it over, to be triaged there as if it had been sent there."""
    referral.site = to_site
    referral.save(update_fields=["site", "updated_at"])
    if referral.child_id:
        Child.objects.filter(pk=referral.child_id).update(site=to_site, updated_at=timezone.now())
    _change_status(referral, ReferralStatus.SUBMITTED, user, f"Received from {from_site.name}: awaiting triage.")
    fresh = eligibility.assess(referral, receiving_site=to_site, on=eligibility.referral_date(referral))
    TriageAssessment.objects.create(
        referral=referral,
        outcome=fresh.outcome,
        target_site=fresh.target_site,
        reasons=[f"Transferred from {from_site.name}.", *fresh.reasons],
        rules_version=fresh.rules_version,
    )
