"""The audit trail is append-only and tamper-evident."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from childnrm.accounts.models import Role
from childnrm.audit.chain import seal
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import audit_record, audit_verify
from childnrm.people.models import Child
from conftest import demo_user


@pytest.fixture
def chain(demo) -> list[AuditEvent]:
    actor = demo_user(Role.COORDINATOR)
    child = Child.objects.filter(site__slug="northbridge").first()
    return [audit_record(actor=actor, action="view", obj=child, purpose="Panel case management") for _ in range(5)]


def _without_guards():
    """What an attacker with database rights could do: switch off the append-only triggers."""
    if connection.vendor == "postgresql":
        return ["ALTER TABLE audit_auditevent DISABLE TRIGGER USER"]
    return ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]


def _tamper(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in (*_without_guards(), *statements):
            cursor.execute(sql)


def test_clean_chain_verifies(chain):
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count()
    assert report.head_hash == AuditEvent.objects.order_by("-seq").first().hash
    call_command("audit_verify")


def test_events_record_actor_organisation_role_purpose_and_object(chain):
    event = chain[0]
    actor = demo_user(Role.COORDINATOR)
    assert event.actor_id == actor.pk
    assert event.organisation_id == actor.organisation_id
    assert event.role == Role.COORDINATOR
    assert event.object_type == "people.child"
    assert event.purpose == "Panel case management"
    assert [e.seq for e in chain] == list(range(chain[0].seq, chain[0].seq + 5))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))


def test_verify_catches_an_edited_event(chain):
    _tamper(f"UPDATE audit_auditevent SET purpose = 'Curiosity' WHERE id = {chain[2].pk}")
    report = audit_verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(chain[2].seq, "altered")]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verify_catches_a_deleted_event(chain):
    _tamper(f"DELETE FROM audit_auditevent WHERE id = {chain[1].pk}")
    report = audit_verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(chain[1].seq, "deleted")]


def test_verify_catches_an_inserted_event(chain):
    # A forged copy at an existing position, and a forged event appended with a made-up seal.
    fake = chain[2]
    forged_seal = seal(
        seq=fake.seq + 100,
        prev_hash=chain[-1].hash,
        occurred_at=fake.occurred_at,
        actor_id=None,
        organisation_id=None,
        site_id=None,
        role="",
        action="view",
        object_type="people.child",
        object_id="1",
        purpose="",
        ip=None,
        detail={},
    ).replace("a", "b")
    with connection.cursor() as cursor:
        for seq, prev, digest in (
            (fake.seq, fake.prev_hash, fake.hash),
            (chain[-1].seq + 1, chain[-1].hash, forged_seal),
        ):
            cursor.execute(
                "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, organisation_id, site_id, role, action,"
                " object_type, object_id, purpose, ip, detail, prev_hash, hash)"
                " VALUES (%s, %s, NULL, NULL, NULL, '', 'view', 'people.child', '1', 'Curiosity', NULL, '{}', %s, %s)",
                [seq, fake.occurred_at, prev, digest],
            )
    problems = {p.seq: p.kind for p in audit_verify().problems}
    assert problems[fake.seq] == "inserted"
    assert chain[-1].seq + 1 in problems  # the forged newest event: its seal cannot be made without the key
    assert len(problems) == 2


def test_truncating_newest_events_is_caught_against_an_anchor(chain):
    anchor = (chain[-1].seq, chain[-1].hash)
    _tamper(f"DELETE FROM audit_auditevent WHERE id = {chain[-1].pk}")
    assert audit_verify().ok  # the chain alone cannot see a missing tail...
    assert not audit_verify(anchor=anchor).ok  # ...an anchor kept elsewhere can


def test_database_refuses_update_and_delete(chain):
    for sql in (
        f"UPDATE audit_auditevent SET purpose = 'x' WHERE id = {chain[0].pk}",
        f"DELETE FROM audit_auditevent WHERE id = {chain[0].pk}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=chain[0].pk, purpose="Panel case management").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE exists only on PostgreSQL")
def test_postgres_refuses_truncate(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_audit_event_is_part_of_the_callers_transaction(demo):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=demo_user(Role.COORDINATOR), action="update", object_type="people.child", object_id="1")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok
