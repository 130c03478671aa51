"""Write the quarterly statistics release to a folder, ready to publish (issue 10).

    manage.py statistics_release --quarter 2026Q3 --out DIR [--from 2024Q4] [--threshold 5 --rounding 5
        --min-denominator 10]

Every table as CSV, XLSX and ODS, the charts as SVG, a workbook of every table, the quarterly return to the
Home Office (XLSX and CSV) and a methodology note with the disclosure rules. The rules are ONS-style by default
and can be set for one release. Audited as an export by the system (no user).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childnrm.audit.services import Action, audit_record
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.report import write_release


class Command(BaseCommand):
    help = "Write the quarterly statistics release (tables, charts, methodology, Home Office return) to a folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quarter", required=True, help="the release quarter, e.g. 2026Q3")
        parser.add_argument("--out", required=True, help="the folder to write (created if missing)")
        parser.add_argument("--from", dest="first", help="the first quarter of the tables by quarter (default: 8)")
        parser.add_argument("--threshold", type=int, default=DEFAULT_RULES.threshold)
        parser.add_argument("--rounding", type=int, default=DEFAULT_RULES.rounding)
        parser.add_argument("--min-denominator", type=int, default=DEFAULT_RULES.min_denominator)

    def handle(self, *args, **options) -> None:
        try:
            quarter = Quarter.parse(options["quarter"])
            first = Quarter.parse(options["first"]) if options.get("first") else None
            rules = DisclosureRules(
                threshold=options["threshold"], rounding=options["rounding"], min_denominator=options["min_denominator"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if first is not None and first > quarter:
            raise CommandError("--from must be the release quarter or before it.")
        out = Path(options["out"])
        started = time.perf_counter()
        written = write_release(quarter, out, rules, first=first)
        audit_record(
            action=Action.EXPORT,
            object_type="statistics.release",
            object_id=quarter.code,
            purpose="Statistics and equality monitoring",
            detail={"files": len(written), "threshold": rules.threshold, "rounding": rules.rounding},
        )
        seconds = time.perf_counter() - started
        self.stdout.write(f"Wrote {len(written)} files for {quarter.label} to {out} in {seconds:.1f}s")
