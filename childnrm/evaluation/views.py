"""Pages of data for evaluators: the agreements, requesting one, an agreement with its releases (and the data
protection officer's approval), the downloads under it, and the synthetic dataset for open publication.

Thin views: parse the form, call a service, render. Downloads are POSTs: each one is a release, recorded and
audited by the service, never something a link prefetch could set off.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.evaluation import selectors, services
from childnrm.evaluation.forms import AgreementForm, ReasonForm
from childnrm.evaluation.models import STATE_TAGS, Dataset, FieldGroup
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form

EVALUATION = (Perm.EVALUATION_EXTRACT, Perm.DATA_SHARING_APPROVE)


@requires(*EVALUATION)
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    agreements = list(selectors.agreements_visible(request.user))
    rows = [(a, a.state(today), STATE_TAGS[a.state(today)]) for a in agreements]
    return render(
        request,
        "evaluation/index.html",
        {
            "rows": rows,
            "may_request": selectors.sites_for_request(request.user).exists(),
            "in_force": sum(1 for _, state, _ in rows if state == "in_force"),
            "synthetic": selectors.latest_synthetic(request.user),
        },
    )


@requires(Perm.EVALUATION_EXTRACT)
def agreement_new(request: HttpRequest) -> HttpResponse:
    sites = list(selectors.sites_for_request(request.user))
    form = AgreementForm(request.POST if request.method == "POST" else None, sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_request(
                site=form.chosen_site(),
                user=request.user,
                answers=form.answers(),
                audit=AuditContext.from_request(request),
            )
        except services.AgreementError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                gettext("Agreement %(reference)s sent to the data protection officer")
                % {"reference": agreement.reference},
            )
            return redirect("evaluation:agreement", data_sharing_agreement_id=agreement.pk)
    return render(request, "evaluation/agreement_form.html", {"form": form, "several_sites": len(sites) > 1})


def _agreement_page(
    request: HttpRequest, agreement, *, refuse_form=None, revoke_form=None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    state = agreement.state(today)
    may_release = selectors.may_release(request.user, agreement)
    may_decide = selectors.may_decide(request.user, agreement)
    downloads = []
    if may_release:
        for dataset in Dataset:
            if agreement.covers(dataset):
                downloads.append((dataset, services.release_refusal(agreement, dataset, today)))
    field_groups = dict(FieldGroup.choices)
    return render(
        request,
        "evaluation/agreement.html",
        {
            "agreement": agreement,
            "state": state,
            "tag": STATE_TAGS[state],
            "datasets": [Dataset(d).label for d in agreement.datasets],
            "field_groups": [field_groups[g] for g in agreement.field_groups if g in field_groups],
            "releases": list(selectors.releases_of(agreement)),
            "may_release": may_release,
            "downloads": downloads,
            "may_decide": may_decide,
            "own_request": agreement.requested_by_id == request.user.pk,
            "refuse_form": refuse_form or ReasonForm(prefix="refuse", label=gettext("Why is it refused?")),
            "revoke_form": revoke_form or ReasonForm(prefix="revoke", label=gettext("Why is it revoked?")),
        },
        status=status,
    )


@requires(*EVALUATION)
def agreement(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    return _agreement_page(request, selectors.agreement_get(request.user, data_sharing_agreement_id))


@requires(Perm.DATA_SHARING_APPROVE)
@require_POST
def agreement_approve(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    found = selectors.agreement_for_decision(request.user, data_sharing_agreement_id)
    try:
        services.agreement_approve(agreement=found, user=request.user, audit=AuditContext.from_request(request))
    except services.AgreementError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, gettext("Agreement %(reference)s approved") % {"reference": found.reference})
    return redirect("evaluation:agreement", data_sharing_agreement_id=found.pk)


def _with_reason(request: HttpRequest, data_sharing_agreement_id: int, *, step: str) -> HttpResponse:
    found = selectors.agreement_for_decision(request.user, data_sharing_agreement_id)
    label = gettext("Why is it refused?") if step == "refuse" else gettext("Why is it revoked?")
    form = ReasonForm(request.POST, prefix=step, label=label)
    if form.is_valid():
        act = services.agreement_refuse if step == "refuse" else services.agreement_revoke
        try:
            act(
                agreement=found,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.AgreementError as problem:
            if problem.field == "reason":
                add_to_form(form, problem)
            else:
                messages.error(request, str(problem))
                return redirect("evaluation:agreement", data_sharing_agreement_id=found.pk)
        else:
            done = (
                gettext("Agreement %(reference)s refused")
                if step == "refuse"
                else gettext("Agreement %(reference)s revoked")
            )
            messages.success(request, done % {"reference": found.reference})
            return redirect("evaluation:agreement", data_sharing_agreement_id=found.pk)
    found = selectors.agreement_get(request.user, found.pk)
    return _agreement_page(request, found, **{f"{step}_form": form})


@requires(Perm.DATA_SHARING_APPROVE)
@require_POST
def agreement_refuse(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    return _with_reason(request, data_sharing_agreement_id, step="refuse")


@requires(Perm.DATA_SHARING_APPROVE)
@require_POST
def agreement_revoke(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    return _with_reason(request, data_sharing_agreement_id, step="revoke")


def _download(request: HttpRequest, data_sharing_agreement_id: int, dataset: str) -> HttpResponse:
    found = selectors.agreement_for_release(request.user, data_sharing_agreement_id)
    try:
        released = services.release(
            agreement=found, dataset=dataset, user=request.user, audit=AuditContext.from_request(request)
        )
    except services.ReleaseRefused as problem:
        messages.error(request, str(problem))
        return redirect("evaluation:agreement", data_sharing_agreement_id=found.pk)
    return download_response(
        content=released.content,
        filename=released.release.filename,
        extension="csv",
        content_type="text/csv; charset=utf-8",
    )


@requires(Perm.EVALUATION_EXTRACT)
@require_POST
def extract_download(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    return _download(request, data_sharing_agreement_id, Dataset.EXTRACT)


@requires(Perm.EVALUATION_EXTRACT)
@require_POST
def htcds_download(request: HttpRequest, data_sharing_agreement_id: int) -> HttpResponse:
    return _download(request, data_sharing_agreement_id, Dataset.HTCDS)


# The synthetic dataset ---------------------------------------------------------------------------------


@requires(Perm.EVALUATION_EXTRACT)
def synthetic(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_synthetic(request.user)
    report = latest.report if latest else {}
    two_way = sorted((report.get("two_way") or {}).get("by_pair", {}).items(), key=lambda kv: -kv[1])
    return render(
        request,
        "evaluation/synthetic.html",
        {
            "latest": latest,
            "report": report,
            "one_way": sorted((report.get("one_way") or {}).get("by_column", {}).items(), key=lambda kv: -kv[1]),
            "two_way_worst": two_way[:10],
            "two_way_count": len(two_way),
            "nrm_tables": sorted(((report.get("nrm_counts") or {}).get("by_table") or {}).items()),
        },
    )


@requires(Perm.EVALUATION_EXTRACT)
def synthetic_file(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_synthetic(request.user)
    if latest is None or not latest.file:
        messages.info(request, gettext("There is no synthetic dataset yet"))
        return redirect("evaluation:synthetic")
    content = stored_file_open(latest.file)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=latest,
        site_id=latest.site_id,
        purpose=PURPOSES[Perm.EVALUATION_EXTRACT],
    )
    return download_response(
        content=content,
        filename=f"synthetic-nrm-children-{latest.created_at:%Y-%m-%d}",
        extension="csv",
        content_type="text/csv; charset=utf-8",
    )
