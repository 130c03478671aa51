"""Writes to a child's safeguarding: plans, actions and their progress, statutory status, the guardian's
allocation and the safety map.

Every change re-reads what it changes under a row lock, checks its state first, and writes its audit
event last in the same transaction. Status changes of actions are new PlanActionUpdate rows with
their actor: history is never edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.accounts.models import Organisation, Role, User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import locks
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.panels.models import Agency, Meeting, MeetingStatus
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.anonymised import child_anonymised_at, child_anonymised_message
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.safeguarding.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ChildAgreement,
    ChildPlanView,
    ContextKind,
    ContextualLink,
    PlanAction,
    PlanActionUpdate,
    PlanStatus,
    ReferralSafeguarding,
    Risk,
    SafeguardingPlan,
    StatutoryKind,
    StatutoryPeriod,
    StrategyDiscussion,
    ViewsGatheredHow,
)
from childnrm.safeguarding.selectors import (
    ViewsEarliest,
    child_views_earliest,
    child_voice_purpose,
    may_record_child_views,
)

PLAN_PURPOSE = PURPOSES[Perm.PLAN_MANAGE]
ACTION_PURPOSE = PURPOSES[Perm.PLAN_ACTION_UPDATE]
STATUS_LABELS = dict(ActionStatus.choices)
KIND_LABELS = dict(StatutoryKind.choices)


class SafeguardingError(ServiceError, ValueError):
    """A change that cannot be made; `field` names the form field to show it against (None: the page)."""


def _require(user: User, perm: Perm, site_id: int) -> None:
    if not has_perm(user, perm, site_id):
        raise SafeguardingError(gettext("You cannot make this change for this child"))


def _audit(*, audit: AuditContext | None, user, child: Child, action: str, purpose: str, detail: dict) -> None:
    audit_record(
        context=audit, actor=user, action=action, obj=child, site_id=child.site_id, purpose=purpose, detail=detail
    )


# What a change reads again under a row lock before it checks the state: a child, or a record of a child's.
Locked = TypeVar("Locked", Child, SafeguardingPlan, StatutoryPeriod, ReferralSafeguarding, ContextualLink)
# A child's own record, locked after the child (`_child_first`).
Record = TypeVar("Record", SafeguardingPlan, StatutoryPeriod, ReferralSafeguarding, ContextualLink, PlanAction)


def _refuse_anonymised(child: Child) -> None:
    """Every write to a child's safeguarding asks this under its lock: a record retention anonymised is kept for
    the site's figures, and nobody writes new words into it (`referrals.anonymised`; its plan was closed then)."""
    anonymised_at = child_anonymised_at(child.pk)
    if anonymised_at is not None:
        raise SafeguardingError(child_anonymised_message(child.reference, anonymised_at))


def _locked_for_planning(record: Locked, user: User) -> Locked:
    """`record` read again under a row lock (a child's record with its child), once `user` is known to plan this
    child's safeguarding and the child's record is not anonymised: the change then checks the state it finds,
    which no one else can change meanwhile."""
    if isinstance(record, Child):
        child = locks.child_lock(record.pk)
        _require(user, Perm.PLAN_MANAGE, child.site_id)
        _refuse_anonymised(child)
        return child
    locked = _child_first(type(record).objects.select_related("child"), record.pk, "child")
    _require(user, Perm.PLAN_MANAGE, locked.child.site_id)
    _refuse_anonymised(locked.child)
    return locked


def _child_first(records: QuerySet[Record], pk: int, child: str, *, also: tuple[str, ...] = ()) -> Record:
    """Row `pk` of `records` read again under its row lock (and those of `also`, the relations it hangs on), the
    child's row (at `child`) locked before it: the child before the child's own records (`decisions.locks`), as
    retention anonymises them. One statement locking both would take the record's first."""
    locks.child_lock(records.filter(pk=pk).values_list(child, flat=True).get())
    return records.select_for_update(of=("self", *also)).get(pk=pk)


# Plans -----------------------------------------------------------------------------------------


def plan_create(
    *,
    child: Child,
    user: User,
    meeting: Meeting,
    decision=None,
    summary: str,
    next_review_on: date | None,
    audit: AuditContext | None = None,
) -> SafeguardingPlan:
    """Record the plan agreed at a sitting. A child has one active plan at a time."""
    _require(user, Perm.PLAN_MANAGE, child.site_id)
    if meeting.site_id != child.site_id:
        raise SafeguardingError(gettext("Select a sitting of this child's panel"), "meeting")
    if meeting.status == MeetingStatus.CANCELLED:
        raise SafeguardingError(
            gettext("That sitting was cancelled: select the sitting that agreed the plan"), "meeting"
        )
    if decision is not None and decision.referral.child_id != child.pk:
        raise SafeguardingError(gettext("Select a decision about this child"), "decision")
    if next_review_on is not None and next_review_on < timezone.localdate():
        raise SafeguardingError(gettext("Next review date must be today or in the future"), "next_review_on")
    try:
        with transaction.atomic():
            # The plan points at its sitting and decision, which holds them: they are locked before the child
            # (`decisions.locks`), as the chair's sign-off locks them before it touches the child.
            locks.sittings_lock([meeting.pk])
            if decision is not None:
                locks.cases_lock([decision.referral_id])
                locks.decisions_lock([decision.pk])
            _locked_for_planning(child, user)
            existing = (
                SafeguardingPlan.objects.filter(child=child, status=PlanStatus.ACTIVE)
                .select_related("agreed_at_meeting")
                .first()
            )
            if existing is not None:
                raise SafeguardingError(_one_active_message(existing))
            plan = SafeguardingPlan.objects.create(
                child=child,
                agreed_at_meeting=meeting,
                decision=decision,
                summary=summary.strip(),
                next_review_on=next_review_on,
                created_by=user,
            )
            _audit(
                audit=audit,
                user=user,
                child=child,
                action=Action.CREATE,
                purpose=PLAN_PURPOSE,
                detail={"record": "safeguarding plan", "plan": plan.pk, "meeting": meeting.pk},
            )
    except IntegrityError:
        # Another coordinator recorded a plan at the same moment: the database keeps one active plan.
        existing = (
            SafeguardingPlan.objects.filter(child=child, status=PlanStatus.ACTIVE)
            .select_related("agreed_at_meeting")
            .first()
        )
        raise SafeguardingError(_one_active_message(existing)) from None
    return plan


def _one_active_message(existing: SafeguardingPlan | None) -> str:
    if existing is None:
        return gettext("This child already has an active safeguarding plan")
    return gettext(
        "This child already has an active safeguarding plan, agreed on %(day)s. "
        "Close it before recording a new one, or add actions to it."
    ) % {"day": long_date(existing.agreed_on)}


def plan_close(
    *, plan: SafeguardingPlan, user: User, reason: str, audit: AuditContext | None = None
) -> SafeguardingPlan:
    reason = (reason or "").strip()
    if not reason:
        raise SafeguardingError(gettext("Enter why the plan is being closed"), "reason")
    with transaction.atomic():
        plan = _locked_for_planning(plan, user)
        if plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is already closed"))
        open_actions = plan.actions.filter(status__in=OPEN_ACTION_STATUSES).count()
        plan.status = PlanStatus.CLOSED
        plan.closed_at = timezone.now()
        plan.closed_by = user
        plan.close_reason = reason
        plan.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
        _audit(
            audit=audit,
            user=user,
            child=plan.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "safeguarding plan", "plan": plan.pk, "change": "closed", "open_actions": open_actions},
        )
    return plan


def plan_review_date_set(
    *, plan: SafeguardingPlan, user: User, next_review_on: date, audit: AuditContext | None = None
) -> SafeguardingPlan:
    if next_review_on < timezone.localdate():
        raise SafeguardingError(gettext("Next review date must be today or in the future"), "next_review_on")
    with transaction.atomic():
        plan = _locked_for_planning(plan, user)
        if plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is closed"))
        before = plan.next_review_on
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on"])
        _audit(
            audit=audit,
            user=user,
            child=plan.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE,
            detail={
                "record": "safeguarding plan",
                "plan": plan.pk,
                "change": "next review",
                "from": before.isoformat() if before else None,
                "to": next_review_on.isoformat(),
            },
        )
    return plan


# Actions ---------------------------------------------------------------------------------------


def owner_candidates(site_id: int):
    """Users of the site who may update actions they own."""
    from childnrm.access.policy import users_holding

    return users_holding(Perm.PLAN_ACTION_UPDATE, site_id).select_related("organisation").order_by("full_name")


def action_add(
    *,
    plan: SafeguardingPlan,
    user: User,
    description: str,
    agency: str,
    organisation: Organisation | None,
    owner_name: str,
    owner: User | None,
    due_on: date,
    review_on: date | None,
    audit: AuditContext | None = None,
) -> PlanAction:
    description, owner_name = (description or "").strip(), (owner_name or "").strip()
    if not description:
        raise SafeguardingError(gettext("Enter what needs to be done"), "description")
    if agency not in Agency.values:
        raise SafeguardingError(gettext("Select the agency that owns the action"), "agency")
    if owner is not None and not owner_name:
        owner_name = owner.full_name
    if not owner_name:
        raise SafeguardingError(gettext("Enter the name of the person who owns the action"), "owner_name")
    with transaction.atomic():
        plan = _locked_for_planning(plan, user)
        if plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is closed: actions can be added only to the active plan"))
        if owner is not None and not owner_candidates(plan.child.site_id).filter(pk=owner.pk).exists():
            raise SafeguardingError(gettext("Select a user of this site who can update actions"), "owner")
        action = PlanAction.objects.create(
            plan=plan,
            description=description,
            agency=agency,
            organisation=organisation,
            owner_name=owner_name,
            owner=owner,
            due_on=due_on,
            review_on=review_on,
            created_by=user,
        )
        PlanActionUpdate.objects.create(
            action=action, from_status="", to_status=ActionStatus.NOT_STARTED, note="Action agreed", actor=user
        )
        _audit(
            audit=audit,
            user=user,
            child=plan.child,
            action=Action.CREATE,
            purpose=PLAN_PURPOSE,
            detail={
                "record": "plan action",
                "plan": plan.pk,
                "action": action.pk,
                "owner": owner.pk if owner else None,
            },
        )
    if owner is not None and owner.pk != user.pk:
        _tell_owner(action)
    return action


def _tell_owner(action: PlanAction) -> None:
    from childnrm.safeguarding.tasks import action_assigned

    transaction.on_commit(lambda: action_assigned.enqueue(action.pk))


def action_update(
    *,
    action: PlanAction,
    user: User,
    to_status: str,
    note: str,
    audit: AuditContext | None = None,
) -> PlanActionUpdate:
    """A new status or a progress note on an action: a new row with its actor, never an edit of history.

    The coordinator may update any action of the site; an owner only their own. Only the coordinator
    cancels an action. A closed plan's actions are kept as they were.
    """
    note = (note or "").strip()
    if to_status not in ActionStatus.values:
        raise SafeguardingError(gettext("Select the action's status"), "status")
    with transaction.atomic():
        action = _child_first(
            PlanAction.objects.select_related("plan", "plan__child"), action.pk, "plan__child", also=("plan",)
        )
        site_id = action.plan.child.site_id
        manages = has_perm(user, Perm.PLAN_MANAGE, site_id)
        owns = action.owner_id == user.pk and has_perm(user, Perm.PLAN_ACTION_UPDATE, site_id)
        if not (manages or owns):
            raise SafeguardingError(gettext("Only the action's owner or the panel coordinator can update this action"))
        _refuse_anonymised(action.plan.child)
        if action.plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is closed: its actions can no longer be updated"))
        if to_status == ActionStatus.CANCELLED and action.status != ActionStatus.CANCELLED and not manages:
            raise SafeguardingError(gettext("Only the panel coordinator can cancel an action"), "status")
        if to_status == action.status and not note:
            raise SafeguardingError(
                gettext("The action is already %(status)s: enter a progress note or choose another status")
                % {"status": str(STATUS_LABELS[to_status]).lower()},
                "note",
            )
        update = PlanActionUpdate.objects.create(
            action=action, from_status=action.status, to_status=to_status, note=note, actor=user
        )
        if to_status != action.status:
            action.status = to_status
            action.save(update_fields=["status"])
        _audit(
            audit=audit,
            user=user,
            child=action.plan.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE if manages else ACTION_PURPOSE,
            detail={
                "record": "plan action",
                "action": action.pk,
                "update": update.pk,
                "from": update.from_status,
                "to": update.to_status,
            },
        )
    return update


# The child's views ------------------------------------------------------------------------------

VOICE_TEXT_MAX = 5000


def _require_child_voice(user: User, child: Child) -> None:
    if not may_record_child_views(user, child):
        raise SafeguardingError(
            gettext("Only the panel coordinator or the child's guardian can record the child's views")
        )


def child_views_record(
    *,
    plan: SafeguardingPlan,
    user: User,
    in_their_words: str,
    gathered_by_name: str,
    gathered_by_role: str,
    gathered_on: date,
    how: str,
    with_interpreter: bool,
    audit: AuditContext | None = None,
) -> ChildPlanView:
    """The child's views on their plan, in their words, with who gathered them, when and how: a new record each
    time (the newest shows first), never an edit of an earlier one."""
    in_their_words = (in_their_words or "").strip()
    gathered_by_name, gathered_by_role = (gathered_by_name or "").strip(), (gathered_by_role or "").strip()
    if not in_their_words:
        raise SafeguardingError(gettext("Enter the child's views, in their words"), "in_their_words")
    if len(in_their_words) > VOICE_TEXT_MAX:
        raise SafeguardingError(
            gettext("The child's views must be %(max)s characters or fewer") % {"max": f"{VOICE_TEXT_MAX:,}"},
            "in_their_words",
        )
    if not gathered_by_name:
        raise SafeguardingError(
            gettext("Enter the name of the person who gathered the child's views"), "gathered_by_name"
        )
    if not gathered_by_role:
        raise SafeguardingError(gettext("Enter what the person who gathered them is to the child"), "gathered_by_role")
    if how not in ViewsGatheredHow.values:
        raise SafeguardingError(gettext("Select how the child's views were gathered"), "how")
    _not_future(gathered_on, "gathered_on", gettext("The date the views were gathered"))
    with transaction.atomic():
        plan = _child_first(SafeguardingPlan.objects.select_related("child", "agreed_at_meeting"), plan.pk, "child")
        _require_child_voice(user, plan.child)
        _refuse_anonymised(plan.child)
        if plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is closed: record the child's views on their active plan"))
        earliest = child_views_earliest(plan)
        if gathered_on < earliest.day:
            raise SafeguardingError(views_too_early(earliest), "gathered_on")
        view = ChildPlanView.objects.create(
            plan=plan,
            in_their_words=in_their_words,
            gathered_by_name=gathered_by_name,
            gathered_by_role=gathered_by_role,
            gathered_on=gathered_on,
            how=how,
            with_interpreter=with_interpreter,
            recorded_by=user,
        )
        _audit(
            audit=audit,
            user=user,
            child=plan.child,
            action=Action.CREATE,
            purpose=child_voice_purpose(user, plan.child),
            detail={"record": "child's views on the plan", "plan": plan.pk, "views": view.pk, "how": how},
        )
    return view


# Why a date of the child's views is refused (`selectors.ViewsEarliest.why`), as GOV.UK words a date that must be on
# or after another.
VIEWS_TOO_EARLY = {
    "plan": gettext_lazy(
        "The date the views were gathered must be the same as or after %(day)s, when the plan was agreed"
    ),
    "recorded": gettext_lazy(
        "The date the views were gathered must be the same as or after %(day)s, when the plan was recorded"
    ),
    "referral": gettext_lazy(
        "The date the views were gathered must be the same as or after %(day)s, when referral %(reference)s was sent"
    ),
    "strategy": gettext_lazy(
        "The date the views were gathered must be the same as or after %(day)s, when the strategy discussion before "
        "referral %(reference)s was held"
    ),
}


def views_too_early(earliest: ViewsEarliest) -> str:
    return str(VIEWS_TOO_EARLY[earliest.why]) % {
        "day": long_date(earliest.day),
        "reference": earliest.referral_reference,
    }


def action_child_agreement_set(
    *, action: PlanAction, user: User, agreement: str, note: str, audit: AuditContext | None = None
) -> PlanAction:
    """Whether the child agreed with the action (agreed, did not agree, not asked yet) and what they said."""
    note = (note or "").strip()
    if agreement not in ChildAgreement.values:
        raise SafeguardingError(gettext("Select whether the child agreed with the action"), "agreement")
    if len(note) > VOICE_TEXT_MAX:
        raise SafeguardingError(
            gettext("What the child said must be %(max)s characters or fewer") % {"max": f"{VOICE_TEXT_MAX:,}"}, "note"
        )
    if agreement == ChildAgreement.NOT_ASKED and note:
        raise SafeguardingError(gettext("Remove what the child said, or select whether they agreed"), "note")
    with transaction.atomic():
        action = _child_first(
            PlanAction.objects.select_related("plan", "plan__child"), action.pk, "plan__child", also=("plan",)
        )
        _require_child_voice(user, action.plan.child)
        _refuse_anonymised(action.plan.child)
        if action.plan.status != PlanStatus.ACTIVE:
            raise SafeguardingError(gettext("This plan is closed: its actions can no longer be changed"))
        if agreement == action.child_agreement and note == action.child_agreement_note:
            raise SafeguardingError(gettext("Nothing has changed: select another answer or change what the child said"))
        before = action.child_agreement
        action.child_agreement = agreement
        action.child_agreement_note = note
        action.child_agreement_recorded_by = user
        action.child_agreement_recorded_at = timezone.now()
        action.save(
            update_fields=[
                "child_agreement",
                "child_agreement_note",
                "child_agreement_recorded_by",
                "child_agreement_recorded_at",
            ]
        )
        _audit(
            audit=audit,
            user=user,
            child=action.plan.child,
            action=Action.UPDATE,
            purpose=child_voice_purpose(user, action.plan.child),
            detail={
                "record": "plan action",
                "action": action.pk,
                "change": "child's agreement",
                "from": before,
                "to": agreement,
            },
        )
    return action


# Statutory status ------------------------------------------------------------------------------


def _not_future(value: date, field: str, what: str) -> None:
    if value > timezone.localdate():
        raise SafeguardingError(gettext("%(what)s must be today or in the past") % {"what": what}, field)


def statutory_period_add(
    *,
    child: Child,
    user: User,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    audit: AuditContext | None = None,
) -> StatutoryPeriod:
    # Only the categories of the child's site's nation (accounts.nations): a Scottish site records Scottish law.
    if kind not in StatutoryKind.values or not nations.rules(child.site).offers_category(kind):
        raise SafeguardingError(gettext("Select the statutory status"), "kind")
    _not_future(starts_on, "starts_on", gettext("Start date"))
    if ends_on is not None:
        _not_future(ends_on, "ends_on", gettext("End date"))
        if ends_on < starts_on:
            raise SafeguardingError(gettext("End date must be the same as or after the start date"), "ends_on")
    with transaction.atomic():
        child = _locked_for_planning(child, user)
        # Periods of one kind do not overlap: an open-ended one must be ended before a new one starts.
        overlapping = StatutoryPeriod.objects.filter(child=child, kind=kind, starts_on__lte=ends_on or date.max).filter(
            _ends_on_or_after(starts_on)
        )
        clash = overlapping.first()
        if clash is not None:
            overlapped = {"status": str(KIND_LABELS[kind]).split(" (")[0].lower(), "start": long_date(clash.starts_on)}
            if clash.ends_on:
                message = gettext(
                    "This overlaps the %(status)s period from %(start)s to %(end)s. End that period first or change "
                    "the dates."
                ) % {**overlapped, "end": long_date(clash.ends_on)}
            else:
                message = (
                    gettext(
                        "This overlaps the %(status)s period from %(start)s with no end date. End that period first or "
                        "change the dates."
                    )
                    % overlapped
                )
            raise SafeguardingError(message, "starts_on")
        period = StatutoryPeriod.objects.create(
            child=child, kind=kind, starts_on=starts_on, ends_on=ends_on, recorded_by=user
        )
        _audit(
            audit=audit,
            user=user,
            child=child,
            action=Action.CREATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "statutory period", "period": period.pk, "kind": kind},
        )
    return period


def _ends_on_or_after(day: date):
    from django.db.models import Q

    return Q(ends_on__isnull=True) | Q(ends_on__gte=day)


def statutory_period_end(
    *, period: StatutoryPeriod, user: User, ends_on: date, audit: AuditContext | None = None
) -> StatutoryPeriod:
    _not_future(ends_on, "ends_on", gettext("End date"))
    with transaction.atomic():
        period = _locked_for_planning(period, user)
        if period.ends_on is not None:
            raise SafeguardingError(
                gettext("This period already ended on %(day)s") % {"day": long_date(period.ends_on)}
            )
        if ends_on < period.starts_on:
            raise SafeguardingError(
                gettext("End date must be the same as or after the start date, %(day)s")
                % {"day": long_date(period.starts_on)},
                "ends_on",
            )
        period.ends_on = ends_on
        period.save(update_fields=["ends_on"])
        _audit(
            audit=audit,
            user=user,
            child=period.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "statutory period", "period": period.pk, "change": "ended"},
        )
    return period


def strategy_discussion_add(
    *,
    child: Child,
    user: User,
    held_on: date,
    agencies: list[str],
    outcome: str,
    audit: AuditContext | None = None,
) -> StrategyDiscussion:
    outcome = (outcome or "").strip()
    _not_future(held_on, "held_on", gettext("Date of the strategy discussion"))
    unknown = [a for a in agencies if a not in Agency.values]
    if unknown or not agencies:
        raise SafeguardingError(gettext("Select the agencies that took part"), "agencies")
    if not outcome:
        raise SafeguardingError(gettext("Enter the outcome of the strategy discussion"), "outcome")
    with transaction.atomic():
        child = _locked_for_planning(child, user)
        discussion = StrategyDiscussion.objects.create(
            child=child, held_on=held_on, agencies=list(agencies), outcome=outcome, recorded_by=user
        )
        _audit(
            audit=audit,
            user=user,
            child=child,
            action=Action.CREATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "strategy discussion", "discussion": discussion.pk},
        )
    return discussion


# What the referral said -------------------------------------------------------------------------

# The referral's statutory answers, by the kind of period each becomes (in England and Wales; each nation's
# counterparts are in accounts.nations, and an answer without one becomes no period).
REFERRAL_STATUTORY_ANSWERS = (
    ("child_in_need", StatutoryKind.CHILD_IN_NEED),
    ("child_protection_plan", StatutoryKind.CHILD_PROTECTION_PLAN),
    ("looked_after", StatutoryKind.LOOKED_AFTER),
)


def referral_statutory_answers(site) -> list[tuple[str, str]]:
    """(referral answer field, category) for the site's nation, in the referral's order."""
    categories = nations.rules(site).referral_categories
    return [(answer, categories[answer]) for answer, _kind in REFERRAL_STATUTORY_ANSWERS if answer in categories]


def safeguarding_from_referral(
    *, referral: Referral, user: User, audit: AuditContext | None = None
) -> ReferralSafeguarding | None:
    """On accepting a referral: what it said about safeguarding in place becomes the child's record, to confirm.

    Child in need, child protection plan and looked after become current statutory periods (from the
    day the referral was sent: the referral says they were in place then, not when they began); the
    strategy discussion date becomes a strategy discussion; the answer on an ICTG referral is kept
    with them. Nothing is recorded twice: a referral brings its answers once, and a period of a kind
    the child already has open (from an earlier referral, or recorded by hand) is not added again,
    nor a strategy discussion on a day already recorded. Called by triage in its transaction, whose
    permission check (REFERRAL_TRIAGE) already applies.
    """
    if referral.child_id is None:
        return None
    if referral.status != ReferralStatus.ACCEPTED:
        raise SafeguardingError(gettext("Only an accepted referral's answers become the child's safeguarding record"))
    with transaction.atomic():
        return _bring_referral_answers(referral, user, audit)


def _bring_referral_answers(referral: Referral, user: User, audit: AuditContext | None) -> ReferralSafeguarding:
    child = locks.child_lock(referral.child_id)  # after the case, which triage locked (`decisions.locks`)
    existing = ReferralSafeguarding.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    sent_on = timezone.localdate(referral.submitted_at) if referral.submitted_at else timezone.localdate()
    record = ReferralSafeguarding.objects.create(
        child=child, referral=referral, ictg_referral_made=referral.ictg_referral_made, recorded_by=user
    )
    periods = []
    for answer, kind in referral_statutory_answers(child.site):
        if not getattr(referral, answer):
            continue
        if StatutoryPeriod.objects.filter(child=child, kind=kind).filter(_ends_on_or_after(sent_on)).exists():
            continue  # already recorded for this child: the record on file stands
        periods.append(
            StatutoryPeriod.objects.create(
                child=child, kind=kind, starts_on=sent_on, recorded_by=user, from_referral=record
            ).pk
        )
    discussion = None
    held_on = referral.strategy_discussion_date
    if (
        held_on is not None
        and held_on <= timezone.localdate()
        and not StrategyDiscussion.objects.filter(child=child, held_on=held_on).exists()
    ):
        discussion = StrategyDiscussion.objects.create(
            child=child, held_on=held_on, agencies=[], outcome="", recorded_by=user, from_referral=record
        ).pk
    _audit(
        audit=audit,
        user=user,
        child=child,
        action=Action.CREATE,
        purpose=PURPOSES[Perm.REFERRAL_TRIAGE],
        detail={
            "record": "safeguarding from referral",
            "referral": referral.pk,
            "periods": periods,
            "discussion": discussion,
            "ictg_referral_made": referral.ictg_referral_made,
        },
    )
    return record


def referral_safeguarding_confirm(
    *, record: ReferralSafeguarding, user: User, audit: AuditContext | None = None
) -> ReferralSafeguarding:
    """The coordinator has checked what the referral said (and corrected it where needed): recorded as confirmed."""
    with transaction.atomic():
        record = _locked_for_planning(record, user)
        if record.confirmed_at is not None:
            raise SafeguardingError(gettext("What this referral said has already been confirmed"))
        record.confirmed_by = user
        record.confirmed_at = timezone.now()
        record.save(update_fields=["confirmed_by", "confirmed_at"])
        _audit(
            audit=audit,
            user=user,
            child=record.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "safeguarding from referral", "referral": record.referral_id, "change": "confirmed"},
        )
    return record


# The guardian (ICTG) ---------------------------------------------------------------------------


def guardian_candidates(site_id: int):
    """Users holding the guardian (ICTG) role at the site."""
    return (
        User.objects.filter(
            is_active=True, memberships__site_id=site_id, memberships__active=True, memberships__role=Role.ICTG
        )
        .distinct()
        .select_related("organisation")
        .order_by("full_name")
    )


def guardian_allocate(
    *, child: Child, user: User, guardian: User, audit: AuditContext | None = None
) -> ChildAssociation:
    """Allocate a guardian: an active ICTG association. A child has one allocated guardian at a time."""
    with transaction.atomic():
        child = _locked_for_planning(child, user)
        if not guardian_candidates(child.site_id).filter(pk=guardian.pk).exists():
            raise SafeguardingError(
                gettext("Select a guardian (%(service)s) of this site")
                % {"service": nations.rules(child.site).guardian_short},
                "guardian",
            )
        # Only an allocation that counts holds the child (`people.selectors.associations_in_force`, as the dashboard's
        # children without a guardian): one whose guardian no longer holds the role here is ended by this one.
        open_allocations = guardian_allocations_open(child)
        current = open_allocations.filter(associations_in_force((AssociationKind.ICTG,))).select_related("user").first()
        if current is not None:
            if current.user_id == guardian.pk:
                raise SafeguardingError(
                    gettext("%(name)s is already this child's guardian") % {"name": guardian.full_name}, "guardian"
                )
            raise SafeguardingError(
                gettext("%(name)s is this child's guardian. End that allocation before allocating another.")
                % {"name": current.user.full_name},
                "guardian",
            )
        stale = open_allocations.exclude(user=guardian)
        guardian_allocations_end(stale, child=child, user=user, change="ended: no longer counts", audit=audit)
        # One row per child, user and kind: a guardian allocated again takes up the earlier row.
        association, created = ChildAssociation.objects.get_or_create(
            child=child, user=guardian, kind=AssociationKind.ICTG
        )
        if not created:
            ChildAssociation.objects.filter(pk=association.pk).update(starts_at=timezone.now(), ends_at=None)
            association.refresh_from_db()
        _audit(
            audit=audit,
            user=user,
            child=child,
            action=Action.CREATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "guardian allocation", "association": association.pk, "guardian": guardian.pk},
        )
    return association


def guardian_allocation_end(
    *, child: Child, user: User, association_id: int, audit: AuditContext | None = None
) -> ChildAssociation:
    """End one guardian allocation by hand. The child is read again under its lock first (the child before the
    child's own records, `decisions.locks`), so the site and the anonymisation it checks are the child's now: an
    anonymisation under way (which locks the case, then the child, then ends the allocations) is waited for, and
    refuses the change in words, never deadlocks with it."""
    with transaction.atomic():
        child = _locked_for_planning(child, user)
        association = guardian_allocations_open(child).filter(pk=association_id).first()
        if association is None:
            raise SafeguardingError(gettext("That guardian is no longer allocated to this child"))
        guardian_allocations_end([association], child=child, user=user, change="ended", audit=audit)
    return association


def guardian_allocations_open(child: Child) -> QuerySet[ChildAssociation]:
    """The child's guardian allocations not ended yet, to be read under their row locks (the child's own records:
    after the child, when the change locks it, `decisions.locks`). Theirs alone: a filter through the guardian or
    the child (`associations_in_force`) locks neither."""
    return ChildAssociation.objects.select_for_update(of=("self",)).filter(
        child=child, kind=AssociationKind.ICTG, ends_at__isnull=True
    )


def guardian_allocations_end(
    allocations: Iterable[ChildAssociation],
    *,
    child: Child,
    user: User,
    change: str,
    purpose: str = PLAN_PURPOSE,
    audit: AuditContext | None = None,
) -> None:
    """End the guardian's `allocations` (of `guardian_allocations_open`) now, each audited on the child with why
    (`change`): by hand, by a new allocation, or by a transfer to a site where the guardian holds no role. The caller
    holds the child's lock already (`decisions.locks.child_lock`, through `_locked_for_planning` or a transfer's
    `child_cases_lock`), taken before the allocations are read under theirs."""
    now = timezone.now()
    for association in allocations:
        association.ends_at = now
        association.save(update_fields=["ends_at"])
        _audit(
            audit=audit,
            user=user,
            child=child,
            action=Action.UPDATE,
            purpose=purpose,
            detail={"record": "guardian allocation", "association": association.pk, "change": change},
        )


# The safety map --------------------------------------------------------------------------------


def contextual_link_add(
    *,
    child: Child,
    user: User,
    kind: str,
    name: str,
    description: str,
    risk: str,
    audit: AuditContext | None = None,
) -> ContextualLink:
    name, description = (name or "").strip(), (description or "").strip()
    if kind not in ContextKind.values:
        raise SafeguardingError(gettext("Select whether this is a place, a peer group or an online space"), "kind")
    if not name:
        raise SafeguardingError(gettext("Enter the name of the place, peer group or online space"), "name")
    if risk not in Risk.values:
        raise SafeguardingError(gettext("Select the risk to the child"), "risk")
    with transaction.atomic():
        child = _locked_for_planning(child, user)
        link = ContextualLink.objects.create(
            child=child, kind=kind, name=name, description=description, risk=risk, recorded_by=user
        )
        _audit(
            audit=audit,
            user=user,
            child=child,
            action=Action.CREATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "contextual link", "link": link.pk, "kind": kind, "risk": risk},
        )
    return link


def contextual_link_end(*, link: ContextualLink, user: User, audit: AuditContext | None = None) -> ContextualLink:
    """The place, group or space is no longer part of the child's life: kept, marked not current."""
    with transaction.atomic():
        link = _locked_for_planning(link, user)
        if not link.active:
            raise SafeguardingError(gettext("This entry is already marked as no longer current"))
        link.active = False
        link.save(update_fields=["active"])
        _audit(
            audit=audit,
            user=user,
            child=link.child,
            action=Action.UPDATE,
            purpose=PLAN_PURPOSE,
            detail={"record": "contextual link", "link": link.pk, "change": "no longer current"},
        )
    return link
