"""A GIN index for the library's full-text search on PostgreSQL (ADR 0017).

The index is on the very expression `learning/search.py` searches (title A, summary B, themes C, English), so
PostgreSQL can use it for `document @@ query` instead of reading every version. SQLite has its FTS5 index
(migration 0001) and gets nothing here. The expression is copied, not imported: a migration must not change
when the code does; `learning/tests/test_search_index.py` fails if the two drift apart.
"""

from django.db import migrations

INDEX = "learning_version_search_gin"
CREATE = (
    f"CREATE INDEX {INDEX} ON learning_libraryitemversion USING gin (("
    "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')) || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(search_tags, '')), 'C')"
    "))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_review_summary_revises")]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]
