"""Issue 9 item 4: the chair opens and runs their own sitting (opens it, marks attendance, records decisions,
closes it), and only their own: another chair of the same site is refused, by the policy and the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childnrm.access.policy import may_run_sitting
from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.demo import second_reviewer
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.panels import services
from childnrm.panels.models import AgendaItem, Meeting, MeetingStatus, MeetingStatusChange
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from conftest import demo_user, signed_in

NB = "northbridge"


def chairs_sitting():
    """A sitting due to start now (so opening it is not early), chaired by the demo chair, with one case on its
    agenda."""
    meeting = scheduled_meeting(NB, starts_at=timezone.now() - timedelta(minutes=1))
    item = add_to_agenda(meeting, accepted_referral(NB))
    return meeting, item


def test_the_chair_opens_takes_attendance_records_and_closes_their_own_sitting(client_as):
    meeting, item = chairs_sitting()
    chair = demo_user(Role.CHAIR)
    client = client_as(Role.CHAIR)
    page_url = reverse("panels:meeting", args=[meeting.pk])

    page = client.get(page_url).content.decode()
    assert reverse("panels:meeting-open", args=[meeting.pk]) in page
    assert "Save attendance" in page
    # Building the agenda, changing the chair, cancelling and inviting stay with the coordinator.
    for coordinator_only in ("panels:agenda", "panels:meeting-change", "panels:meeting-cancel", "panels:attendee-add"):
        assert reverse(coordinator_only, args=[meeting.pk]) not in page, coordinator_only

    everyone = [str(pk) for pk in meeting.attendees.values_list("pk", flat=True)]
    response = client.post(reverse("panels:attendance", args=[meeting.pk]), {"present": everyone})
    assert response.status_code == 302
    assert meeting.attendees.filter(present=False).count() == 0
    marked = AuditEvent.objects.filter(object_type="panels.meeting", object_id=str(meeting.pk), action="update")
    assert marked.latest("seq").actor == chair

    assert client.get(reverse("panels:meeting-open", args=[meeting.pk])).status_code == 200
    response = client.post(reverse("panels:meeting-open", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    assert MeetingStatusChange.objects.filter(meeting=meeting, to_status=MeetingStatus.OPEN).get().actor == chair

    # In session: "Record the decision" starts the case's draft at this sitting.
    page = client.get(page_url).content.decode()
    assert f'Record the decision<span class="govuk-visually-hidden"> for referral {item.referral.reference}' in page
    response = client.post(
        reverse("decisions:start"), {"agenda_item": item.pk, "stage": "reasonable_grounds", "from": "meeting"}
    )
    draft = Decision.objects.get(agenda_item=item)
    assert response["Location"] == reverse("decisions:record", args=[draft.pk])
    assert draft.status == DecisionStatus.DRAFT and draft.created_by == chair

    # Closing carries the undecided case to the next sitting, on the chair's say.
    later = Meeting.objects.filter(site__slug=NB, status=MeetingStatus.SCHEDULED).exclude(pk=meeting.pk).get()
    page = client.get(reverse("panels:meeting-close", args=[meeting.pk])).content.decode()
    assert item.referral.reference in page
    response = client.post(reverse("panels:meeting-close", args=[meeting.pk]), {"carry_to": later.pk})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert MeetingStatusChange.objects.filter(meeting=meeting, to_status=MeetingStatus.CLOSED).get().actor == chair
    carried = AgendaItem.objects.get(meeting=later, referral=item.referral)
    assert carried.carried_from == item and carried.added_by == chair


def test_another_chair_of_the_site_does_not_run_the_sitting(client_as):
    meeting, _ = chairs_sitting()
    other_chair = second_reviewer(NB)
    assert not may_run_sitting(other_chair, site_id=meeting.site_id, chair_id=meeting.chair_id)
    client = signed_in(other_chair)
    for name in ("panels:meeting-open", "panels:meeting-close"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
        assert client.post(reverse(name, args=[meeting.pk])).status_code == 404, name
    assert client.post(reverse("panels:attendance", args=[meeting.pk]), {"present": []}).status_code == 404
    # The services refuse too, whatever page asks.
    with pytest.raises(PermissionDenied):
        services.meeting_open(meeting=meeting, user=other_chair)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(meeting=meeting, user=other_chair, present_ids=set())
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED

    # Even their own sitting's chair may not cancel it or change its agenda: that is the coordinator's.
    chair = client_as(Role.CHAIR)
    assert chair.post(reverse("panels:meeting-cancel", args=[meeting.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, user=demo_user(Role.CHAIR))
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(
            meeting=meeting, user=demo_user(Role.CHAIR), referral=accepted_referral(NB), stage="reasonable_grounds"
        )

    # Once the coordinator gives the sitting another chair, the first no longer runs it.
    services.meeting_change(
        meeting=meeting,
        user=demo_user(Role.COORDINATOR),
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=other_chair,
    )
    assert chair.get(reverse("panels:meeting-open", args=[meeting.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.meeting_open(meeting=meeting, user=demo_user(Role.CHAIR))
    assert signed_in(other_chair).post(reverse("panels:meeting-open", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    with pytest.raises(PermissionDenied):
        services.meeting_close(meeting=meeting, user=demo_user(Role.CHAIR))
