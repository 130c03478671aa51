"""The benchmark: seed a national-scale PostgreSQL database, serve it with gunicorn, load pages with wrk.

Use `bash bench/run.sh` (full: 100,000 children, 10,000,000 audit events, 20 s per page) or
`bash bench/run.sh --quick` (10,000 children, 200,000 events, 5 s per page). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.cpu import CpuMeter, wait_for_quiet
from bench.pages import COORDINATOR, PAGES, Page

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk_report.lua")
RESULTS = ROOT / "bench" / "results"
SEED_FORMAT = 8  # bump when bench/seed.py changes what it writes: forces a reseed
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str) -> None:
    print(f"\nBENCHMARK FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


# ------------------------------------------------------------------------------------------------ database


def db_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


def seeded_marker(name: str) -> dict | None:
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def recreate_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def mark_seeded(name: str, marker: dict) -> None:
    text = json.dumps(marker).replace("'", "''")
    with admin_connection() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")


def django_env(name: str, *, audit: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        DATABASE_URL=db_url(name),
        CHILDNRM_ENV="development",
        # Auditing off only through the bench's own settings module (the application has no switch).
        DJANGO_SETTINGS_MODULE="bench.settings_bench" if audit else "bench.settings_bench_unaudited",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_checked(cmd: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=capture, check=False)
    if result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        fail(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout if capture else ""


def seed(name: str, *, children: int, events: int, reseed: bool) -> dict:
    wanted = {"format": SEED_FORMAT, "children": children, "events": events}
    marker = seeded_marker(name)
    if not reseed and marker and all(marker.get(k) == v for k, v in wanted.items()):
        say(f"Reusing database {name} seeded on {marker.get('seeded_at')} (pass --reseed to start again)")
        say("Applying any migrations added since (the application changes under the benchmark)")
        run_checked([PY, "manage.py", "migrate", "--no-input", "-v0"], django_env(name))
        # A migration may have rewritten a table (a backfill) or added columns with no statistics; where autovacuum
        # is off, as on these machines, nothing would vacuum or analyse them, and the pages would be timed on bloat
        # and guessed plans. Cheap when nothing changed (the visibility map skips clean pages).
        with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
            conn.execute("VACUUM (ANALYZE)")
        marker["reused"] = True
        return marker
    env = django_env(name)
    say(f"Creating database {name}")
    started = time.perf_counter()
    recreate_database(name)
    say("Migrating")
    t0 = time.perf_counter()
    run_checked([PY, "manage.py", "migrate", "--no-input", "-v0"], env)
    migrate_s = time.perf_counter() - t0
    say(f"Seeding demo data, then {children:,} children and {events:,} audit events")
    proc = subprocess.Popen(
        [PY, "-m", "bench.seed", "--children", str(children), "--events", str(events)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("SEED_RESULT "):
            result = json.loads(line.split(" ", 1)[1])
        else:
            print(line, end="", flush=True)
    if proc.wait() != 0 or result is None:
        fail("seeding failed")
    total = time.perf_counter() - started
    marker = {
        **result,
        **wanted,  # last: the seed's own "children"/"events" are the rows found (demo data adds some)
        "migrate_seconds": round(migrate_s, 1),
        "seed_seconds": round(total, 1),
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    mark_seeded(name, marker)
    say(f"Seeding took {total:.0f} s ({total / 60:.1f} min) in all")
    marker["reused"] = False
    return marker


# ------------------------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, *, audit: bool, workers: int, threads: int) -> None:
        self.name, self.audit, self.workers, self.threads = name, audit, workers, threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = RESULTS / f"gunicorn-{'audit-on' if audit else 'audit-off'}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        # Other engineers add migrations while the benchmark runs: bring the schema up to date first.
        run_checked([PY, "manage.py", "migrate", "--no-input", "-v0"], django_env(self.name))
        cmd = [
            GUNICORN,
            "childnrm.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ]
        if self.threads > 1:
            cmd += ["--threads", str(self.threads)]
        self.log = self.log_path.open("a")
        self.log.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')} database {self.name} port {self.port}\n")
        self.log.flush()
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=django_env(self.name, audit=self.audit), stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/health/", timeout=2) as response:  # noqa: S310 (our http URL)
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        fail("gunicorn did not answer /health/ within 60 s")
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the gunicorn master we started; it stops its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def preflight(url: str, cookie: str | None, marker: str) -> int:
    """One request by hand: must be 200 (no redirect to sign-in) and contain `marker`."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with opener.open(request, timeout=60) as response:
            body = response.read().decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        fail(f"preflight {url}: HTTP {exc.code} {exc.headers.get('Location', '')}")
    if status != 200:
        fail(f"preflight {url}: HTTP {status}")
    if marker not in body:
        fail(f"preflight {url}: page does not contain {marker!r}")
    return len(body)


def wrk(url: str, *, cookies: list[str], seconds: int, connections: int, threads: int) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        LUA,
        url,
    ]
    if cookies:
        cmd += ["--", *cookies]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        fail(f"wrk failed: {out.stderr}")
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        fail(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line.split(" ", 1)[1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = result["non2xx"] + sum(
        result[k] for k in ("err_connect", "err_read", "err_write", "err_timeout")
    )
    result["raw"] = out.stdout
    return result


def sessions(name: str, count: int, email: str = COORDINATOR) -> list[str]:
    cmd = [PY, "-m", "bench.login", "--email", email, "--count", str(count)]
    out = run_checked(cmd, django_env(name), capture=True)
    data = json.loads(out.strip().splitlines()[-1])
    return [f"{data['cookie_name']}={key}" for key in data["keys"]]


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Child NRM Panels benchmark")
    parser.add_argument("--quick", action="store_true", help="10,000 children, 200,000 events, 5 s per page")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database even if it matches")
    parser.add_argument("--children", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--duration", type=int, help="seconds of measurement per page")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1 = sync worker)")
    parser.add_argument("--database", help="database name (default childnrm_bench or childnrm_bench_quick)")
    parser.add_argument("--only", help="measure only the pages whose label contains one of these comma-separated words")
    parser.add_argument("--skip-verify", action="store_true", help="do not run audit_verify at the end")
    parser.add_argument(
        "--record", action="store_true", help="keep this run's server CPU per page as the regression guard's baseline"
    )
    parser.add_argument("--overhead-rounds", type=int, help="audit off/on alternations (default 2; quick 1)")
    parser.add_argument(
        "--max-other",
        type=float,
        default=40.0,
        help="re-measure a page when other processes used more than this %% of one CPU during it",
    )
    parser.add_argument("--retries", type=int, default=1, help="re-measurements allowed per page (see --max-other)")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        help="before each page, wait up to this many seconds for other work to fall below --max-other "
        "(default 60; quick 15)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # stop the servers we started on `kill`, as on Ctrl-C

    children = args.children or (10_000 if args.quick else 100_000)
    events = args.events or (200_000 if args.quick else 10_000_000)
    duration = args.duration or (5 if args.quick else 20)
    warmup = args.warmup if args.warmup is not None else (2 if args.quick else 5)
    args.overhead_rounds = args.overhead_rounds or (1 if args.quick else 2)
    args.quiet_wait = args.quiet_wait if args.quiet_wait is not None else (15 if args.quick else 60)
    name = args.database or ("childnrm_bench_quick" if args.quick else "childnrm_bench")
    RESULTS.mkdir(exist_ok=True)
    if not shutil.which("wrk"):
        fail("wrk is not installed (bench/run.sh installs it with apt-get)")

    marker = seed(name, children=children, events=events, reseed=args.reseed)
    record = marker["record_reference"]
    hot, hot_events_at_start = least_viewed(name, marker["hot_references"])
    visible = count_visible(name)
    deep_page = max(1, min(2000, visible // 25))
    queue_rows = count_queue(name)
    queue_deep_page = max(1, min(2000, -(-queue_rows // 25)))
    commit = commit_latency(name)
    say(f"PostgreSQL commit latency (1-row UPDATE, autocommit): p50 {commit['p50']:.2f} ms, p95 {commit['p95']:.2f} ms")

    values = {
        **marker.get("samples", {}),
        "record": record,
        "hot": hot,
        "deep_page": deep_page,
        "queue_deep_page": queue_deep_page,
    }
    try:
        pages = [p.filled(values) for p in PAGES]
    except LookupError as exc:
        fail(str(exc))
    if args.only:
        words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p.label.lower() for w in words)]
        if not pages:
            fail(f"--only {args.only!r} matches no page")
    overhead_pages = [p for p in pages if p.overhead]

    results: dict[tuple[str, str], dict] = {}

    def measure_once(server: Server, page: Page, cookies: list[str]) -> dict:
        label, path = page.label, page.path
        load = {"cookies": cookies, "connections": args.connections, "threads": args.wrk_threads}
        waited, seen = wait_for_quiet(args.max_other, args.quiet_wait)
        if waited > 3:
            quiet = "quiet" if seen <= args.max_other else f"still {seen:.0f}% busy, measuring anyway"
            print(f"    ({label}: waited {waited:.0f} s for other work on the machine to stop: {quiet})", flush=True)
        if warmup:
            wrk(server.base + path, seconds=warmup, **load)
        assert server.proc is not None
        with CpuMeter(server.proc.pid, name) as meter:
            r = wrk(server.base + path, seconds=duration, **load)
        r["cpu"] = vars(meter.result)
        r["server_cpu_ms"] = 1000 * meter.result.server_seconds / max(r["requests"], 1)
        r["app_cpu_ms"] = 1000 * meter.result.app_seconds / max(r["requests"], 1)
        r["db_cpu_ms"] = 1000 * meter.result.db_seconds / max(r["requests"], 1)
        return r

    def measure(server: Server, page: Page, run: str) -> dict:
        """One measurement; repeated (up to --retries) when other work on the machine took much CPU."""
        label, path = page.label, page.path
        cookies = sessions(name, args.connections, page.user) if page.signed_in else []
        size = preflight(server.base + path, cookies[0] if cookies else None, page.expect)
        attempts = [measure_once(server, page, cookies)]
        while attempts[-1]["cpu"]["other_pct"] > args.max_other and len(attempts) <= args.retries:
            print(
                f"    ({label}: other processes used {attempts[-1]['cpu']['other_pct']:.0f}% CPU; measuring again)",
                flush=True,
            )
            attempts.append(measure_once(server, page, cookies))
        r = min(attempts, key=lambda a: a["cpu"]["other_pct"])
        r["attempts"] = len(attempts)
        r["bytes_per_page"] = size
        results[(page.key, run)] = r
        flag = "" if r["errors"] == 0 else f"  <-- {r['errors']} ERRORS (first bad status {r['first_bad_status']})"
        print(
            f"    {label:<32} {r['rps']:8.1f} req/s  p50 {r['p50_us'] / 1000:7.1f} ms  "
            f"p95 {r['p95_us'] / 1000:7.1f} ms  audit {'off' if run.startswith('off') else 'on'}  "
            f"server CPU {r['server_cpu_ms']:.1f} ms/req  CPU bench {r['cpu']['ours_pct']:.0f}% "
            f"other {r['cpu']['other_pct']:.0f}%{flag}",
            flush=True,
        )
        return r

    say(
        f"Load: wrk -t{args.wrk_threads} -c{args.connections} -d{duration}s (after {warmup}s warm-up) per page; "
        f"gunicorn {args.workers} workers x {args.threads} thread(s)"
    )
    with Server(name, audit=True, workers=args.workers, threads=args.threads) as server:
        for page in pages:
            measure(server, page, "on")
    # Audit overhead: servers restarted with auditing off and on, alternating, so that drift over the
    # run and bursts of other work fall on both sides; the least disturbed round of each is kept.
    for round_ in range(1, args.overhead_rounds + 1 if overhead_pages else 1):
        for audit in (False, True):
            say(f"Audit overhead, round {round_}/{args.overhead_rounds}: auditing {'on' if audit else 'off'}")
            with Server(name, audit=audit, workers=args.workers, threads=args.threads) as server:
                for page in overhead_pages:
                    measure(server, page, f"{'on' if audit else 'off'}-{round_}")

    counts = table_counts(name)
    verify = None
    if not args.skip_verify:
        say(f"manage.py audit_verify on {counts['audit_events']:,} events")
        t0 = time.perf_counter()
        out = run_checked([PY, "manage.py", "audit_verify"], django_env(name), capture=True)
        verify = {"seconds": time.perf_counter() - t0, "output": out.strip().splitlines()}
        print("    " + "\n    ".join(verify["output"]), flush=True)

    report = render_report(
        pages=pages,
        overhead_pages=overhead_pages,
        results=results,
        counts=counts,
        marker=marker,
        verify=verify,
        settings={
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "duration": duration,
            "warmup": warmup,
            "workers": args.workers,
            "threads": args.threads,
            "deep_page": deep_page,
            "visible": visible,
            "queue_rows": queue_rows,
            "database": name,
            "hot": hot,
            "hot_events_at_start": hot_events_at_start,
            "record": record,
            "commit": commit,
            "overhead_rounds": args.overhead_rounds,
            "max_other": args.max_other,
        },
    )
    print("\n" + report, flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"report-{'quick' if args.quick else 'full'}-{stamp}.md").write_text(report)
    (RESULTS / f"raw-{'quick' if args.quick else 'full'}-{stamp}.json").write_text(
        json.dumps({f"{path} [{run}]": v for (path, run), v in results.items()}, indent=2)
    )
    # The regression guard (bench/guard.py): server CPU per request against the figures recorded at this scale.
    from bench import guard

    baseline = f"run-{marker.get('children', 'custom')}"
    cpu_now = {page.label: results[(page.key, "on")]["server_cpu_ms"] for page in pages if (page.key, "on") in results}
    text, _ = guard.report(baseline, cpu_now)
    print(text, flush=True)
    if args.record:
        print(f"Recorded as the baseline: {guard.record(baseline, cpu_now, commit=git_revision())}", flush=True)
    bad = [(k, v) for k, v in results.items() if v["errors"]]
    if bad:
        fail("; ".join(f"{path} [{run}]: {v['errors']} errors" for (path, run), v in bad))
    return 0


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def least_viewed(name: str, references: list[str]) -> tuple[str, int]:
    """The hot child with the fewest audit events so far (earlier runs' audit-page views add events)."""
    with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
        rows = conn.execute(
            "SELECT c.reference, (SELECT count(*) FROM audit_auditevent e WHERE e.object_type = 'people.child' "
            "AND e.object_id = c.id::text) FROM people_child c WHERE c.reference = ANY(%s)",
            [references],
        ).fetchall()
    reference, events = min(rows, key=lambda r: (r[1], r[0]))
    return reference, events


def commit_latency(name: str, samples: int = 300) -> dict[str, float]:
    """How long one small synchronous commit takes (WAL flush): a floor under every page that writes."""
    with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (id int PRIMARY KEY, n bigint)")
        conn.execute("INSERT INTO bench_commit_probe VALUES (1, 0) ON CONFLICT DO NOTHING")
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            conn.execute("UPDATE bench_commit_probe SET n = n + 1 WHERE id = 1")
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)]}


def count_visible(name: str) -> int:
    """How many children the demo coordinator can see (their site's children)."""
    with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
        row = conn.execute(
            "SELECT count(*) FROM people_child c JOIN accounts_membership m ON m.site_id = c.site_id "
            "JOIN accounts_user u ON u.id = m.user_id WHERE u.email = %s AND m.role = 'coordinator'",
            [COORDINATOR],
        ).fetchone()
    return row[0]


def count_queue(name: str) -> int:
    """How many referrals the demo coordinator's queue holds by default (open: awaiting triage or accepted)."""
    with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
        row = conn.execute(
            "SELECT count(*) FROM referrals_referral r JOIN accounts_membership m ON m.site_id = r.site_id "
            "JOIN accounts_user u ON u.id = m.user_id WHERE u.email = %s AND m.role = 'coordinator' "
            "AND r.status IN ('submitted', 'accepted')",
            [COORDINATOR],
        ).fetchone()
    return row[0]


def table_counts(name: str) -> dict[str, int]:
    with psycopg.connect(dbname=name, autocommit=True, **PG) as conn:
        get = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "children": get("SELECT count(*) FROM people_child"),
            "child_associations": get("SELECT count(*) FROM people_childassociation"),
            "referrals": get("SELECT count(*) FROM referrals_referral"),
            "status_changes": get("SELECT count(*) FROM referrals_referralstatuschange"),
            "assessments": get("SELECT count(*) FROM referrals_triageassessment"),
            "handoffs": get("SELECT count(*) FROM referrals_handoff"),
            "blocking_keys": get("SELECT count(*) FROM people_childblockingkey"),
            "sites": get("SELECT count(*) FROM accounts_site"),
            "users": get("SELECT count(*) FROM accounts_user"),
            "meetings": get("SELECT count(*) FROM panels_meeting"),
            "agenda_items": get("SELECT count(*) FROM panels_agendaitem"),
            "decisions": get("SELECT count(*) FROM decisions_decision"),
            "final_decisions": get("SELECT count(*) FROM decisions_decision WHERE status = 'final'"),
            "evidence": get("SELECT count(*) FROM decisions_decisionevidence"),
            "votes": get("SELECT count(*) FROM decisions_decisionvote"),
            "plans": get("SELECT count(*) FROM safeguarding_safeguardingplan"),
            "plan_actions": get("SELECT count(*) FROM safeguarding_planaction"),
            "information_requests": get("SELECT count(*) FROM information_informationrequest"),
            "audit_events": get("SELECT count(*) FROM audit_auditevent"),
            "audit_table_bytes": get("SELECT pg_total_relation_size('audit_auditevent')"),
        }


def _best(results: dict, path: str, prefix: str) -> dict:
    rounds = [v for (p, run), v in results.items() if p == path and run.startswith(prefix + "-")]
    return min(rounds, key=lambda r: r["cpu"]["other_pct"])


def render_report(*, pages, overhead_pages, results, counts, marker, verify, settings) -> str:
    ms = lambda us: f"{us / 1000:.1f}"  # noqa: E731
    lines = [
        f"Child NRM Panels benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), {mem_gb():.0f} GB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, {pg_version()}, {wrk_version()}",
        f"- Server: gunicorn {settings['workers']} workers x {settings['threads']} thread(s), "
        f"CHILDNRM_ENV=development, DEBUG off, database `{settings['database']}` on 127.0.0.1",
        f"- Load: `wrk -t{settings['wrk_threads']} -c{settings['connections']} -d{settings['duration']}s --latency` "
        f"after a {settings['warmup']} s warm-up, per page; signed-in pages as the demo coordinator of Northbridge, "
        f"who sees {settings['visible']:,} children and has {settings['queue_rows']:,} open referrals in the queue",
        f"- Code: {git_revision()}",
        f"- PostgreSQL commit latency (1-row UPDATE, autocommit) before the load: p50 "
        f"{settings['commit']['p50']:.2f} ms, p95 {settings['commit']['p95']:.2f} ms",
        "",
        "| Page | Path | Requests/s | p50 ms | p95 ms | p99 ms | Errors | CPU ms/req Django + PostgreSQL "
        "| CPU bench | CPU other |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        label, path = page.label, page.path
        r = results[(page.key, "on")]
        retry = f" ({r['attempts']} tries)" if r.get("attempts", 1) > 1 else ""
        lines.append(
            f"| {label} | `{path}` | {r['rps']:.1f} | {ms(r['p50_us'])} | {ms(r['p95_us'])} | {ms(r['p99_us'])} | "
            f"{r['errors']} | {r['app_cpu_ms']:.1f} + {r['db_cpu_ms']:.1f} | {r['cpu']['ours_pct']:.0f}% | "
            f"{r['cpu']['other_pct']:.0f}%{retry} |"
        )
    lines += [
        "",
        "Errors = non-2xx responses (a redirect to sign-in counts) + socket errors + timeouts; must be 0. "
        "CPU ms/req = CPU time per request of the gunicorn processes (Django) + of PostgreSQL (less sensitive "
        "to other work on the machine than requests/s; 2 CPUs give 2,000 CPU ms per second). "
        "CPU bench / other = CPU used during the measurement by the benchmark's own processes (gunicorn, "
        f"PostgreSQL, wrk) / by everything else on the machine, in % of one CPU ({os.cpu_count()} CPUs = "
        f"{100 * (os.cpu_count() or 1)}%); a page is measured again (once) when 'other' exceeds "
        f"{settings['max_other']:.0f}%, and the least disturbed try is kept.",
        "",
        "Audit overhead: the same pages with the server restarted with auditing off (bench.settings_bench_unaudited)"
        f" and on again, alternating, {settings['overhead_rounds']} round(s); the least disturbed "
        "round of each (lowest 'CPU other') is kept.",
        "",
        "| Page | Req/s audit on | Req/s audit off | Throughput cost | p50 on ms | p50 off ms | p50 delta ms "
        "| p95 on ms | p95 off ms | Server CPU ms/req on / off | CPU other on / off |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in overhead_pages:
        label, path = page.label, page.path
        on, off = _best(results, page.key, "on"), _best(results, page.key, "off")
        cost = (off["rps"] - on["rps"]) / off["rps"] * 100 if off["rps"] else 0.0
        lines.append(
            f"| {label} | {on['rps']:.1f} | {off['rps']:.1f} | {cost:.0f}% | {ms(on['p50_us'])} | "
            f"{ms(off['p50_us'])} | {(on['p50_us'] - off['p50_us']) / 1000:+.1f} | {ms(on['p95_us'])} | "
            f"{ms(off['p95_us'])} | {on['server_cpu_ms']:.1f} / {off['server_cpu_ms']:.1f} "
            f"({on['server_cpu_ms'] - off['server_cpu_ms']:+.1f}) | "
            f"{on['cpu']['other_pct']:.0f}% / {off['cpu']['other_pct']:.0f}% |"
        )
    timings = marker.get("timings", {})
    reused = " (database reused from an earlier run; these are that seeding's times)" if marker.get("reused") else ""
    lines += [
        "",
        f"- Rows: {counts['children']:,} children, {counts['child_associations']:,} child associations, "
        f"{counts['sites']} sites, {counts['users']} users, {counts['audit_events']:,} audit events "
        f"(audit table with its indexes {counts['audit_table_bytes'] / 2**30:.1f} GiB), "
        f"{counts['referrals']:,} referrals with {counts['status_changes']:,} status changes, "
        f"{counts['assessments']:,} triage assessments and {counts['handoffs']:,} hand-offs (case packets), "
        f"{counts['blocking_keys']:,} linkage blocking keys; {counts['meetings']:,} sittings with "
        f"{counts['agenda_items']:,} agenda items, {counts['decisions']:,} decisions ({counts['final_decisions']:,} "
        f"final) with {counts['evidence']:,} pieces of evidence and {counts['votes']:,} votes, "
        f"{counts['plans']:,} safeguarding plans with {counts['plan_actions']:,} actions, "
        f"{counts['information_requests']:,} information requests",
        "- Referrals by status at seeding: "
        + ", ".join(f"{v:,} {k}" for k, v in marker.get("referrals", {}).items() if not k.endswith("s")),
        f"- Child record page: {settings['record']}; audit page: {settings['hot']}, which had "
        f"{settings['hot_events_at_start']:,} audit events when the run started (each audit-page view adds one)",
        f"- Seeding: {marker.get('seed_seconds', '?')} s in all{reused}: "
        f"migrate {marker.get('migrate_seconds', '?')} s, "
        f"demo data + sites/staff {timings.get('sites_staff', '?')} s, children + associations "
        f"{timings.get('children', '?')} s, referrals {timings.get('referrals', '?')} s, "
        f"linkage keys {timings.get('derived', '?')} s, "
        f"audit events COPY {timings.get('audit_copy', '?')} s "
        f"({marker.get('events_per_second', 0):,} events/s, sealed in Python), audit indexes "
        f"{timings.get('audit_indexes', '?')} s, VACUUM ANALYZE + CHECKPOINT {timings.get('vacuum_analyze', '?')} s",
    ]
    if verify:
        lines.append(
            f"- `manage.py audit_verify`: {verify['seconds']:.0f} s for {counts['audit_events']:,} events "
            f"({counts['audit_events'] / verify['seconds']:,.0f} events/s): {verify['output'][-1]}"
        )
    return "\n".join(lines) + "\n"


def git_revision() -> str:
    """The commit measured (read-only git commands), and whether the working tree had changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "childnrm"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"git {sha}" + (" with uncommitted changes to childnrm/" if dirty else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def pg_version() -> str:
    with admin_connection() as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (out.stdout + out.stderr).split(" [")[0].strip() or "wrk"


if __name__ == "__main__":
    sys.exit(main())
