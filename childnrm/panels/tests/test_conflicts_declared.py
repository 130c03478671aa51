"""A member's own conflict of interest: the papers it closes say so wherever the member meets them, and a member
invited to a sitting declares as soon as they read the papers, before the coordinator marks them present."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.panels import rules, selectors, services
from childnrm.panels.models import Agency, AgendaItem, ConflictDeclaration, Meeting
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, meeting_in_session, scheduled_meeting
from conftest import demo_user

NB = "northbridge"
CLOSED = "You declared a conflict of interest in this case, so its papers are closed to you"
NO_HEALTH = "No voting member from health is present and free of conflict on this case"


def papers_url(item: AgendaItem) -> str:
    return reverse("panels:papers", args=[item.meeting_id, item.pk])


def meeting_url(meeting: Meeting) -> str:
    return reverse("panels:meeting", args=[meeting.pk])


def _declare(client, item: AgendaItem, *, conflict: bool, details: str = ""):
    own = item.meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    answer = {f"a{own.pk}-has_conflict": "yes" if conflict else "no", f"a{own.pk}-details": details}
    return client.post(papers_url(item), answer)


def test_papers_closed_by_your_own_conflict_are_not_offered_and_say_why(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB), accepted_referral(NB)])
    first, second = selectors.held_items(meeting).order_by("position")
    member = client_as(Role.PANEL_MEMBER)
    assert _declare(member, first, conflict=True, details="I treated the child").status_code == 302

    # The meeting page and the other case's papers follow one rule: no way into the closed papers.
    page = unescape(member.get(meeting_url(meeting)).content.decode())
    assert f'href="{papers_url(first)}"' not in page and "Case papers closed to you" in page
    body = unescape(member.get(papers_url(second)).content.decode())
    assert "Other cases at this meeting" in body
    assert f'href="{papers_url(first)}"' not in body
    assert f"Referral {first.referral.reference}: its papers are closed to you" in body

    # Reached directly, the papers say why they are closed and lead back, naming nothing of the case.
    for url in (papers_url(first), reverse("panels:paper-document", args=[meeting.pk, first.pk]) + "?document=1"):
        response = member.get(url)
        closed = unescape(response.content.decode())
        assert response.status_code == 403
        assert CLOSED in closed and "Page not found" not in closed
        assert f'href="{meeting_url(meeting)}"' in closed
        assert first.referral.child_display_name not in closed and first.referral.reference not in closed

    # The coordinator, who corrects declarations, still reads them; so does another member of the panel.
    assert client_as(Role.COORDINATOR).get(papers_url(first)).status_code == 200
    assert client_as(Role.ADVISER).get(papers_url(first)).status_code == 200
    # A case the member never reached is still not found, not "closed".
    assert member.get(reverse("panels:papers", args=[meeting.pk, first.pk + 1000])).status_code == 404


def test_an_invited_member_declares_before_attendance_and_the_papers_close_at_once(client_as):
    meeting = scheduled_meeting(NB)
    item = add_to_agenda(meeting, accepted_referral(NB))
    own = meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    assert not own.present
    member = client_as(Role.PANEL_MEMBER)

    page = member.get(meeting_url(meeting)).content.decode()
    assert f'href="{papers_url(item)}#declaration">Declare in the case papers' in page
    body = member.get(papers_url(item)).content.decode()
    assert "Save your declaration" in body
    assert "Your declaration counts at the sitting once the coordinator marks you present" in body

    response = _declare(member, item, conflict=True, details="I know the family")
    assert response.status_code == 302 and response["Location"] == meeting_url(meeting)
    declaration = ConflictDeclaration.objects.get(agenda_item=item, attendee=own)
    assert declaration.has_conflict and declaration.declared_by == demo_user(Role.PANEL_MEMBER)
    assert member.get(papers_url(item)).status_code == 403
    assert not selectors.case_paper_referrals_for(demo_user(Role.PANEL_MEMBER)).filter(pk=item.referral_id).exists()


def test_declarations_made_before_attendance_count_at_the_sitting(client_as):
    coordinator = demo_user(Role.COORDINATOR)
    meeting = scheduled_meeting(NB)
    conflicted = add_to_agenda(meeting, accepted_referral(NB))
    clear = add_to_agenda(meeting, accepted_referral(NB))
    member = client_as(Role.PANEL_MEMBER)
    assert _declare(member, conflicted, conflict=True, details="I know the family").status_code == 302
    assert _declare(member, clear, conflict=False).status_code == 302

    # The sitting day: everyone is marked present, and the others declare.
    services.attendance_mark(
        meeting=meeting, user=coordinator, present_ids=set(meeting.attendees.values_list("pk", flat=True))
    )
    health = meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    for item in (conflicted, clear):
        for attendee in meeting.attendees.exclude(pk=health.pk):
            services.conflict_declare(item=item, attendee=attendee, user=coordinator, has_conflict=False, details="")
        item.refresh_from_db()

    assert rules.undeclared_attendees(conflicted) == [] and rules.undeclared_attendees(clear) == []
    assert health not in rules.eligible_voters(conflicted)
    assert [str(p) for p in rules.quorum_problems(conflicted)] == [NO_HEALTH]
    assert health in rules.eligible_voters(clear) and rules.quorum_problems(clear) == []
    assert {a.agency for a in rules.eligible_voters(clear)} >= {Agency.HEALTH, Agency.POLICE, Agency.SOCIAL_CARE}

    page = unescape(client_as(Role.COORDINATOR).get(meeting_url(meeting)).content.decode())
    start, end = page.index(conflicted.referral.reference), page.index(clear.referral.reference)
    assert NO_HEALTH in page[start:end] and NO_HEALTH not in page[end:]


def test_someone_not_invited_still_cannot_declare(client_as):
    coordinator = demo_user(Role.COORDINATOR)
    meeting = scheduled_meeting(NB)
    item = add_to_agenda(meeting, accepted_referral(NB))
    adviser = meeting.attendees.get(user=demo_user(Role.ADVISER))
    services.attendee_remove(attendee=adviser, user=coordinator)
    answer = {f"a{adviser.pk}-has_conflict": "yes", f"a{adviser.pk}-details": "I teach the child"}

    assert client_as(Role.ADVISER).post(papers_url(item), answer).status_code == 404
    # Nor through someone else's invitation.
    health = meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            item=item, attendee=health, user=demo_user(Role.ADVISER), has_conflict=True, details="I teach the child"
        )
    # The coordinator, who reads the papers but is not invited, records declarations on their own page instead.
    response = client_as(Role.COORDINATOR).post(papers_url(item), {"has_conflict": "yes", "details": "x"}, follow=True)
    assert "Only people invited to this meeting can declare, while it is live" in response.content.decode()
    assert not ConflictDeclaration.objects.filter(agenda_item=item).exists()
