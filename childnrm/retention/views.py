"""The data protection officer's retention pages, and legal holds (the DPO and the coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import add_to_form
from childnrm.kit.pagination import at_page
from childnrm.retention import selectors
from childnrm.retention.forms import ApproveForm, HoldForm, LiftForm, RuleForm
from childnrm.retention.schedule import DEFAULTS, RecordType, RuleBasis
from childnrm.retention.services import (
    RetentionError,
    held_child_ids,
    legal_hold_lift,
    legal_hold_place,
    retention_items_approve,
    retention_rule_set,
    site_schedule,
)

REVIEW_PURPOSE = PURPOSES[Perm.RETENTION_REVIEW]
HOLD_PURPOSE = PURPOSES[Perm.LEGAL_HOLD]


@requires(Perm.RETENTION_REVIEW)
def index(request: HttpRequest) -> HttpResponse:
    site = selectors.first_site_where(request.user, Perm.RETENTION_REVIEW)
    if site is None:
        raise Http404
    return redirect("retention:list", site_slug=site.slug)


@requires(Perm.LEGAL_HOLD)
def holds_index(request: HttpRequest) -> HttpResponse:
    site = selectors.first_site_where(request.user, Perm.LEGAL_HOLD)
    if site is None:
        raise Http404
    return redirect("retention:holds", site_slug=site.slug)


# A first review, or a backlog, lists hundreds or thousands of records: a page of them at a time.
ITEMS_PER_PAGE = 50


def _list_context(request: HttpRequest, site, form: ApproveForm, page_number: str | None) -> dict:
    page = Paginator(selectors.listed_items(request.user, site), ITEMS_PER_PAGE).get_page(page_number)
    items = list(page.object_list)
    # Held as approval holds them: a hold on any record linked to the child as the same child counts (ADR 0034).
    held = held_child_ids({i.child_id for i in items if i.child_id})
    return {
        "site": site,
        "items": items,
        "page": page,
        "held": held,
        "approvable": [i for i in items if i.child_id not in held],
        "anonymised": selectors.anonymised_count(request.user, site),
        "form": form,
        "error_links": form.error_links() if form.is_bound else [],
        "draft_type": RecordType.DRAFT,  # a draft's clock runs from when it was last saved, not a closure
    }


@requires(Perm.RETENTION_REVIEW)
def item_list(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for(request.user, site_slug, Perm.RETENTION_REVIEW)
    context = _list_context(request, site, ApproveForm(item_ids=[]), request.GET.get("page"))
    page = context["page"]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="retention.retentionitem",
        site_id=site.pk,
        purpose=REVIEW_PURPOSE,
        detail={
            "page": "retention list",
            "count": page.paginator.count,
            "page_number": page.number,
            "ids": [i.pk for i in context["items"]],
        },
    )
    return render(request, "retention/list.html", context)


@requires(Perm.RETENTION_REVIEW)
@require_POST
def approve(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for(request.user, site_slug, Perm.RETENTION_REVIEW)
    listed = list(selectors.listed_items(request.user, site).values_list("pk", flat=True))
    form = ApproveForm(request.POST, item_ids=listed)
    page_number = request.POST.get("page", "")
    if not form.is_valid():
        return render(request, "retention/list.html", _list_context(request, site, form, page_number), status=200)
    result = retention_items_approve(
        user=request.user, site=site, item_ids=form.cleaned_data["items"], audit=AuditContext.from_request(request)
    )
    if result.anonymised:
        n = len(result.anonymised)
        messages.success(request, ngettext("%(num)s record anonymised", "%(num)s records anonymised", n) % {"num": n})
    if result.refused:
        n = len(result.refused)
        why = ", ".join(sorted(set(result.refused.values())))
        messages.info(
            request,
            ngettext("%(num)s record was not anonymised: %(why)s", "%(num)s records were not anonymised: %(why)s", n)
            % {"num": n, "why": why},
        )
    # Back to the page approved from (the list is shorter now: the last page may have gone, and get_page says so).
    return redirect(at_page(reverse("retention:list", kwargs={"site_slug": site.slug}), page_number))


@requires(Perm.RETENTION_REVIEW)
def schedule(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for(request.user, site_slug, Perm.RETENTION_REVIEW)
    rules = site_schedule(site)
    rows = [
        {
            "record_type": record_type,
            "label": RecordType(record_type).label,
            "rule": rule,
            "is_default": rule.basis == DEFAULTS[record_type].basis and rule.years == DEFAULTS[record_type].years,
            "default": DEFAULTS[record_type],
            "editable": record_type != RecordType.AUDIT_EVENTS,
        }
        for record_type, rule in rules.items()
    ]
    return render(request, "retention/schedule.html", {"site": site, "rows": rows})


@requires(Perm.RETENTION_REVIEW)
def rule_edit(request: HttpRequest, site_slug: str, record_type: str) -> HttpResponse:
    site = selectors.site_for(request.user, site_slug, Perm.RETENTION_REVIEW)
    if record_type not in RecordType.values or record_type == RecordType.AUDIT_EVENTS:
        raise Http404
    current = site_schedule(site)[record_type]
    form = RuleForm(
        request.POST if request.method == "POST" else None, initial={"basis": current.basis, "years": current.years}
    )
    if request.method == "POST" and form.is_valid():
        try:
            retention_rule_set(
                site=site,
                user=request.user,
                record_type=record_type,
                basis=form.cleaned_data["basis"],
                years=form.cleaned_data["years"],
                audit=AuditContext.from_request(request),
            )
        except RetentionError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("Retention of “%(record)s” changed") % {"record": RecordType(record_type).label}
            )
            return redirect("retention:schedule", site_slug=site.slug)
    return render(
        request,
        "retention/rule.html",
        {
            "site": site,
            "label": RecordType(record_type).label,
            "rule": current,
            "default": DEFAULTS[record_type],
            "form": form,
            "error_links": form.error_links(),
            "birthday": RuleBasis.BIRTHDAY,
        },
    )


@requires(Perm.LEGAL_HOLD)
def holds(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for(request.user, site_slug, Perm.LEGAL_HOLD)
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        child = selectors.child_for_hold(request.user, site, form.cleaned_data["child_reference"])
        if child is None:
            form.add_error("child_reference", gettext("There is no child with that reference at this site"))
        else:
            try:
                legal_hold_place(
                    user=request.user,
                    child=child,
                    reason=form.cleaned_data["reason"],
                    audit=AuditContext.from_request(request),
                )
            except RetentionError as problem:
                add_to_form(form, problem)
            else:
                messages.success(
                    request, gettext("Legal hold placed on the records of %(child)s") % {"child": child.reference}
                )
                return redirect("retention:holds", site_slug=site.slug)
    active = list(selectors.active_holds(request.user, site))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="retention.legalhold",
        site_id=site.pk,
        purpose=HOLD_PURPOSE,
        detail={"page": "legal holds", "children": [h.child_id for h in active]},
    )
    return render(
        request,
        "retention/holds.html",
        {
            "site": site,
            "holds": active,
            "form": form,
            "error_links": form.error_links(),
            "is_dpo": has_perm(request.user, Perm.RETENTION_REVIEW, site.pk),
        },
    )


@requires(Perm.LEGAL_HOLD)
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = selectors.hold_get(request.user, hold_id)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = LiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_lift(
                user=request.user,
                hold=hold,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except RetentionError as problem:
            messages.info(request, str(problem))
        else:
            messages.success(
                request, gettext("Legal hold on the records of %(child)s lifted") % {"child": hold.child.reference}
            )
        return redirect("retention:holds", site_slug=hold.child.site.slug)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=hold.child,
        purpose=HOLD_PURPOSE,
        detail={"hold": hold.pk},
    )
    return render(request, "retention/hold_lift.html", {"hold": hold, "form": form, "error_links": form.error_links()})
