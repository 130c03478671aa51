"""Abandoning a correction's draft (ADR 0006 amendment, session 20), on the pages around it: the child's "who has seen
or changed this record" page shows that a draft of the child's decision went, and by whom; and "Abandon" is not
offered where the service refuses it (an anonymised case)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.selectors import events_about
from childnrm.decisions import services
from childnrm.decisions.models import Decision
from childnrm.decisions.tests.factories import demo, final_decision
from childnrm.retention.anonymise import case_anonymise

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def _url(name: str, decision: Decision) -> str:
    return reverse(f"decisions:{name}", args=[decision.pk])


def _correction(final: Decision) -> Decision:
    return services.decision_correct(decision=final, user=demo(Role.COORDINATOR, SITE), reason="Wrong agency named")


def test_the_abandonment_is_on_the_childs_audit_page(client_as):
    final = final_decision(SITE)
    correction = _correction(final)
    client_as(Role.COORDINATOR).post(_url("correction-abandon", correction), {"reason": "not-needed"})
    assert not Decision.objects.filter(pk=correction.pk).exists()
    [event] = events_about(final.referral.child).filter(detail__change="correction abandoned")
    assert event.actor_id == demo(Role.COORDINATOR, SITE).pk
    assert event.detail["decision"] == correction.pk and event.detail["reason"] == "not-needed"


def test_an_anonymised_cases_correction_is_not_offered_for_abandoning(client_as):
    final = final_decision(SITE)
    correction = _correction(final)
    case_anonymise(final.referral)
    coordinator = client_as(Role.COORDINATOR)
    abandon = _url("correction-abandon", correction)
    assert abandon not in coordinator.get(_url("detail", correction)).content.decode()
    assert abandon not in coordinator.get(_url("record", correction)).content.decode()
