"""Fixtures for API tests: tokens for each demo site's local authority and a JSON client."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from childnrm.accounts.models import Organisation, Site
from childnrm.api.models import ApiToken
from childnrm.api.services import api_token_create

NORTHBRIDGE_LA_GSS = "E08900001"
EASTWICK_LA_GSS = "E06900002"  # part of the Three Rivers consortium

VALID_REFERRAL: dict[str, Any] = {
    "child": {
        "given_names": "Ardit",
        "family_name": "Hoxha",
        "aliases": [{"given_names": "Arti", "family_name": ""}],
        "date_of_birth": "2011-05-01",
        "sex": "male",
        "nationalities": ["AL"],
        "languages": ["sq"],
        "interpreter_needed": True,
        "ethnicity": "white_other",
        "address": "12 Example Street, Northbridge",
        "residence_local_authority": NORTHBRIDGE_LA_GSS,
        "found_location": "Northbridge railway station",
    },
    "exploitation": {
        "types": ["criminal", "labour"],
        "county_lines": True,
        "location": "uk",
        "started": "2024-01-10",
        "ended": "2024-06-01",
        "age_at_exploitation": 12,
    },
    "account": {"text": "He was made to carry drugs between two towns.", "indicators": ["going_missing"]},
    "safeguarding": {
        "ictg_referral_made": True,
        "child_in_need": True,
        "strategy_discussion_date": "2024-06-03",
        "social_worker": {"name": "Jo Allocated", "team": "Children in Care Team 2", "email": "jo@example.gov.uk"},
    },
    "referrer": {
        "name": "Sam Referrer",
        "job_title": "Detective constable",
        "email": "sam.referrer@police.example",
        "phone": "0100 000 0001",
    },
}


def referral_payload(**changes: dict[str, Any]) -> dict[str, Any]:
    """A valid referral with some sections' fields changed, e.g. referral_payload(child={"sex": "female"})."""
    payload = copy.deepcopy(VALID_REFERRAL)
    for section, fields in changes.items():
        payload[section].update(fields)
    return payload


@dataclass
class ApiClient:
    """A Django test client that talks to the API with one token."""

    secret: str | None
    token: ApiToken | None = None

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in extra.items()}
        if self.secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        return headers

    def post(self, path: str, body: Any, *, key: str | None = None, raw: bool = False, **headers: str):
        if key is not None:
            headers["Idempotency-Key"] = key
        data = body if raw else json.dumps(body)
        content_type = headers.pop("content_type", "application/json")
        return Client().post(path, data=data, content_type=content_type, **self._headers(headers))

    def get(self, path: str, **params: Any):
        return Client().get(path, params, **self._headers({}))


def token_client(organisation: Organisation, **kwargs: Any) -> ApiClient:
    token, secret = api_token_create(organisation=organisation, name="Case system", **kwargs)
    return ApiClient(secret=secret, token=token)


@pytest.fixture
def northbridge_la(demo) -> Organisation:
    return Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS)


@pytest.fixture
def eastwick_la(demo) -> Organisation:
    return Organisation.objects.get(gss_code=EASTWICK_LA_GSS)


@pytest.fixture
def api(northbridge_la) -> ApiClient:
    """The API as Northbridge City Council's case management system."""
    return token_client(northbridge_la)


@pytest.fixture
def other_api(eastwick_la) -> ApiClient:
    """The API as a council of the other site (Three Rivers)."""
    return token_client(eastwick_la)


@pytest.fixture
def northbridge(demo) -> Site:
    return Site.objects.get(slug="northbridge")
