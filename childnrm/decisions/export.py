"""A decision as a self-contained record: JSON (canonical, sorted keys) and PDF (no external resources).

The export names the child by the case reference only; it carries the reasons as recorded so a
reader (the SCA's quality assurer, the receiving site on transfer) can see why the panel decided.
"""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string

from childnrm.decisions import guidance
from childnrm.decisions.models import Act, Decision
from childnrm.kit.pdf import render_pdf
from childnrm.panels.models import Agency
from childnrm.referrals.vocab import ExploitationType, Indicator

EXPORT_FORMAT = "childnrm.decision/1"
_ACT = dict(Act.choices)
_TYPE = dict(ExploitationType.choices)
_INDICATOR = dict(Indicator.choices)
_AGENCY = dict(Agency.choices)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _coded(codes: list[str], labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": c, "label": labels.get(c, c)} for c in codes]


def decision_export(decision: Decision) -> dict[str, Any]:
    referral = decision.referral
    meeting = decision.meeting
    votes = decision.votes.select_related("voter").order_by("agency", "id")
    return {
        "format": EXPORT_FORMAT,
        "decision_id": decision.pk,
        "case_reference": referral.reference,
        "child_reference": referral.child.reference if referral.child_id else None,
        "site": referral.site.name if referral.site_id else None,
        "stage": decision.stage,
        "stage_label": decision.get_stage_display(),
        "version": decision.version,
        "kind": decision.kind,
        "supersedes_version": decision.supersedes.version if decision.supersedes_id else None,
        "correction_reason": decision.correction_reason,
        "status": decision.status,
        "status_label": decision.get_status_display(),
        "guidance_version": decision.guidance_version,
        "guidance_title": guidance.version_title(decision.guidance_version),
        "test_applied": decision.test_applied,
        "meeting": (
            {
                "id": meeting.pk,
                "starts_at": _iso(meeting.starts_at),
                "chair": meeting.chair.full_name if meeting.chair_id else None,
            }
            if meeting is not None
            else None
        ),
        "evidence": [
            {
                "description": e.description,
                "agency": e.agency,
                "agency_label": _AGENCY.get(e.agency, e.agency),
                "supplied_by": e.supplied_by,
                "weight": e.weight,
                "information_response_id": e.information_response_id,
                "referral_document_id": e.referral_document_id,
            }
            for e in decision.evidence.order_by("id")
        ],
        "act_found": _coded(decision.act_found, _ACT),
        "act_reasoning": decision.act_reasoning,
        "purpose_found": _coded(decision.purpose_found, _TYPE),
        "purpose_reasoning": decision.purpose_reasoning,
        "exploitation_types": _coded(decision.exploitation_types, _TYPE),
        "indicators": _coded(decision.indicators, _INDICATOR),
        "credibility_reasoning": decision.credibility_reasoning,
        "wishes_and_feelings": {
            "gathered": decision.wishes_gathered,
            "what_they_are": decision.wishes_and_feelings,
            "how_gathered": decision.wishes_how_gathered,
            "gathered_by": decision.wishes_gathered_by,
            "why_not_gathered": decision.wishes_not_gathered_reason,
        },
        "votes": [
            {
                "voter": v.voter.full_name,
                "agency": v.agency,
                "agency_label": _AGENCY.get(v.agency, v.agency),
                "vote": v.vote,
                "reasons": v.reasons,
            }
            for v in votes
        ],
        "dissent": decision.dissent,
        "outcome": decision.outcome or None,
        "outcome_label": decision.outcome_words if decision.outcome else None,
        "decided_on": _iso(decision.decided_on),
        "finalised_by": decision.finalised_by.full_name if decision.finalised_by_id else None,
        "finalised_at": _iso(decision.finalised_at),
        "second_review": (
            {
                "reviewed_by": decision.second_reviewed_by.full_name,
                "reviewed_at": _iso(decision.second_reviewed_at),
                "agrees": decision.second_review_agrees,
                "reasons": decision.second_review_reasons,
            }
            if decision.second_reviewed_by_id
            else None
        ),
    }


def decision_export_json(data: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 — the same record gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def decision_export_pdf(data: dict[str, Any]) -> bytes:
    html = render_to_string("decisions/export_pdf.html", {"d": data})
    return render_pdf(html)
