"""The full quarterly statistics release against one plain scan of the same tables (issue 10).

    .venv/bin/python -m bench.statistics_release --database childnrm_bench_100k [--quarter 2026Q3]
        [--repeat 3] [--children N --events N]

Uses the benchmark database as it is (PostgreSQL, bench.run's connection); with `--children` it seeds it first the
way bench.run does (`bench.run.seed`, reused when already seeded). Prints, as medians of `--repeat` runs:

- scan: one `SELECT count(*)` per table the release reads, with the release's joins and filters (submitted
  referrals of active sites with their referring organisation; their final decisions; their children's plans,
  plan actions and action updates, outcome reviews and missing episodes; hand-offs, transfers and the SCA's
  reported decisions; links between records): the floor for anything that reads every row once;
- read: the same rows fetched into Python (the columns the release reads), no counting;
- data: every table of the release computed (`report.build` and the Home Office return), no files;
- release: `report.write_release` to a temporary folder: data, charts, CSV/XLSX/ODS, methodology, return;

and the release as a multiple of the scan. The issue's target is within 3 times the scan.
"""

# The scans' SQL is built from the models' table names and the ORM's own subquery SQL; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import db_url


def _median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Quarterly statistics release against a plain scan (issue 10)")
    parser.add_argument("--database", required=True, help="the PostgreSQL benchmark database")
    parser.add_argument("--quarter", help="the release quarter (default: the last whole quarter)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--children", type=int, help="seed the database first (bench.run.seed) with this many")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="also print one STATISTICS_RESULT line of JSON")
    args = parser.parse_args(argv)

    if args.children:
        from bench.run import seed

        seed(args.database, children=args.children, events=args.events, reseed=False)
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench", CHILDNRM_ENV="development", DATABASE_URL=db_url(args.database)
    )
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from childnrm.statistics import report, selectors
    from childnrm.statistics.dimensions import Quarter

    quarter = Quarter.parse(args.quarter) if args.quarter else Quarter.of(timezone.localdate()).previous()
    filters = report.release_filters(quarter)
    scope = selectors.referrals_in_scope(filters)
    scope_sql, scope_params = scope.values("pk").query.sql_with_params()
    children_sql, children_params = scope.values("child_id").query.sql_with_params()

    from childnrm.decisions.models import Decision
    from childnrm.handovers.models import CaseTransfer
    from childnrm.outcomes.models import MissingEpisode, OutcomeReview
    from childnrm.people.models import ChildLinkDecision
    from childnrm.referrals.models import HandOff, Referral
    from childnrm.safeguarding.models import PlanAction, PlanActionUpdate, SafeguardingPlan

    def t(model) -> str:
        return model._meta.db_table

    referral, organisation = t(Referral), "accounts_organisation"
    scans: list[tuple[str, str, list]] = [
        (
            "referrals",
            f"SELECT count(*) FROM {referral} r JOIN {organisation} o ON o.id = r.referrer_organisation_id "
            f"WHERE r.id IN ({scope_sql})",
            list(scope_params),
        ),
        (
            "decisions",
            f"SELECT count(*) FROM {t(Decision)} d WHERE d.status IN ('final', 'superseded') "
            f"AND d.referral_id IN ({scope_sql})",
            list(scope_params),
        ),
        (
            "plans",
            f"SELECT count(*) FROM {t(SafeguardingPlan)} p WHERE p.child_id IN ({children_sql})",
            list(children_params),
        ),
        (
            "plan actions and updates",
            f"SELECT count(*) FROM {t(PlanActionUpdate)} u JOIN {t(PlanAction)} a ON a.id = u.action_id "
            f"JOIN {t(SafeguardingPlan)} p ON p.id = a.plan_id WHERE p.child_id IN ({children_sql})",
            list(children_params),
        ),
        (
            "outcome reviews",
            f"SELECT count(*) FROM {t(OutcomeReview)} v WHERE v.child_id IN ({children_sql})",
            list(children_params),
        ),
        (
            "missing episodes",
            f"SELECT count(*) FROM {t(MissingEpisode)} e WHERE e.child_id IN ({children_sql})",
            list(children_params),
        ),
        (
            "hand-offs and transfers",
            f"SELECT (SELECT count(*) FROM {t(HandOff)} h WHERE h.referral_id IN ({scope_sql})) + "
            f"(SELECT count(*) FROM {t(CaseTransfer)} c WHERE c.referral_id IN ({scope_sql}))",
            list(scope_params) * 2,
        ),
        ("links", f"SELECT count(*) FROM {t(ChildLinkDecision)}", []),
    ]
    counts: dict[str, int] = {}

    def scan() -> None:
        with connection.cursor() as cursor:
            for name, sql, params in scans:
                cursor.execute(sql, params)
                counts[name] = cursor.fetchone()[0]

    def read() -> None:
        cases = selectors.case_frame(filters)
        selectors.pilot_data(filters, cases)
        selectors.review_flags(filters)

    def data() -> None:
        report.build(filters)
        report.home_office_return(filters.__class__(site_ids=filters.site_ids, first=quarter, last=quarter))

    files: list[Path] = []

    def release() -> None:
        with tempfile.TemporaryDirectory() as folder:
            files[:] = report.write_release(quarter, Path(folder))

    release()  # warm up: imports, matplotlib's font cache, the database's buffers
    scan_s = _median_seconds(scan, args.repeat)
    read_s = _median_seconds(read, args.repeat)
    data_s = _median_seconds(data, args.repeat)
    release_s = _median_seconds(release, args.repeat)
    load = os.getloadavg()
    print(f"Database {args.database}: release {quarter.label}, {filters.first.label} to {quarter.label}")
    print("Rows scanned: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    print(f"Plain scan (count(*) of the same tables, same joins): {scan_s:.3f} s")
    print(f"Reading the same rows into Python:                    {read_s:.3f} s")
    print(f"Every table computed (no files):                      {data_s:.3f} s")
    print(f"Full release ({len(files)} files):                          {release_s:.3f} s")
    print(f"Release / scan: {release_s / scan_s:.1f}x (target: within 3x); data / scan: {data_s / scan_s:.1f}x")
    print(f"Load averages: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (the machine is shared: run it when idle)")
    if args.json:
        result = {
            "database": args.database,
            "quarter": quarter.code,
            "rows": counts,
            "scan_s": round(scan_s, 4),
            "read_s": round(read_s, 4),
            "data_s": round(data_s, 4),
            "release_s": round(release_s, 4),
            "files": len(files),
        }
        print("STATISTICS_RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
