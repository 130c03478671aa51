"""A child whose record retention anonymised: their plan is closed with the record, and nothing more is written into
their safeguarding (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.panels.models import Agency
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from childnrm.safeguarding import services
from childnrm.safeguarding.models import (
    ActionStatus,
    ContextKind,
    ContextualLink,
    PlanAction,
    PlanActionUpdate,
    PlanStatus,
    Risk,
    StrategyDiscussion,
)
from childnrm.safeguarding.services import SafeguardingError
from childnrm.safeguarding.tests.test_safeguarding import date_parts, meeting_of, new_action, new_plan
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _anonymised_child_with_a_plan(site):
    referral = accepted_referral("northbridge")
    child = referral.child
    plan = new_plan(site, child)
    action = new_action(plan, owner_name="Jo Bloggs")
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    return child, plan, action


def test_the_active_plan_closes_with_the_record_and_its_open_actions_stay_as_they_were(site):
    _child, plan, action = _anonymised_child_with_a_plan(site)
    plan.refresh_from_db()
    action.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_at is not None
    assert "anonymised" in plan.close_reason
    assert action.status == ActionStatus.NOT_STARTED


def test_no_change_is_recorded_about_an_anonymised_child(client_as, site):
    child, plan, action = _anonymised_child_with_a_plan(site)
    client = client_as(Role.COORDINATOR)
    due = timezone.localdate() + timedelta(days=7)
    client.post(
        reverse("safeguarding:action-add", kwargs={"plan_id": plan.pk}),
        {
            "description": "New words about the child",
            "agency": Agency.SOCIAL_CARE,
            "owner_name": "Someone",
            **date_parts("due_on", due),
        },
    )
    client.post(
        reverse("safeguarding:action-update", kwargs={"action_id": action.pk}),
        {"status": "in_progress", "note": "Note with new words"},
    )
    assert not PlanAction.objects.filter(plan=plan, description="New words about the child").exists()
    assert not PlanActionUpdate.objects.filter(action=action, note="Note with new words").exists()

    coordinator = demo_user(Role.COORDINATOR)
    refusals = [
        lambda: services.plan_create(
            child=child, user=coordinator, meeting=meeting_of(site), summary="A new plan", next_review_on=None
        ),
        lambda: services.strategy_discussion_add(
            child=child,
            user=coordinator,
            held_on=timezone.localdate(),
            agencies=[Agency.POLICE],
            outcome="New words",
        ),
        lambda: services.contextual_link_add(
            child=child, user=coordinator, kind=ContextKind.PLACE, name="The station", description="", risk=Risk.HIGH
        ),
        lambda: services.action_update(action=action, user=coordinator, to_status="in_progress", note="New words"),
    ]
    for refused in refusals:
        with pytest.raises(SafeguardingError, match="anonymised"):
            refused()
    assert not StrategyDiscussion.objects.filter(child=child, outcome="New words").exists()
    assert not ContextualLink.objects.filter(child=child).exists()
    assert child.safeguarding_plans.filter(status=PlanStatus.ACTIVE).count() == 0


def test_the_childs_page_says_the_record_was_anonymised_and_offers_no_change(client_as, site):
    child, _plan, _action = _anonymised_child_with_a_plan(site)
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("safeguarding:child", kwargs={"reference": child.reference})).content.decode()
    assert 'data-testid="anonymised"' in page and "were anonymised on" in page
    assert reverse("safeguarding:plan-create", kwargs={"reference": child.reference}) not in page
    assert reverse("safeguarding:strategy-add", kwargs={"reference": child.reference}) not in page
    safety = client.get(reverse("safeguarding:safety-map", kwargs={"reference": child.reference})).content.decode()
    assert 'data-testid="anonymised"' in safety
    assert reverse("safeguarding:link-add", kwargs={"reference": child.reference}) not in safety
