"""Template render time of the child record, the queue and the decision page (issue 11), in-process.

Seeds the quick benchmark database when needed (`bench.run.seed`: 10,000 children, 200,000 audit
events), signs the Northbridge coordinator in with both factors (a session written as bench/login.py
does, sent by Django's test client), warms up, then requests the pages in turn `--repeat` times. Per
page: the median wall and CPU time (`time.process_time`, this process only: PostgreSQL's work is not
in it) of the whole request, and the CPU and wall time spent in template rendering. Rendering is timed
by wrapping the `render` of both Django template backends (Jinja2 and Django templates, whichever the
tree uses), counting only the outermost render (a form or an include rendered inside a page is in the
page's time once). Context processors run inside `render` with either backend, so they are counted too,
as are queries a template makes when it walks a lazy queryset.

It imports nothing newer than the commit before the Jinja2 move, so the same file measures both trees:

    .venv/bin/python -m bench.render_time [--repeat 30] [--warmup 5] [--json] [--only dashboard]
        [--database childnrm_bench_100k --children 100000]

`--only` measures the benchmark's pages whose label contains one of the comma-separated words
instead (as bench/run.py's option), each signed in as its own page's user (the dashboard as the
coordinator and as the chair).

The machine is shared: CPU time is less disturbed by other work than wall time; the load averages are
printed before and after.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import db_url, seed, seeded_marker

DATABASE = "childnrm_bench_quick"
# The pages issue 11 names, by their paths in bench/pages.py.
PATHS = ("/children/{record}/", "/referrals/queue/", "/decisions/{decision}/")


@dataclass
class RenderTimer:
    """CPU and wall seconds in the outermost template render since the last `reset`, and the SQL run inside it."""

    depth: int = 0
    cpu: float = 0.0
    wall: float = 0.0
    queries: int = 0
    sql_wall: float = 0.0
    backends: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        self.cpu = self.wall = self.sql_wall = 0.0
        self.queries = 0
        self.backends = Counter()

    def sql(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """A database execute wrapper: a lazy queryset walked by a template is in the render's time; show how much."""
        if not self.depth:
            return execute(sql, params, many, context)
        wall0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_wall += time.perf_counter() - wall0
            self.queries += 1

    def wrap(self, template_class: type, backend: str) -> None:
        original = getattr(template_class, "render")  # noqa: B009 (a class given at run time)
        timer = self

        @functools.wraps(original)
        def render(template: Any, *args: Any, **kwargs: Any) -> Any:
            if timer.depth:  # nested (a form, a widget): already inside the outer render's time
                return original(template, *args, **kwargs)
            timer.depth = 1
            cpu0, wall0 = time.process_time(), time.perf_counter()
            try:
                return original(template, *args, **kwargs)
            finally:
                timer.cpu += time.process_time() - cpu0
                timer.wall += time.perf_counter() - wall0
                timer.backends[backend] += 1
                timer.depth = 0

        setattr(template_class, "render", render)  # noqa: B010


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def _profile(client: Any, page: Any, repeat: int, top: int) -> None:
    """The page's requests under cProfile: the functions with the most time of their own, then by cumulative
    time, per request (the profiler roughly doubles the time; compare the shares, not the milliseconds). On this
    process's CPU clock: time spent waiting for PostgreSQL is not Django's CPU and would hide it."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(repeat):
        client.get(page.path)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.total_tt /= repeat
        stats.sort_stats(order).print_stats(top)
        print(f"\n==> Profile of {page.label} ({page.path}), {repeat} requests, by {order}")
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print("\n".join(line.replace(str(Path.cwd()) + "/", "") for line in lines[start - 2 :] if line.strip()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Template render time per page (issue 11)")
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page first")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--json", action="store_true", help="also print one RENDER_RESULT line of JSON")
    parser.add_argument("--only", help="the pages whose label contains one of these comma-separated words instead")
    # The quick database by default; --children 100000 measures at the scale the service is built for.
    parser.add_argument("--children", type=int, default=10_000, help="children in the database (seeded if not)")
    parser.add_argument(
        "--events", type=int, help="audit events in the database (default: as it was seeded, else 200,000)"
    )
    parser.add_argument(
        "--record", action="store_true", help="keep this run's CPU per page as the regression guard's baseline"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then profile each page (cProfile) and print its top N"
    )
    args = parser.parse_args(argv)

    # Without --events, a database seeded with the children asked for is measured as it is: a run for the decision
    # pages must not drop the 10-million-event database the full harness was seeded with.
    seeded = seeded_marker(args.database) or {}
    events = args.events or (seeded["events"] if seeded.get("children") == args.children else 200_000)
    marker = seed(args.database, children=args.children, events=events, reseed=False)
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings_bench", CHILDNRM_ENV="development", DATABASE_URL=db_url(args.database)
    )

    import django

    django.setup()
    import django.template.backends.django as django_backend
    import django.template.backends.jinja2 as jinja2_backend
    import jinja2
    from django.db import connection
    from django.test import Client

    import childnrm
    from bench.pages import PAGES
    from bench.query_counts import _session_cookie

    timer = RenderTimer()
    timer.wrap(django_backend.Template, "django")
    timer.wrap(jinja2_backend.Template, "jinja2")
    connection.execute_wrappers.append(timer.sql)

    # The deep pages and the audit page's child as bench/run.py works them out.
    from bench.run import count_queue, count_visible

    values = {
        **marker.get("samples", {}),
        "record": marker["record_reference"],
        "hot": marker["hot_references"][0],
        "deep_page": max(1, min(2000, count_visible(args.database) // 25)),
        "queue_deep_page": max(1, min(2000, -(-count_queue(args.database) // 25))),
    }
    if args.only:
        words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
        pages = [p.filled(values) for p in PAGES if p.signed_in and any(w in p.label.lower() for w in words)]
        assert pages, f"--only {args.only!r} matches no signed-in page of bench/pages.py"
    else:
        pages = [p.filled(values) for p in PAGES if p.path in PATHS]
        assert len(pages) == len(PATHS), f"bench/pages.py no longer has all of {PATHS}"
    tree = Path(childnrm.__file__).resolve().parent.parent
    print(f"Tree {tree}; Python {platform.python_version()}, Django {django.__version__}, Jinja2 {jinja2.__version__}")
    print(f"Database {args.database}; load average before (1, 5, 15 min): {_load()}", flush=True)

    # One signed-in client per user: two pages may share a path and differ in whose it is (the dashboard).
    clients: dict[str, Client] = {}
    for user in dict.fromkeys(p.user for p in pages):
        cookie_name, key = _session_cookie(user)
        clients[user] = Client(HTTP_HOST="127.0.0.1")
        clients[user].cookies[cookie_name] = key
    for page in pages:
        client = clients[page.user]
        response = client.get(page.path)
        body = response.content.decode("utf-8", "replace")
        if response.status_code != 200:  # a redirect to the sign-in page must not pass for a fast page
            print(f"{page.label}: status {response.status_code}", file=sys.stderr)
            return 1
        if page.expect not in body:  # bench/pages.py's text may lag the page: say so, measure anyway
            print(f"  warning: {page.label} lacks the text bench/pages.py expects ({page.expect!r})")
        for _ in range(args.warmup - 1):
            client.get(page.path)

    kinds = ("wall", "cpu", "t_cpu", "t_wall", "t_sql", "t_queries")
    samples: dict[str, dict[str, list[float]]] = {p.key: {k: [] for k in kinds} for p in pages}
    sizes: dict[str, int] = {}
    backends: dict[str, Counter[str]] = {p.key: Counter() for p in pages}
    # The pages in turn rather than one after another, so that a burst of other work falls on all three.
    for _ in range(args.repeat):
        for page in pages:
            timer.reset()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            response = clients[page.user].get(page.path)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            assert response.status_code == 200, f"{page.path}: {response.status_code}"
            s = samples[page.key]
            s["wall"].append(wall)
            s["cpu"].append(cpu)
            s["t_cpu"].append(timer.cpu)
            s["t_wall"].append(timer.wall)
            s["t_sql"].append(timer.sql_wall)
            s["t_queries"].append(timer.queries / 1000)  # _ms multiplies by 1000
            sizes[page.key] = len(response.content)
            backends[page.key] += timer.backends

    load_after = _load()
    header = (
        f"{'page':<48} {'wall ms':>7} {'CPU ms':>6} {'tmpl CPU':>8} {'tmpl wall':>9} {'tmpl/CPU':>8} "
        f"{'SQL in tmpl':>11} {'KB':>3}  renders"
    )
    print(f"\nMedians of {args.repeat} requests per page (after {args.warmup} unmeasured):\n{header}")
    rows = []
    for page in pages:
        s = samples[page.key]
        wall_ms, cpu_ms, t_cpu_ms, t_wall_ms, t_sql_ms, t_queries = (_ms(s[k]) for k in kinds)
        renders = {b: n // args.repeat for b, n in backends[page.key].items()}
        kb = sizes[page.key] / 1024
        print(
            f"{page.label[:48]:<48} {wall_ms:>7.1f} {cpu_ms:>6.1f} {t_cpu_ms:>8.1f} {t_wall_ms:>9.1f} "
            f"{t_cpu_ms / cpu_ms:>8.0%} {f'{t_queries:.0f}: {t_sql_ms:.1f} ms':>11} {kb:>3.0f}  "
            f"{', '.join(f'{n} {b}' for b, n in renders.items())}"
        )
        rows.append(
            {"page": page.label, "path": page.path, "wall_ms": round(wall_ms, 1), "cpu_ms": round(cpu_ms, 1)}
            | {"template_cpu_ms": round(t_cpu_ms, 1), "template_wall_ms": round(t_wall_ms, 1)}
            | {"template_queries": t_queries, "template_sql_wall_ms": round(t_sql_ms, 1)}
            | {"kb": round(kb, 1), "renders": renders}
        )
    print(f"\nLoad average after (1, 5, 15 min): {load_after}; {os.cpu_count()} CPUs")
    # The regression guard: request CPU per page against the figures recorded for this scale (bench/guard.py).
    from bench import guard

    baseline = f"render-time-{args.children}"
    cpu_now = {row["page"]: row["cpu_ms"] for row in rows}
    text, _ = guard.report(baseline, cpu_now)
    print(text)
    if args.record:
        from bench.run import git_revision

        path = guard.record(baseline, cpu_now, commit=git_revision(), load_average=load_after)
        print(f"Recorded as the baseline: {path}")
    if args.profile:
        for page in pages:
            _profile(clients[page.user], page, args.repeat, args.profile)
    if args.json:
        result = {"tree": str(tree), "repeat": args.repeat, "load_after": load_after, "pages": rows}
        print("RENDER_RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
