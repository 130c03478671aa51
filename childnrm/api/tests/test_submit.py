"""Submitting a referral as JSON: stored, routed, audited; idempotent retries; per-field errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from childnrm.accounts.models import Organisation
from childnrm.api import services
from childnrm.api.models import IdempotencyRecord
from childnrm.api.schemas import ReferralIn
from childnrm.api.tests.conftest import EASTWICK_LA_GSS, ApiClient, referral_payload, token_client
from childnrm.audit.models import AuditEvent
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralSource, ReferralStatus
from childnrm.referrals.services import EDITABLE_FIELDS
from childnrm.triage.models import TriageAssessment


def _errors(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/json")
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_submitted_referral_is_stored_routed_and_triaged(api, northbridge, northbridge_la):
    response = api.post("/api/referrals", referral_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.status == ReferralStatus.SUBMITTED and referral.source == ReferralSource.API
    assert referral.created_by is None and referral.referrer_organisation == northbridge_la
    assert referral.site == northbridge and referral.child.site == northbridge
    assert (referral.given_names, referral.family_name, str(referral.date_of_birth)) == ("Ardit", "Hoxha", "2011-05-01")
    assert referral.aliases == [{"given_names": "Arti", "family_name": ""}]
    assert referral.nationalities == ["AL"] and referral.languages == ["sq"] and referral.interpreter_needed is True
    assert referral.residence_local_authority == northbridge_la
    assert referral.exploitation_types == ["criminal", "labour"] and referral.county_lines is True
    assert referral.indicators == ["going_missing"] and referral.child_in_need is True
    assert referral.referrer_email == "sam.referrer@police.example"
    assert (referral.social_worker_name, referral.social_worker_team) == ("Jo Allocated", "Children in Care Team 2")
    assert body["status"] == "submitted" and body["site"] == northbridge.name
    assert body["triage"] == {"outcome": "panel", "outcome_label": "This site's panel decides", "confirmed": False}
    assert TriageAssessment.objects.filter(referral=referral).count() == 1


def test_submission_and_reads_are_audited_with_the_token_not_a_user(api):
    reference = api.post("/api/referrals", referral_payload()).json()["reference"]
    referral = Referral.objects.get(reference=reference)
    api.get(f"/api/referrals/{reference}")
    events = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).order_by("seq")
    actions = [(e.action, e.detail.get("api_token")) for e in events]
    assert ("create", api.token.prefix) in actions and ("view", api.token.prefix) in actions
    assert all(e.actor_id is None for e in events)
    # Field names only, never the child's details.
    assert "Ardit" not in json.dumps([e.detail for e in events])


def test_the_api_accepts_every_field_a_referrer_answers_on_the_web(demo):
    fields = ReferralIn.model_validate(referral_payload()).referral_fields()
    web_form_state = {"sections_saved"}  # which pages of the web journey were saved: no meaning here
    assert set(fields) == EDITABLE_FIELDS - web_form_state


def test_a_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(api):
    first = api.post("/api/referrals", referral_payload(), key="case-123-attempt")
    retry = api.post("/api/referrals", referral_payload(), key="case-123-attempt")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1 and Child.objects.filter(referrals__isnull=False).count() == 1
    # Key order and spacing are not a different body.
    reordered = json.dumps(dict(reversed(list(referral_payload().items()))), indent=2)
    again = api.post("/api/referrals", reordered, key="case-123-attempt", raw=True)
    assert again.json()["reference"] == first.json()["reference"]
    assert Referral.objects.count() == 1


def test_a_new_key_creates_a_new_referral(api):
    first = api.post("/api/referrals", referral_payload(), key="one").json()["reference"]
    second = api.post("/api/referrals", referral_payload(), key="two").json()["reference"]
    assert first != second and Referral.objects.count() == 2


def test_the_same_key_with_a_different_body_is_refused(api):
    first = api.post("/api/referrals", referral_payload(), key="k-1")
    changed = api.post("/api/referrals", referral_payload(child={"given_names": "Arben"}), key="k-1")
    assert changed.status_code == 422
    assert "different request" in _errors(changed)["Idempotency-Key"]
    assert Referral.objects.get().reference == first.json()["reference"]
    assert Referral.objects.get().given_names == "Ardit"


def test_keys_belong_to_a_token(api, northbridge_la):
    other_system = token_client(northbridge_la)
    api.post("/api/referrals", referral_payload(), key="shared")
    other_system.post("/api/referrals", referral_payload(), key="shared")
    assert Referral.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(api):
    refused = api.post("/api/referrals", referral_payload(child={"sex": "unknown"}), key="k-2")
    assert refused.status_code == 422
    corrected = api.post("/api/referrals", referral_payload(), key="k-2")
    assert corrected.status_code == 201


def test_a_retry_racing_the_first_request_replays_it(api, monkeypatch):
    """The retry checks for the key before the first request has committed, then loses the insert."""
    first = api.post("/api/referrals", referral_payload(), key="race")
    real_replay = services._replay
    calls = []

    def not_yet_visible(**kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real_replay(**kwargs)

    monkeypatch.setattr(services, "_replay", not_yet_visible)
    retry = api.post("/api/referrals", referral_payload(), key="race")
    assert retry.status_code == 201 and retry.json()["reference"] == first.json()["reference"]
    assert len(calls) == 2  # the unique constraint stopped the second insert; the first answer was replayed
    assert Referral.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_every_invalid_field_is_named_at_once(api):
    payload = referral_payload(
        child={
            "given_names": "",
            "family_name": "",
            "date_of_birth": "2999-01-01",
            "sex": "boy",
            "nationalities": ["AL", "XX"],
            "languages": ["albanian"],
            "ethnicity": "martian",
            "residence_local_authority": "E99999999",
            "nickname": "not a field",
        },
        exploitation={"types": ["labour"], "county_lines": True, "started": "2024-05-01", "ended": "2024-01-01"},
        referrer={"email": "not-an-email"},
    )
    response = api.post("/api/referrals", payload)
    assert response.status_code == 422
    errors = _errors(response)
    assert set(errors) >= {
        "child.date_of_birth",
        "child.sex",
        "child.nationalities.1",
        "child.languages.0",
        "child.ethnicity",
        "child.residence_local_authority",
        "child.nickname",
        "child.given_names",
        "exploitation.county_lines",
        "exploitation.ended",
        "referrer.email",
    }
    assert "future" in errors["child.date_of_birth"] or "past" in errors["child.date_of_birth"]
    assert "XX" in errors["child.nationalities.1"]
    assert Referral.objects.count() == 0


def test_missing_sections_and_required_answers_are_named(api):
    response = api.post("/api/referrals", {"child": {"sex": "female"}})
    errors = _errors(response)
    assert response.status_code == 422
    assert {"exploitation", "account", "referrer", "child.given_names", "child.date_of_birth"} <= set(errors)
    assert errors["exploitation"] == "This field is required"


def test_an_estimated_age_is_enough_without_a_date_of_birth(api):
    payload = referral_payload(child={"date_of_birth": None, "estimated_age_years": 15, "age_uncertain": True})
    response = api.post("/api/referrals", payload)
    assert response.status_code == 201
    assert response.json()["triage"]["outcome"] == "sca"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ('{"child": NaN}', "application/json", 400),
        ("[1, 2, 3]", "application/json", 422),
        ('"a string"', "application/json", 422),
        ("", "application/json", 422),
        ("child=1", "application/x-www-form-urlencoded", 415),
        ("<referral/>", "application/xml", 415),
        (b"\xff\xfe\x00{", "application/json", 400),
    ],
)
def test_unreadable_bodies_get_a_json_4xx(api, body, content_type, status):
    response = api.post("/api/referrals", body, raw=True, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["errors"]


def test_an_oversized_body_gets_413(api):
    payload = referral_payload(account={"text": "x" * (2 * 1024 * 1024)})
    response = api.post("/api/referrals", payload)
    assert response.status_code == 413
    assert "too large" in response.json()["errors"][0]["message"]


def test_characters_the_database_cannot_store_are_refused_by_field(api):
    payload = referral_payload(child={"given_names": "Ard\u0000it", "found_location": "\ud800"})
    response = api.post("/api/referrals", json.dumps(payload), raw=True)
    assert response.status_code == 422
    assert set(_errors(response)) == {"child.given_names", "child.found_location"}


def test_deeply_nested_input_is_refused_not_a_server_error(api):
    nested: object = "x"
    for _ in range(500):
        nested = {"a": nested}
    response = api.post("/api/referrals/import/home-office-form", {"kept-field": nested})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Nested too deeply"
    too_deep_for_json = "[" * 100_000 + "]" * 100_000
    assert api.post("/api/referrals", too_deep_for_json, raw=True).status_code == 400


def test_a_referral_outside_every_site_is_refused_with_a_reason(demo, northbridge_la):
    police = Organisation.objects.get(name="Northbridge Police")  # not a council: no site of its own
    outside = Organisation.objects.create(name="Faraway Council", type="local_authority", gss_code="E06999999")
    response = token_client(police).post(
        "/api/referrals", referral_payload(child={"residence_local_authority": outside.gss_code})
    )
    assert response.status_code == 422
    assert "Single Competent Authority" in _errors(response)["child.residence_local_authority"]
    assert Referral.objects.count() == 0


def test_a_referral_by_a_non_council_is_routed_by_the_childs_area(demo):
    police = Organisation.objects.get(name="Northbridge Police")
    response = token_client(police).post(
        "/api/referrals", referral_payload(child={"residence_local_authority": EASTWICK_LA_GSS})
    )
    assert response.status_code == 201
    assert Referral.objects.get().site.slug == "three-rivers"


def test_wrong_method_is_not_a_server_error(api):
    response = ApiClient(secret=api.secret).get("/api/referrals/import/home-office-form")
    assert response.status_code == 405


def test_the_childs_nhs_number_and_home_office_reference_are_accepted_and_kept(api):
    child = {"nhs_number": "943-476-5919", "home_office_reference": " Port reference EDD/1234567 "}
    response = api.post("/api/referrals", referral_payload(child=child))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert (referral.nhs_number, referral.home_office_reference) == ("9434765919", "Port reference EDD/1234567")


def test_without_identifiers_a_referral_keeps_them_blank(api):
    referral = Referral.objects.get(reference=api.post("/api/referrals", referral_payload()).json()["reference"])
    assert (referral.nhs_number, referral.home_office_reference) == ("", "")


@pytest.mark.parametrize(
    ("child", "field", "words"),
    [
        ({"nhs_number": "943 476 5918"}, "child.nhs_number", "check digit"),
        ({"nhs_number": "943 476 591"}, "child.nhs_number", "10 digits"),
        ({"nhs_number": "NHS9434765919"}, "child.nhs_number", "10 digits"),
        ({"nhs_number": 9434765919}, "child.nhs_number", "string"),
        ({"home_office_reference": "x" * 101}, "child.home_office_reference", "100"),
    ],
)
def test_an_invalid_identifier_is_refused_by_field_and_nothing_is_stored(api, child, field, words):
    response = api.post("/api/referrals", referral_payload(child=child))
    assert response.status_code == 422, response.content
    errors = _errors(response)
    assert set(errors) == {field}
    assert words in errors[field]
    assert Referral.objects.count() == 0


def test_the_published_schema_describes_the_identifiers(api):
    child = Client().get("/api/openapi.json").json()["components"]["schemas"]["ChildIn"]["properties"]
    assert child["home_office_reference"]["maxLength"] == 100
    assert "check digit" in child["nhs_number"]["description"]
    example = ReferralIn.model_json_schema()["examples"][0]
    assert ReferralIn.model_validate(example).referral_fields()["nhs_number"] == "9434765919"
