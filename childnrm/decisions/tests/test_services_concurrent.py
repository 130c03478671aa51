"""Two chairs signing off one decision at once (PostgreSQL row lock, connections racing for real).

Apart from test_services.py because this test commits: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import draft_decision, record_complete

SITE = "northbridge"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Concurrent writers need PostgreSQL (SQLite's test database is in memory)"
)
@pytest.mark.django_db(transaction=True)
def test_two_chairs_finalising_at_once_exactly_one_succeeds(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    chair = decision.meeting.chair
    barrier = threading.Barrier(2)
    results: list[object] = []

    def sign_off():
        barrier.wait()
        try:
            results.append(services.decision_finalise(decision=Decision.objects.get(pk=decision.pk), user=chair))
        except services.DecisionStateError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_off) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finals = [r for r in results if isinstance(r, Decision)]
    refusals = [r for r in results if isinstance(r, services.DecisionStateError)]
    assert len(finals) == 1 and len(refusals) == 1
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL
    assert str(refusals[0]) == (
        f"This decision was finalised by {chair.full_name} on {services.when(decision.finalised_at)}. "
        "It cannot be changed."
    )
