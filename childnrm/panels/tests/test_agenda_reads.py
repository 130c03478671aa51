"""The meeting and agenda pages check every case on the agenda (the chair rule, declarations, quorum, who may vote)
with reads made for the whole agenda at once (`rules.sittings_read`): the same answers as each case checked alone,
in statements that do not grow with the number of cases."""

from __future__ import annotations

from html import unescape

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.core.tests.queries import CountedQueries
from childnrm.panels import rules, selectors
from childnrm.panels.models import Agency, AgendaItem, Meeting
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session
from childnrm.people.models import ChildLinkDecision, LeadSocialWorker, LinkStatus, SocialWorkerSource
from conftest import demo_user

NB = "northbridge"
CHAIR_LEADS = "The chair is the child's lead social worker and may not chair this case"


def _sitting_with_three_kinds_of_problem() -> tuple[Meeting, list[AgendaItem]]:
    """Three cases in session: the chair leads the first child (by email, on a record linked to it); the police member
    declared a conflict on the second; someone present has not declared on the third."""
    coordinator, chair = demo_user(Role.COORDINATOR), demo_user(Role.CHAIR)
    earlier = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB) for _ in range(3)])
    items = list(selectors.held_items(meeting).order_by("position"))
    led, conflicted, undeclared = items
    LeadSocialWorker.objects.create(
        child=earlier.child,
        name=chair.full_name,
        email=chair.email.upper(),
        source=SocialWorkerSource.REFERRAL,
        recorded_by=coordinator,
        starts_at=timezone.now(),
    )
    ChildLinkDecision.objects.create(
        child_a=earlier.child, child_b=led.referral.child, status=LinkStatus.LINKED, decided_by=coordinator
    )
    police = meeting.attendees.get(agency=Agency.POLICE, voting=True)
    conflicted.conflict_declarations.filter(attendee=police).update(has_conflict=True, details="Arrested the brother")
    undeclared.conflict_declarations.filter(attendee__agency=Agency.HEALTH).delete()
    for item in items:
        item.meeting = meeting
    return meeting, items


def _checks(items: list[AgendaItem]) -> dict[int, tuple]:
    return {
        item.pk: (
            rules.sitting_problems(item),
            [a.pk for a in rules.eligible_voters(item)],
            rules.declarations_of(item),
            rules.conflicted_user_ids(item),
            [a.pk for a in rules.undeclared_attendees(item)],
        )
        for item in items
    }


def test_the_agenda_read_at_once_says_what_each_case_read_alone_says(demo):
    meeting, items = _sitting_with_three_kinds_of_problem()
    alone = _checks(items)
    with rules.voters_read_once():
        rules.sittings_read(meeting, items)
        with CountedQueries() as checking:
            together = _checks(items)
    assert together == alone
    assert len(checking) == 0  # everything the checks ask was read by sittings_read

    led, conflicted, undeclared = (alone[item.pk][0] for item in items)
    assert [p.code for p in led] == ["chair-lead-social-worker"]
    assert [p.code for p in conflicted] == ["quorum"] and "police" in str(conflicted[0])
    assert [p.code for p in undeclared] == ["conflicts-undeclared", "quorum"]


def test_the_meeting_page_shows_each_cases_problems_against_that_case(client_as):
    meeting, items = _sitting_with_three_kinds_of_problem()
    page = unescape(client_as(Role.COORDINATOR).get(reverse("panels:meeting", args=[meeting.pk])).content.decode())
    cases = [page.index(item.referral.reference) for item in items]
    assert cases == sorted(cases)
    first, second, third = (page[start:end] for start, end in zip(cases, [*cases[1:], len(page)], strict=True))
    assert CHAIR_LEADS in first and CHAIR_LEADS not in second + third
    assert "Conflicted, cannot vote" in second and "No voting member from police" in second
    assert "Conflicts of interest not yet declared by" in third and "Conflicted, cannot vote" not in third


def _statements(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: the first request reads the session's sites and caches
    with CountedQueries() as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_meeting_and_agenda_pages_take_the_same_statements_for_one_case_or_four(client_as):
    client = client_as(Role.COORDINATOR)
    one = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    four = meeting_in_session(NB, referrals=[accepted_referral(NB) for _ in range(4)])
    for page in ("panels:meeting", "panels:agenda"):
        counts = [_statements(client, reverse(page, args=[m.pk])) for m in (one, four)]
        assert counts[0] == counts[1], page
