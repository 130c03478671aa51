"""Queries per page against a seeded benchmark database: is there a query per row?

Loads each page once (after one warm-up load) with Django's test client, signed in as the page's
user with both factors (as bench/login.py does), and counts the SQL statements (and the time they took) with
`CaptureQueriesContext`. Statements that differ only in their literal values are grouped: a group
repeated many times on one page is a query per row. By default only the panel pages (meetings and
agendas, decisions, safeguarding, dashboard); `--all` for every page the seed's samples can fill.

    DJANGO_SETTINGS_MODULE=bench.settings_bench CHILDNRM_ENV=development \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/childnrm_bench_quick \\
        .venv/bin/python -m bench.query_counts [--all] [--show 3] [--slowest]

The counts include the session, user and second-factor look-ups and the audit event each view of a
child's data writes (a handful of statements on every signed-in page).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from importlib import import_module

PANEL_PREFIXES = ("/panels/", "/decisions/", "/safeguarding/", "/dashboard/")
_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


def _shape(sql: str) -> str:
    """The statement with its literal values taken out."""
    return re.sub(r"\(\s*%s(?:\s*,\s*%s)*\s*\)", "(...)", _LITERALS.sub("?", sql))


def _session_cookie(email: str) -> tuple[str, str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SystemExit(f"{email} has no confirmed authenticator device")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that signs in by password
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return settings.SESSION_COOKIE_NAME, session.session_key


def _values() -> dict:
    """The samples the seed kept in the database's comment, and the run's own values (first pages)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
        row = cur.fetchone()
    if not row or not row[0]:
        raise SystemExit("this database was not seeded by bench/run.py (no marker in its comment)")
    marker = json.loads(row[0])
    return {
        **marker.get("samples", {}),
        "record": marker["record_reference"],
        "hot": marker["hot_references"][0],
        "deep_page": 1,
        "queue_deep_page": 1,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQL statements per page on the seeded benchmark database")
    parser.add_argument("--all", action="store_true", help="every page, not only the panel pages (issue 4)")
    parser.add_argument("--show", type=int, default=3, help="show statements repeated at least this many times")
    parser.add_argument("--slowest", action="store_true", help="show each page's slowest statement")
    parser.add_argument("--json", action="store_true", help="print one JSON line per page instead of a table")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import PAGES

    values = _values()
    pages = [p.filled(values) for p in PAGES if p.signed_in]
    if not args.all:
        pages = [p for p in pages if p.path.startswith(PANEL_PREFIXES)]
    cookies: dict[str, tuple[str, str]] = {}
    failed = False
    if not args.json:
        print(f"{'page':<52} {'status':>6} {'queries':>7} {'SQL ms':>7}  path")
    for page in pages:
        if page.user not in cookies:
            cookies[page.user] = _session_cookie(page.user)
        name, key = cookies[page.user]
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[name] = key
        client.get(page.path)  # warm-up: caches, first-request work
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        body = response.content.decode("utf-8", "replace")
        ok = response.status_code == 200 and page.expect in body
        failed |= not ok
        shapes = Counter(_shape(q["sql"]) for q in captured.captured_queries)
        repeated = [(n, s) for s, n in shapes.most_common() if n >= args.show]
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
        if args.json:
            top = {"ms": round(float(slowest["time"]) * 1000, 1), "sql": slowest["sql"][:300]} if slowest else None
            line = {"page": page.label, "path": page.path, "status": response.status_code}
            line |= {"expected_text_found": page.expect in body, "queries": len(captured), "sql_ms": round(sql_ms, 1)}
            line |= {"slowest": top, "repeated": [{"times": n, "sql": s[:300]} for n, s in repeated]}
            print(json.dumps(line))
            continue
        flag = "" if ok else "  <-- expected text missing" if response.status_code == 200 else "  <-- not 200"
        print(f"{page.label:<52} {response.status_code:>6} {len(captured):>7} {sql_ms:>7.1f}  {page.path}{flag}")
        if slowest is not None and args.slowest:
            print(f"{'':<52} slowest {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:220]}")
        for n, s in repeated:
            print(f"{'':<52} {'':>6} {n:>6}x  {s[:220]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
