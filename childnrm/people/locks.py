"""The lock that link decisions take, and that the background search of a referral's earlier records shares.

One key for every link decision: PostgreSQL's transaction-level advisory lock serialises them (SQLite serialises every
write already). Decisions on two different pairs can join chains, so locking the pair's rows is not enough (ADR 0034).

The search holds the same key shared: searches run side by side, but none runs while a decision does. A search reads
which records are settled, then writes what it kept; a decision that settled a pair between the two (on records the
search had not locked: a chain through another record) would otherwise leave its tag on the queue until the next
search. Both take this lock before any row lock, so neither waits on the other holding a row.
"""

from __future__ import annotations

from django.db import connection

LINK_DECISIONS_LOCK = 0x6C696E6B  # "link"


def link_decisions_serialised() -> None:
    """Inside a transaction: wait until no other link decision and no search is running, and keep them out until it
    ends. Link decisions are rare clicks: one lock for all of them costs nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LINK_DECISIONS_LOCK])


def link_decisions_held_still() -> None:
    """Inside a transaction: wait until no link decision is running, and keep new ones out until it ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LINK_DECISIONS_LOCK])
