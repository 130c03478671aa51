"""Downloading an evidence document: only through the access policy, always as an attachment, audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.referrals import selectors
from childnrm.referrals.documents import EXTENSIONS
from childnrm.referrals.models import ReferralStatus


@requires(Perm.REFERRAL_CREATE, Perm.REFERRAL_VIEW_OWN, Perm.REFERRAL_TRIAGE)
def document_download(request: HttpRequest, referral_reference: str, document_id: int) -> HttpResponse:
    # The referrer while they can see their referral; the coordinators of its site once it is submitted.
    referral = selectors.referral_get(request.user, referral_reference)
    document = referral.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    content = stored_file_open(document.file)  # streamed, closed with the response
    if referral.created_by_id == request.user.pk:
        purpose = PURPOSES[Perm.REFERRAL_CREATE if referral.status == ReferralStatus.DRAFT else Perm.REFERRAL_VIEW_OWN]
    else:
        purpose = PURPOSES[Perm.REFERRAL_TRIAGE]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=document,
        site_id=referral.site_id,
        purpose=purpose,
        detail={"referral": referral.pk},
    )
    # Named with the detected type's extension: a PNG called "x.html" downloads as "x.png".
    return download_response(
        content=content,
        filename=document.original_name,
        extension=EXTENSIONS.get(document.content_type, "bin"),
        content_type=document.content_type,
    )
