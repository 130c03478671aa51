"""A chair signs off only a case they declared on, at a sitting they are marked present at (panels.rules): the
completeness check, and so the sign-off, say so."""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import demo, record_complete
from childnrm.panels import services as panel_services
from childnrm.panels.demo import accepted_referral, scheduled_meeting
from childnrm.panels.models import AgendaStage

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def test_a_chair_not_marked_present_who_never_declared_cannot_sign_off(client_as):
    coordinator = demo(Role.COORDINATOR, SITE)
    meeting = scheduled_meeting(SITE, starts_at=timezone.now())
    chair = meeting.attendees.get(user=meeting.chair)
    others = set(meeting.attendees.exclude(pk=chair.pk).values_list("pk", flat=True))
    panel_services.attendance_mark(meeting=meeting, user=coordinator, present_ids=others)
    item = panel_services.agenda_item_add(
        meeting=meeting, user=coordinator, referral=accepted_referral(SITE), stage=AgendaStage.REASONABLE_GROUNDS
    )
    for attendee in meeting.attendees.filter(present=True):
        panel_services.conflict_declare(item=item, attendee=attendee, user=coordinator, has_conflict=False, details="")
    meeting = panel_services.meeting_open(meeting=meeting, user=coordinator, move_to_today=True)
    decision = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator)
    decision = record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())

    codes = {p.code for p in services.decision_completeness(Decision.objects.get(pk=decision.pk))}
    assert {"conflicts-undeclared", "no-chair"} <= codes
    with pytest.raises(services.DecisionIncomplete):
        services.decision_finalise(decision=Decision.objects.get(pk=decision.pk), user=meeting.chair)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT
