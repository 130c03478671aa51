"""Check the audit trail: seals pending events first, then checks every event and every seal.

Give the last anchor (written daily by `manage.py audit_anchor`, outside the database) to catch a trail
that was truncated or emptied: `--latest-anchor`, `--anchor-file PATH` or `--anchor SEAL:HASH`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childnrm.audit.services import anchor_latest, anchor_read, audit_verify


class Command(BaseCommand):
    help = "Check the audit trail; exits non-zero on any altered, deleted, inserted or truncated event or seal."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--anchor", help="SEAL:HASH printed by an earlier run or written by audit_anchor")
        parser.add_argument("--anchor-file", help="an anchor file written by audit_anchor")
        parser.add_argument("--latest-anchor", action="store_true", help="the newest anchor file in AUDIT_ANCHOR_DIR")
        parser.add_argument(
            "--no-seal", action="store_true", help="do not seal pending events first; report them as unsealed"
        )

    def handle(self, *args, **options) -> None:
        anchor = self._anchor(options)
        report = audit_verify(anchor=anchor, seal_first=not options["no_seal"])
        for problem in report.problems:
            self.stdout.write(f"{problem.kind.upper()}: {problem.message}")
        if report.unsealed:
            self.stdout.write(f"UNSEALED: {report.unsealed} event(s) written by the service are not sealed yet")
        if report.checked == 0 and anchor is None:
            self.stdout.write("The trail is empty: give the last anchor to check that it should be.")
        self.stdout.write(
            f"Checked {report.checked} events in {report.head_seal} seals. Anchor (keep it elsewhere): {report.anchor}"
        )
        if not report.ok:
            raise CommandError(f"Audit trail is not intact: {len(report.problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))

    def _anchor(self, options) -> tuple[int, str] | None:
        if options["anchor"]:
            try:
                number, digest = options["anchor"].split(":", 1)
                return int(number), digest
            except ValueError as exc:
                raise CommandError("--anchor must look like 1234:abcdef…") from exc
        path = Path(options["anchor_file"]) if options["anchor_file"] else None
        if options["latest_anchor"]:
            path = anchor_latest()
            if path is None:
                raise CommandError("No anchor file in AUDIT_ANCHOR_DIR: run `manage.py audit_anchor` first")
        if path is None:
            return None
        try:
            return anchor_read(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the anchor file {path}: {exc}") from exc
