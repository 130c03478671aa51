"""The decision record as returned to the SCA, and its downloads.

The decisions app owns the decision's export (`decisions.export`); this module adds what only reviews
knows (a negative decision's reconsideration window). A return stores the dictionary exactly as sent, and
its SHA-256 is taken over the same canonical JSON bytes that the download gives, so the download can be
checked against it. Returns sent before the decisions app had its export are in this app's own format
(`EXPORT_FORMAT`): they still read and print, with this app's layout.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from childnrm.decisions import export as decisions_export
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.kit.dates import long_date, long_datetime
from childnrm.kit.pdf import render_pdf
from childnrm.reviews import selectors

EXPORT_FORMAT = "childnrm.decision-return/1"  # of returns sent before `decisions.export` existed
KIND_LABELS = dict(DecisionKind.choices)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def reconsideration_window(decision: Decision) -> dict[str, Any]:
    """The reconsideration window as opened when the decision was communicated (the last day the letters
    printed; a correction's is the window of the decision it corrects), or that it has not started."""
    window = selectors.window_of(decision)
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
    """The decision as it will be sent: the decisions app's export, with a negative decision's reconsideration
    window added (the decisions app cannot see it)."""
    data = decisions_export.decision_export(decision)
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


def is_decision_record(data: dict[str, Any]) -> bool:
    """Whether a stored return is in the decisions app's export format (read and printed in its layout)."""
    return data.get("format") == decisions_export.EXPORT_FORMAT


def export_pdf(data: dict[str, Any], *, sha256: str) -> bytes:
    if is_decision_record(data):
        # The decisions app's own layout, for a record in its format (older returns keep this app's).
        return decisions_export.decision_export_pdf(data)
    html = render_to_string("reviews/return_pdf.html", {"data": data, "sha256": sha256, "sections": readable(data)})
    return render_pdf(html)


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """What the pages show of a stored export, whichever shape it has: always read from the export."""
    decision = data.get("decision") if isinstance(data.get("decision"), dict) else data
    referral = data.get("referral") if isinstance(data.get("referral"), dict) else {}
    kind = decision.get("kind_label") or str(KIND_LABELS.get(decision.get("kind", ""), decision.get("kind", "")))
    decided_on = decision.get("decided_on") or ""
    try:
        day = date.fromisoformat(decided_on)
        decided_on = long_date(day)
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


def listed(data: dict[str, Any]) -> dict[str, str]:
    """What the list of returns shows of an export (its reference, stage, version and outcome, read as `summary`
    reads them), as the text kept on the return when it is sent (`DecisionReturn.sent_*`)."""
    shown = summary(data)
    return {
        field: "" if shown[key] is None else str(shown[key])
        for field, key in (
            ("sent_reference", "referral_reference"),
            ("sent_stage", "stage"),
            ("sent_version", "version"),
            ("sent_outcome", "outcome"),
        )
    }


# Keys of a stored record that are for machines (the JSON download): never shown as a row on the page or PDF.
_MACHINE_KEYS = {"format", "id"}


def _label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def _shown(key: str, mapping: dict[str, Any]) -> bool:
    """Not an id or a format, and not a code whose words sit beside it (`stage` beside `stage_label`)."""
    key = str(key)
    return key not in _MACHINE_KEYS and not key.endswith("_id") and f"{key}_label" not in mapping


def _name(key: str) -> str:
    return _label(str(key).removesuffix("_label"))


def _text(value: Any, key: str = "") -> str:
    if value is None or value == "" or value == []:
        return "–"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, str) and key.endswith(("_on", "_at")):
        # Dates and moments are stored in ISO 8601; people read them in words.
        try:
            return long_datetime(value) if key.endswith("_at") else long_date(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_name(k)}: {_text(v, str(k))}" for k, v in value.items() if _shown(k, value))
    return str(value)


def readable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored export laid out for reading, whatever its shape: sections of (label, text) rows.

    Built only from the export as sent, so the page shows what the SCA received, never the live case. Labels
    in words, dates in words; ids, formats and codes with words beside them are left to the JSON download.
    """
    sections: list[dict[str, Any]] = [{"title": "Return", "rows": []}]
    for key, value in data.items():
        if not _shown(key, data):
            continue
        if isinstance(value, dict):
            rows = []
            for k, v in value.items():
                if not _shown(k, value):
                    continue
                if isinstance(v, dict):
                    rows += [
                        (f"{_name(k)}: {_name(k2).lower()}", _text(v2, str(k2)))
                        for k2, v2 in v.items()
                        if _shown(k2, v)
                    ]
                else:
                    rows.append((_name(k), _text(v, str(k))))
            sections.append({"title": _name(key), "rows": rows})
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            sections.append(
                {"title": _name(key), "rows": [(str(i), _text(item)) for i, item in enumerate(value, start=1)]}
            )
        else:
            sections[0]["rows"].append((_name(key), _text(value, str(key))))
    return [s for s in sections if s["rows"]]
