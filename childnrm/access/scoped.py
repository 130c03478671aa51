"""One record of a user's scope by its key, without building the whole scope when a site-wide role reaches it.

Each app's selectors say who reaches its records (a queryset of everything the user may see: the site's records
for a coordinator, and for others the meetings they attend, the children they are the guardian of…). Building
that scope's subqueries costs the ORM more than the lookup, and a site's coordinator, who asks most, reaches every
record of their sites whatever the rest of the scope says. So the record is looked for among those sites first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

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
    rows = model._default_manager.all()
    if sites:
        found = _read(rows, related).filter(**{f"{site_field}__in": list(sites)}, **key).first()
        if found is not None:
            return found
    found = _read(scope(), related).filter(**key).first()
    if found is None:
        raise Http404
    return found


def _read(rows: QuerySet[M], related: Sequence[str]) -> QuerySet[M]:
    # Not `select_related()` with no names: that would follow every foreign key.
    return rows.select_related(*related) if related else rows
