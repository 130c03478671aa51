from django.core.management.base import BaseCommand, CommandError

from childnrm.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exits non-zero on any altered, deleted or inserted event."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--anchor",
            help="SEQ:HASH of an event recorded elsewhere earlier, to catch removal of the newest events",
        )

    def handle(self, *args, anchor: str | None = None, **options) -> None:
        parsed = None
        if anchor:
            try:
                seq, digest = anchor.split(":", 1)
                parsed = (int(seq), digest)
            except ValueError as exc:
                raise CommandError("--anchor must look like 1234:abcdef…") from exc
        report = audit_verify(anchor=parsed)
        for problem in report.problems:
            self.stdout.write(f"{problem.kind.upper()}: {problem.message}")
        self.stdout.write(f"Checked {report.checked} events. Head: {report.head_seq}:{report.head_hash}")
        if not report.ok:
            raise CommandError(f"Audit trail is not intact: {len(report.problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
