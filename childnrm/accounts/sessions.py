"""The session store (SESSION_ENGINE): Django's database sessions, with the read every request makes compiled once
per process (issue 16).

Django's store builds and compiles `Session.objects.get(session_key=…, expire_date__gt=now)` on each request that
has a session cookie. This reads the row by its key with a statement kit.prepared compiled once, and refuses an
expired row here instead of in SQL (the same `expire_date > now` test, so an expired session is still no session).
Writing, creating and deleting sessions are Django's, unchanged: the same table, rows and encoding, so sessions
move between this store and Django's both ways.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from childnrm.kit import prepared


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key  # None, or a key of valid form (SessionBase checks it)
        session = None
        if key:
            model = self.model
            session = prepared.first(
                model, ("accounts:session",), lambda k: model._default_manager.filter(session_key=k)[:1], key
            )
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None  # as Django's store does: a new session gets a new key
            return None
        return session
