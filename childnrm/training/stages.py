"""When each self-assessment may be answered.

- Before the session: from booking until the day of the session (people often answer that morning).
- Just after: from the day of the session for two weeks; "just after" stops meaning it after that.
- Three months after: from three calendar months after the session, for four weeks.

A person recorded as not attending answers nothing after the session. Pure functions of dates, so the pages,
the services and the daily reminders agree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from childnrm.training.models import Stage

AFTER_OPEN_DAYS = 14
THREE_MONTHS = 3
THREE_MONTHS_OPEN_DAYS = 28


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (30 November + 3 months: 28 or 29
    February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Window:
    opens: date | None  # None: open from booking
    closes: date  # the last day it may be answered

    def is_open(self, today: date) -> bool:
        return (self.opens is None or self.opens <= today) and today <= self.closes

    def has_opened(self, today: date) -> bool:
        return self.opens is None or self.opens <= today


def window(session_on: date, stage: str) -> Window:
    if stage == Stage.BEFORE:
        return Window(None, session_on)
    if stage == Stage.AFTER:
        return Window(session_on, session_on + timedelta(days=AFTER_OPEN_DAYS - 1))
    opens = add_months(session_on, THREE_MONTHS)
    return Window(opens, opens + timedelta(days=THREE_MONTHS_OPEN_DAYS - 1))


# What a person sees about each of their self-assessments.
DONE, OPEN, NOT_YET, CLOSED, NOT_ASKED = "done", "open", "not_yet", "closed", "not_asked"


def state(*, session_on: date, stage: str, attended: bool | None, answered: bool, today: date) -> str:
    if answered:
        return DONE
    if stage != Stage.BEFORE and attended is False:
        return NOT_ASKED
    w = window(session_on, stage)
    if w.is_open(today):
        return OPEN
    return NOT_YET if not w.has_opened(today) else CLOSED
