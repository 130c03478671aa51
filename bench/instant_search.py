"""Instant search against the national register (issue 15 item 5): one new referral matched against N children.

    nice -n 10 .venv/bin/python bench/instant_search.py --records 100000 --db h6_instant_100k
    nice -n 10 .venv/bin/python bench/instant_search.py --records 1000000 --db h6_instant_1m

Loads the generated, labelled set (`bench/generated_set.py`, about N records: children, their duplicates with
every kind of variation, twins, siblings and namesakes) into a PostgreSQL database of its own as the children of
one site (the national register), with their blocking keys, by COPY, and a referral for each child, as a live
register has (a child record is made from a referral); a database already loaded with the same records and seed
is reused. The search reads only the referrals that add to a child's profile (aliases, an estimated age, an NHS
number or Home Office reference), but finds them among all of them.

Then times single-record searches, the service's own path (`people.linkage.candidates_for`, as the
possible-matches page and the possible-earlier-records check call it), for a sample of records searched as new
referrals: duplicates (their earlier or later records are in the register) and children with no other record.
The timed call is the one the possible-earlier-records check makes (`threshold` MATCH_THRESHOLD, no limit).
Prints p50, p95 and max, the children the keys reach, the candidates the blocking fetched (at most
MAX_CANDIDATES) and those compared name by name, how often the search said it held candidates back, and the
recall of true pairs among those fetched (an untimed second search with no threshold) and among those shown,
so that a speed-up that drops true candidates shows.

`--module PATH` times `candidates_for` from another copy of `people/linkage.py` (for example the code before a
change) on the same database, for a before/after comparison back to back. `--before PATH` times that copy and the
working tree's in the same run, search by search in turn (each first in every other search), and checks that
every search returns the same ranked records, scores, evidence and held-back signal from both, with the threshold
and without. Beside the wall time (which on a busy machine is mostly waiting for a core) it prints the CPU of this
process and of the PostgreSQL backend serving it (from /proc, the database being on this machine) for each search.
"""

# ruff: noqa: S608 (the one table name is a constant)
from __future__ import annotations

import argparse
import gc
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
EVERY_CHILD_REFERRED = "every child"  # databases loaded before 2026-12-06 hold referrals for some children only


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


def load(db: str, records, *, seed: int, names: str) -> dict:
    """COPY the records in as children of one site, with blocking keys; a referral for each child."""
    from bench import generated_set
    from childnrm.accounts.models import Organisation, OrganisationType, Site
    from childnrm.people.linkage_scoring import stored_keys
    from childnrm.referrals.models import Referral, ReferralStatus

    started = time.perf_counter()
    site = Site.objects.create(name="National register (benchmark)", slug="national-register")
    organisation = Organisation.objects.create(name="Benchmark police", type=OrganisationType.POLICE)
    areas = {
        code: Organisation.objects.create(name=f"Local authority {code}", type=OrganisationType.LOCAL_AUTHORITY).pk
        for code in sorted({r.local_authority for r in records if r.local_authority})
    }
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
            "date_of_birth_estimated, sex, nationalities, local_authority_id, created_at, updated_at, "
            "correspondence_language) FROM STDIN",
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
                        areas.get(r.local_authority),
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
                profile = service_profile(r, areas)
                year, estimated = profile.birth_year
                tail = f"\t{_text(year)}\t{'t' if estimated else 'f'}\n"
                for key in sorted(stored_keys(profile)):
                    yield f"{r.id}\t{site.pk}\t{_text(key)}{tail}"

        _copy(cur, f"COPY {table} (child_id, site_id, key, birth_year, birth_year_estimated) FROM STDIN", key_lines())
        print(f"  blocking keys copied at {time.perf_counter() - started:.0f} s", flush=True)
        cur.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cur.execute(definition)
        print(f"  key indexes built at {time.perf_counter() - started:.0f} s", flush=True)

    for start in range(0, len(records), 2000):
        Referral.objects.bulk_create(
            Referral(
                reference=f"NRM-{r.id:08d}",  # random ones collide once in two million-referral loads
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
                nhs_number=r.nhs_number_kept,
                home_office_reference=r.home_office_reference,
                submitted_at=generated_set._midday(r.referred_on),
            )
            for r in records[start : start + 2000]
        )
    print(f"  {len(records)} referrals written at {time.perf_counter() - started:.0f} s", flush=True)
    with _raw(db) as c:
        c.execute("VACUUM (ANALYZE)")  # statistics, and the visibility map index-only scans rely on
    meta = {
        "records": len(records),
        "seed": seed,
        "names": names,
        "site": site.pk,
        "areas": areas,
        "referrals": EVERY_CHILD_REFERRED,
        "seconds": round(time.perf_counter() - started),
    }
    with _raw(db) as c:
        c.execute(f"DELETE FROM {META_TABLE}")
        c.execute(f"INSERT INTO {META_TABLE} VALUES (%s)", [json.dumps(meta)])
    return meta


def service_profile(record, areas: dict[str, int]):
    """A record's profile as the service makes it of the loaded child: its area by the local authority's id."""
    from dataclasses import replace

    return replace(record, local_authority=str(areas.get(record.local_authority, ""))).profile()


def _generated(records: int, seed: int, names: str) -> list:
    """The generated set, kept in var/ after the first run (a million records take minutes to generate)."""
    from bench import generated_set

    kept = ROOT / "var" / f"instant_search_{records}_{seed}_{names}_identifiers.pickle"  # sets made since 2026-12-06
    if kept.exists():
        with kept.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - our own file, written below
    made = generated_set.generate(_base_for(records), seed=seed, names=names)
    kept.parent.mkdir(exist_ok=True)
    with kept.open("wb") as f:
        pickle.dump(made, f, protocol=pickle.HIGHEST_PROTOCOL)
    return made


def _module(path: str | None):
    if not path:
        from childnrm.people import linkage

        return linkage
    # A name of its own per copy: two copies (--module and --before) are loaded side by side.
    spec = importlib.util.spec_from_file_location(f"bench_linkage_{abs(hash(path)):x}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _sample(records, *, seed: int, duplicates: int, singles: int) -> tuple[list[int], dict[int, list[int]]]:
    """The records searched (duplicates, then children with no other record), and the records of each cluster."""
    by_cluster: dict[int, list[int]] = {}
    for r in records:
        by_cluster.setdefault(r.cluster, []).append(r.id)
    rng = random.Random(seed)
    duplicate_ids = sorted(r.id for r in records if r.kind == "duplicate")
    single_ids = sorted(r.id for r in records if r.kind == "original" and len(by_cluster[r.cluster]) == 1)
    sample = rng.sample(duplicate_ids, min(duplicates, len(duplicate_ids))) + rng.sample(
        single_ids, min(singles, len(single_ids))
    )
    return sample, by_cluster


def _backend_cpu() -> float | None:
    """Seconds of CPU the PostgreSQL backend serving this process has used (Linux, the database on this machine):
    its share of a search, which the wall time mixes with waiting for a core on a busy machine."""
    from django.db import connection

    global _BACKEND_PID
    if _BACKEND_PID is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _BACKEND_PID = cursor.fetchone()[0]
    try:
        with open(f"/proc/{_BACKEND_PID}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except OSError:
        return None


_BACKEND_PID: int | None = None


def _summary(name: str, seconds: list[float]) -> dict:
    ms = sorted(1000 * t for t in seconds)
    return {
        f"{name}_p50_ms": round(_percentile(ms, 50), 1),
        f"{name}_p95_ms": round(_percentile(ms, 95), 1),
        f"{name}_mean_ms": round(statistics.mean(ms), 1),
    }


def _ranked(found) -> tuple:
    """What a search returned, for comparing two copies of the code: the ranked records, scores and evidence."""
    return (
        bool(getattr(found, "more_than_shown", False)),
        tuple((c.child.pk, c.match.score, tuple(e.text for e in c.match.evidence)) for c in found),
    )


class _Timings:
    """One copy of the code's searches: wall and CPU time of each timed call, and what each search found."""

    def __init__(self, linkage, label: str) -> None:
        self.linkage, self.label = linkage, label
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.backend_cpu: list[float] = []
        self.results: list[tuple] = []  # (timed call's result, every blocked candidate's), by search
        self.blocked: list[int] = []
        self.compared: list[int] = []
        self.shown: list[int] = []
        self.capped = self.true_pairs = self.reached = self.shown_pairs = 0

    def search(self, child, site_ids: list[int]) -> None:
        # Timed: the call of the possible-earlier-records check (the page's is the same with the first 20 kept).
        t0, c0, b0 = time.perf_counter(), time.process_time(), _backend_cpu()
        found = self.linkage.candidates_for(child, site_ids=site_ids, limit=None)
        self.wall.append(time.perf_counter() - t0)
        self.cpu.append(time.process_time() - c0)  # this process only: PostgreSQL's share is in the wall time
        if b0 is not None:
            self.backend_cpu.append(_backend_cpu() - b0)
        self._found = found

    def untimed(self, child, site_ids: list[int], partners: list[int]) -> None:
        """Every blocked candidate scored (no threshold), for the recall the blocking (and any cap) allows."""
        found = self._found
        every = self.linkage.candidates_for(child, site_ids=site_ids, threshold=None, limit=None)
        self.results.append((_ranked(found), _ranked(every)))
        self.capped += bool(getattr(found, "more_than_shown", False))
        shown_ids = {c.child.pk for c in found}
        blocked_ids = {c.child.pk for c in every}
        self.shown.append(len(shown_ids))
        self.blocked.append(len(every))
        self.compared.append(getattr(found, "compared", len(every)))
        self.true_pairs += len(partners)
        self.reached += sum(1 for o in partners if o in blocked_ids)
        self.shown_pairs += sum(1 for o in partners if o in shown_ids)

    def result(self) -> dict:
        ms = sorted(1000 * t for t in self.wall)
        return {
            "module": self.label,
            "searches": len(ms),
            "p50_ms": round(_percentile(ms, 50), 1),
            "p95_ms": round(_percentile(ms, 95), 1),
            "max_ms": round(ms[-1], 1),
            "mean_ms": round(statistics.mean(ms), 1),
            **_summary("python_cpu", self.cpu),
            **(_summary("postgres_cpu", self.backend_cpu) if self.backend_cpu else {}),
            # The search's CPU on both sides, search by search: what a machine with a core free for each would take.
            **(
                _summary("cpu_both", [c + b for c, b in zip(self.cpu, self.backend_cpu, strict=True)])
                if self.backend_cpu
                else {}
            ),
            "blocked_mean": round(statistics.mean(self.blocked), 1),
            "blocked_max": max(self.blocked),
            "compared_mean": round(statistics.mean(self.compared), 1),
            "shown_mean": round(statistics.mean(self.shown), 2),
            "searches_capped": self.capped,
            "true_pairs": self.true_pairs,
            "recall_blocked": round(self.reached / max(self.true_pairs, 1), 3),
            "recall_shown": round(self.shown_pairs / max(self.true_pairs, 1), 3),
        }


def _reach(linkage, by_id, sample: list[int], site_ids: list[int]) -> list[int]:
    """Children the blocking reaches before any cap (untimed): every child sharing a key, within the year limits."""
    from django.db.models import Q

    from childnrm.people.linkage_scoring import any_year, blocking_keys
    from childnrm.people.models import ChildBlockingKey

    reached = []
    for rid in sample:
        profile = by_id[rid].profile()
        keys = blocking_keys(profile)
        year, estimated = profile.birth_year
        dated = [k for k in keys if not any_year(k)]
        rows = ChildBlockingKey.objects.filter(site_id__in=site_ids).filter(
            (Q(key__in=dated) & linkage._year_filter(year, estimated)) | Q(key__in=[k for k in keys if any_year(k)])
        )
        reached.append(rows.exclude(child_id=rid).values("child_id").distinct().count())
    return reached


def _print(result: dict, reached: list[int], key_table_size: str) -> None:
    from childnrm.people.linkage_scoring import MATCH_THRESHOLD

    print(
        f"{result['searches']} searches among {result['records']:,} children ({result['module']}): "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms (mean {result['mean_ms']}; "
        f"CPU of this process p50 {result['python_cpu_p50_ms']} ms, p95 {result['python_cpu_p95_ms']} ms, "
        f"mean {result['python_cpu_mean_ms']} ms; PostgreSQL backend CPU p50 {result.get('postgres_cpu_p50_ms')} ms, "
        f"p95 {result.get('postgres_cpu_p95_ms')} ms, mean {result.get('postgres_cpu_mean_ms')} ms; both p50 "
        f"{result.get('cpu_both_p50_ms')} ms, p95 {result.get('cpu_both_p95_ms')} ms); "
        f"children the keys reach (first 50): mean {round(statistics.mean(reached))}, max {max(reached)}; "
        f"blocked (fetched): mean {result['blocked_mean']}, max {result['blocked_max']}; compared name by name: "
        f"mean {result['compared_mean']}; searches that held candidates back: {result['searches_capped']}; "
        f"true pairs {result['true_pairs']}: among those blocked {result['recall_blocked']:.1%}, shown at "
        f"{MATCH_THRESHOLD} {result['recall_shown']:.1%}; key table {key_table_size}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="about this many child records (default 100000)")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument(
        "--names", choices=("realistic", "uniform"), default="realistic", help="generated_set.NAME_MODELS"
    )
    parser.add_argument("--db", help="PostgreSQL database (created and loaded once; default instant_search_N)")
    parser.add_argument("--duplicates", type=int, default=200, help="duplicate records searched (default 200)")
    parser.add_argument("--singles", type=int, default=100, help="children with no other record searched (100)")
    parser.add_argument("--module", help="time candidates_for from this copy of people/linkage.py instead")
    parser.add_argument(
        "--before",
        help="also time this copy of people/linkage.py, search by search in turn with the working tree's, and check "
        "that every search returns the same ranked records, scores and evidence from both",
    )
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
    records = _generated(args.records, args.seed, args.names)
    sample, by_cluster = _sample(records, seed=args.seed, duplicates=args.duplicates, singles=args.singles)
    print(f"Generated {len(records)} records in {time.perf_counter() - started:.0f} s", flush=True)

    meta = _loaded(db)
    # a database loaded before names had models holds the uniform set
    if meta and (meta["records"], meta["seed"], meta.get("names", "uniform")) != (len(records), args.seed, args.names):
        raise SystemExit(f"{db} holds another set ({meta}); use another --db")
    if meta and meta.get("referrals") != EVERY_CHILD_REFERRED:
        raise SystemExit(f"{db} holds referrals for some children only (loaded before 2026-12-06); use another --db")
    if not meta:
        print(f"Loading {len(records)} records into {db}...", flush=True)
        meta = load(db, records, seed=args.seed, names=args.names)
        print(f"Loaded in {meta['seconds']} s", flush=True)
    else:
        print(f"Reusing {db} ({meta})")
    if args.load_only:
        return 0

    from django.db import connection

    from bench.cpu import python_reference_ms
    from childnrm.people.linkage_scoring import stored_keys
    from childnrm.people.models import Child

    runs = [_Timings(_module(args.module), args.module or "childnrm/people/linkage.py")]
    if args.before:
        runs.insert(0, _Timings(_module(args.before), args.before))
    site_ids = [meta["site"]]
    by_id = {r.id: r for r in records}
    children = Child.objects.in_bulk(sample)
    # The harness holds the generated set (a million records) that a service process never does: a full garbage
    # collection walking it took about a second, inside one timed search in most runs. Frozen, it is not walked.
    gc.collect()
    gc.freeze()
    for run in runs:
        for rid in sample[:10]:  # warm the process (caches, connection), as a running service is
            run.linkage.candidates_for(children[rid], site_ids=site_ids, limit=None)
    # A running service holds the counts of the common keys (a few hundred at a million children), counted
    # once per COUNTS_CACHE_SECONDS: hold those of the sample, so that what is timed is the search itself.
    for rid in sample:
        profile = service_profile(by_id[rid], meta.get("areas", {}))
        runs[-1].linkage.key_counts(stored_keys(profile), site_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('people_childblockingkey'))")
        key_table_size = cursor.fetchone()[0]
    for n, rid in enumerate(sample):
        partners = [o for o in by_cluster[by_id[rid].cluster] if o != rid]
        # With --before, each copy goes first in every other search, so neither has the other's warm caches.
        turn = runs if n % 2 == 0 else runs[::-1]
        for run in turn:
            run.search(children[rid], site_ids)
        for run in turn:
            run.untimed(children[rid], site_ids, partners)
    reached = _reach(runs[-1].linkage, by_id, sample[:50], site_ids)
    reference_ms = python_reference_ms()
    print(f"Python reference loop (bench.cpu.python_reference_ms): {reference_ms} ms CPU", flush=True)
    for run in runs:
        result = {"database": db, "records": meta["records"], **run.result()}
        result |= {"blocking_reach_mean": round(statistics.mean(reached)), "blocking_reach_max": max(reached)}
        result |= {"key_table": key_table_size, "load_average_end": [round(x, 2) for x in os.getloadavg()]}
        result |= {"python_reference_ms": reference_ms}
        _print(result, reached, key_table_size)
        print("INSTANT_SEARCH_RESULT " + json.dumps(result))
    if args.before:
        before, after = runs
        same = sum(1 for x, y in zip(before.results, after.results, strict=True) if x == y)
        print(
            f"Same ranked records, scores, evidence and held-back signal, with the threshold and without: "
            f"{same} of {len(sample)} searches"
        )
    print(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
