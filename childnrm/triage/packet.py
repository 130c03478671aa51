"""The case packet: everything known about a referral, for the SCA or the site that takes the case over.

One packet, two forms: JSON for the receiver's systems and PDF for people. The JSON lists every
field of the referral (with its label, its stored value and the value as shown), the documents with
their SHA-256 (so the receiver can check the files they are sent), every triage assessment with its
reasons, and the status history. Fields added to referrals later appear under "Other details"
without a change here, so the packet never silently drops what a referrer said.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_noop

from childnrm.accounts import nations
from childnrm.kit.dates import long_date, long_datetime
from childnrm.kit.pdf import render_pdf
from childnrm.referrals.identifiers import nhs_number_shown
from childnrm.referrals.models import RETENTION_FIELDS, STANDING_DECISION_FIELDS, Referral
from childnrm.referrals.vocab import (
    ONS_2021_ETHNICITY,
    ExploitationType,
    Indicator,
    country_name,
    language_name,
)
from childnrm.triage import eligibility
from childnrm.triage.models import OnwardReferral, TriageOutcome

PACKET_FORMAT = "childnrm.case-packet"
PACKET_VERSION = 1
SCA_NAME = "Home Office Single Competent Authority"
# The packet is written in English whoever produces it: the receivers' systems (the Home Office's, another
# site's) read English, and its fingerprint (SHA-256 of the JSON) must not depend on the page's language.
PACKET_LANGUAGE = "en-gb"

SECTIONS: list[tuple[str, list[str]]] = [
    (
        gettext_noop("The referral"),
        ["reference", "status", "source", "site", "created_at", "submitted_at", "created_by"],
    ),
    (
        gettext_noop("The child"),
        [
            "given_names",
            "family_name",
            "aliases",
            "date_of_birth",
            "date_of_birth_estimated",
            "estimated_age_years",
            "age_uncertain",
            "age_disputed",
            "sex",
            "gender_identity",
            "nhs_number",
            "home_office_reference",
            "nationalities",
            "languages",
            "interpreter_needed",
            "ethnicity",
            "address",
            "residence_local_authority",
            "found_local_authority",
            "found_location",
        ],
    ),
    (
        gettext_noop("The exploitation"),
        [
            "exploitation_types",
            "county_lines",
            "exploitation_location",
            "exploitation_started",
            "exploitation_ended",
            "age_at_exploitation",
            "public_order_disqualification",
        ],
    ),
    (gettext_noop("The account and indicators"), ["account", "indicators"]),
    (
        gettext_noop("Safeguarding already in place"),
        [
            "ictg_referral_made",
            "child_in_need",
            "child_protection_plan",
            "looked_after",
            "strategy_discussion_date",
            "safeguarding_notes",
        ],
    ),
    (
        gettext_noop("The referrer"),
        ["referrer_organisation", "referrer_name", "referrer_job_title", "referrer_email", "referrer_phone"],
    ),
]
# Bookkeeping, not part of the case: the row id, the web form's progress, the child record (given by reference).
# form_sections is shown as sections of its own below; the fingerprint only detects a resubmission.
# Bookkeeping, not what the referrer said: the working 18th birthday (`turns_18_on`) is worked out from the date of
# birth or the estimated age, which the packet shows; the standing decisions are the decisions' own, and who decides
# at triage is the packet's list of assessments.
NOT_IN_PACKET = {
    "id",
    "updated_at",
    "sections_saved",
    "child",
    "unmapped",
    "form_sections",
    "form_fingerprint",
    "turns_18_on",
    *STANDING_DECISION_FIELDS,
    *RETENTION_FIELDS,  # when retention anonymised the case: a packet of it is never made again
}

LABELS = {
    "reference": gettext_noop("Referral reference"),
    "site": gettext_noop("Site holding the case"),
    "created_at": gettext_noop("Started"),
    "submitted_at": gettext_noop("Submitted"),
    "created_by": gettext_noop("Submitted by"),
    "date_of_birth_estimated": gettext_noop("Date of birth is estimated"),
    "estimated_age_years": gettext_noop("Estimated age (years)"),
    "age_uncertain": gettext_noop("Age is uncertain"),
    "age_disputed": gettext_noop("Age is disputed"),
    "interpreter_needed": gettext_noop("Interpreter needed"),
    "home_office_reference": gettext_noop("Home Office reference"),
    "residence_local_authority": gettext_noop("Local authority where the child lives"),
    "found_local_authority": gettext_noop("Local authority where the child was found or referred"),
    "found_location": gettext_noop("Where the child was found"),
    "exploitation_types": gettext_noop("Types of exploitation"),
    "county_lines": gettext_noop("County lines"),
    "exploitation_location": gettext_noop("Where the exploitation happened"),
    "exploitation_started": gettext_noop("Exploitation began"),
    "exploitation_ended": gettext_noop("Exploitation ended"),
    "age_at_exploitation": gettext_noop("Age when exploited"),
    "public_order_disqualification": gettext_noop("Public-order disqualification being considered"),
    "account": gettext_noop("Account in the referrer's words"),
    "indicators": gettext_noop("Indicators of exploitation"),
    "ictg_referral_made": gettext_noop("Referred to the Independent Child Trafficking Guardian service"),
    "child_in_need": gettext_noop("Child in need"),
    "child_protection_plan": gettext_noop("Child protection plan"),
    "looked_after": gettext_noop("Looked after"),
    "strategy_discussion_date": gettext_noop("Strategy discussion date"),
    "safeguarding_notes": gettext_noop("Safeguarding notes"),
    "referrer_organisation": gettext_noop("Referring organisation"),
    "referrer_name": gettext_noop("Referrer's name"),
    "referrer_job_title": gettext_noop("Referrer's job title"),
    "referrer_email": gettext_noop("Referrer's email address"),
    "referrer_phone": gettext_noop("Referrer's telephone number"),
}
# The labels the packet takes from the fields' names, and its other section titles. The packet writes them in English
# (its fingerprint); they are marked here so the catalogue holds them, and the meeting papers show each in the
# reader's language (panels.views._sections_for_reader). A test holds this list to what the packet writes.
FIELD_NAME_LABELS = {
    "status": gettext_noop("Status"),
    "source": gettext_noop("Source"),
    "given_names": gettext_noop("Given names"),
    "family_name": gettext_noop("Family name"),
    "aliases": gettext_noop("Aliases"),
    "date_of_birth": gettext_noop("Date of birth"),
    "sex": gettext_noop("Sex"),
    "gender_identity": gettext_noop("Gender identity"),
    "nhs_number": gettext_noop("NHS number"),
    "nationalities": gettext_noop("Nationalities"),
    "languages": gettext_noop("Languages"),
    "ethnicity": gettext_noop("Ethnicity"),
    "address": gettext_noop("Address"),
    "social_worker_name": gettext_noop("Social worker name"),
    "social_worker_team": gettext_noop("Social worker team"),
    "social_worker_local_authority": gettext_noop("Social worker local authority"),
    "social_worker_email": gettext_noop("Social worker email"),
    "social_worker_phone": gettext_noop("Social worker phone"),
    "form_reference": gettext_noop("Form reference"),
}
OTHER_DETAILS = gettext_noop("Other details")
FROM_HOME_OFFICE_FORM = gettext_noop("From the Home Office form: %(heading)s")
IMPORTED_AS_GIVEN = gettext_noop("Imported answers kept as given")
_LIST_LABELS = {
    "exploitation_types": dict(ExploitationType.choices),
    "indicators": dict(Indicator.choices),
}
_ETHNICITY = dict(ONS_2021_ETHNICITY)


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _person(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"name": user.full_name, "organisation": user.organisation.name if user.organisation_id else ""}


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: "Not known"}[value]


def _display(referral: Referral, field: models.Field) -> tuple[Any, str]:
    """The stored value (as JSON) and the value as a person reads it."""
    name = field.name
    if isinstance(field, models.ForeignKey):
        related = getattr(referral, name)
        return getattr(referral, field.attname), (str(related) if related is not None else "")
    value = getattr(referral, name)
    if field.choices:
        return value, getattr(referral, f"get_{name}_display")() if value else ""
    if isinstance(field, models.BooleanField):
        return value, _yes_no(value)
    if isinstance(field, models.DateTimeField):
        return _iso(value), long_datetime(value)
    if isinstance(field, models.DateField):
        return (value.isoformat() if value else None), long_date(value)
    if name == "nationalities":
        return value, ", ".join(country_name(c) for c in value)
    if name == "languages":
        return value, ", ".join(language_name(c) for c in value)
    if name in _LIST_LABELS:
        return value, "; ".join(str(_LIST_LABELS[name].get(c, c)) for c in value)
    if name == "aliases":
        return value, "; ".join(" ".join(p for p in (a.get("given_names"), a.get("family_name")) if p) for a in value)
    if name == "ethnicity":
        return value, str(_ETHNICITY.get(value, value))
    if name == "nhs_number":  # kept as 10 digits, read in groups
        return value, nhs_number_shown(value)
    if value is None:
        return None, ""
    return value, str(value)


def _label(referral: Referral, field: models.Field) -> str:
    if field.name == "ictg_referral_made":  # the guardian service as the holding site's nation names it (ADR 0027)
        law = nations.rules(referral.site)
        if not law.english_law:
            return f"Referred to the {law.guardian_service}"
    return LABELS.get(field.name, str(capfirst(field.verbose_name)))


def _field_entry(referral: Referral, field: models.Field) -> dict[str, Any]:
    value, shown = _display(referral, field)
    return {
        "name": field.name,
        "label": _label(referral, field),
        "value": value,
        "display": shown,
    }


def referral_sections(referral: Referral) -> list[dict[str, Any]]:
    fields = {f.name: f for f in Referral._meta.concrete_fields}
    placed = {name for _, names in SECTIONS for name in names}
    sections = [
        {"title": title, "fields": [_field_entry(referral, fields[n]) for n in names if n in fields]}
        for title, names in SECTIONS
    ]
    others = [f for n, f in fields.items() if n not in placed and n not in NOT_IN_PACKET]
    if others:
        sections.append({"title": OTHER_DETAILS, "fields": [_field_entry(referral, f) for f in others]})
    for form_section in referral.form_sections or []:
        sections.append(
            {
                "title": FROM_HOME_OFFICE_FORM % {"heading": form_section["heading"]},
                "fields": [
                    {"name": f"form.{i['field']}", "label": i["label"], "value": i["value"], "display": i["value"]}
                    for i in form_section["items"]
                ],
            }
        )
    if referral.unmapped:
        sections.append(
            {
                "title": IMPORTED_AS_GIVEN,
                "fields": [
                    {"name": f"unmapped.{k}", "label": k, "value": v, "display": json.dumps(v, ensure_ascii=False)}
                    for k, v in sorted(referral.unmapped.items())
                ],
            }
        )
    return sections


def _assessment(referral: Referral, a) -> dict[str, Any]:
    suggested = eligibility.suggested_site(referral, a)
    return {
        "assessed_at": _iso(a.assessed_at),
        "rules_version": a.rules_version,
        "outcome": a.outcome,
        "outcome_label": str(TriageOutcome(a.outcome).label),
        "suggested_site": suggested.name if suggested is not None else None,
        "reasons": list(a.reasons),
        "confirmed_by": _person(a.confirmed_by),
        "confirmed_at": _iso(a.confirmed_at),
        "final_outcome": a.final_outcome or None,
        "final_outcome_label": str(TriageOutcome(a.final_outcome).label) if a.final_outcome else None,
        "final_site": a.final_site.name if a.final_site_id else None,
        "override_reason": a.override_reason,
        "overridden": bool(a.final_outcome)
        and eligibility.differs(a.final_outcome, a.final_site, a.outcome, suggested),
    }


@translation.override(PACKET_LANGUAGE)
def case_packet(referral: Referral, *, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole case as one JSON-ready dict; `sent` describes who sent it where (None for a preview).

    The packet's key for it stays "handoff": packets already sent and receivers' systems read that name.
    """
    assessments = referral.triage_assessments.select_related("target_site", "final_site", "confirmed_by__organisation")
    history = referral.status_changes.select_related("actor__organisation")
    documents = referral.documents.select_related("uploaded_by").order_by("uploaded_at", "id")
    return {
        "format": PACKET_FORMAT,
        "version": PACKET_VERSION,
        "generated_at": timezone.localtime().isoformat(),
        "handoff": sent,
        "referral": {
            "reference": referral.reference,
            "child_reference": referral.child.reference if referral.child else None,
            "sections": referral_sections(referral),
        },
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "description": d.description,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "uploaded_at": _iso(d.uploaded_at),
                # The user who uploaded it, or where it came from (a Home Office form sent through the API).
                "uploaded_by": d.uploader,
            }
            for d in documents
        ],
        # Oldest first, like the status history: the order in which things happened.
        "triage": [_assessment(referral, a) for a in reversed(list(assessments))],
        "status_history": [
            {
                "at": _iso(c.at),
                "from": c.from_status or None,
                "to": c.to_status,
                "to_label": str(c.get_to_status_display()),
                "by": _person(c.actor),
                "reason": c.reason,
            }
            for c in history
        ],
    }


@translation.override(PACKET_LANGUAGE)
def onward_details(*, outcome: str, from_site, to_site, user, reason: str) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "outcome_label": str(TriageOutcome(outcome).label),
        "from_site": from_site.name,
        "to": to_site.name if to_site is not None else SCA_NAME,
        "produced_by": _person(user),
        "produced_at": timezone.localtime().isoformat(),
        "reason": reason,
    }


def packet_json(packet: dict[str, Any]) -> bytes:
    """The packet as downloaded: the same bytes every time for the same packet, so its SHA-256 is stable."""
    return json.dumps(packet, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def packet_sha256(packet: dict[str, Any]) -> str:
    return hashlib.sha256(packet_json(packet)).hexdigest()


def _when(iso: str | None) -> str:
    return long_datetime(datetime.fromisoformat(iso)) if iso else ""


def _readable(packet: dict[str, Any]) -> dict[str, Any]:
    """The packet with its times written for people (the JSON keeps ISO 8601)."""
    handed = packet.get("handoff")
    return {
        **packet,
        "generated_at": _when(packet.get("generated_at")),
        "handoff": {**handed, "produced_at": _when(handed.get("produced_at"))} if handed else None,
        "documents": [{**d, "uploaded_at": _when(d.get("uploaded_at"))} for d in packet.get("documents", [])],
        "triage": [
            {**a, "assessed_at": _when(a.get("assessed_at")), "confirmed_at": _when(a.get("confirmed_at"))}
            for a in packet.get("triage", [])
        ],
        "status_history": [{**c, "at": _when(c.get("at"))} for c in packet.get("status_history", [])],
    }


@translation.override(PACKET_LANGUAGE)
def packet_pdf(packet: dict[str, Any], *, sha256: str | None = None) -> bytes:
    html = render_to_string("triage/packet_pdf.html", {"packet": _readable(packet), "sha256": sha256})
    return render_pdf(html)


def stored_or_live_packet(referral: Referral, sent: OnwardReferral | None) -> dict[str, Any]:
    """What a download gives: the packet as sent if the referral was sent on, else the case as it is now."""
    return sent.packet if sent is not None else case_packet(referral)
