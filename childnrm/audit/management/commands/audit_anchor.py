"""Write today's audit anchor outside the database. Run once a day, e.g. from cron:

    15 2 * * *  cd /srv/childnrm && .venv/bin/python manage.py audit_anchor

It seals pending events, then writes the newest seal's number and hash to a new file in
AUDIT_ANCHOR_DIR (and emails it to AUDIT_ANCHOR_EMAILS if set). `audit_verify --latest-anchor` then
catches a trail that was truncated or emptied since. `--enqueue` queues it for the task worker.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from childnrm.audit.tasks import write_audit_anchor


class Command(BaseCommand):
    help = "Seal the audit trail and write its anchor (newest seal's number and hash) outside the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task instead of running it now")

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            self.stdout.write(f"Queued the audit anchor as task {write_audit_anchor.enqueue().id}")
            return
        self.stdout.write(f"Wrote the audit anchor to {write_audit_anchor.call()['path']}")
