"""A release under a data-sharing agreement shows on each released child's "who has seen or changed this record"
page: one event per case, against its referral, written in bulk (a release may hold thousands of cases)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.selectors import events_about
from childnrm.audit.services import audit_verify
from childnrm.evaluation import services
from childnrm.evaluation.models import Dataset
from childnrm.evaluation.tests.factories import demo_agreement, known_cases, many_cases
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_each_released_child_s_audit_page_shows_the_release(client_as, demo):
    cases = known_cases()
    agreement = demo_agreement()
    analyst = demo_user(Role.ANALYST)
    released = services.release(agreement=agreement, dataset=Dataset.EXTRACT, user=analyst).release
    assert released.referral_ids

    for referral in Referral.objects.filter(pk__in=released.referral_ids).select_related("child"):
        [event] = [e for e in events_about(referral.child) if e.detail.get("release") == released.pk]
        assert (event.action, event.object_type, event.object_id) == ("export", "referrals.referral", str(referral.pk))
        assert event.actor_id == analyst.pk and event.role == "analyst" and event.site_id == agreement.site_id
        assert event.detail["agreement"] == agreement.reference and event.detail["dataset"] == Dataset.EXTRACT

    # On the page the coordinator reads: who released it, under which agreement.
    page = client_as(Role.COORDINATOR).get(reverse("people:audit", args=[cases.decided.child.reference]))
    body = page.content.decode()
    assert f"evaluation extract under data-sharing agreement {agreement.reference}" in body
    assert demo_user(Role.ANALYST).full_name in body

    # A child of another site, not in the release, is not reached.
    elsewhere = Child.objects.filter(site__slug="three-rivers").first()
    assert not [e for e in events_about(elsewhere) if e.detail.get("release") == released.pk]
    # The events are ordinary ones: each sealed with its own HMAC, the trail still checks.
    assert audit_verify().ok


def test_the_release_s_audit_takes_the_same_statements_for_many_cases_as_for_few(demo):
    agreement = demo_agreement()
    analyst = demo_user(Role.ANALYST)

    def audit_statements() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            made = services.release(agreement=agreement, dataset=Dataset.HTCDS, user=analyst).release
        return len([q for q in queries if "audit_auditevent" in q["sql"]]), len(made.referral_ids)

    known_cases()
    few_statements, few = audit_statements()
    many_cases("northbridge", 12)
    many_statements, many = audit_statements()
    assert many >= few + 12
    # The agreement's own event, then one statement for the seqs and one insert for all the cases' events (on
    # PostgreSQL the agreement's event may or may not take a new block of seqs: 3 or 4 either way).
    assert few_statements <= 4 and many_statements <= 4
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="export").count() == few + many
