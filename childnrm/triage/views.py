"""The coordinator's pages: the queue, triage of one referral, and its case packet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.accounts.selectors import welsh_names
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.downloads import download_response
from childnrm.kit.errors import add_to_form
from childnrm.kit.pagination import NearerEndPaginator
from childnrm.kit.pdf import pdf_download
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.people.selectors import children_visible_to
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message, sent_record_anonymised_message
from childnrm.referrals.answers import answer_sections
from childnrm.referrals.models import AdultConsent, Referral, ReferralStatus
from childnrm.referrals.selectors import referral_get_for_triage, submitted_referral_get
from childnrm.referrals.services import ReferralStateError
from childnrm.referrals.vocab import ExploitationType
from childnrm.triage import eligibility, reasons
from childnrm.triage import packet as case_packets
from childnrm.triage.forms import AdultConsentForm, FactsForm, QueueFilterForm, TriageForm
from childnrm.triage.queue_rows import OUTCOME_SHORT, age_text, queue_rows
from childnrm.triage.selectors import (
    QueueFilters,
    case_packet_referral_get,
    clock_for,
    other_active_sites,
    queue_for,
    queue_page_rows,
    referral_documents,
    sent_on_at,
    triage_referral_get,
    triage_sites,
)
from childnrm.triage.services import (
    CONSENT_PURPOSE,
    CONSENT_STATUSES,
    TriageInvalid,
    adult_consent_record,
    latest_assessment,
    triage_confirm,
    triage_correct_facts,
)
from childnrm.triage.views_earlier_records import earlier_records_context

PAGE_SIZE = 25
EXPLOITATION_LABELS = dict(ExploitationType.choices)
PURPOSE = PURPOSES[Perm.REFERRAL_TRIAGE]


def queue_page(queue: QuerySet[Referral], number: str | None, *, user, sites: list[Site]) -> Page[Any]:
    """One page of the queue: the page's ids first (the index alone answers, read from the nearer end of the queue:
    `kit.pagination.NearerEndPaginator`), then just those rows.

    A deep page then skips over index entries rather than over joined rows. Each row also has its clock's state,
    who decides and whether it has a possible earlier record that `user` may decide about
    (`queue_page_rows`, one statement); its site is the one of `sites` (the user's triage sites) that holds it.
    """
    # A page of ids, whose list is then replaced by those rows (hence Page[Any]).
    page: Page[Any] = NearerEndPaginator(queue.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    page.object_list = queue_page_rows(list(page.object_list), user, sites)
    return page


@requires(Perm.REFERRAL_TRIAGE)
def queue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sites = triage_sites(request.user)
    form = QueueFilterForm(request.GET or None, sites=sites)
    filters = form.filters() if form.is_bound else QueueFilters()
    page = queue_page(
        queue_for(request.user, filters, today=today, sites=sites),
        request.GET.get("page"),
        user=request.user,
        sites=sites,
    )
    rows = queue_rows(list(page.object_list), today)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Referral._meta.label_lower,
        site_id=sites[0].pk if len(sites) == 1 else None,
        purpose=PURPOSE,
        detail={"page": page.number, "ids": [row.referral.pk for row in rows]},
    )
    kept = {k: str(v) for k, v in request.GET.items() if k != "page" and v}  # a query's values are text
    return render(
        request,
        "triage/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "several_sites": len(sites) > 1,
            "filtered": bool(kept),
            "query_prefix": urlencode(kept) + "&" if kept else "",
        },
    )


def _holding_site(referral: Referral) -> Site:
    """The site holding a referral reached through a site's permission (only a draft has none, and no site's
    permission reaches a draft)."""
    if referral.site is None:
        raise Http404
    return referral.site


@requires(Perm.REFERRAL_TRIAGE)
def triage(request: HttpRequest, referral_reference: str) -> HttpResponse:
    referral = triage_referral_get(request.user, referral_reference)
    assessment = latest_assessment(referral)
    suggested = eligibility.suggested_site(referral, assessment) if assessment else None
    awaiting = referral.status == ReferralStatus.SUBMITTED and assessment is not None and not assessment.confirmed_at
    holding_site = _holding_site(referral)
    other_sites = other_active_sites(holding_site)
    initial = {}
    if assessment is not None:
        initial = {"outcome": assessment.outcome, "site": str(suggested.pk) if suggested else ""}
    excluded = eligibility.hard_exclusions(referral, eligibility.referral_date(referral)) if awaiting else []
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        holding_site=holding_site,
        other_sites=other_sites,
        hard_exclusion=eligibility.hard_exclusion_message(excluded) if excluded else "",
    )
    if request.method == "POST" and awaiting and form.is_valid():
        try:
            result = triage_confirm(
                referral=referral,
                user=request.user,
                final_outcome=form.cleaned_data["outcome"],
                final_site=form.chosen_site(),
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except TriageInvalid as problem:
            add_to_form(form, problem)
        except ReferralStateError as problem:
            messages.info(request, str(problem))
            return redirect("triage:triage", referral_reference=referral.reference)
        else:
            if result.onward_referral is not None:
                messages.success(
                    request, gettext("Referral %(reference)s referred on") % {"reference": referral.reference}
                )
                return redirect("triage:case-packet", referral_reference=referral.reference)
            messages.success(
                request,
                welsh_format(
                    gettext("Referral %(reference)s accepted by %(site)s"),
                    {"reference": referral.reference, "site": holding_site.display_name},
                ),
            )
            return redirect("triage:triage", referral_reference=referral.reference)
    elif request.method == "POST" and not awaiting:
        messages.info(request, gettext("This referral has already been triaged."))
        return redirect("triage:triage", referral_reference=referral.reference)

    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=PURPOSE,
        detail={"page": "triage"},
    )
    today = timezone.localdate()
    names = welsh_names() if assessment and assessment.reasons else {}  # the sites and councils the reasons name
    return render(
        request,
        "triage/triage.html",
        {
            "referral": referral,
            "assessment": assessment,
            # The rules' reasons, recorded in English, in the page's language (an unknown wording marked English).
            "reasons_shown": [reasons.shown(reason, names) for reason in assessment.reasons] if assessment else [],
            "suggested": suggested,
            "overridden": assessment is not None
            and bool(assessment.final_outcome)
            and eligibility.differs(assessment.final_outcome, assessment.final_site, assessment.outcome, suggested),
            "awaiting": awaiting,
            "hard_exclusions": [eligibility.clause_words(c) for c in excluded],
            "form": form,
            "clock": clock_for(referral, today),
            "age": age_text(referral, today),
            # Only when it was sent (its packet, a large JSON document, is not shown here).
            "onward_referral": sent_on_at(referral),
            "exploitation_types": [str(EXPLOITATION_LABELS.get(t, t)) for t in referral.exploitation_types],
            "child_record_url": _child_record_url(request.user, referral),
            # Possible earlier records of the child, to link or reject here (audited as shown).
            **earlier_records_context(request, referral),
            # The whole referral as the first responder sent it, read-only (the journey's check-answers rows).
            "answers": answer_sections(
                referral,
                referral_documents(referral),
                document_url=lambda d: reverse("referrals:document-download", args=[referral.reference, d.pk]),
            ),
        },
    )


def _child_record_url(user, referral: Referral) -> str:
    """The child's own record (their safeguarding plan, guardian and lead social worker), for a user who may open it
    (people's detail page: `child_get`'s scope); '' for a referral with no child yet, or a user who may not."""
    child = referral.child
    if child is None:
        return ""
    if not (has_perm(user, Perm.CHILD_VIEW_SITE) or has_perm(user, Perm.CHILD_VIEW_ASSOCIATED)):
        return ""
    if not children_visible_to(user).filter(pk=child.pk).exists():
        return ""
    return reverse("people:detail", args=[child.reference])


@requires(Perm.REFERRAL_TRIAGE)
def correct_facts(request: HttpRequest, referral_reference: str) -> HttpResponse:
    """Correct the facts a hard exclusion rests on, while the referral awaits triage; the engine routes again."""
    referral = referral_get_for_triage(request.user, referral_reference)
    assessment = latest_assessment(referral)
    awaiting = referral.status == ReferralStatus.SUBMITTED and assessment is not None and not assessment.confirmed_at
    if not awaiting:
        messages.info(
            request, gettext("This referral has already been triaged: its facts can no longer be corrected here.")
        )
        return redirect("triage:triage", referral_reference=referral.reference)
    form = FactsForm(request.POST if request.method == "POST" else None, initial=FactsForm.initial_for(referral))
    if request.method == "POST" and form.is_valid():
        try:
            fresh = triage_correct_facts(
                referral=referral,
                user=request.user,
                facts=form.facts(),
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
        except TriageInvalid as problem:
            add_to_form(form, problem)
        except ReferralStateError as problem:
            messages.info(request, str(problem))
            return redirect("triage:triage", referral_reference=referral.reference)
        else:
            words = OUTCOME_SHORT[fresh.outcome]
            messages.success(
                request, gettext("Facts corrected. The rules now suggest: %(outcome)s") % {"outcome": words}
            )
            return redirect("triage:triage", referral_reference=referral.reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=PURPOSE,
        detail={"page": "correct facts"},
    )
    return render(
        request,
        "triage/correct_facts.html",
        {"referral": referral, "form": form, "error_links": form.error_links()},
    )


@requires(Perm.CASE_TRANSFER)
def adult_consent(request: HttpRequest, referral_reference: str) -> HttpResponse:
    """Record the young person's consent (or refusal) to remain in the NRM, at or near 18."""
    # A case of a site where the user manages the turning-18 hand-over.
    referral = submitted_referral_get(request.user, referral_reference, Perm.CASE_TRANSFER)
    # Reached from the turning-18 hand-over, the page goes back there (a fixed name, never a URL from the query).
    from_handover = request.GET.get("from") == "turning-18" and referral.child is not None
    back = (
        reverse("handovers:adult-transition", args=[referral.child.reference])
        if from_handover and referral.child
        else reverse("triage:triage", args=[referral.reference])
    )
    form = AdultConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            adult_consent_record(
                referral=referral,
                user=request.user,
                answer=form.cleaned_data["answer"],
                given_on=form.cleaned_data["given_on"],
                method=form.cleaned_data["method"],
                notes=form.cleaned_data["notes"],
                audit=AuditContext.from_request(request),
            )
        except TriageInvalid as problem:
            add_to_form(form, problem)
        except ReferralStateError as problem:
            messages.info(request, str(problem))
            return redirect("triage:adult-consent", referral_reference=referral.reference)
        else:
            messages.success(
                request,
                gettext("Consent to remain in the NRM recorded for %(reference)s") % {"reference": referral.reference},
            )
            return redirect(back if from_handover else request.path)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        purpose=CONSENT_PURPOSE,
        detail={"page": "adult consent"},
    )
    born, from_age = eligibility.working_birth_date(referral)
    return render(
        request,
        "triage/adult_consent.html",
        {
            "referral": referral,
            "form": form,
            "error_links": form.error_links(),
            "birthday": eligibility.eighteenth_birthday(born) if born else None,
            "birthday_from_age": from_age,
            "can_record": referral.status in CONSENT_STATUSES and not case_anonymised(referral),
            "anonymised": case_anonymised_message(referral) if case_anonymised(referral) else "",
            "back": back,
            "back_to_handover": from_handover,
            "answers": AdultConsent.objects.filter(referral=referral).select_related("recorded_by"),
        },
    )


@requires(Perm.REFERRAL_TRIAGE)
def case_packet_page(request: HttpRequest, referral_reference: str) -> HttpResponse:
    referral, sent = case_packet_referral_get(request.user, referral_reference)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        site_id=sent.from_site_id if sent else referral.site_id,
        purpose=PURPOSE,
        detail={"page": "case packet", "handoff": sent.pk if sent else None},
    )
    still_ours = referral.site_id in {s.pk for s in triage_sites(request.user)}
    # The packet (as sent, or of the case as it is) went with the case when retention anonymised it.
    anonymised = ""
    if case_anonymised(referral):
        anonymised = sent_record_anonymised_message(referral) if sent else case_anonymised_message(referral)
    return render(
        request,
        "triage/case_packet.html",
        {"referral": referral, "onward_referral": sent, "still_ours": still_ours, "anonymised": anonymised},
    )


def _download(request: HttpRequest, referral_reference: str, kind: str) -> HttpResponse:
    referral, sent = case_packet_referral_get(request.user, referral_reference)
    if case_anonymised(referral):
        # Nothing left to download: the case packet's page says it was anonymised, and when.
        return redirect("triage:case-packet", referral_reference=referral.reference)
    packet = case_packets.stored_or_live_packet(referral, sent)

    def audit() -> None:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.EXPORT,
            obj=referral,
            site_id=sent.from_site_id if sent else referral.site_id,
            purpose=PURPOSE,
            detail={"format": kind, "handoff": sent.pk if sent else None},
        )

    # The file is named by the reference only: no child's name in a download's name.
    filename = f"{referral.reference}-case-packet"
    if kind == "pdf":
        return pdf_download(
            request,
            build=lambda: case_packets.packet_pdf(packet, sha256=sent.sha256 if sent else None),
            filename=filename,
            audit=audit,
        )
    audit()
    return download_response(
        content=case_packets.packet_json(packet), filename=filename, extension="json", content_type="application/json"
    )


@requires(Perm.REFERRAL_TRIAGE)
def case_packet_json(request: HttpRequest, referral_reference: str) -> HttpResponse:
    return _download(request, referral_reference, "json")


@requires(Perm.REFERRAL_TRIAGE)
def case_packet_pdf(request: HttpRequest, referral_reference: str) -> HttpResponse:
    return _download(request, referral_reference, "pdf")
