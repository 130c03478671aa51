"""The audit trail is append-only and tamper-evident: events sealed in Merkle batches chained by HMAC."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import stat

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.chain import LEAF_TEXT_SQL, leaf_text, merkle_root, seal
from childnrm.audit.models import AuditEvent, AuditSeal
from childnrm.audit.services import anchor_latest, audit_record, audit_seal, audit_verify
from childnrm.audit.tasks import write_audit_anchor
from childnrm.people.models import Child
from conftest import demo_user


@pytest.fixture
def chain(demo) -> list[AuditEvent]:
    """Five events, sealed as the every-minute task would."""
    actor = demo_user(Role.COORDINATOR)
    child = Child.objects.filter(site__slug="northbridge").first()
    events = [audit_record(actor=actor, action="view", obj=child, purpose="Panel case management") for _ in range(5)]
    audit_seal()
    return events


def _without_guards():
    """What an attacker with the tables' owner's rights could do: switch off the append-only triggers."""
    if connection.vendor == "postgresql":
        return ["ALTER TABLE audit_auditevent DISABLE TRIGGER USER", "ALTER TABLE audit_auditseal DISABLE TRIGGER USER"]
    return [
        f"DROP TRIGGER {name}"
        for name in ("audit_event_no_update", "audit_event_no_delete", "audit_seal_no_update", "audit_seal_no_delete")
    ]


def _tamper(*statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in (*_without_guards(), *statements):
            cursor.execute(sql)


def _insert_raw(seq: int, digest: str, purpose: str = "Curiosity") -> None:
    """A row written straight into the table, as someone with INSERT on it could."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, occurred_at, actor_id, organisation_id, site_id, role, action,"
            " object_type, object_id, purpose, ip, detail, prev_hash, hash)"
            " VALUES (%s, %s, NULL, NULL, NULL, '', 'view', 'people.child', '1', %s, NULL, '{}', '', %s)",
            [seq, timezone.now(), purpose, digest],
        )


def _event_as_the_service_writes_it(seq: int) -> AuditEvent:
    """An event with a valid HMAC at a chosen seq: what a transaction that took `seq` earlier commits."""
    fields = dict(
        prev_hash="",
        occurred_at=timezone.now(),
        actor_id=None,
        organisation_id=None,
        site_id=None,
        role="",
        action="view",
        object_type="people.child",
        object_id="1",
        purpose="Panel case management",
        ip="192.0.2.7",
        detail={"page": 2},
    )
    return AuditEvent.objects.create(seq=seq, hash=seal(seq=seq, **fields), **fields)


def _kinds(report) -> list[tuple[int, str]]:
    return [(p.seq, p.kind) for p in report.problems]


def test_clean_trail_verifies(chain):
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count()
    head = AuditSeal.objects.order_by("-number").first()
    assert (report.head_seal, report.head_hash, report.head_seq) == (head.number, head.hash, chain[-1].seq)
    call_command("audit_verify")


def test_events_record_actor_organisation_role_purpose_and_object(chain):
    event = chain[0]
    actor = demo_user(Role.COORDINATOR)
    assert event.actor_id == actor.pk
    assert event.organisation_id == actor.organisation_id
    assert event.role == Role.COORDINATOR
    assert event.object_type == "people.child"
    assert event.purpose == "Panel case management"
    assert [e.seq for e in chain] == sorted({e.seq for e in chain})  # in the order written, no two alike


def test_seq_is_unique_in_the_database(chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_raw(chain[2].seq, chain[2].hash)


def test_sealing_puts_every_event_in_one_seal(chain):
    seals = list(AuditSeal.objects.order_by("number"))
    sealed = [seq for row in seals for lo, hi in row.runs for seq in range(lo, hi + 1)]
    assert sorted(sealed) == sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert audit_seal().events == 0  # nothing left to seal
    audit_record(action="view", object_type="people.child", object_id="1")
    assert audit_seal().events == 1


def test_verify_catches_an_edited_event(chain):
    _tamper(f"UPDATE audit_auditevent SET purpose = 'Curiosity' WHERE id = {chain[2].pk}")
    report = audit_verify()
    assert _kinds(report) == [(chain[2].seq, "altered")]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_verify_catches_a_deleted_event(chain):
    _tamper(f"DELETE FROM audit_auditevent WHERE id = {chain[1].pk}")
    assert _kinds(audit_verify()) == [(chain[1].seq, "deleted")]


def test_verify_catches_an_edited_seal(chain):
    _tamper("UPDATE audit_auditseal SET count = count + 1")
    assert [p.kind for p in audit_verify().problems][:1] == ["altered"]


def test_verify_catches_inserted_events(chain):
    # A forged newest event (no key, so no valid HMAC): the sealer refuses it, the verifier reports it.
    forged = hashlib.sha256(b"made up").hexdigest()
    _insert_raw(chain[-1].seq + 1000, forged)
    run = audit_seal()
    assert run.refused == [chain[-1].seq + 1000]
    assert _kinds(audit_verify()) == [(chain[-1].seq + 1000, "inserted")]


def test_verify_catches_an_event_inserted_in_a_sealed_range(chain):
    # A hole in a sealed range (a rolled-back transaction's seq) filled by someone without the key.
    _event_as_the_service_writes_it(chain[-1].seq + 2)
    audit_seal()  # seals seq+2, leaves seq+1 as a hole
    _insert_raw(chain[-1].seq + 1, hashlib.sha256(b"forged").hexdigest())
    assert _kinds(audit_verify()) == [(chain[-1].seq + 1, "inserted")]


def test_an_event_committed_after_a_later_one_was_sealed_is_sealed_late(chain):
    # A transaction took seq N, another took N+1 and committed, the sealer ran, then the first committed.
    later = _event_as_the_service_writes_it(chain[-1].seq + 2)
    audit_seal()
    late = _event_as_the_service_writes_it(chain[-1].seq + 1)
    assert audit_seal().events == 1
    newest = AuditSeal.objects.order_by("-number").first()
    assert newest.runs == [[late.seq, late.seq]] and newest.first_seq > late.seq
    report = audit_verify()
    assert report.ok, report.problems
    assert report.head_seq == later.seq


def test_unsealed_events_are_checked_and_reported(chain):
    audit_record(action="view", object_type="people.child", object_id="1")
    report = audit_verify(seal_first=False)
    assert report.ok and report.unsealed == 1
    _insert_raw(chain[-1].seq + 500, hashlib.sha256(b"forged").hexdigest())
    assert _kinds(audit_verify(seal_first=False)) == [(chain[-1].seq + 500, "inserted")]


def test_truncating_the_newest_events_and_seals_is_caught_against_an_anchor(chain):
    more = [audit_record(action="view", object_type="people.child", object_id="1") for _ in range(3)]
    audit_seal()
    anchor = (audit_verify().head_seal, audit_verify().head_hash)
    newest = AuditSeal.objects.order_by("-number").first()
    _tamper(
        f"DELETE FROM audit_auditevent WHERE seq >= {more[0].seq}",
        f"DELETE FROM audit_auditseal WHERE number = {newest.number}",
    )
    assert audit_verify().ok  # the trail alone cannot see a missing tail...
    report = audit_verify(anchor=anchor)  # ...the anchor kept outside the database can
    assert [p.kind for p in report.problems] == ["truncated"]
    with pytest.raises(CommandError):
        call_command("audit_verify", anchor=f"{anchor[0]}:{anchor[1]}")


def test_an_emptied_trail_is_caught_against_an_anchor(chain):
    anchor = (audit_verify().head_seal, audit_verify().head_hash)
    _tamper("DELETE FROM audit_auditevent", "DELETE FROM audit_auditseal")
    assert audit_verify().ok and audit_verify().checked == 0
    assert [p.kind for p in audit_verify(anchor=anchor).problems] == ["empty"]


def test_the_daily_task_writes_the_anchor_outside_the_database(chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.AUDIT_ANCHOR_EMAILS = ["dpo@example.org"]
    audit_record(action="view", object_type="people.child", object_id="1")  # pending: sealed by the task
    result = write_audit_anchor.enqueue()  # the immediate backend in tests, the db_worker elsewhere
    path = anchor_latest()
    assert str(path) == result.return_value["path"]
    written = json.loads(path.read_text())
    head = AuditSeal.objects.order_by("-number").first()
    assert (written["seal"], written["hash"]) == (head.number, head.hash)
    assert written["last_seq"] == AuditEvent.objects.order_by("-seq").first().seq
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert mail.outbox[-1].to == ["dpo@example.org"] and head.hash in mail.outbox[-1].body
    call_command("audit_verify", latest_anchor=True)
    _tamper(f"DELETE FROM audit_auditseal WHERE number = {head.number}")
    with pytest.raises(CommandError):
        call_command("audit_verify", latest_anchor=True)


def test_the_anchor_command_writes_a_new_file_each_time(chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path
    call_command("audit_anchor")
    call_command("audit_anchor")
    assert len(list(tmp_path.glob("audit-anchor-*.json"))) == 2


def test_database_refuses_update_and_delete(chain):
    seal_row = AuditSeal.objects.first()
    for sql in (
        f"UPDATE audit_auditevent SET purpose = 'x' WHERE id = {chain[0].pk}",
        f"DELETE FROM audit_auditevent WHERE id = {chain[0].pk}",
        f"UPDATE audit_auditseal SET root = 'x' WHERE id = {seal_row.pk}",
        f"DELETE FROM audit_auditseal WHERE id = {seal_row.pk}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=chain[0].pk, purpose="Panel case management").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE exists only on PostgreSQL")
def test_postgres_refuses_truncate(chain):
    for table in ("audit_auditevent", "audit_auditseal"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")


def test_audit_event_is_part_of_the_callers_transaction(demo):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=demo_user(Role.COORDINATOR), action="update", object_type="people.child", object_id="1")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="compares PostgreSQL's leaf with Python's")
def test_python_and_postgres_compute_the_same_leaves(chain):
    for detail in ({"ids": [3, 1], "page": 2, "a": None, "zz": True}, {"naïve": 'é\n"x"', "k": [{"b": 1}]}, {}):
        audit_record(action="view", object_type="people.child", object_id="9", detail=detail)
    _event_as_the_service_writes_it(chain[-1].seq + 100)  # with an IP address
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, {LEAF_TEXT_SQL} FROM audit_auditevent ORDER BY seq")
        in_sql = dict(cursor.fetchall())
    assert in_sql == {e.seq: leaf_text(e) for e in AuditEvent.objects.all()}


def test_merkle_root_is_the_rfc_6962_tree_hash():
    def mth(leaves: list[bytes]) -> bytes:  # RFC 6962 section 2.1, recursively
        if len(leaves) == 1:
            return leaves[0]
        k = 1 << ((len(leaves) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()

    for n in range(1, 40):
        leaves = [hashlib.sha256(b"\x00" + str(i).encode()).digest() for i in range(n)]
        assert merkle_root(leaves) == mth(leaves).hex()


def test_auditing_cannot_be_switched_off_outside_bench_and_test(demo, settings):
    settings.AUDIT_ENABLED = False
    settings.ENVIRONMENT = "production"
    with pytest.raises(ImproperlyConfigured):
        apps.get_app_config("audit").ready()
    before = AuditEvent.objects.count()
    assert audit_record(action="view", object_type="people.child", object_id="1") is not None
    settings.ENVIRONMENT = "test"
    apps.get_app_config("audit").ready()  # accepted here
    assert audit_record(action="view", object_type="people.child", object_id="1") is None
    assert AuditEvent.objects.count() == before + 1


def test_the_application_settings_have_no_switch_for_auditing(monkeypatch):
    monkeypatch.setenv("CHILDNRM_AUDIT", "off")
    monkeypatch.setenv("CHILDNRM_BENCHMARK", "1")
    fresh = importlib.reload(importlib.import_module("childnrm.settings"))
    assert fresh.AUDIT_ENABLED is True
    unaudited = importlib.reload(importlib.import_module("bench.settings_bench_unaudited"))
    assert (unaudited.AUDIT_ENABLED, unaudited.ENVIRONMENT) == (False, "bench")


def test_the_sealers_hole_arithmetic_is_the_set_difference():
    """`_subtract` (run over every open hole at each seal) gives exactly the seqs of the holes not filled since."""
    import random

    from childnrm.audit.services import _subtract

    def disjoint_ranges(rng: random.Random, count: int) -> list[list[int]]:
        points = sorted(rng.sample(range(1, 2000), count * 2))
        return [[points[i], points[i + 1]] for i in range(0, len(points), 2)]

    def seqs(ranges: list[list[int]]) -> set[int]:
        return {seq for lo, hi in ranges for seq in range(lo, hi + 1)}

    rng = random.Random(12)
    for _ in range(300):
        holes, filled = disjoint_ranges(rng, rng.randint(0, 30)), disjoint_ranges(rng, rng.randint(0, 30))
        left = _subtract(holes, filled)
        assert seqs(left) == seqs(holes) - seqs(filled)
        assert all(lo <= hi for lo, hi in left) and left == sorted(left)
