"""Each clock on its boundary days: the day before, the day itself and the day after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.decisions.models import DecisionStatus, Outcome, Stage
from childnrm.handovers.selectors import turning_18_children, turning_18_cut_off
from childnrm.information.models import RequestStatus
from childnrm.people.models import AssociationKind
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews.services import window_open
from childnrm.safeguarding.models import ActionStatus, PlanStatus, SafeguardingPlan
from childnrm.triage.eligibility import eighteenth_birthday, latest_birth_date_18_by
from conftest import demo_user

from .factories import accepted_referral, child_born, days_ago, final_decision, information_request, plan_with_action


@pytest.fixture
def northbridge(demo) -> Site:
    return Site.objects.get(slug="northbridge")


def refs(qs) -> set[str]:
    return {r.reference for r in qs}


def test_reasonable_grounds_due_within_seven_days_and_overdue_on_the_boundary_days(northbridge):
    today = timezone.localdate()
    # Calendar days, 45 by default: referred 45 days ago is due today; 46 days ago, overdue by a day.
    overdue = accepted_referral(submitted_on=days_ago(46))
    due_today = accepted_referral(submitted_on=days_ago(45))
    due_in_7 = accepted_referral(submitted_on=days_ago(38))
    due_in_8 = accepted_referral(submitted_on=days_ago(37))
    decided = accepted_referral(submitted_on=days_ago(60))
    final_decision(decided, decided_on=days_ago(1))
    draft_only = accepted_referral(submitted_on=days_ago(50))
    final_decision(draft_only, status=DecisionStatus.DRAFT)

    mine = refs([overdue, due_today, due_in_7, due_in_8, decided, draft_only])
    assert refs(clocks.rg_overdue(northbridge, today)) & mine == {overdue.reference, draft_only.reference}
    assert refs(clocks.rg_due_soon(northbridge, today)) & mine == {due_today.reference, due_in_7.reference}
    alerts = clocks.site_alerts(northbridge, today=today, kinds=clocks.CLOCK_KINDS)
    by_ref = {a.referral_reference: a for a in alerts[Kind.RG_OVERDUE].items}
    assert by_ref[draft_only.reference].overdue_by == 5 and by_ref[overdue.reference].overdue_by == 1
    soon = {a.referral_reference: a.days for a in alerts[Kind.RG_DUE_SOON].items}
    assert soon[due_today.reference] == 0 and soon[due_in_7.reference] == 7
    assert due_in_8.reference not in {a.referral_reference for a in alerts.all_items()}


def test_reasonable_grounds_in_working_days_follows_the_sites_policy(northbridge):
    northbridge.rg_due_basis = DayBasis.WORKING
    northbridge.rg_due_days = 5
    northbridge.save()
    monday = date(2026, 11, 30)  # no bank holidays near it
    referred = accepted_referral(submitted_on=monday - timedelta(days=7))  # Monday 23 November: due 30 November
    assert referred.reference in refs(clocks.rg_due_soon(northbridge, monday))
    assert referred.reference not in refs(clocks.rg_overdue(northbridge, monday))
    assert referred.reference in refs(clocks.rg_overdue(northbridge, monday + timedelta(days=1)))


def test_recovery_period_before_conclusive_grounds(northbridge):
    today = timezone.localdate()
    ends_today = accepted_referral()
    final_decision(ends_today, decided_on=days_ago(30))  # 30 days: the CG can be decided from today
    one_day_left = accepted_referral()
    final_decision(one_day_left, decided_on=days_ago(29))
    negative = accepted_referral()
    final_decision(negative, outcome=Outcome.NEGATIVE, decided_on=days_ago(10))
    concluded = accepted_referral()
    final_decision(concluded, decided_on=days_ago(80))
    final_decision(concluded, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=days_ago(2))

    mine = refs([ends_today, one_day_left, negative, concluded])
    ready = {d.referral.reference for d in clocks.cg_ready(northbridge, today)} & mine
    waiting = {d.referral.reference for d in clocks.cg_in_recovery(northbridge, today)} & mine
    assert ready == {ends_today.reference}
    assert waiting == {one_day_left.reference}
    items = clocks.site_alerts(northbridge, today=today)[Kind.CG_RECOVERY].items
    item = next(i for i in items if i.referral_reference == one_day_left.reference)
    assert item.date == today + timedelta(days=1) and item.days == 1

    # A site that takes both decisions at one sitting has no recovery period to wait for.
    northbridge.rg_and_cg_at_one_sitting = True
    northbridge.save()
    assert {d.referral.reference for d in clocks.cg_ready(northbridge, today)} & mine == {
        ends_today.reference,
        one_day_left.reference,
    }


def test_reconsideration_window_is_open_to_its_last_day(northbridge):
    """The window runs from when the decision was final and communicated to the referrer, not the sitting."""
    today = timezone.localdate()

    def communicated(referral, *, decided: int, told: int):
        decision = final_decision(referral, outcome=Outcome.NEGATIVE, decided_on=days_ago(decided))
        decision.finalised_at = timezone.now() - timedelta(days=decided)  # signed off at the sitting
        window_open(decision=decision, communicated_on=days_ago(told))
        return referral

    last_day = communicated(accepted_referral(), decided=30, told=30)
    closed = communicated(accepted_referral(), decided=31, told=31)
    told_late = communicated(accepted_referral(), decided=45, told=10)  # decided long ago, told 10 days ago
    not_told = accepted_referral()
    final_decision(not_told, outcome=Outcome.NEGATIVE, decided_on=days_ago(3))  # no window yet
    positive = accepted_referral()
    final_decision(positive, decided_on=days_ago(3))
    awaiting_review = accepted_referral()
    final_decision(awaiting_review, outcome=Outcome.NEGATIVE, status=DecisionStatus.SECOND_REVIEW)

    mine = refs([last_day, closed, told_late, not_told, positive, awaiting_review])
    open_windows = [d.referral.reference for d in clocks.reconsideration_open(northbridge, today)]
    assert [r for r in open_windows if r in mine] == [last_day.reference, told_late.reference]
    items = clocks.site_alerts(northbridge, today=today)[Kind.RECONSIDERATION_OPEN].items
    item = next(i for i in items if i.referral_reference == last_day.reference)
    assert item.date == today and item.days == 0
    item = next(i for i in items if i.referral_reference == told_late.reference)
    assert item.date == days_ago(10) + timedelta(days=30)


def test_turning_18_warning_window_and_the_100_day_cut_off(northbridge):
    today = date(2026, 12, 1)
    warning = northbridge.turning_18_warning_days  # 180 by default

    def born_to_be_18_on(day: date):
        return child_born("northbridge", day.replace(year=day.year - 18))

    last_warned = born_to_be_18_on(today + timedelta(days=warning))
    not_yet = born_to_be_18_on(today + timedelta(days=warning + 1))
    at_cut_off = born_to_be_18_on(today + timedelta(days=100))
    past_cut_off_line = born_to_be_18_on(today + timedelta(days=101))
    tomorrow = born_to_be_18_on(today + timedelta(days=1))
    already = born_to_be_18_on(today)  # 18 today: an adult, no longer in the list

    warned = {c.reference for c in turning_18_children(northbridge, today)}
    assert {last_warned.reference, at_cut_off.reference, past_cut_off_line.reference, tomorrow.reference} <= warned
    assert not_yet.reference not in warned and already.reference not in warned
    cut_off = {c.reference for c in turning_18_cut_off(northbridge, today)}
    assert at_cut_off.reference in cut_off and tomorrow.reference in cut_off
    assert past_cut_off_line.reference not in cut_off and already.reference not in cut_off
    assert last_warned.reference not in cut_off


def test_turning_18_on_a_29_february_birthday_is_1_march():
    born = date(2008, 2, 29)
    assert eighteenth_birthday(born) == date(2026, 3, 1)
    assert latest_birth_date_18_by(date(2026, 2, 28)) == date(2008, 2, 28)
    assert latest_birth_date_18_by(date(2026, 3, 1)) == date(2008, 3, 1)
    assert latest_birth_date_18_by(date(2024, 2, 29)) == date(2006, 2, 28)


def test_overdue_plan_actions_and_information_requests(northbridge):
    today = timezone.localdate()
    referral = accepted_referral()
    child = referral.child
    overdue = plan_with_action(child, due_on=days_ago(1))
    in_progress = plan_with_action(child, due_on=days_ago(3), status=ActionStatus.IN_PROGRESS)
    plan_with_action(child, due_on=today)  # due today: not overdue yet
    plan_with_action(child, due_on=days_ago(5), status=ActionStatus.DONE)
    overdue_here = clocks.actions_overdue(northbridge, today).filter(plan__child=child)
    assert [a.pk for a in overdue_here] == [in_progress.pk, overdue.pk]

    late = information_request(referral, due_on=days_ago(1))
    information_request(referral, due_on=today)
    information_request(referral, due_on=days_ago(4), status=RequestStatus.ANSWERED)
    assert [r.pk for r in clocks.information_overdue(northbridge, today).filter(referral=referral)] == [late.pk]

    # Handed to the SCA, the case's open requests ended with it: nothing to chase, so nothing overdue here.
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.HANDED_OFF)
    assert not clocks.information_overdue(northbridge, today).filter(referral=referral).exists()


def test_another_sites_cases_never_count(northbridge):
    elsewhere = accepted_referral("three-rivers", submitted_on=days_ago(50))
    action = plan_with_action(elsewhere.child, due_on=days_ago(2))
    alerts = clocks.site_alerts(northbridge)
    assert elsewhere.reference not in {a.referral_reference for a in alerts.all_items()}
    assert str(action.pk) not in {a.object_id for a in alerts[Kind.ACTION_OVERDUE].items}
    assert elsewhere.child.reference not in {a.child_reference for a in alerts.all_items()}
    other = clocks.site_alerts(Site.objects.get(slug="three-rivers"))
    assert elsewhere.reference in {a.referral_reference for a in other[Kind.RG_OVERDUE].items}
    assert str(action.pk) in {a.object_id for a in other[Kind.ACTION_OVERDUE].items}


def test_the_alerts_take_the_same_number_of_queries_however_many_rows(northbridge):
    def queries() -> int:
        with CountedQueries() as captured:
            clocks.site_alerts(northbridge)
        return len(captured)

    accepted_referral(submitted_on=days_ago(50))
    before = queries()
    for _ in range(3):
        referral = accepted_referral(submitted_on=days_ago(50))
        plan_with_action(referral.child, due_on=days_ago(2))
        information_request(referral, due_on=days_ago(2))
    assert queries() == before


def test_lists_are_limited_but_counts_are_complete(northbridge):
    before = clocks.site_alerts(northbridge)[Kind.RG_OVERDUE].count
    for _ in range(3):
        accepted_referral(submitted_on=days_ago(50))
    alerts = clocks.site_alerts(northbridge, limit=2)
    assert alerts[Kind.RG_OVERDUE].count == before + 3
    assert len(alerts[Kind.RG_OVERDUE].items) == 2 and alerts[Kind.RG_OVERDUE].more == before + 1


def test_a_capped_count_in_the_order_of_the_list_counts_the_same_rows(northbridge):
    # A count up to a cap is read from the list's own statement (its rows past the cap's reach not fetched): it must
    # count what the exact count does.
    today = timezone.localdate()
    for _ in range(3):
        undecided = accepted_referral(submitted_on=days_ago(50))  # RG overdue
        information_request(undecided, due_on=days_ago(2))
        final_decision(accepted_referral(), decided_on=days_ago(60))  # positive RG long ago: CG can be decided
    for kind in (Kind.RG_OVERDUE, Kind.CG_READY, Kind.INFORMATION_OVERDUE):
        every = clocks.alert_list(northbridge, kind, today, limit=10_000).count
        assert every >= 3
        assert clocks.alert_list(northbridge, kind, today, limit=1, count_cap=10_000).count == every
        capped = clocks.alert_list(northbridge, kind, today, limit=1, count_cap=2)
        assert (capped.count, capped.capped) == (2, True)


def test_the_kinds_counted_another_way_count_the_rows_they_list(northbridge):
    # `Source.counted` finds the rows of a list another way to count them (issue 16): it must count exactly them.
    assert clocks.SOURCES[Kind.CG_READY].counted
    today = timezone.localdate()
    guardian = demo_user(Role.ICTG, "northbridge")
    twice = accepted_referral(submitted_on=days_ago(30))
    again = accepted_referral(submitted_on=days_ago(20))
    Referral.objects.filter(pk=again.pk).update(child=twice.child)  # one child, two accepted referrals: one row
    guarded = accepted_referral(submitted_on=days_ago(25))
    guarded.child.associations.create(user=guardian, kind=AssociationKind.ICTG)
    guardian_ended = accepted_referral(submitted_on=days_ago(24))
    guardian_ended.child.associations.create(user=guardian, kind=AssociationKind.ICTG, ends_at=timezone.now())
    unknown_age = accepted_referral(submitted_on=days_ago(23))
    unknown_age.child.date_of_birth = None
    unknown_age.child.save()
    adult = accepted_referral(submitted_on=days_ago(22))
    adult.child.date_of_birth = today.replace(year=today.year - 19)
    adult.child.save()
    elsewhere = accepted_referral("three-rivers", submitted_on=days_ago(21))
    for child in (twice.child, guarded.child, adult.child, elsewhere.child):
        plan_with_action(child, due_on=days_ago(3))
        plan_with_action(child, due_on=days_ago(2), status=ActionStatus.IN_PROGRESS)
        plan_with_action(child, due_on=today)
        plan_with_action(child, due_on=days_ago(4), status=ActionStatus.DONE)
    SafeguardingPlan.objects.filter(child=adult.child).update(status=PlanStatus.CLOSED)
    for referral in (twice, guarded, elsewhere):  # positive RG long ago: CG can be decided
        final_decision(referral, decided_on=days_ago(60))
    final_decision(adult, decided_on=days_ago(60), status=DecisionStatus.DRAFT)  # not final: not counted

    guardians = clocks.alert_list(northbridge, Kind.WITHOUT_GUARDIAN, today, limit=10_000).items
    ids = [a.object_id for a in guardians]
    assert len(ids) == len(set(ids)) and str(twice.child_id) in ids and str(unknown_age.child_id) in ids
    assert str(guardian_ended.child_id) in ids
    assert not {str(guarded.child_id), str(adult.child_id), str(elsewhere.child_id)} & set(ids)
    for kind in (Kind.WITHOUT_GUARDIAN, Kind.ACTION_OVERDUE, Kind.CG_READY):
        every = clocks.alert_list(northbridge, kind, today, limit=10_000)
        assert every.count == len(every.items) >= 2
        assert clocks.alert_list(northbridge, kind, today, limit=1).count == every.count
        assert clocks.alert_list(northbridge, kind, today, limit=1, count_cap=10_000).count == every.count
        capped = clocks.alert_list(northbridge, kind, today, limit=1, count_cap=1)
        assert (capped.count, capped.capped) == (1, True)
