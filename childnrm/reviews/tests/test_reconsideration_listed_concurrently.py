"""A reconsideration listed at a sitting while the coordinator puts the same case on that sitting's agenda (PostgreSQL,
two connections racing for real).

Listing a request takes the sitting first, then the case, its decision and the request (ADR 0035), as the agenda does
(the sitting, then a new item that points at the case). It used to lock the request with its decision and case, then
the sitting: with the agenda holding the sitting and waiting for the case, PostgreSQL aborted one of them ("deadlock
detected"), an error page. Now the listing waits for the agenda, then finds the case already there and says so.

Apart from test_reconsideration.py because these tests commit: a module whose tests all roll back loads the demo
once."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.panels import services as panel_services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting
from childnrm.reviews import services
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus
from childnrm.reviews.tests import factories as f

pytestmark = RACES


def test_a_reconsideration_listed_while_its_case_goes_on_that_agenda_waits_and_is_refused_in_words(demo):
    decision = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    asked = f.reconsideration(decision=decision)
    sitting = f.meeting(voters=f.panel_trio("northbridge", "Fresh"))
    coordinator = f.site_user(Role.COORDINATOR)

    results, waited = interleaved(
        # The agenda's first lock (the sitting), then the case put on it for its plan's review.
        lambda: Meeting.objects.select_for_update().get(pk=sitting.pk),
        lambda: panel_services.agenda_item_add(
            meeting=sitting, user=coordinator, referral=decision.referral, stage=AgendaStage.PLAN_REVIEW
        ),
        lambda: services.reconsideration_list(
            reconsideration=ReconsiderationRequest.objects.get(pk=asked.pk), meeting=sitting, user=coordinator
        ),
    )
    assert isinstance(results["first"], AgendaItem), results
    refused = results["second"]
    assert isinstance(refused, services.ReviewInvalid), results
    assert "This case is already on that meeting's agenda" in str(refused)
    assert ReconsiderationRequest.objects.get(pk=asked.pk).status == ReconsiderationStatus.RECEIVED
    assert waited
