"""Pages of outcome follow-up: a child's reviews and missing episodes, recording a review, recording a missing
episode, an owner's "Your outcome reviews" and the site's review schedule.

Thin views: parse the form, call a service, render. Every page that shows a child's data writes an audit
event; every change writes one in its service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts import selectors as account_selectors
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.outcomes import selectors, services
from childnrm.outcomes.forms import MissingEpisodeForm, ReviewForm, ScheduleForm
from childnrm.outcomes.models import (
    DefenceResult,
    Justice,
    MissingEpisode,
    OutcomeReview,
    Support,
)
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised_at, child_anonymised_message
from childnrm.referrals.vocab import ExploitationType

PAGE_SIZE = 25
VIEWERS = (Perm.OUTCOME_RECORD, Perm.OUTCOME_VIEW_SITE)


def _view_audit(request: HttpRequest, child: Child, page: str, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=selectors.purpose_for(request.user, child),
        detail={"page": page, **detail},
    )


@dataclass(frozen=True)
class ReviewRow:
    review: OutcomeReview
    state: str
    label: str
    tag: str


@dataclass(frozen=True)
class EpisodeRow:
    """A missing episode its owner has to act on: the child still missing, or their return home interview awaited."""

    episode: MissingEpisode
    due: date | None  # the interview's, once they are back
    label: str
    tag: str


def episode_row(episode: MissingEpisode, today: date) -> EpisodeRow:
    due = services.interview_due_by(episode)
    if due is None:
        return EpisodeRow(episode, None, gettext("Still missing"), "govuk-tag--red")
    label, tag = services.STATE_LABELS[services.ReviewState.OVERDUE if due < today else services.ReviewState.DUE]
    return EpisodeRow(episode, due, str(label), tag)


def review_row(review: OutcomeReview, today: date) -> ReviewRow:
    state = services.review_state(review, today)
    label, tag = services.STATE_LABELS[state]
    return ReviewRow(review, state, label, tag)


# The child's outcome reviews and missing episodes -----------------------------------------------------


def _anonymised(child: Child) -> str:
    """Why nothing more can be recorded about the child, if retention anonymised the child's record; else "": the
    pages say so instead of their forms and buttons (the services refuse the change too)."""
    anonymised_at = child_anonymised_at(child.pk)
    return child_anonymised_message(child.reference, anonymised_at) if anonymised_at is not None else ""


@requires(*VIEWERS)
def child_outcomes(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_get(request.user, reference)
    today = timezone.localdate()
    follow_up = selectors.follow_up_of(child)
    rows = [review_row(r, today) for r in selectors.reviews_of(child)]
    episodes = list(selectors.episodes_of(child))
    anonymised = _anonymised(child)
    _view_audit(request, child, "outcomes", reviews=[r.review.pk for r in rows], episodes=[e.pk for e in episodes])
    return render(
        request,
        "outcomes/child.html",
        {
            "child": child,
            "follow_up": follow_up,
            "schedule": services.describe_schedule(follow_up.months, follow_up.at_eighteen) if follow_up else "",
            "rows": rows,
            "to_do": sum(1 for r in rows if r.state in (services.ReviewState.DUE, services.ReviewState.OVERDUE)),
            "episodes": episodes,
            "interview_due": {e.pk: services.interview_due_by(e) for e in episodes},
            "owners": selectors.owner_labels(child),
            "may_record": selectors.may_record(request.user, child) and not anonymised,
            "anonymised": anonymised,
            "no_eighteen": bool(follow_up and follow_up.at_eighteen and child.date_of_birth is None),
        },
    )


# One review ---------------------------------------------------------------------------------------------


def _answers_for_display(review: OutcomeReview) -> list[tuple[str, str]]:
    """The recorded answers as the summary list shows them."""
    exploitation = {code: str(label) for code, label in ExploitationType.choices}  # lazy (translated) labels
    justice = dict(Justice.choices)
    support = dict(Support.choices)
    placement = review.get_placement_display()
    if review.placement_other:
        placement += f": {review.placement_other}"
    missing = review.get_went_missing_display()
    count = review.missing_episodes_recorded
    if count:
        missing += " " + ngettext("(%(count)s episode recorded)", "(%(count)s episodes recorded)", count) % {
            "count": count
        }
    exploited = review.get_further_exploitation_display()
    if review.exploitation_types:
        exploited += f": {', '.join(str(exploitation.get(t, t)) for t in review.exploitation_types)}"
    re_referred = review.get_re_referred_display()
    if review.re_referral_details:
        re_referred += f": {review.re_referral_details}"
    rows = [
        (gettext("Where they live"), placement),
        (gettext("Moves since the last review"), str(review.placement_moves)),
        (gettext("Placement stability"), review.get_placement_stability_display()),
        (gettext("Gone missing since the last review"), missing),
        (gettext("Referred to the NRM again"), re_referred),
        (gettext("Exploited again"), exploited),
        (gettext("Education, employment or training"), review.get_occupation_display()),
        (gettext("Criminal justice"), ", ".join(str(justice.get(j, j)) for j in review.justice)),
    ]
    if review.section_45_raised:
        defence = review.get_section_45_raised_display()
        if review.section_45_result:
            defence += f": {dict(DefenceResult.choices)[review.section_45_result].lower()}"
        rows.append((gettext("Section 45 defence raised"), defence))
    rows.append((gettext("Support received"), ", ".join(str(support.get(s, s)) for s in review.support)))
    if review.view_given:
        rows.append((gettext("The young person's view, in their words"), review.young_person_view))
    else:
        rows.append(
            (
                gettext("The young person's view"),
                gettext("Not given: %(reason)s") % {"reason": review.view_not_given_reason},
            )
        )
    return rows


def _review_page(request: HttpRequest, review: OutcomeReview, form: ReviewForm | None, episodes) -> HttpResponse:
    today = timezone.localdate()
    child = review.child
    anonymised = _anonymised(child)
    may_record = selectors.may_record(request.user, child) and not anonymised
    is_open = services.opens_on(review) <= today
    correcting = request.GET.get("change") == "1" or (form is not None and form.is_bound and review.done)
    if may_record and is_open and form is None and (not review.done or correcting):
        form = ReviewForm(initial=ReviewForm.initial_from(review) if review.done else None)
    show_form = may_record and is_open and form is not None
    _view_audit(request, child, "outcome review", review=review.pk)
    return render(
        request,
        "outcomes/review.html",
        {
            "child": child,
            "review": review,
            "row": review_row(review, today),
            "form": form if show_form else None,
            "answers": _answers_for_display(review) if review.done else [],
            "may_record": may_record,
            "anonymised": anonymised,
            "opens_on": services.opens_on(review),
            "is_open": is_open,
            "episodes": episodes,
            "period_start": services.period_start(review),
            # A recorded review's period ended when it was recorded; one not yet recorded runs to today.
            "period_end": services.period_end(review, today) if review.done else None,
        },
    )


@requires(*VIEWERS)
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    found = selectors.review_get(request.user, review_id)
    today = timezone.localdate()
    episodes = services.episodes_in_period(found, today)
    if request.method != "POST":
        return _review_page(request, found, None, episodes)
    if not selectors.may_record(request.user, found.child):
        raise PermissionDenied  # the coordinator reads the review; only its owners record it
    form = ReviewForm(request.POST, missing_recorded=len(episodes))
    if form.is_valid():
        try:
            saved = services.review_record(
                review=found, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.OutcomeError as problem:
            if problem.code == "not_open":
                messages.info(request, str(problem))
                return redirect("outcomes:review", review_id=found.pk)
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("%(review)s recorded") % {"review": saved.title})
            return redirect("outcomes:child", reference=found.child.reference)
    return _review_page(request, found, form, episodes)


# Missing episodes ----------------------------------------------------------------------------------------


def _episode_form_page(request, child: Child, form: MissingEpisodeForm, episode: MissingEpisode | None):
    _view_audit(request, child, "missing episode", episode=episode.pk if episode else None)
    return render(request, "outcomes/missing_form.html", {"child": child, "form": form, "episode": episode})


def _episode_save(request, child: Child, form: MissingEpisodeForm, episode: MissingEpisode | None):
    if form.is_valid():
        try:
            saved = services.missing_episode_record(
                child=child,
                user=request.user,
                data=form.cleaned_data,
                episode=episode,
                audit=AuditContext.from_request(request),
            )
        except services.OutcomeError as problem:
            form.add_service_error(problem)
        else:
            if episode is None:
                messages.success(request, gettext("Missing episode recorded"))
            elif saved.ended_on and not episode.ended_on:
                messages.success(request, gettext("Return recorded"))
            else:
                messages.success(request, gettext("Missing episode updated"))
            return redirect("outcomes:child", reference=child.reference)
    return _episode_form_page(request, child, form, episode)


@requires(Perm.OUTCOME_RECORD)
def missing_add(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_recording(request.user, reference)
    if request.method == "POST":
        return _episode_save(request, child, MissingEpisodeForm(request.POST, child=child), None)
    return _episode_form_page(request, child, MissingEpisodeForm(child=child), None)


@requires(Perm.OUTCOME_RECORD)
def missing_edit(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = selectors.episode_for_recording(request.user, episode_id)
    child = episode.child
    if request.method == "POST":
        form = MissingEpisodeForm(request.POST, child=child, episode=episode)
        return _episode_save(request, child, form, episode)
    form = MissingEpisodeForm(initial=MissingEpisodeForm.initial_from(episode), child=child, episode=episode)
    return _episode_form_page(request, child, form, episode)


# Your outcome reviews ---------------------------------------------------------------------------------


@requires(Perm.OUTCOME_RECORD)
def my_reviews(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(selectors.open_reviews_owned_by(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [review_row(r, today) for r in page.object_list]
    # The children missing and the interviews awaited: an owner's caseload has a few, all shown on every page.
    episodes = [episode_row(e, today) for e in selectors.episodes_to_follow_up_owned_by(request.user)]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=OutcomeReview._meta.label_lower,
        purpose=PURPOSES[Perm.OUTCOME_RECORD],
        detail={"page": page.number, "ids": [r.review.pk for r in rows], "episodes": [e.episode.pk for e in episodes]},
    )
    return render(request, "outcomes/mine.html", {"page": page, "rows": rows, "episodes": episodes})


# The site's schedule ----------------------------------------------------------------------------------


@requires(Perm.SITE_POLICY_MANAGE)
def schedules(request: HttpRequest) -> HttpResponse:
    sites = list(account_selectors.sites_with_policy_for(request.user))
    if len(sites) == 1:
        return redirect("outcomes:schedule", site_slug=sites[0].slug)
    rows = [(site, services.describe_schedule(*services.site_schedule(site))) for site in sites]
    return render(request, "outcomes/schedules.html", {"rows": rows})


@requires(Perm.SITE_POLICY_MANAGE)
def schedule(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = account_selectors.site_for_policy_admin(request.user, site_slug)
    months, at_eighteen = services.site_schedule(site)
    initial = {"months": ", ".join(str(m) for m in months), "at_eighteen": at_eighteen}
    form = ScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_set(
                site=site,
                user=request.user,
                months=form.cleaned_data["months"],
                at_eighteen=form.cleaned_data["at_eighteen"],
                audit=AuditContext.from_request(request),
            )
        except services.OutcomeError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Outcome review schedule saved"))
            return redirect("outcomes:schedule", site_slug=site.slug)
    return render(
        request,
        "outcomes/schedule.html",
        {"site": site, "form": form, "current": services.describe_schedule(months, at_eighteen)},
    )
