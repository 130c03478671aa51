"""A safeguarding plan left active by an anonymisation before plans closed with the record is closed by retention
migration 0004, as of when the child's record went; a living child's plan is untouched."""

from __future__ import annotations

import pytest

from childnrm.core.tests.migrations import migrate_to
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import PLAN_CLOSED_REASON, case_anonymise
from childnrm.safeguarding.models import ActionStatus, PlanStatus, SafeguardingPlan
from childnrm.safeguarding.tests.test_safeguarding import new_action, new_plan

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("retention", "0003_mark_anonymised_cases")]


def test_plans_left_active_by_earlier_anonymisations_are_closed(demo, site):
    anonymised = accepted_referral("northbridge")
    left_open = new_plan(site, anonymised.child)
    action = new_action(left_open, owner_name="Jo Bloggs")
    case_anonymise(anonymised)
    anonymised.refresh_from_db()
    living = accepted_referral("northbridge")
    living_plan = new_plan(site, living.child)
    # As an anonymisation before 2026-12-07 left it: the plan still active.
    SafeguardingPlan.objects.filter(pk=left_open.pk).update(status=PlanStatus.ACTIVE, closed_at=None, close_reason="")

    migrate_to(BEFORE)
    migrate_to()

    left_open.refresh_from_db()
    assert left_open.status == PlanStatus.CLOSED
    assert left_open.closed_at == Referral.objects.get(pk=anonymised.pk).anonymised_at
    assert left_open.closed_by_id is None and left_open.close_reason == PLAN_CLOSED_REASON
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED
    living_plan.refresh_from_db()
    assert living_plan.status == PlanStatus.ACTIVE and living_plan.closed_at is None
