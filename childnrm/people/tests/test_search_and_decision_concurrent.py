"""A link decision and the background search of a referral's earlier records, at once (PostgreSQL, real connections).

Apart from test_linkage.py because this test commits: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from childnrm.accounts.models import Role
from childnrm.people import linkage, selectors, services
from childnrm.people.models import LinkStatus, PossibleEarlierRecord
from conftest import demo_user

from .test_linkage import make_child, refer


def _a_search_is_waiting_for_a_lock(seconds: float) -> bool:
    """Whether another connection waits for an advisory lock, asked every tenth of a second for up to `seconds`."""
    with connection.cursor() as cursor:
        for _ in range(int(seconds * 10)):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.1)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections racing (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_a_pair_settled_while_the_search_runs_is_not_kept_for_the_queue(demo, site):
    """The third record is linked to the second; the coordinator links the second to the first while the third's
    referral is searched. The first is then the same child as the third through the second: the queue must not tag
    the referral with it. Before, the search read what was settled before the decision committed and kept the first
    record after the decision had cleared the kept records it settled."""
    coordinator = demo_user(Role.COORDINATOR)
    first = make_child(site, "Ardit", "Krasniqi")
    second = make_child(site, "Ardit", "Krasniqui")
    third = make_child(site, "Ardit", "Krasniqi")
    services.child_link_decide(child=third, other=second, status=LinkStatus.LINKED, user=coordinator)
    referral = refer(third)
    decided, go_on = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def decide() -> None:
        try:
            with transaction.atomic():  # the decision's transaction, held open until the search has started
                services.child_link_decide(child=second, other=first, status=LinkStatus.LINKED, user=coordinator)
                decided.set()
                go_on.wait(30)
        except BaseException as exc:  # reported by the test's thread
            failures.append(exc)
            decided.set()
        finally:
            connection.close()

    def search() -> None:
        try:
            linkage.possible_earlier_records_search(referral_id=referral.pk, child_id=third.pk)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    decider = threading.Thread(target=decide)
    decider.start()
    assert decided.wait(30)
    searcher = threading.Thread(target=search)
    searcher.start()
    waited = _a_search_is_waiting_for_a_lock(5)
    go_on.set()
    decider.join(30)
    searcher.join(30)
    assert not failures, failures
    assert selectors.settled_ids(third.pk) == {first.pk, second.pk}
    kept = set(PossibleEarlierRecord.objects.filter(referral=referral).values_list("earlier_id", flat=True))
    assert first.pk not in kept  # settled through the second record: not offered, not tagged
    assert kept == {second.pk}  # decided directly: kept, hidden while the decision is in force
    assert waited  # the search waited for the decision rather than reading around it
