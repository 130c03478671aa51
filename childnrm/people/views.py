"""Children's records: list, summary, and who has seen or changed each one."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.selectors import events_for_object
from childnrm.audit.services import Action, audit_record
from childnrm.people import selectors

PAGE_SIZE = 25


def _purpose_for(user, child) -> str:
    perm = Perm.CHILD_VIEW_SITE if has_perm(user, Perm.CHILD_VIEW_SITE, child.site_id) else Perm.CHILD_VIEW_ASSOCIATED
    return PURPOSES[perm]


@requires(Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)
def child_list(request: HttpRequest) -> HttpResponse:
    children = selectors.children_visible_to(request.user).select_related("site").order_by("-created_at", "-id")
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        request=request,
        action=Action.LIST,
        object_type="people.child",
        purpose=PURPOSES[Perm.CHILD_VIEW_ASSOCIATED],
        detail={"page": page.number, "ids": [c.pk for c in page.object_list]},
    )
    return render(request, "people/child_list.html", {"page": page})


@requires(Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)
def child_detail(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_get(request.user, reference)
    audit_record(request=request, action=Action.VIEW, obj=child, purpose=_purpose_for(request.user, child))
    user, site_id = request.user, child.site_id
    can_triage = has_perm(user, Perm.REFERRAL_TRIAGE, site_id)
    context = {
        "child": child,
        "can_see_audit": has_perm(user, Perm.CHILD_AUDIT_VIEW, site_id),
        # Links to the case's other pages, shown only to those whose permissions open them.
        "referrals": child.referrals.exclude(status="draft").order_by("-submitted_at") if can_triage else (),
        "can_request_information": has_perm(user, Perm.INFORMATION_REQUEST, site_id),
        "can_transfer": has_perm(user, Perm.CASE_TRANSFER, site_id),
    }
    return render(request, "people/child_detail.html", context)


@requires(Perm.CHILD_AUDIT_VIEW)
def child_audit(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_get_for_audit(request.user, reference)
    page = Paginator(events_for_object(child), 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this view's own event is written
    audit_record(
        request=request,
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSES[Perm.CHILD_AUDIT_VIEW],
        detail={"page": "audit"},
    )
    return render(request, "people/child_audit.html", {"child": child, "page": page})
