"""The benchmark's seeder still fills a database the application accepts (bench/run.py, bench/seed*.py).

It writes rows with COPY, which skips the models' save(): a column that save() fills (a new NOT NULL column with its
value worked out there) breaks seeding silently until someone next runs the benchmark. Seeding a small database here
catches that in the suite. It runs in the PostgreSQL pass only: the benchmark seeds PostgreSQL (scripts/test.sh).
"""

from __future__ import annotations

import os

import psycopg
import pytest

from bench import run


@pytest.fixture
def bench_database():
    name = f"bench_seed_check_{os.getpid()}"
    yield name
    with run.admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_small_benchmark_database_seeds_with_what_the_models_require(bench_database):
    marker = run.seed(bench_database, children=150, events=300, reseed=True)
    assert marker["reused"] is False
    with psycopg.connect(dbname=bench_database, **run.PG) as conn:
        children = conn.execute("SELECT count(*) FROM people_child").fetchone()[0]
        asked, asked_elsewhere = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE ir.asking_site_id <> r.site_id) "
            "FROM information_informationrequest ir JOIN referrals_referral r ON r.id = ir.referral_id"
        ).fetchone()
        decisions = conn.execute("SELECT count(*) FROM decisions_decision").fetchone()[0]
    assert children >= 150
    assert asked > 0 and asked_elsewhere == 0  # each request asked by the panel holding the case, as save() sets it
    assert decisions > 0
