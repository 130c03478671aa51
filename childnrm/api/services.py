"""Writes for the integration API: tokens, submissions through a token, idempotent replays."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.accounts.models import Organisation, OrganisationType, Site
from childnrm.api.models import ApiToken, IdempotencyRecord, Scope, default_scopes
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError
from childnrm.referrals.documents import DocumentRefused
from childnrm.referrals.models import Referral, ReferralSource
from childnrm.referrals.services import (
    ReferralStateError,
    referral_document_receive,
    referral_submit,
    stored_files_removed_on_rollback,
)

PURPOSE = "Referral submitted by an organisation's system"
PURPOSE_READ = "Following the organisation's referrals"
TOKEN_PATTERN = re.compile(r"^cnrm_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
# A token's last use is recorded at most this often, so reads do not each write a row.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


class ApiInputError(ServiceError):
    """The request cannot be acted on; `errors` name each field ({"field": ..., "message": ...})."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors

    def form_errors(self) -> list[tuple[str | None, str]]:
        return [(e["field"], e["message"]) for e in self.errors]


IDEMPOTENCY_CONFLICT = (
    "This Idempotency-Key was already used with a different request. Use a new key for a new referral, or "
    "resend exactly the same request to get its original response."
)


class IdempotencyConflict(ServiceError):
    """The Idempotency-Key was used before with a different request."""

    def __init__(self) -> None:
        super().__init__(IDEMPOTENCY_CONFLICT, "Idempotency-Key")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Tokens ----------------------------------------------------------------------------------------


def api_token_create(
    *, organisation: Organisation, name: str, scopes: list[str] | None = None, created_by=None
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    unknown = set(scopes or []) - set(Scope.values)
    if unknown:
        raise ValueError(f"Unknown scopes: {sorted(unknown)}")
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"cnrm_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        token_hash=_hash(secret),
        scopes=list(scopes) if scopes else default_scopes(),
        created_by=created_by,
    )
    audit_record(
        actor=created_by,
        action=Action.CREATE,
        obj=token,
        purpose="Integration API access",
        detail={"api_token": prefix, "organisation_id": organisation.pk, "scopes": token.scopes},
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, revoked_by=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=revoked_by,
            action=Action.UPDATE,
            obj=token,
            purpose="Integration API access",
            detail={"api_token": token.prefix, "revoked": True},
        )
    return token


def api_token_authenticate(*, presented: str) -> ApiToken | None:
    """The active token matching `presented`, compared in constant time; None for anything else."""
    match = TOKEN_PATTERN.match(presented or "")
    token = ApiToken.objects.select_related("organisation").filter(prefix=match.group(1)).first() if match else None
    # Compare even when there is no such token, so timing does not tell a known prefix from an unknown one.
    valid = hmac.compare_digest(_hash(presented or ""), token.token_hash if token else _DUMMY_HASH)
    if token is None or not valid or token.revoked_at is not None or not token.organisation.active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Submissions -----------------------------------------------------------------------------------


def receiving_site_for(organisation: Organisation) -> Site | None:
    """The site an organisation's referrals are sent to: the one whose area it is, if it is a local authority."""
    return Site.objects.filter(active=True, local_authorities=organisation).order_by("pk").first()


def _local_authority(gss_code: str | None) -> Organisation | None:
    if not gss_code:
        return None
    return (
        Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, gss_code=gss_code, active=True)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class IncomingDocument:
    """A file sent with a referral, decoded; `field` and `about` name it in an error ("“a.pdf” (file 2)")."""

    name: str
    data: bytes
    description: str = ""
    field: str = "upload-file"
    about: str = ""


def received_from_token(token: ApiToken, *, what: str = "Home Office online form") -> str:
    """Where a document sent through the API came from, as its record shows it (there is no uploading user)."""
    return f"{what}, through {token.organisation.name}'s API token {token.prefix}"


def api_referral_submit(
    *,
    organisation: Organisation,
    fields: dict[str, Any],
    source: str = ReferralSource.API,
    unmapped: dict[str, Any] | None = None,
    audit_detail: dict[str, Any],
    documents: Sequence[IncomingDocument] = (),
    received_from: str = "",
    audit: AuditContext | None = None,
) -> Referral:
    """Create a complete referral from an organisation's system and submit it at once.

    `fields` are Referral fields; local authorities may be given as GSS codes. The referral has no
    creating user: the organisation refers. It is routed like a web referral, the receiving site
    being the one whose area the organisation is (for a local authority), else the child's area.
    `documents` are checked and stored with it (`received_from` says where they came from); if any is
    refused, every refusal is reported and nothing is kept: no referral, no file.
    """
    fields = dict(fields)
    for name in ("residence_local_authority", "found_local_authority", "social_worker_local_authority"):
        if isinstance(fields.get(name), str) or fields.get(name) is None:
            fields[name] = _local_authority(fields.get(name))
    receiving_site = receiving_site_for(organisation)
    authorities = [fields.get("residence_local_authority"), fields.get("found_local_authority")]
    in_an_area = Site.objects.filter(active=True, local_authorities__in=[a for a in authorities if a]).exists()
    if receiving_site is None and not in_an_area:
        # No coordinator would hold the case (nor send it on to the SCA): refuse rather than lose it.
        raise ApiInputError(
            [
                {
                    "field": "child.residence_local_authority",
                    "message": "Neither local authority is in the area of a panel site using this service: "
                    "refer this child to the Single Competent Authority instead",
                }
            ]
        )
    with stored_files_removed_on_rollback(), transaction.atomic():
        referral = Referral.objects.create(
            created_by=None,
            referrer_organisation=organisation,
            source=source,
            unmapped=unmapped or {},
            **fields,
        )
        audit_record(
            context=audit,
            action=Action.CREATE,
            obj=referral,
            purpose=PURPOSE,
            detail={**audit_detail, "source": source, "fields": sorted(fields)},
        )
        refused = []
        for document in documents:
            try:
                referral_document_receive(
                    referral=referral,
                    original_name=document.name,
                    data=document.data,
                    description=document.description,
                    received_from=received_from,
                    audit=audit,
                )
            except DocumentRefused as refusal:
                about = f"{document.about}: " if document.about else ""
                refused.append({"field": document.field, "message": about + refusal.message})
        if refused:
            raise ApiInputError(refused)  # the referral and the files already stored go with the transaction
        try:
            referral = referral_submit(referral=referral, user=None, audit=audit, receiving_site=receiving_site)
        except ReferralStateError as error:
            raise ApiInputError([{"field": None, "message": str(error)}])
    return referral


# --- Home Office form imports: one referral per submission ---------------------------------------------


class FormAlreadyImported(ServiceError):
    """A different submission with the same form reference was imported before: it is not applied."""

    def __init__(self, referral: Referral, form_reference: str) -> None:
        super().__init__(
            f"A form with the reference “{form_reference}” was already imported as referral "
            f"{referral.reference}, with different answers. The changes were not applied: a referral is "
            "not changed by importing its form again. Tell the panel coordinator what has changed, or, for a "
            "different child, use a new reference.",
            "reference",
        )
        self.referral = referral
        self.form_reference = form_reference


def already_imported_message(referral: Referral) -> str:
    return (
        f"This form (reference “{referral.form_reference}”) was already imported as referral "
        f"{referral.reference}. Nothing was changed and no new referral was made."
    )


def api_home_office_form_existing(
    *, organisation: Organisation, form_reference: str, fingerprint: str, audit: AuditContext | None = None
) -> Referral | None:
    """The referral this organisation already made from this form submission, if any.

    The same answers again: that referral (the read is audited). Other answers under the same
    reference: `FormAlreadyImported`. None when the reference is new.
    """
    existing = (
        Referral.objects.filter(referrer_organisation=organisation, form_reference=form_reference)
        .exclude(form_reference="")
        .first()
    )
    if existing is None:
        return None
    if not hmac.compare_digest(existing.form_fingerprint, fingerprint):
        audit_record(
            context=audit,
            action=Action.VIEW,
            obj=existing,
            purpose=PURPOSE_READ,
            detail={"home_office_form": "changed resubmission refused"},
        )
        raise FormAlreadyImported(existing, form_reference)
    audit_record(
        context=audit,
        action=Action.VIEW,
        obj=existing,
        purpose=PURPOSE_READ,
        detail={"home_office_form": "same submission again"},
    )
    return existing


# --- Idempotency -----------------------------------------------------------------------------------


def request_fingerprint(*, operation: str, body: Any) -> str:
    """SHA-256 of the operation and the body as canonical JSON (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    referral_id: int | None
    replayed: bool = False


def _replay(*, token: ApiToken, key: str, fingerprint: str, audit: AuditContext | None) -> Outcome | None:
    record = IdempotencyRecord.objects.filter(token=token, key=key).first()
    if record is None:
        return None
    if not hmac.compare_digest(record.request_hash, fingerprint):
        raise IdempotencyConflict
    audit_record(
        context=audit,
        action=Action.VIEW,
        object_type="referrals.referral",
        object_id=str(record.referral_id or ""),
        purpose=PURPOSE_READ,
        detail={"api_token": token.prefix, "idempotent_replay": True},
    )
    return Outcome(record.status_code, record.response_body, record.referral_id, replayed=True)


def api_idempotent(
    *,
    token: ApiToken,
    key: str | None,
    fingerprint: str,
    perform: Callable[[], tuple[Referral, dict[str, Any]]],
    audit: AuditContext | None = None,
) -> Outcome:
    """Run `perform` once per (token, key): a retry gets the first response back and creates nothing.

    The key is claimed by inserting its record first, in the same transaction as the referral, so a
    concurrent retry either waits and then finds it, or fails on the unique constraint and replays it.
    Refused requests (4xx) are not recorded: a corrected retry with the same key is allowed.
    """
    if not key:
        referral, body = perform()
        return Outcome(201, body, referral.pk)
    existing = _replay(token=token, key=key, fingerprint=fingerprint, audit=audit)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                token=token, key=key, request_hash=fingerprint, status_code=0, response_body={}
            )
            referral, body = perform()
            record.status_code, record.response_body, record.referral = 201, body, referral
            record.save(update_fields=["status_code", "response_body", "referral"])
    except IntegrityError:
        existing = _replay(token=token, key=key, fingerprint=fingerprint, audit=audit)
        if existing is None:
            raise
        return existing
    return Outcome(201, body, referral.pk)
