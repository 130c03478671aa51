"""The audit ceiling: audited vs unaudited write transactions per second, by number of concurrent clients.

Each client is a separate process (no shared GIL) with its own PostgreSQL connection, doing a small write
transaction in a loop for a fixed time: `--reads` primary-key SELECTs (a page of the service runs 16-30
statements, docs/benchmarks.md; 0 gives the bare write), one INSERT into a scratch table, and, when audited,
one `audit_record()` call in the same transaction, exactly as a view or service does. Unaudited and audited
runs alternate at each client count, so their ratio is measured under the same machine load. A third run
replays the previous design's statements (before ADR 0012: a global advisory lock held until commit, the
last event read, the new one chained to it) into a copy of the audit table, for the before/after. The load
average is printed next to each row because the figures only mean something on a quiet machine.
If the audit service has a sealer (`audit_seal`), one extra process seals every `--seal-every` seconds while the
audited clients run (1 by default: sixty times the rate of the production task, which runs every minute).

    .venv/bin/python bench/audit_ceiling.py                     # 1 2 4 8 16 32 clients, 5 s each
    .venv/bin/python bench/audit_ceiling.py --page              # the service's own child record instead

With `--page`, each transaction is a real request for a child's record (the whole middleware stack, the view,
its queries and its template, signed in as the site's coordinator with both factors), made in-process with
Django's test client so no HTTP server's CPU is counted; unaudited runs switch auditing off in the client
processes as `bench/settings_bench_unaudited.py` does. This is the figure the issue's target is about: what
auditing costs a request of the service at 16 clients. The demo is loaded into the database the first time.
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


def _ensure_demo() -> str:
    """The demo in the database (once); the path of a Northbridge child's record."""
    from django.core.management import call_command

    from childnrm.accounts.models import User
    from childnrm.people.models import Child

    if not User.objects.exists():
        call_command("seed_demo", verbosity=0)
    child = Child.objects.filter(site__slug="northbridge").order_by("pk").first()
    assert child is not None, "the demo has no Northbridge child"
    return f"/children/{child.reference}/"


def _page_client(page: str, audited: bool):
    """A coordinator signed in with both factors, as after the sign-in journey (as the tests' `signed_in`)."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from childnrm.accounts.models import User
    from childnrm.people.demo import demo_email

    settings.ALLOWED_HOSTS = ["testserver"]
    if not audited:  # exactly what bench/settings_bench_unaudited.py sets
        settings.ENVIRONMENT, settings.AUDIT_ENABLED = "bench", False
    user = User.objects.get(email=demo_email("coordinator", "northbridge"))
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    assert client.get(page).status_code == 200, f"{page} did not open for the coordinator"
    return client


def _client(mode: str, seconds: float, reads: int, start: mp.Barrier, results: mp.Queue, page: str = "") -> None:
    from django.db import connection, transaction

    from childnrm.audit.services import audit_record

    connection.close()  # never share the parent's connection after fork
    if page:
        client = _page_client(page, audited=mode == "audited")
    start.wait()
    done = 0
    deadline = time.monotonic() + seconds
    while page and time.monotonic() < deadline:
        if client.get(page).status_code != 200:
            raise SystemExit(f"{page} failed")
        done += 1
    while not page and time.monotonic() < deadline:
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


def _sealer(seconds: float, every: float, start: mp.Barrier, results: mp.Queue) -> None:
    from django.db import connection

    from childnrm.audit import services

    connection.close()
    start.wait()
    sealed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sealed += services.audit_seal().events
        time.sleep(every)
    connection.close()
    results.put(sealed)


def _run(clients: int, mode: str, seconds: float, reads: int, page: str = "", seal_every: float = 1.0) -> float:
    from django.db import connections

    from childnrm.audit import services

    connections.close_all()
    ctx = mp.get_context("fork")
    sealing = mode == "audited" and hasattr(services, "audit_seal") and seal_every > 0
    start = ctx.Barrier(clients + (1 if sealing else 0) + 1)
    results: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(mode, seconds, reads, start, results, page)) for _ in range(clients)]
    if sealing:
        procs.append(ctx.Process(target=_sealer, args=(seconds, seal_every, start, results)))
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
    parser.add_argument(
        "--seal-every",
        type=float,
        default=1.0,
        help="seconds between the sealer's runs while audited clients run (1: sixty times the production task's"
        " rate, the harshest case; 0: no sealer)",
    )
    parser.add_argument("--page", action="store_true", help="a child's record page instead of bare statements")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the ceiling is measured on PostgreSQL")
    _setup_django(args.database_url)
    _ensure_database(args.database_url)
    page = _ensure_demo() if args.page else ""
    work = "one request for a child's record" if page else f"{args.reads} SELECTs + 1 INSERT"
    print(
        f"Audit ceiling; each transaction: {work} (+ 1 audit event); {args.seconds:g} s per run; "
        f"{os.cpu_count()} CPUs; PostgreSQL; sealer every {args.seal_every:g} s (0: none)"
    )
    print()
    columns = ["clients", "unaudited tx/s"] + ([] if page else ["audited, global lock (before)"])
    columns += ["audited, batch sealing (now)", "now / unaudited", "load average (1, 5, 15 min)"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("-" * (len(c) + 1) + ":" for c in columns[:-1]) + "|---|")
    for clients in (int(c) for c in args.clients.split(",")):
        load = _load()
        plain = _run(clients, "unaudited", seconds=args.seconds, reads=args.reads, page=page)
        # The previous design's lock is replayed for bare statements only (the service no longer has it).
        legacy = "" if page else f" {_run(clients, 'legacy', seconds=args.seconds, reads=args.reads):29.0f} |"
        audited = _run(
            clients, "audited", seconds=args.seconds, reads=args.reads, page=page, seal_every=args.seal_every
        )
        print(
            f"| {clients:7d} | {plain:14.0f} |{legacy} {audited:28.0f} | {audited / plain:15.0%} | {load} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
