"""The transfer packet: a case's whole history, for the site (or the SCA) that takes it over.

It builds on the triage case packet (triage.packet: every referral answer, documents with their
fingerprints, triage and status history) and adds what happened since: panel sittings, decisions
with their evidence and votes, reconsiderations and quality assurance, letters (metadata only),
the safeguarding plan and its actions, statutory periods, strategy discussions, the safety map,
information requests with their answers, the turning-18 hand-over and a summary of the audit trail.

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
from childnrm.kit import i18n
from childnrm.kit.pdf import render_pdf
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.triage import packet as case_packets

PACKET_FORMAT = "childnrm.case-transfer"
PACKET_VERSION = 1
SCA_NAME = case_packets.SCA_NAME

# Letters travel as metadata: what was sent, when and by whom, with the PDF's fingerprint.
LETTER_FIELDS_LEFT_OUT = {"content", "pdf"}


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


def _decisions(referral: Referral) -> list[dict[str, Any]]:
    from childnrm.letters.models import DecisionExplanation, GuardianNotice, Letter
    from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest

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
        plans.append({**row(plan), "actions": actions})
    return {
        "plans": plans,
        "statutory_periods": _rows(child.statutory_periods.order_by("starts_on", "id")),
        "strategy_discussions": _rows(child.strategy_discussions.order_by("held_on", "id")),
        "contextual_links": _rows(child.contextual_links.order_by("kind", "id")),
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
        "safeguarding": None,
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
        packet["safeguarding"] = _safeguarding(child)
        from childnrm.handovers.models import AdultTransition

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
        ("panel_sittings", "Panel sittings", "Sitting"),
        ("decisions", "Decisions", "Decision"),
        ("information_requests", "Information requests and answers", "Request"),
    ):
        rows = packet.get(key) or []
        sections.append({"title": title, "records": [_record(f"{item} {i}", r) for i, r in enumerate(rows, 1)]})
    safeguarding = packet.get("safeguarding") or {}
    for key, title in (
        ("plans", "Safeguarding plans"),
        ("statutory_periods", "Statutory periods"),
        ("strategy_discussions", "Strategy discussions"),
        ("contextual_links", "Contextual safeguarding: places, peers and online spaces"),
    ):
        rows = safeguarding.get(key) or []
        sections.append({"title": title, "records": [_record(f"{title} {i}", r) for i, r in enumerate(rows, 1)]})
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
