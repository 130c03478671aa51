"""Counts every worker and server shares: the limits on PDF rendering (kit.pdf), on the child's pages
(feedback.ratelimit) and on the "forgot your password" page (accounts.ratelimit), whose windows are `Limit`s.

Kept in the database (kit.models.SharedCount): a count in each gunicorn worker's own memory lets every worker take
the limit again. A count lives `timeout` seconds from its first count, however often it is counted after (a limit
of 20 an hour must not start again after a pause), and each change is one statement, so tries at the same instant
each count (ADR 0022, amendment 2). Called outside a transaction, as the views do, a count is committed at once;
inside one, its row stays locked until that transaction ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from childnrm.kit.models import SharedCount


def _count_up_sql() -> str:
    """One more on a live count, or a new count of 1 with its expiry, in one statement.

    INSERT … ON CONFLICT DO UPDATE … RETURNING is the same on PostgreSQL and on SQLite (3.35 on). The SET
    expressions read the row as it was, so a count that has expired starts again at 1 with the new expiry."""
    quote = connection.ops.quote_name
    table = quote(SharedCount._meta.db_table)
    key, value, expires = (quote(name) for name in ("key", "value", "expires_at"))  # SharedCount's columns
    live = f"{table}.{expires} > %s"
    return (
        f"INSERT INTO {table} ({key}, {value}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608 (names only)
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{value} = CASE WHEN {live} THEN {table}.{value} + 1 ELSE 1 END, "
        f"{expires} = CASE WHEN {live} THEN {table}.{expires} ELSE excluded.{expires} END "
        f"RETURNING {value}"
    )


def _db_time(moment: datetime) -> str | None:
    # As the ORM writes a DateTimeField (SQLite keeps text), so comparisons in raw SQL hold.
    return connection.ops.adapt_datetimefield_value(moment)


def count_up(key: str, timeout: int) -> int:
    """One more on `key`; the count now. The count expires `timeout` seconds after its first count, whatever
    counts follow; the next count after that starts again at 1."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _count_up_sql(),
            [key, _db_time(now + timedelta(seconds=timeout)), _db_time(now), _db_time(now)],
        )
        (value,) = cursor.fetchone()
    if value == 1:
        # A count starts: the counts that have expired go, a few at a time, so the table holds only live ones.
        SharedCount.objects.filter(expires_at__lte=now).delete()
    return value


def count_down(key: str) -> None:
    """One less on `key`, unless it has expired meanwhile. At nothing, the count goes: the next one starts afresh,
    with its own expiry."""
    SharedCount.objects.filter(key=key, expires_at__gt=timezone.now(), value__gt=0).update(value=F("value") - 1)
    SharedCount.objects.filter(key=key, value__lte=0).delete()


@dataclass(frozen=True)
class Limit:
    """At most `count` uses by one party in each fixed window of `seconds`, within a `scope` (the app's limits)."""

    scope: str
    name: str
    count: int
    seconds: int

    def key(self, who: str) -> str:
        """The counter of `who` (an address, an email typed: kept only as a keyed hash) in the current window."""
        window = int(time.time() // self.seconds)
        who_hash = salted_hmac(f"childnrm.{self.scope}.rate", who).hexdigest()[:32]
        return f"{self.scope}.rate.{self.name}.{who_hash}.{window}"

    def counted(self, who: str) -> bool:
        """Counts one more use by `who` and says whether it is within the limit."""
        return count_up(self.key(who), self.seconds * 2) <= self.count
