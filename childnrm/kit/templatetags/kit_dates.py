"""Dates in templates as GOV.UK writes them (childnrm.kit.dates): `{% load kit_dates %}{{ when|long_date }}`."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from childnrm.kit.dates import long_date as _long_date

register = template.Library()


@register.filter
def long_date(value: date | datetime | None) -> str:
    """'3 December 2026'; a moment is shown as its day in UK time."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return _long_date(value)
