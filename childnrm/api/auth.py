"""Bearer-token authentication for the API, checked before anything in the request is read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from childnrm.api.models import ApiToken
from childnrm.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: an active token of an active organisation, holding `scope`.

    No token, or an unknown or revoked one: 401. A valid token without the scope: 403.
    """

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(presented=token)
        if found is not None and self.scope and not found.allows(self.scope):
            raise PermissionDenied(f"This token does not have the '{self.scope}' scope")
        return found
