"""Dates and times as GOV.UK writes them, in UK time: "3 December 2026", "3 December 2026 at 10:30am".

The GOV.UK style guide: no leading zero on the day or hour, lower-case "am"/"pm" with no space,
":00" dropped ("10am"), and "midday" and "midnight" rather than "12pm" and "12am" (which readers
confuse). Every page, email, letter and PDF writes dates and times through these functions (or the
template filters built on them), so a date reads the same wherever it appears. Machine-readable
exports keep ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time

from django.utils import timezone


def _local(value: datetime) -> datetime:
    # A naive datetime is already local (as Django treats one); an aware one is moved to UK time.
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _from_iso(text: str) -> date | datetime:
    # A date or moment as a stored record (a decision export, a packet) holds it: ISO 8601.
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def long_date(day: date | datetime | str | None, *, weekday: bool = False) -> str:
    """'3 December 2026' (or 'Thursday 3 December 2026'); a moment is its day in UK time; '' for none."""
    if not day:
        return ""
    if isinstance(day, str):
        day = _from_iso(day)
    if isinstance(day, datetime):
        day = _local(day).date()
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text


def time_of_day(moment: datetime | clock_time | None) -> str:
    """'10am', '10:30am', '2:05pm', 'midday', 'midnight' (a moment in UK time); '' for none."""
    if moment is None:
        return ""
    local = _local(moment) if isinstance(moment, datetime) else moment
    hour, minute = local.hour, local.minute
    if minute == 0 and hour == 0:
        return "midnight"
    if minute == 0 and hour == 12:
        return "midday"
    suffix = "am" if hour < 12 else "pm"
    twelve = hour % 12 or 12
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


def long_datetime(moment: datetime | str | None, *, weekday: bool = False) -> str:
    """'3 December 2026 at 10:30am' (or 'Thursday 3 December 2026 at midday'), in UK time; '' for none."""
    if not moment:
        return ""
    local = _local(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)
    return f"{long_date(local.date(), weekday=weekday)} at {time_of_day(local)}"
