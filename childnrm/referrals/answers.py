"""A referral's answers as GOV.UK summary-list rows, section by section.

One rendering for everyone who reads a referral whole: the first responder checking their answers
before sending (with "Change" links) and the coordinator at triage (read-only, documents linked to
their download route). Shown by the include referrals/includes/answers.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from childnrm.kit.dates import long_date
from childnrm.referrals import vocab
from childnrm.referrals.models import Referral


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    group: str
    hint: str = ""
    optional: bool = False
    # The heading when someone other than the referrer reads the answers (e.g. at triage).
    read_title: str = ""


SECTIONS: list[Section] = [
    Section("child", "Name, date of birth and sex", "About the child"),
    Section("background", "Nationality, language and ethnicity", "About the child"),
    Section("location", "Where the child lives and was found", "About the child"),
    Section("exploitation", "The exploitation", "What happened"),
    Section("account", "The account and indicators", "What happened"),
    Section("documents", "Evidence documents", "What happened", hint="Optional", optional=True),
    Section("safeguarding", "Safeguarding already in place", "Safeguarding"),
    Section("referrer", "Your details", "About you", read_title="The referrer"),
]


@dataclass(frozen=True)
class Line:
    """One line of an answer; a document's line links to its download."""

    text: str
    href: str = ""

    def __str__(self) -> str:
        return self.text


def _yes_no(value: bool | None) -> str:
    return "Not known" if value is None else ("Yes" if value else "No")


def _date(value) -> str:
    return long_date(value) if value else ""


def _labels(codes: list[str], choices) -> list[str]:
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes]


def _social_worker_lines(r: Referral) -> list[str]:
    """The allocated social worker as given: name, team, local authority, email, phone (those given)."""
    if not r.social_worker_name:
        return []
    parts = [r.social_worker_name, r.social_worker_team, str(r.social_worker_local_authority or "")]
    return [p for p in (*parts, r.social_worker_email, r.social_worker_phone) if p]


def _document_lines(documents: list, document_url: Callable | None) -> list[Line]:
    return [
        Line(
            f"{d.original_name}: {d.description}" if d.description else d.original_name,
            document_url(d) if document_url else "",
        )
        for d in documents
    ]


def answer_sections(
    referral: Referral,
    documents: list,
    sections: list[Section] = SECTIONS,
    *,
    change_url: Callable[[Section], str] | None = None,
    document_url: Callable | None = None,
) -> list[dict]:
    """Each section's answers as summary-list rows: question, lines of answer, change link (if any)."""
    r = referral
    if r.date_of_birth:
        dob = _date(r.date_of_birth) + (" (estimated)" if r.date_of_birth_estimated else "")
    elif r.estimated_age_years is not None:
        dob = f"Not known. Estimated age {r.estimated_age_years}"
    else:
        dob = ""
    doubts = [t for flag, t in ((r.age_uncertain, "Age uncertain"), (r.age_disputed, "Age disputed")) if flag]
    types = _labels(r.exploitation_types, vocab.ExploitationType.choices)
    rows: dict[str, list[tuple[str, list | str]]] = {
        "child": [
            ("Name", r.child_display_name if (r.given_names or r.family_name) else ""),
            (
                "Other names",
                [" ".join(p for p in (a.get("given_names"), a.get("family_name")) if p) for a in r.aliases] or "None",
            ),
            ("Date of birth", dob),
            ("Doubt about age", doubts or "None"),
            ("Sex", r.get_sex_display() if r.sex else ""),
            ("Gender identity", r.gender_identity),
        ],
        "background": [
            ("Nationality", [vocab.country_name(c) for c in r.nationalities] or "Not known"),
            ("Languages", [vocab.language_name(c) for c in r.languages] or "Not known"),
            ("Needs an interpreter", _yes_no(r.interpreter_needed)),
            ("Ethnic group", dict(vocab.ONS_2021_ETHNICITY).get(r.ethnicity, "")),
        ],
        "location": [
            ("Address", r.address),
            ("Local authority where the child lives", str(r.residence_local_authority or "Not known")),
            ("Local authority where found or referred", str(r.found_local_authority or "Not known")),
            ("Where the child was found", r.found_location),
        ],
        "exploitation": [
            ("Type of exploitation", types),
            *(
                [("County lines", _yes_no(r.county_lines))]
                if vocab.ExploitationType.CRIMINAL in r.exploitation_types
                else []
            ),
            ("Where it happened", r.get_exploitation_location_display() if r.exploitation_location else ""),
            ("When it started", _date(r.exploitation_started) or "Not known"),
            ("When it ended", _date(r.exploitation_ended) or "Not known or still happening"),
            ("Age when it started", "" if r.age_at_exploitation is None else str(r.age_at_exploitation)),
            ("Public order disqualification being considered", _yes_no(r.public_order_disqualification)),
        ],
        "account": [
            ("What happened", r.account),
            ("Indicators", _labels(r.indicators, vocab.Indicator.choices) or "None selected"),
        ],
        "documents": [("Documents", _document_lines(documents, document_url) or "None")],
        "safeguarding": [
            ("Referred to the guardian service", _yes_no(r.ictg_referral_made)),
            (
                "Already in place",
                [
                    label
                    for flag, label in (
                        (r.child_in_need, "Child in need plan"),
                        (r.child_protection_plan, "Child protection plan"),
                        (r.looked_after, "Looked after by a local authority"),
                    )
                    if flag
                ]
                or "None",
            ),
            ("Strategy discussion", _date(r.strategy_discussion_date) or "None"),
            ("Anything else", r.safeguarding_notes),
            ("Social worker", _social_worker_lines(r) or "Not known"),
        ],
        "referrer": [
            ("Name", r.referrer_name),
            ("Job title", r.referrer_job_title),
            ("Email address", r.referrer_email),
            ("Telephone number", r.referrer_phone),
        ],
    }
    result = []
    for section in sections:
        change = change_url(section) if change_url else ""
        result.append(
            {
                "section": section,
                "rows": [
                    {
                        "key": key,
                        "lines": [v if isinstance(v, Line) else Line(v) for v in value]
                        if isinstance(value, list)
                        else None,
                        "text": value if isinstance(value, str) else "",
                        "href": change,
                    }
                    for key, value in rows[section.slug]
                ],
                "organisation": str(referral.referrer_organisation) if section.slug == "referrer" else "",
            }
        )
    return result
