"""One record of a user's scope by its key, without building the whole scope when a site-wide role reaches it.

Each app's selectors say who reaches its records (a queryset of everything the user may see: the site's records
for a coordinator, and for others the meetings they attend, the children they are the guardian of…). Building
that scope's subqueries costs the ORM more than the lookup, and a site's coordinator, who asks most, reaches every
record of their sites whatever the rest of the scope says. So the record is looked for among those sites first,
by a statement that is the same for every user of those sites: compiled once (kit.prepared, ADR 0031).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from childnrm.kit import prepared

M = TypeVar("M", bound=Model)


def get_in_scope(
    model: type[M],
    scope: Callable[[], QuerySet[M]],
    *,
    sites: Sequence[int],
    site_field: str,
    related: Sequence[str] = (),
    **key: Any,
) -> M:
    """The `model` row with `key` (e.g. `pk=…`, `reference=…`) that the user reaches, with `related` read alongside;
    404, as if it did not exist, when they do not.

    `sites` are the sites where the user reaches every such row (the coordinator's managed sites): a row whose
    `site_field` (e.g. `"referral__site_id"`) is one of them is in `scope()` whatever its other clauses say, so it
    is found within those sites alone. Any other row is looked for through `scope()`, built only then. A case
    transferred to another site has that site in `site_field`, so the sending site's people find it in neither.
    """
    if sites:
        found = _in_sites(model, tuple(sites), site_field, tuple(related), key)
        if found is not None:
            return found
    found = _read(scope(), related).filter(**key).first()
    if found is None:
        raise Http404
    return found


_ID_LIMIT = 2**63  # a larger id in an address matches no row: left to the ORM, which knows that


def _in_sites(model: type[M], sites: tuple[int, ...], site_field: str, related: tuple[str, ...], key: dict) -> M | None:
    """The row with `key` whose `site_field` is one of `sites`, as `.first()` reads it."""

    def build(*values: Any) -> QuerySet[M]:
        rows = _read(model._default_manager.all(), related).filter(
            **{f"{site_field}__in": list(sites)}, **dict(zip(key, values, strict=True))
        )
        return (rows if rows.ordered else rows.order_by("pk"))[:1]  # the statement `.first()` sends

    values = tuple(key.values())
    if all(isinstance(v, str) or (type(v) is int and 0 < v < _ID_LIMIT) for v in values):
        return prepared.first(model, ("access:in-sites", site_field, related, tuple(key), sites), build, *values)
    found = list(build(*values))
    return found[0] if found else None


def _read(rows: QuerySet[M], related: Sequence[str]) -> QuerySet[M]:
    # Not `select_related()` with no names: that would follow every foreign key.
    return rows.select_related(*related) if related else rows
