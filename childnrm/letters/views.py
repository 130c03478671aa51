"""Pages for communicating a decision: its letters, who explained it to the child, telling the guardian."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.kit.dates import long_date
from childnrm.kit.downloads import download_response
from childnrm.kit.errors import ServiceError, add_to_form
from childnrm.kit.i18n import ENGLISH
from childnrm.kit.ids import whole_number
from childnrm.letters import selectors, services
from childnrm.letters.forms import ExplanationForm, LetterLanguageForm
from childnrm.letters.models import GuardianNotice, LetterKind
from childnrm.people import selectors as people_selectors
from childnrm.people import services as people_services
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message, sent_record_anonymised_message
from childnrm.referrals.vocab import language_name, language_shown
from childnrm.reviews import services as review_services

PURPOSE = PURPOSES[Perm.LETTER_PRODUCE]
PAGE_SIZE = 25
FILE_NAMES = {LetterKind.REFERRER_OUTCOME: "outcome-letter", LetterKind.CHILD_FRIENDLY: "letter-for-the-child"}


def _decision_redirect(decision: Decision) -> HttpResponse:
    return redirect("letters:decision", letters_decision_id=decision.pk)


def _purpose(user, decision: Decision) -> str:
    """The audit purpose of reading or recording a decision's communication: the coordinator's, or the guardian's."""
    return PURPOSE if selectors.may_produce(user, decision) else PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]


@requires(Perm.LETTER_PRODUCE)
def index(request: HttpRequest) -> HttpResponse:
    """The site's final decisions, with whether their letters and explanation are done."""
    page = Paginator(selectors.final_decisions_for_letters(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Decision._meta.label_lower,
        purpose=PURPOSE,
        detail={"page": page.number, "ids": [d.pk for d in page.object_list]},
    )
    return render(request, "letters/index.html", {"page": page})


@requires(Perm.LETTER_PRODUCE, Perm.CHILD_VIEW_ASSOCIATED)
def decision(request: HttpRequest, letters_decision_id: int) -> HttpResponse:
    found = selectors.decision_get_for_letters(request.user, letters_decision_id)
    referral = found.referral
    may_produce = selectors.may_produce(request.user, found)
    # The list shows each letter, never its PDF: left unread (a download reads it).
    letters = list(found.letters.select_related("produced_by").defer("pdf").order_by("-produced_at", "kind"))
    explanations = list(found.explanations.select_related("recorded_by"))
    notices = list(GuardianNotice.objects.filter(decision=found).select_related("guardian").order_by("notified_at"))
    guardians = services.guardians_of(found)
    told = {n.guardian_id for n in notices}
    # The letters went with the case when retention anonymised it: the page says so, and offers nothing more to do.
    anonymised = sent_record_anonymised_message(referral) if case_anonymised(referral) else ""
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=found,
        site_id=referral.site_id,
        purpose=PURPOSE if may_produce else PURPOSES[Perm.CHILD_VIEW_ASSOCIATED],
        detail={"page": "letters"},
    )
    return render(
        request,
        "letters/decision.html",
        {
            "decision": found,
            "referral": referral,
            "is_final": found.status == DecisionStatus.FINAL,
            "may_produce": may_produce,
            "may_record_explanation": may_produce or selectors.may_record_explanation(request.user, found),
            "anonymised": anonymised,
            # A letter retention cleared early (its part of a live case): said, and when, with no empty file offered.
            "letters": [(letter, selectors.letter_cleared_message(letter)) for letter in letters]
            if not anonymised
            else [],
            "explanations": explanations,
            "notices": notices,
            "untold": [g for g in guardians if g.pk not in told],
            # Producing the first letters emails the guardians told before them too (services.letters_produce).
            "produce_emails_guardian": any(g.pk not in told for g in guardians)
            or (not letters and any(g.pk in told for g in guardians)),
            "guardians": guardians,
            "languages": _languages_shown(referral.languages or []),
            # The last day as opened when the referrer's letter was produced (None until then).
            "reconsideration_ends": long_date(review_services.window_closes_on(found)),
            "reconsideration_not_started": found.outcome == "negative" and found.status == DecisionStatus.FINAL,
            "letter_languages": services.letter_languages(found),
            "child_language_recorded": bool(referral.child and referral.child.correspondence_language),
            # Whom the child's letter will not name, said before it is produced (a warning: it may still be).
            **(_unnamed_in_childs_letter(request.user, found, guardians) if may_produce else {}),
        },
    )


def _languages_shown(codes: list[str]) -> list[tuple[str, str]]:
    """The child's languages named in the page's language, each with the lang of its name: "" when it is in the
    page's language, "en" for one the page's language has no name for (pycountry's Welsh names do not cover every
    language), so that only a name really in another language is marked."""
    english = get_language() == ENGLISH
    shown = []
    for code in codes:
        name = language_shown(code)
        shown.append((name, "en" if not english and name == language_name(code) and name != code else ""))
    return shown


def _unnamed_in_childs_letter(user, decision: Decision, guardians: list) -> dict[str, object]:
    """Whether the child's letter would name no lead social worker, no guardian, and where to record them (the
    child's safeguarding page, for those who may record them there). A lead social worker recorded with an account
    that does not count now is not named (`services.social_worker_of`), but one *is* recorded: the page says who,
    why they are not named, and what to do, instead of "none is recorded"."""
    child = decision.referral.child
    if child is None:
        return {}
    named = services.social_worker_of(decision)
    recorded = people_selectors.current_lead_social_worker_of(child)
    return {
        "no_social_worker_named": named is None,
        "social_worker_named": named,
        "social_worker_not_in_force": people_selectors.social_worker_not_in_force(child, recorded),
        "no_guardian_named": not guardians,
        "safeguarding_url": reverse("safeguarding:child", args=[child.reference])
        if has_perm(user, Perm.PLAN_MANAGE, child.site_id)
        else "",
    }


@require_POST
@requires(Perm.LETTER_PRODUCE)
def produce(request: HttpRequest, letters_decision_id: int) -> HttpResponse:
    found = selectors.decision_get_for_letters(request.user, letters_decision_id)
    if not selectors.may_produce(request.user, found):
        raise Http404
    try:
        produced = services.letters_produce(
            decision=found,
            user=request.user,
            letters_seen=whole_number(request.POST.get("letters_seen")),
            audit=AuditContext.from_request(request),
        )
    except services.LetterError as problem:
        messages.error(request, str(problem))
    else:
        told = len(produced.notices)
        reference = found.referral.reference
        if told:
            done = ngettext(
                "Letters produced for referral %(reference)s. %(count)s guardian told",
                "Letters produced for referral %(reference)s. %(count)s guardians told",
                told,
            ) % {"reference": reference, "count": told}
        else:
            done = gettext("Letters produced for referral %(reference)s") % {"reference": reference}
        messages.success(request, done)
    return _decision_redirect(found)


@require_POST
@requires(Perm.LETTER_PRODUCE)
def tell_guardian(request: HttpRequest, letters_decision_id: int) -> HttpResponse:
    found = selectors.decision_get_for_letters(request.user, letters_decision_id)
    if not selectors.may_produce(request.user, found):
        raise Http404
    try:
        notices = services.guardians_tell(decision=found, user=request.user, audit=AuditContext.from_request(request))
    except services.LetterError as problem:
        messages.error(request, str(problem))
    else:
        names = ", ".join(n.guardian.full_name for n in notices)
        if found.letters.exists():
            messages.success(request, gettext("Guardian told: %(names)s") % {"names": names})
        else:
            messages.success(
                request,
                gettext(
                    "Guardian told of the decision: %(names)s. The email says the letters have not been produced yet; "
                    "producing them emails the guardian again."
                )
                % {"names": names},
            )
    return _decision_redirect(found)


@requires(Perm.LETTER_PRODUCE, Perm.CHILD_VIEW_ASSOCIATED)
def explanation_add(request: HttpRequest, letters_decision_id: int) -> HttpResponse:
    """Record who explained the decision to the child: the coordinator, or the child's guardian (in force), who
    usually explains it and is told to read the decision and the letter for the child."""
    found = selectors.decision_get_for_letters(request.user, letters_decision_id)
    if not selectors.may_record_explanation(request.user, found):
        raise Http404
    if found.status != DecisionStatus.FINAL:
        messages.error(request, gettext("You can record who explained the decision once the decision is final."))
        return _decision_redirect(found)
    if case_anonymised(found.referral):
        messages.info(request, case_anonymised_message(found.referral))
        return _decision_redirect(found)
    form = ExplanationForm(request.POST if request.method == "POST" else None)
    law = nations.rules(found.referral.site)
    if not law.english_law:  # the guardian service as Scotland or Northern Ireland names it (accounts.nations)
        form.fields["explained_by_role"].help_text = gettext(
            "For example, social worker, guardian (%(service)s) or foster carer"
        ) % {"service": law.guardian_short}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.explanation_record(
                decision=found,
                user=request.user,
                explained_by_name=data["explained_by_name"],
                explained_by_role=data["explained_by_role"],
                explained_on=data["explained_on"],
                how=data["how"],
                child_response=data["child_response"],
                audit=AuditContext.from_request(request),
            )
        except services.LetterError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Explanation to the child recorded"))
            return _decision_redirect(found)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=found,
        site_id=found.referral.site_id,
        purpose=_purpose(request.user, found),
        detail={"page": "record explanation"},
    )
    return render(
        request, "letters/explanation_form.html", {"decision": found, "referral": found.referral, "form": form}
    )


@requires(Perm.LETTER_PRODUCE)
def child_language(request: HttpRequest, letters_decision_id: int) -> HttpResponse:
    """The language of the child's letters, recorded on the child (English, Welsh or both)."""
    found = selectors.decision_get_for_letters(request.user, letters_decision_id)
    child = found.referral.child
    if not selectors.may_produce(request.user, found) or child is None:
        raise Http404
    if case_anonymised(found.referral):  # the child's record is closed: nothing to change (people.services refuses)
        messages.info(request, case_anonymised_message(found.referral))
        return _decision_redirect(found)
    initial = {"correspondence_language": child.correspondence_language or services.site_letter_language(child.site)}
    form = LetterLanguageForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.child_correspondence_language_set(
                child=child,
                language=form.cleaned_data["correspondence_language"],
                user=request.user,
                audit=AuditContext.from_request(request),
            )
        except ServiceError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("The language of the child's letters has been saved"))
            return _decision_redirect(found)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=found,
        site_id=found.referral.site_id,
        purpose=PURPOSE,
        detail={"page": "language of the child's letters"},
    )
    return render(request, "letters/child_language.html", {"decision": found, "referral": found.referral, "form": form})


@requires(Perm.LETTER_PRODUCE, Perm.CHILD_VIEW_ASSOCIATED)
def explanation(request: HttpRequest, explanation_id: int) -> HttpResponse:
    found = selectors.explanation_get(request.user, explanation_id)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=found,
        site_id=found.decision.referral.site_id,
        purpose=_purpose(request.user, found.decision),
        detail={"decision": found.decision_id},
    )
    return render(
        request,
        "letters/explanation.html",
        {"explanation": found, "decision": found.decision, "referral": found.decision.referral},
    )


@requires(Perm.LETTER_PRODUCE, Perm.CHILD_VIEW_ASSOCIATED, Perm.REFERRAL_VIEW_OWN)
def download(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(request.user, letter_id)
    referral = letter.decision.referral
    if case_anonymised(referral) or selectors.letter_cleared(letter):
        # Nothing left to serve: say what became of the letter, never an empty file.
        gone = (
            sent_record_anonymised_message(referral)
            if case_anonymised(referral)
            else selectors.letter_cleared_message(letter)
        )
        messages.info(request, gone)
        if selectors.addressed_to_referrer(request.user, letter):
            return redirect("referrals:your-referral", referral_reference=referral.reference)
        return _decision_redirect(letter.decision)
    referrer = selectors.addressed_to_referrer(request.user, letter)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.DOWNLOAD,
        obj=letter,
        site_id=referral.site_id,
        purpose=PURPOSES[Perm.REFERRAL_VIEW_OWN] if referrer else _purpose(request.user, letter.decision),
        detail={"decision": letter.decision_id, "kind": letter.kind, "sha256": letter.sha256},
    )
    # Named by references only: never the child's name in a file name. Stored, so not rendered again.
    return download_response(
        content=bytes(letter.pdf),
        filename=f"{referral.reference}-{FILE_NAMES[letter.kind]}-{letter.pk}",
        extension="pdf",
        content_type="application/pdf",
    )
