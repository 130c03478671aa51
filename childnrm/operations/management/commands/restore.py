from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childnrm.operations.services import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty, freshly migrated database (same "
        "release), and its private files. Every checksum is checked before and after."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", type=Path, help="the backup directory")
        parser.add_argument("--database", default="default", help="database alias (default: default)")
        parser.add_argument("--check-only", action="store_true", help="only check the backup's checksums")

    def handle(self, *args, source: Path, database: str, check_only: bool, **options) -> None:
        try:
            if check_only:
                manifest = backup_check(source=source)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup intact: {len(manifest['tables'])} tables, {len(manifest['files'])} files."
                    )
                )
                return
            report = backup_restore(source=source, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t.rows for t in report.tables)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows in {len(report.tables)} tables and {report.files} files; "
                "every checksum matches. Run `manage.py audit_verify` next."
            )
        )
