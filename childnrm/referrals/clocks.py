"""Case clocks: days since referral and the reasonable grounds (RG) due date from site policy.

A site's policy sets how many days the panel has (default 45) and whether they are calendar days or
working days. Working days skip weekends and the bank holidays of the site's nation: England and
Wales share one set; Scotland and Northern Ireland each have their own (St Andrew's Day, St Patrick's
Day, the Twelfth…). Holidays come from the `holidays` package, offline.

The day of referral is day 0: a 45-day clock on a referral made on 1 June is due on 16 July.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Nation, Site

# England and Wales have the same bank holidays; the package's "ENG" subdivision stands for both.
NATION_SUBDIVISION = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    subdivision = NATION_SUBDIVISION.get(nation, "ENG")
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year)


def add_working_days(start: date, days: int, nation: str) -> date:
    """The `days`-th working day after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            remaining -= 1
    return day


def rg_due_date(submitted_on: date, site: Site) -> date:
    """When the site's policy says the reasonable grounds decision is due for a referral made that day."""
    if site.rg_due_basis == DayBasis.WORKING:
        return add_working_days(submitted_on, site.rg_due_days, site.nation)
    return submitted_on + timedelta(days=site.rg_due_days)


def submitted_on(submitted_at: datetime) -> date:
    """The day of referral in UK time."""
    return timezone.localtime(submitted_at).date()


def days_since(day: date, today: date | None = None) -> int:
    return ((today or timezone.localdate()) - day).days


def days_left(due: date, today: date | None = None) -> int:
    """Calendar days until the due date: 0 on the day itself, negative once overdue."""
    return (due - (today or timezone.localdate())).days


def last_overdue_submission_day(site: Site, today: date | None = None) -> date:
    """The latest day of referral whose RG decision is already overdue today.

    Due dates never go backwards as the referral day moves forward, so "overdue" is exactly
    "referred on or before this day": a range on submitted_at that an index answers.
    """
    today = today or timezone.localdate()
    # The due date is at least rg_due_days calendar days after referral, so start there and walk back.
    day = today - timedelta(days=site.rg_due_days + 1)
    while rg_due_date(day, site) >= today:
        day -= timedelta(days=1)
    return day


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day`, UK time, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_span(site: Site, today: date | None = None) -> int:
    """Calendar days between a referral made today and its due date (used to order mixed-policy queues)."""
    today = today or timezone.localdate()
    return (rg_due_date(today, site) - today).days


@dataclass(frozen=True)
class CaseClock:
    submitted_on: date
    days_since: int
    due_on: date | None  # None when the clock is not running
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def case_clock(submitted_at: datetime, site: Site, *, running: bool = True, today: date | None = None) -> CaseClock:
    """A referral's clocks as a list or page shows them: computed, never stored, so a policy change applies at once."""
    today = today or timezone.localdate()
    day = submitted_on(submitted_at)
    if not running:
        return CaseClock(day, days_since(day, today), None, None)
    due = rg_due_date(day, site)
    return CaseClock(day, days_since(day, today), due, days_left(due, today))
