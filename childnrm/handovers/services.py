"""Hand-overs: transferring a case to another site's panel or to the SCA, and the turning-18 hand-over.

A transfer to another site moves the referral and the child's record there, with everything hung
on them (decisions, plan, information requests, letters follow by their relations), so the
receiving coordinator gains the case and the sending one loses it. The packet is kept exactly as
sent, with its SHA-256, so the sending site can always show what it shared, with whom and why. A
transfer to the SCA hands the case off (every referral of the child the panel held, as a transfer to another site
moves them all) and it stays here, marked as transferred. Neither is made while a decision taken waits for its
second review: it is reviewed first. A draft goes with the case to another site; to the SCA it stands still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import locks
from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.handovers import packet as packets
from childnrm.handovers.models import (
    AdultTransition,
    CaseTransfer,
    ScaOutcome,
    ScaReportedDecision,
    TransferDestination,
)
from childnrm.handovers.selectors import ScaCase, open_decisions
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.panels import services as panel_services
from childnrm.panels.models import AgendaItem, MeetingStatus
from childnrm.people import linkage
from childnrm.people.models import AssociationKind, Child
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.anonymised import (
    case_anonymised,
    case_anonymised_message,
    child_anonymised_at,
    child_anonymised_message,
    live,
)
from childnrm.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from childnrm.referrals.selectors import adult_consent_of_child
from childnrm.safeguarding import services as safeguarding_services
from childnrm.triage.eligibility import eighteenth_birthday

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

PURPOSE = PURPOSES[Perm.CASE_TRANSFER]


class HandoverError(ServiceError, ValueError):
    """The hand-over cannot be made; `field` names the form field to show it against (None for the page)."""


# What is still open, by stage and state: whole sentences, each language words them its own way.
_OPEN_DECISION_WORDS: dict[tuple[str, str], _StrOrPromise] = {
    (Stage.REASONABLE_GROUNDS, DecisionStatus.SECOND_REVIEW): gettext_lazy(
        "The reasonable grounds decision on case %(reference)s is waiting for its second review. "
        "Finish the review before you transfer the case."
    ),
    (Stage.CONCLUSIVE_GROUNDS, DecisionStatus.SECOND_REVIEW): gettext_lazy(
        "The conclusive grounds decision on case %(reference)s is waiting for its second review. "
        "Finish the review before you transfer the case."
    ),
}


def open_decision_message(decision: Decision) -> str:
    """Why a decision still open holds the case here (`selectors.open_decisions`), in the reader's language."""
    return str(_OPEN_DECISION_WORDS[(decision.stage, decision.status)]) % {"reference": decision.referral.reference}


def _status_change(referral: Referral, to_status: str, user, reason: str) -> None:
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=to_status, actor=user, reason=reason
    )
    referral.status = to_status


def case_transfer(
    *,
    child: Child,
    user,
    destination: str,
    to_site: Site | None,
    reason: str,
    audit: AuditContext | None = None,
) -> CaseTransfer:
    """Transfer the child's case (every referral of the child the panel holds at its site) with its whole history,
    once. Refused while a decision on any of them waits for its second review."""
    reason = (reason or "").strip()
    if destination not in TransferDestination.values:
        raise HandoverError(gettext("Select where the case is going"), "destination")
    if not reason:
        raise HandoverError(gettext("Enter the reason for the transfer"), "reason")
    with transaction.atomic():
        site_id = Child.objects.filter(pk=child.pk).values_list("site_id", flat=True).get()
        if not has_perm(user, Perm.CASE_TRANSFER, site_id):
            raise PermissionDenied
        # An anonymised case is kept for the figures, never sent on (`referrals.anonymised`). The case's rows are
        # locked in the one order (`decisions.locks`): its live sittings, its referrals, then the child, as a sign-off
        # or retention takes them (the child locked first, a transfer and a sign-off could each wait for the other).
        locked_child, referrals = locks.child_cases_lock(
            child,
            Referral.objects.filter(
                live(), child_id=child.pk, site_id=site_id, status=ReferralStatus.ACCEPTED
            ).order_by("-submitted_at", "-id"),
        )
        from_site = locked_child.site
        anonymised_at = child_anonymised_at(locked_child.pk)
        if anonymised_at is not None:
            raise HandoverError(child_anonymised_message(locked_child.reference, anonymised_at))
        if not referrals or from_site.pk != site_id:  # moved by a transfer that committed meanwhile
            raise HandoverError(
                gettext("This child has no case with the panel to transfer: it may have been transferred already.")
            )
        # A decision taken and waiting for its second review stays with the panel: the case waits for it (the
        # referrals are locked, so none is sent for review meanwhile).
        still_open = open_decisions(referrals)
        if still_open:
            raise HandoverError(" ".join(open_decision_message(decision) for decision in still_open))
        if destination == TransferDestination.SITE:
            if to_site is None or not to_site.active or to_site.pk == from_site.pk:
                raise HandoverError(gettext("Select the site to transfer the case to"), "site")
        else:
            to_site = None
        # Off the sending site's live agendas first, so the packet tells the receiver where the case stands.
        _off_live_agendas(referrals, user, to_site, audit)
        main = referrals[0]
        details = packets.transfer_details(
            destination=destination, from_site=from_site, to_site=to_site, user=user, reason=reason
        )
        packet = packets.transfer_packet(main, transfer=details)
        transfer = CaseTransfer.objects.create(
            referral=main,
            destination=destination,
            from_site=from_site,
            to_site=to_site,
            reason=reason,
            transferred_by=user,
            packet=packet,
            sha256=packets.packet_sha256(packet),
        )
        now = timezone.now()
        if to_site is not None:
            words = f"Transferred from {from_site.name} to {to_site.name} with its whole history. Reason: {reason}"
            for referral in referrals:
                _status_change(referral, ReferralStatus.ACCEPTED, user, words)
                referral.site = to_site
                referral.save(update_fields=["status", "site", "updated_at"])
            Child.objects.filter(pk=locked_child.pk).update(site=to_site, updated_at=now)
            _guardians_left_behind_end(locked_child, user, audit)
            # The child's blocking keys carry its site: searches at the new site find it, the old site's do not.
            linkage.blocking_keys_refresh([locked_child.pk])
            transaction.on_commit(lambda: _notify(transfer.pk))
        else:
            # Every case of the child goes, as to another site: none is left with the panel to decide.
            words = f"Transferred to the Single Competent Authority with its whole history. Reason: {reason}"
            for referral in referrals:
                _status_change(referral, ReferralStatus.HANDED_OFF, user, words)
                referral.save(update_fields=["status", "updated_at"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=main,
            site_id=from_site.pk,
            purpose=PURPOSE,
            detail={
                "transfer": transfer.pk,
                "destination": destination,
                "to_site": to_site.pk if to_site else None,
                "referrals": [r.pk for r in referrals],
                "child": locked_child.pk,
                "sha256": transfer.sha256,
            },
        )
    return transfer


def _off_live_agendas(referrals: list[Referral], user, to_site: Site | None, audit: AuditContext | None) -> None:
    """Take the cases off the sending site's sittings still to be held, as the coordinator would by hand
    (`panels.services.agenda_item_remove`, audited): the receiving panel, or the SCA, decides them now. A listed
    reconsideration goes back to received by the panels' hook (`reviews.services.reconsideration_follows_agenda`)
    and follows its case, for the receiving panel to list.

    A sitting under way keeps a case moved to another site on its agenda as its record (the sitting shows it as
    transferred and its papers are closed, `panels.selectors.held_items`); only the hooks are told it left, so a
    listed request follows it all the same. A case handed to the SCA stays at this site, so nothing would close its
    papers: it comes off a sitting under way too. An item at which a decision was recorded stays: it is the sitting's
    record, and the draft goes with the case (decisions refuse to change a case not held here)."""
    items = (
        AgendaItem.objects.filter(
            referral__in=referrals, meeting__status__in=panel_services.LIVE_STATUSES, decisions__isnull=True
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "id")
    )
    for item in items:
        if to_site is None or item.meeting.status == MeetingStatus.SCHEDULED:
            panel_services.agenda_item_remove(item=item, user=user, audit=audit)
        else:
            locks.sittings_lock([item.meeting_id])  # locked already, unless listed since (`locks.child_cases_lock`)
            for hook in panel_services.AGENDA_ITEM_LEFT_HOOKS:
                hook(item, None, user, audit)


def _guardians_left_behind_end(child: Child, user, audit: AuditContext | None) -> None:
    """End the guardian allocations that do not count at the child's new site (the guardian holds no guardian's
    role there: `people.selectors.associations_in_force`), so the receiving site is never told the sending site's
    guardian is allocated, and can allocate its own. A guardian who holds the role there too stays allocated."""
    safeguarding_services.guardian_allocations_end(
        safeguarding_services.guardian_allocations_open(child).filter(~associations_in_force((AssociationKind.ICTG,))),
        child=child,
        user=user,
        change="ended by transfer",
        purpose=PURPOSE,
        audit=audit,
    )


def _notify(transfer_id: int) -> None:
    from childnrm.handovers.tasks import notify_case_transferred

    notify_case_transferred.enqueue(transfer_id)


# Turning 18 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionAnswers:
    adult_support_referral_on: date | None
    adult_support_provider: str
    notes: str
    completed_on: date | None


def adult_transition_save(
    *, child: Child, user, answers: TransitionAnswers, audit: AuditContext | None = None
) -> AdultTransition:
    """Record where the young person's turning-18 hand-over has got to (adult support, completion). Their
    consent is recorded on their case (`triage.services.adult_consent_record`), once."""
    if answers.adult_support_referral_on and not answers.adult_support_provider.strip():
        raise HandoverError(gettext("Enter the adult support provider"), "adult_support_provider")
    if answers.completed_on and adult_consent_of_child(child.pk) is None:
        raise HandoverError(
            gettext("Record the young person's answer on consent before marking the hand-over complete"),
            "completed_on",
        )
    with transaction.atomic():
        locked_child = locks.child_lock(child.pk)
        if not has_perm(user, Perm.CASE_TRANSFER, locked_child.site_id):
            raise PermissionDenied
        anonymised_at = child_anonymised_at(locked_child.pk)
        if anonymised_at is not None:
            raise HandoverError(child_anonymised_message(locked_child.reference, anonymised_at))
        if locked_child.date_of_birth is None:
            raise HandoverError(gettext("This child's date of birth is not known: record it before the hand-over."))
        transition = AdultTransition.objects.select_for_update().filter(child=locked_child).first()
        before = None
        if transition is None:
            transition = AdultTransition(child=locked_child)
        else:
            before = packets.row(transition, leave_out={"updated_at", "updated_by"})
        transition.eighteenth_birthday = eighteenth_birthday(locked_child.date_of_birth)
        transition.adult_support_referral_on = answers.adult_support_referral_on
        transition.adult_support_provider = answers.adult_support_provider.strip()
        transition.notes = answers.notes.strip()
        transition.completed_on = answers.completed_on
        transition.updated_by = user
        transition.save()
        after = packets.row(transition, leave_out={"updated_at", "updated_by"})
        changed = sorted(k for k, v in after.items() if before is None or before.get(k) != v)
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE if before is None else Action.UPDATE,
            obj=locked_child,
            purpose=PURPOSE,
            detail={"adult_transition": transition.pk, "fields": changed},
        )
    return transition


# The SCA's reported decision ---------------------------------------------------------------------------

SCA_PURPOSE = PURPOSES[Perm.SCA_OUTCOME_RECORD]
CORRECTION_REASON_MAX = 2_000


@dataclass(frozen=True)
class ScaDecisionAnswers:
    stage: str  # decisions.models.Stage
    outcome: str  # ScaOutcome
    decided_on: date | None
    reported_on: date | None
    correction_reason: str = ""


def sca_decision_record(
    *,
    case: ScaCase,
    user,
    answers: ScaDecisionAnswers,
    audit: AuditContext | None = None,
    today: date | None = None,
) -> ScaReportedDecision:
    """Record the SCA's decision on a case the site handed to it, as the SCA reported it. Recording a stage
    already recorded is a correction: it needs a reason and replaces the one in force (never an edit).

    The SCA decides conclusive grounds only after a positive reasonable grounds decision, so a conclusive
    grounds decision needs one recorded, on or before its day."""
    today = today or timezone.localdate()
    reason = (answers.correction_reason or "").strip()
    if answers.stage not in Stage.values:
        raise HandoverError(gettext("Select which decision the SCA made"), "stage", "stage")
    if answers.outcome not in ScaOutcome.values:
        raise HandoverError(gettext("Select the SCA's decision"), "outcome", "outcome")
    if answers.decided_on is None:
        raise HandoverError(gettext("Enter the date of the SCA's decision"), "decided_on", "decided_on")
    if answers.reported_on is None:
        raise HandoverError(gettext("Enter the date the SCA told you"), "reported_on", "reported_on")
    if answers.decided_on > today:
        raise HandoverError(
            gettext("The date of the SCA's decision must be today or in the past"), "decided_on", "future"
        )
    if answers.reported_on > today:
        raise HandoverError(gettext("The date the SCA told you must be today or in the past"), "reported_on", "future")
    if answers.decided_on < case.handed_on:
        raise HandoverError(
            gettext("The date of the SCA's decision must be on or after the day the case was handed to it, %(date)s")
            % {"date": long_date(case.handed_on)},
            "decided_on",
            "before_hand_off",
        )
    if answers.reported_on < answers.decided_on:
        raise HandoverError(
            gettext("The date the SCA told you must be the same as or after the date of its decision"),
            "reported_on",
            "order",
        )
    if len(reason) > CORRECTION_REASON_MAX:
        raise HandoverError(
            gettext("The reason must be %(max)s characters or fewer") % {"max": f"{CORRECTION_REASON_MAX:,}"},
            "correction_reason",
            "too_long",
        )
    with transaction.atomic():
        referral = locks.case_lock(case.referral)
        if not has_perm(user, Perm.SCA_OUTCOME_RECORD, case.site_id):
            raise PermissionDenied
        if case_anonymised(referral):
            raise HandoverError(case_anonymised_message(referral))
        in_force = {
            d.stage: d
            for d in ScaReportedDecision.objects.select_for_update().filter(referral=referral, replaced_at__isnull=True)
        }
        earlier = in_force.get(answers.stage)
        if earlier is not None and not reason:
            raise HandoverError(
                gettext("The SCA's decision at this stage is recorded already: enter why you are correcting it"),
                "correction_reason",
                "reason_needed",
            )
        if earlier is None:
            reason = ""  # nothing to correct
        if answers.stage == Stage.CONCLUSIVE_GROUNDS:
            reasonable = in_force.get(Stage.REASONABLE_GROUNDS)
            if reasonable is None or reasonable.outcome != ScaOutcome.POSITIVE:
                raise HandoverError(
                    gettext(
                        "The SCA makes a conclusive grounds decision only after a positive reasonable grounds "
                        "decision: record that first"
                    ),
                    "stage",
                    "needs_reasonable_grounds",
                )
            if answers.decided_on < reasonable.decided_on:
                raise HandoverError(
                    gettext(
                        "The conclusive grounds decision must be on or after the reasonable grounds decision of "
                        "%(date)s"
                    )
                    % {"date": long_date(reasonable.decided_on)},
                    "decided_on",
                    "before_reasonable_grounds",
                )
        elif earlier is not None and answers.outcome == ScaOutcome.NEGATIVE and Stage.CONCLUSIVE_GROUNDS in in_force:
            raise HandoverError(
                gettext(
                    "A conclusive grounds decision is recorded, which follows a positive reasonable grounds "
                    "decision: correct that first"
                ),
                "outcome",
                "conclusive_recorded",
            )
        now = timezone.now()
        if earlier is not None:  # out of force before its replacement comes in (one in force per stage)
            ScaReportedDecision.objects.filter(pk=earlier.pk).update(replaced_at=now)
        decision = ScaReportedDecision.objects.create(
            referral=referral,
            transfer=case.transfer,
            site_id=case.site_id,
            stage=answers.stage,
            outcome=answers.outcome,
            decided_on=answers.decided_on,
            reported_on=answers.reported_on,
            correction_reason=reason,
            recorded_by=user,
        )
        if earlier is not None:
            ScaReportedDecision.objects.filter(pk=earlier.pk).update(replaced_by=decision)
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=decision,
            site_id=case.site_id,
            purpose=SCA_PURPOSE,
            detail={
                "referral": referral.pk,
                "stage": answers.stage,
                "outcome": answers.outcome,
                "decided_on": answers.decided_on.isoformat(),
                "reported_on": answers.reported_on.isoformat(),
                "corrects": earlier.pk if earlier is not None else None,
            },
        )
    return decision
