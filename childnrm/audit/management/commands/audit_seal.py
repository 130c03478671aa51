"""Seal the audit events written since the last seal. Run every minute (cron or systemd timer):

    * * * * *  cd /srv/childnrm && .venv/bin/python manage.py audit_seal

Until an event is sealed it is protected only by its own HMAC and the database's triggers and
permissions (ADR 0012). `--enqueue` queues it for the task worker instead. Safe to run concurrently.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from childnrm.audit.tasks import seal_audit_trail


class Command(BaseCommand):
    help = "Seal pending audit events in order, in Merkle-tree batches chained by HMAC."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task instead of running it now")

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            self.stdout.write(f"Queued audit sealing as task {seal_audit_trail.enqueue().id}")
            return
        result = seal_audit_trail.call()
        self.stdout.write(f"Sealed {result['events']} event(s) in {result['seals']} seal(s)")
        if result["refused"]:
            self.stderr.write(f"{len(result['refused'])} event(s) fail their HMAC: not sealed (run audit_verify)")
