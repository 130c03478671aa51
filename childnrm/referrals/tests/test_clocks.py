"""The reasonable grounds clock: calendar or working days, with each nation's bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from childnrm.accounts.models import DayBasis, Nation, Site
from childnrm.referrals import clocks


def policy(nation: str = Nation.ENGLAND, days: int = 45, basis: str = DayBasis.CALENDAR) -> Site:
    # Unsaved: the clocks read only the site's policy.
    return Site(name="Clock test", slug="clock-test", nation=nation, rg_due_days=days, rg_due_basis=basis)


def working(nation: str, days: int) -> Site:
    return policy(nation, days, DayBasis.WORKING)


ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND = Nation.ENGLAND, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


def test_the_default_is_45_calendar_days_from_the_day_of_referral():
    site = Site(name="Default", slug="default")
    assert (site.rg_due_days, site.rg_due_basis) == (45, DayBasis.CALENDAR)
    assert clocks.rg_due_date(date(2026, 6, 1), site) == date(2026, 7, 16)


def test_calendar_days_ignore_weekends_and_bank_holidays():
    # 45 days from 20 December 2026 runs straight through Christmas and New Year.
    assert clocks.rg_due_date(date(2026, 12, 20), policy()) == date(2027, 2, 3)


def test_45_working_days_in_england():
    # Nine whole weeks, no bank holiday between 1 June and 3 August 2026.
    assert clocks.rg_due_date(date(2026, 6, 1), working(ENGLAND_AND_WALES, 45)) == date(2026, 8, 3)


@pytest.mark.parametrize(
    ("nation", "due"),
    [
        # Thursday 24 December, then Christmas Day, the weekend and Boxing Day observed on Monday 28th.
        (ENGLAND_AND_WALES, date(2026, 12, 30)),
        (SCOTLAND, date(2026, 12, 30)),
        (NORTHERN_IRELAND, date(2026, 12, 30)),
    ],
)
def test_christmas_2026(nation, due):
    assert clocks.rg_due_date(date(2026, 12, 23), working(nation, 3)) == due


@pytest.mark.parametrize(
    ("nation", "due"),
    [
        (ENGLAND_AND_WALES, date(2027, 1, 4)),
        # Scotland also keeps 2 January, a Saturday in 2027, on Monday 4 January.
        (SCOTLAND, date(2027, 1, 5)),
        (NORTHERN_IRELAND, date(2027, 1, 4)),
    ],
)
def test_new_year_2027(nation, due):
    assert clocks.rg_due_date(date(2026, 12, 30), working(nation, 2)) == due


@pytest.mark.parametrize(
    ("nation", "due"),
    [
        # Good Friday 3 April 2026 everywhere; Easter Monday 6 April except in Scotland.
        (ENGLAND_AND_WALES, date(2026, 4, 7)),
        (SCOTLAND, date(2026, 4, 6)),
        (NORTHERN_IRELAND, date(2026, 4, 7)),
    ],
)
def test_easter_2026(nation, due):
    assert clocks.rg_due_date(date(2026, 4, 2), working(nation, 1)) == due


@pytest.mark.parametrize(("nation", "due"), [(ENGLAND_AND_WALES, date(2026, 11, 30)), (SCOTLAND, date(2026, 12, 1))])
def test_st_andrews_day_in_scotland(nation, due):
    # Monday 30 November 2026.
    assert clocks.rg_due_date(date(2026, 11, 27), working(nation, 1)) == due


@pytest.mark.parametrize(
    ("nation", "due"), [(ENGLAND_AND_WALES, date(2026, 3, 17)), (NORTHERN_IRELAND, date(2026, 3, 18))]
)
def test_st_patricks_day_in_northern_ireland(nation, due):
    # Tuesday 17 March 2026.
    assert clocks.rg_due_date(date(2026, 3, 16), working(nation, 1)) == due


@pytest.mark.parametrize(
    ("nation", "due"), [(ENGLAND_AND_WALES, date(2026, 7, 13)), (NORTHERN_IRELAND, date(2026, 7, 14))]
)
def test_the_twelfth_in_northern_ireland(nation, due):
    # 12 July 2026 is a Sunday: the holiday is kept on Monday 13 July.
    assert clocks.rg_due_date(date(2026, 7, 10), working(nation, 1)) == due


@pytest.mark.parametrize(
    ("nation", "after_july", "after_august"),
    [
        (ENGLAND_AND_WALES, date(2026, 8, 3), date(2026, 9, 1)),  # last Monday in August (31st)
        (SCOTLAND, date(2026, 8, 4), date(2026, 8, 31)),  # first Monday in August (3rd)
    ],
)
def test_summer_bank_holidays_differ(nation, after_july, after_august):
    assert clocks.rg_due_date(date(2026, 7, 31), working(nation, 1)) == after_july
    assert clocks.rg_due_date(date(2026, 8, 28), working(nation, 1)) == after_august


@pytest.mark.parametrize("year", range(2024, 2031))
def test_wales_has_the_same_bank_holidays_as_england(year):
    england = set(holidays.country_holidays("GB", subdiv="ENG", years=year))
    wales = set(holidays.country_holidays("GB", subdiv="WLS", years=year))
    assert england == wales
    assert clocks.bank_holidays(ENGLAND_AND_WALES, year) == frozenset(england)


def test_a_referral_made_at_a_weekend_counts_from_the_next_working_day():
    # Saturday 6 June 2026: Monday 8th is the first working day after it.
    assert clocks.rg_due_date(date(2026, 6, 6), working(ENGLAND_AND_WALES, 1)) == date(2026, 6, 8)
    assert clocks.rg_due_date(date(2026, 6, 7), working(ENGLAND_AND_WALES, 1)) == date(2026, 6, 8)


def test_days_since_and_days_left():
    today = date(2026, 7, 20)
    assert clocks.days_since(date(2026, 7, 20), today) == 0
    assert clocks.days_since(date(2026, 6, 1), today) == 49
    assert clocks.days_left(date(2026, 7, 20), today) == 0  # due today: not yet overdue
    assert clocks.days_left(date(2026, 7, 16), today) == -4
    assert clocks.days_left(date(2026, 8, 1), today) == 12


@pytest.mark.parametrize(
    "site",
    [
        policy(),
        policy(days=10),
        working(ENGLAND_AND_WALES, 45),
        working(SCOTLAND, 45),
        working(NORTHERN_IRELAND, 20),
        working(SCOTLAND, 5),
    ],
    ids=["45-calendar", "10-calendar", "45-working-EW", "45-working-SCT", "20-working-NI", "5-working-SCT"],
)
def test_overdue_means_referred_on_or_before_one_day(site):
    """The queue filters "overdue" as a date range; check it against the due date of every day around it."""
    for today in (date(2026, 1, 5), date(2026, 4, 8), date(2026, 12, 29), date(2027, 1, 4), date(2026, 7, 13)):
        last = clocks.last_overdue_submission_day(site, today)
        for offset in range(-120, 30):
            day = last + timedelta(days=offset)
            overdue = clocks.rg_due_date(day, site) < today
            assert overdue == (day <= last), (site.rg_due_basis, site.nation, today, day)


def test_start_of_day_is_uk_midnight():
    summer = clocks.start_of_day(date(2026, 6, 1))
    winter = clocks.start_of_day(date(2026, 12, 1))
    assert summer.utcoffset() == timedelta(hours=1) and (summer.hour, summer.minute) == (0, 0)
    assert winter.utcoffset() == timedelta(0)


def test_a_case_clock_stops_when_the_case_leaves_the_panel():
    from datetime import datetime

    from django.utils import timezone

    referred = timezone.make_aware(datetime(2026, 6, 1, 23, 30))  # late evening, UK time
    running = clocks.case_clock(referred, policy(), today=date(2026, 7, 20))
    assert (running.submitted_on, running.days_since, running.due_on) == (date(2026, 6, 1), 49, date(2026, 7, 16))
    assert running.overdue and running.overdue_by == 4
    stopped = clocks.case_clock(referred, policy(), running=False, today=date(2026, 7, 20))
    assert (stopped.due_on, stopped.days_left, stopped.overdue) == (None, None, False)
