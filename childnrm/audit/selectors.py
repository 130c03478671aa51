"""Reads of the audit trail."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, CharField, F, Func, Q, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler

from childnrm.audit.models import AuditEvent

# How far a record may be from the subject along foreign keys and still be "about" it
# (a response document -> its answer -> the information request -> the referral -> the child is 4).
_MAX_DEPTH = 5


def events_for_object(obj: models.Model) -> QuerySet[AuditEvent]:
    """Who has seen or changed this record, newest first (uses the object index)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor", "actor__organisation")
        .order_by("-seq")
    )


@cache
def record_paths_to(subject: type[models.Model]) -> dict[type[models.Model], tuple[str, ...]]:
    """For every model whose foreign keys lead to `subject`, the shortest lookup paths to it.

    Derived from the models, not listed by hand, so a record type added later (a new kind of letter,
    a new safeguarding record) is covered by the subject's audit page without anyone remembering to
    register it. A model reachable by several equally short paths (a link decision's two children)
    keeps all of them.
    """
    edges: dict[type[models.Model], list[tuple[str, type[models.Model]]]] = defaultdict(list)
    for model in apps.get_models():
        if model is AuditEvent:
            continue
        for field in model._meta.get_fields():
            if field.concrete and (field.many_to_one or field.one_to_one) and isinstance(field.related_model, type):
                edges[model].append((field.name, field.related_model))
    paths: dict[type[models.Model], tuple[str, ...]] = {subject: ("pk",)}
    frontier: dict[type[models.Model], tuple[str, ...]] = {subject: ("",)}
    for _ in range(_MAX_DEPTH):
        found: dict[type[models.Model], list[str]] = defaultdict(list)
        for model, fields in edges.items():
            if model in paths:
                continue
            for name, target in fields:
                for rest in frontier.get(target, ()):
                    found[model].append(f"{name}__{rest}" if rest else name)
        if not found:
            break
        frontier = {model: tuple(sorted(set(ways))) for model, ways in found.items()}
        paths.update(frontier)
    return paths


# Stands for the subject's primary key while the query is compiled once per subject model (any integer no record
# has: compiled queries are cached, the pk is put in its places at each call).
_SUBJECT_PK = -7_357_735


@cache
def _records_about_sql(subject: type[models.Model], vendor: str) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The UNION of every path to `subject`, compiled once: its SQL, its parameters, where the subject's pk goes.

    Building and compiling some 60 querysets cost more Django CPU than anything else on the audit page."""
    parts: list[QuerySet[Any, Any]] = []
    for model, lookups in record_paths_to(subject).items():
        label = Value(model._meta.label_lower, output_field=CharField())
        # One part per path, not one OR of the paths: an OR across two joins (a decision's evidence reaches the
        # child through its decision and through its document) cannot use either join's index, so PostgreSQL
        # read the whole evidence table (392,000 rows at 100,000 children). The UNION removes a record found twice.
        parts.extend(
            model._base_manager.filter(**{lookup: _SUBJECT_PK})
            .order_by()
            .annotate(audited_as_=label)
            .values_list("audited_as_", "pk")
            for lookup in lookups
        )
    sql, params = parts[0].union(*parts[1:]).query.sql_with_params()
    places = tuple(i for i, value in enumerate(params) if value == _SUBJECT_PK and not isinstance(value, str))
    if len(places) != len(parts):
        raise RuntimeError(f"Cannot compile the records about {subject._meta.label}: {len(places)} of {len(parts)}")
    return sql, tuple(params), places


def records_about(subject: models.Model) -> dict[str, list[str]]:
    """Audit object type -> ids of every record about `subject`, including itself, in one query."""
    sql, params, places = _records_about_sql(type(subject), connection.vendor)
    values = list(params)
    for place in places:
        values[place] = subject.pk
    found: dict[str, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        for record_type, pk in cursor.fetchall():
            found[record_type].append(str(pk))
    return {record_type: sorted(ids) for record_type, ids in found.items()}


def events_about(subject: models.Model) -> QuerySet[AuditEvent]:
    """Who has seen or changed this record or anything about it (for a child: referrals, documents,
    papers, decisions, plans, letters, information requests and answers...), newest first.

    Each record type is one (object type, object ids) lookup on the object index, so the page costs
    one query for the ids and then the usual count and page, however many records the case has.
    Events whose record has since been deleted (a removed agenda item) are not reached; lists that
    included the subject are not either.
    """
    found = records_about(subject)
    matches: Q | _AmongRecords
    if connection.vendor == "postgresql":
        matches = _AmongRecords(found)
    else:
        matches = Q()
        for record_type, ids in found.items():
            matches |= Q(object_type=record_type, object_id__in=ids)
    # Newest first by `seq + 0`, not `seq`: ordered by the column, PostgreSQL may walk the seq index backwards
    # from the newest of all events, testing each against the subject's records until it has a page (seen at
    # 200,000 events: 11,495 rows for a child's page 1), a walk that grows with the trail and with how long ago
    # the child was last seen. By the expression it must gather the subject's events from the object index (a
    # bitmap OR, or on PostgreSQL one probe per record) and sort those: work that grows with the subject's events
    # only. Same order: `seq` is unique.
    newest_first = (F("seq") + 0).desc()
    return AuditEvent.objects.filter(matches).select_related("actor", "actor__organisation").order_by(newest_first)


class _AmongRecords(Func):
    """PostgreSQL: the event's (object type, object id) is one of `found`'s records, given as two arrays.

    An OR of one `IN` per record type made a statement that grew with the case (some 80 values for a child with
    1,000 events): Django built and compiled it twice a page (count and rows), some 3 ms of CPU, and PostgreSQL
    planned each (1 ms) and walked a bitmap OR. The pairs of two arrays are one short statement whatever the
    case holds, and PostgreSQL probes the object index once for each record (0.3 ms for the count).
    """

    output_field = BooleanField()
    template = "(%(expressions)s) IN (SELECT * FROM unnest(%%s::varchar[], %%s::varchar[]))"

    def __init__(self, found: dict[str, list[str]]) -> None:
        super().__init__(F("object_type"), F("object_id"))
        self.record_types = [record_type for record_type, ids in found.items() for _ in ids]
        self.record_ids = [record_id for ids in found.values() for record_id in ids]

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        sql, params = super().as_sql(compiler, connection, function, template, arg_joiner, **extra_context)
        return sql, (*params, self.record_types, self.record_ids)
