"""The first responder's journey: their referrals, a task list of sections, question pages, check and send.

Views only parse, call the services and render. Drafts are reached through `draft_get` (anyone
else's draft is a 404) and every page a referrer sees of a referral is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_date
from childnrm.kit.ids import posted_id
from childnrm.kit.pending import UploadKeeper
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.referrals import progress, selectors, services
from childnrm.referrals.answers import SECTIONS, Section, answer_sections
from childnrm.referrals.documents import MAX_DOCUMENT_BYTES, MESSAGE_TOO_BIG, DocumentRefused
from childnrm.referrals.forms import SECTION_FORMS, DocumentUploadForm, document_keep_check
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.progress import TRIAGE_OTHER_SITE, TRIAGE_SCA, triage_assessments_prefetch
from childnrm.referrals.services import ReferralStateError

MAKING = PURPOSES[Perm.REFERRAL_CREATE]
FOLLOWING = PURPOSES[Perm.REFERRAL_VIEW_OWN]
PAGE_SIZE = 25

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"


SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def section_status(referral: Referral, slug: str) -> str:
    """Completed once saved with "Save and continue"; In progress once saved part-way."""
    if slug in referral.sections_saved:
        return COMPLETED
    if f"{slug}:started" in referral.sections_saved:
        return IN_PROGRESS
    return NOT_STARTED


def sections_marked(saved: list[str], slug: str, *, complete: bool) -> list[str]:
    kept = [s for s in saved if s not in (slug, f"{slug}:started")]
    return [*kept, slug if complete else f"{slug}:started"]


def incomplete_sections(referral: Referral) -> list[Section]:
    return [s for s in SECTIONS if not s.optional and section_status(referral, s.slug) != COMPLETED]


def outcome_words(referral: Referral) -> str:
    """Who decides, in the referrer's words, once the coordinator has confirmed triage."""
    if referral.status == ReferralStatus.DRAFT:
        return ""
    assessment = next(iter(referral.triage_assessments.all()), None)
    if assessment is None or assessment.confirmed_at is None:
        return gettext("The panel coordinator is checking who should decide")
    outcome = assessment.final_outcome or assessment.outcome
    site = assessment.final_site or assessment.target_site
    decided = decision_words(referral)
    if decided:
        return decided
    if outcome == TRIAGE_SCA:
        return gettext("The Home Office Single Competent Authority will decide")
    if outcome == TRIAGE_OTHER_SITE and site is not None:
        return welsh_format(gettext("Sent to %(site)s, whose panel will decide"), {"site": site.display_name})
    if site:
        return gettext("%(site)s will decide") % {"site": site.display_name}
    return gettext("The local panel will decide")


STAGE_ORDER = {"reasonable_grounds": 1, "conclusive_grounds": 2}


def decision_words(referral: Referral) -> str:
    """The panel's latest final decision, as the referrer is told it (the decisions app records them;
    read through the reverse relation, prefetched, so this app does not import it)."""
    final = [d for d in referral.decisions.all() if d.status == "final"]
    if not final:
        return ""
    latest = max(final, key=lambda d: (STAGE_ORDER.get(d.stage, 0), d.version))
    # The decision words its own outcome for its stage (decisions.wording), as every page does.
    return gettext("%(stage)s decision on %(date)s. %(outcome)s") % {
        "stage": latest.get_stage_display(),
        "date": long_date(latest.decided_on),
        "outcome": latest.get_outcome_display(),
    }


def _audit_view(request: HttpRequest, referral: Referral, purpose: str, page: str) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=purpose,
        detail={"page": page},
    )


# Your referrals -----------------------------------------------------------------------------------


@requires(Perm.REFERRAL_CREATE, Perm.REFERRAL_VIEW_OWN)
def mine(request: HttpRequest) -> HttpResponse:
    own = selectors.referrals_made_by(request.user)
    drafts = list(own.filter(status=ReferralStatus.DRAFT).order_by("-updated_at", "-id"))
    submitted = (
        own.exclude(status=ReferralStatus.DRAFT)
        .select_related("site")
        .prefetch_related(
            triage_assessments_prefetch(),
            "decisions",
        )
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(submitted, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(r, outcome_words(r)) for r in page.object_list]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Referral._meta.label_lower,
        purpose=FOLLOWING,
        detail={"page": page.number, "ids": [d.pk for d in drafts] + [r.pk for r, _ in rows]},
    )
    return render(
        request,
        "referrals/journey/mine.html",
        {"drafts": drafts, "page": page, "rows": rows, "can_refer": has_perm(request.user, Perm.REFERRAL_CREATE)},
    )


@requires(Perm.REFERRAL_CREATE)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    referral = services.referral_start(user=request.user, audit=AuditContext.from_request(request))
    return redirect("referrals:task-list", draft_reference=referral.reference)


# The task list and question pages ----------------------------------------------------------------


@requires(Perm.REFERRAL_CREATE)
def task_list(request: HttpRequest, draft_reference: str) -> HttpResponse:
    referral = selectors.draft_get(request.user, draft_reference)
    documents = referral.documents.count()
    groups: dict[str, list[dict]] = {}
    for section in SECTIONS:
        status = section_status(referral, section.slug)
        if section.slug == "documents" and status == COMPLETED:
            # Shown as it is; "Completed" and the others are codes the template words.
            status = (
                ngettext("%(count)s added", "%(count)s added", documents) % {"count": documents}
                if documents
                else gettext("None added")
            )
        groups.setdefault(section.group, []).append(
            {"section": section, "status": status, "url": _section_url(referral, section.slug)}
        )
    incomplete = incomplete_sections(referral)
    completed = len([s for s in SECTIONS if section_status(referral, s.slug) == COMPLETED])
    _audit_view(request, referral, MAKING, "task-list")
    return render(
        request,
        "referrals/journey/task_list.html",
        {
            "referral": referral,
            "groups": groups,
            "completed": completed,
            "total": len(SECTIONS),
            "can_send": not incomplete,
        },
    )


def _section_url(referral: Referral, slug: str) -> str:
    if slug == "documents":
        return reverse("referrals:documents", kwargs={"draft_reference": referral.reference})
    return reverse("referrals:section", kwargs={"draft_reference": referral.reference, "referral_section": slug})


def _after_save(request: HttpRequest, referral: Referral, *, later: bool) -> HttpResponse:
    if later:
        messages.success(
            request,
            gettext("Your answers have been saved. Continue referral %(reference)s at any time.")
            % {"reference": referral.reference},
        )
        return redirect("referrals:mine")
    if request.GET.get("return") == "check":
        return redirect("referrals:check-answers", draft_reference=referral.reference)
    return redirect("referrals:task-list", draft_reference=referral.reference)


@requires(Perm.REFERRAL_CREATE)
def section(request: HttpRequest, draft_reference: str, referral_section: str) -> HttpResponse:
    referral = selectors.draft_get(request.user, draft_reference)
    form_class = SECTION_FORMS.get(referral_section)
    if form_class is None:
        raise Http404
    saved_others = False
    if request.method == "POST":
        later = "later" in request.POST
        form = form_class(request.POST, referral=referral, partial=later)
        valid = form.is_valid()
        # Leaving for later with an answer wrong still keeps the others: the draft keeps its stored answer for each
        # one in error, and the page shows what was typed, to correct.
        to_save = form if valid else form.with_stored_answers_for_errors() if later else None
        if to_save is not None:
            # "Save and come back later" on answers that are in fact complete still completes the section.
            complete = valid and (not later or form_class(request.POST, referral=referral).is_valid())
            fields = to_save.to_fields()
            fields["sections_saved"] = sections_marked(referral.sections_saved, referral_section, complete=complete)
            try:
                services.referral_save(
                    referral=referral, user=request.user, data=fields, audit=AuditContext.from_request(request)
                )
            except ReferralStateError as error:
                messages.info(request, str(error))
                return redirect("referrals:mine")
            if valid:
                return _after_save(request, referral, later=later)
            saved_others = True
    else:
        form = form_class(referral=referral)
    _audit_view(request, referral, MAKING, referral_section)
    return render(
        request,
        f"referrals/journey/section_{referral_section}.html",
        {
            "referral": referral,
            "form": form,
            "section": SECTION_BY_SLUG[referral_section],
            "organisation": referral.referrer_organisation,
            "saved_others": saved_others,
        },
    )


@requires(Perm.REFERRAL_CREATE)
def documents(request: HttpRequest, draft_reference: str) -> HttpResponse:
    """Upload evidence (one file at a time, with what it is), list it, remove it."""
    referral = selectors.draft_get(request.user, draft_reference)
    form = DocumentUploadForm()
    if request.method == "POST" and "remove" in request.POST:
        return _remove_document(request, referral)
    if request.method == "POST":
        later = "later" in request.POST
        # A file chosen before an error on this page is kept (kit.pending), for this referrer and draft only.
        keeper = UploadKeeper(owner=request.user, scope=f"referrals:documents:{referral.pk}", check=document_keep_check)
        form = DocumentUploadForm(request.POST, request.FILES, keeper=keeper)
        wants_upload = (
            "upload" in request.POST
            or bool(request.FILES)
            or request.POST.get("description", "").strip()
            or form.has_kept()  # a kept file is never dropped unseen by "Save and continue"
        )
        if wants_upload and form.is_valid() and _store(request, referral, form):
            form.kept_uploads_attached()
            if "upload" in request.POST:
                return redirect("referrals:documents", draft_reference=referral.reference)
            wants_upload = False  # stored: carry on to where the button leads
        if not wants_upload:
            # Documents are optional: leaving for later never undoes a section already completed.
            complete = not later or section_status(referral, "documents") == COMPLETED
            saved = sections_marked(referral.sections_saved, "documents", complete=complete)
            try:
                services.referral_save(
                    referral=referral,
                    user=request.user,
                    data={"sections_saved": saved},
                    audit=AuditContext.from_request(request),
                )
            except ReferralStateError as error:
                messages.info(request, str(error))
                return redirect("referrals:mine")
            return _after_save(request, referral, later=later)
    _audit_view(request, referral, MAKING, "documents")
    return render(
        request,
        "referrals/journey/documents.html",
        {
            "referral": referral,
            "form": form,
            "documents": referral.documents.order_by("uploaded_at", "id"),
            "section": SECTION_BY_SLUG["documents"],
        },
    )


def _store(request: HttpRequest, referral: Referral, form: DocumentUploadForm) -> bool:
    upload = form.cleaned_data["file"]
    if upload.size > MAX_DOCUMENT_BYTES:  # refused before reading it into memory
        form.add_error("file", MESSAGE_TOO_BIG)
        return False
    try:
        document = services.referral_document_add(
            referral=referral,
            user=request.user,
            file=upload,
            original_name=upload.name,
            description=form.cleaned_data["description"],
            audit=AuditContext.from_request(request),
        )
    except DocumentRefused as refusal:
        form.add_error("file", refusal.message)
        return False
    messages.success(request, gettext("‘%(name)s’ has been uploaded") % {"name": document.original_name})
    return True


def _remove_document(request: HttpRequest, referral: Referral) -> HttpResponse:
    document_id = posted_id(request.POST.get("remove"))
    document = referral.documents.filter(pk=document_id).first() if document_id else None
    if document is None:
        raise Http404
    name = document.original_name
    services.referral_document_remove(
        referral=referral, user=request.user, document_id=document_id, audit=AuditContext.from_request(request)
    )
    messages.success(request, gettext("‘%(name)s’ has been removed") % {"name": name})
    return redirect("referrals:documents", draft_reference=referral.reference)


# Check answers, send, confirmation ----------------------------------------------------------------


@requires(Perm.REFERRAL_CREATE)
def check_answers(request: HttpRequest, draft_reference: str) -> HttpResponse:
    referral = selectors.referrals_made_by(request.user).filter(reference=draft_reference).first()
    if referral is None:
        raise Http404
    if referral.status != ReferralStatus.DRAFT:
        # Sent already (a second click, or another tab): nothing is sent twice.
        return redirect("referrals:confirmation", referral_reference=referral.reference)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        errors = [
            (_section_url(referral, s.slug), gettext("Complete the section ‘%(section)s’") % {"section": s.title})
            for s in incomplete_sections(referral)
        ]
        if not errors:
            try:
                services.referral_submit(referral=referral, user=request.user, audit=AuditContext.from_request(request))
            except ReferralStateError as error:
                if (
                    selectors.referrals_made_by(request.user)
                    .filter(pk=referral.pk, status=ReferralStatus.DRAFT)
                    .exists()
                ):
                    errors = [(reverse("referrals:task-list", args=[referral.reference]), str(error))]
                else:
                    return redirect("referrals:confirmation", referral_reference=referral.reference)
            else:
                return redirect("referrals:confirmation", referral_reference=referral.reference)
    documents = list(referral.documents.order_by("uploaded_at", "id"))
    _audit_view(request, referral, MAKING, "check-answers")
    return render(
        request,
        "referrals/journey/check_answers.html",
        {
            "referral": referral,
            "sections": check_answer_sections(referral, documents, SECTIONS),
            "errors": errors,
            "incomplete": incomplete_sections(referral),
        },
    )


@requires(Perm.REFERRAL_CREATE, Perm.REFERRAL_VIEW_OWN)
def confirmation(request: HttpRequest, referral_reference: str) -> HttpResponse:
    referral = (
        selectors.referrals_made_by(request.user)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("site")
        .filter(reference=referral_reference)
        .first()
    )
    if referral is None:
        raise Http404
    _audit_view(request, referral, FOLLOWING, "confirmation")
    return render(request, "referrals/journey/confirmation.html", {"referral": referral})


# A sent referral, read only -------------------------------------------------------------------------


@requires(Perm.REFERRAL_VIEW_OWN)
def sent_referral(request: HttpRequest, referral_reference: str) -> HttpResponse:
    """What the referrer sent, what has happened to it since, and the outcome letter addressed to them."""
    referral = selectors.sent_referral_get(request.user, referral_reference)
    referral = progress.with_progress(Referral.objects.filter(pk=referral.pk)).get()
    documents = list(referral.documents.order_by("uploaded_at", "id"))
    sections = answer_sections(
        referral,
        documents,
        SECTIONS,
        document_url=lambda d: reverse("referrals:document-download", args=[referral.reference, d.pk]),
    )
    _audit_view(request, referral, FOLLOWING, "referral")
    return render(
        request,
        "referrals/journey/referral.html",
        {
            "referral": referral,
            "steps": progress.progress(referral),
            "outcome": outcome_words(referral),
            "sections": sections,
        },
    )


# What the check-answers page shows --------------------------------------------------------------


def check_answer_sections(referral: Referral, documents: list, sections: list[Section]) -> list[dict]:
    """The shared answers (referrals.answers) with this journey's "Change" links and section status."""
    result = answer_sections(
        referral,
        documents,
        sections,
        change_url=lambda section: _section_url(referral, section.slug) + "?return=check",
        document_url=lambda d: reverse("referrals:document-download", args=[referral.reference, d.pk]),
    )
    for item in result:
        item["status"] = section_status(referral, item["section"].slug)
    return result
