"""Statements bound and prepared on the server on PostgreSQL (ADR 0032): a page's fixed reads are planned once per
connection, long lists of ids never are."""

from __future__ import annotations

import pytest
from django.db import connection

from childnrm.accounts.models import Site
from childnrm.core.database import LIST_PARAMETERS
from childnrm.people.models import Child

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="prepared statements are PostgreSQL's"),
]


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_read_run_again_and_again_is_prepared_and_a_long_list_of_ids_is_not():
    site = Site.objects.create(slug="prepared", name="Prepared")
    children = [
        Child.objects.create(site=site, given_names="Ana", family_name=f"Prep{i}", sex="female", nationalities=["AL"])
        for i in range(3)
    ]
    ids = [c.pk for c in children] + [-i for i in range(1, LIST_PARAMETERS)]  # a long list, most of it no one
    for _ in range(7):
        # Prepared from its sixth run on, the read still answers for the values of each run.
        for child in children:
            assert list(Child.objects.filter(reference=child.reference)) == [child]
        assert sorted(c.pk for c in Child.objects.filter(pk__in=ids)) == sorted(c.pk for c in children)
    statements = _prepared_statements()
    assert len([s for s in statements if '"people_child"."reference" = $1' in s]) == 1, statements
    assert [s for s in statements if '"people_child"."id" IN ($1, $2' in s] == []
