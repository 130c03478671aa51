"""The coordinator's hand-over pages: transfer a case, see what was sent, and the turning-18 hand-over."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions.wording import outcome_words
from childnrm.handovers import packet as packets
from childnrm.handovers.forms import AdultTransitionForm, ScaDecisionForm, TransferForm
from childnrm.handovers.models import AdultTransition, CaseTransfer
from childnrm.handovers.selectors import (
    CUT_OFF_DAYS,
    child_get_for_handover,
    open_decisions,
    sca_case_get,
    sca_cases_for,
    sca_decision_history,
    sca_decisions_in_force,
    transfer_get,
    transferable_referrals,
    transfers_visible_to,
    turning_18_children,
)
from childnrm.handovers.services import (
    SCA_PURPOSE,
    HandoverError,
    adult_transition_save,
    case_transfer,
    open_decision_message,
    sca_decision_record,
)
from childnrm.kit.downloads import download_response
from childnrm.kit.errors import add_to_form
from childnrm.kit.forms import GovukDateField
from childnrm.kit.pdf import pdf_download
from childnrm.people.models import Child
from childnrm.referrals.anonymised import (
    case_anonymised,
    case_anonymised_message,
    child_anonymised_at,
    child_anonymised_message,
    sent_record_anonymised_message,
)
from childnrm.referrals.models import consent_words
from childnrm.referrals.selectors import adult_consent_of_child
from childnrm.triage.eligibility import eighteenth_birthday

PURPOSE = PURPOSES[Perm.CASE_TRANSFER]
PAGE_SIZE = 25
TURNING_18_SHOWN = 200  # children listed per site; the count says how many there are


@requires(Perm.CASE_TRANSFER)
def transfer_new(request: HttpRequest, child_reference: str) -> HttpResponse:
    child = child_get_for_handover(request.user, child_reference)
    # A record retention anonymised is kept for the figures, never sent on: the page says so instead of the form.
    anonymised = _child_anonymised(child)
    if request.method == "POST" and anonymised:
        messages.info(request, anonymised)
        return redirect("handovers:transfer-new", child_reference=child.reference)
    cases = list(transferable_referrals(child))
    referral = cases[0] if cases else None
    # Decisions the panel has not finished hold the case here: the page says which instead of offering the form.
    waiting_for = [open_decision_message(decision) for decision in open_decisions(cases)]
    other_sites = list(Site.objects.filter(active=True).exclude(pk=child.site_id).order_by("name"))
    form = TransferForm(request.POST if request.method == "POST" else None, other_sites=other_sites)
    if request.method == "POST" and waiting_for:
        return redirect("handovers:transfer-new", child_reference=child.reference)
    if request.method == "POST" and referral is not None and form.is_valid():
        try:
            transfer = case_transfer(
                child=child,
                user=request.user,
                destination=form.cleaned_data["destination"],
                to_site=form.chosen_site(),
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except HandoverError as problem:
            if problem.field:
                add_to_form(form, problem)
            else:
                messages.info(request, str(problem))
                return redirect("handovers:transfer-new", child_reference=child.reference)
        else:
            messages.success(
                request, gettext("Case %(reference)s transferred") % {"reference": transfer.referral.reference}
            )
            return redirect("handovers:transfer", transfer_id=transfer.pk)
    elif request.method == "POST" and referral is None:
        messages.info(request, gettext("This child has no case with the panel to transfer."))
        return redirect("handovers:transfer-new", child_reference=child.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSE,
        detail={"page": "transfer"},
    )
    return render(
        request,
        "handovers/transfer_new.html",
        {
            "child": child,
            "referral": referral,
            "waiting_for": waiting_for,
            "anonymised": anonymised,
            "form": form,
            "error_links": form.error_links(),
        },
    )


@requires(Perm.CASE_TRANSFER)
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = transfer_get(request.user, transfer_id)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=transfer,
        site_id=_acting_site(request, transfer),
        purpose=PURPOSE,
        detail={"referral": transfer.referral_id},
    )
    referral = transfer.referral
    return render(
        request,
        "handovers/transfer.html",
        {
            "transfer": transfer,
            # The packet went with the case when retention anonymised it: the page says so instead of the downloads.
            "anonymised": sent_record_anonymised_message(referral) if case_anonymised(referral) else "",
            "received": transfer.to_site_id in sites_where(request.user, Perm.CASE_TRANSFER),
            "holds_case": has_perm(request.user, Perm.REFERRAL_TRIAGE, referral.site_id),
            "sent_by_us": transfer.from_site_id in sites_where(request.user, Perm.CASE_TRANSFER),
            # A case handed to the SCA: its decisions as the SCA reports them, recorded by the sending site.
            "sca_case": sca_cases_for(request.user).filter(pk=referral.pk).exists(),
            "sca_decisions": sca_decisions_in_force(referral),
            "outcome_words": outcome_words,
        },
    )


def _acting_site(request: HttpRequest, transfer: CaseTransfer) -> int:
    mine = sites_where(request.user, Perm.CASE_TRANSFER)
    return transfer.from_site_id if transfer.from_site_id in mine else transfer.to_site_id


def _download(request: HttpRequest, transfer_id: int, kind: str) -> HttpResponse:
    transfer = transfer_get(request.user, transfer_id)
    if case_anonymised(transfer.referral):
        # Nothing left to download: the transfer's page says the packet was anonymised, and when.
        return redirect("handovers:transfer", transfer_id=transfer.pk)

    def audit() -> None:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.EXPORT,
            obj=transfer,
            site_id=_acting_site(request, transfer),
            purpose=PURPOSE,
            detail={"format": kind, "referral": transfer.referral_id},
        )

    # Named by references only: no child's name in a download's name.
    filename = f"{transfer.referral.reference}-transfer-{transfer.pk}"
    if kind == "pdf":
        return pdf_download(
            request,
            build=lambda: packets.transfer_pdf(transfer.packet, sha256=transfer.sha256),
            filename=filename,
            audit=audit,
        )
    audit()
    return download_response(
        content=packets.packet_json(transfer.packet),
        filename=filename,
        extension="json",
        content_type="application/json",
    )


@requires(Perm.CASE_TRANSFER)
def transfer_json(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _download(request, transfer_id, "json")


@requires(Perm.CASE_TRANSFER)
def transfer_pdf(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _download(request, transfer_id, "pdf")


@requires(Perm.CASE_TRANSFER)
def transfer_list(request: HttpRequest) -> HttpResponse:
    transfers = transfers_visible_to(request.user).select_related("referral", "from_site", "to_site", "transferred_by")
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=CaseTransfer._meta.label_lower,
        purpose=PURPOSE,
        detail={"page": page.number, "ids": [t.pk for t in page.object_list]},
    )
    return render(request, "handovers/transfer_list.html", {"page": page, "query_prefix": ""})


# Turning 18 -------------------------------------------------------------------------------------


@requires(Perm.CASE_TRANSFER)
def turning_18(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sites = list(Site.objects.filter(pk__in=sites_where(request.user, Perm.CASE_TRANSFER)).order_by("name"))
    groups = []
    shown: list[int] = []
    for site in sites:
        children = list(turning_18_children(site, today)[:TURNING_18_SHOWN])
        rows = []
        for child in children:
            birthday = eighteenth_birthday(child.date_of_birth)
            transition = _transition_of(child)
            rows.append(
                {
                    "child": child,
                    "birthday": birthday,
                    "days": (birthday - today).days,
                    "past_cut_off": (birthday - today).days <= CUT_OFF_DAYS,
                    "transition": transition,
                    "consent": consent_words(child.consent_answer),  # annotated by turning_18_children
                }
            )
            shown.append(child.pk)
        groups.append({"site": site, "rows": rows, "count": turning_18_children(site, today).count()})
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Child._meta.label_lower,
        site_id=sites[0].pk if len(sites) == 1 else None,
        purpose=PURPOSE,
        detail={"page": "turning 18", "ids": shown},
    )
    return render(
        request,
        "handovers/turning_18.html",
        {"groups": groups, "today": today, "cut_off_days": CUT_OFF_DAYS, "several_sites": len(sites) > 1},
    )


def _child_anonymised(child: Child) -> str:
    """Why nothing more can be recorded about the child, if retention anonymised the child's record; else ""."""
    anonymised_at = child_anonymised_at(child.pk)
    return child_anonymised_message(child.reference, anonymised_at) if anonymised_at is not None else ""


def _transition_of(child: Child) -> AdultTransition | None:
    try:
        return child.adult_transition
    except AdultTransition.DoesNotExist:
        return None


@requires(Perm.CASE_TRANSFER)
def adult_transition(request: HttpRequest, child_reference: str) -> HttpResponse:
    child = child_get_for_handover(request.user, child_reference)
    anonymised = _child_anonymised(child)
    if request.method == "POST" and anonymised:
        messages.info(request, anonymised)
        return redirect("handovers:adult-transition", child_reference=child.reference)
    transition = AdultTransition.objects.select_related("updated_by").filter(child=child).first()
    form = AdultTransitionForm(
        request.POST if request.method == "POST" else None, initial=AdultTransitionForm.initial_for(transition)
    )
    if request.method == "POST" and form.is_valid():
        try:
            adult_transition_save(
                child=child, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except HandoverError as problem:
            add_to_form(form, problem)
        except PermissionDenied:
            raise
        else:
            messages.success(
                request, gettext("Turning 18 hand-over saved for %(reference)s") % {"reference": child.reference}
            )
            return redirect("handovers:turning-18")
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSE,
        detail={"page": "turning 18"},
    )
    today = timezone.localdate()
    birthday = eighteenth_birthday(child.date_of_birth) if child.date_of_birth else None
    return render(
        request,
        "handovers/adult_transition.html",
        {
            "child": child,
            "transition": transition,
            "anonymised": anonymised,
            "form": form,
            "error_links": form.error_links(),
            "birthday": birthday,
            "days": (birthday - today).days if birthday else None,
            "cut_off_days": CUT_OFF_DAYS,
            "consent": adult_consent_of_child(child.pk),
            # Consent is recorded on the case the panel holds (referrals' consent page).
            "consent_case": transferable_referrals(child).first(),
        },
    )


# The SCA's reported decision ----------------------------------------------------------------------------


@requires(Perm.SCA_OUTCOME_RECORD)
def sca_decision(request: HttpRequest, sca_case_reference: str) -> HttpResponse:
    """The SCA's decisions on a case the site handed to it, and the form to record one when the SCA reports it."""
    case = sca_case_get(request.user, sca_case_reference)
    # An anonymised case is kept for the figures: the decisions recorded stay, nothing more is recorded.
    anonymised = case_anonymised_message(case.referral) if case_anonymised(case.referral) else ""
    if request.method == "POST" and anonymised:
        messages.info(request, anonymised)
        return redirect("handovers:sca-decision", sca_case_reference=case.referral.reference)
    form = ScaDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = sca_decision_record(
                case=case, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except HandoverError as problem:
            field = form.fields.get(problem.field or "")
            if isinstance(field, GovukDateField):
                field.error_parts = ["day", "month", "year"]
            add_to_form(form, problem)
        else:
            words = outcome_words(recorded.stage, recorded.outcome).split(":", 1)[0].lower()
            messages.success(
                request,
                gettext("The SCA's %(stage)s decision (%(outcome)s) recorded")
                % {"stage": recorded.get_stage_display().lower(), "outcome": words},
            )
            return redirect("handovers:sca-decision", sca_case_reference=case.referral.reference)
    history = sca_decision_history(case.referral)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=case.referral,
        site_id=case.site_id,
        purpose=SCA_PURPOSE,
        detail={"page": "SCA decisions", "decisions": [d.pk for d in history]},
    )
    return render(
        request,
        "handovers/sca_decision.html",
        {
            "case": case,
            "referral": case.referral,
            "in_force": sca_decisions_in_force(case.referral),
            "corrections": [d for d in history if d.replaced_at is not None],
            "anonymised": anonymised,
            "form": form,
            "error_links": form.error_links(),
            "outcome_words": outcome_words,
        },
    )
