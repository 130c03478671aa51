"""Information-sharing protocols: each site's agreement with each partner organisation.

A protocol says who the parties are, what may be shared and why, on which lawful bases (a choice
list of UK GDPR Article 6 and 9 / DPA 2018 Schedule 1 conditions and statutory gateways, plus the
protocol's own words), who signed it, and when it starts and is to be reviewed. The signed copy is
uploaded and checked like every other document (referrals.documents) and downloaded through
kit.downloads. A protocol is current from its start date to its review date, both included: one
not reviewed by then has lapsed, and requests to that organisation must state their basis in full.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm
from childnrm.accounts import nations
from childnrm.accounts.models import Organisation, Site, User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.information.models import (
    ARTICLE_6_BASES,
    ProtocolBasis,
    ProtocolDocument,
    SharingProtocol,
    SharingProtocolVersion,
)
from childnrm.information.services import InformationError, Upload

PURPOSE = "Information-sharing protocols with partner organisations"
# A protocol is due for review from this many days before its review date (and while it is past it).
REVIEW_DUE_DAYS = 30
TEXT_MAX_LENGTH = 5_000
TITLE_MAX_LENGTH = 200
PROTOCOL_FIELDS = (
    "title",
    "parties",
    "information_shared",
    "purpose",
    "lawful_bases",
    "lawful_basis_detail",
    "signatories",
    "starts_on",
    "review_on",
)


def is_current(protocol: SharingProtocol, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return protocol.starts_on <= today <= protocol.review_on


def current_protocols(site_id: int, today: date) -> QuerySet[SharingProtocol]:
    return SharingProtocol.objects.filter(site_id=site_id, starts_on__lte=today, review_on__gte=today)


def current_protocol(site_id: int, organisation_id: int, today: date | None = None) -> SharingProtocol | None:
    """The protocol a request to `organisation_id` relies on today: the latest started, if any is current."""
    today = today or timezone.localdate()
    return (
        current_protocols(site_id, today).filter(organisation_id=organisation_id).order_by("-starts_on", "-id").first()
    )


def review_due_by(today: date) -> date:
    return today + timedelta(days=REVIEW_DUE_DAYS)


def due_for_review(site: Site | int, today: date) -> QuerySet[SharingProtocol]:
    """Protocols of the site whose review date is within REVIEW_DUE_DAYS or already past (an indexed range)."""
    site_id = site if isinstance(site, int) else site.pk
    return (
        SharingProtocol.objects.filter(site_id=site_id, review_on__lte=review_due_by(today))
        .select_related("organisation")
        .order_by("review_on", "id")
    )


def status_of(protocol: SharingProtocol, today: date) -> str:
    if protocol.starts_on > today:
        return gettext("Not started")
    if protocol.review_on < today:
        return gettext("Review overdue: lapsed")
    if protocol.review_on <= review_due_by(today):
        return gettext("Current: review due")
    return gettext("Current")


def _text(value: str, *, field: str, missing: str, what: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if not value:
        raise InformationError(missing, field)
    if len(value) > max_length:
        raise InformationError(
            gettext("%(what)s must be %(max)s characters or fewer") % {"what": what, "max": f"{max_length:,}"}, field
        )
    return value


def _clean(
    *,
    site: Site,
    title: str,
    parties: str,
    information_shared: str,
    purpose: str,
    lawful_bases: list[str],
    lawful_basis_detail: str,
    signatories: str,
    starts_on: date | None,
    review_on: date | None,
) -> dict:
    bases = list(dict.fromkeys(lawful_bases or []))
    if not bases:
        raise InformationError(gettext("Select the lawful bases the protocol relies on"), "lawful_bases")
    # The bases the site's nation offers (accounts.nations): no English statute in a Scottish protocol.
    law = nations.rules(site)
    if any(b not in ProtocolBasis.values or not law.offers_protocol_basis(b) for b in bases):
        raise InformationError(gettext("Select lawful bases from the list"), "lawful_bases")
    if not ARTICLE_6_BASES & set(bases):
        raise InformationError(
            gettext("Select a UK GDPR Article 6 basis (public task or legal obligation): every share needs one"),
            "lawful_bases",
        )
    detail = (lawful_basis_detail or "").strip()
    if len(detail) > TEXT_MAX_LENGTH:
        raise InformationError(
            gettext("The lawful basis must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX_LENGTH:,}"},
            "lawful_basis_detail",
        )
    if starts_on is None:
        raise InformationError(gettext("Enter the date the protocol starts"), "starts_on")
    if review_on is None:
        raise InformationError(gettext("Enter the date the protocol is to be reviewed"), "review_on")
    if review_on <= starts_on:
        raise InformationError(gettext("The review date must be after the start date"), "review_on")
    return {
        "title": _text(
            title,
            field="title",
            missing=gettext("Enter the protocol's title"),
            what=gettext("The title"),
            max_length=TITLE_MAX_LENGTH,
        ),
        "parties": _text(
            parties, field="parties", missing=gettext("Enter the parties to the protocol"), what=gettext("The parties")
        ),
        "information_shared": _text(
            information_shared,
            field="information_shared",
            missing=gettext("Enter what information may be shared"),
            what=gettext("What may be shared"),
        ),
        "purpose": _text(
            purpose,
            field="purpose",
            missing=gettext("Enter the purpose the information is shared for"),
            what=gettext("The purpose"),
        ),
        "lawful_bases": bases,
        "lawful_basis_detail": detail,
        "signatories": _text(
            signatories,
            field="signatories",
            missing=gettext("Enter who signed the protocol"),
            what=gettext("The signatories"),
        ),
        "starts_on": starts_on,
        "review_on": review_on,
    }


def protocol_snapshot(protocol: SharingProtocol) -> dict:
    content = {name: getattr(protocol, name) for name in PROTOCOL_FIELDS}
    content["starts_on"] = protocol.starts_on.isoformat()
    content["review_on"] = protocol.review_on.isoformat()
    content["organisation"] = protocol.organisation_id
    return content


def _audit(audit: AuditContext | None, user, protocol: SharingProtocol, action: str, detail: dict) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=action,
        obj=protocol,
        site_id=protocol.site_id,
        purpose=PURPOSE,
        detail={"reference": protocol.reference, "organisation": protocol.organisation_id, **detail},
    )


def protocol_create(
    *,
    site: Site,
    user: User,
    organisation: Organisation,
    audit: AuditContext | None = None,
    **fields,
) -> SharingProtocol:
    """Record a site's protocol with a partner organisation (version 1)."""
    if not has_perm(user, Perm.INFORMATION_REQUEST, site.pk):
        raise InformationError(gettext("You cannot record information-sharing protocols for this site."))
    if not organisation.active:
        raise InformationError(gettext("Select an organisation that is still active"), "organisation")
    cleaned = _clean(site=site, **fields)
    with transaction.atomic():
        protocol = SharingProtocol.objects.create(
            site=site, organisation=organisation, created_by=user, updated_by=user, version=1, **cleaned
        )
        SharingProtocolVersion.objects.create(
            protocol=protocol, number=1, content=protocol_snapshot(protocol), changed_by=user
        )
        _audit(audit, user, protocol, Action.CREATE, {"version": 1, "lawful_bases": cleaned["lawful_bases"]})
    return protocol


def protocol_change(
    *, protocol: SharingProtocol, user: User, audit: AuditContext | None = None, **fields
) -> SharingProtocol:
    """Change a protocol: a new version, the earlier ones kept as they were agreed."""
    if not has_perm(user, Perm.INFORMATION_REQUEST, protocol.site_id):
        raise InformationError(gettext("You cannot change this protocol."))
    cleaned = _clean(site=protocol.site, **fields)
    with transaction.atomic():
        locked = SharingProtocol.objects.select_for_update().get(pk=protocol.pk)
        changed = [name for name in PROTOCOL_FIELDS if getattr(locked, name) != cleaned[name]]
        if not changed:
            raise InformationError(gettext("You have not changed anything."))
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.updated_by = user
        locked.save()
        SharingProtocolVersion.objects.create(
            protocol=locked, number=locked.version, content=protocol_snapshot(locked), changed_by=user
        )
        _audit(audit, user, locked, Action.UPDATE, {"version": locked.version, "changed": changed})
    return locked


def protocol_document_add(
    *, protocol: SharingProtocol, user: User, upload: Upload, audit: AuditContext | None = None
) -> ProtocolDocument:
    """Store the signed copy of the protocol's current version, checked from its content.

    Raises DocumentRefused (the reason to show) and stores nothing if the file may not be kept.
    """
    if not has_perm(user, Perm.INFORMATION_REQUEST, protocol.site_id):
        raise InformationError(gettext("You cannot upload documents to this protocol."))
    check = upload.check()
    document = ProtocolDocument(
        protocol_id=protocol.pk,
        original_name=upload.name[-255:] or f"protocol.{check.extension}",
        content_type=check.content_type,
        size=check.size,
        sha256=check.sha256,
        uploaded_by=user,
    )
    # The stored name is random (protocol_document_path); written first, removed if nothing is recorded.
    document.file.save(f"upload.{check.extension}", upload.content(), save=False)
    try:
        with transaction.atomic():
            locked = SharingProtocol.objects.select_for_update().get(pk=protocol.pk)
            document.version = locked.version
            document.save()
            _audit(
                audit,
                user,
                locked,
                Action.UPDATE,
                {"document": document.pk, "version": locked.version, "content_type": check.content_type},
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document
