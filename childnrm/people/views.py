"""Children's records: list, summary, and who has seen or changed each one."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.accounts.models import Role
from childnrm.audit.context import AuditContext
from childnrm.audit.selectors import events_about
from childnrm.audit.services import Action, audit_record
from childnrm.people import selectors
from childnrm.people.forms import ChildSearchForm

PAGE_SIZE = 25


def _purpose_for(user, child) -> str:
    if has_perm(user, Perm.CHILD_VIEW_SITE, child.site_id):
        return PURPOSES[Perm.CHILD_VIEW_SITE]
    associated = child.associations.filter(selectors.associations_in_force(), user=user).exists()
    if associated and has_perm(user, Perm.CHILD_VIEW_ASSOCIATED, child.site_id):
        return PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]
    return PURPOSES[Perm.REFERRAL_VIEW_OWN]  # the child of a referral they sent (selectors.children_visible_to)


@requires(Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)
def child_list(request: HttpRequest) -> HttpResponse:
    form = ChildSearchForm(request.GET)
    query = form.query()
    page = selectors.child_list_page(request.user, request.GET.get("page"), PAGE_SIZE, query=query)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="people.child",
        purpose=PURPOSES[Perm.CHILD_VIEW_ASSOCIATED],
        # What was searched for is not kept (it may be a name); the children it showed are.
        detail={"page": page.number, "ids": [c.pk for c in page.object_list], "searched": bool(query)},
    )
    return render(
        request,
        "people/child_list.html",
        {"page": page, "form": form, "query": query, "query_prefix": urlencode({"q": query}) + "&" if query else ""},
    )


@requires(Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)
def child_detail(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_get(request.user, reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=_purpose_for(request.user, child),
    )
    user, site_id = request.user, child.site_id
    can_triage = has_perm(user, Perm.REFERRAL_TRIAGE, site_id)
    context = {
        "child": child,
        "can_see_audit": has_perm(user, Perm.CHILD_AUDIT_VIEW, site_id),
        # Links to the case's other pages, shown only to those whose permissions open them.
        "referrals": selectors.referrals_of_child(child) if can_triage else (),
        # A referrer reads their own referrals of the child, read only, with what has happened to each.
        "own_referrals": (
            selectors.referrals_of_child(child, made_by=user)
            if not can_triage and has_perm(user, Perm.REFERRAL_VIEW_OWN)
            else ()
        ),
        "can_request_information": has_perm(user, Perm.INFORMATION_REQUEST, site_id),
        "can_transfer": has_perm(user, Perm.CASE_TRANSFER, site_id),
        "social_worker": selectors.current_lead_social_worker_of(child),
        "can_change_social_worker": has_perm(user, Perm.PLAN_MANAGE, site_id),
    }
    if context["can_change_social_worker"]:  # the coordinator is told if the one recorded no longer counts
        context["social_worker_not_in_force"] = selectors.social_worker_not_in_force(child, context["social_worker"])
    return render(request, "people/child_detail.html", context)


# How each kind of event reads on the child's audit page.
_DONE = {
    Action.VIEW: _("Viewed"),
    Action.LIST: _("Listed"),
    Action.CREATE: _("Created"),
    Action.UPDATE: _("Changed"),
    Action.DELETE: _("Deleted"),
    Action.DOWNLOAD: _("Downloaded"),
    Action.EXPORT: _("Exported"),
    Action.REFUSED: _("Refused access"),
}
# What each kind of record about a child is called on its audit page (the models' own names are English).
_RECORD_NAMES = {
    "people.child": _("Child"),
    "people.childassociation": _("Child association"),
    "people.leadsocialworker": _("Lead social worker"),
    "people.childblockingkey": _("Child blocking key"),
    "people.childlinkdecision": _("Child link decision"),
    "people.possibleearlierrecord": _("Possible earlier record"),
    "people.nationallinkcandidate": _("National link candidate"),
    "people.nationallinkpair": _("National link pair"),
    "people.nationallinkreview": _("National link review"),
    "referrals.referral": _("Referral"),
    "referrals.referralstatuschange": _("Referral status change"),
    "referrals.referraldocument": _("Referral document"),
    "referrals.adultconsent": _("Adult consent"),
    "safeguarding.safeguardingplan": _("Safeguarding plan"),
    "safeguarding.referralsafeguarding": _("Referral safeguarding"),
    "safeguarding.statutoryperiod": _("Statutory period"),
    "safeguarding.strategydiscussion": _("Strategy discussion"),
    "safeguarding.contextuallink": _("Contextual link"),
    "safeguarding.planaction": _("Plan action"),
    "safeguarding.childplanview": _("Child plan view"),
    "safeguarding.planactionupdate": _("Plan action update"),
    "handovers.adulttransition": _("Adult transition"),
    "handovers.casetransfer": _("Case transfer"),
    "handovers.scareporteddecision": _("SCA reported decision"),
    "outcomes.outcomefollowup": _("Outcome follow-up"),
    "outcomes.outcomereview": _("Outcome review"),
    "outcomes.missingepisode": _("Missing episode"),
    "feedback.feedbacksession": _("Feedback session"),
    "retention.retentionitem": _("Retention item"),
    "retention.legalhold": _("Legal hold"),
    "triage.triageassessment": _("Triage assessment"),
    "triage.onwardreferral": _("Onward referral"),
    "api.idempotencyrecord": _("Idempotency record"),
    "panels.agendaitem": _("Agenda item"),
    "panels.conflictdeclaration": _("Conflict declaration"),
    "information.informationrequest": _("Information request"),
    "information.informationresponse": _("Information response"),
    "information.informationchase": _("Information chase"),
    "information.responsedocument": _("Response document"),
    "decisions.decision": _("Decision"),
    "decisions.decisionevidence": _("Decision evidence"),
    "decisions.decisionvote": _("Decision vote"),
    "decisions.agencynilreturn": _("Agency nil return"),
    "decisions.tiedeferral": _("Tie deferral"),
    "burdens.timeentry": _("Time entry"),
    "case_reviews.reviewedcase": _("Reviewed case"),
    "reviews.reconsiderationrequest": _("Reconsideration request"),
    "reviews.reconsiderationwindow": _("Reconsideration window"),
    "reviews.decisionreturn": _("Decision return"),
    "reviews.qualityfinding": _("Quality finding"),
    "letters.letter": _("Letter"),
    "letters.decisionexplanation": _("Decision explanation"),
    "letters.guardiannotice": _("Guardian notice"),
}
_ROLE_NAMES = dict(Role.choices)


def _what(event) -> str:
    """The record and the part of it, from the event's type and its detail (ids and field names only)."""
    named = _RECORD_NAMES.get(event.object_type)
    if named is not None:
        record = str(named)
    else:
        try:
            record = str(apps.get_model(event.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            record = event.object_type or gettext("record")
        record = record[:1].upper() + record[1:]
    detail = event.detail if isinstance(event.detail, dict) else {}
    part = detail.get("page") or detail.get("record") or (gettext("case papers") if "agenda_item" in detail else None)
    if isinstance(part, str):
        record += f": {part}"
    fields = detail.get("fields")
    if isinstance(fields, list) and fields:
        record += f" ({', '.join(str(f).replace('_', ' ') for f in fields)})"
    return record


def _purpose(stored: str) -> str:
    """An event's purpose in the reader's language: stored in English (access.policy.PURPOSES, marked for the
    access catalogue), translated only as it is shown. Empty stays empty (gettext("") is the catalogue's header)."""
    return gettext(stored) if stored else ""


@requires(Perm.CHILD_AUDIT_VIEW)
def child_audit(request: HttpRequest, reference: str) -> HttpResponse:
    """Everyone who has seen or changed anything about this child: the record itself and every
    referral, document, paper, decision, plan, letter, information request and answer of the case."""
    child = selectors.child_get_for_audit(request.user, reference)
    page = Paginator(events_about(child), 50).get_page(request.GET.get("page"))
    role_names = nations.role_labels(_ROLE_NAMES, child.site)  # the guardian's role in the words of the site's nation
    # Read before this view's own event is written; the labels come from the row, not more queries.
    page.object_list = [
        {
            "event": event,
            "done": _DONE.get(event.action, event.action),
            "what": _what(event),
            "purpose": _purpose(event.purpose),
            "roles": ", ".join(str(role_names.get(r, r)) for r in event.role.split(",") if r),
        }
        for event in page.object_list
    ]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSES[Perm.CHILD_AUDIT_VIEW],
        detail={"page": "audit"},
    )
    return render(request, "people/child_audit.html", {"child": child, "page": page})
