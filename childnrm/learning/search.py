"""Full-text search of the published library: PostgreSQL's own full-text search, and SQLite's FTS5 on the
embedded default (ADR 0017).

Both rank the title above the summary above the themes, stem English words ("exploited" finds
"exploitation") and need every word searched for. On SQLite an FTS5 table indexes the versions table
(external content), kept in step by triggers made in migration 0001, so any write — a service, a restore
from backup — keeps the index right. It is derived data: the backup leaves it out (`DERIVED_TABLES`) and the
triggers fill it again on restore.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Case, F, FloatField, QuerySet, Value, When

from childnrm.learning.models import LibraryItemVersion

FTS_TABLE = "learning_search"
DERIVED_TABLES = frozenset(
    {FTS_TABLE} | {f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")}
)

# bm25 weights: title, summary, themes and exploitation types.
_SQLITE_SEARCH = (
    "SELECT rowid, bm25(learning_search, 10.0, 4.0, 2.0) FROM learning_search WHERE learning_search MATCH %s"
)

_WORD = re.compile(r"\w+", re.UNICODE)


def words_of(query: str) -> list[str]:
    """The words searched for; punctuation and search syntax are not the user's to type."""
    return _WORD.findall(query.lower())[:20]


def ranked(versions: QuerySet[LibraryItemVersion], query: str) -> QuerySet[LibraryItemVersion]:
    """`versions` that contain every word of `query`, best match first (annotated `rank`)."""
    words = words_of(query)
    if not words:
        return versions.none()
    if connection.vendor == "postgresql":
        return _ranked_postgresql(versions, words)
    return _ranked_sqlite(versions, words)


def _ranked_postgresql(versions: QuerySet[LibraryItemVersion], words: list[str]) -> QuerySet[LibraryItemVersion]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # Migration 0004's GIN index is on this very expression: change both together (test_search_index.py).
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("search_tags", weight="C", config="english")
    )
    search = SearchQuery(" ".join(words), search_type="plain", config="english")
    return (
        versions.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(document=search)
        .order_by("-rank", "-item_date", "-id")
    )


def _ranked_sqlite(versions: QuerySet[LibraryItemVersion], words: list[str]) -> QuerySet[LibraryItemVersion]:
    # Each word quoted: FTS5 reads it as a plain term (prefix-free), never as an operator.
    match = " ".join('"' + w.replace('"', "") + '"' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SEARCH, [match])
        scores = dict(cursor.fetchall())
    if not scores:
        return versions.none()
    # bm25 is lower for a better match: order by it through a CASE over the (few) matching rows.
    rank = Case(*[When(pk=pk, then=Value(-score)) for pk, score in scores.items()], output_field=FloatField())
    return versions.filter(pk__in=list(scores)).annotate(rank=rank).order_by(F("rank").desc(), "-item_date", "-id")
