"""An organisation's system refused a record through the API leaves the same trace as a signed-in user refused one
(ADR 0013, amendment of 2026-12-07): a REFUSED event naming the organisation and the token's prefix, the route and
the reference asked for, never the token. Another organisation's referral and a reference that does not exist get
the same 404 and the same kind of event: only the trail, not the answer, can be checked against the referrals."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childnrm.api.models import Scope
from childnrm.api.tests.access_expectations_api import _api_referral_reference, site_organisation
from childnrm.api.tests.conftest import ApiClient, token_client
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action

MISSING = "NRM-ZZZZ2345"  # the reference pattern, but no referral has it


def events_after(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def refusal(reference: str, client: ApiClient, status: int = 404) -> dict:
    assert client.token is not None
    return {
        "route": "api:referral-status",
        "parameters": {"api_referral_reference": reference},
        "method": "GET",
        "status": status,
        "api_token": client.token.prefix,
        "organisation_id": client.token.organisation_id,
    }


def assert_holds_no_secret(event: AuditEvent, client: ApiClient) -> None:
    assert client.secret is not None
    fields = json.dumps([event.detail, event.purpose, event.role, event.object_id])
    assert client.secret not in fields and client.secret.split("_")[-1] not in fields


@pytest.fixture
def probe(demo) -> ApiClient:
    """Three Rivers' council's system, asking about Northbridge's referrals."""
    return token_client(site_organisation("three-rivers"), scopes=[Scope.READ_STATUS])


def test_another_organisations_referral_is_404_and_one_refusal_naming_the_organisation_not_the_token(probe):
    reference = _api_referral_reference("northbridge")
    before = last_seq()
    response = probe.get(f"/api/referrals/{reference}")
    assert response.status_code == 404
    [event] = events_after(before)
    assert event.action == Action.REFUSED
    assert event.detail == refusal(reference, probe)
    assert event.actor_id is None and event.ip == "127.0.0.1"
    assert event.organisation_id == probe.token.organisation_id  # as a user's events name their organisation
    assert event.object_type == "" and event.object_id == ""  # the record is not named: it was not looked at
    assert_holds_no_secret(event, probe)


def test_a_reference_that_does_not_exist_answers_the_same_and_is_audited_the_same(probe):
    reference = _api_referral_reference("northbridge")
    before = last_seq()
    existing, missing = probe.get(f"/api/referrals/{reference}"), probe.get(f"/api/referrals/{MISSING}")
    # The answer does not tell the other organisation's referral from no referral at all.
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())
    assert existing["Content-Type"] == missing["Content-Type"]
    # Nor does the event (one shape, the reference asked for): an auditor looks the reference up.
    assert [(e.action, e.detail) for e in events_after(before)] == [
        (Action.REFUSED, refusal(reference, probe)),
        (Action.REFUSED, refusal(MISSING, probe)),
    ]


def test_a_token_without_the_scope_is_refused_with_403_and_recorded(demo):
    submit_only = token_client(site_organisation("northbridge"), scopes=[Scope.SUBMIT_REFERRALS])
    reference = _api_referral_reference("northbridge")
    before = last_seq()
    assert submit_only.get(f"/api/referrals/{reference}").status_code == 403
    [event] = events_after(before)
    assert (event.action, event.detail) == (Action.REFUSED, refusal(reference, submit_only, status=403))
    assert_holds_no_secret(event, submit_only)


def test_a_valid_read_and_bad_requests_are_not_refusals_but_a_refused_read_is(demo):
    own = token_client(site_organisation("northbridge"))
    reference, other = _api_referral_reference("northbridge"), _api_referral_reference("three-rivers")
    before = last_seq()
    assert own.get(f"/api/referrals/{reference}").status_code == 200
    assert own.get("/api/referrals", page_size=0).status_code == 422  # validation: bad input, not a refusal
    assert own.post("/api/referrals", {"child": {}}).status_code == 422
    assert own.post("/api/referrals", "{not json", raw=True).status_code == 400
    assert ApiClient(secret="cnrm_00000000_" + "x" * 43).get(f"/api/referrals/{reference}").status_code == 401
    [read] = events_after(before)
    assert read.action == Action.VIEW  # the read, and nothing refused
    assert read.organisation_id == own.token.organisation_id and read.actor_id is None  # the organisation read it
    # The same token asking for another's referral, as a control that refusals are recorded at all.
    assert own.get(f"/api/referrals/{other}").status_code == 404
    assert [e.action for e in events_after(before)] == [Action.VIEW, Action.REFUSED]


def test_a_burst_of_refusals_costs_what_a_signed_in_users_burst_costs_one_bounded_insert_each(probe):
    probe.get(f"/api/referrals/{MISSING}")  # the token's last use is recorded now, not during the burst
    before = last_seq()
    long_reference = "NRM-" + "A" * 500  # a path parameter is cut as a signed-in user's is
    with CaptureQueriesContext(connection) as captured:
        for _ in range(20):
            assert probe.get(f"/api/referrals/{long_reference}").status_code == 404
    events = events_after(before)
    assert len(events) == 20 and {e.action for e in events} == {Action.REFUSED}
    assert {len(e.detail["parameters"]["api_referral_reference"]) for e in events} == {64}
    inserts = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(inserts) == 20 and all("INTO audit_auditevent " in sql.replace('"', "") for sql in inserts)
