"""A conflict of interest closes a case's decision record to whoever declared it, as it closes the case's papers
(ADR 0006): the record carries the same evidence, the child's wishes and feelings and the credibility reasoning.
The coordinator, who corrects declarations and reads every case of the site, keeps it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import (
    demo as demo_user,
)
from childnrm.decisions.tests.factories import (
    draft_decision,
    record_complete,
    second_reviewer,
)
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, AttendsAs
from conftest import signed_in

SITE = "northbridge"
pytestmark = pytest.mark.django_db

# Every page of one decision a chair may otherwise open, its votes and both exports among them.
DECISION_PAGES = ("record", "detail", "section-wishes", "section-credibility", "evidence", "votes")
DOWNLOADS = ("export-json", "export-pdf")


def _declare_conflict(decision: Decision, user) -> None:
    attendee = decision.meeting.attendees.get(user=user)
    panel_services.conflict_declare(
        item=decision.agenda_item, attendee=attendee, user=user, has_conflict=True, details="I know the family"
    )


def test_a_chair_who_declared_a_conflict_reads_and_changes_nothing_of_the_decision(client_as):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    before = decision.credibility_reasoning
    chair = decision.meeting.chair
    _declare_conflict(decision, chair)
    client = client_as(Role.CHAIR)
    papers = client.get(
        reverse("panels:papers", kwargs={"meeting_id": decision.meeting_id, "item_id": decision.agenda_item_id})
    )
    assert papers.status_code == 403  # the papers' rule, which the record now follows

    for name in DECISION_PAGES + DOWNLOADS:
        response = client.get(reverse(f"decisions:{name}", args=[decision.pk]))
        assert response.status_code == 404, name
    saved = client.post(
        reverse("decisions:section-credibility", args=[decision.pk]),
        {"credibility_reasoning": "Changed by the conflicted chair"},
    )
    assert saved.status_code == 404
    decision.refresh_from_db()
    assert decision.credibility_reasoning == before
    # Nor can they start the decision from the agenda, or find the case on the list of decisions at sittings.
    started = client.post(
        reverse("decisions:start"), {"agenda_item": decision.agenda_item_id, "stage": Stage.REASONABLE_GROUNDS}
    )
    assert started.status_code == 404
    assert decision.referral.reference not in client.get(reverse("decisions:index")).content.decode()

    # The coordinator, who corrects declarations, still reads and records it.
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.get(reverse("decisions:record", args=[decision.pk])).status_code == 200


def test_a_second_reviewer_who_declared_a_conflict_at_the_sitting_does_not_reach_the_decision(client_as):
    """A chair invited to the sitting who declared a conflict on the case does not read the negative decision taken
    there when it waits for its second review (another chair reviews it)."""
    decision = draft_decision(SITE)
    site = Site.objects.get(slug=SITE)
    coordinator = demo_user(Role.COORDINATOR, SITE)
    reviewer = second_reviewer(SITE)
    seat = panel_services.panel_member_add(
        site=site,
        user=coordinator,
        member_user=reviewer,
        agency=Agency.SOCIAL_CARE,
        attends_as=AttendsAs.ADVISER,
        voting=False,
    )
    panel_services.attendee_add(meeting=decision.meeting, user=coordinator, member=seat)
    _declare_conflict(decision, reviewer)
    decision = record_complete(decision, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    assert decision.status == DecisionStatus.SECOND_REVIEW

    client = signed_in(reviewer)
    assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404
    assert client.get(reverse("decisions:second-review", args=[decision.pk])).status_code == 404
    # Nor does the service take their review, whatever calls it.
    with pytest.raises(services.DecisionStateError, match="declared a conflict of interest"):
        services.decision_second_review(decision=decision, user=reviewer, agrees=True)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SECOND_REVIEW
    # The coordinator, who corrects declarations, still reads it.
    assert signed_in(coordinator).get(reverse("decisions:detail", args=[decision.pk])).status_code == 200
