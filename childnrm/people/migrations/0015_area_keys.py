"""The area a child lives in kept with the child's linkage keys (`linkage_scoring.stored_keys`, ADR 0029 amendment 6).

One statement on either database: a key `la:<local authority id>` for every child whose area is recorded. The keys
are derived data, so the reverse simply removes them. New and changed children get theirs from the receivers in
`people.linkage`, which write the birth year with every key; these rows carry none, which no reader of an area key
uses (areas are counted, never searched by year).
"""

from django.db import migrations


def add_area_keys(apps, schema_editor) -> None:
    key = apps.get_model("people", "ChildBlockingKey")
    child = apps.get_model("people", "Child")
    quote = schema_editor.connection.ops.quote_name
    schema_editor.execute(
        f"INSERT INTO {quote(key._meta.db_table)} (child_id, site_id, {quote('key')}, birth_year, "  # noqa: S608
        f"birth_year_estimated) SELECT id, site_id, 'la:' || CAST(local_authority_id AS VARCHAR(20)), NULL, %s "
        f"FROM {quote(child._meta.db_table)} WHERE local_authority_id IS NOT NULL",
        [False],
    )


def remove_area_keys(apps, schema_editor) -> None:
    apps.get_model("people", "ChildBlockingKey").objects.filter(key__startswith="la:").delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0014_child_accepted_here_since")]

    operations = [migrations.RunPython(add_area_keys, remove_area_keys)]
