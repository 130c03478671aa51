"""A path under /api/ that is none of the API's answers in the API's JSON error shape, whatever the method and
whoever asks; a read of the list records which referrals it returned, as the web lists do."""

from __future__ import annotations

import pytest
from django.test import Client

from childnrm.api.tests.conftest import referral_payload
from childnrm.audit.models import AuditEvent
from childnrm.referrals.models import Referral


@pytest.mark.parametrize(
    "path", ["/api/unknown", "/api/unknown/", "/api/referrals/NRM-ABCDEFGH/extra", "/api/referrals/", "/api/v2/x"]
)
def test_an_unknown_path_is_a_json_404(api, path):
    for client, headers in ((Client(), {}), (Client(), {"HTTP_AUTHORIZATION": f"Bearer {api.secret}"})):
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(path, **headers)
            assert response.status_code == 404, (method, path)
            assert response["Content-Type"].startswith("application/json"), (method, path)
            assert response.json() == {
                "errors": [
                    {
                        "field": None,
                        "message": "There is nothing at this address: see /api/openapi.json for the API's paths",
                    }
                ]
            }


def test_the_api_paths_still_answer(api):
    assert api.get("/api/referrals").status_code == 200
    assert api.get("/api/openapi.json").status_code == 200
    assert Client().get("/api/").status_code == 200
    assert api.get("/api/referrals/NRM-AAAAAAAA").json()["errors"][0]["message"].startswith("No referral")


def test_reading_the_list_records_the_ids_of_the_referrals_returned(api):
    references = [api.post("/api/referrals", referral_payload()).json()["reference"] for _ in range(3)]
    ids = dict(Referral.objects.filter(reference__in=references).values_list("reference", "pk"))
    api.get("/api/referrals", page_size=2)
    event = AuditEvent.objects.filter(action="list", object_type="referrals.referral").latest("seq")
    assert event.detail["ids"] == [ids[references[2]], ids[references[1]]]
    assert event.detail["count"] == 2
