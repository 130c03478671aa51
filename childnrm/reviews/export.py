"""The decision record as returned to the SCA, and its downloads.

The decisions app owns the decision's export (`decisions.export`). Until it is there, this module
builds a minimal one of its own from the decision's fields, reasons, evidence and votes. Whichever
is used, a return stores the dictionary exactly as sent, and its SHA-256 is taken over the same
canonical JSON bytes that the download gives, so the download can be checked against it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.kit.pdf import render_pdf
from childnrm.reviews.models import ReconsiderationWindow

EXPORT_FORMAT = "childnrm.decision-return/1"
KIND_LABELS = dict(DecisionKind.choices)


def _decisions_export():
    """The decisions app's export module, when it provides one."""
    try:
        module = importlib.import_module("childnrm.decisions.export")
    except ImportError:
        return None
    if all(hasattr(module, name) for name in ("decision_export", "decision_export_json", "decision_export_pdf")):
        return module
    return None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _minimal_export(decision: Decision) -> dict[str, Any]:
    referral = decision.referral
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "site": referral.site.name if referral.site_id else "",
        "referral_reference": referral.reference,
        "child_reference": referral.child.reference if referral.child_id else "",
        "decision": {
            "id": decision.pk,
            "stage": decision.stage,
            "stage_label": decision.get_stage_display(),
            "version": decision.version,
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
            "supersedes_version": decision.supersedes.version if decision.supersedes_id else None,
            "correction_reason": decision.correction_reason,
            "status": decision.status,
            "guidance_version": decision.guidance_version,
            "test_applied": decision.test_applied,
            # Only an element found lists what was found (issue 8, rule 3).
            "act_finding": decision.act_finding,
            "act_found": list(decision.act_found) if decision.act_finding == "found" else [],
            "act_reasoning": decision.act_reasoning,
            "slavery_found": list(decision.slavery_found),
            "slavery_reasoning": decision.slavery_reasoning,
            "purpose_finding": decision.purpose_finding,
            "purpose_found": list(decision.purpose_found) if decision.purpose_finding == "found" else [],
            "purpose_reasoning": decision.purpose_reasoning,
            "negative_reason": decision.negative_reason.label if decision.negative_reason_id else "",
            "best_interests": decision.best_interests,
            "support_after_negative": decision.support_after_negative if decision.outcome == "negative" else "",
            "exploitation_types": list(decision.exploitation_types),
            "indicators": list(decision.indicators),
            "credibility_reasoning": decision.credibility_reasoning,
            "wishes_gathered": decision.wishes_gathered,
            "wishes_and_feelings": decision.wishes_and_feelings,
            "wishes_how_gathered": decision.wishes_how_gathered,
            "wishes_gathered_by": decision.wishes_gathered_by,
            "wishes_not_gathered_reason": decision.wishes_not_gathered_reason,
            "dissent": decision.dissent,
            "outcome": decision.outcome,
            "outcome_label": decision.outcome_words if decision.outcome else "",
            "decided_on": _iso(decision.decided_on),
            "finalised_at": _iso(decision.finalised_at),
            "finalised_by": decision.finalised_by.full_name if decision.finalised_by_id else "",
            "second_review": {
                "reviewed_at": _iso(decision.second_reviewed_at),
                "reviewed_by": decision.second_reviewed_by.full_name if decision.second_reviewed_by_id else "",
                "agrees": decision.second_review_agrees,
                "reasons": decision.second_review_reasons,
            },
        },
        "evidence": [
            {
                "description": e.description,
                "agency": e.get_agency_display(),
                "supplied_by": e.supplied_by,
                "weight": e.weight,
            }
            for e in decision.evidence.all()
        ],
        "votes": [
            {"agency": v.get_agency_display(), "voter": v.voter.full_name, "vote": v.vote, "reasons": v.reasons}
            for v in decision.votes.select_related("voter")
        ],
    }


def reconsideration_window(decision: Decision) -> dict[str, Any]:
    """The reconsideration window as opened when the decision was communicated (the last day the letters
    printed), or that it has not started."""
    window = ReconsiderationWindow.objects.filter(decision_id=decision.pk).first()
    if window is None:
        return {"started": False, "final_on": None, "communicated_on": None, "window_days": None, "last_day": None}
    return {
        "started": True,
        "final_on": _iso(window.final_on),
        "communicated_on": _iso(window.communicated_on),
        "window_days": window.window_days,
        "last_day": _iso(window.last_day),
    }


def decision_export(decision: Decision) -> dict[str, Any]:
    """The decision as it will be sent: the decisions app's export when it exists, else the minimal one; a
    negative decision's reconsideration window added (the decisions app cannot see it)."""
    module = _decisions_export()
    data = module.decision_export(decision) if module is not None else _minimal_export(decision)
    if decision.outcome == Outcome.NEGATIVE and decision.status in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED):
        data["reconsideration_window"] = reconsideration_window(decision)
    return data


def export_json(data: dict[str, Any]) -> bytes:
    """The same bytes every time for the same data, so the SHA-256 is stable.

    Always this canonical form (not the decisions app's serialiser), so a return sent today still
    downloads as the bytes its stored SHA-256 was taken over whatever changes elsewhere later.
    """
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def export_sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(export_json(data)).hexdigest()


def export_pdf(data: dict[str, Any], *, sha256: str) -> bytes:
    module = _decisions_export()
    if module is not None and data.get("format") == getattr(module, "EXPORT_FORMAT", None):
        # The decisions app's own layout, for a record in its format (older returns keep this app's).
        return module.decision_export_pdf(data)
    html = render_to_string("reviews/return_pdf.html", {"data": data, "sha256": sha256, "sections": readable(data)})
    return render_pdf(html)


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """What the pages show of a stored export, whichever shape it has: always read from the export."""
    decision = data.get("decision") if isinstance(data.get("decision"), dict) else data
    referral = data.get("referral") if isinstance(data.get("referral"), dict) else {}
    kind = decision.get("kind_label") or KIND_LABELS.get(decision.get("kind", ""), decision.get("kind", ""))
    decided_on = decision.get("decided_on") or ""
    try:
        day = date.fromisoformat(decided_on)
        decided_on = f"{day.day} {day:%B %Y}"
    except (TypeError, ValueError):
        pass
    return {
        "referral_reference": (
            data.get("referral_reference") or data.get("case_reference") or referral.get("reference", "")
        ),
        "stage": decision.get("stage_label") or decision.get("stage", ""),
        "version": decision.get("version", ""),
        "kind": kind,
        "outcome": decision.get("outcome_label") or decision.get("outcome", ""),
        "decided_on": decided_on,
    }


def _label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_text(v)}" for k, v in value.items())
    return str(value)


def readable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored export laid out for reading, whatever its shape: sections of (label, text) rows.

    Built only from the export as sent, so the page shows what the SCA received, never the live case.
    """
    sections: list[dict[str, Any]] = [{"title": "Return", "rows": []}]
    for key, value in data.items():
        if isinstance(value, dict):
            rows = []
            for k, v in value.items():
                if isinstance(v, dict):
                    rows += [(f"{_label(k)}: {_label(k2).lower()}", _text(v2)) for k2, v2 in v.items()]
                else:
                    rows.append((_label(k), _text(v)))
            sections.append({"title": _label(key), "rows": rows})
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            sections.append(
                {"title": _label(key), "rows": [(str(i), _text(item)) for i, item in enumerate(value, start=1)]}
            )
        else:
            sections[0]["rows"].append((_label(key), _text(value)))
    return [s for s in sections if s["rows"]]
