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
    keys, children = quote(key._meta.db_table), quote(child._meta.db_table)
    area = "'la:' || CAST(c.local_authority_id AS VARCHAR(20))"
    # Not a key a child already has (one saved by the new code before this ran): one row per child and key.
    schema_editor.execute(
        f"INSERT INTO {keys} (child_id, site_id, {quote('key')}, birth_year, birth_year_estimated) "  # noqa: S608
        f"SELECT c.id, c.site_id, {area}, NULL, %s FROM {children} c WHERE c.local_authority_id IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.child_id = c.id AND k.{quote('key')} = {area})",
        [False],
    )


def remove_area_keys(apps, schema_editor) -> None:
    apps.get_model("people", "ChildBlockingKey").objects.filter(key__startswith="la:").delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0014_child_accepted_here_since")]

    operations = [migrations.RunPython(add_area_keys, remove_area_keys)]
