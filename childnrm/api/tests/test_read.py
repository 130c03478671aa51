"""Reading status: only the token's organisation's referrals, paginated, each read audited."""

from __future__ import annotations

from childnrm.api.tests.conftest import referral_payload
from childnrm.audit.models import AuditEvent
from childnrm.referrals.models import Referral
from childnrm.triage.models import TriageAssessment, TriageOutcome


def test_status_of_an_own_referral_in_words(api, northbridge):
    reference = api.post("/api/referrals", referral_payload()).json()["reference"]
    response = api.get(f"/api/referrals/{reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == reference
    assert body["status_label"] == "Submitted – awaiting triage"
    assert body["triage"]["outcome_label"] == "This site's panel decides"
    assert body["submitted_at"]
    # The status only: nothing about the child.
    assert "Ardit" not in response.content.decode()


def test_the_coordinators_decision_replaces_the_engines_outcome(api, northbridge):
    reference = api.post("/api/referrals", referral_payload()).json()["reference"]
    assessment = TriageAssessment.objects.get(referral__reference=reference)
    assessment.final_outcome, assessment.confirmed_at = TriageOutcome.SCA, assessment.assessed_at
    assessment.save()
    triage = api.get(f"/api/referrals/{reference}").json()["triage"]
    assert triage == {"outcome": "sca", "outcome_label": "The Single Competent Authority decides", "confirmed": True}


def test_another_organisations_referral_is_not_found(api, other_api):
    reference = api.post("/api/referrals", referral_payload()).json()["reference"]
    response = other_api.get(f"/api/referrals/{reference}")
    assert response.status_code == 404
    assert reference not in response.content.decode()
    assert reference not in other_api.get("/api/referrals").content.decode()


def test_unknown_or_malformed_references_are_not_found(api):
    for reference in ("NRM-AAAAAAAA", "nrm-aaaaaaaa", "x" * 300, "CH-AAAAAAAA"):
        response = api.get(f"/api/referrals/{reference}")
        assert response.status_code == 404, reference
        assert response.json()["errors"]


def test_the_list_is_the_organisations_referrals_newest_first_in_pages(api, other_api):
    references = [api.post("/api/referrals", referral_payload()).json()["reference"] for _ in range(3)]
    other_api.post("/api/referrals", referral_payload(child={"residence_local_authority": "E06900002"}))
    first = api.get("/api/referrals", page_size=2).json()
    assert (first["count"], first["pages"], first["page"]) == (3, 2, 1)
    second = api.get("/api/referrals", page_size=2, page=2).json()
    listed = [item["reference"] for item in first["items"] + second["items"]]
    assert listed == list(reversed(references))
    assert api.get("/api/referrals", page=9).json()["items"] == []


def test_drafts_made_on_the_web_are_not_listed(api, northbridge_la):
    Referral.objects.create(referrer_organisation=northbridge_la, given_names="Draft")
    assert api.get("/api/referrals").json()["count"] == 0


def test_bad_paging_is_a_422_naming_the_parameter(api):
    response = api.get("/api/referrals", page=0, page_size=1000)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"page", "page_size"}


def test_list_reads_are_audited_with_the_token(api):
    api.get("/api/referrals")
    event = AuditEvent.objects.filter(action="list", object_type="referrals.referral").latest("seq")
    assert event.detail["api_token"] == api.token.prefix and event.actor_id is None
