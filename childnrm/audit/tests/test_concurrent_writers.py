"""PostgreSQL: audited writers never wait for each other (no global lock), and late commits get sealed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from childnrm.audit.models import AuditEvent
from childnrm.audit.services import audit_record, audit_seal, audit_verify

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two real connections at once"),
    pytest.mark.django_db(transaction=True),
]


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
