"""Issue 9 item 4: once triage accepts a case, "Add to the next sitting's agenda" is one click away on the triage
page (or, with no sitting scheduled, a link to schedule one), for whoever runs the panel's agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import Stage
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels import services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingStatus
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import accepted_referral, scheduled_meeting
from childnrm.triage.demo import submitted_referral
from conftest import demo_user

NB = "northbridge"
ADD = "Add to the next sitting’s agenda"


def triage_page(client, referral) -> str:
    return client.get(reverse("triage:triage", args=[referral.reference])).content.decode()


def test_an_accepted_case_goes_on_the_next_sittings_agenda_in_one_click(client_as):
    referral = accepted_referral(NB)
    # The soonest sitting from today on is the next one, whatever order they were scheduled in.
    later = Meeting.objects.get(site__slug=NB, status=MeetingStatus.SCHEDULED)
    sooner = scheduled_meeting(NB, starts_at=later.starts_at - timedelta(days=5))
    coordinator = client_as(Role.COORDINATOR)

    page = triage_page(coordinator, referral)
    assert ADD in page
    assert f'name="meeting" value="{sooner.pk}"' in page
    assert reverse("panels:next-sitting-add", args=[referral.reference]) in page

    response = coordinator.post(reverse("panels:next-sitting-add", args=[referral.reference]), {"meeting": sooner.pk})
    assert response.status_code == 302 and response["Location"] == reverse("triage:triage", args=[referral.reference])
    item = AgendaItem.objects.get(referral=referral)
    assert item.meeting == sooner and item.stage == AgendaStage.REASONABLE_GROUNDS
    assert item.added_by == demo_user(Role.COORDINATOR)
    event = AuditEvent.objects.filter(object_type="panels.agendaitem", object_id=str(item.pk)).get()
    assert event.action == "create" and event.actor == demo_user(Role.COORDINATOR)
    assert event.detail["referral"] == referral.pk and event.detail["meeting"] == sooner.pk

    # The page now says where the case is listed, with no second button.
    page = coordinator.get(response["Location"]).content.decode()
    assert f"added to the agenda of the sitting on {sooner.starts_at.day}" in page
    assert ADD not in page
    assert "On the agenda of the sitting on" in page and reverse("panels:meeting", args=[sooner.pk]) in page

    # Posting again (an old tab) is refused by the agenda's own rule, and nothing is added.
    coordinator.post(reverse("panels:next-sitting-add", args=[referral.reference]), {"meeting": sooner.pk})
    assert AgendaItem.objects.filter(referral=referral).count() == 1


def test_with_no_sitting_scheduled_the_page_links_to_scheduling_one(client_as):
    referral = accepted_referral(NB)
    for meeting in Meeting.objects.filter(site__slug=NB, status=MeetingStatus.SCHEDULED):
        services.meeting_cancel(meeting=meeting, user=demo_user(Role.COORDINATOR))
    # One left scheduled on an earlier day is stale, not the next sitting.
    scheduled_meeting(NB, starts_at=timezone.now() - timedelta(days=3))
    page = triage_page(client_as(Role.COORDINATOR), referral)
    assert ADD not in page
    assert "No sitting of the panel is scheduled" in page
    assert f'href="{reverse("panels:meeting-schedule")}"' in page


def test_the_offer_is_only_for_a_case_accepted_here_and_only_for_the_agenda_holder(client_as):
    coordinator = client_as(Role.COORDINATOR)
    awaiting = submitted_referral(NB)
    assert ADD not in triage_page(coordinator, awaiting)
    # The route refuses what the page does not offer: a case not accepted cannot be listed.
    meeting = Meeting.objects.get(site__slug=NB, status=MeetingStatus.SCHEDULED)
    coordinator.post(reverse("panels:next-sitting-add", args=[awaiting.reference]), {"meeting": meeting.pk})
    assert not AgendaItem.objects.filter(referral=awaiting).exists()

    # Another site's coordinator: the case does not exist for them.
    referral = accepted_referral(NB)
    other = client_as(Role.COORDINATOR, "three-rivers")
    response = other.post(reverse("panels:next-sitting-add", args=[referral.reference]), {"meeting": meeting.pk})
    assert response.status_code == 404
    # Nor may a sitting of another site be named for a case of this one.
    elsewhere = Meeting.objects.get(site__slug="three-rivers", status=MeetingStatus.SCHEDULED)
    coordinator.post(reverse("panels:next-sitting-add", args=[referral.reference]), {"meeting": elsewhere.pk})
    assert not AgendaItem.objects.filter(referral=referral).exists()
    # Roles that do not run the agenda are refused by the policy.
    for role in (Role.CHAIR, Role.PANEL_MEMBER, Role.FIRST_RESPONDER):
        response = client_as(role).post(
            reverse("panels:next-sitting-add", args=[referral.reference]), {"meeting": meeting.pk}
        )
        assert response.status_code == 403, role
    with pytest.raises(PermissionDenied):
        services.agenda_next_sitting_add(referral=referral, meeting=meeting, user=demo_user(Role.CHAIR))
    assert not AgendaItem.objects.filter(referral=referral).exists()


def test_the_stage_asked_for_is_the_decision_the_case_waits_for(demo):
    coordinator = demo_user(Role.COORDINATOR)
    meeting = Meeting.objects.get(site__slug=NB, status=MeetingStatus.SCHEDULED)

    # A site that takes both decisions at one sitting lists a new case for both, as the agenda suggests.
    Site.objects.filter(slug=NB).update(rg_and_cg_at_one_sitting=True)
    both = accepted_referral(NB)
    item = services.agenda_next_sitting_add(referral=both, meeting=meeting, user=coordinator)
    assert item.stage == AgendaStage.BOTH
    Site.objects.filter(slug=NB).update(rg_and_cg_at_one_sitting=False)

    # After a final reasonable grounds decision, the conclusive grounds decision; after both, nothing.
    decided = final_decision(NB)
    item = services.agenda_next_sitting_add(referral=decided.referral, meeting=meeting, user=coordinator)
    assert item.stage == AgendaStage.CONCLUSIVE_GROUNDS
    concluded = final_decision(NB, stage=Stage.CONCLUSIVE_GROUNDS)
    with pytest.raises(PanelError, match="Both decisions"):
        services.agenda_next_sitting_add(referral=concluded.referral, meeting=meeting, user=coordinator)
