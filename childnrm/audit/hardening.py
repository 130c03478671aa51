"""PostgreSQL: the application's role must not own the audit tables (ADR 0012).

The owner of a table can switch its triggers off, and a superuser can skip them with
`session_replication_role`; either lifts the append-only guard. So the audit tables belong to a
separate role that nobody logs in as, and the application's role gets INSERT and SELECT only: it can
write and read the trail, and the database refuses it UPDATE, DELETE, TRUNCATE, DROP, ALTER TABLE …
DISABLE TRIGGER and `SET session_replication_role`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from psycopg import sql

AUDIT_TABLES = ("audit_auditevent", "audit_auditseal")
AUDIT_FUNCTION = "audit_event_refuse_change()"


class HardeningRefused(Exception):
    """The database would still let the application's role lift the guard: nothing was changed."""


@dataclass
class HardeningReport:
    owner_role: str
    app_role: str
    created_owner: bool = False
    tables: list[str] = field(default_factory=list)


def _one(cursor, query: str, params: list) -> object:
    cursor.execute(query, params)
    row = cursor.fetchone()
    return row[0] if row else None


def _refusals(cursor, app_role: str, owner_role: str) -> list[str]:
    """What would leave the application able to lift the guard anyway."""
    problems = []
    if _one(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role]) is None:
        return [f"There is no role {app_role!r}"]
    if _one(cursor, "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role]):
        problems.append(f"{app_role!r} is a superuser: it can do anything to any table")
    if app_role == owner_role:
        problems.append("The application's role and the owner role must differ")
    exists = _one(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [owner_role])
    if exists and _one(cursor, "SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner_role]):
        problems.append(f"{app_role!r} is a member of {owner_role!r}: it would own the tables through it")
    schema_owner = _one(cursor, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = current_schema()", [])
    if _one(cursor, "SELECT pg_has_role(%s, %s::regrole, 'MEMBER')", [app_role, schema_owner]):
        problems.append(
            f"{app_role!r} owns the schema (as {schema_owner}), so it could drop the audit tables: "
            "give the database and the schema to another role"
        )
    return problems


def audit_tables_harden(*, app_role: str, owner_role: str = "childnrm_audit_owner") -> HardeningReport:
    """Give the audit tables to `owner_role` (created without login if missing) and grant `app_role` only
    SELECT and INSERT on them (and the sequences they use). Run as a superuser; idempotent."""
    if connection.vendor != "postgresql":
        raise HardeningRefused("Hardening applies to PostgreSQL only")
    report = HardeningReport(owner_role=owner_role, app_role=app_role)
    owner, app = sql.Identifier(owner_role), sql.Identifier(app_role)
    with transaction.atomic(), connection.cursor() as cursor:
        problems = _refusals(cursor, app_role, owner_role)
        if problems:
            raise HardeningRefused("; ".join(problems))
        if not _one(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [owner_role]):
            cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(owner))
            report.created_owner = True
        for table in AUDIT_TABLES:
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(name, owner))  # its id sequence follows
            cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(name, app))
            cursor.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(name, app))
            sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])
            if not isinstance(sequence, str):
                raise HardeningRefused(f"{table} has no id sequence: is the database migrated?")
            cursor.execute(sql.SQL("REVOKE ALL ON SEQUENCE {} FROM PUBLIC, {}").format(sql.SQL(sequence), app))
            cursor.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.SQL(sequence), app))
            report.tables.append(table)
        cursor.execute(sql.SQL(f"ALTER FUNCTION {AUDIT_FUNCTION} OWNER TO {{}}").format(owner))
    return report
