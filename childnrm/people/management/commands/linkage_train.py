"""Train the linkage model on every child record (Splink's EM on DuckDB; ADR 0029) and store it.

Run daily with the reminders (the daily task does it), or alone after a large import:
`manage.py linkage_train` (`--enqueue` queues it for `manage.py db_worker` instead).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from childnrm.people.tasks import train_linkage_model


class Command(BaseCommand):
    help = "Train the linkage model on the service's own records and store it (its weights are used from then on)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the task worker")

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            self.stdout.write(f"Queued the training as task {train_linkage_model.enqueue().id}")
            return
        result = train_linkage_model.call()
        if not result["trained"]:
            self.stdout.write("Too few child records to train a linkage model")
            return
        self.stdout.write(
            f"Trained linkage model {result['model']} on {result['records']} records in {result['seconds']} s"
        )
