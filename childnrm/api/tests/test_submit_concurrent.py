"""Concurrent retries of one submission make one referral (PostgreSQL: connections racing for real).

Apart from test_submit.py because this test commits: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from childnrm.accounts.models import Organisation
from childnrm.api.tests.conftest import referral_payload, token_client
from childnrm.referrals.models import Referral, ReferralSource


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Concurrent writers need PostgreSQL (SQLite's test database is in memory)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_referral(demo):
    organisation = Organisation.objects.get(gss_code="E08900001")
    client = token_client(organisation)
    barrier = threading.Barrier(4)
    answers = []

    def submit():
        barrier.wait()
        try:
            answers.append(client.post("/api/referrals", referral_payload(), key="concurrent"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["reference"] for a in answers}) == 1
    assert Referral.objects.filter(source=ReferralSource.API).count() == 1
