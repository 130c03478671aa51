"""Answers recorded on the old turning-18 record move to the young person's case, once, when consent is kept in
one place (migration handovers 0002)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from childnrm.accounts.models import Role
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("handovers", "0001_initial"), ("referrals", "0008_adult_consent_method_not_recorded")]


def _migrate(targets=None):
    """To `targets`; with none, forward to every app's latest migration (0002 runs on the way), so that the
    database is whole again for the tests that follow on this worker."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_an_answer_on_the_turning_18_record_moves_to_the_case_and_not_yet_asked_moves_nothing(demo):
    case = accepted_referral("northbridge")
    other = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    old = _migrate(BEFORE)
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
        _migrate()
    moved = AdultConsent.objects.get()
    assert moved.referral_id == case.pk and moved.answer == ConsentAnswer.REFUSED
    assert moved.given_on == date(2026, 11, 2) and moved.method == ConsentMethod.NOT_RECORDED
    assert moved.recorded_by_id == coordinator.pk and "did not record how" in moved.notes
