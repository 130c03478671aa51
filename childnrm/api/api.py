"""The integration API at /api/: django-ninja, bearer tokens per organisation, errors as JSON.

Every answer to bad input is a 4xx with `{"errors": [{"field": ..., "message": ...}]}` naming each
invalid field; nothing a client sends should cause a 5xx. The OpenAPI document is at
/api/openapi.json; /api/ is a plain page describing the API (no third-party scripts).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from childnrm.access.decorators import API_TOKEN, public
from childnrm.api.auth import BodyTooBig, TokenAuth
from childnrm.api.home_office import list_errors
from childnrm.api.referrals import router as referrals_router
from childnrm.api.schemas import cross_field_errors, unstorable_values
from childnrm.api.services import ApiInputError, FormAlreadyImported, IdempotencyConflict

UNAUTHORISED = (
    "Send a valid API token in the Authorization header ('Authorization: Bearer <token>'). "
    "The token is missing, unknown or revoked."
)


UNION_TAGS = {"bool", "str", "int", "float", "none", "function-after", "function-before", "function-wrap"}
BODY_PARAM = "payload"  # the name of every operation's body parameter


class UnsupportedMediaType(Exception):
    pass


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


class JsonParser(Parser):
    """JSON bodies only; refuses other media types, NaN/Infinity and strings the database cannot hold."""

    def parse_body(self, request: HttpRequest) -> Any:
        media_type = request.content_type or ""
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType(media_type)
        data = json.loads(request.body, parse_constant=_reject_constant)
        errors = unstorable_values(data)
        if errors:
            raise ApiInputError(errors)
        return data


class ChildNrmApi(NinjaAPI):
    """Marks every generated view for the access middleware: these views authenticate by token."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _json_method_not_allowed(pattern.callback)
            pattern.callback.access_rule = API_TOKEN
        # Replace ninja's root (a 404 that points to interactive docs) with a plain page.
        urls[-1] = path("", api_index, name="api-root")
        # Last: any other path under /api/ answers in the API's JSON, not the site's HTML page.
        urls.append(path("<path:unknown_api_path>", api_not_found, name="not-found"))
        return urls

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # post_referral, get_referral: readable in generated clients


def _json_method_not_allowed(view):
    """ninja answers a method a path does not have with a plain-text 405: answer in the API's JSON instead."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            json_response = error_response(
                request,
                405,
                [{"field": None, "message": f"Method {request.method} is not allowed here. Allowed: {allowed}"}],
            )
            json_response["Allow"] = allowed
            return json_response
        return response

    return wrapped


@public
def api_index(request: HttpRequest) -> HttpResponse:
    return render(request, "api/index.html")


NO_SUCH_PATH = "There is nothing at this address: see /api/openapi.json for the API's paths"


@public  # it answers the same to anyone, and reads nothing
@csrf_exempt  # a client's POST to a mistyped path: the JSON 404, not the site's CSRF page
def api_not_found(request: HttpRequest, unknown_api_path: str) -> HttpResponse:
    """A path under /api/ that is none of the API's, whatever the method: 404 in the API's error shape."""
    return error_response(request, 404, [{"field": None, "message": NO_SUCH_PATH}])


api = ChildNrmApi(
    title="Child NRM Panels API",
    version="1.0.0",
    description=(
        "Submit referrals of children to a Child NRM panel and follow their status. Authenticate with an "
        "organisation's API token: `Authorization: Bearer <token>`. Send `Idempotency-Key` with each "
        "submission so a retry never creates a second referral. Errors name each invalid field."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=TokenAuth(),
    parser=JsonParser(),
)


def error_response(request: HttpRequest, status: int, errors: list[dict[str, Any]], **headers: str) -> HttpResponse:
    response = api.create_response(request, {"errors": errors}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _message(error: dict[str, Any]) -> str:
    kind, message = error.get("type", ""), error.get("msg", "Invalid value")
    if kind == "missing":
        return "This field is required"
    if kind == "extra_forbidden":
        return "Not a recognised field: remove it or check its spelling"
    return message.removeprefix("Value error, ")


def _field(loc: tuple | list) -> str | None:
    # Union members add a tag to the location (e.g. "bool", "list[...]"): not part of the field's path.
    parts = [str(p) for p in loc if not (isinstance(p, str) and ("[" in p or p in UNION_TAGS))]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts = parts[1:]
    return ".".join(parts) or None


def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    for error in exc.errors:
        item = {"field": _field(error.get("loc", ())), "message": _message(error)}
        if item not in errors:
            errors.append(item)
    match = getattr(request, "resolver_match", None)
    extra = {"referral-submit": cross_field_errors, "referral-import-home-office": list_errors}
    if match is not None and match.url_name in extra and request.method == "POST":
        # Report the rules checked outside the schema too (two-field rules; answers not on the Home
        # Office form's lists), so a client can fix everything in one go.
        try:
            raw = json.loads(request.body)
        except ValueError:
            raw = None
        named = {e["field"] for e in errors}
        errors += [e for e in extra[match.url_name](raw) if e["field"] not in named]
    return error_response(request, 422, errors)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, UnsupportedMediaType):
        return error_response(
            request,
            415,
            [{"field": None, "message": "Send the request body as JSON, with Content-Type: application/json"}],
        )
    if isinstance(cause, ApiInputError):
        return error_response(request, 422, cause.errors)
    if isinstance(cause, RequestDataTooBig):
        return _on_too_big(request, cause)
    if cause is not None:
        return error_response(request, 400, [{"field": None, "message": "The request body is not valid JSON"}])
    if exc.status_code == 405:
        return error_response(request, 405, [{"field": None, "message": "Method not allowed"}])
    return error_response(request, exc.status_code, [{"field": None, "message": str(exc)}])


def _on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, [{"field": "Authorization", "message": UNAUTHORISED}], WWW_Authenticate="Bearer"
    )


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) if isinstance(exc, BodyTooBig) else "The request body is too large (at most 2 MB)"
    return error_response(request, 413, [{"field": None, "message": message}])


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, [{"field": None, "message": "The request could not be understood"}])


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        request, 404, [{"field": None, "message": "No referral with this reference was made by your organisation"}]
    )


def _on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, [{"field": None, "message": str(exc) or "This token may not do that"}])


def _on_input_error(request: HttpRequest, exc: ApiInputError) -> HttpResponse:
    return error_response(request, 422, exc.errors)


def _on_idempotency_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
    return error_response(request, 422, [{"field": exc.field, "message": exc.message}])


def _on_form_already_imported(request: HttpRequest, exc: FormAlreadyImported) -> HttpResponse:
    return error_response(request, 409, [{"field": exc.field, "message": exc.message}])


def _on_unicode_error(request: HttpRequest, exc: UnicodeError) -> HttpResponse:
    return error_response(request, 400, [{"field": None, "message": "The request is not valid UTF-8"}])


api.add_exception_handler(NinjaValidationError, _on_validation_error)
api.add_exception_handler(AuthenticationError, _on_auth_error)
api.add_exception_handler(HttpError, _on_http_error)
api.add_exception_handler(RequestDataTooBig, _on_too_big)
api.add_exception_handler(SuspiciousOperation, _on_suspicious)
api.add_exception_handler(Http404, _on_not_found)
api.add_exception_handler(PermissionDenied, _on_forbidden)
api.add_exception_handler(ApiInputError, _on_input_error)
api.add_exception_handler(IdempotencyConflict, _on_idempotency_conflict)
api.add_exception_handler(UnicodeError, _on_unicode_error)
api.add_exception_handler(FormAlreadyImported, _on_form_already_imported)
api.add_router("/referrals", referrals_router)
