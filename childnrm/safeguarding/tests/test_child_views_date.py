"""The child's views on their plan are often gathered at the strategy discussion or at the panel, days before the
plan is typed in: they were refused unless dated on or after the day the plan was recorded. They may now be dated
back to the earliest of the plan's sitting, the referral the plan follows and that referral's strategy discussion,
never in the future; a date before that is refused saying which day and why, and nothing is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.kit.dates import long_date
from childnrm.panels.models import Meeting
from childnrm.referrals.clocks import start_of_day
from childnrm.referrals.models import Referral
from childnrm.safeguarding import services
from childnrm.safeguarding.models import ChildPlanView, SafeguardingPlan
from childnrm.safeguarding.services import SafeguardingError
from childnrm.safeguarding.tests.test_safeguarding import meeting_of
from conftest import demo_user

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def plan_typed_in_today(site, *, referred: int, sitting: int, strategy: int | None = None) -> SafeguardingPlan:
    """A plan recorded today, agreed at a sitting `sitting` days ago, for a child referred `referred` days ago
    (after a strategy discussion `strategy` days ago, if given)."""
    referral = accepted_referral(site.slug, submitted_on=days_ago(referred))
    Referral.objects.filter(pk=referral.pk).update(strategy_discussion_date=days_ago(strategy) if strategy else None)
    meeting = meeting_of(site)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start_of_day(days_ago(sitting)) + timedelta(hours=10))
    meeting.refresh_from_db()
    return services.plan_create(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        meeting=meeting,
        summary="Agreed at the sitting.",
        next_review_on=None,
    )


def record(plan, day) -> ChildPlanView:
    return services.child_views_record(
        plan=plan,
        user=demo_user(Role.COORDINATOR),
        in_their_words="I want to stay at my school.",
        gathered_by_name="Sam Jones",
        gathered_by_role="Social worker",
        gathered_on=day,
        how="in_person",
        with_interpreter=False,
    )


def test_views_gathered_at_the_panel_or_the_strategy_discussion_before_the_plan_was_typed_in_are_kept(site):
    plan = plan_typed_in_today(site, referred=10, sitting=3, strategy=12)
    assert record(plan, days_ago(3)).gathered_on == days_ago(3)  # at the panel
    assert record(plan, days_ago(12)).gathered_on == days_ago(12)  # at the strategy discussion
    reference = plan.child.referrals.get().reference
    with pytest.raises(SafeguardingError) as refused:
        record(plan, days_ago(13))
    assert str(refused.value) == (
        f"The date the views were gathered must be the same as or after {long_date(days_ago(12))}, when the strategy "
        f"discussion before referral {reference} was held"
    )
    assert refused.value.field == "gathered_on"
    with pytest.raises(SafeguardingError, match="must be today or in the past"):
        record(plan, days_ago(-1))
    assert ChildPlanView.objects.filter(plan=plan).count() == 2


def test_without_a_strategy_discussion_the_referral_is_the_limit_and_the_form_says_so_keeping_the_answers(
    client_as, site
):
    plan = plan_typed_in_today(site, referred=10, sitting=3)
    reference = plan.child.referrals.get().reference
    url = reverse("safeguarding:child-views-add", kwargs={"plan_id": plan.pk})
    client = client_as(Role.COORDINATOR)
    form = client.get(url).content.decode()
    assert f"any day from {long_date(days_ago(10))} to today" in form

    too_early = days_ago(11)
    response = client.post(
        url,
        {
            "in_their_words": "I want to stay at my school.",
            "gathered_by_name": "Sam Jones",
            "gathered_by_role": "Social worker",
            "how": "in_person",
            "gathered_on_day": str(too_early.day),
            "gathered_on_month": str(too_early.month),
            "gathered_on_year": str(too_early.year),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f"The date the views were gathered must be the same as or after {long_date(days_ago(10))}, when referral "
        f"{reference} was sent" in page
    )
    assert "I want to stay at my school." in page  # what was typed is kept
    assert not ChildPlanView.objects.filter(plan=plan).exists()

    assert record(plan, days_ago(10)).gathered_on == days_ago(10)
