"""Link every child record nationally in one batch (Splink on DuckDB; ADR 0029), keeping pairs for review.

Run daily after training (the daily task does both), or alone: `manage.py national_sweep`
(`--enqueue` queues it for `manage.py db_worker`). Each sweep replaces the last sweep's pairs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from childnrm.people.tasks import run_national_sweep


class Command(BaseCommand):
    help = "Link every child record nationally and store the possible matches for coordinators to review."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the task worker")

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            self.stdout.write(f"Queued the national sweep as task {run_national_sweep.enqueue().id}")
            return
        result = run_national_sweep.call()
        if not result["swept"]:
            self.stdout.write("No linkage model, and too few child records to train one")
            return
        self.stdout.write(
            f"National sweep of {result['records']} records in {result['seconds']} s: {result['pairs']} possible "
            f"matches stored, {result['cross_site']} across sites"
        )
