"""List records past their retention date for each site's data protection officer.

Runs daily with `send_daily_reminders`; run it alone to review now. `--dry-run` prints, per site and
record type, how many records would be listed for anonymisation (counts only, never a name or a
reference) and changes nothing. `--date` reviews as of another day (to see what falls due then).
Nothing is anonymised here: that needs the DPO's approval on the retention page.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from childnrm.retention.services import retention_review_run


class Command(BaseCommand):
    help = "List records past their retention date for each site's DPO (--dry-run: counts only, no change)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be listed; change nothing")
        parser.add_argument("--date", help="Review as of this day, YYYY-MM-DD (default: today, UK time)")

    def handle(self, *args, dry_run: bool = False, date: str | None = None, **options) -> None:
        try:
            day = _parse(date) if date else timezone.localdate()
        except ValueError as problem:
            raise CommandError("--date must be a date as YYYY-MM-DD") from problem
        report = retention_review_run(today=day, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)


def _parse(value: str) -> date:
    return date.fromisoformat(value)
