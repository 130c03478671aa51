"""Possible earlier records of the child, where triage is decided: the evidence in plain words, and the
coordinator's answer ("This is the same child" or "Not the same child") given there.

The search runs in the background (`tasks.find_possible_earlier_records`); these pages read what it kept.
Only records at sites where the user decides links are shown (`people.linkage`, the possible-matches
page's rule). Deciding goes through the linkage services (`people.services`), which check the user may
decide at both records' sites, record the decision with the match as scored and audit it on both records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import add_to_form
from childnrm.people import linkage, services
from childnrm.people.linkage_reasons import evidence_line
from childnrm.people.models import Child, LinkStatus, PossibleEarlierRecord
from childnrm.people.selectors import same_child_references
from childnrm.referrals.models import Referral
from childnrm.referrals.selectors import referral_get_for_triage
from childnrm.triage.forms import EarlierRecordForm

TRIAGE_SHOWN = 3  # the best few at triage; the possible-matches page lists every one
LINK_PURPOSE = PURPOSES[Perm.CHILD_LINK]
ANCHOR = "possible-earlier-records"  # the triage page's section


@dataclass(frozen=True)
class EarlierRecord:
    """One possible earlier record as the triage page shows it: the record and the evidence in plain words."""

    record: PossibleEarlierRecord
    child: Child
    evidence: str


def _shown(record: PossibleEarlierRecord) -> EarlierRecord:
    return EarlierRecord(record=record, child=record.earlier, evidence=evidence_line(record.words))


def _audit_shown(request: HttpRequest, referral: Referral, shown: list[Child], page: str) -> None:
    """Part of each other record is shown (name, date of birth): each is a view of that record, audited."""
    for other in shown:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.VIEW,
            obj=other,
            purpose=LINK_PURPOSE,
            detail={"page": page, "referral": referral.pk, "for_child": referral.child_id},
        )


def earlier_records_context(request: HttpRequest, referral: Referral) -> dict:
    """What the triage page shows of the child's possible earlier records: the best few still to decide."""
    child = referral.child
    if child is None or not has_perm(request.user, Perm.CHILD_LINK, child.site_id):
        return {"earlier_records": [], "earlier_records_more": 0, "earlier_records_can_link": False}
    found = linkage.possible_earlier_records_for(request.user, referral.pk)
    shown = [_shown(r) for r in found[:TRIAGE_SHOWN]]
    _audit_shown(request, referral, [e.child for e in shown], page="triage")
    return {
        "earlier_records": shown,
        "earlier_records_more": len(found) - len(shown),
        "earlier_records_can_link": True,
        # Records already linked as the same child, directly or through other links (references only).
        "earlier_records_linked": same_child_references(request.user, child),
    }


def _done_message(decision: str, referral: Referral, other: Child) -> str:
    if decision == "link":
        message = gettext("%(earlier)s is linked as an earlier record of the child referred in %(referral)s")
    else:
        message = gettext("%(earlier)s is recorded as not the same child as the child referred in %(referral)s")
    return message % {"earlier": other.reference, "referral": referral.reference}


@requires(Perm.REFERRAL_TRIAGE)
@require_POST
def earlier_record_decide(request: HttpRequest, referral_reference: str, reference: str) -> HttpResponse:
    """Link or reject one possible earlier record from the triage page; back there when done.

    A refused answer (no reason to reject) is shown on a page of its own, with that record and the form.
    """
    referral = referral_get_for_triage(request.user, referral_reference)
    if referral.child is None:
        raise PermissionDenied
    record = linkage.possible_earlier_record_get(request.user, referral.pk, reference)
    form = EarlierRecordForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.child_link_decide(
                child=referral.child,
                other=record.earlier,
                status=LinkStatus.LINKED if decision == "link" else LinkStatus.REJECTED,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except PermissionError:
            raise PermissionDenied
        except services.LinkDecisionError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, _done_message(decision, referral, record.earlier))
            return redirect(reverse("triage:triage", args=[referral.reference]) + f"#{ANCHOR}")
    _audit_shown(request, referral, [record.earlier], page="triage: possible earlier record")
    return render(
        request,
        "triage/earlier_record.html",
        {"referral": referral, "earlier": _shown(record), "form": form},
    )
