"""Asking agencies for information, their answers, withdrawing and chasing requests.

Every share records its lawful basis and purpose: the request (what the panel asks for and why)
and the answer (what the agency shares, on the basis it confirms). Both are written to the audit
trail with the share. Emails carry the request's reference and a link only: no child's details.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO

from django.core.files.base import ContentFile, File
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from childnrm.access.policy import PURPOSES, Perm, has_perm, users_holding
from childnrm.accounts import nations
from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import Organisation, User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.information.models import (
    InformationChase,
    InformationRequest,
    InformationResponse,
    LawfulBasis,
    RequestStatus,
    ResponseDocument,
)
from childnrm.information.selectors import ASKABLE_STATUSES, with_asking_panel
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.kit.links import absolute_url
from childnrm.kit.pending import too_many_files
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.panels.models import Agency
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.documents import CheckedDocument, document_check
from childnrm.referrals.models import Referral, ReferralStatus

logger = logging.getLogger(__name__)

REQUEST_PURPOSE = PURPOSES[Perm.INFORMATION_REQUEST]
RESPOND_PURPOSE = PURPOSES[Perm.INFORMATION_RESPOND]
# An overdue request is chased again only when this many days have passed since the last chase.
CHASE_INTERVAL_DAYS = 3
QUESTION_MAX_LENGTH = 5_000
PURPOSE_MAX_LENGTH = 2_000
ANSWER_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 2_000
MAX_DOCUMENTS = 10
# Without a current protocol the basis is "stated in full": the law, the section and why it applies.
BASIS_IN_FULL_MIN_LENGTH = 30


class InformationError(ServiceError, ValueError):
    """A change that cannot be made; the message says why, in words the user can act on.

    `field` names the form field to show it against, if any.
    """


@dataclass(frozen=True)
class Upload:
    """A document shared with an answer: the uploaded `file` (read in chunks, never whole) or `data`."""

    name: str
    data: bytes | None = None
    file: IO[bytes] | None = None

    def content(self) -> File:
        return File(self.file) if self.file is not None else ContentFile(self.data or b"")

    def check(self) -> CheckedDocument:
        return document_check(data=self.data, file=self.file)


def no_protocol_message(organisation: Organisation) -> str:
    return welsh_format(
        gettext(
            "Your site has no current information-sharing protocol with %(organisation)s: state the lawful "
            "basis in full (the law, the section and why it applies to this request)"
        ),
        {"organisation": organisation.display_name},
    )


# A request ends with the case -----------------------------------------------------------------------
# A request is answered and chased only while its case is with the panel that asked (`selectors.with_asking_panel`).
# Once the case is handed to the SCA, moves to another site's panel (at triage or by a transfer) or is withdrawn, an
# open request has ended: nothing changes it (the hand-off is made by apps that cannot reach this one), the pages say
# so, the chase passes it by and a late answer is refused. Answers already given stay with the case. So it is when
# retention anonymises the case (`referrals.anonymised`), with that reason.


def case_left_panel(info_request: InformationRequest) -> bool:
    """Whether the request's case is no longer with the panel that asked (the referral is read). A case retention
    anonymised has left it too: its record is kept for the figures, not for work (`referrals.anonymised`)."""
    referral = info_request.referral
    return (
        referral.status not in ASKABLE_STATUSES
        or referral.site_id != info_request.asking_site_id
        or case_anonymised(referral)
    )


def ended_with_case(info_request: InformationRequest) -> bool:
    """An open request whose case has left the panel that asked: no longer answered or chased."""
    return info_request.status == RequestStatus.OPEN and case_left_panel(info_request)


def _why_ended(info_request: InformationRequest) -> str:
    referral = info_request.referral
    if case_anonymised(referral):
        return gettext("The case's record was anonymised at the end of its retention period.")
    if referral.site_id != info_request.asking_site_id:
        return gettext("The case moved to another site's panel.")
    if referral.status == ReferralStatus.HANDED_OFF:
        return gettext("The case was handed to the Home Office Single Competent Authority, which decides it now.")
    if referral.status == ReferralStatus.WITHDRAWN:
        return gettext("The referral was withdrawn.")
    return gettext("The case is no longer with the panel that asked.")


def ended_message(info_request: InformationRequest) -> str:
    """For the organisation asked: why its answer is refused, and what to do instead."""
    referral = info_request.referral
    if case_anonymised(referral):
        instead = gettext("Your answer is no longer needed.")
    elif referral.site_id != info_request.asking_site_id:
        instead = gettext("If the panel now holding the case needs this information, it will ask you.")
    elif referral.status == ReferralStatus.HANDED_OFF:
        instead = gettext(
            "Do not send your answer here: if you hold information the Single Competent Authority should have, "
            "send it to the SCA directly."
        )
    else:
        instead = gettext("Your answer is no longer needed.")
    return gettext("Request %(reference)s ended with the case and can no longer be answered. %(why)s %(instead)s") % {
        "reference": info_request.reference,
        "why": _why_ended(info_request),
        "instead": instead,
    }


def ended_notice(info_request: InformationRequest) -> str:
    """For the coordinators of the case: what became of the request."""
    return gettext(
        "This request ended with the case: it is no longer chased and %(organisation)s can no longer answer it. %(why)s"
    ) % {"organisation": info_request.organisation.display_name, "why": _why_ended(info_request)}


def closed_message(info_request: InformationRequest) -> str:
    """Why a request can no longer be answered, withdrawn or chased."""
    if ended_with_case(info_request):
        return gettext(
            "Request %(reference)s ended with the case: it is no longer chased, answered or withdrawn. %(why)s"
        ) % {"reference": info_request.reference, "why": _why_ended(info_request)}
    if info_request.status == RequestStatus.ANSWERED:
        return gettext("Request %(reference)s has already been answered.") % {"reference": info_request.reference}
    if info_request.status == RequestStatus.WITHDRAWN:
        return gettext("Request %(reference)s has already been withdrawn.") % {"reference": info_request.reference}
    return gettext("Request %(reference)s is no longer waiting for an answer.") % {"reference": info_request.reference}


def default_due_on(referral: Referral, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=referral.site.information_request_days)


def agency_for(organisation: Organisation) -> str:
    """The agency category an organisation usually speaks for (a suggestion the coordinator can change)."""
    return {
        "local_authority": Agency.SOCIAL_CARE,
        "police": Agency.POLICE,
        "health": Agency.HEALTH,
        "ngo": Agency.NGO,
        "ictg_service": Agency.ICTG,
    }.get(organisation.type, Agency.OTHER)


def is_overdue(info_request: InformationRequest, today: date | None = None) -> bool:
    return (
        info_request.status == RequestStatus.OPEN
        and info_request.due_on < (today or timezone.localdate())
        and not case_left_panel(info_request)
    )


def _clean(text: str, *, field: str, missing: str, max_length: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InformationError(missing, field)
    if len(text) > max_length:
        raise InformationError(
            gettext("%(what)s must be %(max)s characters or fewer") % {"what": what, "max": f"{max_length:,}"}, field
        )
    return text


def _lawful_basis(value: str, field: str = "lawful_basis", *, site=None) -> str:
    """A basis of the list, and (given the case's site) one its nation offers (accounts.nations)."""
    if value not in LawfulBasis.values or (site is not None and not nations.rules(site).offers_request_basis(value)):
        raise InformationError(gettext("Select the lawful basis for sharing"), field)
    return value


def share_detail(*, lawful_basis: str, purpose: str, **extra) -> dict:
    return {
        "lawful_basis": lawful_basis,
        # The audit trail reads English, whatever the page's language.
        "lawful_basis_label": _english(LawfulBasis(lawful_basis).label),
        "purpose": purpose,
        **extra,
    }


# Asking -----------------------------------------------------------------------------------------


def information_request_create(
    *,
    referral: Referral,
    user: User,
    organisation: Organisation,
    agency: str,
    question: str,
    purpose: str,
    lawful_basis: str,
    due_on: date,
    lawful_basis_detail: str = "",
    audit: AuditContext | None = None,
    today: date | None = None,
) -> InformationRequest:
    """Ask an organisation for information about a case of the coordinator's site.

    The request cites the site's current information-sharing protocol with the organisation. With
    none current, the coordinator must state the lawful basis in full (`lawful_basis_detail`).
    """
    from childnrm.information.services_protocols import current_protocol

    today = today or timezone.localdate()
    lawful_basis_detail = (lawful_basis_detail or "").strip()
    if len(lawful_basis_detail) > PURPOSE_MAX_LENGTH:
        raise InformationError(
            gettext("The lawful basis must be %(max)s characters or fewer") % {"max": f"{PURPOSE_MAX_LENGTH:,}"},
            "lawful_basis_detail",
        )
    question = _clean(
        question,
        field="question",
        missing=gettext("Enter what you want to know"),
        max_length=QUESTION_MAX_LENGTH,
        what=gettext("The question"),
    )
    purpose = _clean(
        purpose,
        field="purpose",
        missing=gettext("Enter why the panel needs this information"),
        max_length=PURPOSE_MAX_LENGTH,
        what=gettext("The purpose"),
    )
    lawful_basis = _lawful_basis(lawful_basis, site=referral.site)
    if agency not in Agency.values:
        raise InformationError(gettext("Select the kind of agency"), "agency")
    if not organisation.active:
        raise InformationError(gettext("Select an organisation that is still active"), "organisation")
    if due_on < today:
        raise InformationError(gettext("The date the answer is due must be today or in the future"), "due_on")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not has_perm(user, Perm.INFORMATION_REQUEST, locked.site_id):
            raise InformationError(gettext("You cannot ask for information about this case."))
        if case_anonymised(locked):
            raise InformationError(case_anonymised_message(locked))
        if locked.status not in ASKABLE_STATUSES:
            raise InformationError(
                gettext(
                    "Referral %(reference)s is %(status)s: you can ask for information only about cases with the panel."
                )
                % {"reference": locked.reference, "status": locked.get_status_display().lower()}
            )
        protocol = current_protocol(locked.site_id, organisation.pk, today)
        if protocol is None and len(lawful_basis_detail) < BASIS_IN_FULL_MIN_LENGTH:
            raise InformationError(no_protocol_message(organisation), "lawful_basis_detail")
        info_request = InformationRequest.objects.create(
            referral=locked,
            organisation=organisation,
            agency=agency,
            question=question,
            purpose=purpose,
            lawful_basis=lawful_basis,
            lawful_basis_detail=lawful_basis_detail,
            protocol=protocol,
            protocol_version=protocol.version if protocol else None,
            due_on=due_on,
            requested_by=user,
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=info_request,
            site_id=locked.site_id,
            purpose=REQUEST_PURPOSE,
            detail=share_detail(
                lawful_basis=lawful_basis,
                purpose=purpose,
                referral=locked.pk,
                organisation=organisation.pk,
                agency=agency,
                due_on=due_on.isoformat(),
                protocol=protocol.reference if protocol else None,
                protocol_version=protocol.version if protocol else None,
                lawful_basis_detail=lawful_basis_detail,
            ),
        )
        transaction.on_commit(lambda: _enqueue_notice(info_request.pk))
    return info_request


def _enqueue_notice(request_id: int) -> None:
    from childnrm.information.tasks import notify_information_requested

    notify_information_requested.enqueue(request_id)


def _locked_after_its_case(request_id: int) -> InformationRequest:
    """The request locked after its case's referral, as every write to the case takes them (ADR 0035: the case
    before what hangs from it; retention and a hand-off lock the case first). Taken here directly because
    `decisions.locks` is in a layer above this app. The referral comes read under its lock."""
    referral_id = InformationRequest.objects.values_list("referral_id", flat=True).get(pk=request_id)
    list(Referral.objects.select_for_update().filter(pk=referral_id).values_list("pk", flat=True))
    return InformationRequest.objects.select_for_update(of=("self",)).select_related("referral").get(pk=request_id)


def information_request_withdraw(
    *, info_request: InformationRequest, user: User, reason: str, audit: AuditContext | None = None
) -> InformationRequest:
    reason = _clean(
        reason,
        field="reason",
        missing=gettext("Enter why you are withdrawing the request"),
        max_length=REASON_MAX_LENGTH,
        what=gettext("The reason"),
    )
    with transaction.atomic():
        locked = _locked_after_its_case(info_request.pk)
        site_id = locked.referral.site_id
        if not has_perm(user, Perm.INFORMATION_REQUEST, site_id):
            raise InformationError(gettext("You cannot withdraw this request."))
        if locked.status != RequestStatus.OPEN or case_left_panel(locked):
            raise InformationError(closed_message(locked))
        locked.status = RequestStatus.WITHDRAWN
        locked.withdrawn_reason = reason
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user
        locked.save(update_fields=["status", "withdrawn_reason", "withdrawn_at", "withdrawn_by"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=site_id,
            purpose=REQUEST_PURPOSE,
            detail={"status": RequestStatus.WITHDRAWN, "referral": locked.referral_id},
        )
    return locked


# Answering --------------------------------------------------------------------------------------


def information_response_create(
    *,
    info_request: InformationRequest,
    user: User,
    text: str,
    lawful_basis: str,
    purpose: str,
    uploads: list[Upload],
    audit: AuditContext | None = None,
) -> InformationResponse:
    """Share the agency's answer, with any documents, on the lawful basis and purpose it confirms.

    Each document is checked from its content (referrals.documents); a refused one raises
    DocumentRefused and nothing is stored. The request must still be open.
    """
    text = _clean(
        text,
        field="text",
        missing=gettext("Enter the information you are sharing"),
        max_length=ANSWER_MAX_LENGTH,
        what=gettext("The answer"),
    )
    purpose = _clean(
        purpose,
        field="purpose",
        missing=gettext("Enter the purpose you are sharing this information for"),
        max_length=PURPOSE_MAX_LENGTH,
        what=gettext("The purpose"),
    )
    lawful_basis = _lawful_basis(lawful_basis, site=info_request.referral.site)
    if len(uploads) > MAX_DOCUMENTS:
        raise InformationError(too_many_files(MAX_DOCUMENTS), "documents")
    checked = [(upload, upload.check()) for upload in uploads]
    # Files are written first at random names; if anything below fails they are removed again.
    documents = []
    for upload, check in checked:
        document = ResponseDocument(
            original_name=upload.name[-255:] or f"document.{check.extension}",
            content_type=check.content_type,
            size=check.size,
            sha256=check.sha256,
            uploaded_by=user,
        )
        documents.append((document, upload, check))
    stored: list[ResponseDocument] = []
    try:
        with transaction.atomic():
            # The case read under its lock, which a hand-off takes: an answer is not shared once the case has left.
            locked = _locked_after_its_case(info_request.pk)
            site_id = locked.referral.site_id
            if locked.organisation_id != user.organisation_id or not has_perm(user, Perm.INFORMATION_RESPOND, site_id):
                raise InformationError(gettext("You cannot answer this request."))
            if locked.status != RequestStatus.OPEN:
                raise InformationError(closed_message(locked))
            if case_left_panel(locked):
                raise InformationError(ended_message(locked))
            response = InformationResponse.objects.create(
                request=locked,
                text=text,
                lawful_basis=lawful_basis,
                purpose=purpose,
                responded_by=user,
                organisation_id=user.organisation_id,
            )
            for document, _upload, check in documents:
                document.response = response
                document.file.save(f"upload.{check.extension}", _upload.content(), save=False)
                stored.append(document)
                document.save()
            locked.status = RequestStatus.ANSWERED
            locked.save(update_fields=["status"])
            audit_record(
                context=audit,
                actor=user,
                action=Action.CREATE,
                obj=response,
                site_id=site_id,
                purpose=RESPOND_PURPOSE,
                detail=share_detail(
                    lawful_basis=lawful_basis,
                    purpose=purpose,
                    request=locked.pk,
                    request_reference=locked.reference,
                    referral=locked.referral_id,
                    organisation=user.organisation_id,
                    documents=[{"id": d.pk, "content_type": d.content_type, "size": d.size} for d in stored],
                    request_lawful_basis=locked.lawful_basis,
                ),
            )
    except BaseException:
        for document in stored:
            document.file.delete(save=False)  # nothing recorded, so nothing kept
        raise
    return response


# Chasing ----------------------------------------------------------------------------------------


def responders(info_request: InformationRequest) -> list[User]:
    """Active users of the organisation asked who may answer at the case's site, one per email address."""
    if info_request.referral.site_id is None:
        return []
    holding = users_holding(Perm.INFORMATION_RESPOND, info_request.referral.site_id)
    found: dict[str, User] = {}
    for user in holding.filter(organisation_id=info_request.organisation_id).order_by("email", "pk"):
        found.setdefault(user.email, user)
    return [found[email] for email in sorted(found)]


def responder_emails(info_request: InformationRequest) -> list[str]:
    return [user.email for user in responders(info_request)]


def _english(text: object) -> str:
    with override(i18n.ENGLISH):
        return str(text)


def _link(info_request: InformationRequest) -> str:
    return absolute_url(reverse("information:detail", args=[info_request.reference]))


def request_email(info_request: InformationRequest, user: User) -> EmailMessage:
    """The email telling someone at the organisation asked, in their language: reference and link only."""
    with i18n.language(reader_language(user)):
        return EmailMessage(
            subject=gettext("Information request %(reference)s") % {"reference": info_request.reference},
            body="\n\n".join(
                [
                    gettext(
                        "A child panel has asked your organisation for information: request %(reference)s, "
                        "to be answered by %(date)s."
                    )
                    % {"reference": info_request.reference, "date": long_date(info_request.due_on)},
                    gettext("Sign in to read and answer it:"),
                    _link(info_request),
                    gettext("Do not reply to this email."),
                ]
            ),
            to=[user.email],
        )


def chase_email(info_request: InformationRequest, user: User) -> EmailMessage:
    """The reminder of an overdue request, in the reader's language: reference and link only."""
    with i18n.language(reader_language(user)):
        return EmailMessage(
            subject=gettext("Reminder: information request %(reference)s is overdue")
            % {"reference": info_request.reference},
            body="\n\n".join(
                [
                    gettext(
                        "Information request %(reference)s was due to be answered by %(date)s and is still waiting "
                        "for your organisation's answer."
                    )
                    % {"reference": info_request.reference, "date": long_date(info_request.due_on)},
                    gettext("Sign in to answer it:"),
                    _link(info_request),
                    gettext("Do not reply to this email."),
                ]
            ),
            to=[user.email],
        )


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _chase(*, request_id: int, user: User | None, today: date, audit: AuditContext | None) -> int | None:
    """Chase one request under its row lock; the number of people emailed, or None if it was not chased."""
    with transaction.atomic():
        locked = _locked_after_its_case(request_id)
        if locked.status != RequestStatus.OPEN or case_left_panel(locked):
            return None  # answered, withdrawn, or ended with the case
        if user is None:  # the daily chase: overdue, and not chased in the last few days
            recent = _start_of_day(today - timedelta(days=CHASE_INTERVAL_DAYS - 1))
            if locked.due_on >= today or (locked.last_chased_at and locked.last_chased_at >= recent):
                return None
        elif locked.last_chased_at and locked.last_chased_at >= _start_of_day(today):
            raise InformationError(
                gettext("Request %(reference)s has already been chased today.") % {"reference": locked.reference}
            )
        people = responders(locked)
        now = timezone.now()
        InformationChase.objects.create(request=locked, chased_by=user, recipients=len(people))
        locked.chase_count += 1
        locked.last_chased_at = now
        locked.save(update_fields=["chase_count", "last_chased_at"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.referral.site_id,
            purpose=REQUEST_PURPOSE,
            detail={"chase": locked.chase_count, "recipients": len(people), "automatic": user is None},
        )
        # One at a time once committed: a refused address stops none of the others, and is logged without it. A chase
        # is not retried (the next comes in 3 days); in the daily run a failure fails its task (kit.mail).
        messages = {mail.user_key(person): chase_email(locked, person) for person in people}
        transaction.on_commit(lambda: mail.send_each("information request chase", messages))
    return len(people)


def chase_overdue(today: date) -> int:
    """Chase every open request past its due date not chased in the last 3 days, while its case is with the panel
    that asked; the number chased.

    Called daily. Each chase emails the asked organisation's users who may answer at the case's
    site (reference and link only) and is recorded as an InformationChase.
    """
    recent = _start_of_day(today - timedelta(days=CHASE_INTERVAL_DAYS - 1))
    due = (
        InformationRequest.objects.filter(with_asking_panel(), status=RequestStatus.OPEN, due_on__lt=today)
        .exclude(last_chased_at__gte=recent)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    chased = 0
    for request_id in list(due):
        if _chase(request_id=request_id, user=None, today=today, audit=AuditContext.system()) is not None:
            chased += 1
    logger.info("Chased %d overdue information request(s)", chased)
    return chased


def information_request_chase(
    *, info_request: InformationRequest, user: User, audit: AuditContext | None = None
) -> int:
    """The coordinator chases a request by hand (once a day at most); the number of people emailed."""
    if not has_perm(user, Perm.INFORMATION_REQUEST, info_request.referral.site_id):
        raise InformationError(gettext("You cannot chase this request."))
    recipients = _chase(request_id=info_request.pk, user=user, today=timezone.localdate(), audit=audit)
    if recipients is None:
        raise InformationError(closed_message(InformationRequest.objects.get(pk=info_request.pk)))
    return recipients
