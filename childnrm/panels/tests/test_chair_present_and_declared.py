"""The chair runs the sitting, checks everyone's conflicts of interest and signs the decisions off (domain.md step 7):
their own declaration on each case is always needed, marked present or not, and a chair not marked present at the
sitting cannot sign anything off there. The coordinator marks them present or chooses another chair."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.panels import rules, services
from childnrm.panels.models import AgendaItem, Meeting
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from conftest import demo_user

NB = "northbridge"
pytestmark = pytest.mark.django_db


def _sitting_without_the_chair() -> tuple[Meeting, AgendaItem]:
    """A sitting with every attendee but its chair marked present, each of them having declared no conflict."""
    coordinator = demo_user(Role.COORDINATOR)
    meeting = scheduled_meeting(NB, starts_at=timezone.now())
    chair = meeting.attendees.get(user=meeting.chair)
    others = set(meeting.attendees.exclude(pk=chair.pk).values_list("pk", flat=True))
    services.attendance_mark(meeting=meeting, user=coordinator, present_ids=others)
    item = add_to_agenda(meeting, accepted_referral(NB))
    for attendee in meeting.attendees.filter(present=True):
        services.conflict_declare(item=item, attendee=attendee, user=coordinator, has_conflict=False, details="")
    return meeting, item


def _problems(item: AgendaItem) -> dict[str, str]:
    """The sitting's problems by code, read as the decision's completeness check reads them and as a page reads them
    (every case at once, inside `voters_read_once`): the two must agree."""
    alone = {p.code: p.message for p in rules.sitting_problems(AgendaItem.objects.get(pk=item.pk))}
    meeting = Meeting.objects.select_related("chair").get(pk=item.meeting_id)
    items = list(meeting.agenda_items.select_related("referral"))
    with rules.voters_read_once():
        for each in items:
            each.meeting = meeting
        rules.sittings_read(meeting, items)
        paged = {p.code: p.message for p in rules.sitting_problems(next(i for i in items if i.pk == item.pk))}
    assert alone == paged
    return alone


def test_a_chair_not_marked_present_must_still_declare_and_be_present_to_sign_off(demo):
    meeting, item = _sitting_without_the_chair()
    name = meeting.chair.full_name

    problems = _problems(item)
    assert problems["conflicts-undeclared"] == f"Conflicts of interest not yet declared by: {name}"
    assert problems["no-chair"] == (
        f"The chair, {name}, is not marked present: mark them present or choose another chair"
    )
    assert [a.user_id for a in rules.undeclared_attendees(item)] == [meeting.chair_id]

    # The chair declares from the papers ahead of being marked present: the declaration counts for them at once...
    chair = meeting.attendees.get(user=meeting.chair)
    services.conflict_declare(item=item, attendee=chair, user=meeting.chair, has_conflict=False, details="")
    problems = _problems(item)
    assert "conflicts-undeclared" not in problems and "no-chair" in problems

    # ...and once the coordinator marks them present nothing about the sitting stops a decision.
    everyone = set(meeting.attendees.values_list("pk", flat=True))
    services.attendance_mark(meeting=meeting, user=demo_user(Role.COORDINATOR), present_ids=everyone)
    assert _problems(item) == {}


def test_the_meeting_page_tells_the_coordinator_the_chair_is_missing(client_as):
    meeting, _ = _sitting_without_the_chair()
    page = unescape(client_as(Role.COORDINATOR).get(reverse("panels:meeting", args=[meeting.pk])).content.decode())
    name = meeting.chair.full_name
    assert f"The chair, {name}, is not marked present: mark them present or choose another chair" in page
    assert f"Conflicts of interest not yet declared by: {name}" in page
