"""Batch seals (ADR 0012): the seal table, append-only like the events; `seq` unique.

On SQLite, making `seq` unique rebuilds the events table, which drops its triggers: they are put back.
"""

import importlib

from django.db import migrations, models

_append_only = importlib.import_module("childnrm.audit.migrations.0002_append_only")

PG_FORWARD = """
-- New events take their seq from the id sequence: start it past every seq already written.
SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'),
              greatest((SELECT max(id) FROM audit_auditevent), (SELECT max(seq) FROM audit_auditevent), 1));
CREATE TRIGGER audit_seal_no_update BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_seal_no_update ON audit_auditseal;
DROP TRIGGER IF EXISTS audit_seal_no_truncate ON audit_auditseal;
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only (DELETE refused)'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_seal_no_update;", "DROP TRIGGER IF EXISTS audit_seal_no_delete;"]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in (*_append_only.SQLITE_REVERSE, *_append_only.SQLITE_FORWARD, *SQLITE_FORWARD):
            schema_editor.execute(sql)


def reverse(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(unique=True)),
                ("sealed_at", models.DateTimeField()),
                ("first_seq", models.BigIntegerField()),
                ("last_seq", models.BigIntegerField()),
                ("runs", models.JSONField(default=list)),
                ("holes", models.JSONField(default=list)),
                ("count", models.PositiveIntegerField()),
                ("root", models.CharField(max_length=64)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AlterField(model_name="auditevent", name="seq", field=models.BigIntegerField(unique=True)),
        migrations.RunPython(forward, reverse),
    ]
