"""The evidence library's pages: search, an item and its versions, submitting and moderating."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.services import Action, audit_record
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form
from childnrm.kit.pending import UploadKeeper
from childnrm.learning import selectors, services
from childnrm.learning.forms import LibraryItemForm, LibrarySearchForm, RejectForm
from childnrm.learning.models import LibraryItemVersion
from childnrm.referrals.documents import EXTENSIONS
from childnrm.referrals.forms import document_keep_check

PAGE_SIZE = 20


@requires(Perm.LIBRARY_READ)
def library(request: HttpRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET or None)
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
        request=request,
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
            version = services.library_item_submit(user=request.user, answers=form.answers(), request=request)
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            form.kept_uploads_attached()
            messages.success(request, f"“{version.title}” was sent for moderation")
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
                item=found, user=request.user, answers=form.answers(), request=request
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            form.kept_uploads_attached()
            messages.success(request, f"Version {version.number} of “{version.title}” was sent for moderation")
            return redirect("learning:item", library_item_id=found.pk)
    return _item_form_page(request, form, revising=latest)


@requires(Perm.LIBRARY_SUBMIT, Perm.LIBRARY_MODERATE)
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submissions_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/mine.html", {"page": page})


@requires(Perm.LIBRARY_MODERATE)
def moderation(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.moderation_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/moderation.html", {"page": page})


@requires(Perm.LIBRARY_MODERATE)
def moderate(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    reject_form = RejectForm()
    published = version.item.published
    return render(
        request,
        "learning/moderate.html",
        {"version": version, "published": published, "reject_form": reject_form, "error_links": []},
    )


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def approve(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    try:
        services.library_version_approve(version=version, user=request.user, request=request)
    except services.LibraryError as problem:
        messages.error(request, str(problem))
        return redirect("learning:moderate", library_version_id=version.pk)
    messages.success(request, f"“{version.title}” is published to every site")
    return redirect("learning:moderation")


@requires(Perm.LIBRARY_MODERATE)
@require_POST
def reject(request: HttpRequest, library_version_id: int) -> HttpResponse:
    version = selectors.waiting_version_get(request.user, library_version_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.library_version_reject(
                version=version, user=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except services.LibraryError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, f"“{version.title}” was returned to its author with your reasons")
            return redirect("learning:moderation")
    return render(
        request,
        "learning/moderate.html",
        {
            "version": version,
            "published": version.item.published,
            "reject_form": form,
            "error_links": form.error_links(),
        },
        status=200,
    )
