"""The full quarterly statistics release against one plain scan of the same tables (issue 10).

    .venv/bin/python -m bench.statistics_release --database childnrm_bench_100k [--quarter 2026Q3]
        [--repeat 3] [--children N --events N]

Uses the benchmark database as it is (PostgreSQL, bench.run's connection); with `--children` it seeds it first the
way bench.run does (`bench.run.seed`, reused when already seeded). Prints, as medians of `--repeat` runs:

- scan: one `SELECT count(*)` per table the release reads, with the release's joins and filters (submitted
  referrals of active sites with their referring organisation; their final decisions; their children's plans,
  plan actions and action updates, outcome reviews and missing episodes; hand-offs, transfers and the SCA's
  reported decisions; links between records; the new-burdens sittings held in the period with their attendees
  and agendas, time entries and hourly rates): every row the release reads, each table once, counted and not
  fetched: the floor for anything that reads every row once;
- fetch: the same rows' columns (those the release's queries take) fetched to Python with a plain psycopg cursor,
  each table once: the honest floor for a release that must bring every row to Python to count it;
- read: the release's own reads (`selectors.case_frame`, `pilot_data`, `review_flags`: ORM and pandas frames);
- data: every table of the release computed (`report.build` and the Home Office return), no files;
- release: `report.write_release` to a temporary folder: data, charts, CSV/XLSX/ODS, methodology, return;

and the release as a multiple of both scans. The issue's target is within 3 times the scan.
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

    from childnrm.burdens.models import HourlyRate, TimeEntry
    from childnrm.burdens.selectors import _held_sittings
    from childnrm.decisions.models import Decision
    from childnrm.handovers.models import CaseTransfer, ScaReportedDecision
    from childnrm.outcomes.models import MissingEpisode, OutcomeReview
    from childnrm.panels.models import AgendaItem, Meeting, MeetingAttendee
    from childnrm.people.models import ChildLinkDecision
    from childnrm.referrals.models import Referral
    from childnrm.safeguarding.models import PlanAction, PlanActionUpdate, SafeguardingPlan
    from childnrm.triage.models import OnwardReferral

    def t(model) -> str:
        return model._meta.db_table

    # The new-burdens figures read the sites' held sittings in the period, and their attendees and agendas.
    sittings = _held_sittings(filters.site_ids, filters.starts_on, filters.ends_on).values("pk")
    sittings_sql, sittings_params = sittings.query.sql_with_params()

    def cols(alias: str, model, *names: str) -> list[str]:
        return [f"{alias}.{model._meta.get_field(name).column}" for name in names]

    # What the release reads: per table, the columns its queries take and the same joins and filters. The count
    # scan is SELECT count(*) over each; the fetch scan SELECTs those columns and fetches every row to Python
    # (psycopg, no ORM, no pandas): each row of each table read once, as the release must.
    referral, organisation = t(Referral), "accounts_organisation"
    in_scope = (list(scope_params), f"IN ({scope_sql})")
    of_children = (list(children_params), f"IN ({children_sql})")
    sites_period = [list(filters.site_ids), filters.starts_on, filters.ends_on]
    tables: list[tuple[str, list[str], str, list]] = [
        (
            "referrals",
            [
                *cols("r", Referral, "id", "site", "child", "status", "submitted_at", "sex", "nationalities"),
                *cols("r", Referral, "ethnicity", "date_of_birth", "estimated_age_years", "exploitation_types"),
                *cols("r", Referral, "exploitation_location"),
                "o.type",
            ],
            f"{referral} r JOIN {organisation} o ON o.id = r.referrer_organisation_id WHERE r.id {in_scope[1]}",
            in_scope[0],
        ),
        (
            "decisions",
            [
                *cols("d", Decision, "referral", "stage", "status", "version", "outcome", "decided_on"),
                *cols("d", Decision, "meeting", "plan_basis"),
            ],
            f"{t(Decision)} d WHERE d.status IN ('final', 'superseded') AND d.referral_id {in_scope[1]}",
            in_scope[0],
        ),
        (
            "plans",
            cols("p", SafeguardingPlan, "child", "agreed_at_meeting"),
            f"{t(SafeguardingPlan)} p WHERE p.child_id {of_children[1]}",
            of_children[0],
        ),
        (
            "plan actions",
            [*cols("a", PlanAction, "id", "due_on", "status"), "p.child_id"],
            f"{t(PlanAction)} a JOIN {t(SafeguardingPlan)} p ON p.id = a.plan_id WHERE p.child_id {of_children[1]}",
            of_children[0],
        ),
        (
            "plan action updates",
            cols("u", PlanActionUpdate, "action", "at", "to_status"),
            f"{t(PlanActionUpdate)} u JOIN {t(PlanAction)} a ON a.id = u.action_id "
            f"JOIN {t(SafeguardingPlan)} p ON p.id = a.plan_id WHERE p.child_id {of_children[1]}",
            of_children[0],
        ),
        (
            "outcome reviews",
            cols(
                "v",
                OutcomeReview,
                "child",
                "point",
                "months",
                "due_on",
                "recorded_at",
                "placement_stability",
                "went_missing",
                "re_referred",
                "further_exploitation",
                "occupation",
            ),
            f"{t(OutcomeReview)} v WHERE v.child_id {of_children[1]}",
            of_children[0],
        ),
        (
            "missing episodes",
            cols("e", MissingEpisode, "child", "started_on"),
            f"{t(MissingEpisode)} e WHERE e.child_id {of_children[1]}",
            of_children[0],
        ),
        (
            "hand-offs",
            cols("h", OnwardReferral, "referral", "produced_at", "outcome"),
            f"{t(OnwardReferral)} h WHERE h.referral_id {in_scope[1]}",
            in_scope[0],
        ),
        (
            "transfers",
            cols("c", CaseTransfer, "referral", "transferred_at", "destination"),
            f"{t(CaseTransfer)} c WHERE c.referral_id {in_scope[1]}",
            in_scope[0],
        ),
        (
            "SCA's decisions",
            cols("s", ScaReportedDecision, "referral", "stage", "outcome", "decided_on", "replaced_at"),
            f"{t(ScaReportedDecision)} s WHERE s.referral_id {in_scope[1]}",
            in_scope[0],
        ),
        (
            "links",
            cols("k", ChildLinkDecision, "child_a", "child_b", "status", "supersedes"),
            f"{t(ChildLinkDecision)} k",
            [],
        ),
        (
            "sittings",
            cols("m", Meeting, "id", "site", "starts_at", "opened_at", "closed_at"),
            f"{t(Meeting)} m WHERE m.id IN ({sittings_sql})",
            list(sittings_params),
        ),
        (
            "attendees",
            cols("a", MeetingAttendee, "meeting", "user", "attends_as", "present"),
            f"{t(MeetingAttendee)} a WHERE a.meeting_id IN ({sittings_sql})",
            list(sittings_params),
        ),
        (
            "agendas",
            cols("i", AgendaItem, "meeting", "referral"),
            f"{t(AgendaItem)} i WHERE i.meeting_id IN ({sittings_sql})",
            list(sittings_params),
        ),
        (
            "time entries",
            cols("e", TimeEntry, "site", "referral", "worked_on", "role", "minutes"),
            f"{t(TimeEntry)} e WHERE e.site_id = ANY(%s) AND e.worked_on BETWEEN %s AND %s",
            sites_period,
        ),
        (
            "hourly rates",
            cols("r", HourlyRate, "site", "role", "pence"),
            f"{t(HourlyRate)} r WHERE r.site_id = ANY(%s)",
            [list(filters.site_ids)],
        ),
    ]
    counts: dict[str, int] = {}

    def scan() -> None:
        with connection.cursor() as cursor:
            for name, _, from_where, params in tables:
                cursor.execute(f"SELECT count(*) FROM {from_where}", params)
                counts[name] = cursor.fetchone()[0]

    def fetch() -> None:
        with connection.cursor() as cursor:
            for _, columns, from_where, params in tables:
                cursor.execute(f"SELECT {', '.join(columns)} FROM {from_where}", params)
                cursor.fetchall()

    def read() -> None:
        cases = selectors.case_frame(filters)
        selectors.pilot_data(filters, cases)
        selectors.review_flags(filters)

    def data() -> None:
        # As `write_release`: the return is protected with the release's tables, and reads their frames.
        release = report.build(filters)
        report.home_office_return(filters, release=release)

    files: list[Path] = []

    def release() -> None:
        with tempfile.TemporaryDirectory() as folder:
            files[:] = report.write_release(quarter, Path(folder))

    release()  # warm up: imports, the database's buffers
    scan_s = _median_seconds(scan, args.repeat)
    fetch_s = _median_seconds(fetch, args.repeat)
    read_s = _median_seconds(read, args.repeat)
    data_s = _median_seconds(data, args.repeat)
    release_s = _median_seconds(release, args.repeat)
    load = os.getloadavg()
    print(f"Database {args.database}: release {quarter.label}, {filters.first.label} to {quarter.label}")
    print("Rows scanned: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    print(f"Plain scan (count(*) of the same tables, same joins): {scan_s:.3f} s")
    print(f"Plain scan fetched (the same rows' columns, psycopg):  {fetch_s:.3f} s")
    print(f"Reading the same rows into Python:                    {read_s:.3f} s")
    print(f"Every table computed (no files):                      {data_s:.3f} s")
    print(f"Full release ({len(files)} files):                          {release_s:.3f} s")
    print(
        f"Release / scan: {release_s / scan_s:.1f}x (count), {release_s / fetch_s:.1f}x (fetched) (target: within 3x); "
        f"data / scan: {data_s / scan_s:.1f}x (count), {data_s / fetch_s:.1f}x (fetched)"
    )
    print(f"Load averages: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (the machine is shared: run it when idle)")
    if args.json:
        result = {
            "database": args.database,
            "quarter": quarter.code,
            "rows": counts,
            "scan_s": round(scan_s, 4),
            "fetch_s": round(fetch_s, 4),
            "read_s": round(read_s, 4),
            "data_s": round(data_s, 4),
            "release_s": round(release_s, 4),
            "files": len(files),
        }
        print("STATISTICS_RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
