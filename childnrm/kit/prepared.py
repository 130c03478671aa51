"""Querysets compiled once: a page's fixed-shape read, its SQL written by Django the first time and run again with
new values (issue 16).

Building a queryset (`filter()`, `select_related()`) and compiling it cost the ORM 1-3 ms of CPU for each read of
one record with its relations, the same work on every request for a statement that differs only in a value or two
(a reference, an id). `rows` builds the queryset once per `key` with stand-ins for the values, keeps what Django
compiled, then on each call puts the values in the stand-ins' places and lets Django's own iteration make the
model instances (select_related objects and annotations included), from the kept compiler.

    referral = prepared.first(("triage:referral", sites), lambda reference: scoped.filter(reference=reference),
                              reference)

`key` must name everything else the SQL depends on (the user's sites, a page size): the builder is called with
stand-ins only when the key is new. Each value must reach the SQL as one parameter of its own, unchanged (an
exact lookup, `pk=`, an `__in` list's items): a value Django transforms (`__contains`, `__iexact`) is refused
when first compiled. Ordering and slicing belong in the builder (`[:1]` for one row).

A key that leaves out something the SQL depends on would run one user's statement for another (another site's
filter), so under test (`PREPARED_CHECK`, on when CHILDNRM_ENV=test) every call builds and compiles the queryset
again and fails if its SQL or fixed parameters differ from the kept ones. ADR 0031.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet

# Bounded: a few statements per page times the few sets of sites users hold (keys are never built from a value).
_MAX_STATEMENTS = 512
# Stand-ins no real value equals (ids are positive; a reference never holds a NUL).
_ID = -16_000_000_041
_TEXT = "\x00kit-prepared-{}\x00"


@dataclass(frozen=True)
class _Statement:
    query: Any  # the compiled queryset's Query (its compiler is kept with it)
    compiler: Any
    iterable: Any  # what the queryset yields (instances, values, values_list rows) and the fields it names
    fields: tuple[str, ...]
    sql: str  # "" when the stand-ins compiled to no statement: each call then runs its own queryset
    params: tuple[Any, ...]
    places: tuple[tuple[int, int], ...]  # (position in params, index of the value)
    # What turns each column's value into Python (a JSON field, a date on SQLite), by position: the same for every
    # run of the statement, and asking every column of a wide select for it cost as much as making its rows.
    converters: dict[int, Any]


_statements: dict[tuple[Any, ...], _Statement] = {}


_PLACEHOLDER = re.compile(r"%[s%]")


def fixed_statement(sql: str, params: tuple[Any, ...] | list[Any], alias: str) -> tuple[str, tuple[Any, ...]]:
    """A statement whose every value is fixed by the key it is kept under, with those values written into its SQL
    as literals on PostgreSQL (unchanged elsewhere): for statements the code builds from its own values only (the
    dashboard's: a site's id, dates worked out from today, the code's statuses), never from a request.

    Prepared with parameters, PostgreSQL plans such a statement afresh on every run: a generic plan cannot use a
    partial index whose condition names a status passed as a parameter, nor see how large the site is, so it costs
    more than planning for the values (0.3-2 ms a statement, most of the dashboard's database time; issue 16). With
    its values in its text the statement has one plan, made once per connection when psycopg prepares it. The
    literals are psycopg's own (`psycopg.sql.Literal`: quoted and typed as it would send them)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return sql, tuple(params)
    from psycopg import sql as psycopg_sql  # PostgreSQL only

    connection.ensure_connection()
    values = iter(params)

    def write(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        return psycopg_sql.Literal(next(values)).as_string(connection.connection).replace("%", "%%")

    written = _PLACEHOLDER.sub(write, sql)
    if next(values, _PLACEHOLDER) is not _PLACEHOLDER:
        raise ValueError("more parameters than placeholders")
    return written, ()


def _stand_in(i: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"prepared values are ids or text, not {type(value).__name__}")
    return _ID - i if isinstance(value, int) else _TEXT.format(i)


def _compile(model: type[Model], alias: str, build: Callable[..., QuerySet], values: tuple[Any, ...]) -> _Statement:
    stand_ins = [_stand_in(i, v) for i, v in enumerate(values)]
    queryset: Any = build(*stand_ins)  # Any: what is kept of it are QuerySet's private attributes
    if queryset.model is not model or queryset._prefetch_related_lookups:
        raise ValueError("a prepared queryset reads its model's table, with nothing prefetched")
    compiler = queryset.query.get_compiler(using=alias)
    kept = (queryset.query, compiler, queryset._iterable_class, queryset._fields or ())
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Statement(*kept, "", (), (), {})
    places = tuple((at, stand_ins.index(p)) for at, p in enumerate(params) if type(p) in (int, str) and p in stand_ins)
    if sorted({i for _, i in places}) != list(range(len(values))):
        raise ValueError("each prepared value must be one parameter of the SQL, unchanged")
    converters = compiler.get_converters([s[0] for s in compiler.select[0 : compiler.col_count]])
    return _Statement(*kept, sql, tuple(params), places, converters)


def rows(model: type[Model], key: tuple[Any, ...], build: Callable[..., QuerySet], *values: Any) -> list[Any]:
    """What `build(*values)`, a queryset of `model`, gives as a list (model instances, or rows of `values_list()`
    and `values()`, as its queryset iterates), compiled once per `key` and database."""
    alias = router.db_for_read(model)
    full_key = (alias, model._meta.label, *key)
    statement = _statements.get(full_key)
    if statement is None:
        if len(_statements) >= _MAX_STATEMENTS:
            _statements.clear()
        statement = _statements[full_key] = _compile(model, alias, build, values)
    elif getattr(settings, "PREPARED_CHECK", False):
        again = _compile(model, alias, build, values)
        if (again.sql, again.params) != (statement.sql, statement.params):
            raise AssertionError(f"kit.prepared key {key!r} leaves out something its SQL depends on")
    if not statement.sql:
        # With the stand-ins Django found that no row could match: an empty `__in` list, or a stand-in outside the
        # range of the integer column it is compared with (a 32-bit or positive one), which a real value may be
        # inside. Never "no rows" on the stand-ins' word: the queryset as it is, for these values.
        return list(build(*values))
    params = list(statement.params)
    for at, i in statement.places:
        params[at] = values[i]
    # Django's own iteration (ModelIterable, ValuesListIterable...) over a copy of the kept compiler that gives the
    # kept SQL: instances, their select_related objects and annotations are made as the queryset would make them.
    compiler = copy.copy(statement.compiler)
    compiler.connection = connections[alias]  # this thread's connection, not the one that compiled
    compiler.as_sql = lambda *args, **kwargs: (statement.sql, params)
    compiler.get_converters = lambda expressions: statement.converters  # the kept select's: fixed with its SQL
    query = copy.copy(statement.query)
    query.get_compiler = lambda *args, **kwargs: compiler
    queryset: Any = QuerySet(model=model, query=query, using=alias)
    queryset._iterable_class, queryset._fields = statement.iterable, statement.fields or None
    return list(queryset)


def first(model: type[Model], key: tuple[Any, ...], build: Callable[..., QuerySet], *values: Any) -> Any:
    """The first of `rows(...)`, or None (slice in the builder: `[:1]`)."""
    found = rows(model, key, build, *values)
    return found[0] if found else None


def latest_of(model: type[Model], key: tuple[Any, ...], parent: Model, *, via: str, order_by: tuple[str, ...]) -> Any:
    """The first row of `model` whose `via` is `parent`, in `order_by` (newest first, say), or None; compiled once per
    `key`. Its `via` is set to `parent`, as the parent's related manager would, so reading it back costs no query."""
    found = first(
        model, key, lambda pk: model._default_manager.filter(**{f"{via}_id": pk}).order_by(*order_by)[:1], parent.pk
    )
    if found is not None:
        setattr(found, via, parent)
    return found
