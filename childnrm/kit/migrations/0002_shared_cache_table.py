"""The table of the cache every worker shared (settings.CACHES["shared"], Django's database cache; ADR 0022,
amendment 1), made by `migrate` so every deployment, the development server and the tests' databases had it.
`createcachetable` makes only what is missing: running it again is harmless. Since the counts moved to a table of
their own (migration 0003, ADR 0022 amendment 2) settings name no database cache, so this makes nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('childnrm_shared_cache')}")


class Migration(migrations.Migration):
    dependencies = [("kit", "0001_pending_uploads_kept_after_a_form_error")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
