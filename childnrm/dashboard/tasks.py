"""The daily task: reminders for every site (run once a day by `manage.py send_daily_reminders`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from childnrm.dashboard.reminders import daily_reminders_send


@task()
def send_daily_reminders(today: str | None = None) -> dict:
    """Send the day's reminders. `today` is an ISO date (tasks take JSON arguments); none means today, UK time."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return daily_reminders_send(today=day).as_dict()
