"""The agenda's suggestions come a page at a time: the coordinator sees the same cases in the same order, with the same
reasons, counts and urgent flags as when every suggestion was built, but a page builds only the cases it shows (a
busy site has hundreds waiting), in statements that do not grow with the number waiting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models.signals import post_init
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.panels import suggestions
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral
from childnrm.reviews.models import ReconsiderationRequest, RequesterKind
from conftest import demo_user

NB = "northbridge"
PAGE = 25  # panels.views.SUGGESTIONS_PER_PAGE
CHAIR_LEADS = "The chair of this meeting is this child's lead social worker and may not chair this case"


def _final_rg(referral: Referral, *, outcome: str, decided_on: date) -> Decision:
    return Decision.objects.create(
        referral=referral,
        stage=Stage.REASONABLE_GROUNDS,
        status=DecisionStatus.FINAL,
        outcome=outcome,
        decided_on=decided_on,
        guidance_version="test",
        test_applied="test",
        created_by=demo_user(Role.COORDINATOR, NB),
    )


def _reconsideration(decision: Decision, received_on: date) -> ReconsiderationRequest:
    return ReconsiderationRequest.objects.create(
        decision=decision,
        requester_kind=RequesterKind.REFERRER,
        requester_name="A referrer",
        grounds=["new_evidence"],
        details="New evidence",
        received_on=received_on,
        within_window=True,
        recorded_by=demo_user(Role.COORDINATOR, NB),
    )


def _referred_at(referral: Referral, day: date, hour: int) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(submitted_at=timezone.make_aware(datetime.combine(day, time(hour))))
    return referral


def _shown(s: suggestions.Suggestion) -> tuple:
    """Everything the agenda page shows of a suggestion."""
    return (
        s.key,
        s.referral.reference,
        s.referral.child_display_name,
        s.stage,
        tuple(s.reasons),
        s.urgent,
        s.due_on,
        tuple(m.pk for m in s.listed_elsewhere),
    )


def _every_kind_waiting(site: Site) -> Meeting:
    """A sitting of a site counting working days, with every kind of case waiting, made in an order the suggestions
    must not follow: reconsiderations, reasonable grounds decisions due (two sharing a due date and made in the
    reverse of their referral's order; two referred the same day, the later made first) and conclusive grounds
    decisions ready, each made latest first."""
    Site.objects.filter(pk=site.pk).update(rg_due_basis=DayBasis.WORKING, rg_due_days=10)
    today = timezone.localdate()
    friday = today - timedelta(days=28 + (today.weekday() - 4) % 7)
    # Referred on a Sunday and on the Friday before: the same due date (the weekend is not counted).
    sunday_case = _referred_at(accepted_referral(NB), friday + timedelta(days=2), 11)
    friday_case = _referred_at(accepted_referral(NB), friday, 10)
    # Referred the same day: the one referred later in the day made first.
    _referred_at(accepted_referral(NB), today - timedelta(days=3), 16)
    _referred_at(accepted_referral(NB), today - timedelta(days=3), 9)
    accepted_referral(NB, submitted_on=today)
    for days in (60, 50, 45):  # decided latest first; each recovery period (45 days) has ended
        _final_rg(accepted_referral(NB), outcome=Outcome.POSITIVE, decided_on=today - timedelta(days=days))
    for days in (1, 4):  # received latest first
        refused = _final_rg(accepted_referral(NB), outcome=Outcome.NEGATIVE, decided_on=today - timedelta(days=20))
        _reconsideration(refused, today - timedelta(days=days))
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=2))
    ChildAssociation.objects.create(
        child=friday_case.child, user=meeting.chair, kind=AssociationKind.LEAD_SOCIAL_WORKER
    )
    add_to_agenda(scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=5)), sunday_case)
    meeting.refresh_from_db()
    return meeting


def test_the_suggestions_keep_their_order_and_reasons_page_by_page(site):
    """Most pressing kind first; reconsiderations by day received; reasonable grounds by due date under the site's
    working-day clock, then by case; conclusive grounds by day of the positive decision. Any run of positions
    (a page) shows exactly what building them all shows there."""
    meeting = _every_kind_waiting(site)
    site.refresh_from_db()
    everything = list(suggestions.agenda_suggestions(meeting))
    items = suggestions.agenda_suggestions(meeting)
    assert len(items) == len(everything) >= 10

    stages = [s.stage for s in everything]
    kinds = [AgendaStage.RECONSIDERATION, AgendaStage.REASONABLE_GROUNDS, AgendaStage.CONCLUSIVE_GROUNDS]
    assert sorted(stages, key=kinds.index) == stages and set(stages) == set(kinds)

    received = [s for s in everything if s.stage == AgendaStage.RECONSIDERATION]
    requests = ReconsiderationRequest.objects.filter(decision__referral_id__in=[s.referral.pk for s in received])
    assert [s.referral.pk for s in received] == [
        r.decision.referral_id for r in requests.order_by("received_on", "pk").select_related("decision")
    ]
    assert all(s.urgent for s in received)

    due = [s for s in everything if s.stage == AgendaStage.REASONABLE_GROUNDS]
    for s in due:
        assert s.due_on == clocks.rg_due_date(clocks.submitted_on(s.referral.submitted_at), site)
    assert [(s.due_on, s.referral.pk) for s in due] == sorted((s.due_on, s.referral.pk) for s in due)
    by_time = [s.referral.pk for s in sorted(due, key=lambda s: (s.referral.submitted_at, s.referral.pk))]
    assert [s.referral.pk for s in due] != by_time  # the clock's order, not the order of referral

    ready = [s for s in everything if s.stage == AgendaStage.CONCLUSIVE_GROUNDS]
    assert [s.due_on for s in ready] == sorted(s.due_on for s in ready) and not any(s.urgent for s in ready)

    assert sum(CHAIR_LEADS in s.reasons for s in everything) == 1
    assert sum(bool(s.listed_elsewhere) for s in everything) == 1

    shown = [_shown(s) for s in everything]
    for size in (1, 4, PAGE):
        pages = [items[start : start + size] for start in range(0, len(items), size)]
        assert [_shown(s) for page in pages for s in page] == shown, size
    assert [_shown(items[at]) for at in (0, 5, len(shown) - 1, -1)] == [shown[0], shown[5], shown[-1], shown[-1]]
    page = Paginator(items, 4).get_page(2)
    assert [_shown(s) for s in page] == shown[4:8]


def test_the_counts_and_the_page_holding_a_case_are_those_of_every_suggestion(site):
    """The agenda says how many are urgent, and shows an add refused for a case on the page holding it."""
    meeting = _every_kind_waiting(site)
    everything = list(suggestions.agenda_suggestions(meeting))
    items = suggestions.agenda_suggestions(meeting)
    assert items.urgent == sum(s.urgent for s in everything) > 0
    assert [items.position(s.key) for s in everything] == list(range(len(everything)))
    case = everything[-1].referral.pk
    assert items.position(f"{case}-{AgendaStage.RECONSIDERATION}") is None
    assert items.position("nothing") is None


@contextmanager
def _referrals_built() -> Iterator[Callable[[], int]]:
    """How many referrals were made into objects within the block (each suggestion holds its case's referral)."""
    built: list[int] = []

    def count(sender, instance, **kwargs) -> None:
        built.append(1)

    post_init.connect(count, sender=Referral, weak=False)
    try:
        yield lambda: len(built)
    finally:
        post_init.disconnect(count, sender=Referral)


def _first_page(meeting: Meeting) -> tuple[int, int, int]:
    """What the agenda page reads of the suggestions: the count, the urgent count and page 1. (statements, referrals
    built, cases shown)"""
    with CountedQueries() as statements, _referrals_built() as built:
        items = suggestions.agenda_suggestions(meeting)
        page = Paginator(items, PAGE).get_page(1)
        assert page.paginator.count == len(items) and items.urgent >= 0
        shown = len(list(page))
    return len(statements), built(), shown


def test_a_page_of_suggestions_builds_only_the_cases_it_shows(site):
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    for days in range(max(0, PAGE + 2 - len(suggestions.agenda_suggestions(meeting)))):
        accepted_referral(NB, submitted_on=today - timedelta(days=days % 60))
    fewer = _first_page(meeting)
    waiting = len(suggestions.agenda_suggestions(meeting))
    for days in range(PAGE):
        accepted_referral(NB, submitted_on=today - timedelta(days=days % 60))
    more = _first_page(meeting)
    assert len(suggestions.agenda_suggestions(meeting)) == waiting + PAGE
    assert fewer[2] == more[2] == PAGE
    assert fewer[1] == more[1] == PAGE  # each case shown, and no other, made into an object
    assert fewer[0] == more[0]  # the same statements for 25 more cases waiting
