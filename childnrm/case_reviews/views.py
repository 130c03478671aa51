"""Pages of a site's case reviews: the list, recording a review, its page, its cases, learning points,
recommendations and actions, and "Your case review actions" for their owners.

Thin views: parse the form, call a service, render. Every page that shows a review writes an audit event
against each case it is about; every change writes one in its service.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.case_reviews import selectors, services
from childnrm.case_reviews.forms import (
    ActionForm,
    ActionOwnerForm,
    ActionUpdateForm,
    CasesAddForm,
    LearningPointForm,
    RecommendationForm,
    RecommendationStatusForm,
    ReviewCreateForm,
    ReviewDetailsForm,
    ReviewStatusForm,
)
from childnrm.case_reviews.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CaseReview,
    RecommendationStatus,
    ReviewAction,
    ReviewStatus,
)
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message

PAGE_SIZE = 25
ACTION_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.CANCELLED: "govuk-tag--grey",
}
RECOMMENDATION_TAGS = {
    RecommendationStatus.PROPOSED: "govuk-tag--grey",
    RecommendationStatus.ACCEPTED: "govuk-tag--blue",
    RecommendationStatus.IMPLEMENTED: "govuk-tag--green",
    RecommendationStatus.NOT_ACCEPTED: "govuk-tag--yellow",
}
STATUS_TAGS = {ReviewStatus.IN_PROGRESS: "govuk-tag--blue", ReviewStatus.COMPLETED: "govuk-tag--green"}


def _view_audit(request: HttpRequest, review: CaseReview, page: str, **detail) -> None:
    services.audit_review(
        audit=AuditContext.from_request(request),
        user=request.user,
        action=Action.VIEW,
        review=review,
        purpose=selectors.purpose_for(request.user, review),
        detail={"page": page, **detail},
    )


def _name_and_organisation(user) -> str:
    return f"{user.full_name}, {user.organisation.display_name}" if user.organisation else user.full_name


def overdue(action: ReviewAction, today: date) -> bool:
    return action.status in OPEN_ACTION_STATUSES and action.due_on < today


# The site's reviews -------------------------------------------------------------------------------------


@requires(Perm.CASE_REVIEW_VIEW)
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = selectors.reviews_visible(request.user).select_related("site").order_by("-started_on", "-id")
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=CaseReview._meta.label_lower,
        purpose=PURPOSES[Perm.CASE_REVIEW_VIEW],
        detail={"page": page.number, "ids": [r.pk for r in page.object_list]},
    )
    return render(
        request,
        "case_reviews/list.html",
        {
            "page": page,
            "tags": STATUS_TAGS,
            "may_record": has_perm(request.user, Perm.CASE_REVIEW_MANAGE),
            "several_sites": len({r.site_id for r in page.object_list}) > 1,
        },
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def review_create(request: HttpRequest) -> HttpResponse:
    form = ReviewCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.case_review_create(
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                started_on=data["started_on"],
                summary=data["summary"],
                case_references=form.references(),
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Case review %(reference)s recorded") % {"reference": review.reference})
            return redirect("case_reviews:detail", case_review_id=review.pk)
    return render(request, "case_reviews/review_form.html", {"form": form, "review": None})


@requires(Perm.CASE_REVIEW_VIEW)
def review_detail(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = selectors.review_get(request.user, case_review_id)
    today = timezone.localdate()
    cases = list(selectors.cases_of(review))
    recommendations = list(review.recommendations.all())
    actions = list(review.actions.select_related("owner", "owner__organisation", "recommendation"))
    _view_audit(request, review, "case review")
    manages = selectors.may_manage(request.user, review)
    return render(
        request,
        "case_reviews/detail.html",
        {
            "review": review,
            "cases": cases,
            # The review goes on; its cases retention anonymised are said to be, so nothing more is written of them.
            "anonymised": [case_anonymised_message(c.referral) for c in cases if case_anonymised(c.referral)],
            "learning_points": list(review.learning_points.all()),
            "recommendations": recommendations,
            "numbers": {r.pk: i for i, r in enumerate(recommendations, start=1)},
            "actions": [(a, overdue(a, today), ACTION_TAGS[a.status]) for a in actions],
            "manages": manages,
            "status_tag": STATUS_TAGS[review.status],
            "recommendation_tags": RECOMMENDATION_TAGS,
            "status_form": ReviewStatusForm(initial={"status": review.status}) if manages else None,
        },
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def review_change(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = selectors.review_for_managing(request.user, case_review_id)
    initial = {n: getattr(review, n) for n in ("kind", "title", "started_on", "summary")}
    form = ReviewDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_review_change(
                review=review,
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                started_on=data["started_on"],
                summary=data["summary"],
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Review details saved"))
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        _view_audit(request, review, "change case review")
    return render(request, "case_reviews/review_form.html", {"form": form, "review": review})


@requires(Perm.CASE_REVIEW_MANAGE)
@require_POST
def review_status(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = selectors.review_for_managing(request.user, case_review_id)
    form = ReviewStatusForm(request.POST)
    if form.is_valid():
        services.case_review_status_set(
            review=review,
            user=request.user,
            status=form.cleaned_data["status"],
            audit=AuditContext.from_request(request),
        )
        messages.success(
            request,
            gettext("Review marked as %(status)s")
            % {"status": ReviewStatus(form.cleaned_data["status"]).label.lower()},
        )
    else:
        messages.error(request, gettext("Select the review's status"))
    return redirect("case_reviews:detail", case_review_id=review.pk)


@requires(Perm.CASE_REVIEW_MANAGE)
def cases_add(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = selectors.review_for_managing(request.user, case_review_id)
    form = CasesAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.case_review_cases_add(
                review=review,
                user=request.user,
                case_references=form.references(),
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            if added:
                messages.success(
                    request,
                    ngettext("%(count)s case added to the review", "%(count)s cases added to the review", len(added))
                    % {"count": len(added)},
                )
            else:
                messages.info(request, gettext("The review was already about those cases"))
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        _view_audit(request, review, "add cases")
    return render(
        request,
        "case_reviews/text_form.html",
        {
            "form": form,
            "review": review,
            "heading": gettext("Add cases to the review"),
            "button": gettext("Add cases"),
            "field_name": "cases",
        },
    )


def _text_page(request: HttpRequest, review: CaseReview, form, heading: str, button: str) -> HttpResponse:
    return render(
        request,
        "case_reviews/text_form.html",
        {"form": form, "review": review, "heading": heading, "button": button, "field_name": "text"},
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def learning_point_add(request: HttpRequest, case_review_id: int) -> HttpResponse:
    return _text_add(
        request,
        case_review_id,
        LearningPointForm,
        services.learning_point_add,
        what="learning point",
        added=gettext("Learning point added"),
        heading=gettext("Add a learning point"),
        button=gettext("Add learning point"),
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def recommendation_add(request: HttpRequest, case_review_id: int) -> HttpResponse:
    return _text_add(
        request,
        case_review_id,
        RecommendationForm,
        services.recommendation_add,
        what="recommendation",
        added=gettext("Recommendation added"),
        heading=gettext("Add a recommendation"),
        button=gettext("Add recommendation"),
    )


def _text_add(
    request: HttpRequest, case_review_id: int, form_class, add, *, what: str, added: str, heading: str, button: str
) -> HttpResponse:
    """Add one piece of text to a review (a learning point, a recommendation): the same page and rules."""
    review = selectors.review_for_managing(request.user, case_review_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(
                review=review,
                user=request.user,
                text=form.cleaned_data["text"],
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, added)
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        _view_audit(request, review, f"new {what}")
    return _text_page(request, review, form, heading, button)


@requires(Perm.CASE_REVIEW_MANAGE)
def recommendation_status(request: HttpRequest, case_review_recommendation_id: int) -> HttpResponse:
    recommendation = selectors.recommendation_for_managing(request.user, case_review_recommendation_id)
    review = recommendation.review
    form = RecommendationStatusForm(request.POST or None, initial={"status": recommendation.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_status_set(
                recommendation=recommendation,
                user=request.user,
                status=form.cleaned_data["status"],
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Recommendation status saved"))
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        _view_audit(request, review, "recommendation status", recommendation=recommendation.pk)
    return render(
        request,
        "case_reviews/recommendation_status.html",
        {"form": form, "review": review, "recommendation": recommendation},
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def action_add(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = selectors.review_for_managing(request.user, case_review_id)
    form = ActionForm(
        request.POST or None,
        owners=selectors.owner_candidates(review.site_id),
        recommendations=review.recommendations.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_add(
                review=review,
                user=request.user,
                description=form.cleaned_data["description"],
                owner=form.chosen_owner(),
                due_on=form.cleaned_data["due_on"],
                recommendation=form.chosen_recommendation(),
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Action added for %(name)s") % {"name": action.owner.full_name})
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        _view_audit(request, review, "new case review action")
    return render(request, "case_reviews/action_form.html", {"form": form, "review": review})


# Actions ------------------------------------------------------------------------------------------------


@requires(Perm.CASE_REVIEW_VIEW, Perm.CASE_REVIEW_ACTION_UPDATE)
def action_detail(request: HttpRequest, case_review_action_id: int) -> HttpResponse:
    action = selectors.action_get(request.user, case_review_action_id)
    return _action_page(request, action, None)


def _action_page(request: HttpRequest, action: ReviewAction, form: ActionUpdateForm | None) -> HttpResponse:
    review = action.review
    may_update = selectors.may_update_action(request.user, action)
    manages = selectors.may_manage(request.user, review)
    if may_update and form is None:
        form = ActionUpdateForm(initial={"status": action.status}, can_cancel=manages)
    updates = list(
        action.updates.select_related("actor", "actor__organisation", "from_owner", "to_owner").order_by("-at", "-id")
    )
    _view_audit(request, review, "case review action", action=action.pk)
    return render(
        request,
        "case_reviews/action.html",
        {
            "action": action,
            "review": review,
            "updates": updates,
            "form": form if may_update else None,
            "sees_review": has_perm(request.user, Perm.CASE_REVIEW_VIEW, review.site_id),
            "may_change_owner": manages and action.status in OPEN_ACTION_STATUSES,
            "overdue": overdue(action, timezone.localdate()),
            "tag": ACTION_TAGS[action.status],
        },
    )


@requires(Perm.CASE_REVIEW_MANAGE, Perm.CASE_REVIEW_ACTION_UPDATE)
def action_update(request: HttpRequest, case_review_action_id: int) -> HttpResponse:
    action = selectors.action_for_update(request.user, case_review_action_id)
    if request.method != "POST":
        return redirect("case_reviews:action", case_review_action_id=action.pk)
    form = ActionUpdateForm(request.POST, can_cancel=selectors.may_manage(request.user, action.review))
    if form.is_valid():
        try:
            update = services.action_update(
                action=action,
                user=request.user,
                to_status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                audit=AuditContext.from_request(request),
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            if update.from_status != update.to_status:
                messages.success(
                    request, gettext("Action marked as %(status)s") % {"status": update.get_to_status_display().lower()}
                )
            else:
                messages.success(request, gettext("Progress note added"))
            return redirect("case_reviews:action", case_review_action_id=action.pk)
    action.refresh_from_db()
    return _action_page(request, action, form)


@requires(Perm.CASE_REVIEW_MANAGE)
def action_owner(request: HttpRequest, case_review_action_id: int) -> HttpResponse:
    """Give an action a new owner: one question, on the page the review's other one-question forms use."""
    action = selectors.action_for_managing(request.user, case_review_action_id)
    review = action.review
    form = ActionOwnerForm(
        request.POST or None, owners=selectors.owner_candidates(review.site_id).exclude(pk=action.owner_id)
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_owner()
        try:
            services.action_owner_change(
                action=action, user=request.user, owner=chosen, audit=AuditContext.from_request(request)
            )
        except services.CaseReviewError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("%(name)s now owns the action") % {"name": chosen.full_name})
            return redirect("case_reviews:action", case_review_action_id=action.pk)
    if request.method != "POST":
        _view_audit(request, review, "new owner of a case review action", action=action.pk)
    owner = action.owner
    return render(
        request,
        "case_reviews/text_form.html",
        {
            "form": form,
            "review": review,
            "heading": gettext("Give the action a new owner"),
            "button": gettext("Save new owner"),
            "field_name": "owner",
            "back": (reverse("case_reviews:action", args=[action.pk]), gettext("Back to the action")),
            "inset": [
                action.description,
                gettext("Its owner now: %(name)s") % {"name": _name_and_organisation(owner)},
            ],
        },
    )


@requires(Perm.CASE_REVIEW_ACTION_UPDATE)
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    show = "all" if request.GET.get("show") == "all" else "open"
    actions = selectors.actions_owned_by(request.user)
    if show == "open":
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    page = Paginator(actions.order_by("due_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, overdue(a, today), ACTION_TAGS[a.status]) for a in page.object_list]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=ReviewAction._meta.label_lower,
        purpose=PURPOSES[Perm.CASE_REVIEW_ACTION_UPDATE],
        detail={"page": page.number, "ids": [a.pk for a, _, _ in rows]},
    )
    return render(
        request,
        "case_reviews/my_actions.html",
        {"page": page, "rows": rows, "show": show, "query_prefix": f"show={show}&"},
    )
