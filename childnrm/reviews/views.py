"""Pages for reconsiderations (the coordinator) and SCA returns (the coordinator and the SCA quality assurer).

Thin views: parse, call a service, render. Every record is reached through a selector that takes
the acting user, so another site's record answers 404 as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import reconsideration as reconsideration_rules
from childnrm.decisions.models import Decision, Vote
from childnrm.kit.dates import long_date
from childnrm.kit.downloads import download_response
from childnrm.kit.errors import add_to_form
from childnrm.kit.pdf import pdf_download
from childnrm.panels.models import AgendaItem, MeetingAttendee
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message, sent_record_anonymised_message
from childnrm.reviews import export, selectors, services
from childnrm.reviews.forms import (
    FindingForm,
    ListingForm,
    ReconsiderationForm,
    ResponseForm,
    ReturnForm,
    meeting_label,
)
from childnrm.reviews.models import (
    DecisionReturn,
    ReconsiderationGround,
    ReconsiderationRequest,
    ReconsiderationStatus,
    ReconsiderationWindow,
    requester_choices,
    route_choices,
)

PAGE_SIZE = 25
CHOICE_LIMIT = 200
RECONSIDERATION = PURPOSES[Perm.RECONSIDERATION_RECORD]
STATUS_TAGS = {
    ReconsiderationStatus.RECEIVED: "govuk-tag--blue",
    ReconsiderationStatus.LISTED: "govuk-tag--yellow",
    ReconsiderationStatus.DECIDED: "govuk-tag--green",
    ReconsiderationStatus.REFUSED: "govuk-tag--grey",
    ReconsiderationStatus.WITHDRAWN: "govuk-tag--grey",
}


def _page(queryset, number):
    return Paginator(queryset, PAGE_SIZE).get_page(number)


def _single_site(site_ids: list[int]) -> int | None:
    return site_ids[0] if len(site_ids) == 1 else None


def _audit_decision_choices(request: HttpRequest, decisions: list[Decision], *, page: str, purpose: str) -> None:
    """The decisions offered as choices, each labelled with its child's name: a list of child records read."""
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Decision._meta.label_lower,
        site_id=_single_site(sorted({d.referral.site_id for d in decisions})),
        purpose=purpose,
        detail={"page": page, "ids": [d.pk for d in decisions], "referrals": [d.referral_id for d in decisions]},
    )


# Reconsiderations --------------------------------------------------------------------------------


@requires(Perm.RECONSIDERATION_RECORD)
def reconsiderations(request: HttpRequest) -> HttpResponse:
    page = _page(selectors.reconsiderations_for(request.user), request.GET.get("page"))
    rows = list(page.object_list)
    for asked in rows:  # who asked, the guardian named as the request's site's nation names them
        asked.requester_words = dict(requester_choices(asked.decision.referral.site)).get(asked.requester_kind, "")
    sites = [s.pk for s in selectors.reconsideration_sites(request.user)]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=ReconsiderationRequest._meta.label_lower,
        site_id=_single_site(sites),
        purpose=RECONSIDERATION,
        detail={"page": page.number, "ids": [r.pk for r in rows]},
    )
    return render(
        request,
        "reviews/reconsiderations.html",
        {"page": page, "rows": [(r, STATUS_TAGS.get(r.status, "")) for r in rows], "query_prefix": ""},
    )


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration_new(request: HttpRequest) -> HttpResponse:
    decisions = list(selectors.reconsiderable_decisions(request.user)[:CHOICE_LIMIT])
    initial = {"decision": request.GET.get("decision", "")}
    form = ReconsiderationForm(request.POST if request.method == "POST" else None, initial=initial, decisions=decisions)
    # The guardian named as the user's nation names them (their sites' nation; England and Wales's if several).
    nation = nations.nation_of_user(request.user)
    form.fields["requester_kind"].choices = requester_choices(nation)
    form.fields["routed_through"].choices = [
        *(c for c in form.fields["routed_through"].choices if not c[0]),
        *route_choices(nation),
    ]
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.reconsideration_receive(
                decision=form.chosen_decision(),
                user=request.user,
                requester_kind=form.cleaned_data["requester_kind"],
                requester_name=form.cleaned_data["requester_name"],
                requester_organisation=form.cleaned_data["requester_organisation"],
                grounds=form.cleaned_data["grounds"],
                details=form.cleaned_data["details"],
                received_on=form.cleaned_data["received_on"],
                accept_late=form.accept_late_value(),
                late_reason=form.cleaned_data["late_reason"],
                routed_through=form.cleaned_data["routed_through"],
                routed_through_name=form.cleaned_data["routed_through_name"],
                audit=AuditContext.from_request(request),
            )
        except (services.ReviewInvalid, services.ReviewStateError) as problem:
            add_to_form(form, problem)
        else:
            reference = asked.decision.referral.reference
            if asked.status == ReconsiderationStatus.REFUSED:
                messages.success(
                    request,
                    gettext("Late request for referral %(reference)s recorded as not accepted")
                    % {"reference": reference},
                )
            else:
                messages.success(
                    request,
                    gettext("Reconsideration request for referral %(reference)s recorded") % {"reference": reference},
                )
            return redirect("reviews:reconsideration", reconsideration_id=asked.pk)
    _audit_decision_choices(request, decisions, page="reconsideration-new", purpose=RECONSIDERATION)
    return render(request, "reviews/reconsideration_new.html", {"form": form, "has_decisions": bool(decisions)})


def _reconsideration_context(asked: ReconsiderationRequest) -> dict:
    decision = asked.decision
    candidate = (
        services.reconsideration_decision_candidate(asked) if asked.status == ReconsiderationStatus.LISTED else None
    )
    site = decision.referral.site
    routed_through = dict(route_choices(site)).get(asked.routed_through, "")
    return {
        "asked": asked,
        "requester_words": dict(requester_choices(site)).get(asked.requester_kind, ""),
        "decision": decision,
        "referral": decision.referral,
        "status_tag": STATUS_TAGS.get(asked.status, ""),
        "window": window_words(services.window_of(decision)),
        "late_words": long_date(services.window_closes_on(decision)),
        "routed_through": routed_through[:1].lower() + routed_through[1:],  # after "Brought by …:", names kept
        "grounds": _ground_labels(asked.grounds),
        "candidate": candidate,
        # The reconsideration's place on the meeting's agenda, where the decisions app records the decision.
        "agenda_item": (
            AgendaItem.objects.filter(meeting_id=asked.meeting_id, referral_id=decision.referral_id).first()
            if asked.status == ReconsiderationStatus.LISTED
            else None
        ),
        "reconsidered": asked.reconsidered_decision,
    }


def window_words(window: ReconsiderationWindow | None) -> str:
    """The reconsideration window in words, for the request pages."""
    if window is None:
        return gettext(
            "Not started: the decision has not yet been communicated to the referrer (no referrer's letter "
            "produced), so a request is in time"
        )
    opens = max(window.final_on, window.communicated_on)
    return gettext(
        "The %(days)s-day window runs from %(opens)s, when the decision was final and communicated to the "
        "referrer, and ends on %(closes)s"
    ) % {"days": window.window_days, "opens": long_date(opens), "closes": long_date(window.last_day)}


def _ground_labels(codes: list[str]) -> list[str]:
    labels = dict(ReconsiderationGround.choices)
    return [labels.get(c, c) for c in codes]


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration(request: HttpRequest, reconsideration_id: int) -> HttpResponse:
    asked = selectors.reconsideration_get(request.user, reconsideration_id)
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=asked,
        site_id=asked.decision.referral.site_id,
        purpose=RECONSIDERATION,
    )
    return render(request, "reviews/reconsideration.html", _reconsideration_context(asked))


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration_listing(request: HttpRequest, reconsideration_id: int) -> HttpResponse:
    asked = selectors.reconsideration_get(request.user, reconsideration_id)
    if asked.status != ReconsiderationStatus.RECEIVED:
        messages.info(
            request, gettext("This reconsideration is %(status)s.") % {"status": asked.get_status_display().lower()}
        )
        return redirect("reviews:reconsideration", reconsideration_id=asked.pk)
    meetings = list(selectors.listing_meetings(asked)[:CHOICE_LIMIT])
    form = ListingForm(request.POST if request.method == "POST" else None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            services.reconsideration_list(
                reconsideration=asked,
                meeting=form.chosen_meeting(),
                user=request.user,
                audit=AuditContext.from_request(request),
            )
        except services.ReviewInvalid as problem:
            add_to_form(form, problem)
        except services.ReviewStateError as problem:
            messages.info(request, str(problem))
            return redirect("reviews:reconsideration", reconsideration_id=asked.pk)
        else:
            messages.success(
                request,
                gettext("Reconsideration for referral %(reference)s listed before the panel")
                % {"reference": asked.decision.referral.reference},
            )
            return redirect("reviews:reconsideration", reconsideration_id=asked.pk)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=asked,
        site_id=asked.decision.referral.site_id,
        purpose=RECONSIDERATION,
        detail={"page": "listing"},
    )
    return render(
        request,
        "reviews/reconsideration_listing.html",
        {
            "asked": asked,
            "referral": asked.decision.referral,
            "form": form,
            "meetings": meetings,
            "options": _meeting_options(form, asked, meetings),
        },
    )


def _meeting_options(form: ListingForm, asked: ReconsiderationRequest, meetings) -> list[dict]:
    """Each meeting as a radio, with who votes there and who of them voted on the original decision."""
    voters = services.original_voters(asked.decision)
    referral = asked.decision.referral
    attendees: dict[int, list] = {}
    for attendee in MeetingAttendee.objects.filter(meeting__in=meetings, voting=True).select_related("user"):
        attendees.setdefault(attendee.meeting_id, []).append(attendee.user)
    chosen = form["meeting"].value()
    chairs = reconsideration_rules.original_chairs(referral)
    options = []
    for index, meeting in enumerate(meetings):
        sitting = attendees.get(meeting.pk, [])
        options.append(
            {
                "id": f"id_meeting_{index}",
                "value": str(meeting.pk),
                "label": meeting_label(meeting),
                "checked": str(chosen or "") == str(meeting.pk),
                "voting": sorted(u.full_name for u in sitting),
                "clash": sorted(u.full_name for u in sitting if u.pk in voters),
                "chair_clash": meeting.chair_id is not None and meeting.chair_id in chairs,
            }
        )
    return options


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration_outcome(request: HttpRequest, reconsideration_id: int) -> HttpResponse:
    asked = selectors.reconsideration_get(request.user, reconsideration_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.reconsideration_decide(
            reconsideration=asked, user=request.user, audit=AuditContext.from_request(request)
        )
    except services.ReviewStateError as problem:
        messages.info(request, str(problem))
    else:
        reference = asked.decision.referral.reference
        messages.success(
            request,
            gettext("Outcome of the reconsideration for referral %(reference)s recorded") % {"reference": reference},
        )
    return redirect("reviews:reconsideration", reconsideration_id=asked.pk)


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration_withdrawn(request: HttpRequest, reconsideration_id: int) -> HttpResponse:
    asked = selectors.reconsideration_get(request.user, reconsideration_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.reconsideration_withdraw(
            reconsideration=asked, user=request.user, audit=AuditContext.from_request(request)
        )
    except services.ReviewStateError as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, gettext("Reconsideration recorded as withdrawn"))
    return redirect("reviews:reconsideration", reconsideration_id=asked.pk)


@requires(Perm.RECONSIDERATION_RECORD)
def reconsideration_communicated(request: HttpRequest, reconsideration_id: int) -> HttpResponse:
    asked = selectors.reconsideration_get(request.user, reconsideration_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.reconsideration_communicate(
            reconsideration=asked, user=request.user, audit=AuditContext.from_request(request)
        )
    except services.ReviewStateError as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, gettext("Outcome recorded as communicated"))
    return redirect("reviews:reconsideration", reconsideration_id=asked.pk)


# Returns to the SCA ------------------------------------------------------------------------------


def _return_rows(returns: list[DecisionReturn]) -> list[dict]:
    """Each return with what the list shows of its export, as kept when it was sent (the export is not read)."""
    return [
        {
            "sent": r,
            "summary": {
                "referral_reference": r.sent_reference,
                "stage": r.sent_stage,
                "version": r.sent_version,
                "outcome": r.sent_outcome,
            },
            "findings": list(r.findings.all()),
        }
        for r in returns
    ]


@requires(Perm.DECISION_RETURN, Perm.SCA_AUDIT)
def returns(request: HttpRequest) -> HttpResponse:
    queryset = selectors.returns_listed_for(request.user)
    page = _page(queryset, request.GET.get("page"))
    rows = _return_rows(list(page.object_list))
    sites = selectors.returns_sites(request.user)
    sca = has_perm(request.user, Perm.SCA_AUDIT)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=DecisionReturn._meta.label_lower,
        site_id=_single_site(sites),
        purpose=PURPOSES[Perm.SCA_AUDIT if sca else Perm.DECISION_RETURN],
        detail={"page": page.number, "ids": [row["sent"].pk for row in rows]},
    )
    return render(
        request,
        "reviews/returns.html",
        {
            "page": page,
            "rows": rows,
            "query_prefix": "",
            "can_send": has_perm(request.user, Perm.DECISION_RETURN),
            "several_sites": len(sites) > 1,
        },
    )


@requires(Perm.DECISION_RETURN)
def return_new(request: HttpRequest) -> HttpResponse:
    decisions = list(selectors.returnable_decisions(request.user).filter(returns__isnull=True)[:CHOICE_LIMIT])
    initial = {"decision": request.GET.get("decision", "")}
    form = ReturnForm(request.POST if request.method == "POST" else None, initial=initial, decisions=decisions)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.return_send(
                decision=form.chosen_decision(), user=request.user, audit=AuditContext.from_request(request)
            )
        except services.ReviewStateError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                gettext("Decision for referral %(reference)s sent to the SCA")
                % {"reference": sent.decision.referral.reference},
            )
            return redirect("reviews:return", return_id=sent.pk)
    _audit_decision_choices(request, decisions, page="return-new", purpose=PURPOSES[Perm.DECISION_RETURN])
    return render(request, "reviews/return_new.html", {"form": form, "has_decisions": bool(decisions)})


def _purpose_for(user, sent: DecisionReturn) -> str:
    return PURPOSES[Perm.SCA_AUDIT if has_perm(user, Perm.SCA_AUDIT, sent.site_id) else Perm.DECISION_RETURN]


@requires(Perm.DECISION_RETURN, Perm.SCA_AUDIT)
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    sent = selectors.return_get(request.user, return_id)
    is_sca = has_perm(request.user, Perm.SCA_AUDIT, sent.site_id)
    is_panel = has_perm(request.user, Perm.DECISION_RETURN, sent.site_id)
    # The record as sent went with the case when retention anonymised it: the page says so, and takes no finding.
    anonymised = _anonymised(sent)
    form = FindingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_sca:
            raise PermissionDenied
        if anonymised:
            messages.info(request, anonymised)
            return redirect("reviews:return", return_id=sent.pk)
        if form.is_valid():
            try:
                services.finding_record(
                    decision_return=sent,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    finding=form.cleaned_data["finding"],
                    audit=AuditContext.from_request(request),
                )
            except services.ReviewInvalid as problem:
                add_to_form(form, problem)
            else:
                messages.success(request, gettext("Finding recorded on return %(number)s") % {"number": sent.pk})
                return redirect("reviews:return", return_id=sent.pk)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=sent,
        site_id=sent.site_id,
        purpose=_purpose_for(request.user, sent),
    )
    findings = list(sent.findings.select_related("recorded_by", "responded_by"))
    summary = export.summary(sent.export)
    if anonymised:
        summary["referral_reference"] = sent.decision.referral.reference  # the export no longer says
    return render(
        request,
        "reviews/return.html",
        {
            "sent": sent,
            "anonymised": anonymised,
            "data": sent.export,
            "summary": summary,
            # A record in the decisions app's export format reads like the decision's own page; an older return
            # in this app's format keeps its generic layout (export.readable).
            "record_layout": export.is_decision_record(sent.export),
            "vote_labels": dict(Vote.choices),
            "sections": export.readable(sent.export),
            "findings": findings,
            "is_sca": is_sca,
            "is_panel": is_panel,
            "form": form,
            "response_form": ResponseForm(),
        },
    )


def _anonymised(sent: DecisionReturn) -> str:
    """Why the record as sent can no longer be shown, if retention anonymised its case; else ""."""
    referral = sent.decision.referral
    return sent_record_anonymised_message(referral) if case_anonymised(referral) else ""


def _download(request: HttpRequest, return_id: int, kind: str) -> HttpResponse:
    sent = selectors.return_get(request.user, return_id)
    if _anonymised(sent):
        # Nothing left to download: the return's page says the record was anonymised, and when.
        return redirect("reviews:return", return_id=sent.pk)

    def audit() -> None:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.DOWNLOAD,
            obj=sent,
            site_id=sent.site_id,
            purpose=_purpose_for(request.user, sent),
            detail={"format": kind, "sha256": sent.sha256},
        )

    # Named by the return and referral references only: no child's name in a file name.
    reference = export.summary(sent.export)["referral_reference"] or "decision"
    filename = f"return-{sent.pk}-{reference}"
    if kind == "pdf":
        return pdf_download(request, build=lambda: _return_pdf(sent), filename=filename, audit=audit)
    audit()
    return download_response(
        content=export.export_json(sent.export), filename=filename, extension="json", content_type="application/json"
    )


def _return_pdf(sent) -> bytes:
    """The record as it was sent to the SCA, in English as sent, whatever the page's language."""
    with translation.override("en-gb"):
        return export.export_pdf(sent.export, sha256=sent.sha256)


@requires(Perm.DECISION_RETURN, Perm.SCA_AUDIT)
def return_json(request: HttpRequest, return_id: int) -> HttpResponse:
    return _download(request, return_id, "json")


@requires(Perm.DECISION_RETURN, Perm.SCA_AUDIT)
def return_pdf(request: HttpRequest, return_id: int) -> HttpResponse:
    return _download(request, return_id, "pdf")


@requires(Perm.DECISION_RETURN)
def finding_answer(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get_for_panel(request.user, finding_id)
    sent = finding.decision_return
    if finding.responded_at is not None:
        messages.info(request, gettext("The panel has already answered this finding."))
        return redirect("reviews:return", return_id=sent.pk)
    if _anonymised(sent):
        messages.info(request, case_anonymised_message(sent.decision.referral))
        return redirect("reviews:return", return_id=sent.pk)
    form = ResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_respond(
                finding=finding,
                user=request.user,
                response=form.cleaned_data["response"],
                audit=AuditContext.from_request(request),
            )
        except services.ReviewInvalid as problem:
            add_to_form(form, problem)
        except services.ReviewStateError as problem:
            messages.info(request, str(problem))
            return redirect("reviews:return", return_id=sent.pk)
        else:
            messages.success(
                request, gettext("Answer to the finding on return %(number)s recorded") % {"number": sent.pk}
            )
            return redirect("reviews:return", return_id=sent.pk)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=finding,
        site_id=sent.site_id,
        purpose=PURPOSES[Perm.DECISION_RETURN],
    )
    return render(
        request,
        "reviews/finding_answer.html",
        {"finding": finding, "sent": sent, "summary": export.summary(sent.export), "form": form, "now": timezone.now()},
    )
