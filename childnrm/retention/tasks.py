"""The daily retention review (run with the daily reminders, or alone by `manage.py retention_review`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from childnrm.retention.services import retention_review_run


@task()
def retention_review(today: str | None = None, dry_run: bool = False) -> dict:
    """List what is past its retention date for each site's DPO. `today` is an ISO date; none means today."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return retention_review_run(today=day, dry_run=dry_run).as_dict()
