"""Two site administrators saving the same person's roles at once (PostgreSQL row locks, connections racing for
real): the second reads what the first left, so what follows from a role taken away (access_loss's effects: places
at sittings, the chair of a sitting, guardianships) is done once, for the roles that were really taken away.

Apart from the other roles tests because this test commits: a module whose tests all roll back loads the demo once.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from childnrm.accounts import access_loss
from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent
from conftest import demo_user

WAIT = 60  # seconds: bounds a wait that a working service ends at once, so that a broken one fails instead of hanging


def _blocked(pid: int) -> bool:
    """Whether that connection is waiting for a lock another holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_administrators_taking_the_same_role_away_at_once_take_it_away_once(demo, site, other_site):
    member = demo_user(Role.CHAIR)
    roles_after = sorted(
        set(Membership.objects.filter(user=member, site=site, active=True).values_list("role", flat=True))
        - {Role.CHAIR}
    )
    first_admin = demo_user(Role.SITE_ADMIN)
    second_admin = demo_user(Role.SITE_ADMIN, "three-rivers")
    Membership.objects.create(user=second_admin, site=site, role=Role.SITE_ADMIN)

    # An effect that keeps the first administrator's save open once its roles were read and changed, until the
    # second one's save is waiting; and that notes which roles each save passes on as taken away.
    removed_seen: list[frozenset[str]] = []
    first_inside, release = threading.Event(), threading.Event()

    def note_and_hold_the_first(*, roles_removed, **_kwargs) -> None:
        removed_seen.append(roles_removed)
        if len(removed_seen) == 1:
            first_inside.set()
            release.wait(WAIT)

    outcomes: list[Exception | None] = []
    second_pid: list[int] = []

    def save(by: User, pids: list[int] | None = None) -> None:
        try:
            if pids is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids.append(cursor.fetchone()[0])
            site_user_roles_set(
                site=Site.objects.get(pk=site.pk),
                user=User.objects.get(pk=member.pk),
                roles=roles_after,
                by=by,
                audit=AuditContext(),
            )
            outcomes.append(None)
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    access_loss.register_effect(note_and_hold_the_first)
    try:
        first = threading.Thread(target=save, args=(first_admin,))
        first.start()
        assert first_inside.wait(WAIT)
        second = threading.Thread(target=save, args=(second_admin, second_pid))
        second.start()
        for _ in range(WAIT * 100):
            if not second.is_alive() or (second_pid and _blocked(second_pid[0])):
                break
            time.sleep(0.01)
        release.set()
        first.join()
        second.join()
    finally:
        release.set()
        access_loss.EFFECTS.remove(note_and_hold_the_first)

    assert outcomes == [None, None]
    # Taken away once: the second save found the role already gone, so passed nothing on as taken away.
    assert removed_seen == [frozenset({Role.CHAIR})]
    audited = AuditEvent.objects.filter(
        action="update", object_type="accounts.user", object_id=str(member.pk), purpose="Site user administration"
    ).order_by("seq")
    assert [event.detail["roles_removed"] for event in audited] == [[Role.CHAIR], []]
    held = set(Membership.objects.filter(user=member, site=site, active=True).values_list("role", flat=True))
    assert held == set(roles_after)
