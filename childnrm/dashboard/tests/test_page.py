"""The dashboard page: counts and lists with links, for the coordinator and the chair, audited."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent

from .factories import accepted_referral, days_ago


@pytest.fixture
def overdue(demo):
    return accepted_referral(submitted_on=days_ago(50))


def test_the_coordinator_sees_what_is_due_with_links_to_the_case(overdue, client_as):
    elsewhere = accepted_referral("three-rivers", submitted_on=days_ago(50))
    response = client_as(Role.COORDINATOR).get("/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reasonable grounds decisions overdue" in body
    assert f'href="/referrals/{overdue.reference}/triage/"' in body
    assert f'href="/children/{overdue.child.reference}/"' in body
    assert overdue.child.display_name in body and "Overdue by 5 days" in body
    assert elsewhere.reference not in body and elsewhere.child.reference not in body
    event = AuditEvent.objects.filter(action="list", object_type="accounts.site").last()
    assert event.purpose == "Clocks and alerts for the site's cases"
    assert f"referrals.referral:{overdue.pk}" in event.detail["shown"]["rg_overdue"]


def test_the_chair_sees_references_only(overdue, client_as):
    body = client_as(Role.CHAIR).get("/dashboard/northbridge/").content.decode()
    assert overdue.reference in body and overdue.child.reference in body
    assert overdue.child.display_name not in body
    assert f'href="/referrals/{overdue.reference}/triage/"' not in body


def test_another_sites_dashboard_is_not_found_and_others_are_refused(overdue, client_as):
    assert client_as(Role.COORDINATOR, "three-rivers").get("/dashboard/northbridge/").status_code == 404
    assert client_as(Role.FIRST_RESPONDER).get("/dashboard/").status_code == 403
