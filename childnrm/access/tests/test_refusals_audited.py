"""Refused access leaves an attributable trace (security finding 14.6): a signed-in user refused a record,
with 403 or 404, is audited with who, which route and record, the status and the address."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from childnrm.decisions.tests.factories import draft_decision
from childnrm.people.models import Child
from conftest import demo_user, signed_in


@pytest.fixture
def northbridge_decision(demo):
    return draft_decision("northbridge")


def refusals_of(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=Action.REFUSED).order_by("seq"))


def test_another_sites_chair_asking_for_a_decision_gets_404_and_is_recorded(northbridge_decision):
    chair = demo_user(Role.CHAIR, "three-rivers")
    response = signed_in(chair).get(reverse("decisions:detail", args=[northbridge_decision.pk]) + "?q=x")
    assert response.status_code == 404  # refused by the decision selector's scope
    [event] = refusals_of(chair)
    assert event.detail == {
        "route": "decisions:detail",
        "parameters": {"decision_id": str(northbridge_decision.pk)},  # not the query string
        "method": "GET",
        "status": 404,
    }
    assert event.ip == "127.0.0.1" and event.organisation_id == chair.organisation_id
    assert event.role == Role.CHAIR


def test_another_sites_panel_member_asking_for_a_decision_is_refused_and_recorded(northbridge_decision):
    member = demo_user(Role.PANEL_MEMBER, "three-rivers")
    response = signed_in(member).get(reverse("decisions:detail", args=[northbridge_decision.pk]))
    assert response.status_code in {403, 404}
    [event] = refusals_of(member)
    assert event.detail["route"] == "decisions:detail" and event.detail["status"] == response.status_code


def test_a_role_without_the_permission_is_refused_with_403_and_recorded(demo):
    analyst = demo_user(Role.ANALYST, "northbridge")
    child = Child.objects.filter(site__slug="northbridge").order_by("pk").first()
    response = signed_in(analyst).post(reverse("people:audit", args=[child.reference]))
    assert response.status_code == 403
    [event] = refusals_of(analyst)
    assert event.detail == {
        "route": "people:audit",
        "parameters": {"reference": child.reference},
        "method": "POST",
        "status": 403,
    }


def test_anonymous_requests_and_unknown_paths_write_nothing(northbridge_decision):
    before = AuditEvent.objects.count()
    anonymous = Client().get(reverse("decisions:detail", args=[northbridge_decision.pk]))
    assert anonymous.status_code == 302 and "/account/sign-in/" in anonymous["Location"]
    # A signed-in user's mistyped address names no record: nothing to attribute a probe of a record to.
    assert signed_in(demo_user(Role.CHAIR, "northbridge")).get("/no-such-page/").status_code == 404
    assert AuditEvent.objects.count() == before


def test_a_refusal_is_recorded_even_when_the_requests_transaction_is_rolled_back(northbridge_decision, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    chair = demo_user(Role.CHAIR, "three-rivers")
    response = signed_in(chair).get(reverse("decisions:detail", args=[northbridge_decision.pk]))
    assert response.status_code == 404  # raised inside the view's transaction, which is rolled back
    assert [e.detail["status"] for e in refusals_of(chair)] == [404]


def test_a_burst_of_refusals_is_recorded_in_full_one_cheap_write_each(northbridge_decision):
    chair = demo_user(Role.CHAIR, "three-rivers")
    client = signed_in(chair)
    first = northbridge_decision.pk
    client.get(reverse("decisions:detail", args=[first]))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        for pk in range(first, first + 20):
            assert client.get(reverse("decisions:detail", args=[pk])).status_code == 404
    assert len(refusals_of(chair)) == 21
    inserts = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 20 and all(
        "INTO audit_auditevent " in sql.replace('"', "") for sql in inserts
    )  # one row each, nothing else
