"""A sitting is chaired by someone holding the panel chair role at its site (domain.md: the chair checks quorum and
conflicts and signs off decisions), and a seat is held as a panel member (ADR 0014 amendment 2). Taking the chair role
from a sitting's chair left them its chair, the sitting's rules satisfied, while nobody could sign a decision off
there; and a member's seat without a vote was invited to a sitting without the panel member role. Both are now read
by the one rule each (`rules.chair_refusal`, `rules.seat_not_sitting`), wherever someone is put in the chair or a
seat."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent
from childnrm.decisions import services as decision_services
from childnrm.decisions.tests.factories import draft_decision, second_reviewer
from childnrm.kit.errors import Problem
from childnrm.panels import rules, services
from childnrm.panels.demo import demo_member_email
from childnrm.panels.models import Agency, AgendaItem, AttendanceEnded, AttendsAs, Meeting, MeetingStatus, PanelMember
from childnrm.panels.services import PanelError
from conftest import demo_user

NB = "northbridge"


def _roles_set(site, user: User, roles: list[str]) -> None:
    admin = demo_user(Role.SITE_ADMIN)
    site_user_roles_set(site=site, user=user, roles=roles, by=admin, audit=AuditContext(actor=admin))


def _demo_sitting(site) -> Meeting:
    """The demo's sitting, scheduled two weeks ahead and chaired by the demo chair."""
    return Meeting.objects.get(site=site, status=MeetingStatus.SCHEDULED)


def _change_chair(meeting: Meeting, chair: User) -> Meeting:
    return services.meeting_change(
        meeting=meeting,
        user=demo_user(Role.COORDINATOR),
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=chair,
    )


# --- The chair --------------------------------------------------------------------------------------


def test_a_chair_who_keeps_only_the_panel_member_role_no_longer_chairs_their_live_sittings(client_as, site):
    chair = demo_user(Role.CHAIR)
    decision = draft_decision(NB)  # a decision started at a sitting in session
    in_session, item = decision.meeting, decision.agenda_item
    scheduled = _demo_sitting(site)
    assert in_session.chair_id == scheduled.chair_id == chair.pk
    assert rules.chair_problems(item) == []

    _roles_set(site, chair, [Role.PANEL_MEMBER])  # the chair role goes; they stay on the panel

    refusal = f"{chair.full_name} no longer holds the panel chair role at this site: choose another chair"
    assert rules.chair_problems(item) == [Problem("no-chair", refusal)]
    assert refusal in [str(p) for p in decision_services.decision_completeness(decision)]
    # The record is not rewritten: still named as each sitting's chair and on its list, the draft as it was.
    for meeting in (in_session, scheduled):
        meeting.refresh_from_db()
        assert meeting.chair_id == chair.pk
        assert meeting.attendees.filter(user=chair).exists()
    decision.refresh_from_db()
    assert decision.meeting_id == in_session.pk
    # What became of each sitting is recorded for its page, and audited.
    ended = {(e.meeting_id, e.as_chair, e.marked_absent, e.reason) for e in AttendanceEnded.objects.filter(user=chair)}
    assert ended == {
        (in_session.pk, True, False, "chair_role_removed"),
        (scheduled.pk, True, False, "chair_role_removed"),
    }
    event = AuditEvent.objects.get(object_type="panels.meeting", object_id=str(scheduled.pk), detail__user=chair.pk)
    assert event.actor_id == demo_user(Role.SITE_ADMIN).pk and event.detail["reason"] == "chair_role_removed"

    # The coordinator is told on the sitting's page, beside the chair and against every case.
    page = unescape(client_as(Role.COORDINATOR).get(reverse("panels:meeting", args=[in_session.pk])).content.decode())
    assert page.count(refusal) == 2
    assert f"{chair.full_name} could no longer chair this sitting from " in page
    assert "Their panel chair role at the site was removed." in page

    # Once the coordinator chooses another chair, the sitting's rules are met again.
    _change_chair(in_session, second_reviewer(NB))
    assert rules.chair_problems(AgendaItem.objects.get(pk=item.pk)) == []


def test_a_chair_without_the_role_is_neither_chosen_nor_opens_the_sitting(site):
    chair = demo_user(Role.CHAIR)
    scheduled = _demo_sitting(site)
    _roles_set(site, chair, [Role.PANEL_MEMBER])

    with pytest.raises(PanelError) as refused:
        services.meeting_open(meeting=scheduled, user=demo_user(Role.COORDINATOR), move_to_today=True)
    assert str(refused.value) == (
        f"{chair.full_name} no longer holds the panel chair role at this site: choose another chair"
    )
    scheduled.refresh_from_db()
    assert scheduled.status == MeetingStatus.SCHEDULED
    with pytest.raises(PanelError) as refused:
        _change_chair(scheduled, chair)
    assert refused.value.field == "chair"

    _change_chair(scheduled, second_reviewer(NB))
    opened = services.meeting_open(meeting=scheduled, user=demo_user(Role.COORDINATOR), move_to_today=True)
    assert opened.status == MeetingStatus.OPEN


def test_a_chair_whose_every_role_goes_can_no_longer_chair_either(site):
    chair = demo_user(Role.CHAIR)
    scheduled = _demo_sitting(site)
    _roles_set(site, chair, [])

    assert rules.chair_refusal(scheduled) == (
        f"{chair.full_name} no longer holds the panel chair role at this site: choose another chair"
    )
    record = AttendanceEnded.objects.get(meeting=scheduled, user=chair)
    assert record.as_chair and record.reason == "access_removed"


# --- A seat held as a panel member ----------------------------------------------------------------


def _member_options(page: str) -> str:
    """The invitation form's choices on the meeting page ("" when it offers none: everyone else is invited)."""
    found = re.search(r'<select[^>]*name="member"[^>]*>(.*?)</select>', page, re.S)
    return found.group(1) if found else ""


def test_a_member_seat_without_a_vote_is_not_invited_without_the_panel_member_role(client_as, site):
    police = User.objects.get(email=demo_member_email("police-member", site.slug))
    seat = PanelMember.objects.get(site=site, user=police)
    coordinator = demo_user(Role.COORDINATOR)
    services.panel_member_change(
        member=seat, user=coordinator, agency=Agency.POLICE, attends_as=AttendsAs.MEMBER, voting=False
    )
    scheduled = _demo_sitting(site)
    _roles_set(site, police, [Role.CHAIR])  # takes them off the sitting: they no longer sit as a member
    assert not scheduled.attendees.filter(user=police).exists()

    refusal = (
        f"{police.full_name} does not hold the panel member role at this site: "
        "a seat as a panel member does not sit without it. "
        "Ask the site administrator to give them the role before inviting them"
    )
    seat.refresh_from_db()
    with pytest.raises(PanelError) as refused:
        services.attendee_add(meeting=scheduled, user=coordinator, member=seat)
    assert refused.value.field == "member" and str(refused.value) == refusal
    assert not scheduled.attendees.filter(user=police).exists()

    # The meeting page does not offer them; asked all the same, the refusal is shown against the field.
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("panels:meeting", args=[scheduled.pk])).content.decode()
    assert police.full_name not in unescape(_member_options(page))
    response = client.post(reverse("panels:attendee-add", args=[scheduled.pk]), {"member": seat.pk})
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in body and 'id="id_member-error"' in body
    assert body.count(refusal) == 2  # the summary and the field
    assert not scheduled.attendees.filter(user=police).exists()

    # Given the role back, they are offered and invited again.
    _roles_set(site, police, [Role.CHAIR, Role.PANEL_MEMBER])
    page = client.get(reverse("panels:meeting", args=[scheduled.pk])).content.decode()
    assert police.full_name in unescape(_member_options(page))
    assert client.post(reverse("panels:attendee-add", args=[scheduled.pk]), {"member": seat.pk}).status_code == 302
    assert scheduled.attendees.get(user=police).voting is False


def test_a_seat_is_not_changed_to_sit_as_a_member_without_the_panel_member_role(site):
    adviser = demo_user(Role.ADVISER)  # sits as an adviser, holding the adviser role only
    seat = PanelMember.objects.get(site=site, user=adviser)
    with pytest.raises(PanelError) as refused:
        services.panel_member_change(
            member=seat,
            user=demo_user(Role.COORDINATOR),
            agency=Agency.EDUCATION,
            attends_as=AttendsAs.MEMBER,
            voting=False,
        )
    assert refused.value.field == "attends_as"
    assert str(refused.value) == (
        f"{adviser.full_name} does not hold the panel member role at this site: "
        "a seat as a panel member does not sit without it"
    )
    seat.refresh_from_db()
    assert seat.attends_as == AttendsAs.ADVISER
