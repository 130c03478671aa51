"""The library's full-text search on PostgreSQL uses its GIN index (migration 0004), so a large library is not read
version by version. The index is on a copy of the expression search.py builds: if the two drift apart, this fails.
(SQLite searches its FTS5 index; relevance on both databases: test_library.py.)"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from childnrm.accounts.models import Role
from childnrm.learning.models import LibraryItem, LibraryItemVersion, VersionStatus
from childnrm.learning.selectors import LibraryFilters, library_search
from conftest import demo_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the GIN index exists on PostgreSQL only"),
]

INDEX = "learning_version_search_gin"
LIBRARY_SIZE = 2000


def published_library(size: int) -> None:
    """`size` published items on everyday themes, written straight to the tables (only their number matters)."""
    author = demo_user(Role.PANEL_MEMBER)
    items = LibraryItem.objects.bulk_create(
        [LibraryItem(site_id=author.memberships.first().site_id, created_by=author) for _ in range(size)]
    )
    versions = LibraryItemVersion.objects.bulk_create(
        [
            LibraryItemVersion(
                item=item,
                number=1,
                title=f"Practice note {n} on planning for children who go missing",
                summary="Return home interviews, strategy meetings and the plan that follows them.",
                kind="practice_note",
                themes=["missing"],
                region="uk",
                audiences=["social_workers"],
                item_date=date(2026, 1, 1),
                link="https://www.gov.uk/guidance",
                search_tags="Going missing",
                status=VersionStatus.APPROVED,
                submitted_by=author,
            )
            for n, item in enumerate(items)
        ]
    )
    for item, version in zip(items, versions, strict=True):
        item.published = version
    LibraryItem.objects.bulk_update(items, ["published"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE learning_libraryitemversion")
        cursor.execute("ANALYZE learning_libraryitem")


def test_the_library_search_uses_its_gin_index(demo):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        [(definition,)] = cursor.fetchall()
    assert "USING gin" in definition
    published_library(LIBRARY_SIZE)

    # Words few items hold: PostgreSQL finds them through the index, as the library page asks (filtered, or
    # newest first), and ranks them as before.
    search = library_search(LibraryFilters(query="county lines"))
    plan = search.explain()
    assert f"Bitmap Index Scan on {INDEX}" in plan, plan
    assert [v.title for v in search] == ["County lines: spotting criminal exploitation early"]
    filtered = library_search(LibraryFilters(query="credibility", theme="credibility", sort="newest"))
    assert INDEX in filtered.explain()
    assert [v.title for v in filtered] == ["Trauma-informed credibility: weighing inconsistent accounts"]
