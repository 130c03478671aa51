"""kill -9 of a real server in the middle of a sign-off, a transfer and a letter production leaves no
half-done state, and the same step then succeeds on a restarted server.

How the crash is made to land mid-write, deterministically: the test holds an EXCLUSIVE lock on the
audit table, which each of these steps writes last. The server's request does its earlier writes,
then waits for the lock; the test sees it waiting (pg_stat_activity) and sees that it has already
written (its locks on the step's own tables), then kills the whole server with SIGKILL and lets go of
the lock. PostgreSQL only: SQLite has no server-side lock a test can hold and observe like this.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.dashboard.tests.factories import final_decision as decided
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import draft_decision, record_complete
from childnrm.handovers.models import CaseTransfer
from childnrm.letters.models import GuardianNotice, Letter
from childnrm.operations.services import _models, table_sum
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from conftest import demo_user, signed_in

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: the test holds a table lock and watches pg_stat_activity (PostgreSQL pass)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(settings.BASE_DIR)
CSRF = "crashsafetycsrftokenabcdefghijkl"  # 32 characters: a CSRF secret the server accepts as it is
WAIT = 120  # seconds at most for the server to start or a request to reach the lock (not a measurement)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the service on the test database, in its own process group."""

    def __init__(self, log: Path) -> None:
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DATABASE_CONN_MAX_AGE": "0",
            "CHILDNRM_ENV": "test",
        }
        self.log = log
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "childnrm.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--timeout", "300", "--access-logfile", "-"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/account/sign-in/", timeout=5)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start:\n" + self.log.read_text()[-3000:])

    def tail(self) -> str:
        return self.log.read_text()[-3000:]

    def kill(self) -> None:
        """SIGKILL to the master and its worker at once: no clean-up code of ours runs."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def post(self, path: str, data: dict[str, str], session_key: str) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode(),
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"},
        )
        opener = urllib.request.build_opener(NoRedirect)
        try:
            return opener.open(request, timeout=WAIT).status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    running = Server(tmp_path / "server.log")
    try:
        yield running
    finally:
        running.kill()


def session_of(user) -> str:
    """A signed-in session (both factors) for `user`, stored in the database the server reads."""
    return signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value


def database_state() -> dict[str, str]:
    """Every table's row count and checksum (the backup's own, over every column of every row)."""
    return {m._meta.db_table: (s.rows, s.sha256) for m in _models() for s in [table_sum(m, using="default")]}


def private_files() -> set[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def crash_mid_request(server: Server, path: str, data: dict[str, str], session_key: str, written: set[str]) -> None:
    """Send the request, let it write until it waits for the audit table, kill -9 the server there."""
    outcome: list[object] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {AuditEvent._meta.db_table} IN EXCLUSIVE MODE")
        sender = threading.Thread(
            target=lambda: outcome.append(_try(lambda: server.post(path, data, session_key))), daemon=True
        )
        sender.start()
        blocked = None
        deadline = time.monotonic() + WAIT
        while blocked is None and time.monotonic() < deadline:
            # pg_stat_activity is read once per transaction unless the snapshot is dropped.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND wait_event_type = 'Lock' AND query ILIKE %s",
                [f"%INSERT INTO%{AuditEvent._meta.db_table}%"],
            )
            row = cursor.fetchone()
            blocked = row[0] if row else None
            if blocked is None:
                time.sleep(0.1)
        if blocked is None:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT state, wait_event_type, wait_event, left(query, 300) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            activity = cursor.fetchall()
            raise AssertionError(f"the request never reached the audit table: {outcome} {activity}\n{server.tail()}")
        # It is mid-transaction: it has already written to the step's own tables.
        cursor.execute(
            "SELECT DISTINCT relation::regclass::text FROM pg_locks"
            " WHERE pid = %s AND granted AND mode = 'RowExclusiveLock' AND relation IS NOT NULL",
            [blocked],
        )
        holding = {r[0] for r in cursor.fetchall()}
        assert written <= holding, f"expected earlier writes to {written}, the request holds {holding}"
        server.kill()
        sender.join(WAIT)
        assert outcome and isinstance(outcome[0], Exception), f"the request should have died with the server: {outcome}"
    # The lock is released: the orphaned backend finishes its statement, finds its client gone, rolls back.
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [blocked])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
    raise AssertionError("the dead server's database session did not end")


def _try(call):
    try:
        return call()
    except Exception as exc:
        return exc


def test_kill_during_a_decision_sign_off_leaves_it_a_draft_and_it_signs_off_after_restart(demo, server):
    decision = record_complete(draft_decision("northbridge"), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    chair = decision.meeting.chair
    session = session_of(chair)
    path = reverse("decisions:finalise", args=[decision.pk])
    before, files = database_state(), private_files()
    server.start()

    crash_mid_request(server, path, {}, session, written={Decision._meta.db_table})

    assert database_state() == before and private_files() == files
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    assert decision.finalised_by is None and decision.finalised_at is None

    server.start()
    assert server.post(path, {}, session) == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL and decision.finalised_by == chair


def test_kill_during_a_transfer_leaves_the_case_at_its_site_and_it_transfers_after_restart(demo, server):
    referral = accepted_referral()
    decided(referral)
    child = referral.child
    to_site = Site.objects.get(slug="three-rivers")
    session = session_of(demo_user(Role.COORDINATOR))
    path = reverse("handovers:transfer-new", args=[child.reference])
    data = {"destination": "site", "site": str(to_site.pk), "reason": "The child has moved to the Three Rivers area."}
    before, files = database_state(), private_files()
    server.start()

    written = {CaseTransfer._meta.db_table, Referral._meta.db_table, Child._meta.db_table}
    crash_mid_request(server, path, data, session, written=written)

    assert database_state() == before and private_files() == files
    assert not CaseTransfer.objects.filter(referral__child=child).exists()
    assert Referral.objects.get(pk=referral.pk).site.slug == "northbridge"
    assert Child.objects.get(pk=child.pk).site.slug == "northbridge"

    server.start()
    assert server.post(path, data, session) == 302
    assert CaseTransfer.objects.filter(referral=referral, to_site=to_site).count() == 1
    assert Referral.objects.get(pk=referral.pk).site == to_site
    assert Child.objects.get(pk=child.pk).site == to_site


def test_kill_during_letter_production_leaves_no_letter_and_they_are_produced_after_restart(demo, server):
    referral = accepted_referral()
    decision = decided(referral)
    session = session_of(demo_user(Role.COORDINATOR))
    path = reverse("letters:produce", args=[decision.pk])
    data = {"letters_seen": "0"}
    before, files = database_state(), private_files()
    server.start()

    crash_mid_request(server, path, data, session, written={Letter._meta.db_table})

    assert database_state() == before and private_files() == files
    assert not Letter.objects.filter(decision=decision).exists()
    assert not GuardianNotice.objects.filter(decision=decision).exists()

    server.start()
    assert server.post(path, data, session) == 302
    assert Letter.objects.filter(decision=decision).count() == 2
