"""The decision record's pages: parse, call the service, render. Every page of a case is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from markupsafe import Markup

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts import nations
from childnrm.accounts.models import TieRule
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import export, guidance, services
from childnrm.decisions.forms import (
    SECTION_FORMS,
    CastingVoteForm,
    CorrectionAbandonForm,
    CorrectionForm,
    EvidenceForm,
    NilReturnForm,
    SecondReviewForm,
    VoteForm,
)
from childnrm.decisions.models import (
    Act,
    ActFinding,
    Decision,
    DecisionKind,
    DecisionStatus,
    Outcome,
    PurposeFinding,
    SlaveryFinding,
    Stage,
    Vote,
)
from childnrm.decisions.next_steps import next_steps
from childnrm.decisions.selectors import (
    RECORD_PAGE_RELATED,
    TASK_LIST_RELATED,
    agenda_item_get,
    decision_get,
    decision_index,
    evidence_agencies_of,
    evidence_of,
    nil_returns_of,
    tie_deferrals_of,
    versions_of,
)
from childnrm.kit.dates import long_datetime
from childnrm.kit.downloads import download_response
from childnrm.kit.errors import Problem, add_to_form
from childnrm.kit.i18n import kept
from childnrm.kit.ids import posted_id
from childnrm.kit.links import id_path
from childnrm.kit.pdf import pdf_download
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.panels import rules
from childnrm.panels import selectors as panel_selectors
from childnrm.panels.models import QUORUM_AGENCIES, Agency, AgendaStage, MeetingStatus
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import ReferralStatus
from childnrm.referrals.vocab import ExploitationType, Indicator

RECORD = PURPOSES[Perm.DECISION_RECORD]
ANY_DECISION_PERM = (Perm.DECISION_RECORD, Perm.DECISION_FINALISE, Perm.DECISION_SECOND_REVIEW)

SECTIONS = (
    (
        "evidence",
        _("Evidence weighed"),
        _("Each piece of evidence, the agency that supplied it and how it was weighed"),
    ),
    (
        "act",
        _("The act"),
        _("Whether the panel found an act of trafficking, or slavery, servitude or forced labour"),
    ),
    ("purpose", _("The exploitative purpose"), _("Whether the panel found the exploitation the act was for")),
    ("exploitation", _("Exploitation types and indicators"), ""),
    ("credibility", _("Credibility"), _("Trauma-informed reasoning")),
    (
        "wishes",
        _("The child's wishes and feelings"),
        _("What they are, how and by whom they were gathered, or why not"),
    ),
    ("outcome", _("Outcome, dissent and date"), _("With the coded reason for a negative decision")),
    ("best-interests", _("The child's best interests"), _("How the decision and the plan serve them")),
    (
        "plan",
        _("Safeguarding and support"),
        _("The plan that protects the child, or the support after a negative decision"),
    ),
)
SECTION_TITLES = {slug: title for slug, title, _ in SECTIONS}
LABELS = {
    "act": dict(Act.choices),
    "slavery": dict(SlaveryFinding.choices),
    "type": dict(ExploitationType.choices),
    "indicator": dict(Indicator.choices),
    "agency": dict(Agency.choices),
}
# The site's tie rule in the page's language (accounts.TieRule's labels, which the site's settings page uses).
TIE_RULE_WORDS: dict[str, Any] = {
    TieRule.CASTING_VOTE: _("The chair gives a casting vote, with reasons"),
    TieRule.DEFER: _("The decision is deferred to a further sitting"),
}
# A version still open (a draft, or signed off and waiting for its second review): another is not started meanwhile.
OPEN_STATUSES = frozenset({DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW})
STATUS_TAG: dict[str, str] = {
    DecisionStatus.DRAFT: "govuk-tag--blue",
    DecisionStatus.SECOND_REVIEW: "govuk-tag--yellow",
    DecisionStatus.FINAL: "govuk-tag--green",
    DecisionStatus.SUPERSEDED: "govuk-tag--grey",
    DecisionStatus.RETURNED: "govuk-tag--orange",
}


def _section_words() -> list[tuple[str, str, str]]:
    """`SECTIONS` in the page's language, translated once per language (kit.i18n.kept). Shared: not to be changed."""
    return kept(("decisions:sections",), lambda: [(slug, str(title), str(hint)) for slug, title, hint in SECTIONS])


def _audit_view(request: HttpRequest, decision: Decision, purpose: str, what: str, action: str = Action.VIEW) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=action,
        obj=decision,
        site_id=decision.referral.site_id,
        purpose=purpose,
        detail={"referral": decision.referral_id, "page": what},
    )


def _show(
    request: HttpRequest, decision: Decision, template: str, context: dict[str, Any], *, purpose: str, page: str
) -> HttpResponse:
    """A page that shows the decision's record, audited as a view of it. Every page showing the record renders
    through here: on a GET, and on a POST the page refuses and shows again with its errors (a POST that changes the
    record is audited by its service, and redirects)."""
    _audit_view(request, decision, purpose, page)
    return render(request, template, {"sitting_url": _sitting_url(request.user, decision), **context})


def _sitting_url(user, decision: Decision) -> str:
    """The page of the decision's sitting, for those who may open it: the way back to its other cases."""
    meeting = decision.meeting  # read with the decision
    if meeting is None:
        return ""
    # The coordinator and the sitting's chair open it without a read; anyone else if invited to it.
    opens = (
        meeting.site_id in sites_where(user, Perm.PANEL_MANAGE)
        or meeting.chair_id == user.pk
        or panel_selectors.meetings_visible_to(user).filter(pk=meeting.pk).exists()
    )
    return reverse("panels:meeting", kwargs={"meeting_id": meeting.pk}) if opens else ""


def _may_abandon(user, decision: Decision) -> bool:
    """Whether the page offers to abandon the decision: a correction's draft of a case the panel holds (the service
    refuses the rest), to whoever runs the panel."""
    return (
        decision.kind == DecisionKind.CORRECTION
        and decision.status == DecisionStatus.DRAFT
        and decision.referral.status == ReferralStatus.ACCEPTED
        and not case_anonymised(decision.referral)
        and has_perm(user, Perm.PANEL_MANAGE, decision.referral.site_id)
    )


def _purpose_for(user, decision: Decision) -> str:
    site_id = decision.referral.site_id
    for perm in ANY_DECISION_PERM:
        if has_perm(user, perm, site_id):
            return PURPOSES[perm]
    raise PermissionDenied


def _draft_for_recording(
    request: HttpRequest, decision_id: int, related: tuple[str, ...] | None = None
) -> Decision | HttpResponse:
    """The decision if it is a draft the user may record; otherwise a redirect to its read-only page. `related`:
    what to read with it (`decision_get`)."""
    decision = decision_get(request.user, decision_id, related)
    if not has_perm(request.user, Perm.DECISION_RECORD, decision.referral.site_id):
        raise PermissionDenied
    if decision.status != DecisionStatus.DRAFT:
        messages.info(request, services._finalised_message(decision))
        return redirect("decisions:detail", decision_id=decision.pk)
    return decision


def _recording(request: HttpRequest, decision_id: int) -> tuple[Decision, str | None] | HttpResponse:
    """As `_draft_for_recording`, for a page whose form may be posted after the draft has closed (the chair signed it
    off meanwhile): the decision, with why a post can no longer be saved (None while it is a draft). The post is
    shown again with what was typed (`_not_saved`), never dropped for a redirect."""
    if request.method != "POST":
        found = _draft_for_recording(request, decision_id)
        return found if isinstance(found, HttpResponse) else (found, None)
    decision = decision_get(request.user, decision_id)
    if not has_perm(request.user, Perm.DECISION_RECORD, decision.referral.site_id):
        raise PermissionDenied
    closed = services._finalised_message(decision) if decision.status != DecisionStatus.DRAFT else None
    return decision, closed


def _not_saved(form, why: str) -> None:
    """A post the decision's state refuses: the reason, and what was typed kept on the page to copy."""
    form.add_error(
        None,
        gettext("%(why)s What you entered has not been saved. It is shown below so that you can copy it.")
        % {"why": why},
    )


# Where each missing item is put right, by the problem's code (decision_completeness and the checks it runs).
_OUTCOME, _VOTES, _PLAN = "decisions:section-outcome", "decisions:votes", "decisions:section-plan"
PROBLEM_PAGES: dict[str, str] = {
    "evidence-missing": "decisions:evidence",
    "evidence-agency": "decisions:evidence",
    "agency-input": "decisions:evidence",
    "act-finding": "decisions:section-act",
    "act-found": "decisions:section-act",
    "slavery-found": "decisions:section-act",
    "act-reasoning": "decisions:section-act",
    "slavery-reasoning": "decisions:section-act",
    "purpose-finding": "decisions:section-purpose",
    "purpose-found": "decisions:section-purpose",
    "purpose-reasoning": "decisions:section-purpose",
    "credibility-reasoning": "decisions:section-credibility",
    "wishes-gathered": "decisions:section-wishes",
    "wishes-record": "decisions:section-wishes",
    "wishes-not-gathered-reason": "decisions:section-wishes",
    "vote-missing": _VOTES,
    "no-eligible-voter": _VOTES,
    "vote-cannot-count": _VOTES,
    "outcome-missing": _OUTCOME,
    "decided-on-missing": _OUTCOME,
    # What stands and when (services.correction_outcome_problems, sequencing_problems): outcome and date section.
    "correction-changes-outcome": _OUTCOME,
    "decided-before-sitting": _OUTCOME,
    "rg-after-cg": _OUTCOME,
    "cg-before-rg": _OUTCOME,
    # The votes against the outcome (issue 8 rule 2): the outcome is put right on its section, the votes on theirs.
    "tie-deferred": _VOTES,
    "all-abstained": _VOTES,
    "tie-to-defer": _VOTES,
    "casting-vote-missing": _VOTES,
    "dissent-reasons": _VOTES,
    "outcome-not-casting-vote": _OUTCOME,
    "outcome-not-majority": _OUTCOME,
    # Issue 8 rules 3, 4 and 6: the findings, the coded negative reason, best interests, the plan and support.
    "positive-without-findings": _OUTCOME,
    "positive-with-negative-reason": _OUTCOME,
    "negative-with-all-found": _OUTCOME,
    "negative-reason-missing": _OUTCOME,
    "negative-reason-retired": _OUTCOME,
    "negative-reason-mismatch": _OUTCOME,
    "support-after-negative": _PLAN,
    "best-interests": "decisions:section-best-interests",
    "plan-basis": _PLAN,
    "plan-in-place-reason": _PLAN,
    "plan-not-agreed": _PLAN,  # safeguarding's finalise check
    "plan-not-in-place": _PLAN,
}
# Put right on the meeting's page (panels.rules, and who chairs a reconsideration), by whoever runs the panel.
SITTING_PROBLEMS = frozenset(
    {"no-chair", "chair-lead-social-worker", "chair-conflicted", "conflicts-undeclared", "quorum", "original-chair"}
)


def problem_links(user, decision: Decision, problems: list[Problem]) -> list[tuple[str, str]]:
    """Each problem's words with the page that puts it right: the record's section, the votes, or the meeting
    (anything else, such as sequencing or the young person's consent, links to the record)."""
    links = []
    can_manage = decision.meeting is not None and has_perm(user, Perm.PANEL_MANAGE, decision.meeting.site_id)
    pages: dict[str, str] = {}  # each page's address worked out once: several problems share one

    def address(name: str, pk: int) -> str:
        if name not in pages:
            pages[name] = id_path(name, pk)
        return pages[name]

    for problem in problems:
        page = PROBLEM_PAGES.get(problem.code)
        if page is not None:
            target = address(page, decision.pk)
        elif problem.code in SITTING_PROBLEMS and can_manage and decision.meeting_id is not None:
            target = address("panels:meeting", decision.meeting_id)
        else:
            target = address("decisions:record", decision.pk)
        links.append((target, problem.message))
    return links


# --- Lists and starting --------------------------------------------------------------------------------


def _words(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """A field's choices in the page's language, each label translated once (a model's `get_FOO_display()`
    translates every label of the field on every call: hundreds of times on a long list)."""
    return {value: str(label) for value, label in choices}


@requires(Perm.DECISION_RECORD)
def index(request: HttpRequest) -> HttpResponse:
    items, started, waiting = decision_index(request.user)
    drafts = {(d.referral_id, d.stage, d.agenda_item_id): d for d in started}
    stage_words, status_words = _words(Stage.choices), _words(DecisionStatus.choices)
    meeting_words, item_words = _words(MeetingStatus.choices), _words(AgendaStage.choices)
    # The words each row repeats, translated once for the page and written as the template's `_()` writes them (the
    # translation as markup, the values put in escaped): some 150 translations a page otherwise.
    decision_for = Markup(gettext("decision for %(reference)s"))  # noqa: S704 (our catalogue's words)
    for_reference = Markup(gettext("for %(reference)s"))  # noqa: S704
    record_stage = Markup(gettext("Record %(stage)s decision"))  # noqa: S704
    record_words = {s: record_stage % {"stage": label.lower()} for s, label in stage_words.items()}
    starts: dict[int, str] = {}  # a sitting's date and time, written once for all its cases
    rows = []
    for item in items:
        meeting = item.meeting
        if meeting.pk not in starts:
            starts[meeting.pk] = long_datetime(meeting.starts_at)
        stages = sorted(services.STAGES_ON_AGENDA.get(item.stage, ()), key=lambda s: s != Stage.REASONABLE_GROUNDS)
        reference = {"reference": item.referral.reference}
        rows.append(
            {
                "item": item,
                "starts": starts[meeting.pk],
                "meeting_status": meeting_words.get(meeting.status, meeting.status),
                "item_stage": item_words.get(item.stage, item.stage),
                "stages": [
                    {
                        "stage": s,
                        "label": stage_words.get(s, s),
                        "decision": (d := drafts.get((item.referral_id, s, item.pk))),
                        "status": status_words.get(d.status, d.status) if d else "",
                        # The link's and the button's words for a screen reader, and the button's.
                        "decision_for": decision_for % reference if d else "",
                        "for_reference": "" if d else for_reference % reference,
                        "record": "" if d else record_words.get(s) or record_stage % {"stage": s.lower()},
                    }
                    for s in stages
                ],
            }
        )
    pending = [
        {
            "decision": d,
            "stage": stage_words.get(d.stage, d.stage),
            "status": status_words.get(d.status, d.status),
        }
        for d in waiting
    ]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Decision._meta.label_lower,
        purpose=RECORD,
        detail={"agenda_items": [i.pk for i in items]},
    )
    # One hidden CSRF field for every form of the list (`csrf_input` makes a new masked token at each use).
    return render(
        request, "decisions/index.html", {"rows": rows, "returned": pending, "csrf_field": csrf_input(request)}
    )


@requires(Perm.DECISION_RECORD)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        item_id = int(request.POST.get("agenda_item", ""))
    except ValueError:
        raise Http404 from None
    item = agenda_item_get(request.user, item_id)
    try:
        decision = services.decision_start(
            agenda_item=item,
            stage=request.POST.get("stage", ""),
            user=request.user,
            audit=AuditContext.from_request(request),
        )
    except (services.DecisionStateError, services.DecisionInvalid) as exc:
        messages.error(request, str(exc))
        # Started from the sitting's page ("Record the decision"): the reason is shown back there.
        if request.POST.get("from") == "meeting":
            return redirect("panels:meeting", meeting_id=item.meeting_id)
        return redirect("decisions:index")
    return redirect("decisions:record", decision_id=decision.pk)


# --- The record: task list and sections ----------------------------------------------------------------


def _section_status(decision: Decision, slug: str, evidence_count: int, agency_ok: bool) -> str:
    d = decision
    parts = {
        "evidence": [evidence_count > 0, agency_ok],
        "act": [bool(d.act_finding), bool(d.act_reasoning or d.slavery_reasoning)],
        "purpose": [bool(d.purpose_finding), bool(d.purpose_reasoning)],
        "exploitation": [bool(d.exploitation_types or d.indicators)],
        "credibility": [bool(d.credibility_reasoning)],
        "wishes": [
            d.wishes_gathered is not None,
            bool(d.wishes_and_feelings and d.wishes_how_gathered and d.wishes_gathered_by)
            if d.wishes_gathered is not False
            else bool(d.wishes_not_gathered_reason),
        ],
        "outcome": [bool(d.outcome), bool(d.decided_on), d.outcome != Outcome.NEGATIVE or bool(d.negative_reason_id)],
        "best-interests": [bool(d.best_interests)],
        "plan": [
            bool(d.support_after_negative)
            if d.outcome == Outcome.NEGATIVE
            else bool(d.plan_basis) or d.stage != Stage.REASONABLE_GROUNDS,
        ],
    }[slug]
    if all(parts):
        return "Completed"
    return "In progress" if any(parts) else "Not started"


@requires(Perm.DECISION_RECORD)
def record(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _draft_for_recording(request, decision_id, TASK_LIST_RELATED)
    if isinstance(decision, HttpResponse):
        return decision
    # The evidence's agencies read once, for its section's status here and for completeness (which asks only those).
    evidence = evidence_agencies_of(decision)
    votes = services.votes_with_voters(decision)  # for completeness's checks and the votes' status
    # The checks below ask for the sitting's voters four times (votes, completeness, quorum, training): read once.
    with rules.voters_read_once():
        eligible = services.decision_voters(decision)
        problems = services.decision_completeness(decision, votes, evidence)
        warnings = services.decision_warnings(decision)
    # Completeness runs the multi-agency input check: its problems say whether the evidence section is complete.
    agency_ok = not any(p.code == "agency-input" for p in problems)
    tasks = [
        {
            "slug": slug,
            "title": title,
            "hint": hint,
            "url": id_path("decisions:evidence" if slug == "evidence" else f"decisions:section-{slug}", decision.pk),
            "status": _section_status(decision, slug, len(evidence), agency_ok),
        }
        for slug, title, hint in _section_words()
    ]
    voted = {v.voter_id for v in votes}
    votes_status = (
        "Completed"
        if eligible and all(a.user_id in voted for a in eligible)
        else ("In progress" if voted else "Not started")
    )
    return _show(
        request,
        decision,
        "decisions/record.html",
        {
            "decision": decision,
            "referral": decision.referral,
            "tasks": tasks,
            "completed": sum(t["status"] == "Completed" for t in tasks),
            "votes_status": votes_status,
            "eligible_count": len(eligible),
            "voted_count": len(voted),
            "problems": problem_links(request.user, decision, problems),
            "warnings": warnings,
            "guidance_title": guidance.title_shown(decision.guidance_version),
            "is_chair": decision.meeting is not None and decision.meeting.chair_id == request.user.pk,
            "can_abandon": _may_abandon(request.user, decision),
        },
        purpose=RECORD,
        page="record",
    )


@requires(Perm.DECISION_RECORD)
def section(request: HttpRequest, decision_id: int, slug: str) -> HttpResponse:
    found = _recording(request, decision_id)
    if isinstance(found, HttpResponse):
        return found
    decision, closed = found
    form_class = SECTION_FORMS[slug]
    if request.method == "POST":
        form = form_class(request.POST, decision=decision)
        if closed:
            _not_saved(form, closed)
        elif form.is_valid():
            try:
                services.decision_save(
                    decision=decision,
                    user=request.user,
                    data=form.to_fields(),
                    audit=AuditContext.from_request(request),
                )
            except services.DecisionInvalid as exc:
                add_to_form(form, exc)
            except services.DecisionStateError as exc:
                _not_saved(form, str(exc))
            else:
                messages.success(request, gettext("%(section)s saved") % {"section": SECTION_TITLES[slug]})
                return redirect("decisions:record", decision_id=decision.pk)
    else:
        form = form_class(initial=form_class.initial_for(decision), decision=decision)
    return _show(
        request,
        decision,
        f"decisions/section_{slug}.html",
        {"decision": decision, "referral": decision.referral, "form": form, "title": SECTION_TITLES[slug]},
        purpose=RECORD,
        page=f"section:{slug}",
    )


def _evidence_sources(decision: Decision) -> tuple[list[tuple[str, str]], dict[str, object]]:
    from childnrm.information.models import InformationResponse

    choices: list[tuple[str, str]] = []
    objects: dict[str, object] = {}
    responses = InformationResponse.objects.filter(request__referral_id=decision.referral_id).select_related(
        "organisation"
    )
    for r in responses.order_by("pk"):
        key = f"response-{r.pk}"
        choices.append(
            (
                key,
                welsh_format(
                    gettext("Information from %(organisation)s (%(id)s)"),
                    {"organisation": r.organisation.display_name, "id": r.pk},
                ),
            )
        )
        objects[key] = r
    for doc in decision.referral.documents.order_by("pk"):
        key = f"document-{doc.pk}"
        choices.append((key, gettext("Referral document: %(name)s") % {"name": doc.original_name}))
        objects[key] = doc
    return choices, objects


@requires(Perm.DECISION_RECORD)
def evidence(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = _recording(request, decision_id)
    if isinstance(found, HttpResponse):
        return found
    decision, closed = found
    sources, objects = _evidence_sources(decision)
    form = EvidenceForm(request.POST or None, sources=sources)
    if closed:
        _not_saved(form, closed)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = objects.get(data.get("source") or "")
        try:
            services.evidence_add(
                decision=decision,
                user=request.user,
                description=data["description"],
                agency=data["agency"],
                supplied_by=data.get("supplied_by", ""),
                weight=data.get("weight", ""),
                information_response=source if (data.get("source") or "").startswith("response-") else None,
                referral_document=source if (data.get("source") or "").startswith("document-") else None,
                audit=AuditContext.from_request(request),
            )
        except services.DecisionInvalid as exc:
            add_to_form(form, exc)
        except services.DecisionStateError as exc:
            _not_saved(form, str(exc))
        else:
            messages.success(request, gettext("Evidence added"))
            return redirect("decisions:evidence", decision_id=decision.pk)
    return _evidence_page(request, decision, form=form)


def _evidence_page(
    request: HttpRequest, decision: Decision, *, form: EvidenceForm | None = None, nil_form: NilReturnForm | None = None
) -> HttpResponse:
    """The evidence page: the evidence, what each statutory partner has given, and the two forms (audited as a view,
    shown on a GET or again after a refused POST)."""
    if form is None:
        form = EvidenceForm(sources=_evidence_sources(decision)[0])
    agency_words = _agency_words(decision)
    agency_field: Any = form.fields["agency"]  # a ChoiceField (EvidenceForm)
    agency_field.choices = nations.agency_choices(agency_field.choices, decision.site)
    rows = list(decision.evidence.select_related("information_response", "referral_document"))
    nil_returns = {n.agency: n for n in decision.nil_returns.select_related("recorded_by")}
    supplied = {e.agency for e in rows}
    partners = [
        {
            "label": LABELS["agency"][agency],
            "evidence": agency in supplied,
            "nil_return": nil_returns.get(agency),
        }
        for agency in QUORUM_AGENCIES
    ]
    return _show(
        request,
        decision,
        "decisions/evidence.html",
        {
            "decision": decision,
            "referral": decision.referral,
            "form": form,
            "nil_form": nil_form or NilReturnForm(),
            "rows": rows,
            "partners": partners,
            "labels": LABELS,
            "agency_words": agency_words,
        },
        purpose=RECORD,
        page="evidence",
    )


def _remove_draft_row(
    request: HttpRequest,
    decision_id: int,
    rows: str,
    row_id: int,
    remove: Callable[[Any], None],
    done: Callable[[Any], str],
) -> HttpResponse:
    """Remove one row (`rows` names the decision's related rows) of a draft's record, back to the evidence page."""
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    row = getattr(decision, rows).filter(pk=row_id).first()
    if row is None:
        raise Http404
    try:
        remove(row)
    except services.DecisionStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done(row))
    return redirect("decisions:evidence", decision_id=decision.pk)


@requires(Perm.DECISION_RECORD)
@require_POST
def evidence_remove(request: HttpRequest, decision_id: int, evidence_id: int) -> HttpResponse:
    return _remove_draft_row(
        request,
        decision_id,
        "evidence",
        evidence_id,
        lambda row: services.evidence_remove(evidence=row, user=request.user, audit=AuditContext.from_request(request)),
        lambda row: gettext("Evidence removed"),
    )


@requires(Perm.DECISION_RECORD)
@require_POST
def nil_return(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Record that a statutory partner holds nothing relevant (issue 8 rule 5)."""
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    form = NilReturnForm(request.POST)
    if form.is_valid():
        agency = form.cleaned_data["nil_agency"]
        try:
            services.nil_return_record(
                decision=decision,
                user=request.user,
                agency=agency,
                statement=form.cleaned_data["nil_statement"],
                audit=AuditContext.from_request(request),
            )
        except services.DecisionInvalid as exc:
            form.add_error("nil_statement" if exc.field == "statement" else "nil_agency", str(exc))
        except services.DecisionStateError as exc:
            messages.error(request, str(exc))
            return redirect("decisions:detail", decision_id=decision.pk)
        else:
            messages.success(
                request,
                gettext("Recorded that %(agency)s holds nothing relevant")
                % {"agency": LABELS["agency"][agency].lower()},
            )
            return redirect("decisions:evidence", decision_id=decision.pk)
    return _evidence_page(request, decision, nil_form=form)


@requires(Perm.DECISION_RECORD)
@require_POST
def nil_return_remove(request: HttpRequest, decision_id: int, nil_return_id: int) -> HttpResponse:
    return _remove_draft_row(
        request,
        decision_id,
        "nil_returns",
        nil_return_id,
        lambda row: services.nil_return_remove(
            nil_return=row, user=request.user, audit=AuditContext.from_request(request)
        ),
        lambda row: (
            gettext("Removed the record that %(agency)s holds nothing relevant")
            % {"agency": row.get_agency_display().lower()}
        ),
    )


# --- Votes ---------------------------------------------------------------------------------------------


@dataclass
class VoterRow:
    attendee: object
    vote: object
    refusal: str | None
    form: VoteForm


@requires(Perm.DECISION_RECORD)
def votes(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    if decision.agenda_item_id is None or decision.meeting is None:
        messages.error(request, gettext("Put the decision on the agenda of a sitting before recording votes."))
        return redirect("decisions:record", decision_id=decision.pk)
    posted_form = None
    if request.method == "POST":
        voter_id = posted_id(request.POST.get("voter_id"))
        posted_form = VoteForm(request.POST, prefix=f"v{voter_id}")
        attendees = decision.meeting.attendees.select_related("user")
        attendee = attendees.filter(user_id=voter_id).first() if voter_id is not None else None
        if attendee is None:
            messages.error(request, gettext("Select someone attending this meeting"))
            return redirect("decisions:votes", decision_id=decision.pk)
        if posted_form.is_valid():
            try:
                services.vote_record(
                    decision=decision,
                    voter=attendee.user,
                    vote=posted_form.cleaned_data["vote"],
                    reasons=posted_form.cleaned_data.get("reasons", ""),
                    user=request.user,
                    audit=AuditContext.from_request(request),
                )
            except (services.DecisionInvalid, services.DecisionStateError) as exc:
                add_to_form(posted_form, exc)
            else:
                messages.success(request, gettext("Vote of %(name)s recorded") % {"name": attendee.user.full_name})
                return redirect("decisions:votes", decision_id=decision.pk)
    return _votes_page(request, decision, posted_form=posted_form)


def _votes_page(
    request: HttpRequest,
    decision: Decision,
    *,
    posted_form: VoteForm | None = None,
    casting_form: CastingVoteForm | None = None,
) -> HttpResponse:
    """The votes page: each eligible member's vote, the count, and how a tie is settled under the site's rule (audited
    as a view, shown on a GET or again after a refused POST)."""
    meeting = decision.meeting
    if meeting is None:  # votes are taken at a sitting
        return redirect("decisions:record", decision_id=decision.pk)
    recorded = {v.voter_id: v for v in decision.votes.select_related("voter", "recorded_by")}
    attendees = list(meeting.attendees.select_related("user").order_by("attends_as", "agency", "pk"))
    refusals = services.vote_refusals(decision, [*(a.user for a in attendees), *(v.voter for v in recorded.values())])
    rows = []
    for attendee in attendees:
        prefix = f"v{attendee.user_id}"
        if posted_form is not None and posted_form.prefix == prefix:
            form = posted_form
        else:
            vote = recorded.get(attendee.user_id)
            form = VoteForm(
                prefix=prefix, initial={"vote": vote.vote if vote else "", "reasons": vote.reasons if vote else ""}
            )
        rows.append(VoterRow(attendee, recorded.get(attendee.user_id), refusals[attendee.user_id], form))
    return _show(
        request,
        decision,
        "decisions/votes.html",
        {
            "decision": decision,
            "referral": decision.referral,
            "rows": rows,
            "posted_form": posted_form,
            "eligible": [r for r in rows if r.refusal is None],
            "not_voting": [r for r in rows if r.refusal is not None],
            "stray_votes": [v for v in recorded.values() if refusals[v.voter_id]],
            "in_session": meeting.status == "open",
            "labels": LABELS,
            "agency_words": _agency_words(decision),
            **_tie_context(request, decision, rows, casting_form),
        },
        purpose=RECORD,
        page="votes",
    )


def _agency_words(decision: Decision) -> dict[str, str]:
    """Agencies by stored code, the guardian service named as the decision's site's nation names it: made once per
    language and nation (kit.i18n.kept). Shared: not to be changed."""
    nation = decision.site.nation
    return kept(("decisions:agency-words", nation), lambda: nations.agency_labels(LABELS["agency"], nation))


def _labels(name: str) -> dict[str, str]:
    """`LABELS[name]` in the page's language, each label translated once per language (kit.i18n.kept) rather than
    each time the page prints it. Shared: not to be changed."""
    return kept(("decisions:labels", name), lambda: _words(list(LABELS[name].items())))


def _tie_deferrals(decision: Decision, agencies: dict[str, str] | None = None) -> list[dict]:
    """Each sitting at which a tie deferred the decision, with the votes as cast there (kept as data). `agencies`:
    `_agency_words(decision)` if the caller has them already."""
    votes = dict(Vote.choices)
    agencies = _agency_words(decision) if agencies is None else agencies
    return [
        {
            "meeting": d.meeting,
            "votes": [
                {
                    **v,
                    "agency_label": agencies.get(v["agency"], v["agency"]),
                    "vote_label": votes.get(v["vote"], v["vote"]),
                }
                for v in d.votes
            ],
        }
        for d in tie_deferrals_of(decision)
    ]


def _tie_context(request: HttpRequest, decision: Decision, rows: list, casting_form: CastingVoteForm | None) -> dict:
    tally = services.vote_tally(decision)
    all_voted = all(r.vote is not None for r in rows if r.refusal is None)
    in_session = decision.meeting is not None and decision.meeting.status == "open"
    deferred = services.deferred_here(decision)
    settle = tally.tied and all_voted and in_session and not deferred
    rule = decision.site.tie_rule
    is_chair = decision.meeting is not None and decision.meeting.chair_id == request.user.pk
    return {
        "tally": tally,
        "tie_rule": rule,
        "tie_rule_label": TIE_RULE_WORDS.get(rule, rule),
        "deferred": deferred,
        "tie_deferrals": _tie_deferrals(decision),
        "can_cast": settle and rule == TieRule.CASTING_VOTE and is_chair,
        "can_defer": settle and rule == TieRule.DEFER,
        "casting_form": casting_form
        or CastingVoteForm(
            decision=decision,
            initial={"casting_vote": decision.casting_vote, "casting_vote_reasons": decision.casting_vote_reasons},
        ),
    }


@requires(Perm.DECISION_FINALISE)
@require_POST
def casting_vote(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The chair's casting vote on a tied vote, with reasons (the site's tie rule)."""
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    if decision.meeting is None:
        return redirect("decisions:record", decision_id=decision.pk)
    form = CastingVoteForm(request.POST, decision=decision)
    if form.is_valid():
        try:
            services.casting_vote_record(
                decision=decision,
                user=request.user,
                vote=form.cleaned_data["casting_vote"],
                reasons=form.cleaned_data["casting_vote_reasons"],
                audit=AuditContext.from_request(request),
            )
        except services.DecisionInvalid as exc:
            add_to_form(form, exc)
        except services.DecisionStateError as exc:
            messages.error(request, str(exc))
            return redirect("decisions:votes", decision_id=decision.pk)
        else:
            messages.success(request, gettext("Casting vote recorded"))
            return redirect("decisions:votes", decision_id=decision.pk)
    return _votes_page(request, decision, casting_form=form)


@requires(Perm.DECISION_RECORD)
@require_POST
def tie_defer(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Defer a tied decision to a further sitting (the site's tie rule)."""
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    try:
        services.tie_defer(decision=decision, user=request.user, audit=AuditContext.from_request(request))
    except services.DecisionStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Decision deferred to a further sitting. The votes as cast are kept"))
    return redirect("decisions:votes", decision_id=decision.pk)


@requires(Perm.DECISION_RECORD)
@require_POST
def vote_remove(request: HttpRequest, decision_id: int, vote_id: int) -> HttpResponse:
    decision = _draft_for_recording(request, decision_id)
    if isinstance(decision, HttpResponse):
        return decision
    vote = decision.votes.select_related("voter").filter(pk=vote_id).first()
    if vote is None:
        raise Http404
    try:
        services.vote_remove(vote=vote, user=request.user, audit=AuditContext.from_request(request))
    except services.DecisionStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Vote of %(name)s removed") % {"name": vote.voter.full_name})
    return redirect("decisions:votes", decision_id=decision.pk)


# --- Finalise, correct, second review ------------------------------------------------------------------


@requires(Perm.DECISION_FINALISE)
def finalise(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_get(request.user, decision_id)
    if not has_perm(request.user, Perm.DECISION_FINALISE, decision.referral.site_id):
        raise PermissionDenied
    errors: list[Problem] = []
    if request.method == "POST":
        try:
            decision = services.decision_finalise(
                decision=decision, user=request.user, audit=AuditContext.from_request(request)
            )
        except services.DecisionStateError as exc:
            messages.error(request, str(exc))
            return redirect("decisions:detail", decision_id=decision.pk)
        except services.DecisionIncomplete as exc:
            errors = exc.problems
        else:
            if decision.status == DecisionStatus.SECOND_REVIEW:
                messages.success(request, gettext("Decision signed off and sent for second review"))
            else:
                messages.success(request, gettext("Decision finalised"))
            return redirect("decisions:detail", decision_id=decision.pk)
    elif decision.status != DecisionStatus.DRAFT:
        messages.info(request, services._finalised_message(decision))
        return redirect("decisions:detail", decision_id=decision.pk)
    else:
        errors = services.decision_completeness(decision)
    is_chair = decision.meeting is not None and decision.meeting.chair_id == request.user.pk
    return _show(
        request,
        decision,
        "decisions/finalise.html",
        {
            "decision": decision,
            "referral": decision.referral,
            "errors": problem_links(request.user, decision, errors) if decision.status == DecisionStatus.DRAFT else [],
            "warnings": services.decision_warnings(decision) if decision.status == DecisionStatus.DRAFT else [],
            "is_chair": is_chair,
            "to_review": decision.outcome == Outcome.NEGATIVE and decision.site.negative_second_review,
            **_reading(decision),
        },
        purpose=PURPOSES[Perm.DECISION_FINALISE],
        page="finalise",
    )


@requires(Perm.DECISION_RECORD)
def correct(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_get(request.user, decision_id)
    if not has_perm(request.user, Perm.DECISION_RECORD, decision.referral.site_id):
        raise PermissionDenied
    if decision.status != DecisionStatus.FINAL:
        messages.info(request, gettext("Only the decision that currently stands can be corrected."))
        return redirect("decisions:detail", decision_id=decision.pk)
    if case_anonymised(decision.referral):  # the service refuses it too, under the case's lock
        messages.info(request, case_anonymised_message(decision.referral))
        return redirect("decisions:detail", decision_id=decision.pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.decision_correct(
                decision=decision,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.DecisionInvalid as exc:
            add_to_form(form, exc)
        except services.DecisionStateError as exc:
            messages.error(request, str(exc))
            return redirect("decisions:detail", decision_id=decision.pk)
        else:
            messages.success(
                request, gettext("Correction started as version %(version)s") % {"version": correction.version}
            )
            return redirect("decisions:record", decision_id=correction.pk)
    return _show(
        request,
        decision,
        "decisions/correct.html",
        {"decision": decision, "referral": decision.referral, "form": form},
        purpose=RECORD,
        page="correct",
    )


@requires(Perm.PANEL_MANAGE)
def correction_abandon(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Whoever runs the panel abandons a correction's draft (one nobody can sign off, say): the draft and its votes
    are deleted and the version that stands is open again to a correction or to reconsideration."""
    decision = decision_get(request.user, decision_id)
    if not has_perm(request.user, Perm.PANEL_MANAGE, decision.referral.site_id):
        raise PermissionDenied
    if decision.kind != DecisionKind.CORRECTION or decision.status != DecisionStatus.DRAFT:
        messages.info(request, gettext("Only a correction still being drafted can be abandoned."))
        return redirect("decisions:detail", decision_id=decision.pk)
    form = CorrectionAbandonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            standing = services.correction_abandon(
                decision=decision,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except services.DecisionInvalid as exc:
            add_to_form(form, exc)
        except services.DecisionStateError as exc:
            form.add_error(None, str(exc))
        else:
            if standing is None:  # nothing stands (never, while only a final decision is corrected)
                messages.success(request, gettext("Correction abandoned"))
                return redirect("decisions:index")
            messages.success(
                request,
                gettext("Correction abandoned. Version %(version)s of the decision stands.")
                % {"version": standing.version},
            )
            return redirect("decisions:detail", decision_id=standing.pk)
    return _show(
        request,
        decision,
        "decisions/correction_abandon.html",
        {"decision": decision, "referral": decision.referral, "form": form},
        purpose=PURPOSES[Perm.PANEL_MANAGE],
        page="correction-abandon",
    )


@requires(Perm.DECISION_SECOND_REVIEW)
def second_review(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_get(request.user, decision_id)
    if not has_perm(request.user, Perm.DECISION_SECOND_REVIEW, decision.referral.site_id):
        raise PermissionDenied
    if decision.status != DecisionStatus.SECOND_REVIEW:
        messages.info(request, gettext("This decision is not waiting for a second review."))
        return redirect("decisions:detail", decision_id=decision.pk)
    form = SecondReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.decision_second_review(
                decision=decision,
                user=request.user,
                agrees=form.cleaned_data["agrees"] == "yes",
                reasons=form.cleaned_data.get("reasons", ""),
                audit=AuditContext.from_request(request),
            )
        except (services.DecisionInvalid, services.DecisionStateError) as exc:
            add_to_form(form, exc)
        else:
            if result.pk == decision.pk:
                messages.success(request, gettext("Second review recorded: the decision is final"))
                return redirect("decisions:detail", decision_id=decision.pk)
            messages.success(
                request,
                gettext("Decision returned to the panel as draft version %(version)s") % {"version": result.version},
            )
            return redirect("decisions:detail", decision_id=result.pk)
    return _show(
        request,
        decision,
        "decisions/second_review.html",
        {"decision": decision, "referral": decision.referral, "form": form, **_reading(decision)},
        purpose=PURPOSES[Perm.DECISION_SECOND_REVIEW],
        page="second-review",
    )


# --- Read-only record and exports ----------------------------------------------------------------------


def _reading(decision: Decision) -> dict[str, object]:
    votes = services.votes_with_voters(decision)  # the table, the dissent and the tally from one read
    agency_words = _agency_words(decision)
    acts, types, slavery, indicators = _labels("act"), _labels("type"), _labels("slavery"), _labels("indicator")
    return {
        # Only what was found is listed: nothing ticked counts unless its element was found.
        "acts": [acts.get(c, c) for c in decision.act_found] if decision.act_finding == ActFinding.FOUND else [],
        "purposes": [types.get(c, c) for c in decision.purpose_found]
        if decision.purpose_finding == PurposeFinding.FOUND
        else [],
        "slavery": [slavery.get(c, c) for c in decision.slavery_found],
        "types": [types.get(c, c) for c in decision.exploitation_types],
        "indicators": [indicators.get(c, c) for c in decision.indicators],
        "evidence_rows": evidence_of(decision),
        "vote_rows": votes,
        # Every vote against the outcome is dissent, with its reasons (issue 8 rule 2).
        "dissent_rows": services.dissenting_votes(decision, votes),
        "tally": services.vote_tally(decision, votes),
        "tie_deferrals": _tie_deferrals(decision, agency_words),
        "nil_returns": nil_returns_of(decision),
        "guidance_title": guidance.title_shown(decision.guidance_version),
        "labels": LABELS,
        "agency_words": agency_words,
        "status_tag": STATUS_TAG.get(decision.status, ""),
    }


@requires(*ANY_DECISION_PERM)
def detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_get(request.user, decision_id, RECORD_PAGE_RELATED)
    purpose = _purpose_for(request.user, decision)
    site_id = decision.referral.site_id
    user = request.user
    versions = versions_of(decision)
    return _show(
        request,
        decision,
        "decisions/detail.html",
        {
            "decision": decision,
            "referral": decision.referral,
            "versions": versions,
            "can_record": decision.status == DecisionStatus.DRAFT and has_perm(user, Perm.DECISION_RECORD, site_id),
            "can_finalise": decision.status == DecisionStatus.DRAFT
            and decision.meeting is not None
            and decision.meeting.chair_id == user.pk,
            # While no correction (or reconsideration) of the stage is open: an abandoned correction leaves none, even
            # one whose version the second reviewer returned (the returned version still supersedes the final one).
            # Never on an anonymised case, kept only for the figures.
            "can_correct": decision.status == DecisionStatus.FINAL
            and has_perm(user, Perm.DECISION_RECORD, site_id)
            and not case_anonymised(decision.referral)
            and not any(v.status in OPEN_STATUSES for v in versions),
            # The signer never reviews their own decision (the service refuses them).
            "can_review": decision.status == DecisionStatus.SECOND_REVIEW
            and has_perm(user, Perm.DECISION_SECOND_REVIEW, site_id)
            and decision.finalised_by_id != user.pk,
            "can_abandon": _may_abandon(user, decision),
            # What follows sign-off, from the apps that do it (decisions.next_steps), each linked for those who may.
            "next_steps": next_steps(decision, user),
            "status_tags": STATUS_TAG,
            **_reading(decision),
        },
        purpose=purpose,
        page="detail",
    )


def _download(request: HttpRequest, decision_id: int, kind: str) -> HttpResponse:
    decision = decision_get(request.user, decision_id)
    purpose = _purpose_for(request.user, decision)
    if kind == "json":
        # A record for other systems: English labels whatever the page's language, so a record gives one file.
        with translation.override("en-gb"):
            data = export.decision_export(decision)
            content = export.decision_export_json(data)
    else:
        data = export.decision_export(decision)  # the PDF is for people: in the page's language

    def audit() -> None:
        _audit_view(request, decision, purpose, f"export.{kind}", action=Action.DOWNLOAD)

    # Named by the case reference only: no child's name in a download's name.
    name = f"{decision.referral.reference}-{decision.stage.replace('_', '-')}-v{decision.version}"
    if kind == "pdf":
        # The site by the reader's name for it (the Welsh name on a Welsh page); the data keeps the English one.
        site_name = decision.referral.site.display_name if decision.referral.site is not None else ""
        return pdf_download(
            request,
            build=lambda: export.decision_export_pdf(data, site_name=site_name),
            filename=name,
            audit=audit,
        )
    audit()
    return download_response(content=content, filename=name, extension="json", content_type="application/json")


@requires(*ANY_DECISION_PERM)
def export_json(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _download(request, decision_id, "json")


@requires(*ANY_DECISION_PERM)
def export_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    return _download(request, decision_id, "pdf")
