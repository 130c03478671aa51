"""Issue 14 (7): dates are text, a wrong method answers in JSON, and the OpenAPI document states the rules."""

from __future__ import annotations

import pytest
from django.test import Client

from childnrm.api.tests.conftest import referral_payload
from childnrm.referrals.models import Referral


@pytest.mark.parametrize(
    ("section", "name", "value"),
    [
        ("child", "date_of_birth", 1262304000),  # lax parsing would read this as 2010-01-01 (a Unix time)
        ("child", "date_of_birth", 20100101),
        ("child", "date_of_birth", "2010-01-01T00:00:00"),
        ("exploitation", "started", 1704844800),
        ("safeguarding", "strategy_discussion_date", 1717372800.0),
    ],
)
def test_a_date_must_be_text_in_iso_form_not_a_number(api, section, name, value):
    response = api.post("/api/referrals", referral_payload(**{section: {name: value}}))
    assert response.status_code == 422, response.content
    assert {
        "field": f"{section}.{name}",
        "message": "Enter the date as text in the form YYYY-MM-DD, like 2010-04-30",
    } in response.json()["errors"]
    assert Referral.objects.count() == 0


def test_a_date_as_text_is_still_accepted(api):
    assert api.post("/api/referrals", referral_payload(child={"date_of_birth": "2011-05-01"})).status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/referrals", "GET, POST"),
        ("delete", "/api/referrals", "GET, POST"),
        ("get", "/api/referrals/import/home-office-form", "POST"),
        ("patch", "/api/referrals/NRM-ABCD2345", "GET"),
    ],
)
def test_a_method_a_path_does_not_have_is_answered_in_json(api, method, path, allowed):
    response = getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Bearer {api.secret}")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert sorted(response["Allow"].split(", ")) == sorted(allowed.split(", "))
    [error] = response.json()["errors"]
    assert error["field"] is None and method.upper() in error["message"]
    assert all(name in error["message"] for name in allowed.split(", "))


def test_the_openapi_document_states_the_non_blank_rules(db):
    schemas = Client().get("/api/openapi.json").json()["components"]["schemas"]
    for schema, field in (("AccountIn", "text"), ("ReferrerIn", "name")):
        published = schemas[schema]["properties"][field]
        assert published["minLength"] == 1 and published["pattern"] == r"\S"
        assert "not be blank" in published["description"]


def test_the_openapi_document_states_the_cross_field_rules(db):
    schemas = Client().get("/api/openapi.json").json()["components"]["schemas"]
    referral = schemas["ReferralIn"]
    rules = referral["x-cross-field-rules"]
    assert len(rules) == 9
    assert all(rule in referral["description"] for rule in rules)
    child = schemas["ChildIn"]["properties"]
    assert "This or family_name must not be blank" in child["given_names"]["description"]
    assert "Required unless estimated_age_years" in child["date_of_birth"]["description"]
    assert "This or found_local_authority is required" in child["residence_local_authority"]["description"]
    assert "On or after 'started'" in schemas["ExploitationIn"]["properties"]["ended"]["description"]
    assert "Leave out when date_of_birth is given" in child["estimated_age_years"]["description"]
    assert "(then required)" in child["date_of_birth_estimated"]["description"]
    assert "'not_known' only on its own" in schemas["ExploitationIn"]["properties"]["types"]["description"]
    assert "Required (not blank) when no phone" in schemas["ReferrerIn"]["properties"]["email"]["description"]
    # The Home Office form's import states its own: optional date of birth, one referral per reference.
    home_office = schemas["HomeOfficeFormIn"]["description"]
    assert "date of birth is optional" in home_office and "unique per organisation" in home_office


def test_the_openapi_document_publishes_the_forms_encodings(db):
    document = Client().get("/api/openapi.json").json()
    form = document["components"]["schemas"]["HomeOfficeFormIn"]["properties"]
    assert "within-the-last-6-12-month" in form["when-last-contact"]["anyOf"][0]["enum"]
    assert form["types-of-exploitation-other"]["anyOf"][0] == {"type": "string", "enum": ["true", ""]}
    responses = document["paths"]["/api/referrals/import/home-office-form"]["post"]["responses"]
    assert {"200", "201", "409", "422"} <= set(responses)


# The web journey's rules on two answers (referrals.forms: ChildForm, ExploitationForm), which a referral sent through
# the API must keep too: each refused, named by its field, and stated in the OpenAPI document (CROSS_FIELD_RULES).
WEB_RULES = [
    pytest.param(
        {"child": {"date_of_birth": "2011-05-01", "estimated_age_years": 9}},
        "child.estimated_age_years",
        "child: estimated_age_years must be left out (null) when date_of_birth is given.",
        id="a date of birth and an estimated age",
    ),
    pytest.param(
        {"child": {"date_of_birth": None, "estimated_age_years": 9, "date_of_birth_estimated": True}},
        "child.date_of_birth",
        "child: date_of_birth_estimated may be true only when date_of_birth is given.",
        id="an estimated date of birth without a date",
    ),
    pytest.param(
        {"exploitation": {"types": ["not_known", "sexual"], "county_lines": False}},
        "exploitation.types",
        "exploitation.types may include 'not_known' only on its own.",
        id="not known beside a known type",
    ),
]


@pytest.mark.parametrize(("changes", "field", "rule"), WEB_RULES)
def test_the_api_refuses_what_the_web_journey_refuses(api, changes, field, rule):
    """A date of birth and an estimated age are not both kept (the web: "Leave the estimated age blank if you know
    the date of birth"); "estimate" needs the date it qualifies; "not known" is not a type beside a known one (the
    web: "Select Not known only if you do not know any type of exploitation"). Nothing is stored."""
    response = api.post("/api/referrals", referral_payload(**changes))
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Referral.objects.count() == 0
    referral = Client().get("/api/openapi.json").json()["components"]["schemas"]["ReferralIn"]
    assert rule in referral["x-cross-field-rules"] and rule in referral["description"]


@pytest.mark.parametrize(
    "changes",
    [
        {"child": {"date_of_birth": None, "estimated_age_years": 9}},
        {"child": {"date_of_birth": "2011-05-01", "date_of_birth_estimated": True}},
        {"exploitation": {"types": ["not_known"], "county_lines": False}},
    ],
    ids=["an estimated age alone", "an estimated date of birth", "not known alone"],
)
def test_the_answers_the_web_journey_accepts_are_accepted(api, changes):
    assert api.post("/api/referrals", referral_payload(**changes)).status_code == 201


def test_a_date_of_birth_of_today_is_refused_as_the_web_form_refuses_it(api):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    response = api.post("/api/referrals", referral_payload(child={"date_of_birth": today}))
    assert response.status_code == 422, response.content
    assert {"field": "child.date_of_birth", "message": "The date of birth must be in the past"} in response.json()[
        "errors"
    ]
    assert Referral.objects.count() == 0
