"""PostgreSQL: the application's role can write and read the trail, and nothing else (audit_harden)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import errors, sql

from childnrm.audit.services import audit_record, audit_verify

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="roles and ownership are PostgreSQL's"),
    # The role connects on its own connection: what it is shown must be committed.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def app_role() -> Iterator[str]:
    """A login role like the application's in a default deployment: not a superuser, but it ran `migrate`,
    so it owns the audit tables (and their trigger function), with rights on every other table."""
    name, owner = f"test_app_{secrets.token_hex(4)}", f"test_audit_owner_{secrets.token_hex(4)}"
    database = sql.Identifier(connection.settings_dict["NAME"])
    role = sql.Identifier(name)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, role))
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
        cursor.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role)
        )
        cursor.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
        for table in ("audit_auditevent", "audit_auditseal"):
            cursor.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), role))
        cursor.execute(sql.SQL("ALTER FUNCTION audit_event_refuse_change() OWNER TO {}").format(role))
    yield name, owner
    with connection.cursor() as cursor:
        for each in (owner, name):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [each])
            if cursor.fetchone():
                cursor.execute(sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER").format(sql.Identifier(each)))
                cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(each)))
                cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(database, sql.Identifier(each)))
                cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(each)))


def _connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


# Refused by PostgreSQL's privileges (not by the append-only triggers, whose message says "append-only").
REFUSED = {
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER": "must be owner",
    "ALTER TABLE audit_auditseal DISABLE TRIGGER USER": "must be owner",
    "SET session_replication_role = replica": "permission denied to set parameter",
    "DROP TABLE audit_auditevent": "must be owner",
    "DROP TABLE audit_auditseal": "must be owner",
    "UPDATE audit_auditevent SET purpose = 'Curiosity'": "permission denied",
    "DELETE FROM audit_auditevent": "permission denied",
    "DELETE FROM audit_auditseal": "permission denied",
    "TRUNCATE audit_auditevent": "permission denied",
    "ALTER TABLE audit_auditevent DROP CONSTRAINT audit_auditevent_seq_key": "must be owner",
}


def test_before_hardening_the_owning_application_role_can_switch_the_guard_off(app_role):
    with _connect_as(app_role[0]) as app, app.transaction(force_rollback=True):
        app.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")  # what audit_harden takes away


def test_the_application_role_can_write_and_read_the_trail_but_not_unguard_it(app_role):
    name, owner = app_role
    audit_record(action="view", object_type="people.child", object_id="1")
    call_command("audit_harden", app_role=name, owner_role=owner)
    with _connect_as(name) as app:
        for statement, refusal in REFUSED.items():
            with pytest.raises(errors.InsufficientPrivilege, match=refusal):
                app.execute(statement)
        # What the application does: take a seq, insert an event, read the trail, insert a seal.
        seq = app.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))").fetchone()[0]
        app.execute(
            "INSERT INTO audit_auditevent (id, seq, occurred_at, role, action, object_type, object_id, purpose,"
            " detail, prev_hash, hash) VALUES (%s, %s, now(), '', 'view', 'people.child', '2', '', '{}', '', 'x')",
            [seq, seq],
        )
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 2
        assert app.execute("SELECT count(*) FROM audit_auditseal").fetchone()[0] == 0
        app.execute(
            "INSERT INTO audit_auditseal (number, sealed_at, first_seq, last_seq, runs, holes, count, root, prev_hash,"
            " hash) VALUES (99, now(), 1, 1, '[]', '[]', 0, '', '', '')"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        assert cursor.fetchone()[0] == owner
    report = audit_verify()  # the row inserted by hand carries no valid HMAC, nor the made-up seal
    assert {p.kind for p in report.problems} >= {"inserted"}


def test_hardening_is_refused_for_a_superuser_application_role(app_role):
    with pytest.raises(CommandError, match="superuser"):
        call_command("audit_harden", app_role=connection.settings_dict["USER"] or "postgres", owner_role=app_role[1])
