"""The audit ceiling: audited vs unaudited write transactions per second, by number of concurrent clients.

Each client is a separate process (no shared GIL) with its own PostgreSQL connection, doing a small write
transaction in a loop for a fixed time: `--reads` primary-key SELECTs (a page of the service runs 16-30
statements, docs/benchmarks.md; 0 gives the bare write), one INSERT into a scratch table, and, when audited,
one `audit_record()` call in the same transaction, exactly as a view or service does. Unaudited and audited
runs alternate at each client count, so their ratio is measured under the same machine load. A third run
replays the previous design's statements (before ADR 0012: a global advisory lock held until commit, the
last event read, the new one chained to it) into a copy of the audit table, for the before/after. The load
average is printed next to each row because the figures only mean something on a quiet machine.
If the audit service has a sealer (`audit_seal`), one extra process seals every second while the audited
clients run, as the periodic sealing task would in production.

    .venv/bin/python bench/audit_ceiling.py                     # 1 2 4 8 16 32 clients, 5 s each
    .venv/bin/python bench/audit_ceiling.py --clients 1,16 --seconds 10 --database-url postgres://...

The database (default: postgres://postgres@127.0.0.1:5432/childnrm_audit_bench) is created and migrated
when it does not exist. Loopback only; bounded by time.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/childnrm_audit_bench"


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CHILDNRM_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    os.environ["DATABASE_CONN_MAX_AGE"] = "600"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_audit_scratch (id bigserial PRIMARY KEY, n integer, at timestamptz)"
        )
        # The previous design's table: the audit table as it was (seq indexed, not unique), without triggers.
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_audit_legacy (LIKE audit_auditevent INCLUDING DEFAULTS INCLUDING IDENTITY"
            " INCLUDING INDEXES EXCLUDING CONSTRAINTS)"
        )


_LEGACY_LOCK = 0x43484E524D  # the previous design's one chain lock


def _legacy_record(done: int) -> None:
    """What `audit_record` did before batch sealing: serialise on one lock, read the head, chain to it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from childnrm.audit.chain import GENESIS_HASH, seal

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LEGACY_LOCK])
        cursor.execute("SELECT seq, hash FROM bench_audit_legacy ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        fields = dict(
            seq=seq,
            prev_hash=prev,
            occurred_at=timezone.now(),
            actor_id=None,
            organisation_id=None,
            site_id=None,
            role="",
            action="update",
            object_type="bench.scratch",
            object_id=str(done),
            purpose="Benchmark",
            ip=None,
            detail={},
        )
        cursor.execute(
            "INSERT INTO bench_audit_legacy (seq, prev_hash, occurred_at, role, action, object_type, object_id,"
            " purpose, detail, hash) VALUES (%s, %s, %s, '', 'update', 'bench.scratch', %s, 'Benchmark', '{}', %s)",
            [seq, prev, fields["occurred_at"], str(done), seal(**fields)],
        )


def _client(mode: str, seconds: float, reads: int, start: mp.Barrier, results: mp.Queue) -> None:
    from django.db import connection, transaction

    from childnrm.audit.services import audit_record

    connection.close()  # never share the parent's connection after fork
    start.wait()
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for i in range(reads):
                    cursor.execute("SELECT id, n, at FROM bench_audit_scratch WHERE id = %s", [done * 7 + i])
                    cursor.fetchall()
                cursor.execute("INSERT INTO bench_audit_scratch (n, at) VALUES (%s, now())", [done])
            if mode == "audited":
                audit_record(action="update", object_type="bench.scratch", object_id=str(done), purpose="Benchmark")
            elif mode == "legacy":
                _legacy_record(done)
        done += 1
    connection.close()
    results.put(done)


def _sealer(seconds: float, start: mp.Barrier, results: mp.Queue) -> None:
    from django.db import connection

    from childnrm.audit import services

    connection.close()
    start.wait()
    sealed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sealed += services.audit_seal().events
        time.sleep(1)
    connection.close()
    results.put(sealed)


def _run(clients: int, mode: str, seconds: float, reads: int) -> float:
    from django.db import connections

    from childnrm.audit import services

    connections.close_all()
    ctx = mp.get_context("fork")
    sealing = mode == "audited" and hasattr(services, "audit_seal")
    start = ctx.Barrier(clients + (1 if sealing else 0) + 1)
    results: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(mode, seconds, reads, start, results)) for _ in range(clients)]
    if sealing:
        procs.append(ctx.Process(target=_sealer, args=(seconds, start, results)))
    for proc in procs:
        proc.start()
    start.wait()
    began = time.monotonic()
    counts = [results.get(timeout=seconds + 120) for _ in range(clients)]
    elapsed = time.monotonic() - began
    if sealing:
        results.get(timeout=seconds + 120)
    for proc in procs:
        proc.join(timeout=60)
    return sum(counts) / elapsed


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,2,4,8,16,32", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each run (default 5)")
    parser.add_argument("--reads", type=int, default=0, help="SELECTs in each transaction before the write")
    parser.add_argument("--database-url", default=os.environ.get("AUDIT_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the ceiling is measured on PostgreSQL")
    _setup_django(args.database_url)
    _ensure_database(args.database_url)
    print(
        f"Audit ceiling; each transaction: {args.reads} SELECTs + 1 INSERT (+ 1 audit event);"
        f" {args.seconds:g} s per run; {os.cpu_count()} CPUs; PostgreSQL"
    )
    print()
    columns = ["clients", "unaudited tx/s", "audited, global lock (before)", "audited, batch sealing (now)"]
    columns += ["now / unaudited", "load average (1, 5, 15 min)"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("-" * (len(c) + 1) + ":" for c in columns[:-1]) + "|---|")
    for clients in (int(c) for c in args.clients.split(",")):
        load = _load()
        plain = _run(clients, "unaudited", seconds=args.seconds, reads=args.reads)
        legacy = _run(clients, "legacy", seconds=args.seconds, reads=args.reads)
        audited = _run(clients, "audited", seconds=args.seconds, reads=args.reads)
        print(
            f"| {clients:7d} | {plain:14.0f} | {legacy:29.0f} | {audited:28.0f} | {audited / plain:15.0%} | {load} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
