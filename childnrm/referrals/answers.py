"""A referral's answers as GOV.UK summary-list rows, section by section.

One rendering for everyone who reads a referral whole: the first responder checking their answers
before sending (with "Change" links) and the coordinator at triage (read-only, documents linked to
their download route). Shown by the include referrals/includes/answers.html.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy

from childnrm.accounts import nations
from childnrm.accounts.nations import NationRules
from childnrm.kit.dates import long_date
from childnrm.kit.i18n import kept
from childnrm.kit.i18n import kept_gettext as _  # literal messages, translated once per language (issue 16)
from childnrm.referrals import vocab
from childnrm.referrals.identifiers import nhs_number_shown
from childnrm.referrals.models import Referral, ReferralSource


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
    Section("child", gettext_lazy("Name, date of birth and sex"), gettext_lazy("About the child")),
    Section("background", gettext_lazy("Nationality, language and ethnicity"), gettext_lazy("About the child")),
    Section("location", gettext_lazy("Where the child lives and was found"), gettext_lazy("About the child")),
    Section("exploitation", gettext_lazy("The exploitation"), gettext_lazy("What happened")),
    Section("account", gettext_lazy("The account and indicators"), gettext_lazy("What happened")),
    Section(
        "documents",
        gettext_lazy("Evidence documents"),
        gettext_lazy("What happened"),
        hint=gettext_lazy("Optional"),
        optional=True,
    ),
    Section("safeguarding", gettext_lazy("Safeguarding already in place"), gettext_lazy("Safeguarding")),
    Section(
        "referrer", gettext_lazy("Your details"), gettext_lazy("About you"), read_title=gettext_lazy("The referrer")
    ),
]


@dataclass(frozen=True)
class Line:
    """One line of an answer; a document's line links to its download. `lang`: the language of the referrer's own
    words on the line, where it is known and may differ from the page's."""

    text: str
    href: str = ""
    lang: str = ""

    def __str__(self) -> str:
        return self.text


class Written(str):
    """An answer in the referrer's own words (free text), shown in the language they wrote it in (`written_in`)."""


# Answers that come in English whatever the page's language: from an organisation's system through the API and from
# the Home Office's own form (both English only, ADR 0023). The web journey does not record the language a referrer
# writes in (ADR 0023 leaves that for later), so its answers are shown as written, in the page's language.
_SOURCES_IN_ENGLISH = frozenset({ReferralSource.API, ReferralSource.HOME_OFFICE_FORM})


def written_in(referral: Referral) -> str:
    """The language of the referrer's own words, as a `lang` attribute: "en" for an imported referral; "" where it is
    not recorded (the page's language is then assumed)."""
    return "en" if referral.source in _SOURCES_IN_ENGLISH else ""


def law_of(referral: Referral) -> NationRules:
    """The nation whose law the referral's questions speak: its site's once routed, before that its referrer's (the
    nation of the sites where they hold a role); England and Wales's when neither is known (ADR 0027)."""
    if referral.site_id:
        return nations.rules(referral.site)
    return nations.rules(nations.nation_of_user(referral.created_by) if referral.created_by_id else None)


@dataclass(frozen=True)
class SafeguardingWords:
    """How the referral asks about safeguarding already in place, in the terms of one nation's law."""

    guardian_question: str
    in_place: list[tuple[str, str]]  # (answer field, the form's checkbox)
    in_place_shown: dict[str, str]  # answer field -> as the answers list it
    discussion: str  # the form's question
    discussion_what: str
    discussion_enter: str
    discussion_future: str
    discussion_shown: str  # as the answers name it


def safeguarding_words(law: NationRules) -> SafeguardingWords:
    """England and Wales: a child in need plan, a child protection plan, a strategy discussion and the ICTG service.
    Scotland: the child protection register, looked after, and the inter-agency referral discussion (National
    Guidance for Child Protection in Scotland 2021, updated 2023). Northern Ireland: the register, looked after by a
    Health and Social Care Trust (Children (NI) Order 1995), and the strategy discussion. Neither has a child in need
    plan to ask about (docs/nations.md)."""
    if law.english_law:
        return SafeguardingWords(
            guardian_question=_("Has the child been referred to the Independent Child Trafficking Guardian service?"),
            in_place=[
                ("child_in_need", _("Child in need plan")),
                ("child_protection_plan", _("Child protection plan")),
                ("looked_after", _("The child is looked after by a local authority")),
            ],
            in_place_shown={
                "child_in_need": _("Child in need plan"),
                "child_protection_plan": _("Child protection plan"),
                "looked_after": _("Looked after by a local authority"),
            },
            discussion=_("When was the strategy discussion held? (optional)"),
            discussion_what=_("The date of the strategy discussion"),
            discussion_enter=_("Enter the date of the strategy discussion"),
            discussion_future=_("The date of the strategy discussion must be today or in the past"),
            discussion_shown=_("Strategy discussion"),
        )
    guardian = _("Has the child been referred to the %(service)s?") % {"service": law.guardian_service}
    if law.nation == nations.Nation.SCOTLAND:
        looked_after, looked_after_shown = (
            _("The child is looked after by a local authority"),
            _("Looked after by a local authority"),
        )
    else:
        looked_after, looked_after_shown = (
            _("The child is looked after by a Health and Social Care Trust"),
            _("Looked after by a Health and Social Care Trust"),
        )
    words = {
        "guardian_question": guardian,
        "in_place": [
            ("child_protection_plan", _("The child's name is on the child protection register")),
            ("looked_after", looked_after),
        ],
        "in_place_shown": {
            "child_protection_plan": _("On the child protection register"),
            "looked_after": looked_after_shown,
        },
    }
    if law.nation == nations.Nation.SCOTLAND:
        return SafeguardingWords(
            **words,
            discussion=_("When was the inter-agency referral discussion (IRD) held? (optional)"),
            discussion_what=_("The date of the inter-agency referral discussion"),
            discussion_enter=_("Enter the date of the inter-agency referral discussion"),
            discussion_future=_("The date of the inter-agency referral discussion must be today or in the past"),
            discussion_shown=_("Inter-agency referral discussion"),
        )
    return SafeguardingWords(
        **words,
        discussion=_("When was the strategy discussion held? (optional)"),
        discussion_what=_("The date of the strategy discussion"),
        discussion_enter=_("Enter the date of the strategy discussion"),
        discussion_future=_("The date of the strategy discussion must be today or in the past"),
        discussion_shown=_("Strategy discussion"),
    )


def _yes_no(value: bool | None) -> str:
    return _("Not known") if value is None else (_("Yes") if value else _("No"))


def _sex(r: Referral) -> str:
    """As the referral's pages word it (vocab.SEX_LABELS); a code they do not word, as the record's field does."""
    if not r.sex:
        return ""
    return _names("sex").get(r.sex) or str(r.get_sex_display())


def _date(value) -> str:
    return long_date(value) if value else ""


# The vocabularies the answers name by code, each as (code, label) pairs.
_VOCABULARIES: dict[str, Callable[[], Iterable[tuple[str, object]]]] = {
    "exploitation": lambda: vocab.ExploitationType.choices,
    "location": lambda: vocab.ExploitationLocation.choices,
    "indicator": lambda: vocab.Indicator.choices,
    "ethnicity": lambda: vocab.ONS_2021_ETHNICITY,
    "sex": lambda: vocab.SEX_LABELS.items(),
    "language": vocab.languages_shown,
}


def _names(vocabulary: str) -> dict[str, str]:
    """A vocabulary's labels by code in the page's language, made once per language (kit.i18n.kept): the whole list,
    so nothing kept depends on a referral's answers."""
    return kept(
        ("referrals:vocabulary", vocabulary), lambda: {code: str(label) for code, label in _VOCABULARIES[vocabulary]()}
    )


def _labels(codes: list[str], vocabulary: str) -> list[str]:
    names = _names(vocabulary)
    return [names.get(code, code) for code in codes]


def _in_words(section: Section) -> Section:
    """One of SECTIONS with its headings translated, made once per language (kit.i18n.kept); another as it is."""
    for at, known in enumerate(SECTIONS):
        if section is known:
            return kept(
                ("referrals:section", at),
                lambda: replace(
                    section,
                    **{name: str(getattr(section, name)) for name in ("title", "group", "hint", "read_title")},
                ),
            )
    return section


def _social_worker_lines(r: Referral, lang: str) -> list[Line]:
    """The allocated social worker as given: name, team (in the referrer's words), local authority, email, phone
    (those given)."""
    if not r.social_worker_name:
        return []
    lines = [
        Line(r.social_worker_name),
        Line(r.social_worker_team, lang=lang),
        Line(str(r.social_worker_local_authority or "")),
        Line(r.social_worker_email),
        Line(r.social_worker_phone),
    ]
    return [line for line in lines if line.text]


def _document_lines(documents: list, document_url: Callable | None, lang: str) -> list[Line]:
    # The file's name and the description the referrer gave it.
    return [
        Line(
            f"{d.original_name}: {d.description}" if d.description else d.original_name,
            document_url(d) if document_url else "",
            lang=lang,
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
    safeguarding = safeguarding_words(law_of(r))
    lang = written_in(r)
    if r.date_of_birth:
        dob = _date(r.date_of_birth)
        if r.date_of_birth_estimated:
            dob = _("%(date)s (estimated)") % {"date": dob}
    elif r.estimated_age_years is not None:
        dob = _("Not known. Estimated age %(age)s") % {"age": r.estimated_age_years}
    else:
        dob = ""
    doubts = [t for flag, t in ((r.age_uncertain, _("Age uncertain")), (r.age_disputed, _("Age disputed"))) if flag]
    types = _labels(r.exploitation_types, "exploitation")
    rows: dict[str, list[tuple[str, list | str]]] = {
        "child": [
            (_("Name"), r.child_display_name if (r.given_names or r.family_name) else ""),
            (
                _("Other names"),
                [" ".join(p for p in (a.get("given_names"), a.get("family_name")) if p) for a in r.aliases]
                or _("None"),
            ),
            (_("Date of birth"), dob),
            (_("Doubt about age"), doubts or _("None")),
            (_("Sex"), _sex(r)),
            (_("Gender identity"), Written(r.gender_identity)),
            (_("NHS number"), nhs_number_shown(r.nhs_number)),
            (_("Home Office reference"), Written(r.home_office_reference)),
        ],
        "background": [
            (_("Nationality"), [vocab.country_shown(c) for c in r.nationalities] or _("Not known")),
            (_("Languages"), _labels(r.languages, "language") or _("Not known")),
            (_("Needs an interpreter"), _yes_no(r.interpreter_needed)),
            (_("Ethnic group"), _names("ethnicity").get(r.ethnicity, "")),
        ],
        "location": [
            (_("Address"), Written(r.address)),
            (_("Local authority where the child lives"), str(r.residence_local_authority or _("Not known"))),
            (_("Local authority where found or referred"), str(r.found_local_authority or _("Not known"))),
            (_("Where the child was found"), Written(r.found_location)),
        ],
        "exploitation": [
            (_("Type of exploitation"), types),
            *(
                [(_("County lines"), _yes_no(r.county_lines))]
                if vocab.ExploitationType.CRIMINAL in r.exploitation_types
                else []
            ),
            (_("Where it happened"), _names("location").get(r.exploitation_location, r.exploitation_location)),
            (_("When it started"), _date(r.exploitation_started) or _("Not known")),
            (_("When it ended"), _date(r.exploitation_ended) or _("Not known or still happening")),
            (_("Age when it started"), "" if r.age_at_exploitation is None else str(r.age_at_exploitation)),
            (_("Public order disqualification being considered"), _yes_no(r.public_order_disqualification)),
        ],
        "account": [
            (_("What happened"), Written(r.account)),
            (_("Indicators"), _labels(r.indicators, "indicator") or _("None selected")),
        ],
        "documents": [(_("Documents"), _document_lines(documents, document_url, lang) or _("None"))],
        "safeguarding": [
            (_("Referred to the guardian service"), _yes_no(r.ictg_referral_made)),
            (
                _("Already in place"),
                [label for name, label in safeguarding.in_place_shown.items() if getattr(r, name)] or _("None"),
            ),
            (safeguarding.discussion_shown, _date(r.strategy_discussion_date) or _("None")),
            (_("Anything else"), Written(r.safeguarding_notes)),
            (_("Social worker"), _social_worker_lines(r, lang) or _("Not known")),
        ],
        "referrer": [
            (_("Name"), r.referrer_name),
            (_("Job title"), Written(r.referrer_job_title)),
            (_("Email address"), r.referrer_email),
            (_("Telephone number"), r.referrer_phone),
        ],
    }
    result = []
    for section in sections:
        change = change_url(section) if change_url else ""
        result.append(
            {
                "section": _in_words(section),
                "rows": [
                    {
                        "key": key,
                        "lines": [v if isinstance(v, Line) else Line(v) for v in value]
                        if isinstance(value, list)
                        else None,
                        "text": value if isinstance(value, str) else "",
                        # The referrer's own words, marked with the language they wrote them in where it is known.
                        "lang": lang if isinstance(value, Written) and value else "",
                        "href": change,
                    }
                    for key, value in rows[section.slug]
                ],
                "organisation": str(referral.referrer_organisation) if section.slug == "referrer" else "",
            }
        )
    return result
