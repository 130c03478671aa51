"""Information requests: the coordinator's pages (ask, list, chase, withdraw) and the agency's (inbox, answer).

An agency user sees only the minimum about the child: name, date of birth and the case's reference.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.information import selectors, services
from childnrm.information.forms import AnswerForm, ListFilterForm, RequestForm, WithdrawForm
from childnrm.information.models import InformationRequest, LawfulBasis, RequestStatus
from childnrm.information.services_protocols import current_protocols
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form
from childnrm.kit.pending import UploadKeeper
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.documents import EXTENSIONS, DocumentRefused
from childnrm.referrals.forms import document_keep_check

PAGE_SIZE = 25
REQUEST_PURPOSE = PURPOSES[Perm.INFORMATION_REQUEST]
RESPOND_PURPOSE = PURPOSES[Perm.INFORMATION_RESPOND]
STATUS_TAGS = {
    RequestStatus.OPEN: "govuk-tag--blue",
    RequestStatus.ANSWERED: "govuk-tag--green",
    RequestStatus.WITHDRAWN: "govuk-tag--grey",
}


def _decorate(rows: list[InformationRequest], today) -> list[InformationRequest]:
    for row in rows:
        row.ended = services.ended_with_case(row)
        row.overdue = services.is_overdue(row, today)
        row.overdue_by = (today - row.due_on).days if row.overdue else 0
        if row.ended:
            row.tag_class, row.tag_text = "govuk-tag--grey", gettext("Ended with the case")
        else:
            row.tag_class = "govuk-tag--red" if row.overdue else STATUS_TAGS.get(row.status, "")
            row.tag_text = gettext("Overdue") if row.overdue else row.get_status_display()
    return rows


def _page(queryset, number):
    page = Paginator(queryset, PAGE_SIZE).get_page(number)
    return page


def _query_prefix(request: HttpRequest) -> tuple[bool, str]:
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return bool(kept), (urlencode(kept) + "&" if kept else "")


def _single_site(rows: list[InformationRequest]) -> int | None:
    sites = {r.referral.site_id for r in rows}
    return sites.pop() if len(sites) == 1 else None


# The coordinator -----------------------------------------------------------------------------------


@requires(Perm.INFORMATION_REQUEST)
def request_list(request: HttpRequest) -> HttpResponse:
    """Every request of the coordinator's sites: open, overdue, answered or withdrawn."""
    today = timezone.localdate()
    form = ListFilterForm(request.GET or None)
    # The guardian service as the coordinator's nation names it (their sites'; England and Wales's if several).
    form.fields["agency"].choices = nations.agency_choices(
        form.fields["agency"].choices, nations.nation_of_user(request.user)
    )
    filters = form.values()
    page = _page(selectors.site_list(request.user, today=today, **filters), request.GET.get("page"))
    rows = _decorate(list(page.object_list), today)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=InformationRequest._meta.label_lower,
        site_id=_single_site(rows),
        purpose=REQUEST_PURPOSE,
        detail={"page": page.number, "ids": [r.pk for r in rows], "status": filters["status"]},
    )
    filtered, query_prefix = _query_prefix(request)
    case_referral = None
    if filters["case"]:
        try:
            case_referral = selectors.case_get(request.user, filters["case"])
        except Http404:
            case_referral = None
    counts = {
        key: selectors.filter_requests(
            selectors.requests_for_coordinator(request.user), status=key, today=today
        ).count()
        for key in ("open", "overdue")
    }
    return render(
        request,
        "information/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": filtered,
            "query_prefix": query_prefix,
            "counts": counts,
            "case_referral": case_referral,
            "several_sites": len({r.referral.site_id for r in rows}) > 1,
        },
    )


@requires(Perm.INFORMATION_REQUEST)
def case_requests(request: HttpRequest, info_case_reference: str) -> HttpResponse:
    """The requests made about one case, and the way to make another."""
    today = timezone.localdate()
    referral = selectors.case_get(request.user, info_case_reference)
    rows = _decorate(
        list(referral.information_requests.select_related("organisation", "referral").order_by("-requested_at", "-id")),
        today,
    )
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=InformationRequest._meta.label_lower,
        site_id=referral.site_id,
        purpose=REQUEST_PURPOSE,
        detail={"referral": referral.pk, "ids": [r.pk for r in rows]},
    )
    return render(
        request,
        "information/case.html",
        {
            "referral": referral,
            "rows": rows,
            "askable": selectors.case_askable(referral),
            "anonymised": case_anonymised_message(referral) if case_anonymised(referral) else "",
            "can_triage": has_perm(request.user, Perm.REFERRAL_TRIAGE, referral.site_id),
        },
    )


@requires(Perm.INFORMATION_REQUEST)
def request_new(request: HttpRequest, info_case_reference: str) -> HttpResponse:
    referral = selectors.case_get(request.user, info_case_reference)
    if not selectors.case_askable(referral):
        messages.info(
            request,
            case_anonymised_message(referral)
            if case_anonymised(referral)
            else gettext("Referral %(reference)s is no longer with the panel: you cannot ask about it.")
            % {"reference": referral.reference},
        )
        return redirect("information:case", info_case_reference=referral.reference)
    initial = {"due_on": services.default_due_on(referral), "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING}
    protocols = list(
        current_protocols(referral.site_id, timezone.localdate())
        .select_related("organisation")
        .order_by("organisation__name")
    )
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        protocol_organisations={p.organisation_id for p in protocols},
        site=referral.site,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            info_request = services.information_request_create(
                referral=referral,
                user=request.user,
                organisation=data["organisation"],
                agency=data["agency"],
                question=data["question"],
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                lawful_basis_detail=data["lawful_basis_detail"],
                due_on=data["due_on"],
                audit=AuditContext.from_request(request),
            )
        except services.InformationError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                welsh_format(
                    gettext("Request %(reference)s sent to %(organisation)s"),
                    {"reference": info_request.reference, "organisation": info_request.organisation.display_name},
                ),
            )
            return redirect("information:detail", request_reference=info_request.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=REQUEST_PURPOSE,
        detail={"page": "new information request"},
    )
    return render(
        request,
        "information/new.html",
        {
            "referral": referral,
            "form": form,
            "default_days": referral.site.information_request_days,
            "protocols": protocols,
        },
    )


@requires(Perm.INFORMATION_REQUEST, Perm.INFORMATION_RESPOND)
def request_detail(request: HttpRequest, request_reference: str) -> HttpResponse:
    access = selectors.request_get(request.user, request_reference)
    info_request = access.request
    today = timezone.localdate()
    _decorate([info_request], today)
    responses = list(
        info_request.responses.select_related("responded_by", "organisation").prefetch_related("documents")
    )
    chases = list(info_request.chases.select_related("chased_by")) if access.as_coordinator else []
    waiting = info_request.status == RequestStatus.OPEN and not info_request.ended
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=info_request,
        site_id=info_request.referral.site_id,
        purpose=REQUEST_PURPOSE if access.as_coordinator else RESPOND_PURPOSE,
        detail=services.share_detail(
            lawful_basis=info_request.lawful_basis,
            purpose=info_request.purpose,
            referral=info_request.referral_id,
            responses=[r.pk for r in responses],
        ),
    )
    return render(
        request,
        "information/detail.html",
        {
            "access": access,
            "info_request": info_request,
            "referral": info_request.referral,
            "responses": responses,
            "chases": chases,
            "can_answer": access.as_responder and waiting,
            "can_change": access.as_coordinator and waiting,
            # An open request whose case has left the panel that asked: said to each in their own words.
            "ended_words": (
                (services.ended_notice if access.as_coordinator else services.ended_message)(info_request)
                if info_request.ended
                else ""
            ),
            "chased_today": bool(
                info_request.last_chased_at and timezone.localdate(info_request.last_chased_at) == today
            ),
        },
    )


@requires(Perm.INFORMATION_REQUEST)
def request_withdraw(request: HttpRequest, request_reference: str) -> HttpResponse:
    info_request = selectors.request_get_for_coordinator(request.user, request_reference)
    if info_request.status != RequestStatus.OPEN or services.ended_with_case(info_request):
        messages.info(request, services.closed_message(info_request))
        return redirect("information:detail", request_reference=info_request.reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_withdraw(
                info_request=info_request,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.InformationError as problem:
            messages.info(request, problem.message)
        else:
            messages.success(
                request, gettext("Request %(reference)s withdrawn") % {"reference": info_request.reference}
            )
        return redirect("information:detail", request_reference=info_request.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=info_request,
        site_id=info_request.referral.site_id,
        purpose=REQUEST_PURPOSE,
        detail={"page": "withdraw"},
    )
    return render(request, "information/withdraw.html", {"info_request": info_request, "form": form})


@require_POST
@requires(Perm.INFORMATION_REQUEST)
def request_chase(request: HttpRequest, request_reference: str) -> HttpResponse:
    info_request = selectors.request_get_for_coordinator(request.user, request_reference)
    try:
        recipients = services.information_request_chase(
            info_request=info_request, user=request.user, audit=AuditContext.from_request(request)
        )
    except services.InformationError as problem:
        messages.info(request, problem.message)
    else:
        if recipients:
            messages.success(
                request,
                welsh_format(
                    ngettext(
                        "Reminder sent for request %(reference)s to %(num)s person at %(organisation)s",
                        "Reminder sent for request %(reference)s to %(num)s people at %(organisation)s",
                        recipients,
                    ),
                    {
                        "reference": info_request.reference,
                        "num": recipients,
                        "organisation": info_request.organisation.display_name,
                    },
                ),
            )
        else:
            messages.info(
                request,
                welsh_format(
                    gettext(
                        "Chase recorded, but nobody at %(organisation)s can answer requests in this service yet. "
                        "Contact the organisation another way."
                    ),
                    {"organisation": info_request.organisation.display_name},
                ),
            )
    return redirect("information:detail", request_reference=info_request.reference)


# The agency asked -----------------------------------------------------------------------------------


@requires(Perm.INFORMATION_RESPOND)
def inbox(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ListFilterForm(request.GET or None, with_agency=False, with_case=False)
    filters = form.values()
    page = _page(selectors.inbox(request.user, status=filters["status"], today=today), request.GET.get("page"))
    rows = _decorate(list(page.object_list), today)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=InformationRequest._meta.label_lower,
        site_id=_single_site(rows),
        purpose=RESPOND_PURPOSE,
        detail={"page": page.number, "ids": [r.pk for r in rows], "status": filters["status"]},
    )
    filtered, query_prefix = _query_prefix(request)
    return render(
        request,
        "information/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": filtered,
            "query_prefix": query_prefix,
            "organisation": request.user.organisation,
            "several_sites": len({r.referral.site_id for r in rows}) > 1,
        },
    )


@requires(Perm.INFORMATION_RESPOND)
def request_answer(request: HttpRequest, request_reference: str) -> HttpResponse:
    info_request = selectors.request_get_for_responder(request.user, request_reference)
    if services.ended_with_case(info_request):
        messages.info(request, services.ended_message(info_request))
        return redirect("information:detail", request_reference=info_request.reference)
    if info_request.status != RequestStatus.OPEN:
        messages.info(request, services.closed_message(info_request))
        return redirect("information:detail", request_reference=info_request.reference)
    initial = {"lawful_basis": info_request.lawful_basis, "purpose": info_request.purpose}
    # Documents chosen before an error on the page are kept (kit.pending), for this user and request only.
    keeper = UploadKeeper(
        owner=request.user,
        scope=f"information:answer:{info_request.pk}",
        check=partial(document_keep_check, named=True),
    )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        keeper=keeper,
        site=info_request.referral.site,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.information_response_create(
                info_request=info_request,
                user=request.user,
                text=data["text"],
                lawful_basis=data["lawful_basis"],
                purpose=data["purpose"],
                uploads=data["documents"],
                audit=AuditContext.from_request(request),
            )
        except DocumentRefused as refusal:
            form.add_error("documents", refusal.message)
        except services.InformationError as problem:
            if problem.field in form.fields:
                add_to_form(form, problem)
            else:
                messages.info(request, problem.message)
                return redirect("information:detail", request_reference=info_request.reference)
        else:
            form.kept_uploads_attached()
            messages.success(
                request,
                gettext("Your answer to request %(reference)s has been sent to the panel")
                % {"reference": info_request.reference},
            )
            return redirect("information:detail", request_reference=info_request.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=info_request,
        site_id=info_request.referral.site_id,
        purpose=RESPOND_PURPOSE,
        detail={"page": "answer"},
    )
    return render(request, "information/answer.html", {"info_request": info_request, "form": form})


@requires(Perm.INFORMATION_REQUEST, Perm.INFORMATION_RESPOND)
def document_download(request: HttpRequest, request_reference: str, response_document_id: int) -> HttpResponse:
    """A document an agency shared: for the case's coordinators and the organisation that shared it."""
    access = selectors.request_get(request.user, request_reference)
    document = selectors.document_get(access, response_document_id)
    content = stored_file_open(document.file)  # streamed, closed with the response
    response_row = document.response
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=document,
        site_id=access.request.referral.site_id,
        purpose=REQUEST_PURPOSE if access.as_coordinator else RESPOND_PURPOSE,
        detail=services.share_detail(
            lawful_basis=response_row.lawful_basis,
            purpose=response_row.purpose,
            request=access.request.pk,
            response=response_row.pk,
        ),
    )
    return download_response(
        content=content,
        filename=document.original_name,
        extension=EXTENSIONS.get(document.content_type, "bin"),
        content_type=document.content_type,
    )
