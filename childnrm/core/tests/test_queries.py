"""The query counter used by "queries do not grow with the rows" tests leaves out only the audit's seq block."""

from __future__ import annotations

import pytest
from django.db import connection

from childnrm.audit.services import SEQ_BLOCK, audit_record, forget_taken_seqs
from childnrm.core.tests.queries import CountedQueries


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="seq blocks are taken on PostgreSQL only")
def test_taking_a_seq_block_is_captured_but_not_counted(db):
    forget_taken_seqs()  # the next event takes a block, as a process's first event does
    with CountedQueries() as captured:
        audit_record(action="view", object_type="test.thing", object_id="1")
    assert len(captured.captured_queries) == 2  # the block, then the event
    assert len(captured) == 1 and captured.counted[0]["sql"].startswith("INSERT INTO audit_auditevent")
    with CountedQueries() as captured:
        for n in range(SEQ_BLOCK - 1):  # the rest of the block: one statement each
            audit_record(action="view", object_type="test.thing", object_id=str(n))
    assert len(captured.captured_queries) == len(captured) == SEQ_BLOCK - 1


def test_every_other_statement_is_counted(db):
    with CountedQueries() as captured, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.execute("SELECT 2")
    assert len(captured) == 2
