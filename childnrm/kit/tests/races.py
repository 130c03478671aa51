"""Two writes racing for a case's rows on PostgreSQL, on two connections for real (ADR 0035's tests).

`interleaved` lets one side take its first locks, starts the other, lets the first go on once the other waits for a
lock, and reports what each returned or raised: taking the rows in opposite orders shows as PostgreSQL aborting one
("deadlock detected"); in one order, the second waits for the first and then does its work or refuses it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

# A module of races: PostgreSQL only (SQLite's test database is in memory), each test committing for real.
RACES = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrent writers need PostgreSQL (SQLite's test database is in memory)",
    ),
    pytest.mark.django_db(transaction=True),
]


def someone_waits_for_a_lock(seconds: float) -> bool:
    """Whether another connection to this database waits for a lock, asked every twentieth of a second."""
    with connection.cursor() as cursor:
        for _ in range(int(seconds * 20)):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def interleaved(
    first_locks: Callable[[], object], then: Callable[[], object], second: Callable[[], object]
) -> tuple[dict[str, object], bool]:
    """In one transaction, `first_locks` and then, once `second` (started meanwhile on its own connection) waits for
    a lock (or three seconds pass), `then`: the order in which the two deadlock if they take the case's rows in
    opposite orders. Returns what `then` ("first") and `second` ("second") returned or raised, and whether the second
    waited."""
    results: dict[str, object] = {}
    holding, go_on = threading.Event(), threading.Event()

    def run_first() -> None:
        try:
            with transaction.atomic():
                first_locks()
                holding.set()
                go_on.wait(30)
                results["first"] = then()
        except Exception as exc:  # reported to the test
            results["first"] = exc
        finally:
            holding.set()
            connection.close()

    def run_second() -> None:
        try:
            results["second"] = second()
        except Exception as exc:  # reported to the test
            results["second"] = exc
        finally:
            connection.close()

    first = threading.Thread(target=run_first)
    first.start()
    assert holding.wait(30)
    other = threading.Thread(target=run_second)
    other.start()
    waited = someone_waits_for_a_lock(3)  # on this thread's connection, outside a transaction (its own snapshot)
    go_on.set()
    first.join(30)
    other.join(30)
    return results, waited
