"""Scoped reads for transfers and the turning-18 hand-over: the only way views reach them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.handovers.models import CaseTransfer, ScaReportedDecision, TransferDestination
from childnrm.people.models import Child
from childnrm.referrals.anonymised import children_anonymised, live
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.selectors import consent_answer_of_child
from childnrm.triage.eligibility import MIN_DAYS_BEFORE_18, latest_birth_date_18_by
from childnrm.triage.models import OnwardReferral, TriageOutcome

# A decision taken and waiting for its second review holds the case here until reviewed. A draft does not: it goes
# with the case to another site, whose panel finishes it, and to the SCA it stands still (decisions refuse changes
# to a case the panel no longer holds), so a draft left from a sitting never keeps a child from the SCA.
OPEN_DECISION_STATUSES = (DecisionStatus.SECOND_REVIEW,)
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
    """The child's cases the panel holds at the child's site (accepted, not yet handed on, not anonymised: an anonymised
    record is kept for the figures, never sent on; `referrals.anonymised`)."""
    accepted = child.referrals.filter(live(), site_id=child.site_id, status=ReferralStatus.ACCEPTED)
    return accepted.order_by("-submitted_at", "-id")


def open_decisions(referrals: Iterable[Referral]) -> list[Decision]:
    """Decisions on these cases taken and waiting for their second review. A case is not transferred while one is
    (`services.case_transfer`)."""
    return list(
        Decision.objects.filter(referral__in=list(referrals), status__in=OPEN_DECISION_STATUSES)
        .select_related("referral")
        .order_by("referral__submitted_at", "referral_id", "stage", "version")
    )


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
    """Children of the site, not yet 18, whose 18th birthday is within the site's warning window. A child whose record
    retention anonymised is not (nothing more is recorded about them: `referrals.anonymised`)."""
    return (
        Child.objects.filter(site=site, date_of_birth__isnull=False)
        .exclude(children_anonymised())
        .filter(date_of_birth__gt=latest_birth_date_18_by(today))
        .filter(date_of_birth__lte=latest_birth_date_18_by(today + timedelta(days=site.turning_18_warning_days)))
        .select_related("adult_transition")
        .annotate(consent_answer=consent_answer_of_child())
        .order_by("date_of_birth", "id")
    )


# The hand-over is still to do: not started, or started and not completed. A completed one is done; the Turning 18
# page (`turning_18_children`) still lists it, marked completed, as the register of the site's hand-overs.
HAND_OVER_TO_DO = Q(adult_transition__isnull=True) | Q(adult_transition__completed_on__isnull=True)


def turning_18_hand_overs_to_do(site: Site, today: date) -> QuerySet[Child]:
    """`turning_18_children` whose hand-over is not completed: what the dashboard and the daily digest chase."""
    return turning_18_children(site, today).filter(HAND_OVER_TO_DO)


def turning_18_cut_off(site: Site, today: date) -> QuerySet[Child]:
    """Children of the site within CUT_OFF_DAYS of 18 (not yet 18), whose hand-over is not completed: the panel can
    no longer decide for them, and the hand-over is still to do. A child whose record retention anonymised is not."""
    return (
        Child.objects.filter(site=site, date_of_birth__isnull=False)
        .exclude(children_anonymised())
        .filter(HAND_OVER_TO_DO)
        .filter(date_of_birth__gt=latest_birth_date_18_by(today))
        .filter(date_of_birth__lte=latest_birth_date_18_by(today + timedelta(days=CUT_OFF_DAYS)))
        .select_related("adult_transition")
        .annotate(consent_answer=consent_answer_of_child())
        .order_by("date_of_birth", "id")
    )


# The SCA's reported decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaCase:
    """A case the user's site handed to the SCA: how (the transfer, or the hand-off at triage) and when."""

    referral: Referral
    site_id: int  # the site that handed it over
    handed_on: date
    transfer: CaseTransfer | None
    handoff: OnwardReferral | None


def _sent_to_sca(site_ids: list[int]) -> Q:
    """Referrals the sites handed to the SCA: by a transfer, or at triage."""
    transferred = CaseTransfer.objects.filter(
        referral=OuterRef("pk"), destination=TransferDestination.SCA, from_site_id__in=site_ids
    )
    handed = OnwardReferral.objects.filter(
        referral=OuterRef("pk"), outcome=TriageOutcome.SCA, from_site_id__in=site_ids
    )
    return Q(Exists(transferred)) | Q(Exists(handed))


def sca_cases_for(user) -> QuerySet[Referral]:
    """Cases handed to the SCA by sites where the user records the SCA's decisions."""
    sites = sites_where(user, Perm.SCA_OUTCOME_RECORD)
    if not sites:
        return Referral.objects.none()
    return Referral.objects.filter(status=ReferralStatus.HANDED_OFF).filter(_sent_to_sca(sites))


def sca_case_get(user, reference: str) -> ScaCase:
    referral = sca_cases_for(user).select_related("child", "site").filter(reference=reference).first()
    if referral is None:
        raise Http404
    sites = sites_where(user, Perm.SCA_OUTCOME_RECORD)
    transfer = (
        CaseTransfer.objects.filter(referral=referral, destination=TransferDestination.SCA, from_site_id__in=sites)
        .order_by("-transferred_at", "-pk")
        .first()
    )
    if transfer is not None:
        return ScaCase(
            referral, transfer.from_site_id, timezone.localtime(transfer.transferred_at).date(), transfer, None
        )
    handoff = (
        OnwardReferral.objects.filter(referral=referral, outcome=TriageOutcome.SCA, from_site_id__in=sites)
        .order_by("-produced_at", "-pk")
        .first()
    )
    assert handoff is not None  # sca_cases_for found one of the two
    return ScaCase(referral, handoff.from_site_id, timezone.localtime(handoff.produced_at).date(), None, handoff)


def sca_decisions_in_force(referral: Referral) -> list[ScaReportedDecision]:
    """The SCA's decisions on the case as they stand (corrections applied): reasonable grounds first."""
    return list(
        ScaReportedDecision.objects.filter(referral=referral, replaced_at__isnull=True)
        .select_related("recorded_by")
        .order_by("-stage", "pk")  # reasonable grounds ("r...") before conclusive grounds ("c...")
    )


def sca_decision_history(referral: Referral) -> list[ScaReportedDecision]:
    """Every decision recorded on the case, corrections and what they replaced included, newest first."""
    return list(
        ScaReportedDecision.objects.filter(referral=referral)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


@dataclass(frozen=True)
class ScaDecisionRow:
    """One SCA decision in force, for the statistics app's pilot evaluation (panel and SCA side by side)."""

    referral_id: int
    site_id: int  # the site that handed the case to the SCA
    referred_on: date  # the day the referral was submitted
    stage: str  # decisions.models.Stage: "reasonable_grounds" or "conclusive_grounds"
    outcome: str  # ScaOutcome: "positive" or "negative"
    decided_on: date  # the day the SCA decided


def _rows(decisions: QuerySet[ScaReportedDecision]) -> list[ScaDecisionRow]:
    found = decisions.order_by("site_id", "referral_id", "-stage").values_list(
        "referral_id", "site_id", "referral__submitted_at", "stage", "outcome", "decided_on"
    )
    return [
        ScaDecisionRow(referral_id, site_id, timezone.localtime(submitted).date(), stage, outcome, decided_on)
        for referral_id, site_id, submitted, stage, outcome, decided_on in found
        if submitted is not None
    ]


def sca_reported_decisions(
    site_ids: Sequence[int], start: date | None = None, end: date | None = None
) -> list[ScaDecisionRow]:
    """The SCA's decisions in force on cases the sites handed to it, decided in [start, end] (either end open):
    (referral date, stage, outcome, decision date) per decision, by site, case and stage (reasonable grounds
    first). No child's details."""
    rows = ScaReportedDecision.objects.filter(site_id__in=list(site_ids), replaced_at__isnull=True)
    if start is not None:
        rows = rows.filter(decided_on__gte=start)
    if end is not None:
        rows = rows.filter(decided_on__lte=end)
    return _rows(rows)


def sca_decisions_of(referral_ids: Iterable[int] | QuerySet) -> list[ScaDecisionRow]:
    """The SCA's decisions in force on the given cases (ids, or a query of them), as `sca_reported_decisions`."""
    ids = referral_ids if isinstance(referral_ids, QuerySet) else list(referral_ids)
    return _rows(ScaReportedDecision.objects.filter(referral_id__in=ids, replaced_at__isnull=True))
