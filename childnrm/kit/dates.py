"""Dates and times as GOV.UK writes them, in UK time: "3 December 2026", "3 December 2026 at 10:30am".

The GOV.UK style guide: no leading zero on the day or hour, lower-case "am"/"pm" with no space,
":00" dropped ("10am"), and "midday" and "midnight" rather than "12pm" and "12am" (which readers
confuse). Every page, email, letter and PDF writes dates and times through these functions (or the
template filters built on them), so a date reads the same wherever it appears. Machine-readable
exports keep ISO 8601.

In Welsh (the active language is `cy`, ADR 0023) the same shapes with Welsh words, as GOV.UK's Welsh pages
and Welsh public bodies write them (sources in docs/welsh-glossary.md): "3 Rhagfyr 2026", "Dydd Iau 3 Rhagfyr
2026", "3 Rhagfyr 2026 am 10:30yb", "10yb", "2:05yh", "hanner dydd", "hanner nos". The names are our own
tables, not the machine's locale, so a page never depends on which locales a server has installed.
"""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time

from django.utils import timezone, translation

# Welsh names of the months and the days of the week (Monday first, as date.weekday() counts).
WELSH_MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)
WELSH_WEEKDAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul")
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _welsh() -> bool:
    return translation.get_language() == "cy"


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
    months, weekdays = (WELSH_MONTHS, WELSH_WEEKDAYS) if _welsh() else (ENGLISH_MONTHS, ENGLISH_WEEKDAYS)
    text = f"{day.day} {months[day.month - 1]} {day.year}"
    return f"{weekdays[day.weekday()]} {text}" if weekday else text


def day_and_month(day: date | datetime | None) -> str:
    """'30 January' ('30 Ionawr'): the first day of a range whose year the last day gives ("30 January to 9 July
    2023"); '' for none."""
    if not day:
        return ""
    if isinstance(day, datetime):
        day = _local(day).date()
    months = WELSH_MONTHS if _welsh() else ENGLISH_MONTHS
    return f"{day.day} {months[day.month - 1]}"


def time_of_day(moment: datetime | clock_time | None) -> str:
    """'10am', '10:30am', '2:05pm', 'midday', 'midnight' (a moment in UK time); '' for none.
    In Welsh '10yb', '10:30yb', '2:05yh', 'hanner dydd', 'hanner nos'."""
    if moment is None:
        return ""
    local = _local(moment) if isinstance(moment, datetime) else moment
    hour, minute = local.hour, local.minute
    welsh = _welsh()
    if minute == 0 and hour == 0:
        return "hanner nos" if welsh else "midnight"
    if minute == 0 and hour == 12:
        return "hanner dydd" if welsh else "midday"
    # Welsh: y bore (morning) and yr hwyr (afternoon and evening).
    suffix = ("yb" if hour < 12 else "yh") if welsh else ("am" if hour < 12 else "pm")
    twelve = hour % 12 or 12
    return f"{twelve}{suffix}" if minute == 0 else f"{twelve}:{minute:02d}{suffix}"


def long_datetime(moment: datetime | str | None, *, weekday: bool = False) -> str:
    """'3 December 2026 at 10:30am' (or 'Thursday 3 December 2026 at midday'), in UK time; '' for none.
    In Welsh '3 Rhagfyr 2026 am 10:30yb'."""
    if not moment:
        return ""
    local = _local(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)
    at = "am" if _welsh() else "at"
    return f"{long_date(local.date(), weekday=weekday)} {at} {time_of_day(local)}"
