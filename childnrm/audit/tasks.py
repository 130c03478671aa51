"""Background tasks of the audit trail: sealing (every minute) and the daily anchor (ADR 0012)."""

from __future__ import annotations

from django_tasks import task

from childnrm.audit.services import audit_anchor_write, audit_seal


@task()
def seal_audit_trail() -> dict:
    """Seal every committed event not sealed yet. Run every minute: until then an event is unsealed."""
    run = audit_seal()
    return {"seals": run.seals, "events": run.events, "refused": run.refused}


@task()
def write_audit_anchor() -> dict:
    """Seal, then write the newest seal's number and hash outside the database. Run daily."""
    return {"path": str(audit_anchor_write())}
