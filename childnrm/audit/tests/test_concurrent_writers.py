"""PostgreSQL: audited writers never wait for each other (no global lock), and late commits get sealed."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from django.db import connection, connections, transaction

from childnrm.audit.models import AuditEvent
from childnrm.audit.services import SEQ_BLOCK, audit_record, audit_seal, audit_verify, forget_taken_seqs

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two real connections at once"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _a_fresh_block():
    forget_taken_seqs()  # each test starts as a new process would: no seqs taken yet


def test_a_writer_is_not_held_up_by_an_open_audited_transaction(db):
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def open_transaction() -> None:
        try:
            with transaction.atomic():
                audit_record(action="update", object_type="people.child", object_id="1")
                written.set()
                release.wait(60)
        except BaseException as failure:  # reported by the test thread
            failures.append(failure)
        finally:
            connections.close_all()

    other = threading.Thread(target=open_transaction)
    other.start()
    try:
        assert written.wait(60)
        with connection.cursor() as cursor:
            # Before ADR 0012 this writer waited for the other's chain lock until it committed.
            cursor.execute("SET lock_timeout = '10s'")
        audit_record(action="view", object_type="people.child", object_id="2")
        first = audit_seal()  # seals the committed event; the open one's seq is a hole
    finally:
        release.set()
        other.join(60)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not failures
    assert first.events == 1
    assert audit_seal().events == 1  # the transaction that took the lower seq committed later: sealed late
    assert AuditEvent.objects.count() == 2
    assert audit_verify().ok


def _write_one_event() -> None:
    audit_record(action="view", object_type="people.child", object_id="3")
    connections.close_all()


def test_each_process_takes_its_own_seqs_and_a_lower_one_written_later_is_sealed_late(db):
    first = audit_record(action="view", object_type="people.child", object_id="1")
    connections.close_all()  # the other process opens its own connection
    other = multiprocessing.get_context("fork").Process(target=_write_one_event)
    other.start()
    other.join(60)
    assert other.exitcode == 0
    theirs = AuditEvent.objects.get(object_id="3")
    assert theirs.seq > first.seq + SEQ_BLOCK - 1  # past this process's whole block
    assert audit_seal().events == 2
    later = audit_record(action="view", object_type="people.child", object_id="2")
    assert first.seq < later.seq < theirs.seq  # from this process's block, below a sealed event
    assert audit_seal().events == 1
    report = audit_verify()
    assert report.ok and report.unsealed == 0


def test_seqs_taken_and_never_used_are_holes_and_a_sequence_set_back_is_not_reused(db):
    audit_record(action="view", object_type="people.child", object_id="1")
    forget_taken_seqs()  # as when a process ends with most of its block unused
    audit_record(action="view", object_type="people.child", object_id="2")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs[1] - seqs[0] >= SEQ_BLOCK
    assert audit_seal().events == 2
    assert audit_verify().ok
    # A restore sets the sequence back to the highest id; the block taken before must not be used after it.
    audit_record(action="view", object_type="people.child", object_id="3")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), (SELECT max(id) FROM audit_auditevent))"
        )
    forget_taken_seqs()
    for n in range(SEQ_BLOCK + 1):  # through the next block and into the one after: no seq used twice
        audit_record(action="view", object_type="people.child", object_id=str(10 + n))
    assert AuditEvent.objects.count() == SEQ_BLOCK + 4
    assert audit_seal().events == SEQ_BLOCK + 2
    assert audit_verify().ok
