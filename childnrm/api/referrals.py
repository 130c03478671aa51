"""API routes for referrals: submit (JSON or the Home Office form's fields), list, read status.

Handlers only parse, call a service or selector, and shape the answer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import Header, Path, Query, Router
from ninja.responses import Status
from pydantic import Field

from childnrm.api import selectors
from childnrm.api.auth import TokenAuth
from childnrm.api.home_office import HomeOfficeFormIn, map_form
from childnrm.api.models import ApiToken, IdempotencyRecord, Scope
from childnrm.api.schemas import (
    ErrorOut,
    ReferralIn,
    ReferralPageOut,
    ReferralReceiptOut,
    ReferralStatusOut,
    Schema,
    cross_field_errors,
)
from childnrm.api.services import (
    PURPOSE_READ,
    ApiInputError,
    IncomingDocument,
    already_imported_message,
    api_home_office_form_existing,
    api_idempotent,
    api_referral_submit,
    received_from_token,
    request_fingerprint,
)
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.referrals.models import Referral, ReferralSource
from childnrm.referrals.services import stored_files_removed_on_rollback
from childnrm.triage.models import TriageOutcome

router = Router(tags=["Referrals"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}
IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=255,
    pattern=r"^[\x21-\x7e]+$",
    description="A unique value per referral (e.g. a UUID). A retry with the same key and body returns the "
    "original response and creates nothing.",
)


SUBMIT = TokenAuth(Scope.SUBMIT_REFERRALS)
SUBMIT_WITH_FILES = TokenAuth(Scope.SUBMIT_REFERRALS, files=True)  # the body may be as big as an upload
READ = TokenAuth(Scope.READ_STATUS)


def _token(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined]  # set by TokenAuth, scope already checked


def _status(referral: Referral) -> dict:
    assessment = selectors.latest_assessment(referral)
    triage = None
    if assessment is not None:
        outcome = assessment.final_outcome or assessment.outcome
        triage = {
            "outcome": outcome,
            "outcome_label": str(TriageOutcome(outcome).label),
            "confirmed": bool(assessment.confirmed_at),
        }
    return {
        "reference": referral.reference,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "source": referral.source,
        "submitted_at": referral.submitted_at.isoformat() if referral.submitted_at else None,
        "site": referral.site.name if referral.site_id else None,
        "triage": triage,
    }


def _submit(
    request: HttpRequest,
    response: HttpResponse,
    *,
    operation: str,
    body: Any,
    key: str | None,
    build: Callable[[], tuple[dict[str, Any], dict[str, Any], str]],
    documents: Sequence[IncomingDocument] = (),
) -> Status:
    """Submit once per Idempotency-Key; `build` gives the referral fields, the fields kept verbatim, the source.

    `documents` are stored with the referral; a file written for a request that then fails is removed.
    """
    token = _token(request)
    fingerprint = request_fingerprint(operation=operation, body=body)
    audit = AuditContext.from_request(request)

    def perform():
        fields, unmapped, source = build()
        referral = api_referral_submit(
            organisation=token.organisation,
            fields=fields,
            unmapped=unmapped,
            source=source,
            audit_detail={"api_token": token.prefix},
            documents=documents,
            received_from=received_from_token(token) if documents else "",
            audit=audit,
        )
        referral = selectors.referrals_of_organisation(token.organisation).get(pk=referral.pk)
        body = {**_status(referral), "unmapped_fields": sorted(unmapped)}
        if source == ReferralSource.HOME_OFFICE_FORM:
            stored = f", with {len(documents)} document{'s' if len(documents) != 1 else ''}" if documents else ""
            body["message"] = f"Imported as referral {referral.reference}{stored}."
        return referral, body

    # Outside the idempotency record's transaction too, so no rollback anywhere leaves a file behind.
    with stored_files_removed_on_rollback():
        outcome = api_idempotent(token=token, key=key, fingerprint=fingerprint, perform=perform, audit=audit)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(outcome.status, outcome.body)


@router.post(
    "",
    url_name="referral-submit",
    auth=SUBMIT,
    response={201: ReferralReceiptOut, **ERRORS},
    summary="Submit a referral",
)
def post_referral(
    request: HttpRequest, response: HttpResponse, payload: ReferralIn, idempotency_key: str | None = IdempotencyKey
):
    """Submit a complete referral. It is triaged and routed at once; the answer gives its reference."""
    body = json.loads(request.body)  # already parsed and checked by `payload`; cached by Django
    errors = cross_field_errors(body)
    if errors:
        raise ApiInputError(errors)
    return _submit(
        request,
        response,
        operation="referral-submit",
        body=body,
        key=idempotency_key,
        build=lambda: (payload.referral_fields(), {}, ReferralSource.API),
    )


def _already_imported(referral: Referral) -> Status:
    status = _status(selectors.referrals_of_organisation(referral.referrer_organisation).get(pk=referral.pk))
    return Status(
        200,
        {
            **status,
            "unmapped_fields": sorted(referral.unmapped),
            "already_imported": True,
            "message": already_imported_message(referral),
        },
    )


@router.post(
    "/import/home-office-form",
    url_name="referral-import-home-office",
    auth=SUBMIT_WITH_FILES,
    response={200: ReferralReceiptOut, 201: ReferralReceiptOut, 409: ErrorOut, **ERRORS},
    summary="Import a child's referral written in the Home Office online NRM form's fields",
)
def post_home_office_form(
    request: HttpRequest,
    response: HttpResponse,
    payload: HomeOfficeFormIn,
    idempotency_key: str | None = IdempotencyKey,
):
    """Send the Home Office online NRM form's answers as the form saves them (its field names and option
    values; checkboxes "true" or ""). The answers become the referral's fields and labelled sections;
    fields of other versions of the form are kept verbatim and listed in `unmapped_fields`.

    Documents: `upload-file` carries the files sent with the form, one object or a list of up to 10, each
    `{"name": "…", "content": "<the file in base64>", "content_type": "…" (optional), "description": "…"
    (optional)}`. Each file goes through the same checks as an upload in the referral journey (a PDF,
    PNG, JPEG or Word document smaller than 10MB, without scripts, macros or hidden content) and is
    stored with the referral, for the panel coordinator to read. Invalid base64, an oversize or refused
    file, or too many files answer 422 naming `upload-file`, the file's position and its name, and
    nothing is imported. A bare string in `upload-file` (the file's name only, as older callers send)
    is still accepted: the name is listed under the form's label and no file is stored. A request may
    be as large as the service's upload limit (the files' base64 included).

    One referral per submission: `reference` is unique per organisation. The same submission again
    (the same documents too) answers 200 with the existing referral (`already_imported`: true) and
    changes nothing; different answers or documents under a reference already imported are refused
    with 409."""
    # The form is checked by `payload`; it is mapped from the JSON as sent, so kept fields stay verbatim.
    body = json.loads(request.body)
    mapped = map_form(body)
    if mapped.errors:
        raise ApiInputError(mapped.errors)
    token = _token(request)
    form_reference, fingerprint = mapped.fields["form_reference"], mapped.fields["form_fingerprint"]
    replay = idempotency_key and IdempotencyRecord.objects.filter(token=token, key=idempotency_key).exists()
    if not replay:
        existing = api_home_office_form_existing(
            organisation=token.organisation,
            form_reference=form_reference,
            fingerprint=fingerprint,
            audit=AuditContext.from_request(request),
        )
        if existing is not None:
            return _already_imported(existing)
    try:
        return _submit(
            request,
            response,
            operation="referral-import-home-office",
            body=body,
            key=idempotency_key,
            build=lambda: (mapped.fields, mapped.unmapped, ReferralSource.HOME_OFFICE_FORM),
            documents=mapped.documents,
        )
    except IntegrityError:
        # The same reference was imported by a concurrent request: answer as for a second import.
        existing = api_home_office_form_existing(
            organisation=token.organisation,
            form_reference=form_reference,
            fingerprint=fingerprint,
            audit=AuditContext.from_request(request),
        )
        if existing is None:
            raise
        return _already_imported(existing)


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(25, ge=1, le=100)


@router.get(
    "",
    url_name="referral-list",
    auth=READ,
    response={200: ReferralPageOut, **ERRORS},
    summary="List your organisation's referrals",
)
def list_referrals(request: HttpRequest, query: Query[PageQuery]):
    """Your organisation's submitted referrals, newest first, a page at a time."""
    token = _token(request)
    referrals = selectors.referrals_of_organisation(token.organisation)
    count = referrals.count()
    start = (query.page - 1) * query.page_size
    page = list(referrals[start : start + query.page_size])
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="referrals.referral",
        purpose=PURPOSE_READ,
        # Which referrals were read, as the web lists record them (`ids`), not only how many.
        detail={"api_token": token.prefix, "page": query.page, "count": len(page), "ids": [r.pk for r in page]},
    )
    return Status(
        200,
        {
            "count": count,
            "page": query.page,
            "page_size": query.page_size,
            "pages": max(1, math.ceil(count / query.page_size)),
            "items": [_status(r) for r in page],
        },
    )


@router.get(
    "/{api_referral_reference}",
    url_name="referral-status",
    auth=READ,
    response={200: ReferralStatusOut, 404: ErrorOut, **ERRORS},
    summary="Read a referral's status",
)
def get_referral(
    request: HttpRequest,
    api_referral_reference: str = Path(..., description="The referral's reference, e.g. NRM-ABCD2345"),
):
    """The status and triage outcome of one of your organisation's referrals (others: 404)."""
    token = _token(request)
    referral = selectors.referral_of_organisation(token.organisation, api_referral_reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=PURPOSE_READ,
        detail={"api_token": token.prefix},
    )
    return Status(200, _status(referral))
