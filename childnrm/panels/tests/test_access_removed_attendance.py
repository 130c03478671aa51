"""Removing someone's access at a site (every role, or the panel member role they sit with) takes them off the
attendance list of the site's live sittings, recorded for the coordinator with the reason and audited. Until now they
stayed listed, their vote refused, and the site administrator was told to ask the coordinator. A sitting where a
decision has been started keeps them on its record, marked absent; a closed sitting keeps its record untouched; a
sitting's chair stays until the coordinator chooses another."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Membership, Role, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent
from childnrm.decisions.tests.factories import draft_decision, final_decision
from childnrm.panels import services
from childnrm.panels.demo import demo_member_email
from childnrm.panels.models import ConflictDeclaration, Meeting, MeetingAttendee, MeetingStatus
from conftest import demo_user

NB = "northbridge"


def _police(site) -> User:
    return User.objects.get(email=demo_member_email("police-member", site.slug))


def _roles_set(site, user: User, roles: list[str]) -> None:
    admin = demo_user(Role.SITE_ADMIN)
    site_user_roles_set(site=site, user=user, roles=roles, by=admin, audit=AuditContext(actor=admin))


def _demo_sitting(site) -> Meeting:
    """The demo's sitting, scheduled two weeks ahead, with the whole panel invited."""
    return Meeting.objects.get(site=site, status=MeetingStatus.SCHEDULED)


def test_removing_access_takes_them_off_live_sittings_and_leaves_closed_ones_as_they_were(client_as, site):
    police = _police(site)
    scheduled = _demo_sitting(site)
    closed = final_decision(NB).meeting  # they voted on its decision, signed off
    services.meeting_close(meeting=closed, user=demo_user(Role.COORDINATOR))
    in_session = draft_decision(NB).meeting  # a decision started: the record needs them
    closed_declarations = ConflictDeclaration.objects.filter(attendee__meeting=closed, attendee__user=police).count()
    assert closed_declarations >= 1
    for meeting in (scheduled, closed, in_session):
        assert meeting.attendees.filter(user=police).exists()

    _roles_set(site, police, [])

    assert not scheduled.attendees.filter(user=police).exists()
    kept = in_session.attendees.get(user=police)
    assert kept.present is False and kept.voting is True  # marked absent; the seat's vote is refused by the rules
    assert ConflictDeclaration.objects.filter(attendee=kept).exists()
    # The closed sitting's record is untouched: still present, their declaration kept.
    record = closed.attendees.get(user=police)
    assert record.present is True
    assert ConflictDeclaration.objects.filter(attendee=record).count() == closed_declarations

    admin = demo_user(Role.SITE_ADMIN)
    removed = AuditEvent.objects.get(
        action="delete", object_type="panels.meetingattendee", detail__meeting=scheduled.pk
    )
    assert removed.actor_id == admin.pk and removed.site_id == site.pk
    assert removed.detail["user"] == police.pk and removed.detail["reason"] == "access_removed"
    assert AuditEvent.objects.filter(
        action="update", object_type="panels.meetingattendee", detail__meeting=in_session.pk
    ).exists()

    # The coordinator sees on each sitting's page who went and why.
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(reverse("panels:meeting", args=[scheduled.pk])).content.decode()
    assert "Attendance changed when access was removed" in page
    assert f"{police.full_name} (Police) was taken off the attendance list on" in page
    assert f"by {admin.full_name}. Their access to the site was removed." in page
    page = coordinator.get(reverse("panels:meeting", args=[in_session.pk])).content.decode()
    assert f"{police.full_name} (Police) was marked absent on" in page
    assert "stays on the record because a decision had been started at this sitting" in page
    page = coordinator.get(reverse("panels:meeting", args=[closed.pk])).content.decode()
    assert "Attendance changed when access was removed" not in page


def test_losing_the_panel_member_role_takes_them_off_where_they_sit_as_a_member(site):
    police = _police(site)
    adviser = demo_user(Role.ADVISER)
    Membership.objects.create(user=adviser, site=site, role=Role.PANEL_MEMBER)
    scheduled = _demo_sitting(site)

    _roles_set(site, police, [Role.CHAIR])  # keeps another role
    _roles_set(site, adviser, [Role.ADVISER])  # attends as an adviser, with the role for it

    assert not scheduled.attendees.filter(user=police).exists()
    assert scheduled.attendees.filter(user=adviser).exists()
    event = AuditEvent.objects.get(action="delete", object_type="panels.meetingattendee", detail__user=police.pk)
    assert event.detail["reason"] == "panel_member_role_removed"


def test_the_chair_of_a_sitting_stays_on_it(site):
    chair = demo_user(Role.CHAIR)
    scheduled = _demo_sitting(site)
    assert scheduled.chair_id == chair.pk

    _roles_set(site, chair, [])

    assert scheduled.attendees.filter(user=chair).exists()
    assert not AuditEvent.objects.filter(object_type="panels.meetingattendee", detail__user=chair.pk).exists()


def test_roles_given_back_leave_the_record_as_it_is(site):
    """Taking them off is not undone by giving the role back: the coordinator invites them again if wanted."""
    police = _police(site)
    scheduled = _demo_sitting(site)
    _roles_set(site, police, [])
    _roles_set(site, police, [Role.PANEL_MEMBER])
    assert not MeetingAttendee.objects.filter(meeting=scheduled, user=police).exists()
    assert scheduled.attendance_ended.filter(user=police).count() == 1
