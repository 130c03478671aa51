"""Two site administrators changing the policy at once (PostgreSQL row locks, connections racing for real).

Apart from test_site_policy.py because this test commits: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from childnrm.accounts import policy
from childnrm.accounts.models import Role, Site, SitePolicy
from conftest import demo_user

from .test_site_policy import REASON


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_administrators_changing_at_once_make_two_versions_in_turn(demo, site):
    """The site row lock puts concurrent changes one after the other: versions 2 and 3, none lost."""
    admin = demo_user(Role.SITE_ADMIN)
    policy.current_policy(site)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def change_to(days: int) -> None:
        barrier.wait()
        try:
            results.append(
                policy.policy_change(Site.objects.get(pk=site.pk), admin, {"recovery_period_days": days}, REASON)
            )
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=change_to, args=(days,)) for days in (40, 50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, SitePolicy) for r in results), results
    assert sorted(r.version for r in results) == [2, 3]
    site.refresh_from_db()
    latest = policy.current_policy(site)
    assert latest.version == 3 and site.recovery_period_days == latest.values["recovery_period_days"]
