"""The dashboard and its reminders chase no case, and no child, that retention anonymised (referrals.anonymised)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard import clocks
from childnrm.dashboard.reminders import daily_reminders_send
from childnrm.letters.tests.factories import final_decision
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan
from conftest import demo_user, signed_in

from .factories import accepted_referral, days_ago, plan_with_action
from .factories import final_decision as guardian_final_decision
from .test_guardian_next_steps import allocate, guardian, home, listed  # noqa: F401 (guardian: a fixture)

pytestmark = pytest.mark.django_db


def test_an_anonymised_cases_letters_and_explanation_are_nobodys_work(demo):
    decision = final_decision("northbridge")
    site = decision.referral.site
    today = timezone.localdate()
    assert clocks.letters_not_produced(site, today).filter(pk=decision.pk).exists()
    case_anonymise(decision.referral)
    assert not clocks.letters_not_produced(site, today).filter(pk=decision.pk).exists()
    assert not clocks.not_explained(site, today).filter(pk=decision.pk).exists()


def test_no_one_is_chased_about_an_action_of_an_anonymised_child(demo):
    """A plan left active when the child's record was anonymised (before anonymisation closed it) is not chased:
    not on the dashboard, not in the coordinators' digest, not in its owner's email."""
    referral = accepted_referral(submitted_on=days_ago(50))
    owner = demo_user(Role.PANEL_MEMBER, "northbridge")
    action = plan_with_action(referral.child, due_on=days_ago(2), owner=owner)
    for case in Referral.objects.filter(child=referral.child):
        case_anonymise(case)
    assert child_anonymised(referral.child_id)
    SafeguardingPlan.objects.filter(pk=action.plan_id).update(status=PlanStatus.ACTIVE)

    assert not clocks.actions_overdue(referral.site, timezone.localdate()).filter(pk=action.pk).exists()
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    assert [m for m in mail.outbox if m.to == [owner.email]] == []
    assert not [m for m in mail.outbox if f"action {action.pk}" in m.body]


def test_a_decision_of_an_anonymised_case_is_not_the_guardians_to_explain(guardian):  # noqa: F811
    """The child's record stays while a later case of theirs is with the panel; the guardian is not asked to
    explain the anonymised case's decision, which the page it led to refuses."""
    old = guardian_final_decision(accepted_referral(), decided_on=days_ago(400))
    child = old.referral.child
    later = accepted_referral()
    Referral.objects.filter(pk=later.pk).update(child=child)
    allocate(child, guardian)
    link = reverse("letters:explanation-add", args=[old.pk])
    client = signed_in(guardian)
    assert link in listed(home(client), "explain-decision")
    case_anonymise(old.referral)
    assert not child_anonymised(child.pk)
    assert "was anonymised on" in client.get(link, follow=True).content.decode()
    assert link not in listed(home(client), "explain-decision")
