"""The OpenAPI document: served publicly, valid OpenAPI 3.1, describing auth, errors and every field."""

from __future__ import annotations

import json

from django.test import Client
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR


def test_the_openapi_document_is_served_without_a_token_and_is_valid(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    errors = [error.message for error in OPENAPI_31_VALIDATOR.iter_errors(document)]
    assert errors == []
    assert set(document["paths"]) == {
        "/api/referrals",
        "/api/referrals/import/home-office-form",
        "/api/referrals/{api_referral_reference}",
    }


def test_the_document_describes_auth_idempotency_and_errors(db):
    document = Client().get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    submit = document["paths"]["/api/referrals"]["post"]
    assert {p["name"] for p in submit["parameters"]} == {"Idempotency-Key"}
    assert {"201", "401", "403", "422"} <= set(submit["responses"])
    referral = document["components"]["schemas"]["ReferralIn"]
    assert set(referral["required"]) == {"child", "exploitation", "account", "referrer"}
    # Vocabularies are published, so a client can validate before sending.
    assert "criminal" in json.dumps(document["components"]["schemas"]["ExploitationIn"])
    home_office = document["components"]["schemas"]["HomeOfficeFormIn"]
    assert home_office["properties"]["pv-gender"]["anyOf"][0]["enum"] == ["female", "male", "unknown"]


def test_no_interactive_docs_loading_third_party_scripts(db):
    page = Client().get("/api/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "swagger" not in html.lower()
    assert "/api/openapi.json" in html
    assert Client().get("/api/docs").status_code == 404
