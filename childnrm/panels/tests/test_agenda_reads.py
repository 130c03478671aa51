"""The meeting and agenda pages check every case on the agenda (the chair rule, declarations, quorum, who may vote)
with reads made for the whole agenda at once (`rules.sittings_read`): the same answers as each case checked alone,
in statements that do not grow with the number of cases."""

from __future__ import annotations

from html import unescape

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.panels import rules, selectors, suggestions
from childnrm.panels.models import Agency, AgendaItem, Meeting
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session, scheduled_meeting
from childnrm.panels.views import SUGGESTIONS_PER_PAGE
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
        source=SocialWorkerSource.SAFEGUARDING,
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


def test_suggested_cases_come_a_page_at_a_time_and_a_refused_add_shows_on_its_own_page(client_as):
    """A site with hundreds of cases waiting gets them 25 to a page, most pressing first; only the cases shown are
    recorded as seen; an add refused for a case on page 2 shows its error on page 2, and an add returns there."""
    meeting = scheduled_meeting(NB)
    waiting = len(suggestions.agenda_suggestions(meeting))
    for _ in range(max(0, SUGGESTIONS_PER_PAGE + 3 - waiting)):
        accepted_referral(NB)
    suggested = suggestions.agenda_suggestions(meeting)
    total = len(suggested)
    assert total > SUGGESTIONS_PER_PAGE
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:agenda", args=[meeting.pk])

    first = client.get(url).content.decode()
    assert first.count('name="key"') == SUGGESTIONS_PER_PAGE
    assert f"Showing 1 to {SUGGESTIONS_PER_PAGE} of {total} suggested cases" in first
    assert 'href="?page=2"' in first
    event = AuditEvent.objects.filter(actor=demo_user(Role.COORDINATOR), object_type="panels.meeting").latest("seq")
    assert event.detail["suggested"] == [s.referral.pk for s in suggested[:SUGGESTIONS_PER_PAGE]]

    second = client.get(url + "?page=2").content.decode()
    assert second.count('name="key"') == total - SUGGESTIONS_PER_PAGE
    later = suggested[SUGGESTIONS_PER_PAGE]
    assert later.referral.reference in second and later.referral.reference not in first

    # No stage chosen: the error shows against the case, on the page that holds it, whatever page was asked for.
    refused = client.post(url, {"referral": later.referral.pk, "stage": "", "key": later.key, "page": "1"})
    body = unescape(refused.content.decode())
    assert refused.status_code == 200
    assert f'href="#stage-{later.key}"' in body and later.referral.reference in body
    assert f"Showing {SUGGESTIONS_PER_PAGE + 1} to {total} of {total}" in body

    added = client.post(url, {"referral": later.referral.pk, "stage": later.stage, "key": later.key, "page": "2"})
    assert added.status_code == 302 and added["Location"] == url + "?page=2"
    assert meeting.agenda_items.filter(referral=later.referral).exists()

    # "Add another case" by reference, from page 2, returns there too.
    another = suggested[SUGGESTIONS_PER_PAGE + 1]
    other = another.referral
    added = client.post(url, {"reference": other.reference, "stage": another.stage, "page": "2"})
    assert added.status_code == 302 and added["Location"] == url + "?page=2"
    assert meeting.agenda_items.filter(referral=other).exists()


def test_the_meeting_lists_show_each_sittings_number_of_cases(client_as):
    two = meeting_in_session(NB, referrals=[accepted_referral(NB) for _ in range(2)])
    empty = scheduled_meeting(NB)
    for role, page in ((Role.COORDINATOR, "panels:meetings"), (Role.ADVISER, "panels:my-meetings")):
        body = client_as(role).get(reverse(page)).content.decode()
        for meeting, cases in ((two, 2), (empty, 0)):
            start = body.index(f'href="{reverse("panels:meeting", args=[meeting.pk])}"')
            row = body[start : body.index("</tr>", start)]
            assert f'govuk-table__cell--numeric">{cases}</td>' in row, (page, cases)
