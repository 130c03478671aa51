"""The transfer packet: a case's whole history, for the site (or the SCA) that takes it over.

It builds on the triage case packet (triage.packet: every referral answer, documents with their
fingerprints, triage and status history) and adds what happened since: panel sittings, decisions
with their evidence and votes, reconsiderations and quality assurance, letters (metadata only),
the safeguarding plan with its actions and the child's views on it, what the referrals said about safeguarding,
statutory periods, strategy discussions, the safety map, information requests with their answers, missing episodes
with what their return home interviews learned, the outcome follow-up and its reviews, the lead social workers
over time, the young person's consent at 18 and the turning-18 hand-over, earlier transfers and onward referrals,
and a summary of the audit trail.

`CARRIED` and `LEFT_OUT` name every model linked to the child or a referral: each travels in the packet, or is left
out for a stated reason (a test holds them to the models, so a new one is decided, never silently dropped).

Rows are written out field by field from the model, so a field another app adds later travels
with the case without a change here: nothing is silently dropped. JSON keeps stored values and ISO
8601 times; `readable` turns the packet into labelled sections for the PDF.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst

from childnrm.accounts.models import User
from childnrm.audit.models import AuditEvent
from childnrm.handovers.models import AdultTransition, CaseTransfer, ScaReportedDecision
from childnrm.kit import i18n
from childnrm.kit.pdf import render_pdf
from childnrm.people.models import Child
from childnrm.referrals.models import AdultConsent, Referral, ReferralStatus
from childnrm.triage import packet as case_packets
from childnrm.triage.models import OnwardReferral

PACKET_FORMAT = "childnrm.case-transfer"
# 2: missing episodes, outcome reviews, the child's views, referrals' safeguarding, lead social workers, consent at
# 18, decisions' nil returns, tie deferrals and reconsideration windows, earlier transfers and onward referrals.
PACKET_VERSION = 2
SCA_NAME = case_packets.SCA_NAME

# Letters travel as metadata: what was sent, when and by whom, with the PDF's fingerprint.
LETTER_FIELDS_LEFT_OUT = {"content", "pdf"}
# An earlier transfer's or onward referral's packet was sent whole then; this one says that it was, and its SHA-256.
SENT_PACKET_LEFT_OUT = {"packet"}

# Every model linked to the child or a referral (by a chain of foreign keys), and where it travels in the packet.
CARRIED: dict[str, str] = {
    "people.Child": "child",
    "people.ChildAssociation": "child.associations",
    "people.LeadSocialWorker": "lead_social_workers",
    "referrals.Referral": "case, other_referrals",
    "referrals.ReferralDocument": "case.documents",
    "referrals.ReferralStatusChange": "case.status_history",
    "referrals.AdultConsent": "adult_consents",
    "triage.TriageAssessment": "case.triage",
    "triage.OnwardReferral": "onward_referrals",
    "panels.AgendaItem": "panel_sittings",
    "panels.ConflictDeclaration": "panel_sittings[].conflict_declarations",
    "decisions.Decision": "decisions",
    "decisions.DecisionEvidence": "decisions[].evidence",
    "decisions.DecisionVote": "decisions[].votes",
    "decisions.AgencyNilReturn": "decisions[].nil_returns",
    "decisions.TieDeferral": "decisions[].tie_deferrals",
    "reviews.ReconsiderationRequest": "decisions[].reconsideration_requests",
    "reviews.ReconsiderationWindow": "decisions[].reconsideration_window",
    "reviews.DecisionReturn": "decisions[].returns_to_sca",
    "reviews.QualityFinding": "decisions[].returns_to_sca[].findings",
    "letters.Letter": "decisions[].letters",
    "letters.DecisionExplanation": "decisions[].explanations_to_child",
    "letters.GuardianNotice": "decisions[].guardian_notices",
    "information.InformationRequest": "information_requests",
    "information.InformationResponse": "information_requests[].responses",
    "information.ResponseDocument": "information_requests[].responses[].documents",
    "information.InformationChase": "information_requests[].chases",
    "safeguarding.SafeguardingPlan": "safeguarding.plans",
    "safeguarding.PlanAction": "safeguarding.plans[].actions",
    "safeguarding.PlanActionUpdate": "safeguarding.plans[].actions[].updates",
    "safeguarding.ChildPlanView": "safeguarding.plans[].child_views",
    "safeguarding.ReferralSafeguarding": "safeguarding.from_referrals",
    "safeguarding.StatutoryPeriod": "safeguarding.statutory_periods",
    "safeguarding.StrategyDiscussion": "safeguarding.strategy_discussions",
    "safeguarding.ContextualLink": "safeguarding.contextual_links",
    "outcomes.OutcomeFollowUp": "outcomes.follow_up",
    "outcomes.OutcomeReview": "outcomes.reviews",
    "outcomes.MissingEpisode": "outcomes.missing_episodes",
    "handovers.AdultTransition": "adult_transition",
    "handovers.CaseTransfer": "transfer, earlier_transfers",
    "handovers.ScaReportedDecision": "sca_decisions",
}
# Linked models deliberately left out, and why.
LEFT_OUT: dict[str, str] = {
    "people.ChildBlockingKey": "derived from the child's record for searching; rebuilt at the site that holds it",
    "people.PossibleEarlierRecord": "the linkage's suggestions to the sending site, worked out again where it lands",
    "people.ChildLinkDecision": "names another child's record, which may be held elsewhere: not this child's to send",
    "people.NationalLinkCandidate": "the national sweep's working list between records, not the child's history",
    "people.NationalLinkPair": "the national sweep's working list between records, not the child's history",
    "people.NationalLinkReview": "a site's answer to the national sweep about two records, not the child's history",
    "api.IdempotencyRecord": "the API's record of a request already answered: machinery, no history",
    "burdens.TimeEntry": "the sending site's time for its new-burdens claim (ADR 0026), not the child's history",
    "case_reviews.ReviewedCase": "the sending site's own case review, kept site-only (ADR 0021)",
    "feedback.FeedbackSession": "the child's feedback on the service for the sending site's learning (ADR 0022); "
    "its code hash is a credential",
    "retention.RetentionItem": "the holding site's retention schedule (ADR 0008): the receiver keeps its own",
    "retention.LegalHold": "the holding site's legal hold on its own records (ADR 0008): the receiver decides its own",
}


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _value(obj: models.Model, field: models.Field) -> Any:
    if isinstance(field, models.ForeignKey):
        related_id = getattr(obj, field.attname)
        if related_id is None:
            return None
        related = getattr(obj, field.name)
        if isinstance(related, User):
            return case_packets._person(related)
        if isinstance(related, Child | Referral):
            return related.reference
        return {"id": related_id, "name": str(related)}
    value = getattr(obj, field.attname)
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    if isinstance(field, models.FileField):
        return None  # the file travels by its fingerprint (sha256), never by its storage path
    return value


def row(obj: models.Model, *, leave_out: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every stored field of a row, with the label people read for coded values."""
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in leave_out or isinstance(f, models.FileField):
            continue
        out[f.name] = _value(obj, f)
        if f.choices and getattr(obj, f.attname):
            out[f"{f.name}_label"] = getattr(obj, f"get_{f.name}_display")()
    return out


def _rows(qs, **kwargs) -> list[dict[str, Any]]:
    return [row(o, **kwargs) for o in qs]


def _row_or_none(obj: models.Model | None, **kwargs) -> dict[str, Any] | None:
    return row(obj, **kwargs) if obj is not None else None


def _decisions(referral: Referral) -> list[dict[str, Any]]:
    from childnrm.letters.models import DecisionExplanation, GuardianNotice, Letter
    from childnrm.reviews.models import (
        DecisionReturn,
        QualityFinding,
        ReconsiderationRequest,
        ReconsiderationWindow,
    )

    out = []
    decisions = referral.decisions.select_related("created_by__organisation", "finalised_by__organisation")
    for d in decisions.order_by("stage", "version", "id"):
        returns = []
        for r in DecisionReturn.objects.filter(decision=d).select_related("site", "sent_by__organisation"):
            returns.append(
                {
                    **row(r, leave_out={"export"}),
                    "findings": _rows(QualityFinding.objects.filter(decision_return=r).order_by("recorded_at", "id")),
                }
            )
        out.append(
            {
                **row(d),
                "evidence": _rows(d.evidence.order_by("id")),
                "votes": _rows(d.votes.select_related("voter__organisation").order_by("agency", "id")),
                "nil_returns": _rows(d.nil_returns.order_by("id")),
                "tie_deferrals": _rows(d.tie_deferrals.order_by("id")),
                "reconsideration_window": _row_or_none(ReconsiderationWindow.objects.filter(decision=d).first()),
                "reconsideration_requests": _rows(ReconsiderationRequest.objects.filter(decision=d).order_by("id")),
                "returns_to_sca": returns,
                "letters": _rows(
                    Letter.objects.filter(decision=d).order_by("produced_at", "id"), leave_out=LETTER_FIELDS_LEFT_OUT
                ),
                "explanations_to_child": _rows(DecisionExplanation.objects.filter(decision=d).order_by("id")),
                "guardian_notices": _rows(GuardianNotice.objects.filter(decision=d).order_by("id")),
            }
        )
    return out


def _sittings(referral: Referral) -> list[dict[str, Any]]:
    items = referral.agenda_items.select_related("meeting").order_by("meeting__starts_at", "id")
    return [
        {
            **row(item),
            "meeting": {
                "starts_at": _iso(item.meeting.starts_at),
                "kind": item.meeting.kind,
                "status": item.meeting.status,
            },
            "conflict_declarations": [
                {**row(c, leave_out={"attendee"}), "attendee": case_packets._person(c.attendee.user)}
                for c in item.conflict_declarations.select_related("attendee__user__organisation")
            ],
        }
        for item in items
    ]


def _information(referral: Referral) -> list[dict[str, Any]]:
    out = []
    for r in referral.information_requests.select_related("organisation").order_by("requested_at", "id"):
        responses = [
            {
                **row(resp),
                "documents": [
                    {**row(doc), "name": doc.original_name} for doc in resp.documents.order_by("uploaded_at", "id")
                ],
            }
            for resp in r.responses.order_by("responded_at", "id")
        ]
        out.append({**row(r), "responses": responses, "chases": _rows(r.chases.order_by("chased_at", "id"))})
    return out


def _safeguarding(child: Child) -> dict[str, Any]:
    plans = []
    for plan in child.safeguarding_plans.order_by("created_at", "id"):
        actions = [
            {**row(a), "updates": _rows(a.updates.order_by("at", "id"))} for a in plan.actions.order_by("due_on", "id")
        ]
        views = _rows(plan.child_views.order_by("gathered_on", "id"))
        plans.append({**row(plan), "actions": actions, "child_views": views})
    from childnrm.safeguarding.models import ReferralSafeguarding

    return {
        "plans": plans,
        "from_referrals": _rows(ReferralSafeguarding.objects.filter(child=child).order_by("recorded_at", "id")),
        "statutory_periods": _rows(child.statutory_periods.order_by("starts_on", "id")),
        "strategy_discussions": _rows(child.strategy_discussions.order_by("held_on", "id")),
        "contextual_links": _rows(child.contextual_links.order_by("kind", "id")),
    }


def _outcomes(child: Child) -> dict[str, Any]:
    """The outcome follow-up: its reviews (answers and who recorded them) and every missing episode, with what the
    return home interview learned."""
    from childnrm.outcomes.models import MissingEpisode, OutcomeFollowUp, OutcomeReview

    return {
        "follow_up": _row_or_none(OutcomeFollowUp.objects.filter(child=child).first()),
        "reviews": _rows(OutcomeReview.objects.filter(child=child).order_by("due_on", "id")),
        "missing_episodes": _rows(MissingEpisode.objects.filter(child=child).order_by("started_on", "id")),
    }


def audit_summary(child: Child, referrals: list[Referral]) -> dict[str, Any]:
    """Who has seen or changed the case, in figures (the trail itself stays with the sending site)."""
    scope = Q(object_type=Child._meta.label_lower, object_id=str(child.pk)) | Q(
        object_type=Referral._meta.label_lower, object_id__in=[str(r.pk) for r in referrals]
    )
    events = AuditEvent.objects.filter(scope)
    totals = events.aggregate(count=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
    by_action = dict(events.values_list("action").annotate(n=Count("id")).order_by("action"))
    return {
        "events": totals["count"],
        "first_event_at": _iso(totals["first"]),
        "last_event_at": _iso(totals["last"]),
        "people": events.exclude(actor_id=None).values("actor_id").distinct().count(),
        "by_action": by_action,
    }


def transfer_details(*, destination: str, from_site, to_site, user, reason: str) -> dict[str, Any]:
    return {
        "destination": destination,
        "from_site": from_site.name,
        "to": to_site.name if to_site is not None else SCA_NAME,
        "transferred_by": case_packets._person(user),
        "transferred_at": timezone.localtime().isoformat(),
        "reason": reason,
    }


# The packet (its JSON, hashed, and its PDF) reads English whatever the page's language (ADR 0023).
@translation.override(i18n.ENGLISH)
def transfer_packet(referral: Referral, *, transfer: dict[str, Any] | None) -> dict[str, Any]:
    """The whole case of the referral's child as one JSON-ready dict."""
    child = referral.child
    others = []
    if child is not None:
        others = list(
            child.referrals.exclude(pk=referral.pk).exclude(status=ReferralStatus.DRAFT).order_by("submitted_at", "id")
        )
    referrals = [referral, *others]
    packet: dict[str, Any] = {
        "format": PACKET_FORMAT,
        "version": PACKET_VERSION,
        "generated_at": timezone.localtime().isoformat(),
        "transfer": transfer,
        "case": case_packets.case_packet(referral),
        "other_referrals": [case_packets.case_packet(r) for r in others],
        "child": None,
        "panel_sittings": [s for r in referrals for s in _sittings(r)],
        "decisions": [d for r in referrals for d in _decisions(r)],
        "information_requests": [i for r in referrals for i in _information(r)],
        "adult_consents": _rows(AdultConsent.objects.filter(referral__in=referrals).order_by("id")),
        "onward_referrals": _rows(
            OnwardReferral.objects.filter(referral__in=referrals).order_by("produced_at", "id"),
            leave_out=SENT_PACKET_LEFT_OUT,
        ),
        "earlier_transfers": _rows(
            CaseTransfer.objects.filter(referral__in=referrals).order_by("transferred_at", "id"),
            leave_out=SENT_PACKET_LEFT_OUT,
        ),
        "sca_decisions": _rows(
            ScaReportedDecision.objects.filter(referral__in=referrals).order_by("recorded_at", "id")
        ),
        "lead_social_workers": [],
        "safeguarding": None,
        "outcomes": None,
        "adult_transition": None,
        "audit_summary": None,
    }
    if child is not None:
        packet["child"] = {
            **row(child),
            "associations": [
                {**row(a, leave_out={"user"}), "user": case_packets._person(a.user)}
                for a in child.associations.select_related("user__organisation").order_by("starts_at", "id")
            ],
        }
        packet["lead_social_workers"] = _rows(child.lead_social_workers.order_by("starts_at", "id"))
        packet["safeguarding"] = _safeguarding(child)
        packet["outcomes"] = _outcomes(child)
        transition = AdultTransition.objects.filter(child=child).first()
        packet["adult_transition"] = row(transition) if transition is not None else None
        packet["audit_summary"] = audit_summary(child, referrals)
    return packet


packet_json = case_packets.packet_json
packet_sha256 = case_packets.packet_sha256


# For people: the packet as labelled sections -------------------------------------------------------


def _label(key: str) -> str:
    return capfirst(key.replace("_", " "))


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        if set(value) == {"name", "organisation"}:
            return ", ".join(p for p in (value["name"], value["organisation"]) if p)
        if "name" in value and "id" in value:
            return str(value["name"])
        return "; ".join(f"{_label(k)}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    text = str(value)
    if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return case_packets.long_date(date.fromisoformat(text))
        except ValueError:
            return text
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        try:
            return case_packets.long_datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def _record(title: str, data: dict[str, Any], nested: list | None = None) -> dict[str, Any]:
    """One record: its flat fields as label/value pairs; lists of rows become records of their own."""
    pairs, children = [], list(nested or [])
    for key, value in data.items():
        if key.endswith("_label") or key == "id":
            continue
        shown = data.get(f"{key}_label") or value
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            children += [_record(f"{_label(key)} {i}", v) for i, v in enumerate(value, start=1)]
        else:
            pairs.append((_label(key), _shown(shown)))
    return {"title": title, "pairs": pairs, "children": children}


def readable(packet: dict[str, Any]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    if packet.get("child"):
        sections.append({"title": "The child", "records": [_record("Child record", packet["child"])]})
    if packet.get("adult_transition"):
        sections.append({"title": "Turning 18", "records": [_record("Hand-over", packet["adult_transition"])]})
    for key, title, item in (
        ("adult_consents", "Consent at 18", "Answer"),
        ("lead_social_workers", "Lead social workers", "Lead social worker"),
        ("panel_sittings", "Panel sittings", "Sitting"),
        ("decisions", "Decisions", "Decision"),
        ("information_requests", "Information requests and answers", "Request"),
        ("onward_referrals", "Onward referrals", "Onward referral"),
        ("earlier_transfers", "Transfers", "Transfer"),
        ("sca_decisions", "Decisions the SCA reported", "Decision"),
    ):
        rows = packet.get(key) or []
        sections.append({"title": title, "records": [_record(f"{item} {i}", r) for i, r in enumerate(rows, 1)]})
    safeguarding = packet.get("safeguarding") or {}
    for key, title in (
        ("plans", "Safeguarding plans"),
        ("from_referrals", "Safeguarding in place when referred"),
        ("statutory_periods", "Statutory periods"),
        ("strategy_discussions", "Strategy discussions"),
        ("contextual_links", "Contextual safeguarding: places, peers and online spaces"),
    ):
        rows = safeguarding.get(key) or []
        sections.append({"title": title, "records": [_record(f"{title} {i}", r) for i, r in enumerate(rows, 1)]})
    outcomes = packet.get("outcomes") or {}
    if outcomes.get("follow_up"):
        sections.append({"title": "Outcome follow-up", "records": [_record("Follow-up", outcomes["follow_up"])]})
    for key, title, item in (
        ("reviews", "Outcome reviews", "Review"),
        ("missing_episodes", "Missing episodes and return home interviews", "Missing episode"),
    ):
        rows = outcomes.get(key) or []
        sections.append({"title": title, "records": [_record(f"{item} {i}", r) for i, r in enumerate(rows, 1)]})
    if packet.get("audit_summary"):
        sections.append({"title": "Audit summary", "records": [_record("The audit trail", packet["audit_summary"])]})
    return sections


@translation.override(i18n.ENGLISH)
def transfer_pdf(packet: dict[str, Any], *, sha256: str | None = None) -> bytes:
    transfer = packet.get("transfer") or {}
    html = render_to_string(
        "handovers/transfer_pdf.html",
        {
            "packet": packet,
            "case": case_packets._readable(packet["case"]),
            "transfer": {**transfer, "transferred_at": _shown(transfer.get("transferred_at"))},
            "sections": readable(packet),
            "sha256": sha256,
        },
    )
    return render_pdf(html)
