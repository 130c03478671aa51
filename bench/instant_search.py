"""Instant search against the national register (issue 15 item 5): one new referral matched against N children.

    nice -n 10 .venv/bin/python bench/instant_search.py --records 100000 --db h6_instant_100k
    nice -n 10 .venv/bin/python bench/instant_search.py --records 1000000 --db h6_instant_1m

Loads the generated, labelled set (`bench/generated_set.py`, about N records: children, their duplicates with
every kind of variation, twins, siblings and namesakes) into a PostgreSQL database of its own as the children of
one site (the national register), with their blocking keys, by COPY; a database already loaded with the same
records and seed is reused. Referrals are written only where the search reads them (aliases, an estimated age
without a date of birth) and for the records searched: a child's profile is the same without the others.

Then times single-record searches, the service's own path (`people.linkage.candidates_for`, as the
possible-matches page and the possible-earlier-records check call it), for a sample of records searched as new
referrals: duplicates (their earlier or later records are in the register) and children with no other record.
The timed call is the one the possible-earlier-records check makes (`threshold` MATCH_THRESHOLD, no limit).
Prints p50, p95 and max, the children the keys reach, the candidates the blocking fetched (at most
MAX_CANDIDATES) and those compared name by name, how often the search said it held candidates back, and the
recall of true pairs among those fetched (an untimed second search with no threshold) and among those shown,
so that a speed-up that drops true candidates shows.

`--module PATH` times `candidates_for` from another copy of `people/linkage.py` (for example the code before a
change) on the same database, for a before/after comparison back to back.
"""

# ruff: noqa: S608 (the one table name is a constant)
from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

META_TABLE = "bench_instant_search"


def _base_for(records: int) -> int:
    # generate() adds about 0.557 records per base child (duplicates, siblings, twins, namesakes)
    return max(int(records / 1.557), 10)


def _admin_connect():
    import psycopg

    return psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)


def setup(db: str, *, migrate: bool = True) -> None:
    """Create the database unless it holds a finished load (a load cut short is started again); migrate it."""
    with _admin_connect() as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
    if exists and _loaded(db) is None:
        with _admin_connect() as c:
            c.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
        exists = False
    if not exists:
        with _admin_connect() as c:
            c.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("CHILDNRM_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childnrm.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if migrate or not exists:
        call_command("migrate", verbosity=0)


def _raw(db: str):
    import psycopg

    return psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=db, autocommit=True)


def _loaded(db: str) -> dict | None:
    with _raw(db) as c:
        c.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (meta jsonb NOT NULL)")
        row = c.execute(f"SELECT meta FROM {META_TABLE}").fetchone()
    return row[0] if row else None


def _text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _copy(cursor, sql: str, lines) -> None:
    with cursor.copy(sql) as copy:
        buffer = io.StringIO()
        for n, line in enumerate(lines, 1):
            buffer.write(line)
            if n % 20000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def load(db: str, records, *, seed: int, sample_ids: list[int]) -> dict:
    """COPY the records in as children of one site, with blocking keys; referrals where the profile needs them."""
    from bench import generated_set
    from childnrm.accounts.models import Organisation, OrganisationType, Site
    from childnrm.people.linkage_scoring import blocking_keys
    from childnrm.referrals.models import Referral, ReferralStatus

    started = time.perf_counter()
    site = Site.objects.create(name="National register (benchmark)", slug="national-register")
    organisation = Organisation.objects.create(name="Benchmark police", type=OrganisationType.POLICE)
    with _raw(db) as c, c.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no per-row foreign key triggers while loading
        # Indexes of the key table are dropped during the COPY and built afterwards (a sort, not 10M inserts).
        table = "people_childblockingkey"
        constraints = cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'u'",
            [table],
        ).fetchall()
        indexes = cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        ).fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {name}")

        now = "2026-06-01 12:00:00+00"
        _copy(
            cur,
            "COPY people_child (id, reference, site_id, given_names, family_name, date_of_birth, "
            "date_of_birth_estimated, sex, nationalities, created_at, updated_at, correspondence_language) FROM STDIN",
            (
                "\t".join(
                    _text(v)
                    for v in (
                        r.id,
                        f"CH-{r.id:09d}",
                        site.pk,
                        r.given_names,
                        r.family_name,
                        r.date_of_birth,
                        "t" if r.date_of_birth_estimated else "f",
                        r.sex,
                        json.dumps(list(r.nationalities)),
                        now,
                        now,
                        "",
                    )
                )
                + "\n"
                for r in records
            ),
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('people_child', 'id'), (SELECT max(id) FROM people_child))")
        print(f"  children copied in {time.perf_counter() - started:.0f} s", flush=True)

        def key_lines():
            for r in records:
                profile = r.profile()
                year, estimated = profile.birth_year
                tail = f"\t{_text(year)}\t{'t' if estimated else 'f'}\n"
                for key in sorted(blocking_keys(profile)):
                    yield f"{r.id}\t{site.pk}\t{_text(key)}{tail}"

        _copy(cur, f"COPY {table} (child_id, site_id, key, birth_year, birth_year_estimated) FROM STDIN", key_lines())
        print(f"  blocking keys copied at {time.perf_counter() - started:.0f} s", flush=True)
        cur.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cur.execute(definition)
        print(f"  key indexes built at {time.perf_counter() - started:.0f} s", flush=True)

    wanted = set(sample_ids)
    need = [r for r in records if r.aliases or r.estimated_age_years is not None or r.id in wanted]
    for start in range(0, len(need), 2000):
        Referral.objects.bulk_create(
            Referral(
                status=ReferralStatus.SUBMITTED,
                referrer_organisation=organisation,
                site=site,
                child_id=r.id,
                given_names=r.given_names,
                family_name=r.family_name,
                aliases=[{"given_names": g, "family_name": f} for g, f in r.aliases],
                date_of_birth=r.date_of_birth,
                date_of_birth_estimated=r.date_of_birth_estimated,
                estimated_age_years=r.estimated_age_years,
                sex=r.sex,
                nationalities=list(r.nationalities),
                submitted_at=generated_set._midday(r.referred_on),
            )
            for r in need[start : start + 2000]
        )
    print(f"  {len(need)} referrals written at {time.perf_counter() - started:.0f} s", flush=True)
    with _raw(db) as c:
        c.execute("VACUUM (ANALYZE)")  # statistics, and the visibility map index-only scans rely on
    meta = {"records": len(records), "seed": seed, "site": site.pk, "seconds": round(time.perf_counter() - started)}
    with _raw(db) as c:
        c.execute(f"DELETE FROM {META_TABLE}")
        c.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])
    return meta


def _generated(records: int, seed: int) -> list:
    """The generated set, kept in var/ after the first run (a million records take minutes to generate)."""
    from bench import generated_set

    kept = ROOT / "var" / f"instant_search_{records}_{seed}.pickle"
    if kept.exists():
        with kept.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - our own file, written below
    made = generated_set.generate(_base_for(records), seed=seed)
    kept.parent.mkdir(exist_ok=True)
    with kept.open("wb") as f:
        pickle.dump(made, f, protocol=pickle.HIGHEST_PROTOCOL)
    return made


def _module(path: str | None):
    if not path:
        from childnrm.people import linkage

        return linkage
    spec = importlib.util.spec_from_file_location("bench_linkage_other", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="about this many child records (default 100000)")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--db", help="PostgreSQL database (created and loaded once; default instant_search_N)")
    parser.add_argument("--duplicates", type=int, default=200, help="duplicate records searched (default 200)")
    parser.add_argument("--singles", type=int, default=100, help="children with no other record searched (100)")
    parser.add_argument("--module", help="time candidates_for from this copy of people/linkage.py instead")
    parser.add_argument("--load-only", action="store_true", help="load the database and stop")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="search a loaded database as it is (for a baseline before a migration adds an index)",
    )
    args = parser.parse_args(argv)
    db = args.db or f"instant_search_{args.records}"

    print(f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    setup(db, migrate=not args.no_migrate)

    started = time.perf_counter()
    records = _generated(args.records, args.seed)
    by_cluster: dict[int, list[int]] = {}
    for r in records:
        by_cluster.setdefault(r.cluster, []).append(r.id)
    rng = random.Random(args.seed)
    duplicates = sorted(r.id for r in records if r.kind == "duplicate")
    singles = sorted(r.id for r in records if r.kind == "original" and len(by_cluster[r.cluster]) == 1)
    sample = rng.sample(duplicates, min(args.duplicates, len(duplicates))) + rng.sample(
        singles, min(args.singles, len(singles))
    )
    print(f"Generated {len(records)} records in {time.perf_counter() - started:.0f} s", flush=True)

    meta = _loaded(db)
    if meta and (meta["records"], meta["seed"]) != (len(records), args.seed):
        raise SystemExit(f"{db} holds another set ({meta}); use another --db")
    if not meta:
        print(f"Loading {len(records)} records into {db}...", flush=True)
        meta = load(db, records, seed=args.seed, sample_ids=sample)
        print(f"Loaded in {meta['seconds']} s", flush=True)
    else:
        print(f"Reusing {db} ({meta})")
    if args.load_only:
        return 0

    from django.db import connection

    from childnrm.people.linkage_scoring import MATCH_THRESHOLD, blocking_keys
    from childnrm.people.models import Child, ChildBlockingKey

    linkage = _module(args.module)
    site_ids = [meta["site"]]
    by_id = {r.id: r for r in records}
    children = Child.objects.in_bulk(sample)
    for rid in sample[:10]:  # warm the process (caches, connection), as a running service is
        linkage.candidates_for(children[rid], site_ids=site_ids, limit=None)
    if hasattr(linkage, "COUNTS_CACHE_SECONDS"):
        # A running service holds the counts of the common keys (a few hundred at a million children), counted
        # once per COUNTS_CACHE_SECONDS: hold those of the sample, so that what is timed is the search itself.
        for rid in sample:
            linkage.key_counts(blocking_keys(by_id[rid].profile()), site_ids)
    timings, blocked_counts, compared_counts, shown_counts, reached_counts = [], [], [], [], []
    cpu: list[float] = []
    capped = 0
    true_pairs = reached = shown = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('people_childblockingkey'))")
        key_table_size = cursor.fetchone()[0]
    for rid in sample:
        child = children[rid]
        # Timed: the call of the possible-earlier-records check (the page's is the same with the first 20 kept).
        t0, c0 = time.perf_counter(), time.process_time()
        found = linkage.candidates_for(child, site_ids=site_ids, limit=None)
        timings.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)  # this process only: PostgreSQL's share is in the wall time
        capped += bool(getattr(found, "more_than_shown", False))
        shown_ids = {c.child.pk for c in found}
        shown_counts.append(len(shown_ids))
        # Untimed: every blocked candidate scored, for the recall the blocking (and any cap) allows.
        every = linkage.candidates_for(child, site_ids=site_ids, threshold=None, limit=None)
        blocked_counts.append(len(every))
        compared_counts.append(getattr(found, "compared", len(every)))
        partners = [o for o in by_cluster[by_id[rid].cluster] if o != rid]
        true_pairs += len(partners)
        blocked_ids = {c.child.pk for c in every}
        reached += sum(1 for o in partners if o in blocked_ids)
        shown += sum(1 for o in partners if o in shown_ids)
    # Children the blocking reaches before any cap (untimed): every child sharing a key, within the year limits.
    for rid in sample[:50]:
        profile = by_id[rid].profile()
        keys = blocking_keys(profile)
        year, estimated = profile.birth_year
        from django.db.models import Q

        dated = [k for k in keys if not k.startswith("x:")]
        rows = ChildBlockingKey.objects.filter(site_id__in=site_ids).filter(
            (Q(key__in=dated) & linkage._year_filter(year, estimated)) | Q(key__in=[k for k in keys if k[:2] == "x:"])
        )
        reached_counts.append(rows.exclude(child_id=rid).values("child_id").distinct().count())
    timings.sort()
    ms = [1000 * t for t in timings]
    result = {
        "database": db,
        "records": meta["records"],
        "module": args.module or "childnrm/people/linkage.py",
        "searches": len(sample),
        "p50_ms": round(_percentile(ms, 50), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
        "max_ms": round(ms[-1], 1),
        "mean_ms": round(statistics.mean(ms), 1),
        "python_cpu_p50_ms": round(1000 * _percentile(sorted(cpu), 50), 1),
        "python_cpu_p95_ms": round(1000 * _percentile(sorted(cpu), 95), 1),
        "blocking_reach_mean": round(statistics.mean(reached_counts)),
        "blocking_reach_max": max(reached_counts),
        "blocked_mean": round(statistics.mean(blocked_counts), 1),
        "blocked_max": max(blocked_counts),
        "compared_mean": round(statistics.mean(compared_counts), 1),
        "shown_mean": round(statistics.mean(shown_counts), 2),
        "searches_capped": capped,
        "true_pairs": true_pairs,
        "recall_blocked": round(reached / max(true_pairs, 1), 3),
        "recall_shown": round(shown / max(true_pairs, 1), 3),
        "key_table": key_table_size,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(
        f"{result['searches']} searches among {result['records']:,} children ({result['module']}): "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms (mean {result['mean_ms']}; "
        f"CPU of this process p50 {result['python_cpu_p50_ms']} ms, p95 {result['python_cpu_p95_ms']} ms); "
        f"children the keys reach (first 50): mean {result['blocking_reach_mean']}, "
        f"max {result['blocking_reach_max']}; "
        f"blocked (fetched): mean {result['blocked_mean']}, max {result['blocked_max']}; compared name by name: "
        f"mean {result['compared_mean']}; searches that held candidates back: {capped}; "
        f"true pairs {true_pairs}: among those blocked {result['recall_blocked']:.1%}, shown at "
        f"{MATCH_THRESHOLD} {result['recall_shown']:.1%}; key table {key_table_size}"
    )
    print(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("INSTANT_SEARCH_RESULT " + json.dumps(result))
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
