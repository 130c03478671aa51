"""The table of the cache every worker shares (settings.CACHES["shared"], Django's database cache; ADR 0022,
amendment 1), made by `migrate` so every deployment, the development server and the tests' databases have it.
`createcachetable` makes only what is missing: running it again is harmless."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.SHARED_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("kit", "0001_pending_uploads_kept_after_a_form_error")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
