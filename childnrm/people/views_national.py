"""Reviewing the national sweep's pairs at two sites: a coordinator's queue, and one pair's review page.

Minimum disclosure throughout (ADR 0029 and its amendments): the coordinator sees their own site's record, the
other site's name and whom to contact there, and where the review stands; never the other record.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.decorators import requires
from childnrm.access.policy import Perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.forms import GovukFormMixin
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.people import linkage, linkage_national
from childnrm.people import national_review as reviews
from childnrm.people.models import Child, NationalReviewOutcome, NationalReviewStatus
from childnrm.people.services import child_record_closed_message

PAGE_SIZE = 25
REASON_MAX = 2_000


class NationalReviewForm(GovukFormMixin, forms.Form):
    """What the coordinator found about one pair, and why (required: the other site and the audit rely on it)."""

    non_field_anchor = "id_outcome_0"

    outcome = forms.ChoiceField(
        label=_("What have you found?"),
        choices=NationalReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you found"), "invalid_choice": _("Choose what you found")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "For example, who you spoke to and what you compared. The other site sees what you found, "
            "who recorded it and when, but not this reason."
        ),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter the reason for what you found"),
            "max_length": _("The reason must be 2,000 characters or fewer"),
        },
    )


def _done_message(outcome: str, site_name: str) -> str:
    if outcome == NationalReviewStatus.SAME_CHILD:
        return welsh_format(gettext("Recorded: the same child as a record at %(site)s"), {"site": site_name})
    if outcome == NationalReviewStatus.NOT_SAME_CHILD:
        return welsh_format(gettext("Recorded: not the same child as the record at %(site)s"), {"site": site_name})
    return welsh_format(gettext("Recorded: you have contacted %(site)s"), {"site": site_name})


@requires(Perm.CHILD_LINK)
def national_review(request: HttpRequest, reference: str, pair_key: str) -> HttpResponse:
    """One pair, from the record at the coordinator's site: the other site, whom to contact, the history of
    outcomes (the other site's without their reasons), and the form to record an outcome."""
    child = linkage.child_get_for_linking(request.user, reference)
    pair = reviews.pair_get_for_review(request.user, child, pair_key)
    other = (
        Child.objects.select_related("site")
        .only("pk", "site__name", "site__name_cy", "site__slug")
        .get(pk=pair.other_id(child))
    )
    # A pair with an anonymised record takes no outcome: the page says why instead of a form that always fails.
    closed = child_record_closed_message(child, other)
    form = NationalReviewForm(request.POST if request.method == "POST" and not closed else None)
    if not closed and request.method == "POST" and form.is_valid():
        try:
            reviews.review_record(
                pair=pair,
                child=child,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                audit=AuditContext.from_request(request),
            )
        except reviews.NationalReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, _done_message(form.cleaned_data["outcome"], other.site.display_name))
            return redirect("people:national-review", reference=child.reference, pair_key=pair.key)
    reviews.audit_pair_view(AuditContext.from_request(request), child, pair)
    context = {
        "child": child,
        "pair": pair,
        "other_site": other.site,
        "contacts": reviews.coordinator_contacts([other.site_id]).get(other.site_id, []),
        "history": reviews.history(pair),
        "form": form,
        "closed": closed,
    }
    return render(request, "people/linkage/national_review.html", context, status=400 if form.errors else 200)


@requires(Perm.CHILD_LINK)
def national_queue(request: HttpRequest) -> HttpResponse:
    """The open pairs at the coordinator's sites: newest first, then the likeliest."""
    page = Paginator(reviews.open_pairs_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = reviews.queue_rows(request.user, list(page.object_list))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="people.child",
        purpose=reviews.PURPOSE,
        detail={"page": "national-queue", "number": page.number, "ids": [r.child.pk for r in rows]},
    )
    for row in rows:
        # The other site's record is not shown, but its existence is told: that site sees it in its trail.
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.VIEW,
            object_type="people.child",
            object_id=str(row.other_child_id),
            site_id=row.other_site_id,
            purpose=reviews.PURPOSE,
            detail={"page": "national-queue", "for_child": row.child.pk, "disclosed": "site"},
        )
    context = {"page": page, "rows": rows, "sweep": linkage_national.latest_sweep()}
    return render(request, "people/linkage/national_queue.html", context)
