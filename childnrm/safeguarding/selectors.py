"""Scoped reads of children's safeguarding: the only way views reach plans, actions and the safety map.

Who sees a child's plan, statutory status and safety map:
- the site's coordinator (PLAN_MANAGE at the child's site);
- the child's allocated guardian (an ICTG association in force, people.selectors.associations_in_force,
  CHILD_VIEW_ASSOCIATED at the site);
- attendees of a scheduled or open meeting with the child's referral on its agenda (MEETING_ATTEND,
  through panels.selectors.case_paper_referrals_for).
An action's owner sees the actions they own (PLAN_ACTION_UPDATE), not the rest of the plan.
Everything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.access.scoped import get_in_scope
from childnrm.kit import prepared
from childnrm.panels.selectors import case_paper_referrals_for
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.clocks import start_of_day
from childnrm.referrals.models import Referral
from childnrm.safeguarding.models import (
    OPEN_ACTION_STATUSES,
    ChildPlanView,
    ContextualLink,
    PlanAction,
    PlanActionUpdate,
    PlanStatus,
    ReferralSafeguarding,
    SafeguardingPlan,
    StatutoryPeriod,
    StrategyDiscussion,
)


# The pages' reads are compiled once (`kit.prepared`): building and compiling each of these small querysets cost
# the ORM 1-2 ms of CPU, several times what running it costs, on every view of a child's safeguarding.
def _first(rows: QuerySet) -> QuerySet:
    """The statement `rows.first()` sends: its ordering (the primary key's when it has none), one row."""
    return (rows if rows.ordered else rows.order_by("pk"))[:1]


# A guardian's allocation counts only while they hold the guardian's role at the child's active site (ADR 0002,
# amendment 2): one whose role there ended keeps the allocation (the coordinator ends it) but not the child's plan.
def _guardian_in_force() -> Q:
    return associations_in_force((AssociationKind.ICTG,))


def _guardian_of(user) -> Exists:
    return Exists(ChildAssociation.objects.filter(_guardian_in_force(), child=OuterRef("pk"), user=user))


def safeguarding_children_for(user) -> QuerySet[Child]:
    """Children whose safeguarding plan, statutory status and safety map the user may see."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    scope = Q(site_id__in=sites_where(user, Perm.PLAN_MANAGE))
    guardian_sites = sites_where(user, Perm.CHILD_VIEW_ASSOCIATED)
    if guardian_sites:
        scope |= Q(_guardian_of(user), site_id__in=guardian_sites)
    attend_sites = sites_where(user, Perm.MEETING_ATTEND)
    if attend_sites:
        papers = case_paper_referrals_for(user)
        scope |= Q(Exists(papers.filter(child_id=OuterRef("pk"))), site_id__in=attend_sites)
    return Child.objects.filter(scope)


def may_see_safeguarding(user, child: Child) -> bool:
    """Whether `child` is one of safeguarding_children_for(user): without a query for the coordinator of the
    child's site (the policy's memberships are read once per request), with one for anyone else."""
    if has_perm(user, Perm.PLAN_MANAGE, child.site_id):
        return True
    return safeguarding_children_for(user).filter(pk=child.pk).exists()


def safeguarding_child_get(user, reference: str) -> Child:
    # A child of a site where the user manages plans is in scope whatever else `safeguarding_children_for` says:
    # found without building (and the database without weighing) the guardian and meeting subqueries.
    return get_in_scope(
        Child,
        lambda: safeguarding_children_for(user),
        sites=sites_where(user, Perm.PLAN_MANAGE),
        site_field="site_id",
        related=("site",),
        reference=reference,
    )


def child_for_planning(user, reference: str) -> Child:
    """A child of a site where the user manages safeguarding plans (the coordinator)."""
    child = (
        Child.objects.select_related("site")
        .filter(site_id__in=sites_where(user, Perm.PLAN_MANAGE), reference=reference)
        .first()
    )
    if child is None:
        raise Http404
    return child


def purpose_for(user, child: Child) -> str:
    """Why the user is looking at this child's safeguarding: recorded as the audit purpose."""
    if has_perm(user, Perm.PLAN_MANAGE, child.site_id):
        return PURPOSES[Perm.PLAN_MANAGE]
    if ChildAssociation.objects.filter(_guardian_in_force(), child=child, user=user).exists():
        return PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]
    if (
        has_perm(user, Perm.MEETING_ATTEND, child.site_id)
        and safeguarding_children_for(user).filter(pk=child.pk).exists()
    ):
        return PURPOSES[Perm.MEETING_ATTEND]
    return PURPOSES[Perm.PLAN_ACTION_UPDATE]


# Plans ------------------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[SafeguardingPlan]:
    return SafeguardingPlan.objects.filter(child__in=safeguarding_children_for(user))


_PLAN_RELATED = ("child", "child__site", "agreed_at_meeting", "decision", "created_by", "closed_by")


def plan_get(user, plan_id: int) -> SafeguardingPlan:
    # As `safeguarding_child_get`: a plan of a site where the user manages plans needs none of the wider scope.
    return get_in_scope(
        SafeguardingPlan,
        lambda: plans_visible_to(user),
        sites=sites_where(user, Perm.PLAN_MANAGE),
        site_field="child__site_id",
        related=_PLAN_RELATED,
        pk=plan_id,
    )


def plan_decision_now(plan: SafeguardingPlan):
    """The version of the plan's decision that stands now. A plan keeps the version it was agreed with (often the
    draft at the sitting), which a correction, a reconsideration or the second reviewer may since have replaced:
    the plan's page shows what stands, not what was replaced."""
    from childnrm.decisions.models import Decision, DecisionStatus

    agreed = plan.decision
    if agreed is None or agreed.status not in (DecisionStatus.SUPERSEDED, DecisionStatus.RETURNED):
        return agreed
    later = (
        Decision.objects.filter(referral_id=agreed.referral_id, stage=agreed.stage, version__gt=agreed.version)
        .exclude(status__in=(DecisionStatus.SUPERSEDED, DecisionStatus.RETURNED))
        .order_by("-version")
        .first()
    )
    return later or agreed


def _rows_of(model, parent_field: str, parent, *related: str, only: tuple[str, ...] = (), **where) -> list:
    """The rows of `model` whose `parent_field` (a foreign key) is `parent`, with `related` and matching `where`, in
    the model's order, by a statement compiled once; each row's `parent_field` is `parent` itself, as reading
    through the parent's related manager gives it (what the pages ask of it next needs no query). `only`: the
    columns read, when a related record is wide and the page shows little of it (a referral has some sixty)."""

    def rows_of(parent_id: int) -> QuerySet:
        rows = model.objects.filter(**{f"{parent_field}_id": parent_id}, **where).select_related(*related)
        return rows.only(*only) if only else rows

    rows = prepared.rows(
        model, ("safeguarding:rows-of", parent_field, *related, only, *sorted(where.items())), rows_of, parent.pk
    )
    for row in rows:
        setattr(row, parent_field, parent)
    return rows


def plans_of(child: Child) -> list[SafeguardingPlan]:
    """The child's plans, newest first, with the sitting that agreed each."""
    return _rows_of(SafeguardingPlan, "child", child, "agreed_at_meeting")


def actions_of(plan: SafeguardingPlan) -> list[PlanAction]:
    """The plan's actions in their order (due first), with their organisation (the owner is named on the action)."""
    return _rows_of(PlanAction, "plan", plan, "organisation")


def action_states_of(plan: SafeguardingPlan) -> list[tuple[str, date]]:
    """(status, due date) of each of the plan's actions: what the child's page counts, without the rows. Compiled
    once (kit.prepared)."""
    return prepared.rows(
        PlanAction,
        ("safeguarding:action-states",),
        lambda plan_id: PlanAction.objects.filter(plan_id=plan_id).order_by().values_list("status", "due_on"),
        plan.pk,
    )


# What a plan's history shows of each update and of who recorded it (not the user's password, flags and dates).
_UPDATE_SHOWN = (
    "action_id",
    "from_status",
    "to_status",
    "note",
    "at",
    "actor__full_name",
    "actor__organisation__name",
    "actor__organisation__name_cy",
)


def updates_of(actions: list[PlanAction]) -> dict[int, list[PlanActionUpdate]]:
    """Each action's history, newest first, with who recorded each update and their organisation: by action id,
    in one statement (compiled once per number of actions)."""
    if not actions:
        return {}
    ids = [action.pk for action in actions]
    updates = prepared.rows(
        PlanActionUpdate,
        ("safeguarding:updates-of", len(ids)),
        lambda *action_ids: (
            PlanActionUpdate.objects.filter(action_id__in=action_ids)
            .select_related("actor", "actor__organisation")
            .only(*_UPDATE_SHOWN)
            .order_by("-at", "-id")
        ),
        *ids,
    )
    found: dict[int, list[PlanActionUpdate]] = {pk: [] for pk in ids}
    for update in updates:
        found[update.action_id].append(update)
    return found


def plan_for_planning(user, plan_id: int) -> SafeguardingPlan:
    plan = (
        SafeguardingPlan.objects.select_related("child", "child__site", "agreed_at_meeting")
        .filter(child__site_id__in=sites_where(user, Perm.PLAN_MANAGE), pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def site_plans_for(user) -> QuerySet[SafeguardingPlan]:
    """Plans of the sites where the user manages plans (the coordinator's list)."""
    return SafeguardingPlan.objects.filter(child__site_id__in=sites_where(user, Perm.PLAN_MANAGE))


def active_plan_of(child: Child) -> SafeguardingPlan | None:
    return (
        child.safeguarding_plans.filter(status="active")
        .select_related("agreed_at_meeting", "decision", "created_by")
        .first()
    )


def active_plan_summary(child: Child) -> SafeguardingPlan | None:
    """The child's active plan, its next review date only, with `overdue`: how many of its open actions are past
    their due date. One statement, compiled once (kit.prepared): a row for each open action (its due date, as
    `open_due_on`), counted here against today, which a compiled statement cannot hold."""
    open_actions = FilteredRelation("actions", condition=Q(actions__status__in=OPEN_ACTION_STATUSES))
    rows = prepared.rows(
        SafeguardingPlan,
        ("safeguarding:active-plan-summary",),
        lambda child_id: (
            SafeguardingPlan.objects.filter(child_id=child_id, status=PlanStatus.ACTIVE)
            .only("pk", "next_review_on")
            .annotate(open_actions=open_actions, open_due_on=F("open_actions__due_on"))
        ),
        child.pk,
    )
    if not rows:
        return None
    plan, today = rows[0], timezone.localdate()  # one active plan a child (safeguarding_plan_one_active)
    plan.overdue = sum(1 for row in rows if row.open_due_on is not None and row.open_due_on < today)
    return plan


# The child's views ------------------------------------------------------------------------------


def child_voice_children_for(user) -> QuerySet[Child]:
    """Children whose views on their plan (and agreement with its actions) the user records: the site's
    coordinator, and the child's allocated guardian, who brings the child's voice."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    scope = Q(site_id__in=sites_where(user, Perm.PLAN_MANAGE))
    guardian_sites = sites_where(user, Perm.CHILD_VIEW_ASSOCIATED)
    if guardian_sites:
        scope |= Q(_guardian_of(user), site_id__in=guardian_sites)
    return Child.objects.filter(scope)


def may_record_child_views(user, child: Child) -> bool:
    """Whether `child` is one of child_voice_children_for(user): the coordinator of the child's site from the policy
    (no query), anyone else with one."""
    if has_perm(user, Perm.PLAN_MANAGE, child.site_id):
        return True
    return child_voice_children_for(user).filter(pk=child.pk).exists()


def child_voice_purpose(user, child: Child) -> str:
    if has_perm(user, Perm.PLAN_MANAGE, child.site_id):
        return PURPOSES[Perm.PLAN_MANAGE]
    return PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]


def plan_for_child_views(user, plan_id: int) -> SafeguardingPlan:
    plan = (
        SafeguardingPlan.objects.select_related("child", "child__site", "agreed_at_meeting")
        .filter(child__in=child_voice_children_for(user), pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def action_for_child_agreement(user, action_id: int) -> PlanAction:
    action = (
        PlanAction.objects.select_related("plan", "plan__child", "plan__child__site", "child_agreement_recorded_by")
        .filter(plan__child__in=child_voice_children_for(user), pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


@dataclass(frozen=True)
class ViewsEarliest:
    """The earliest day the child's views on their plan can have been gathered, and what happened that day."""

    day: date
    # "plan": the plan was agreed (its sitting); "recorded": it was recorded; "referral": the referral the plan
    # follows was sent; "strategy": that referral's strategy discussion was held.
    why: str
    referral_reference: str = ""


def child_views_earliest(plan: SafeguardingPlan) -> ViewsEarliest:
    """The earliest day views on `plan` can have been gathered: the earliest of the day it was agreed and the day it
    was recorded, the day the referral it follows was sent, and the day of the strategy discussion that referral
    gives. Views are often gathered at the strategy discussion (which usually comes before or alongside the
    referral: domain.md step 1) or at the panel, days before the plan is typed in; earlier than the referral
    they were about another time in the child's life. The referral is the plan's decision's, else the child's
    latest sent by the day the plan was agreed or recorded. Load `agreed_at_meeting` with the plan. One statement."""
    recorded = timezone.localdate(plan.created_at)
    agreed = plan.agreed_on
    if plan.decision_id is not None:
        referrals = Referral.objects.filter(decisions=plan.decision_id)
    else:
        day_after = start_of_day(max(agreed, recorded) + timedelta(days=1))
        referrals = Referral.objects.filter(child_id=plan.child_id, submitted_at__lt=day_after)
    referral = (
        referrals.filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("reference", "submitted_at", "strategy_discussion_date")
        .first()
    )
    # Earliest first; on the same day, the first named here says it.
    found = [ViewsEarliest(agreed, "plan"), ViewsEarliest(recorded, "recorded")]
    if referral is not None:
        reference, submitted_at, strategy_on = referral
        found.append(ViewsEarliest(timezone.localdate(submitted_at), "referral", reference))
        if strategy_on is not None:
            found.append(ViewsEarliest(strategy_on, "strategy", reference))
    return min(found, key=lambda earliest: earliest.day)


def _child_views(plan_id: int) -> QuerySet[ChildPlanView]:
    """The child's views on the plan, newest first, with who recorded each."""
    return ChildPlanView.objects.filter(plan_id=plan_id).select_related("recorded_by")


def child_views_read(plan: SafeguardingPlan) -> list[ChildPlanView]:
    """The child's views on the plan, newest first, by a statement compiled once."""
    return prepared.rows(ChildPlanView, ("safeguarding:child-views",), _child_views, plan.pk)


def latest_child_views(plan: SafeguardingPlan) -> ChildPlanView | None:
    """The child's latest views on the plan, if any, by a statement compiled once."""
    return prepared.first(
        ChildPlanView, ("safeguarding:latest-child-views",), lambda plan_id: _first(_child_views(plan_id)), plan.pk
    )


# Actions ----------------------------------------------------------------------------------------


def _owned_by(user) -> Q:
    return Q(owner=user, plan__child__site_id__in=sites_where(user, Perm.PLAN_ACTION_UPDATE))


def actions_visible_to(user) -> QuerySet[PlanAction]:
    """Actions of plans the user sees, and the actions the user owns."""
    if not getattr(user, "is_authenticated", False):
        return PlanAction.objects.none()
    return PlanAction.objects.filter(Q(plan__in=plans_visible_to(user)) | _owned_by(user))


def actions_owned_by(user) -> QuerySet[PlanAction]:
    if not getattr(user, "is_authenticated", False):
        return PlanAction.objects.none()
    return PlanAction.objects.filter(_owned_by(user))


def action_get(user, action_id: int) -> PlanAction:
    action = (
        actions_visible_to(user)
        .select_related("plan", "plan__child", "plan__child__site", "organisation", "owner", "created_by")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def may_update_action(user, action: PlanAction) -> bool:
    """The coordinator of the child's site, or the action's owner."""
    site_id = action.plan.child.site_id
    if has_perm(user, Perm.PLAN_MANAGE, site_id):
        return True
    return action.owner_id == user.pk and has_perm(user, Perm.PLAN_ACTION_UPDATE, site_id)


def action_for_update(user, action_id: int) -> PlanAction:
    action = action_get(user, action_id)
    if not may_update_action(user, action):
        raise Http404
    return action


# Statutory status and the safety map ----------------------------------------------------------------


def period_for_planning(user, period_id: int) -> StatutoryPeriod:
    period = (
        StatutoryPeriod.objects.select_related("child", "child__site")
        .filter(child__site_id__in=sites_where(user, Perm.PLAN_MANAGE), pk=period_id)
        .first()
    )
    if period is None:
        raise Http404
    return period


def link_for_planning(user, link_id: int) -> ContextualLink:
    link = (
        ContextualLink.objects.select_related("child", "child__site")
        .filter(child__site_id__in=sites_where(user, Perm.PLAN_MANAGE), pk=link_id)
        .first()
    )
    if link is None:
        raise Http404
    return link


def guardians_of(child: Child) -> QuerySet[ChildAssociation]:
    return child.associations.filter(kind=AssociationKind.ICTG, ends_at__isnull=True).select_related("user")


def referral_safeguarding_of(child: Child) -> QuerySet[ReferralSafeguarding]:
    """What the child's accepted referrals said about safeguarding in place, newest first."""
    return ReferralSafeguarding.objects.filter(child=child).select_related("referral", "confirmed_by")


# What the child's safeguarding page shows of the referral an entry came from (its reference, and whether it is still
# to confirm), and of the referral whose answers were brought: not the referral's other sixty columns.
_FROM_REFERRAL = ("from_referral__confirmed_at", "from_referral__referral__reference")
_REFERRAL_ANSWERS = (
    "ictg_referral_made",
    "recorded_at",
    "confirmed_at",
    "confirmed_by__full_name",
    "referral__reference",
    "referral__child_in_need",
    "referral__child_protection_plan",
    "referral__looked_after",
    "referral__strategy_discussion_date",
)


def guardian_allocations_of(child: Child) -> list[ChildAssociation]:
    """The child's guardian allocations not ended, with their guardian and organisation, each with `in_force`: whether
    it counts now (`_guardian_in_force`: the guardian holds the role at the child's active site). One whose role
    there ended keeps the allocation until the coordinator ends it, but is not the child's guardian. One statement,
    compiled once."""

    def allocations(child_id: int) -> QuerySet[ChildAssociation]:
        counts = ChildAssociation.objects.filter(_guardian_in_force(), pk=OuterRef("pk"))
        return (
            ChildAssociation.objects.filter(child_id=child_id, kind=AssociationKind.ICTG, ends_at__isnull=True)
            .annotate(in_force=Exists(counts))
            .select_related("user", "user__organisation")
            .order_by("starts_at", "id")
        )

    rows = prepared.rows(ChildAssociation, ("safeguarding:guardian-allocations",), allocations, child.pk)
    for row in rows:
        row.child = child
    return rows


def safeguarding_record_of(child: Child) -> dict[str, list]:
    """What the child's safeguarding page shows besides the plans, each read by a statement compiled once:
    `periods` of statutory status and strategy `discussions` (with the referral they came from), the child's
    `guardians` (allocated and counting now, with their organisation, which the page names) and the allocations
    `not_in_force` (`guardian_allocations_of`), the safety map's current `links`, and what the accepted referrals
    said (`from_referrals`, as `referral_safeguarding_of`, with who confirmed it)."""
    period = ("kind", "starts_on", "ends_on", *_FROM_REFERRAL)
    discussion = ("held_on", "agencies", "outcome", *_FROM_REFERRAL)
    allocations = guardian_allocations_of(child)
    return {
        "periods": _rows_of(StatutoryPeriod, "child", child, "from_referral__referral", only=period),
        "discussions": _rows_of(StrategyDiscussion, "child", child, "from_referral__referral", only=discussion),
        "guardians": [a for a in allocations if a.in_force],
        "guardians_not_in_force": [a for a in allocations if not a.in_force],
        "links": _rows_of(ContextualLink, "child", child, active=True),
        "from_referrals": _rows_of(
            ReferralSafeguarding, "child", child, "referral", "confirmed_by", only=_REFERRAL_ANSWERS
        ),
    }


def safety_map_of(child: Child) -> list[ContextualLink]:
    """Everything on the child's safety map, current and former, in the map's order."""
    return _rows_of(ContextualLink, "child", child)
