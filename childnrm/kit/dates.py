"""Dates and times as GOV.UK writes them: "3 December 2026", "3 December 2026 at 14:05" (UK time)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def long_date(day: date | None) -> str:
    """'3 December 2026' (no leading zero); '' for no date."""
    return f"{day.day} {day:%B %Y}" if day else ""


def long_datetime(moment: datetime | None) -> str:
    """'3 December 2026 at 14:05', in UK time; '' for no moment."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {local:%H:%M}"
