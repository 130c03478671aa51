"""The service refuses a second reviewer who declared a conflict on the case at its sitting, and the
pages do not reach the decision for them; the email asking for a second review still goes to them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.decisions import services
from childnrm.decisions.models import DecisionStatus, Outcome
from childnrm.decisions.tasks import second_reviewers
from childnrm.decisions.tests.factories import draft_decision, record_complete, second_reviewer
from childnrm.panels.models import AttendsAs, ConflictDeclaration, MeetingAttendee

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def test_a_reviewer_who_declared_a_conflict_on_the_case_is_not_asked_for_its_second_review(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    reviewer = second_reviewer(SITE)
    # The reviewer sat at the sitting (not voting) and declared a conflict on this case.
    attendee = MeetingAttendee.objects.create(
        meeting=decision.meeting, user=reviewer, agency="ngo", attends_as=AttendsAs.MEMBER, voting=False
    )
    ConflictDeclaration.objects.create(
        agenda_item=decision.agenda_item,
        attendee=attendee,
        has_conflict=True,
        details="Taught the child",
        declared_by=reviewer,
    )
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    assert decision.status == DecisionStatus.SECOND_REVIEW
    with pytest.raises(services.DecisionStateError):  # the service refuses them ...
        services.decision_second_review(decision=decision, user=reviewer, agrees=True)
    # ... so they must not be the ones emailed to give it.
    assert reviewer not in second_reviewers(decision)
