"""COPY unsaved Django model instances into PostgreSQL: fast, and it follows the model as it changes.

The columns are the model's concrete fields and the values are what Django itself would send
(`get_db_prep_save`), so a field another engineer adds later with a Python default is written
with that default, where a hand-written COPY column list would break. `auto_now` / `auto_now_add`
fields are written as set on the instance (the seed sets them to the historical times it wants).
Primary keys are assigned here, then the table's sequence is moved past them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection
from psycopg import sql


def next_id(conn, model) -> int:
    query = sql.SQL("SELECT coalesce(max({}), 0) FROM {}").format(
        sql.Identifier(model._meta.pk.column), sql.Identifier(model._meta.db_table)
    )
    with conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchone()[0] + 1


def copy_instances(conn, model, objs: Iterable, *, label: str | None = None, log=None) -> int:
    """Write the instances (their `pk` must be set) with one COPY; returns how many rows were written."""
    fields = list(model._meta.concrete_fields)
    table, pk = sql.Identifier(model._meta.db_table), model._meta.pk.column
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    t0 = time.perf_counter()
    n = 0
    with conn.cursor() as cur:
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, columns)) as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
                n += 1
        cur.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT coalesce(max({}), 1) FROM {}))").format(
                sql.Identifier(pk), table
            ),
            [model._meta.db_table, pk],
        )
    if log is not None:
        log(f"{label or model._meta.label}: {n:,} rows copied in {time.perf_counter() - t0:.1f}s")
    return n
