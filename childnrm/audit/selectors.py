"""Reads of the audit trail."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import CharField, Q, QuerySet, Value

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


def records_about(subject: models.Model) -> dict[str, list[str]]:
    """Audit object type -> ids of every record about `subject`, including itself, in one query."""
    parts = []
    for model, lookups in record_paths_to(type(subject)).items():
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: subject.pk})
        label = Value(model._meta.label_lower, output_field=CharField())
        parts.append(
            model._base_manager.filter(condition)
            .order_by()
            .annotate(audited_as_=label)
            .values_list("audited_as_", "pk")
        )
    found: dict[str, list[str]] = defaultdict(list)
    for record_type, pk in parts[0].union(*parts[1:]):
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
    matches = Q()
    for record_type, ids in records_about(subject).items():
        matches |= Q(object_type=record_type, object_id__in=ids)
    return AuditEvent.objects.filter(matches).select_related("actor", "actor__organisation").order_by("-seq")
