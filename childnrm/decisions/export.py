"""A decision as a self-contained record: JSON (canonical, sorted keys) and PDF (no external resources).

The export names the child by the case reference only; it carries the reasons as recorded so a
reader (the SCA's quality assurer, the receiving site on transfer) can see why the panel decided.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.decisions import guidance
from childnrm.decisions.models import Act, ActFinding, Decision, PurposeFinding, SlaveryFinding
from childnrm.decisions.services import dissenting_votes, vote_tally
from childnrm.kit.pdf import render_pdf
from childnrm.panels.models import Agency
from childnrm.referrals.vocab import ExploitationType, Indicator

EXPORT_FORMAT = "childnrm.decision/1"
# A vote's code (as the data holds it) in the PDF's words: capitalised as the record prints it.
VOTE_WORDS = {"positive": _("Positive"), "negative": _("Negative"), "abstain": _("Abstain")}
_ACT = dict(Act.choices)
_TYPE = dict(ExploitationType.choices)
_INDICATOR = dict(Indicator.choices)
_AGENCY = dict(Agency.choices)
_SLAVERY = dict(SlaveryFinding.choices)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _coded(codes: list[str], labels: Mapping[str, object]) -> list[dict[str, str]]:
    return [{"code": c, "label": str(labels.get(c, c))} for c in codes]


def decision_export(decision: Decision) -> dict[str, Any]:
    referral = decision.referral
    meeting = decision.meeting
    votes = decision.votes.select_related("voter").order_by("agency", "id")
    tally = vote_tally(decision)
    # Agencies in the words of the case's site's nation (the guardian service); the codes stay as stored.
    agencies = nations.agency_labels(_AGENCY, referral.site)
    return {
        "format": EXPORT_FORMAT,
        "decision_id": decision.pk,
        "case_reference": referral.reference,
        "child_reference": referral.child.reference if referral.child is not None else None,
        "site": referral.site.name if referral.site is not None else None,
        "stage": decision.stage,
        "stage_label": decision.get_stage_display(),
        "version": decision.version,
        "kind": decision.kind,
        "supersedes_version": decision.supersedes.version if decision.supersedes is not None else None,
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
                "chair": meeting.chair.full_name if meeting.chair is not None else None,
            }
            if meeting is not None
            else None
        ),
        "evidence": [
            {
                "description": e.description,
                "agency": e.agency,
                "agency_label": agencies.get(e.agency, str(e.agency)),
                "supplied_by": e.supplied_by,
                "weight": e.weight,
                "information_response_id": e.information_response_id,
                "referral_document_id": e.referral_document_id,
            }
            for e in decision.evidence.order_by("id")
        ],
        # What was found on each element, either way; only an element found lists what was found.
        "act_finding": decision.act_finding or None,
        "act_finding_label": decision.get_act_finding_display() if decision.act_finding else None,
        "act_found": _coded(decision.act_found, _ACT) if decision.act_finding == ActFinding.FOUND else [],
        "act_reasoning": decision.act_reasoning,
        "slavery_found": _coded(decision.slavery_found, _SLAVERY),
        "slavery_reasoning": decision.slavery_reasoning,
        "purpose_finding": decision.purpose_finding or None,
        "purpose_finding_label": decision.get_purpose_finding_display() if decision.purpose_finding else None,
        "purpose_found": (
            _coded(decision.purpose_found, _TYPE) if decision.purpose_finding == PurposeFinding.FOUND else []
        ),
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
                "agency_label": agencies.get(v.agency, str(v.agency)),
                "vote": v.vote,
                "reasons": v.reasons,
            }
            for v in votes
        ],
        # Every vote against the outcome is dissent, with its reasons; `dissent` holds any further notes.
        "dissenting_votes": [
            {
                "voter": v.voter.full_name,
                "agency": v.agency,
                "agency_label": agencies.get(v.agency, str(v.agency)),
                "vote": v.vote,
                "reasons": v.reasons,
            }
            for v in dissenting_votes(decision)
        ],
        "votes_cast": {"positive": tally.positive, "negative": tally.negative, "abstaining": tally.abstain},
        "casting_vote": (
            {"vote": decision.casting_vote, "reasons": decision.casting_vote_reasons} if decision.casting_vote else None
        ),
        "tie_deferrals": [
            {"meeting_id": d.meeting_id, "recorded_at": _iso(d.recorded_at), "votes": d.votes}
            for d in decision.tie_deferrals.all()
        ],
        "nil_returns": [
            {"agency": n.agency, "agency_label": agencies.get(n.agency, str(n.agency)), "statement": n.statement}
            for n in decision.nil_returns.all()
        ],
        "dissent": decision.dissent,
        "outcome": decision.outcome or None,
        "outcome_label": decision.outcome_words if decision.outcome else None,
        "negative_reason": (
            {"code": decision.negative_reason.code, "label": decision.negative_reason.label}
            if decision.negative_reason is not None
            else None
        ),
        "best_interests": decision.best_interests,
        "plan_basis": decision.plan_basis or None,
        "plan_basis_label": decision.get_plan_basis_display() if decision.plan_basis else None,
        "plan_in_place_reason": decision.plan_in_place_reason,
        "support_after_negative": decision.support_after_negative if decision.outcome == "negative" else "",
        "decided_on": _iso(decision.decided_on),
        "finalised_by": decision.finalised_by.full_name if decision.finalised_by is not None else None,
        "finalised_at": _iso(decision.finalised_at),
        "second_review": (
            {
                "reviewed_by": decision.second_reviewed_by.full_name,
                "reviewed_at": _iso(decision.second_reviewed_at),
                "agrees": decision.second_review_agrees,
                "reasons": decision.second_review_reasons,
            }
            if decision.second_reviewed_by is not None
            else None
        ),
    }


def decision_export_json(data: dict[str, Any]) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 — the same record gives the same bytes.
    Labels are translatable (lazy) strings: str() gives each in the language active when it is written."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def decision_export_pdf(data: dict[str, Any], *, site_name: str = "") -> bytes:
    """The record for people, in the reader's language. `site_name`: the case's site as the reader calls it (its
    `display_name`: the Welsh name on a Welsh page); the data keeps the English name, as the JSON and the return sent
    to the SCA do, and is printed as it is without one (a stored return prints the name it was sent with)."""
    html = render_to_string("decisions/export_pdf.html", {"d": data, "vote_words": VOTE_WORDS, "site_name": site_name})
    return render_pdf(html)
