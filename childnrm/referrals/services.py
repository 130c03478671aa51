"""Writes for referrals: start, save and submit. Each change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.referrals import rules
from childnrm.referrals.models import (
    RETENTION_FIELDS,
    STANDING_DECISION_FIELDS,
    Referral,
    ReferralSource,
    ReferralStatus,
    ReferralStatusChange,
)

PURPOSE = "Making a referral"


class ReferralStateError(ServiceError):
    """The referral is not in a state that allows this step (shown to the user as it is)."""


@dataclass(frozen=True)
class FirstTriage:
    """The eligibility engine's first outcome for a referral being submitted (the triage app works it out)."""

    site: Site | None  # the site that holds the case (None: the receiving site's, if any)
    outcome: str
    record: Callable[[Referral], None]  # keeps the assessment, once the submitted referral is saved


# Submitting a referral triages it, in the same transaction: the triage app, above this one in the layers
# (.importlinter), registers its engine here when ready, called as hook(referral, receiving_site).
TRIAGE_ON_SUBMIT: list[Callable[[Referral, Site | None], FirstTriage]] = []


def register_triage_on_submit(hook: Callable[[Referral, Site | None], FirstTriage]) -> None:
    """One engine: registering it again (AppConfig.ready may run more than once in tests) replaces it."""
    TRIAGE_ON_SUBMIT[:] = [hook]


# Fields a referrer writes. Anything else (status, site, child…) is set only by the service.
EDITABLE_FIELDS = frozenset(
    f.name
    for f in Referral._meta.get_fields()
    if getattr(f, "concrete", False)
    and f.name
    not in {
        "id",
        "reference",
        "status",
        "source",
        "created_by",
        "referrer_organisation",
        "created_at",
        "updated_at",
        "submitted_at",
        "site",
        "child",
        "unmapped",
        "turns_18_on",  # worked out by Referral.save()
        *STANDING_DECISION_FIELDS,  # kept by the decisions service
        *RETENTION_FIELDS,  # set by retention when it anonymises the case
        # Set only by importing a Home Office form.
        "form_reference",
        "form_fingerprint",
        "form_sections",
    }
)


def referral_start(*, user, audit: AuditContext | None = None) -> Referral:
    with transaction.atomic():
        referral = Referral.objects.create(
            created_by=user,
            referrer_organisation=user.organisation,
            referrer_name=user.full_name,
            referrer_email=user.email,
            referrer_job_title=user.job_title,
        )
        audit_record(context=audit, actor=user, action=Action.CREATE, obj=referral, purpose=PURPOSE)
    return referral


def referral_save(*, referral: Referral, user, data: dict[str, Any], audit: AuditContext | None = None) -> Referral:
    """Save answers to a draft (one section at a time); only the referrer, only while a draft."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not referral fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.DRAFT or locked.created_by_id != user.pk:
            raise ReferralStateError(gettext("This referral has been submitted and can no longer be changed."))
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            purpose=PURPOSE,
            detail={"fields": sorted(data)},
        )
    return locked


def missing_answers(referral: Referral) -> list[str]:
    """What a referral must have before it can be submitted, in the words of the question pages."""
    broken = rules.problems(
        {
            "source": referral.source,  # the Home Office form's may have no date of birth (rules.NO_AGE)
            "date_of_birth": referral.date_of_birth,
            "estimated_age_years": referral.estimated_age_years,
            "residence_local_authority": referral.residence_local_authority_id,
            "found_local_authority": referral.found_local_authority_id,
        }
    ).values()
    missing = []
    if not referral.given_names and not referral.family_name:
        missing.append(gettext("the child's name (or the name they are known by)"))
    if rules.NO_AGE in broken:
        missing.append(gettext("the child's date of birth or estimated age"))
    if not referral.sex:
        missing.append(gettext("the child's sex"))
    if rules.NO_PLACE in broken:
        missing.append(gettext("where the child lives or where they were found"))
    if not referral.exploitation_types:
        missing.append(gettext("the type of exploitation"))
    if not referral.account.strip():
        missing.append(gettext("the account of what happened"))
    if not referral.referrer_name or not (referral.referrer_email or referral.referrer_phone):
        missing.append(gettext("your name and a way to contact you"))
    return missing


def _first_covering(sites: QuerySet[Site], authority_ids: list[int | None]) -> Site | None:
    """The first of `sites` (by id) whose area includes one of the local authorities, in the order given."""
    for authority_id in authority_ids:
        if authority_id is not None:
            site = sites.filter(local_authorities=authority_id).order_by("pk").first()
            if site is not None:
                return site
    return None


def _receiving_site(user, referral: Referral) -> Site | None:
    """The site whose queue a referral goes to. A referrer's: one of the active sites where they may refer
    (REFERRAL_CREATE), never one where they hold another role nor an inactive one (no coordinator would see it).
    Of several, the one covering where the child lives, else where they were found (the site triage finds should
    decide, so the case need not be transferred), else their organisation's area (as the API receives), else the
    first. Without a user (an organisation refers): its area's active site, if any."""
    if user is None:
        return _first_covering(Site.objects.filter(active=True), [referral.referrer_organisation_id])
    candidates = Site.objects.filter(pk__in=sites_where(user, Perm.REFERRAL_CREATE), active=True)
    preferred = [
        referral.residence_local_authority_id,
        referral.found_local_authority_id,
        referral.referrer_organisation_id,
    ]
    site = _first_covering(candidates, preferred) or candidates.order_by("pk").first()
    if site is None:
        raise ReferralStateError(
            gettext(
                "You cannot send this referral: you do not hold the first responder role at any panel site using "
                "this service. Ask your site administrator to give you that role."
            )
        )
    return site


def referral_submit(
    *, referral: Referral, user=None, audit: AuditContext | None = None, receiving_site: Site | None = None
) -> Referral:
    """Submit a complete draft: triage it, route it to a site's queue and record the child.

    Guarded: the referral is locked and must still be a draft, so a double submit creates nothing twice.
    """
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.DRAFT:
            raise ReferralStateError(gettext("This referral has already been submitted."))
        missing = missing_answers(locked)
        if missing:
            raise ReferralStateError(gettext("Before you submit, add %(missing)s.") % {"missing": "; ".join(missing)})
        locked.submitted_at = timezone.now()
        receiving_site = receiving_site or _receiving_site(user, locked)
        if not TRIAGE_ON_SUBMIT:
            raise RuntimeError("No triage is registered for submitted referrals (is the triage app installed?)")
        triaged = TRIAGE_ON_SUBMIT[0](locked, receiving_site)
        locked.site = triaged.site or receiving_site
        if locked.site is None:
            # No site covers the child's area and the referrer belongs to none: no coordinator could
            # triage it here, so say so rather than hold a case nobody sees.
            raise ReferralStateError(
                gettext(
                    "No panel site covers where this child lives or was found, and your organisation is not part "
                    "of a panel site. Refer the child to the Home Office Single Competent Authority instead."
                )
            )
        locked.status = ReferralStatus.SUBMITTED
        locked.child = _child_record(locked)
        locked.save()
        ReferralStatusChange.objects.create(
            referral=locked, from_status=ReferralStatus.DRAFT, to_status=ReferralStatus.SUBMITTED, actor=user
        )
        triaged.record(locked)
        if user is not None:
            ChildAssociation.objects.get_or_create(child=locked.child, user=user, kind=AssociationKind.REFERRER)
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            purpose=PURPOSE,
            detail={"status": ReferralStatus.SUBMITTED, "triage": triaged.outcome},
        )
        transaction.on_commit(lambda: _notify_submitted(locked.pk))
        possible_earlier_records_search_queued(locked.pk)
    return locked


def _child_record(referral: Referral) -> Child:
    """A new child record for each referral: records of the same child are linked later, never merged."""
    return Child.objects.create(
        site=referral.site,
        given_names=referral.given_names,
        family_name=referral.family_name,
        date_of_birth=referral.date_of_birth,
        date_of_birth_estimated=referral.date_of_birth_estimated or referral.date_of_birth is None,
        sex=referral.sex or "not_known",
        nationalities=referral.nationalities,
        local_authority=referral.residence_local_authority or referral.found_local_authority,
    )


def _notify_submitted(referral_id: int) -> None:
    from childnrm.referrals.tasks import notify_referral_submitted

    notify_referral_submitted.enqueue(referral_id)


def possible_earlier_records_search_queued(referral_id: int) -> None:
    """Queue the search for earlier records of the referral's child, once the caller's transaction commits.

    Call it wherever a referral's child is recorded or its identifying details (names, date of birth,
    estimated age) or site change, and after an undo of a link decision (`possible_earlier_records_searched_again`):
    the queue's "Possible earlier record" tag and the triage page read what the search keeps. After the commit, so
    the background worker sees the change.
    """

    def enqueue() -> None:
        from childnrm.referrals.tasks import find_possible_earlier_records

        find_possible_earlier_records.enqueue(referral_id)

    transaction.on_commit(enqueue)


def possible_earlier_records_searched_again(child_ids: set[int]) -> None:
    """An undo may have reopened these records' relations to others (`people.services.LINK_UNDONE_HOOKS`, registered
    by this app): search again the earlier records of their referrals awaiting triage, where the queue's tag and the
    triage page read them. A search leaves out records settled through other decisions (ADR 0034), so a record it
    left out, no longer settled, is kept again. (A decision takes what it settles away itself, whatever the status.)

    Only referrals awaiting triage: a case is searched while it is triaged (as on submission and on correcting its
    facts), and a closed case may be anonymised, whose keys a search would make again from what is left."""
    referrals = Referral.objects.filter(child_id__in=child_ids, status=ReferralStatus.SUBMITTED)
    for referral_id in referrals.order_by("pk").values_list("pk", flat=True):
        possible_earlier_records_search_queued(referral_id)


__all__ = [
    "EDITABLE_FIELDS",
    "ReferralSource",
    "ReferralStateError",
    "missing_answers",
    "referral_save",
    "referral_start",
    "referral_submit",
]


# Evidence documents ------------------------------------------------------------------------------

from django.core.files.base import ContentFile, File  # noqa: E402

from childnrm.referrals.documents import document_check  # noqa: E402
from childnrm.referrals.models import ReferralDocument  # noqa: E402


def referral_document_add(
    *,
    referral: Referral,
    user,
    original_name: str,
    data: bytes | None = None,
    file: IO[bytes] | None = None,
    description: str = "",
    audit: AuditContext | None = None,
) -> ReferralDocument:
    """Check a file from its content and store it privately with the referrer's draft.

    Give the uploaded `file` (checked and copied in chunks, never held whole in memory) or `data`.
    Raises DocumentRefused (with the reason to show) or ReferralStateError; nothing is stored then.
    """
    checked = document_check(data=data, file=file)
    document = ReferralDocument(
        referral_id=referral.pk,
        original_name=original_name[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=user,
    )
    # The stored name is random (document_path); the original name is kept in the database only.
    content = File(file) if file is not None else ContentFile(data or b"")
    document.file.save(f"upload.{checked.extension}", content, save=False)
    try:
        with transaction.atomic():
            locked = Referral.objects.select_for_update().get(pk=referral.pk)
            if locked.status != ReferralStatus.DRAFT or locked.created_by_id != user.pk:
                raise ReferralStateError(gettext("This referral has been submitted and can no longer be changed."))
            document.save()
            audit_record(
                context=audit,
                actor=user,
                action=Action.CREATE,
                obj=document,
                site_id=locked.site_id,
                purpose=PURPOSE,
                detail={"referral": locked.pk, "content_type": checked.content_type, "size": checked.size},
            )
    except BaseException:
        document.file.delete(save=False)  # nothing recorded, so nothing kept
        raise
    return document


def referral_document_remove(*, referral: Referral, user, document_id: int, audit: AuditContext | None = None) -> None:
    """Remove a document from the referrer's draft; the file is deleted once the removal is committed."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.DRAFT or locked.created_by_id != user.pk:
            raise ReferralStateError(gettext("This referral has been submitted and can no longer be changed."))
        document = locked.documents.filter(pk=document_id).first()
        if document is None:
            raise ReferralDocument.DoesNotExist
        storage, name, pk = document.file.storage, document.file.name, document.pk
        document.delete()
        audit_record(
            context=audit,
            actor=user,
            action=Action.DELETE,
            object_type=ReferralDocument._meta.label_lower,
            object_id=str(pk),
            site_id=locked.site_id,
            purpose=PURPOSE,
            detail={"referral": locked.pk},
        )
        transaction.on_commit(lambda: storage.delete(name))


# Files sent by an organisation's system with a referral ---------------------------------------------

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from contextvars import ContextVar  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from django.core.files.storage import Storage  # noqa: E402
from django.db.models.fields.files import FieldFile  # noqa: E402


@dataclass
class _StoredFile:
    storage: Storage
    name: str
    committed: bool = False


_UNCOMMITTED: ContextVar[list[_StoredFile] | None] = ContextVar("referral_files_uncommitted", default=None)


@contextmanager
def stored_files_removed_on_rollback() -> Iterator[None]:
    """Delete, on the way out, the files `referral_document_receive` wrote inside whose rows were not committed.

    A file is written before its row, in the caller's transaction; when that transaction rolls back
    (a later file refused, the referral refused, a concurrent import), the file would stay with no
    row until `delete_orphan_uploads` clears it a day later. Put this around the whole transaction:
    rows it leaves still open in an enclosing transaction keep their files. Nested uses defer to the
    outermost.
    """
    if _UNCOMMITTED.get() is not None:
        yield
        return
    written: list[_StoredFile] = []
    token = _UNCOMMITTED.set(written)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _UNCOMMITTED.reset(token)
        still_open = transaction.get_connection().in_atomic_block
        for stored in written:
            if not stored.committed and (failed or not still_open):
                stored.storage.delete(stored.name)


def _removed_unless_committed(file: FieldFile) -> None:
    """Called in the row's transaction: the file is kept once it commits (a rolled-back savepoint drops the hook)."""
    written = _UNCOMMITTED.get()
    if written is None:
        return
    stored = _StoredFile(file.storage, file.name or "")
    written.append(stored)
    transaction.on_commit(lambda: setattr(stored, "committed", True))


def referral_document_receive(
    *,
    referral: Referral,
    original_name: str,
    data: bytes,
    description: str = "",
    received_from: str,
    audit: AuditContext | None = None,
) -> ReferralDocument:
    """Check a file an organisation's system sent with a referral, and store it privately with it.

    For a referral made without a user (the API, a Home Office form import), while it is still being
    made (a draft): the same checks and private, randomly named storage as the journey's uploads.
    `received_from` says where the file came from (there is no uploading user). Raises
    DocumentRefused (with the reason) before anything is written, or ReferralStateError. Call it in
    the transaction that makes the referral, inside `stored_files_removed_on_rollback()`.
    """
    if not received_from.strip():
        raise ValueError("Say where the file came from: a received document has no uploading user")
    checked = document_check(data=data)
    document = ReferralDocument(
        referral_id=referral.pk,
        original_name=original_name[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description[:200],
        uploaded_by=None,
        received_from=received_from[:300],
    )
    document.file.save(f"upload.{checked.extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            locked = Referral.objects.select_for_update().get(pk=referral.pk)
            if locked.status != ReferralStatus.DRAFT or locked.created_by_id is not None:
                raise ReferralStateError(
                    "Documents are received only with a referral an organisation's system is making."
                )
            document.save()
            audit_record(
                context=audit,
                action=Action.CREATE,
                obj=document,
                site_id=locked.site_id,
                purpose=PURPOSE,
                detail={
                    "referral": locked.pk,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "received_from": document.received_from,
                },
            )
            _removed_unless_committed(document.file)
    except BaseException:
        document.file.delete(save=False)  # nothing recorded, so nothing kept
        raise
    return document
