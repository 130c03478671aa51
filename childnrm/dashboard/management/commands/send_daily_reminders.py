"""Send the day's reminders: run once a day (cron or a systemd timer). Safe to run again the same day.

In production, run it early each morning, UK time, from the service's directory, for example with cron:

    CRON_TZ=Europe/London
    30 7 * * *  cd /srv/childnrm && CHILDNRM_ENV=production .venv/bin/python manage.py send_daily_reminders

or a systemd timer (OnCalendar=*-*-* 07:30 Europe/London, Persistent=true) running the same command.
`--enqueue` queues it for the django-tasks database worker (`manage.py db_worker`) instead. A missed
or repeated run is harmless: each item is reminded at most once a day (dashboard.Reminder).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from childnrm.dashboard.tasks import send_daily_reminders
from childnrm.kit.mail import EmailsNotSent


class Command(BaseCommand):
    help = "Email each site's coordinators a digest of what is due and overdue, and owners their overdue actions."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="The day to send for, as YYYY-MM-DD (default: today, UK time)")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the task worker instead of running it now"
        )

    def handle(self, *args, date: str | None = None, enqueue: bool = False, **options) -> None:
        day = None
        if date:
            try:
                day = _parse(date)
            except ValueError as problem:
                raise CommandError("--date must be a date as YYYY-MM-DD") from problem
        if enqueue:
            result = send_daily_reminders.enqueue(day)
            self.stdout.write(f"Queued the daily reminders as task {result.id}")
            return
        try:
            summary = send_daily_reminders.call(day)
        except EmailsNotSent as error:  # every step ran; some emails were not sent (each logged, without its address)
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Daily reminders for {summary['today']}: {summary['digests']} digest(s), "
            f"{summary['owner_emails']} owner email(s), {summary['items']} item(s), "
            f"{summary['chased']} information request(s) chased"
        )


def _parse(value: str) -> str:
    return date.fromisoformat(value).isoformat()
