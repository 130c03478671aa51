"""Reconsiderations and SCA returns: every change goes through one of these functions.

Each state change locks its row, checks the state it expects, makes the change and writes the
audit event last, in one transaction. A problem with what the user entered raises `ReviewInvalid`
naming the form field; a change the record's state no longer allows raises `ReviewStateError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import locks
from childnrm.decisions import reconsideration as reconsideration_rules
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, DecisionVote, Outcome
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.kit.words import and_list
from childnrm.panels import services as panel_services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingStatus
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews import export, selectors
from childnrm.reviews.models import (
    ROUTES,
    DecisionReturn,
    FindingRating,
    QualityFinding,
    ReconsiderationGround,
    ReconsiderationRequest,
    ReconsiderationStatus,
    ReconsiderationWindow,
    RequesterKind,
)

RECONSIDERATION = PURPOSES[Perm.RECONSIDERATION_RECORD]
RETURN = PURPOSES[Perm.DECISION_RETURN]
AUDIT = PURPOSES[Perm.SCA_AUDIT]
OPEN_STATUSES = (ReconsiderationStatus.RECEIVED, ReconsiderationStatus.LISTED)
ROUTE_KINDS = [k for k, _ in ROUTES]
TEXT_MAX = 10_000


class ReviewInvalid(ServiceError, ValueError):
    """What the user entered cannot be accepted; `field` names the form field to show it against."""


class ReviewStateError(ServiceError, RuntimeError):
    """The record is no longer in a state that allows this change (someone else got there first)."""


def _long(day: date) -> str:
    return long_date(day)


# Reconsideration ---------------------------------------------------------------------------------


def window_of(decision: Decision) -> ReconsiderationWindow | None:
    """The reconsideration window the decision is judged by, or None while it has not started (not yet
    communicated). A correction inherits the window of the decision it corrects (`selectors.window_of`)."""
    return selectors.window_of(decision)


def window_closes_on(decision: Decision) -> date | None:
    """The last day a request counts as in time (that day included), or None while the window has not started."""
    window = window_of(decision)
    return window.last_day if window is not None else None


def window_open(*, decision: Decision, communicated_on: date) -> ReconsiderationWindow | None:
    """The decision was communicated to the referrer on `communicated_on` (its letter produced): open its window.

    Only a final negative decision has one. Opened once: the first communication starts it, and a letter
    produced again later prints the same last day. A correction neither reopens nor restarts it: its letters print
    the window of the decision it corrects (`window_of`), which its communication opens only if that decision was
    never communicated. The caller holds the decision's row lock.
    """
    if decision.status != DecisionStatus.FINAL or decision.outcome != Outcome.NEGATIVE:
        return None
    existing = window_of(decision)
    if existing is not None:
        return existing
    final_on = reconsideration_rules.final_on(decision)
    days = decision.referral.site.reconsideration_window_days
    return ReconsiderationWindow.objects.create(
        decision=decision,
        final_on=final_on,
        communicated_on=communicated_on,
        window_days=days,
        last_day=reconsideration_rules.last_day(final_on=final_on, communicated_on=communicated_on, window_days=days),
    )


def reconsideration_receive(
    *,
    decision: Decision,
    user,
    requester_kind: str,
    requester_name: str,
    requester_organisation: str,
    grounds: list[str],
    details: str,
    received_on: date,
    accept_late: bool | None,
    late_reason: str,
    routed_through: str = "",
    routed_through_name: str = "",
    audit: AuditContext | None = None,
) -> ReconsiderationRequest:
    """Take in a request to reconsider a final negative decision.

    Only the first responder, the child's social worker, guardian or support provider may ask; anyone else's
    request is recorded as brought through one of them (which, and who), `requester_name` being the person who
    first asked. In time if received by the window's last day (decisions.reconsideration.last_day), or at any
    time before the decision was communicated to the referrer (the window has not started). A late request is
    either accepted, with the reason recorded, or recorded as not accepted.
    """
    requester_name = (requester_name or "").strip()
    requester_organisation = (requester_organisation or "").strip()
    routed_through = (routed_through or "").strip()
    routed_through_name = (routed_through_name or "").strip()
    details = (details or "").strip()
    late_reason = (late_reason or "").strip()
    if requester_kind not in RequesterKind.values:
        raise ReviewInvalid(gettext("Select who is asking for the reconsideration"), "requester_kind")
    if not requester_name:
        raise ReviewInvalid(gettext("Enter the name of the person asking"), "requester_name")
    if requester_kind == RequesterKind.OTHER:
        if routed_through not in ROUTE_KINDS:
            raise ReviewInvalid(
                gettext(
                    "Select who is bringing the request: the first responder, or the child's social worker, guardian "
                    "or support provider"
                ),
                "routed_through",
            )
        if not routed_through_name:
            raise ReviewInvalid(gettext("Enter the name of the person bringing the request"), "routed_through_name")
    else:
        routed_through, routed_through_name = "", ""
    if not grounds or any(g not in ReconsiderationGround.values for g in grounds):
        raise ReviewInvalid(gettext("Select at least one ground for the reconsideration"), "grounds")
    if not details:
        raise ReviewInvalid(gettext("Enter the details of the request"), "details")
    if received_on > timezone.localdate():
        raise ReviewInvalid(gettext("The date the request was received must be today or in the past"), "received_on")
    with transaction.atomic():
        locked = Decision.objects.select_for_update(of=("self",)).select_related("referral__site").get(pk=decision.pk)
        site = locked.referral.site
        if site is None or not has_perm(user, Perm.RECONSIDERATION_RECORD, site.pk):
            raise PermissionDenied
        _refuse_if_anonymised(locked.pk)
        # A case transferred (to the SCA or another site) or withdrawn is no longer this panel's to reconsider: no
        # sitting of it could list the request.
        if locked.referral.status != ReferralStatus.ACCEPTED:
            raise ReviewStateError(gettext("This case is not held by this site's panel."), "decision")
        if locked.status != DecisionStatus.FINAL or locked.outcome != Outcome.NEGATIVE:
            raise ReviewStateError(gettext("Only a final negative decision can be reconsidered."), "decision")
        if locked.decided_on and received_on < locked.decided_on:
            raise ReviewInvalid(
                gettext("The date the request was received must be on or after the decision date, %(date)s")
                % {"date": _long(locked.decided_on)},
                "received_on",
            )
        # One request at a time on a stage: one taken in before a correction is still in progress on the version the
        # correction superseded.
        in_progress = ReconsiderationRequest.objects.filter(
            decision__referral_id=locked.referral_id, decision__stage=locked.stage, status__in=OPEN_STATUSES
        )
        if in_progress.exists():
            raise ReviewStateError(gettext("A reconsideration of this decision is already in progress."), "decision")
        # Not yet communicated to the referrer: the window has not started, so the request is in time. A correction
        # is judged by the window of the decision it corrects.
        closes = window_closes_on(locked)
        within = closes is None or received_on <= closes
        status = ReconsiderationStatus.RECEIVED
        if not within:
            if accept_late is None:
                raise ReviewInvalid(
                    gettext("This request is late: the window closed on %(date)s. Select whether the panel accepts it")
                    % {"date": _long(closes)},
                    "accept_late",
                )
            if accept_late and not late_reason:
                raise ReviewInvalid(gettext("Enter why the panel accepts this late request"), "late_reason")
            if not accept_late:
                status, late_reason = ReconsiderationStatus.REFUSED, ""
        else:
            late_reason = ""
        asked = ReconsiderationRequest.objects.create(
            decision=locked,
            requester_kind=requester_kind,
            requester_name=requester_name[:200],
            requester_organisation=requester_organisation[:200],
            routed_through=routed_through,
            routed_through_name=routed_through_name[:200],
            grounds=[g for g in ReconsiderationGround.values if g in grounds],
            details=details[:TEXT_MAX],
            received_on=received_on,
            within_window=within,
            late_reason_accepted=late_reason[:TEXT_MAX],
            status=status,
            recorded_by=user,
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=asked,
            site_id=site.pk,
            purpose=RECONSIDERATION,
            detail={
                "decision": locked.pk,
                "referral": locked.referral.reference,
                "within_window": within,
                "window_closes": closes.isoformat() if closes else None,
                "requester_kind": requester_kind,
                "routed_through": routed_through,
                "status": status,
            },
        )
    return asked


def original_voters(decision: Decision) -> set[int]:
    """Everyone who voted on the decision, or on an earlier version of it (corrections)."""
    return set(
        DecisionVote.objects.filter(
            decision__referral_id=decision.referral_id,
            decision__stage=decision.stage,
            decision__version__lte=decision.version,
        ).values_list("voter_id", flat=True)
    )


def _names(users) -> str:
    return and_list(sorted({u.full_name for u in users}))


def same_panel_clash(decision: Decision, meeting: Meeting) -> list:
    """The voting attendees (and the chair) of `meeting` who voted on `decision`."""
    voters = original_voters(decision)
    clash = [a.user for a in meeting.attendees.select_related("user").filter(voting=True, user_id__in=voters)]
    if meeting.chair_id in voters and meeting.chair_id not in {u.pk for u in clash}:
        clash.append(meeting.chair)
    return clash


def _locked_in_order(
    reconsideration: ReconsiderationRequest, *, sittings: Iterable[int] = (), its_sitting: bool = False
) -> ReconsiderationRequest:
    """The request locked in the one order of a case's locks (`decisions.locks`, ADR 0035): the `sittings` the change
    lists it at (and the one it is listed at, with `its_sitting`), its case, its decision, then the request itself,
    read with them. A sitting that lists it in between is locked after, by the agenda: the rare exception."""
    decision_id, referral_id, listed_at = ReconsiderationRequest.objects.values_list(
        "decision_id", "decision__referral_id", "meeting_id"
    ).get(pk=reconsideration.pk)
    locks.sittings_lock([*sittings, listed_at if its_sitting else None])
    locks.cases_lock([referral_id])
    locks.decisions_lock([decision_id])
    return (
        ReconsiderationRequest.objects.select_for_update(of=("self",))
        .select_related("decision__referral")
        .get(pk=reconsideration.pk)
    )


def reconsideration_list(
    *, reconsideration: ReconsiderationRequest, meeting: Meeting, user, audit: AuditContext | None = None
) -> ReconsiderationRequest:
    """List the request before a future scheduled meeting of a differently constituted panel."""
    with transaction.atomic():
        locked = _locked_in_order(reconsideration, sittings=[meeting.pk])
        referral = locked.decision.referral
        if not has_perm(user, Perm.RECONSIDERATION_RECORD, referral.site_id):
            raise PermissionDenied
        if locked.status != ReconsiderationStatus.RECEIVED:
            state = locked.get_status_display().lower()
            raise ReviewStateError(
                gettext("This reconsideration is %(status)s: it cannot be listed.") % {"status": state}
            )
        sitting = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if (
            sitting is None
            or sitting.site_id != referral.site_id
            or sitting.status != MeetingStatus.SCHEDULED
            or sitting.starts_at <= timezone.now()
        ):
            raise ReviewInvalid(gettext("Select a future scheduled meeting of the panel"), "meeting")
        clash = same_panel_clash(locked.decision, sitting)
        if clash:
            raise ReviewInvalid(
                ngettext(
                    "%(names)s voted on the original decision and sits on this meeting's panel with a vote. A "
                    "differently constituted panel must reconsider: choose another meeting or change its attendees",
                    "%(names)s voted on the original decision and sit on this meeting's panel with a vote. A "
                    "differently constituted panel must reconsider: choose another meeting or change its attendees",
                    len(clash),
                )
                % {"names": _names(clash)},
                "meeting",
            )
        refusal = reconsideration_rules.agenda_refusal(sitting, referral, AgendaStage.RECONSIDERATION)
        if refusal:
            raise ReviewInvalid(refusal, "meeting")
        if AgendaItem.objects.filter(meeting=sitting, referral=referral).exists():
            raise ReviewInvalid(
                gettext("This case is already on that meeting's agenda: choose another meeting"), "meeting"
            )
        try:
            item = panel_services.agenda_item_add(
                meeting=sitting, user=user, referral=referral, stage=AgendaStage.RECONSIDERATION, audit=audit
            )
        except panel_services.PanelError as problem:
            raise ReviewInvalid(str(problem), "meeting") from problem
        locked.status = ReconsiderationStatus.LISTED
        locked.meeting = sitting
        locked.save(update_fields=["status", "meeting"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=referral.site_id,
            purpose=RECONSIDERATION,
            detail={"listed": sitting.pk, "agenda_item": item.pk},
        )
    return locked


def reconsideration_follows_agenda(item: AgendaItem, to: AgendaItem | None, user, audit: AuditContext | None) -> None:
    """A listed request follows its case off a sitting's agenda (`panels.services.AGENDA_ITEM_LEFT_HOOKS`): back to
    received, to be listed again, when the case is taken off or the sitting cancelled; listed at the next sitting
    when the case is carried there, if that sitting's panel is differently constituted too."""
    if item.stage != AgendaStage.RECONSIDERATION:
        return
    listed = ReconsiderationRequest.objects.select_for_update().filter(
        meeting_id=item.meeting_id, decision__referral_id=item.referral_id, status=ReconsiderationStatus.LISTED
    )
    for request in listed.select_related("decision"):
        # Carried to a sitting that lists the case for another stage: nothing there reconsiders it, so the request is
        # received again, to be listed.
        if to is None or to.stage != AgendaStage.RECONSIDERATION:
            request.status, request.meeting = ReconsiderationStatus.RECEIVED, None
            detail: dict = {"unlisted": item.meeting_id}
        else:
            clash = same_panel_clash(request.decision, to.meeting)
            if clash:
                raise panel_services.PanelError(
                    ngettext(
                        "%(names)s voted on the original decision and sits on that sitting's panel with a vote",
                        "%(names)s voted on the original decision and sit on that sitting's panel with a vote",
                        len(clash),
                    )
                    % {"names": _names(clash)},
                    "carry_to",
                )
            request.meeting = to.meeting
            detail = {"listed": to.meeting_id, "carried_from": item.meeting_id}
        request.save(update_fields=["status", "meeting"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=request,
            site_id=to.meeting.site_id if to is not None else item.meeting.site_id,
            purpose=RECONSIDERATION,
            detail=detail,
        )


def reconsideration_withdraw(
    *, reconsideration: ReconsiderationRequest, user, audit: AuditContext | None = None
) -> ReconsiderationRequest:
    """The person who asked has withdrawn the request: it leaves the meeting's agenda if it was listed."""
    with transaction.atomic():
        locked = _locked_in_order(reconsideration, its_sitting=True)
        referral = locked.decision.referral
        if not has_perm(user, Perm.RECONSIDERATION_RECORD, referral.site_id):
            raise PermissionDenied
        if locked.status not in OPEN_STATUSES:
            raise ReviewStateError(
                gettext("This reconsideration is %(status)s: it cannot be withdrawn.")
                % {"status": locked.get_status_display().lower()}
            )
        # Withdrawn first, so that the agenda item's leaving does not put the request back as received.
        locked.status = ReconsiderationStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        removed = None
        if locked.meeting_id is not None:
            item = AgendaItem.objects.filter(
                meeting_id=locked.meeting_id,
                meeting__status__in=panel_services.LIVE_STATUSES,
                referral=referral,
                stage=AgendaStage.RECONSIDERATION,
            ).first()
            if item is not None:
                try:
                    panel_services.agenda_item_remove(item=item, user=user, audit=audit)
                except panel_services.PanelError as problem:
                    raise ReviewStateError(str(problem)) from problem
                removed = item.pk
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=referral.site_id,
            purpose=RECONSIDERATION,
            detail={"withdrawn": True, "agenda_item_removed": removed},
        )
    return locked


def reconsideration_decision_candidate(reconsideration: ReconsiderationRequest) -> Decision | None:
    """The reconsidering panel's finalised decision: the first reconsideration of the case and stage finalised
    after the original. It supersedes the original, or, when the second reviewer returned the panel's first
    decision, the version returned."""
    original = reconsideration.decision
    return (
        Decision.objects.filter(
            referral_id=original.referral_id,
            stage=original.stage,
            version__gt=original.version,
            kind=DecisionKind.RECONSIDERATION,
            status__in=[DecisionStatus.FINAL, DecisionStatus.SUPERSEDED],
        )
        .order_by("version")
        .first()
    )


def reconsideration_decide(
    *, reconsideration: ReconsiderationRequest, user, audit: AuditContext | None = None
) -> ReconsiderationRequest:
    """Link the reconsidering panel's finalised decision to the request: the request is decided."""
    with transaction.atomic():
        locked = _locked_in_order(reconsideration)
        original = locked.decision
        if not has_perm(user, Perm.RECONSIDERATION_RECORD, original.referral.site_id):
            raise PermissionDenied
        if locked.status != ReconsiderationStatus.LISTED:
            raise ReviewStateError(gettext("Only a reconsideration listed before a panel can be decided."))
        decided = reconsideration_decision_candidate(locked)
        if decided is None:
            raise ReviewStateError(gettext("The panel's decision on reconsideration has not been finalised yet."))
        if decided.version <= original.version or decided.referral_id != original.referral_id:
            raise ReviewStateError(gettext("That decision is not a new version of the decision reconsidered."))
        clash = set(decided.votes.values_list("voter_id", flat=True)) & original_voters(original)
        if clash:
            raise ReviewStateError(
                gettext(
                    "Someone who voted on the original decision voted on the reconsideration: "
                    "a differently constituted panel must reconsider."
                )
            )
        if reconsideration_rules.panel_problems(decided):
            raise ReviewStateError(
                gettext(
                    "The chair of the original decision chaired the reconsideration: a differently constituted panel "
                    "must reconsider."
                )
            )
        locked.reconsidered_decision = decided
        locked.status = ReconsiderationStatus.DECIDED
        locked.save(update_fields=["reconsidered_decision", "status"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=original.referral.site_id,
            purpose=RECONSIDERATION,
            detail={"decided": decided.pk, "outcome": decided.outcome},
        )
    return locked


def reconsideration_communicate(
    *, reconsideration: ReconsiderationRequest, user, audit: AuditContext | None = None
) -> ReconsiderationRequest:
    """Record that the outcome was communicated; the referrer who asked is told by email (references only)."""
    with transaction.atomic():
        locked = _locked_in_order(reconsideration)
        site_id = locked.decision.referral.site_id
        if not has_perm(user, Perm.RECONSIDERATION_RECORD, site_id):
            raise PermissionDenied
        if locked.status not in (ReconsiderationStatus.DECIDED, ReconsiderationStatus.REFUSED):
            raise ReviewStateError(gettext("There is no outcome to communicate yet."))
        if locked.outcome_communicated_at is not None:
            raise ReviewStateError(gettext("The outcome has already been recorded as communicated."))
        locked.outcome_communicated_at = timezone.now()
        locked.save(update_fields=["outcome_communicated_at"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=site_id,
            purpose=RECONSIDERATION,
            detail={"outcome_communicated": True},
        )
        transaction.on_commit(lambda: _enqueue("notify_reconsideration_outcome", locked.pk))
    return locked


# Returns to the SCA ------------------------------------------------------------------------------


def _json_native(data: dict) -> dict:
    """What the database will hand back: dates and decimals as text, so the stored export is what was hashed."""
    return json.loads(json.dumps(data, default=str))


def return_send(*, decision: Decision, user, audit: AuditContext | None = None) -> DecisionReturn:
    """Send a finalised decision to the SCA: its export is stored exactly as sent, with its SHA-256."""
    with transaction.atomic():
        locked = Decision.objects.select_for_update(of=("self",)).select_related("referral__site").get(pk=decision.pk)
        site_id = locked.referral.site_id
        if site_id is None or not has_perm(user, Perm.DECISION_RETURN, site_id):
            raise PermissionDenied
        _refuse_if_anonymised(locked.pk)
        if locked.status not in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED):
            raise ReviewStateError(gettext("Only a finalised decision can be sent to the SCA."), "decision")
        earlier = DecisionReturn.objects.filter(decision=locked).order_by("-sent_at").first()
        if earlier is not None:
            when = _long(timezone.localdate(earlier.sent_at))
            raise ReviewStateError(
                gettext("This version of the decision was already sent to the SCA on %(date)s.") % {"date": when},
                "decision",
            )
        # The record goes to the Home Office in English whatever the page's language, and its hash with it.
        with translation.override("en-gb"):
            data = _json_native(export.decision_export(locked))
        sent = DecisionReturn.objects.create(
            decision=locked,
            site_id=site_id,
            sent_by=user,
            export=data,
            sha256=export.export_sha256(data),
            **export.listed(data),
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.EXPORT,
            obj=sent,
            site_id=site_id,
            purpose=RETURN,
            detail={"decision": locked.pk, "referral": locked.referral.reference, "sha256": sent.sha256},
        )
        transaction.on_commit(lambda: _enqueue("notify_return_sent", sent.pk))
    return sent


def _refuse_if_anonymised(decision_id: int) -> None:
    """A case retention anonymised is kept for the figures: nobody writes new words into it (`referrals.anonymised`).
    No reconsideration is asked, nothing more is returned to the SCA, and its returns' findings, and their answers,
    stay as they were."""
    referral = Referral.objects.only("reference", "anonymised_at").get(decisions=decision_id)
    if case_anonymised(referral):
        raise ReviewStateError(case_anonymised_message(referral))


def finding_record(
    *, decision_return: DecisionReturn, user, rating: str, finding: str, audit: AuditContext | None = None
) -> QualityFinding:
    """The SCA quality assurer's finding on a return; the panel's coordinators are told."""
    finding = (finding or "").strip()
    if rating not in FindingRating.values:
        raise ReviewInvalid(gettext("Select a rating"), "rating")
    if not finding:
        raise ReviewInvalid(gettext("Enter the finding"), "finding")
    with transaction.atomic():
        sent = DecisionReturn.objects.select_for_update().get(pk=decision_return.pk)
        if not has_perm(user, Perm.SCA_AUDIT, sent.site_id):
            raise PermissionDenied
        _refuse_if_anonymised(sent.decision_id)
        recorded = QualityFinding.objects.create(
            decision_return=sent, rating=rating, finding=finding[:TEXT_MAX], recorded_by=user
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=recorded,
            site_id=sent.site_id,
            purpose=AUDIT,
            detail={"return": sent.pk, "rating": rating},
        )
        transaction.on_commit(lambda: _enqueue("notify_finding_recorded", recorded.pk))
    return recorded


def finding_respond(
    *, finding: QualityFinding, user, response: str, audit: AuditContext | None = None
) -> QualityFinding:
    """The panel's answer to a finding, given once; the SCA is told."""
    response = (response or "").strip()
    if not response:
        raise ReviewInvalid(gettext("Enter the panel's answer to the finding"), "response")
    with transaction.atomic():
        locked = QualityFinding.objects.select_for_update().select_related("decision_return").get(pk=finding.pk)
        site_id = locked.decision_return.site_id
        if not has_perm(user, Perm.DECISION_RETURN, site_id):
            raise PermissionDenied
        if locked.responded_at is not None:
            raise ReviewStateError(gettext("The panel has already answered this finding."))
        _refuse_if_anonymised(locked.decision_return.decision_id)
        locked.panel_response = response[:TEXT_MAX]
        locked.responded_by = user
        locked.responded_at = timezone.now()
        locked.save(update_fields=["panel_response", "responded_by", "responded_at"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=site_id,
            purpose=RETURN,
            detail={"return": locked.decision_return_id, "answered": True},
        )
        transaction.on_commit(lambda: _enqueue("notify_finding_answered", locked.pk))
    return locked


def _enqueue(name: str, pk: int) -> None:
    from childnrm.reviews import tasks

    getattr(tasks, name).enqueue(pk)
