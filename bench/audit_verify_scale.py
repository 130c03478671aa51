"""`audit_verify` over millions of events: bulk-generate a sealed trail on PostgreSQL, then time the check.

    .venv/bin/python bench/audit_verify_scale.py --events 1000000
    .venv/bin/python bench/audit_verify_scale.py --events 10000000 --database-url postgres://...

Events are generated in Python with the service's own formats (each event's HMAC as `chain.seal` makes
it, its Merkle leaf as `chain.leaf_text`), copied in with COPY, and sealed in batches of `--batch` as
`audit_seal` would; a sample is cross-checked against `seal_event` and PostgreSQL's own leaf. Then
`audit_verify()` runs over the whole trail (what `manage.py audit_verify` runs) and its time is printed
with the load average, which matters on a shared machine. The database (default
postgres://postgres@127.0.0.1:5432/childnrm_audit_verify_bench) is created and migrated if missing; its
audit tables are emptied first. Loopback only.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/childnrm_audit_verify_bench"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ACTIONS = ("view", "view", "view", "list", "update", "download", "sign_in")
PURPOSES = ("Panel case management", "Oversight of access to a child's record", "")


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CHILDNRM_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
    sys.path.insert(0, str(ROOT))
    import django
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _events(count: int, start: datetime):
    """(copy line, leaf) for each event; HMACs made as `chain.seal` makes them."""
    from childnrm.audit.chain import _key

    key = _key()
    digest = hmac.digest
    sha256 = hashlib.sha256
    t0 = int(start.timestamp() * 1_000_000)
    for seq in range(1, count + 1):
        micros = t0 + seq * 1_000
        when = _EPOCH + timedelta(microseconds=micros)
        actor = 1 + seq % 270
        site = 1 + seq % 12
        action = ACTIONS[seq % len(ACTIONS)]
        object_id = str(seq % 100_000)
        purpose = PURPOSES[seq % len(PURPOSES)]
        ip = f"10.{seq % 250}.{seq // 250 % 250}.1"
        detail = {"page": seq % 7} if action == "list" else {}
        iso = when.isoformat(timespec="microseconds")
        body = json.dumps(
            [
                seq,
                "",
                iso,
                actor,
                actor % 40,
                site,
                "coordinator",
                action,
                "people.child",
                object_id,
                purpose,
                ip,
                detail,
            ],
            sort_keys=True,
            separators=(",", ":"),
        )
        mac = digest(key, body.encode(), "sha256").hex()
        detail_text = f'{{"page": {detail["page"]}}}' if detail else "{}"
        leaf_text = "\x1f".join(
            (
                str(seq),
                str(micros),
                str(actor),
                str(actor % 40),
                str(site),
                "coordinator",
                action,
                "people.child",
                object_id,
                purpose,
                ip,
                detail_text,
                "",
                mac,
            )
        )
        line = (
            f"{seq}\t{seq}\t{iso}\t{actor}\t{actor % 40}\t{site}\tcoordinator\t{action}\tpeople.child\t{object_id}\t"
            f"{purpose}\t{ip}\t{json.dumps(detail)}\t\t{mac}\n"
        )
        yield line, sha256(b"\x00" + leaf_text.encode()).digest()


def generate(count: int, batch: int) -> float:
    from django.db import connection
    from django.utils import timezone

    from childnrm.audit.chain import GENESIS_HASH, merkle_root, seal_hash

    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection  # autocommit, as Django leaves it
    with raw.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # bench only: empty the tables first
        cur.execute("TRUNCATE audit_auditevent, audit_auditseal")
        cur.execute("RESET session_replication_role")
        cur.execute("DROP INDEX IF EXISTS audit_object_idx")
        cur.execute("DROP INDEX IF EXISTS audit_actor_idx")
        cur.execute("SET synchronous_commit = off")
    columns = (
        "id, seq, occurred_at, actor_id, organisation_id, site_id, role, action, object_type, object_id, purpose, ip,"
        " detail, prev_hash, hash"
    )
    number, prev_hash = 0, GENESIS_HASH
    seal_rows = []
    leaves: list[bytes] = []
    first = 1
    now = timezone.now()
    with raw.cursor() as cur, cur.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
        chunk: list[str] = []
        for seq, (line, leaf) in enumerate(_events(count, now - timedelta(days=400)), start=1):
            chunk.append(line)
            leaves.append(leaf)
            if len(chunk) >= 20_000:
                copy.write("".join(chunk))
                chunk.clear()
            if len(leaves) == batch or seq == count:
                number += 1
                fields = dict(
                    number=number,
                    sealed_at=now,
                    first_seq=first,
                    last_seq=seq,
                    runs=[[first, seq]],
                    count=len(leaves),
                    root=merkle_root(leaves),
                    prev_hash=prev_hash,
                )
                prev_hash = seal_hash(**fields)
                seal_rows.append((fields, prev_hash))
                leaves, first = [], seq + 1
            if seq % 1_000_000 == 0:
                print(f"  generated {seq:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
        copy.write("".join(chunk))
    with raw.cursor() as cur:
        for fields, digest in seal_rows:
            cur.execute(
                "INSERT INTO audit_auditseal (number, sealed_at, first_seq, last_seq, runs, holes, count, root,"
                " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, '[]', %s, %s, %s, %s)",
                [
                    fields["number"],
                    fields["sealed_at"],
                    fields["first_seq"],
                    fields["last_seq"],
                    json.dumps(fields["runs"]),
                    fields["count"],
                    fields["root"],
                    fields["prev_hash"],
                    digest,
                ],
            )
        cur.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s)", [count])
    print(f"  copied {count:,} events and {number:,} seals; rebuilding indexes", flush=True)
    with raw.cursor() as cur:
        cur.execute("CREATE INDEX audit_object_idx ON audit_auditevent (object_type, object_id, seq DESC)")
        cur.execute("CREATE INDEX audit_actor_idx ON audit_auditevent (actor_id, seq DESC)")
    raw.execute("VACUUM ANALYZE audit_auditevent")
    raw.execute("CHECKPOINT")
    return time.perf_counter() - started


def _cross_check() -> None:
    from django.db import connection

    from childnrm.audit.chain import LEAF_TEXT_SQL, leaf_text, seal_event
    from childnrm.audit.models import AuditEvent

    sample = list(AuditEvent.objects.order_by("?")[:200])
    assert all(seal_event(e) == e.hash for e in sample), "generated HMACs differ from chain.seal"
    with connection.cursor() as cursor:
        query = f"SELECT seq, {LEAF_TEXT_SQL} FROM audit_auditevent WHERE seq = ANY(%s)"  # noqa: S608 - constant
        cursor.execute(query, [[e.seq for e in sample]])
        in_sql = dict(cursor.fetchall())
    assert in_sql == {e.seq: leaf_text(e) for e in sample}, "generated leaves differ from PostgreSQL's"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000, help="events per seal (audit_seal's SEAL_BATCH)")
    parser.add_argument("--database-url", default=os.environ.get("AUDIT_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reuse", action="store_true", help="verify the trail already there, do not generate")
    args = parser.parse_args()
    _setup(args.database_url)
    from childnrm.audit.models import AuditEvent
    from childnrm.audit.services import audit_verify

    if not args.reuse:
        print(f"Generating {args.events:,} sealed events (load {os.getloadavg()[0]:.2f})", flush=True)
        print(f"  done in {generate(args.events, args.batch):.0f} s", flush=True)
        _cross_check()
    events = AuditEvent.objects.count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started, cpu = time.perf_counter(), time.process_time()
    report = audit_verify()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    status = "intact" if report.ok else f"{len(report.problems)} problem(s): {report.problems[:3]}"
    print(
        f"audit_verify: {elapsed:.1f} s for {report.checked:,} events ({events:,} in the table) in "
        f"{report.head_seal:,} seals ({report.checked / elapsed:,.0f} events/s; this process's CPU {cpu:.1f} s, "
        f"PostgreSQL's builds the leaves beside it): {status}; "
        f"load average before: {load}; after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
