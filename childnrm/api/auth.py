"""Bearer-token authentication for the API, checked before anything in the request is read."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, UnreadablePostError
from ninja.security import HttpBearer

from childnrm.access.middleware import api_client_identified
from childnrm.api.models import ApiToken
from childnrm.api.services import api_token_authenticate
from childnrm.kit.uploads import MEGABYTE, max_request_bytes


class BodyTooBig(RequestDataTooBig):
    """A body carrying files is over the upload limit; the message says what the limit is."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: an active token of an active organisation, holding `scope`.

    No token, or an unknown or revoked one: 401. A valid token without the scope: 403.
    `files`: the operation's body carries files (in base64). Once the token is accepted, the body is
    read with the service's upload limit (kit.uploads) instead of Django's 2 MB for other bodies; a
    client without a token never gets a large body held in memory.
    """

    def __init__(self, scope: str | None = None, *, files: bool = False) -> None:
        super().__init__()
        self.scope = scope
        self.files = files

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(presented=token)
        if found is not None:  # before the scope check: a token refused a scope is named in the refusal's trace
            api_client_identified(request, organisation_id=found.organisation_id, api_token=found.prefix)
        if found is not None and self.scope and not found.allows(self.scope):
            raise PermissionDenied(f"This token does not have the '{self.scope}' scope")
        if found is not None and self.files:
            _read_body(request, limit=max_request_bytes())
        return found


def _read_body(request: HttpRequest, *, limit: int) -> None:
    """Read the body as `request.body` does (which then returns it), with `limit` rather than
    DATA_UPLOAD_MAX_MEMORY_SIZE, which `request.body` checks when it is first read."""
    if hasattr(request, "_body"):
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise BodyTooBig(
            f"The request body is too large (at most {limit // MEGABYTE} MB, the files' base64 included): "
            "send fewer or smaller files"
        )
    try:
        body = request.read()
    except OSError as error:
        raise UnreadablePostError(*error.args) from error
    request._body, request._stream = body, io.BytesIO(body)
