"""The cursor the service talks to PostgreSQL with: parameters bound on the server, statements prepared by psycopg
once a connection has run them a few times (ADR 0032)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.base import ServerBindingCursor

# A statement with this many parameters is a list of ids (`__in`), not a fixed-shape read. Prepared, PostgreSQL soon
# runs it with a generic plan that cannot see the ids: the list of decisions at sittings (200 agenda items) ran four
# times slower that way than planned for its values. Such lists are planned each time, as before.
LIST_PARAMETERS = 50


class PreparingCursor(ServerBindingCursor):
    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        if prepare is None and params is not None and len(params) >= LIST_PARAMETERS:
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
