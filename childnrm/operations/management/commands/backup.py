from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childnrm.operations.services import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up the database and the private files into DEST (a new directory), with a manifest of "
        "SHA-256 checksums per table and per file. The backup holds personal data: keep it encrypted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("destination", type=Path, help="a new or empty directory")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, destination: Path, database: str, **options) -> None:
        try:
            report = backup_write(destination=destination, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t.rows for t in report.tables)
        for name in report.missing_files:
            self.stderr.write(f"A row names a private file that was not found: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {rows} rows in {len(report.tables)} tables and {report.files} files "
                f"({report.bytes} bytes) to {destination}."
            )
        )
