"""A decision stage is settled once per case, not per listing: a case decided at one sitting is not carried on from
another as still to decide (its papers shared with the next sitting, its decision asked for again), and the agenda
does not ask a panel for a decision the case already has. A draft still to finish (a correction) may be listed."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import record_complete, sitting
from childnrm.panels import selectors, services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import accepted_referral, scheduled_meeting
from childnrm.referrals.models import Referral
from conftest import demo_user

NB = "northbridge"
pytestmark = pytest.mark.django_db


def coordinator():
    return demo_user(Role.COORDINATOR, NB)


def later(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(14, 30)))


def _decide_rg(meeting: Meeting, referral: Referral) -> Decision:
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    decision = decision_services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    decision = record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    decision = decision_services.decision_finalise(decision=decision, user=meeting.chair)
    assert decision.status == DecisionStatus.FINAL
    return decision


def test_a_case_decided_at_another_sitting_is_not_carried_on(demo):
    referral = accepted_referral(NB)
    regular = sitting(NB, referrals=[referral])
    extra = sitting(NB, referrals=[referral])
    _decide_rg(extra, referral)
    assert selectors.undecided_items(regular) == []

    next_one = scheduled_meeting(NB, starts_at=later(10))
    services.meeting_close(meeting=regular, user=coordinator(), carry_to=next_one)
    assert not next_one.agenda_items.filter(referral=referral).exists()


def test_a_case_asked_for_both_decisions_is_carried_for_the_one_still_to_make(demo):
    referral = accepted_referral(NB)
    regular = sitting(NB, referrals=[referral], stage=AgendaStage.BOTH)
    extra = sitting(NB, referrals=[referral])
    _decide_rg(extra, referral)
    [left] = selectors.undecided_items(regular)
    assert left.referral == referral

    next_one = scheduled_meeting(NB, starts_at=later(10))
    services.meeting_close(meeting=regular, user=coordinator(), carry_to=next_one)
    carried = next_one.agenda_items.get(referral=referral)
    assert carried.stage == AgendaStage.CONCLUSIVE_GROUNDS and carried.carried_from == left


def test_the_agenda_does_not_ask_again_for_a_decision_the_case_has(demo):
    referral = accepted_referral(NB)
    first = sitting(NB, referrals=[referral])
    original = _decide_rg(first, referral)
    next_one = scheduled_meeting(NB, starts_at=later(10))

    for stage in (AgendaStage.REASONABLE_GROUNDS, AgendaStage.BOTH):
        with pytest.raises(PanelError) as refused:
            services.agenda_item_add(meeting=next_one, user=coordinator(), referral=referral, stage=stage)
        assert str(refused.value) == (
            f"The reasonable grounds decision on {referral.reference} has already been signed off: select the "
            "conclusive grounds decision"
        )
        assert refused.value.field == "stage"
    assert not next_one.agenda_items.exists()

    # A correction being drafted goes to a sitting to be finished: its stage may be listed.
    decision_services.decision_correct(decision=original, user=coordinator(), reason="Wrong date recorded")
    item = services.agenda_item_add(
        meeting=next_one, user=coordinator(), referral=referral, stage=AgendaStage.REASONABLE_GROUNDS
    )
    assert item.stage == AgendaStage.REASONABLE_GROUNDS
