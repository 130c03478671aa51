"""Counting a block's queries for "the number of queries does not grow with the rows" tests.

On PostgreSQL an audited request takes a block of audit seqs when its process's block runs out (ADR 0012): one
extra statement once in `SEQ_BLOCK` events, wherever the block happens to end. That is no query per row, so it is
left out of the count; otherwise a test comparing two counts fails by chance when only one of them takes a block."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from childnrm.audit.services import TAKE_SEQ_BLOCK

_BLOCK_PREFIX = TAKE_SEQ_BLOCK.split(" FROM ")[0]


class CountedQueries(CaptureQueriesContext):
    """`with CountedQueries() as captured:` … `len(captured)` is the block's queries, the audit seq block aside."""

    def __init__(self) -> None:
        super().__init__(connection)

    @property
    def counted(self) -> list[dict[str, str]]:
        return [q for q in self.captured_queries if not q["sql"].startswith(_BLOCK_PREFIX)]

    def __len__(self) -> int:
        return len(self.counted)
