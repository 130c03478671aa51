"""A POST the decision pages refuse shows the record again: that showing is audited as a view, like any other. An id
that is not a number is not found (404), never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import demo, draft_decision, final_decision, record_complete, second_reviewer
from childnrm.panels.tests.factories import scheduled_meeting
from conftest import signed_in

SITE = "northbridge"


def url(name: str, decision: Decision) -> str:
    return reverse(f"decisions:{name}", args=[decision.pk])


def views_of(decision: Decision, actor) -> list[str]:
    """The pages of the decision the actor was recorded as viewing, oldest first."""
    events = AuditEvent.objects.filter(
        action="view", object_type="decisions.decision", object_id=str(decision.pk), actor=actor
    ).order_by("seq")
    return [e.detail.get("page") for e in events]


def test_a_refused_sign_off_shows_the_record_and_is_audited_as_a_view(client_as):
    decision = draft_decision(SITE)
    chair = client_as(Role.CHAIR)
    refused = chair.post(url("finalise", decision))
    assert refused.status_code == 200 and "The decision cannot be signed off yet" in refused.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    assert views_of(decision, demo(Role.CHAIR)) == ["finalise"]


def test_a_refused_second_review_shows_the_record_and_is_audited_as_a_view(client_as, demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    client_as(Role.CHAIR).post(url("finalise", decision))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SECOND_REVIEW
    reviewer_user = second_reviewer(SITE)
    refused = signed_in(reviewer_user).post(url("second-review", decision), {"agrees": "no", "reasons": ""})
    assert refused.status_code == 200 and "Enter why you do not agree with the decision" in refused.content.decode()
    assert views_of(decision, reviewer_user) == ["second-review"]


@pytest.mark.parametrize(
    ("name", "data", "page"),
    [
        (
            "section-outcome",
            {"outcome": Outcome.POSITIVE, "decided_on_day": "31", "decided_on_month": "2", "decided_on_year": "2026"},
            "section:outcome",
        ),
        ("evidence", {"description": "", "agency": ""}, "evidence"),
        ("nil-return", {"nil_agency": "", "nil_statement": ""}, "evidence"),
    ],
)
def test_every_refused_post_on_the_record_is_audited_as_a_view(client_as, name, data, page):
    decision = draft_decision(SITE)
    refused = client_as(Role.COORDINATOR).post(url(name, decision), data)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert views_of(decision, demo(Role.COORDINATOR)) == [page]


def test_a_refused_vote_shows_the_votes_and_is_audited_as_a_view(client_as):
    decision = draft_decision(SITE)
    guardian = decision.meeting.attendees.get(agency="ictg").user
    refused = client_as(Role.COORDINATOR).post(
        url("votes", decision), {"voter_id": guardian.pk, f"v{guardian.pk}-vote": "positive"}
    )
    assert refused.status_code == 200 and decision.votes.count() == 0
    assert views_of(decision, demo(Role.COORDINATOR)) == ["votes"]


def test_a_refused_correction_is_audited_as_a_view(client_as):
    decision = final_decision(SITE)
    refused = client_as(Role.COORDINATOR).post(url("correct", decision), {"reason": ""})
    assert refused.status_code == 200 and "Enter the reason for the correction" in refused.content.decode()
    assert views_of(decision, demo(Role.COORDINATOR)) == ["correct"]


def test_a_page_shown_once_is_audited_once(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    for name in ("record", "section-act", "evidence", "votes"):
        client.get(url(name, decision))
    assert views_of(decision, demo(Role.COORDINATOR)) == ["record", "section:act", "evidence", "votes"]


@pytest.mark.parametrize("voter_id", ["abc", "1.5", "²", " ", "9" * 30])
def test_a_voter_id_that_is_not_a_number_is_not_found(client_as, voter_id):
    decision = draft_decision(SITE)
    response = client_as(Role.COORDINATOR).post(url("votes", decision), {"voter_id": voter_id})
    assert response.status_code == 404
    assert decision.votes.count() == 0


def test_a_vote_for_no_one_still_asks_for_someone_attending(client_as):
    decision = draft_decision(SITE)
    response = client_as(Role.COORDINATOR).post(url("votes", decision), {"voter_id": ""}, follow=True)
    assert response.status_code == 200 and "Select someone attending this meeting" in response.content.decode()


@pytest.mark.parametrize("posted", ["abc", "²", "9" * 30])
@pytest.mark.parametrize(("name", "field"), [("attendee-add", "member"), ("attendee-remove", "attendee")])
def test_a_meeting_attendee_id_that_is_not_a_number_is_not_found(client_as, name, field, posted):
    """The same on the sitting's page (panels.views), where inviting and removing attendees post an id."""
    meeting = scheduled_meeting(SITE)
    response = client_as(Role.COORDINATOR).post(reverse(f"panels:{name}", args=[meeting.pk]), {field: posted})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "typed"),
    [
        ("section-act", {"act_finding": "found", "act_reasoning": "He was moved between towns by the group."}, None),
        (
            "evidence",
            {"description": "The school's attendance record", "agency": "social_care", "supplied_by": "School"},
            None,
        ),
    ],
)
def test_what_was_typed_after_the_chair_signed_off_is_shown_again_not_lost(client_as, name, data, typed):
    """The coordinator types at the sitting while the chair signs the decision off: the post came back as a redirect
    to the read-only record, and what was typed was gone. It is shown again, with why it was not saved."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    coordinator = client_as(Role.COORDINATOR)
    coordinator.get(url(name, decision))  # the form is open
    client_as(Role.CHAIR).post(url("finalise", decision))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL

    refused = coordinator.post(url(name, decision), data)
    page = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in page
    assert "It cannot be changed. What you entered has not been saved." in page
    shown = data.get("act_reasoning") or data["description"]
    assert shown.replace("'", "&#39;") in page
    assert "<title>Error: " in page
