"""Answers recorded on the old turning-18 record move to the young person's case, once, when consent is kept in
one place (migration handovers 0002)."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Role
from childnrm.core.tests.migrations import migrate_to
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("handovers", "0001_initial"), ("referrals", "0008_adult_consent_method_not_recorded")]


def test_an_answer_on_the_turning_18_record_moves_to_the_case_and_not_yet_asked_moves_nothing(demo):
    case = accepted_referral("northbridge")
    other = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    old = migrate_to(BEFORE)
    try:
        AdultTransition = old.get_model("handovers", "AdultTransition")
        AdultTransition.objects.create(
            child_id=case.child_id,
            eighteenth_birthday=date(2027, 1, 5),
            consent="refused",
            consent_recorded_on=date(2026, 11, 2),
            updated_by_id=coordinator.pk,
        )
        AdultTransition.objects.create(
            child_id=other.child_id, eighteenth_birthday=date(2027, 2, 5), updated_by_id=coordinator.pk
        )
    finally:
        migrate_to()
    moved = AdultConsent.objects.get()
    assert moved.referral_id == case.pk and moved.answer == ConsentAnswer.REFUSED
    assert moved.given_on == date(2026, 11, 2) and moved.method == ConsentMethod.NOT_RECORDED
    assert moved.recorded_by_id == coordinator.pk and "did not record how" in moved.notes
