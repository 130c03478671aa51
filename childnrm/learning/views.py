"""The evidence library's pages: search, an item and its versions, submitting and moderating."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.case_reviews import selectors as review_selectors
from childnrm.case_reviews import services as review_services
from childnrm.feedback import selectors as feedback_selectors
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form
from childnrm.kit.pending import UploadKeeper
from childnrm.learning import selectors, services
from childnrm.learning.forms import LearningLogForm, LibraryItemForm, LibrarySearchForm, RejectForm, ReviewSummaryForm
from childnrm.learning.models import LibraryItemVersion, ReviewSummary, Theme, VersionStatus, audience_choices
from childnrm.referrals.documents import EXTENSIONS
from childnrm.referrals.forms import document_keep_check
from childnrm.training.selectors import upcoming_sessions

PAGE_SIZE = 20


def audience_choices_for(user, choices) -> list[tuple[str, str]]:
    """A form's audience choices (with or without "Anyone") with the guardians named as the user's nation does."""
    words = dict(audience_choices(nations.nation_of_user(user)))
    return [(code, words.get(code, label)) for code, label in choices]


@requires(Perm.LIBRARY_READ)
def library(request: HttpRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET or None)
    form.fields["audience"].choices = audience_choices_for(request.user, form.fields["audience"].choices)
    filters = form.filters() if request.GET else selectors.LibraryFilters()
    results = selectors.library_search(filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "learning/library.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "searched": bool(kept),
            "query_prefix": urlencode(kept) + "&" if kept else "",
            "may_moderate": has_perm(request.user, Perm.LIBRARY_MODERATE),
            "waiting": selectors.moderation_queue(request.user).count()
            + selectors.summary_moderation_queue(request.user).count()
            if has_perm(request.user, Perm.LIBRARY_MODERATE)
            else 0,
        },
    )


@requires(Perm.LIBRARY_READ)
def item(request: HttpRequest, library_item_id: int) -> HttpResponse:
    found = selectors.item_get(request.user, library_item_id)
    versions = list(selectors.versions_visible(request.user, found))
    shown = found.published or (versions[0] if versions else None)
    if shown is None:
        raise Http404
    return render(
        request,
        "learning/item.html",
        {
            "item": found,
            "version": shown,
            "versions": versions,
            "reader_nation": nations.nation_of_user(request.user),
            "may_revise": found.created_by_id == request.user.pk
            or has_perm(request.user, Perm.LIBRARY_MODERATE, found.site_id),
        },
    )


@requires(Perm.LIBRARY_READ)
def version_file(request: HttpRequest, library_item_id: int, library_version_id: int) -> HttpResponse:
    found = selectors.item_get(request.user, library_item_id)
    version = selectors.versions_visible(request.user, found).filter(pk=library_version_id).first()
    if version is None or not version.file:
        raise Http404
    content = stored_file_open(version.file)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=version,
        site_id=found.site_id,
        purpose=PURPOSES[Perm.LIBRARY_READ],
        detail={"library_item": found.pk},
    )
    return download_response(
        content=content,
        filename=version.file_name or f"library-item-{found.pk}",
        extension=EXTENSIONS.get(version.file_content_type, "bin"),
        content_type=version.file_content_type,
    )


def _item_form_page(
    request: HttpRequest, form: LibraryItemForm, *, revising: LibraryItemVersion | None
) -> HttpResponse:
    form.fields["audiences"].choices = audience_choices_for(request.user, form.fields["audiences"].choices)
    return render(
        request,
        "learning/item_form.html",
        {"form": form, "error_links": form.error_links(), "revising": revising},
    )


def _keeper(request: HttpRequest, scope: str) -> UploadKeeper:
    return UploadKeeper(owner=request.user, scope=f"learning:{scope}", check=document_keep_check)


@requires(Perm.LIBRARY_SUBMIT)
def submit(request: HttpRequest) -> HttpResponse:
    form = LibraryItemForm(request.POST or None, request.FILES or None, keeper=_keeper(request, "submit"))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.library_item_submit(
                user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            form.kept_uploads_attached()
            messages.success(request, gettext("“%(title)s” was sent for moderation") % {"title": version.title})
            return redirect("learning:mine")
    return _item_form_page(request, form, revising=None)


@requires(Perm.LIBRARY_SUBMIT, Perm.LIBRARY_MODERATE)
def revise(request: HttpRequest, library_item_id: int) -> HttpResponse:
    found = selectors.item_get(request.user, library_item_id)
    latest = found.versions.order_by("-number").first()
    if latest is None:
        raise Http404
    if not (found.created_by_id == request.user.pk or has_perm(request.user, Perm.LIBRARY_MODERATE, found.site_id)):
        raise Http404
    form = LibraryItemForm(
        request.POST or None,
        request.FILES or None,
        initial=LibraryItemForm.initial_for(latest),
        keep_file_of=latest,
        keeper=_keeper(request, f"revise:{found.pk}"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.library_item_revise(
                item=found, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            form.kept_uploads_attached()
            messages.success(
                request,
                gettext("Version %(number)s of “%(title)s” was sent for moderation")
                % {"number": version.number, "title": version.title},
            )
            return redirect("learning:item", library_item_id=found.pk)
    return _item_form_page(request, form, revising=latest)


@requires(Perm.LIBRARY_SUBMIT, Perm.LIBRARY_MODERATE)
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submissions_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/mine.html", {"page": page})


@requires(Perm.LIBRARY_MODERATE)
def moderation(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.moderation_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # Case review summaries wait beside library items; a site sends few, so they are listed whole.
    summaries = list(selectors.summary_moderation_queue(request.user))
    return render(request, "learning/moderation.html", {"page": page, "summaries": summaries})


def _moderation_page(request: HttpRequest, version: LibraryItemVersion, form: RejectForm) -> HttpResponse:
    """The version to moderate, with a warning naming what in it matches a child known to the service (looked up
    here, not when it was submitted; the look-up is audited)."""
    named = services.library_version_names_check(
        version=version, user=request.user, audit=AuditContext.from_request(request)
    )
    return render(
        request,
        "learning/moderate.html",
        {
            "version": version,
            "published": version.item.published,
            "reject_form": form,
            "error_links": form.error_links(),
            "named": services.item_named_message(named) if named else "",
            "reader_nation": nations.nation_of_user(request.user),
        },
    )


@requires(Perm.LIBRARY_MODERATE)
def moderate(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    return _moderation_page(request, version, RejectForm())


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def approve(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    try:
        services.library_version_approve(version=version, user=request.user, audit=AuditContext.from_request(request))
    except services.LibraryError as problem:
        messages.error(request, str(problem))
        return redirect("learning:moderate", library_version_id=version.pk)
    messages.success(request, gettext("“%(title)s” is published to every site") % {"title": version.title})
    return redirect("learning:moderation")


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def reject(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.library_version_reject(
                version=version,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("“%(title)s” was returned to its author with your reasons") % {"title": version.title}
            )
            return redirect("learning:moderation")
    return _moderation_page(request, version, form)


# Case review summaries and the learning log (issue 12 item 2) ---------------------------------------------


@requires(Perm.LIBRARY_READ)
def learning_log(request: HttpRequest) -> HttpResponse:
    sites = list(Site.objects.filter(active=True).order_by("name"))
    form = LearningLogForm(request.GET or None, sites=sites)
    theme, site = form.chosen() if request.GET else ("", None)
    summaries = selectors.learning_log(theme=theme, site_id=site.pk if site else None)
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    counts = selectors.theme_counts()
    return render(
        request,
        "learning/log.html",
        {
            "form": form,
            "page": page,
            "theme": theme,
            "theme_label": Theme(theme).label if theme else "",
            "site": site,
            "themes": [(value, label, counts[value]) for value, label in Theme.choices if counts.get(value)],
            "query_prefix": urlencode(kept) + "&" if kept else "",
        },
    )


@requires(Perm.LIBRARY_READ, Perm.CASE_REVIEW_VIEW)
def summary(request: HttpRequest, review_summary_id: int) -> HttpResponse:
    found = selectors.summary_get(request.user, review_summary_id)
    return render(
        request,
        "learning/summary.html",
        {"summary": found, "may_change": selectors.summary_may_be_changed(request.user, found)},
    )


@requires(Perm.CASE_REVIEW_MANAGE)
def summary_submit(request: HttpRequest, case_review_id: int) -> HttpResponse:
    review = review_selectors.review_for_managing(request.user, case_review_id)
    earlier = selectors.summaries_of_review(review.pk).first()
    if earlier is not None:
        initial = {n: getattr(earlier, n) for n in ("title", "summary", "learning", "themes")}
    else:  # a start from the review's own learning points, to be rewritten for every site
        initial = {"learning": "\n\n".join(p.text for p in review.learning_points.all())}
    # The moderator returned the latest summary: it is changed here and sent again, with their reasons in view.
    returned = earlier if earlier is not None and earlier.status == VersionStatus.REJECTED else None
    form = ReviewSummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_summary_submit(
                user=request.user,
                review=review,
                answers=form.answers(),
                revising=returned,
                audit=AuditContext.from_request(request),
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                gettext("The changed summary was sent again to your site's library moderators")
                if returned
                else gettext("The summary was sent to your site's library moderators"),
            )
            return redirect("case_reviews:detail", case_review_id=review.pk)
    if request.method != "POST":
        review_services.audit_review(
            audit=AuditContext.from_request(request),
            user=request.user,
            action=Action.VIEW,
            review=review,
            purpose=PURPOSES[Perm.CASE_REVIEW_MANAGE],
            detail={"page": "summary for the learning log"},
        )
    return render(
        request,
        "learning/summary_form.html",
        {"form": form, "error_links": form.error_links(), "review": review, "earlier": earlier, "returned": returned},
    )


def _summary_moderation_page(request: HttpRequest, found: ReviewSummary, form: RejectForm) -> HttpResponse:
    """The summary to moderate, with a warning for each part naming a child (looked up here and audited)."""
    published = selectors.published_summaries().filter(review_id=found.review_id).first()
    named = services.review_summary_names_check(
        summary=found, user=request.user, audit=AuditContext.from_request(request)
    )
    return render(
        request,
        "learning/summary_moderate.html",
        {
            "summary": found,
            "published": published,
            "reject_form": form,
            "error_links": form.error_links(),
            "named": [message for _field, message in named],
        },
    )


@requires(Perm.LIBRARY_MODERATE)
def summary_moderate(request: HttpRequest, review_summary_id: int) -> HttpResponse:
    found = selectors.waiting_summary_get(request.user, review_summary_id)
    return _summary_moderation_page(request, found, RejectForm())


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def summary_approve(request: HttpRequest, review_summary_id: int) -> HttpResponse:
    found = selectors.waiting_summary_get(request.user, review_summary_id)
    try:
        services.review_summary_approve(summary=found, user=request.user, audit=AuditContext.from_request(request))
    except services.LibraryError as problem:
        messages.error(request, str(problem))
        return redirect("learning:summary-moderate", review_summary_id=found.pk)
    messages.success(request, gettext("“%(title)s” is published to every site's learning log") % {"title": found.title})
    return redirect("learning:moderation")


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def summary_reject(request: HttpRequest, review_summary_id: int) -> HttpResponse:
    found = selectors.waiting_summary_get(request.user, review_summary_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.review_summary_reject(
                summary=found,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("“%(title)s” was returned to its author with your reasons") % {"title": found.title}
            )
            return redirect("learning:moderation")
    return _summary_moderation_page(request, found, form)


# The community of practice's home (issue 12 item 5) ---------------------------------------------------------

RECENT = 5
FEEDBACK_MONTHS_DAYS = 365


@requires(Perm.LIBRARY_READ)
def community(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    own_sites = sites_where(request.user, Perm.LIBRARY_READ)
    home = Site.objects.filter(pk=own_sites[0]).first() if own_sites else None
    # What children told the user's own sites (counts with disclosure control), where they may see it.
    feedback_sites = feedback_selectors.summary_site_ids(request.user)
    feedback = None
    if feedback_sites:
        feedback = feedback_selectors.feedback_summary(
            feedback_sites, today - timedelta(days=FEEDBACK_MONTHS_DAYS), today
        )
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.VIEW,
            object_type="feedback.summary",
            purpose=PURPOSES[Perm.LIBRARY_READ],
            detail={"sites": feedback_sites, "page": "community"},
        )
    return render(
        request,
        "learning/community.html",
        {
            "items": selectors.recently_published_items(RECENT),
            "summaries": selectors.recently_published_summaries(RECENT),
            "sessions": upcoming_sessions(RECENT, site=home),
            "by_site": selectors.learning_by_site(),
            "feedback": feedback,
        },
    )
