from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from childnrm.information.services import chase_overdue
from childnrm.kit import mail


class Command(BaseCommand):
    help = "Chase open information requests that are past their due date and not chased in the last 3 days."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); today by default")

    def handle(self, *args, date: str | None = None, **options) -> None:
        try:
            today = _parse(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must look like 2026-12-01") from exc
        try:
            with mail.failures_raised("information request chase"):
                chased = chase_overdue(today)
                self.stdout.write(f"Chased {chased} overdue information request{'s' if chased != 1 else ''}.")
        except mail.EmailsNotSent as error:  # every request was chased; some emails were not sent (logged)
            raise CommandError(str(error)) from None


def _parse(value: str):
    return date.fromisoformat(value)
