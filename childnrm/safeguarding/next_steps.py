"""The safeguarding plan in a final decision's "What happens next" (registered with decisions.next_steps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm
from childnrm.decisions.models import Decision
from childnrm.decisions.next_steps import NextStep
from childnrm.kit.dates import long_date
from childnrm.safeguarding import selectors
from childnrm.safeguarding.models import PlanStatus


def plan_step(decision: Decision, user: Any) -> list[NextStep]:
    """Agree the plan (none is active), or review the active one in the light of the decision. Agreed means a
    plan of this decision, of its sitting, or recorded since it was signed off; a review is not recorded as
    such, so it shows the review date rather than done or not done."""
    child = decision.referral.child
    if child is None:
        return []
    manages = has_perm(user, Perm.PLAN_MANAGE, child.site_id)
    # The child's active plan (selectors.active_plan_of) with only what the step says: not the plan's decision
    # (a dozen JSON fields) nor who recorded it.
    plan = (
        child.safeguarding_plans.filter(status=PlanStatus.ACTIVE)
        .select_related("agreed_at_meeting")
        .only(
            "child_id",
            "decision_id",
            "agreed_at_meeting_id",
            "created_at",
            "next_review_on",
            "agreed_at_meeting__starts_at",
        )
        .first()
    )
    if plan is None:
        return [
            NextStep(
                order=10,
                key="plan",
                title=gettext("Agree the safeguarding plan"),
                url=reverse("safeguarding:plan-create", args=[child.reference]) if manages else "",
                done=False,
                hint=gettext("No safeguarding plan is in place for the child"),
            )
        ]
    url = reverse("safeguarding:plan", args=[plan.pk])
    if not manages and not selectors.plans_visible_to(user).filter(pk=plan.pk).exists():
        url = ""
    agreed_here = (
        plan.decision_id == decision.pk
        or (decision.meeting_id is not None and plan.agreed_at_meeting_id == decision.meeting_id)
        or (decision.finalised_at is not None and plan.created_at >= decision.finalised_at)
    )
    if agreed_here:
        when = plan.agreed_at_meeting.starts_at if plan.agreed_at_meeting else plan.created_at
        return [
            NextStep(
                order=10,
                key="plan",
                title=gettext("Agree the safeguarding plan"),
                url=url,
                done=True,
                hint=gettext("Agreed on %(day)s") % {"day": long_date(timezone.localtime(when).date())},
            )
        ]
    if plan.next_review_on:
        review = gettext("Next review due on %(day)s") % {"day": long_date(plan.next_review_on)}
    else:
        review = gettext("No review date set")
    return [
        NextStep(
            order=10,
            key="plan",
            title=gettext("Review the safeguarding plan in the light of the decision"),
            url=url,
            hint=gettext("Plan in place since %(day)s. %(review)s")
            % {"day": long_date(timezone.localtime(plan.created_at).date()), "review": review},
        )
    ]
