"""Possible earlier records of a child: the coordinator links them ("same child, new referral") or not."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.people import linkage, linkage_national, linkage_reasons, linkage_scoring, selectors, services
from childnrm.people.models import Child, LinkStatus, Sex

PURPOSE = PURPOSES[Perm.CHILD_LINK]
ACTIONS = {"link": LinkStatus.LINKED, "reject": LinkStatus.REJECTED, "undo": LinkStatus.UNDONE}


class LinkDecisionForm(forms.Form):
    """One decision about one pair. A reason is needed to reject or undo (see services.child_link_decide)."""

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    other = forms.CharField(max_length=12)
    reason = forms.CharField(required=False, max_length=2000, strip=True)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "reject" and not data.get("reason"):
            self.add_error("reason", _("Enter why these are not records of the same child"))
        if action == "undo" and not data.get("reason"):
            self.add_error("reason", _("Enter why you are undoing this decision"))
        return data


def _success_message(action: str, child: Child, other: Child) -> str:
    names = {"child": child.reference, "other": other.reference}
    if action == "link":
        return gettext("%(child)s and %(other)s are linked as records of the same child") % names
    if action == "reject":
        return gettext("%(other)s is recorded as not the same child as %(child)s") % names
    return gettext("The decision about %(child)s and %(other)s is undone") % names


@requires(Perm.CHILD_LINK)
def link_candidates(request: HttpRequest, reference: str) -> HttpResponse:
    child = linkage.child_get_for_linking(request.user, reference)
    error: dict[str, str] | None = None
    if request.method == "POST":
        form = LinkDecisionForm(request.POST)
        other_reference = request.POST.get("other", "")
        action = request.POST.get("action", "")
        if form.is_valid():
            # The other record through the same scope: another site's record is not found.
            other = linkage.child_get_for_linking(request.user, form.cleaned_data["other"])
            action = form.cleaned_data["action"]
            reason = form.cleaned_data["reason"]
            try:
                if action == "undo":
                    services.child_link_undo(
                        child=child,
                        other=other,
                        user=request.user,
                        reason=reason,
                        audit=AuditContext.from_request(request),
                    )
                else:
                    services.child_link_decide(
                        child=child,
                        other=other,
                        status=ACTIONS[action],
                        user=request.user,
                        reason=reason,
                        audit=AuditContext.from_request(request),
                    )
            except services.LinkDecisionError as problem:
                error = {"other": other.reference, "action": action, "message": str(problem), "reason": reason}
            else:
                messages.success(request, _success_message(action, child, other))
                return redirect(reverse("people:link-candidates", args=[child.reference]))
        else:
            message = next(iter(form.errors.get("reason", []) or [gettext("Choose a record and a decision")]))
            error = {"other": other_reference, "action": action, "message": message, "reason": ""}
            error["reason"] = request.POST.get("reason", "")[:2000]
    candidates, decided = linkage.link_candidates(request.user, child)
    decided_rows = [(d, d.other(child)) for d in decided]
    if error is not None:
        # The error summary links to the reason box of the form the decision came from.
        in_candidates = {c.child.reference for c in candidates}
        in_decided = {other.reference for _, other in decided_rows}
        error["form"] = "undo" if error["action"] == "undo" else "decide"
        if error["form"] == "decide" and error["other"] in in_candidates:
            error["anchor"] = f"reason-{error['other']}"
        elif error["other"] in in_decided:
            error["form"] = "undo"
            error["anchor"] = f"undo-reason-{error['other']}"
        else:
            error["anchor"] = "main-content"
    linked_through = selectors.linked_through_visible_to(request.user, child)
    shown = (
        [c.child for c in candidates]
        + [other for _, other in decided_rows]
        + [r for p in linked_through for r in p if r]
    )
    _audit_page(request, child, list({c.pk: c for c in shown}.values()))
    context = {
        "child": child,
        "profile": linkage.profile_of(child),
        "candidates": candidates,
        "decided": decided_rows,
        "linked_through": linked_through,
        "error": error,
        "errors": bool(error),
        "threshold": linkage_scoring.MATCH_THRESHOLD,
        "sexes": dict(Sex.choices),
        # The reasons and nationalities in the reader's language (scoring keeps them as wording and codes).
        "reason": linkage_reasons.reason,
        "nationalities": linkage_reasons.nationalities_shown,
    }
    return render(request, "people/linkage/candidates.html", context, status=200)


def _audit_page(request: HttpRequest, child, shown: list) -> None:
    """The page shows this child's record and part of each other record listed: each is a view."""
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSE,
        detail={"page": "possible-matches", "shown": [c.pk for c in shown]},
    )
    for other in shown:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.VIEW,
            obj=other,
            purpose=PURPOSE,
            detail={"page": "possible-matches", "for_child": child.pk},
        )


@requires(Perm.CHILD_LINK)
def other_sites(request: HttpRequest, reference: str) -> HttpResponse:
    """Other sites that may hold a record of this child (the national sweep), with minimum disclosure.

    The coordinator learns only that another site may hold a record and whom to contact there: never the
    other record, its reference or its details. Telling them is a view of both records, each audited.
    """
    child = linkage.child_get_for_linking(request.user, reference)
    sweep, sites = linkage_national.other_sites_for(child)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSE,
        detail={"page": "other-sites", "sites": [s.site.pk for s in sites]},
    )
    told = [other_id for found in sites for other_id in found.other_child_ids]
    for other in Child.objects.filter(pk__in=told).order_by("pk"):
        # The other site's record is not shown, but its existence is told: that site sees it in its trail.
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.VIEW,
            obj=other,
            purpose=PURPOSE,
            detail={"page": "other-sites", "for_child": child.pk, "disclosed": "site and coordinator contact"},
        )
    context = {"child": child, "sweep": sweep, "sites": sites}
    return render(request, "people/linkage/other_sites.html", context)
