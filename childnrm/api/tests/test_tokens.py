"""Tokens: per organisation, secret shown once and never stored, bearer auth, revocation, scopes."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from childnrm.api.models import ApiToken, Scope
from childnrm.api.services import api_token_revoke
from childnrm.api.tests.conftest import ApiClient, token_client
from childnrm.audit.models import AuditEvent


def _assert_401(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Bearer"
    [error] = response.json()["errors"]
    assert error["field"] == "Authorization"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer cnrm_00000000_" + "A" * 43,  # the right shape, but no such token
    ],
)
def test_missing_malformed_or_unknown_token_is_refused_with_401(api, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    from django.test import Client

    for response in (
        Client().get("/api/referrals", **headers),
        Client().post("/api/referrals", data="{}", content_type="application/json", **headers),
    ):
        _assert_401(response)


def test_a_token_with_a_wrong_secret_is_refused(api):
    prefix = api.token.prefix
    _assert_401(ApiClient(secret=f"cnrm_{prefix}_" + "B" * 43).get("/api/referrals"))


def test_revoked_token_is_refused(api):
    assert api.get("/api/referrals").status_code == 200
    api_token_revoke(token=api.token)
    _assert_401(api.get("/api/referrals"))
    _assert_401(api.post("/api/referrals", {}))


def test_only_a_hash_of_the_secret_is_stored(api):
    token = ApiToken.objects.get(pk=api.token.pk)
    assert api.secret not in str(token.__dict__)
    assert token.token_hash == hashlib.sha256(api.secret.encode()).hexdigest()
    assert api.secret.startswith(f"cnrm_{token.prefix}_")


def test_use_is_recorded_on_the_token(api):
    assert ApiToken.objects.get(pk=api.token.pk).last_used_at is None
    api.get("/api/referrals")
    assert ApiToken.objects.get(pk=api.token.pk).last_used_at is not None


def test_a_token_without_the_scope_is_refused_with_403(northbridge_la):
    reader = token_client(northbridge_la, scopes=[Scope.READ_STATUS])
    assert reader.get("/api/referrals").status_code == 200
    response = reader.post("/api/referrals", {})
    assert response.status_code == 403
    assert "referrals:submit" in response.json()["errors"][0]["message"]
    submitter = token_client(northbridge_la, scopes=[Scope.SUBMIT_REFERRALS])
    assert submitter.get("/api/referrals").status_code == 403


def test_create_command_prints_the_secret_once_and_audits(northbridge_la):
    out = StringIO()
    call_command("api_token_create", organisation="Northbridge City Council", name="Case system", stdout=out)
    token = ApiToken.objects.get(name="Case system")
    secret = next(line for line in out.getvalue().splitlines() if line.startswith("cnrm_"))
    assert ApiClient(secret=secret).get("/api/referrals").status_code == 200
    assert token.organisation == northbridge_la
    assert set(token.scopes) == {Scope.SUBMIT_REFERRALS, Scope.READ_STATUS}
    event = AuditEvent.objects.filter(object_type="api.apitoken", object_id=str(token.pk)).get()
    assert event.detail["api_token"] == token.prefix and secret not in str(event.detail)


def test_create_command_refuses_an_unknown_organisation(demo):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("api_token_create", organisation="Nowhere Council", name="x", stdout=StringIO())


def test_revoke_command(api):
    call_command("api_token_revoke", api.token.prefix, stdout=StringIO())
    _assert_401(api.get("/api/referrals"))
