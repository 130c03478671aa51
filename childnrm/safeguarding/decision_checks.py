"""What a decision needs of the child's safeguarding before sign-off (issue 8, rule 6).

A positive reasonable grounds decision is never only a status: the same sitting agrees a plan, or the
panel records why a plan already in place (an active safeguarding plan, or an open statutory period
such as a child protection plan) protects the child. A period that came from the referral's answers
counts once the coordinator has confirmed it. Registered with decisions.checks in apps.ready(),
because decisions may not import this app.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.decisions.models import Decision, Outcome, PlanBasis, Stage
from childnrm.kit.errors import Problem
from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan, StatutoryPeriod

# A period brought from a referral's answers is relied on only once the coordinator has confirmed it.
CONFIRMED = Q(from_referral__isnull=True) | Q(from_referral__confirmed_at__isnull=False)


def plan_problems(decision: Decision) -> list[Problem]:
    if decision.stage != Stage.REASONABLE_GROUNDS or decision.outcome != Outcome.POSITIVE:
        return []
    child_id = decision.referral.child_id
    if decision.plan_basis == PlanBasis.AGREED_AT_SITTING:
        agreed = (
            child_id is not None
            and decision.meeting_id is not None
            and SafeguardingPlan.objects.filter(
                child_id=child_id, agreed_at_meeting_id=decision.meeting_id, status=PlanStatus.ACTIVE
            ).exists()
        )
        if not agreed:
            return [
                Problem(
                    "plan-not-agreed",
                    gettext(
                        "No safeguarding plan agreed at this sitting is recorded: the coordinator records it on "
                        "the child's safeguarding page before the decision is signed off"
                    ),
                    "plan_basis",
                )
            ]
    elif decision.plan_basis == PlanBasis.ALREADY_IN_PLACE:
        today = timezone.localdate()
        current = StatutoryPeriod.objects.filter(child_id=child_id, starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
        in_place = child_id is not None and (
            SafeguardingPlan.objects.filter(child_id=child_id, status=PlanStatus.ACTIVE).exists()
            or current.filter(CONFIRMED).exists()
        )
        if not in_place:
            unconfirmed = child_id is not None and current.exists()
            return [
                Problem(
                    "plan-not-in-place",
                    gettext(
                        "No safeguarding plan or statutory plan (such as a child protection plan) is recorded as in "
                        "place for the child: the coordinator records it on the child's safeguarding page, or the "
                        "panel agrees a plan at this sitting. What the referral said is in place counts once the "
                        "coordinator confirms it there"
                    )
                    if unconfirmed
                    else gettext(
                        "No safeguarding plan or statutory plan (such as a child protection plan) is recorded as in "
                        "place for the child: the coordinator records it on the child's safeguarding page, or the "
                        "panel agrees a plan at this sitting"
                    ),
                    "plan_basis",
                )
            ]
    return []
