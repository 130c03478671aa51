"""Information-sharing protocols: the coordinator's pages (list, record, read, change, upload the signed copy)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.decorators import requires
from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.information import selectors, services_protocols
from childnrm.information.forms import ProtocolDocumentForm, ProtocolForm
from childnrm.information.models import ProtocolDocument, SharingProtocol
from childnrm.information.services import InformationError
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form
from childnrm.kit.pending import UploadKeeper
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.referrals.documents import EXTENSIONS, DocumentRefused
from childnrm.referrals.forms import document_keep_check

PURPOSE = services_protocols.PURPOSE


def _decorate(protocol: SharingProtocol, today) -> SharingProtocol:
    protocol.status_text = services_protocols.status_of(protocol, today)
    protocol.current = services_protocols.is_current(protocol, today)
    protocol.review_due = protocol.review_on <= services_protocols.review_due_by(today)
    return protocol


@requires(Perm.INFORMATION_REQUEST)
def protocol_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        selectors.protocols_for_coordinator(request.user)
        .annotate(has_signed_copy=Exists(ProtocolDocument.objects.filter(protocol=OuterRef("pk"))))
        .order_by("site__name", "organisation__name", "-starts_on", "id")
    )
    protocols = [_decorate(p, today) for p in rows]
    site_ids = sites_where(request.user, Perm.INFORMATION_REQUEST)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=SharingProtocol._meta.label_lower,
        site_id=site_ids[0] if len(site_ids) == 1 else None,
        purpose=PURPOSE,
        detail={"ids": [p.pk for p in protocols]},
    )
    return render(
        request,
        "information/protocols/list.html",
        {
            "protocols": protocols,
            "several_sites": len(site_ids) > 1,
            "review_due_days": services_protocols.REVIEW_DUE_DAYS,
        },
    )


@requires(Perm.INFORMATION_REQUEST)
def protocol_new(request: HttpRequest) -> HttpResponse:
    sites = Site.objects.filter(pk__in=sites_where(request.user, Perm.INFORMATION_REQUEST), active=True).order_by(
        "name"
    )
    form = ProtocolForm(request.POST if request.method == "POST" else None, sites=sites)
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data.get("site") or sites.first()
        try:
            protocol = services_protocols.protocol_create(
                site=site,
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                audit=AuditContext.from_request(request),
                **form.terms(),
            )
        except InformationError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                welsh_format(
                    gettext("Protocol with %(organisation)s recorded. Upload the signed copy"),
                    {"organisation": protocol.organisation.display_name},
                ),
            )
            return redirect("information:protocol-upload", protocol_reference=protocol.reference)
    return render(request, "information/protocols/form.html", {"form": form, "protocol": None})


@requires(Perm.INFORMATION_REQUEST)
def protocol_detail(request: HttpRequest, protocol_reference: str) -> HttpResponse:
    protocol = _decorate(selectors.protocol_get(request.user, protocol_reference), timezone.localdate())
    versions = list(protocol.versions.select_related("changed_by"))
    documents = list(protocol.documents.select_related("uploaded_by"))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=protocol,
        site_id=protocol.site_id,
        purpose=PURPOSE,
        detail={"version": protocol.version},
    )
    return render(
        request,
        "information/protocols/detail.html",
        {
            "protocol": protocol,
            "versions": versions,
            "documents": documents,
            "signed_copy": documents[0] if documents else None,
            "requests_relying": protocol.information_requests.count(),
        },
    )


@requires(Perm.INFORMATION_REQUEST)
def protocol_change(request: HttpRequest, protocol_reference: str) -> HttpResponse:
    protocol = selectors.protocol_get(request.user, protocol_reference)
    initial = {name: getattr(protocol, name) for name in services_protocols.PROTOCOL_FIELDS}
    form = ProtocolForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        with_organisation=False,
        site=protocol.site,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services_protocols.protocol_change(
                protocol=protocol, user=request.user, audit=AuditContext.from_request(request), **form.terms()
            )
        except InformationError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("Protocol changed: this is version %(version)s") % {"version": changed.version}
            )
            return redirect("information:protocol", protocol_reference=protocol.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=protocol,
        site_id=protocol.site_id,
        purpose=PURPOSE,
        detail={"page": "change"},
    )
    return render(request, "information/protocols/form.html", {"form": form, "protocol": protocol})


@requires(Perm.INFORMATION_REQUEST)
def protocol_upload(request: HttpRequest, protocol_reference: str) -> HttpResponse:
    protocol = selectors.protocol_get(request.user, protocol_reference)
    form = ProtocolDocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        # A file refused for another reason than its content is kept (kit.pending), for this user and protocol.
        keeper=UploadKeeper(owner=request.user, scope=f"information:protocol:{protocol.pk}", check=document_keep_check),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_protocols.protocol_document_add(
                protocol=protocol,
                user=request.user,
                upload=form.cleaned_data["document"],
                audit=AuditContext.from_request(request),
            )
        except DocumentRefused as refusal:
            form.add_error("document", refusal.message)
        except InformationError as problem:
            add_to_form(form, problem)
        else:
            form.kept_uploads_attached()
            messages.success(request, gettext("Signed copy uploaded"))
            return redirect("information:protocol", protocol_reference=protocol.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=protocol,
        site_id=protocol.site_id,
        purpose=PURPOSE,
        detail={"page": "upload"},
    )
    return render(request, "information/protocols/upload.html", {"form": form, "protocol": protocol})


@requires(Perm.INFORMATION_REQUEST)
def protocol_document(request: HttpRequest, protocol_reference: str, protocol_document_id: int) -> HttpResponse:
    protocol = selectors.protocol_get(request.user, protocol_reference)
    document = selectors.protocol_document_get(protocol, protocol_document_id)
    content = stored_file_open(document.file)  # streamed, closed with the response
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=protocol,
        site_id=protocol.site_id,
        purpose=PURPOSE,
        detail={"document": document.pk, "version": document.version},
    )
    return download_response(
        content=content,
        filename=document.original_name,
        extension=EXTENSIONS.get(document.content_type, "bin"),
        content_type=document.content_type,
    )
