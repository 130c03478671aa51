"""The decision's pages lead back to its sitting, for those who may open the sitting, so a chair taking several cases
goes from one to the next without starting again from the home page."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.tests.factories import final_decision, sample_decision, second_reviewer
from conftest import demo_user, signed_in

SITE = "northbridge"


def test_the_record_and_the_decision_pages_link_back_to_the_sitting(client_as):
    decision = sample_decision(SITE)
    sitting = reverse("panels:meeting", args=[decision.meeting_id])
    for role in (Role.COORDINATOR, Role.CHAIR):
        client = client_as(role)
        record = client.get(reverse("decisions:record", args=[decision.pk])).content.decode()
        assert f'<a href="{sitting}" class="govuk-back-link' in record, role
        assert f'<a class="govuk-link" href="{sitting}">' in record, role  # the "Sitting" row
        detail = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
        assert f'<a href="{sitting}" class="govuk-back-link' in detail, role


def test_no_link_to_a_sitting_the_reader_may_not_open(demo):
    decision = final_decision(SITE, outcome="negative")
    reviewer = second_reviewer(SITE)  # gave the second review; never invited to the sitting
    assert not decision.meeting.attendees.filter(user=reviewer).exists()
    page = signed_in(reviewer).get(reverse("decisions:detail", args=[decision.pk]))
    assert page.status_code == 200
    assert reverse("panels:meeting", args=[decision.meeting_id]) not in page.content.decode()
    # The coordinator, who runs the panel, has it.
    coordinator = signed_in(demo_user(Role.COORDINATOR)).get(reverse("decisions:detail", args=[decision.pk]))
    assert reverse("panels:meeting", args=[decision.meeting_id]) in coordinator.content.decode()
