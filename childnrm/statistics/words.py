"""The statistics tables' words in the page's language (ADR 0023).

The tables are counted and protected in English, the language of the published release: the files (CSV, XLSX,
ODS, the return to the Home Office, the release's charts) keep the Home Office's English layout and headings, and
the charts find a table's columns by their keys (`StatTable.value_keys`, the English headings, kept when the headings
are translated). Only the page shows them in the reader's language: `table_shown` gives a copy of a table whose
title, headings, row labels, notes and worded cells are translated, and the charts name what they draw with `say`.

Every English phrase a table can hold is listed here (gettext_noop), so the Welsh catalogue has it. Phrases with
a number in them are listed as patterns (`PATTERNS`): the number is read back from the English and put into
the translation. Nationalities are the ISO names, shown in Welsh from pycountry's own Welsh catalogue (as on
the referral's pages); a phrase nobody listed stays as it is, and a test (test_welsh_statistics) fails on it.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from dataclasses import replace
from functools import cache

import pycountry
from django.utils.translation import gettext, gettext_noop, ngettext

from childnrm.kit import i18n
from childnrm.kit.disclosure import CONFIDENTIAL, LOW_BASE, Cell, DisclosureRules
from childnrm.statistics import dimensions as dim
from childnrm.statistics.tables import StatRow, StatTable

# The categories (dimensions.py): the Home Office's words, and the groupings of the equality monitoring.
CATEGORIES = (
    gettext_noop("Child (17 or under)"),
    gettext_noop("Adult (18 or over)"),
    gettext_noop("Flagged as county lines"),
    gettext_noop("Not flagged as county lines"),
    gettext_noop("Not specified or unknown"),
    gettext_noop("Female"),
    gettext_noop("Male"),
    gettext_noop("Under 12"),
    gettext_noop("12 to 13"),
    gettext_noop("14 to 15"),
    gettext_noop("16 to 17"),
    gettext_noop("18 or over"),
    gettext_noop("Asian"),
    gettext_noop("Black"),
    gettext_noop("Mixed"),
    gettext_noop("White"),
    gettext_noop("Other"),
    gettext_noop("UK national"),
    gettext_noop("Other nationality"),
    gettext_noop("Other nationalities"),
    gettext_noop("Sexual"),
    gettext_noop("Labour"),
    gettext_noop("Domestic"),
    gettext_noop("Criminal"),
    gettext_noop("Organ Harvesting"),
    gettext_noop("Multiple types"),
    gettext_noop("UK"),
    gettext_noop("Overseas"),
    gettext_noop("UK and Overseas"),
    gettext_noop("Local Authority"),
    gettext_noop("Police"),
    gettext_noop("NGO and third sector"),
    gettext_noop("Government agency"),
    gettext_noop("Total"),
    gettext_noop("All sites"),
    gettext_noop("Q1"),
    gettext_noop("Q2"),
    gettext_noop("Q3"),
    gettext_noop("Q4"),
    gettext_noop("Panel"),
    gettext_noop("SCA"),
)

TITLES = (
    gettext_noop("Referrals of children by quarter and location of exploitation"),
    gettext_noop("Referrals of children by quarter and exploitation type"),
    gettext_noop("Referrals of children by quarter and gender"),
    gettext_noop("Referrals of children by quarter and county lines flag"),
    gettext_noop("Referrals by quarter and age at exploitation"),
    gettext_noop("Referrals of children by first responder type and exploitation type"),
    gettext_noop("Referrals of children by nationality and gender"),
    gettext_noop("Reasonable grounds decisions by quarter"),
    gettext_noop("Conclusive grounds decisions by quarter"),
    gettext_noop("Days from referral to the reasonable grounds decision, by quarter of decision"),
    gettext_noop("Days from referral to the conclusive grounds decision, by quarter of decision"),
    gettext_noop("Decisions by site, stage and outcome"),
    gettext_noop("Reconsiderations by quarter"),
    # xgettext:no-python-format
    gettext_noop("Referrals, decisions and outcomes by ethnic group, with 95% intervals"),
    # xgettext:no-python-format
    gettext_noop("Referrals, decisions and outcomes by nationality, with 95% intervals"),
    # xgettext:no-python-format
    gettext_noop("Referrals, decisions and outcomes by gender, with 95% intervals"),
    # xgettext:no-python-format
    gettext_noop("Referrals, decisions and outcomes by age at referral, with 95% intervals"),
    gettext_noop("Days from referral to decision: panel and SCA"),
    gettext_noop("Decisions with a safeguarding plan agreed at the sitting"),
    gettext_noop("Safeguarding plan actions due in the period, done on time"),
    gettext_noop("Outcome reviews due in the period, by review point"),
    gettext_noop("Children referred again or missing after the decision"),
    gettext_noop("New burdens: time and cost of the panel's work by site"),
    gettext_noop("Positive reasonable grounds decisions by site, adjusted for case mix"),
)

HEADINGS = (
    gettext_noop("Year"),
    gettext_noop("Quarter"),
    gettext_noop("Site"),
    gettext_noop("Nationality"),
    gettext_noop("Gender"),
    gettext_noop("Ethnic group"),
    gettext_noop("Age at referral"),
    gettext_noop("Measure"),
    gettext_noop("First responder type"),
    gettext_noop("Negative reasonable grounds"),
    gettext_noop("Positive reasonable grounds"),
    gettext_noop("Negative conclusive grounds"),
    gettext_noop("Positive conclusive grounds"),
    gettext_noop("All decisions"),
    gettext_noop("Requested"),
    gettext_noop("Decided"),
    gettext_noop("Outcome changed"),
    gettext_noop("Decisions"),
    gettext_noop("Median days"),
    gettext_noop("Lower quartile days"),
    gettext_noop("Upper quartile days"),
    gettext_noop("Mean days"),
    gettext_noop("Number"),
    gettext_noop("Out of"),
    gettext_noop("Rate %"),
    # xgettext:no-python-format
    gettext_noop("Lower 95% limit %"),
    # xgettext:no-python-format
    gettext_noop("Upper 95% limit %"),
    gettext_noop("Share of referrals"),
    gettext_noop("Went missing after the decision"),
    gettext_noop("Further exploitation after the decision"),
    gettext_noop("Decided by"),
    gettext_noop("Children decided by"),
    gettext_noop("Review point"),
    gettext_noop("Referral to reasonable grounds"),
    gettext_noop("Referral to conclusive grounds"),
    gettext_noop("Referral to reasonable grounds (as reported)"),
    gettext_noop("Referral to conclusive grounds (as reported)"),
    gettext_noop("All reasonable grounds decisions"),
    gettext_noop("Positive reasonable grounds decisions"),
    gettext_noop("Decisions reported by the SCA"),
    gettext_noop("Number of decisions"),
    gettext_noop("With a plan agreed at the sitting"),
    gettext_noop("Share %"),
    gettext_noop("Actions due"),
    gettext_noop("Done on time"),
    gettext_noop("Done late"),
    gettext_noop("Not done"),
    gettext_noop("Done on time %"),
    gettext_noop("Reviews due"),
    gettext_noop("Reviews recorded"),
    gettext_noop("Placement stable %"),
    gettext_noop("Went missing %"),
    gettext_noop("Re-referred %"),
    gettext_noop("Further exploitation %"),
    gettext_noop("In education, employment or training %"),
    gettext_noop("At 18"),
    gettext_noop("Children"),
    gettext_noop("Re-referred"),
    gettext_noop("Went missing"),
    gettext_noop("Cases worked on"),
    gettext_noop("Person-hours"),
    gettext_noop("Cost £"),
    gettext_noop("Cost per case £"),
    gettext_noop("Positive % (observed)"),
    gettext_noop("Positive % (adjusted for case mix)"),
    gettext_noop("Odds ratio against the average site"),
    # xgettext:no-python-format
    gettext_noop("Lower 95% limit"),
    # xgettext:no-python-format
    gettext_noop("Upper 95% limit"),
    gettext_noop("For discussion"),
    gettext_noop("Positive reasonable grounds decisions %"),
    gettext_noop("Worth discussing"),
    gettext_noop("No flag"),
    gettext_noop("Not in the model"),
)

NOTES = (
    gettext_noop("Counted in the quarter the referral was submitted."),
    gettext_noop(
        "Counted in the quarter the panel first made the reasonable grounds decision, with the outcome that stands "
        "now (after any correction or reconsideration)."
    ),
    gettext_noop(
        "Counted in the quarter the panel first made the conclusive grounds decision, with the outcome that stands "
        "now (after any correction or reconsideration)."
    ),
    gettext_noop("Calendar days from the day the referral was submitted to the day the panel decided."),
    gettext_noop("Quartiles and medians by linear interpolation between the ordered times (Hyndman and Fan type 7)."),
    gettext_noop("The first nationality recorded on the referral."),
    gettext_noop(
        "Children: those exploited when 17 or under, as the Home Office counts them. The age recorded for when the "
        "exploitation started, or, where none is recorded, under 18 when referred (the exploitation began before the "
        "referral). Referrals with neither age known are not counted here: see referrals by age at exploitation."
    ),
    gettext_noop(
        "Age at exploitation: the age recorded for when the exploitation started, or, where none is recorded, "
        "a child when under 18 at referral; not known when neither age is known. Only children are counted in "
        "the other tables."
    ),
    gettext_noop("Flagged by the first responder on the referral: county lines is a form of criminal exploitation."),
    gettext_noop(
        "Requested: requests to reconsider a negative decision received in the quarter, whatever became of them. "
        "Decided: reconsiderations the panel decided in the quarter. Outcome changed: those of them whose outcome "
        "differs from the decision reconsidered."
    ),
    gettext_noop(
        "A request counts at the site holding the case when it was received, a reconsideration at the site whose "
        "panel made it."
    ),
    gettext_noop(
        "Share of referrals: the group's referrals out of all referrals in the period. Positive rates: out of the "
        "decisions made in the period. Outcomes: out of the children decided in the period with at least one "
        "outcome review recorded, whether any review reported it (further exploitation: known or suspected)."
    ),
    # xgettext:no-python-format
    gettext_noop(
        "Rates and intervals (95%, Wilson score method) are worked out from the counts as shown, after rounding, so "
        "that they give back no more than the counts do."
    ),
    gettext_noop(
        "A referral rate per head of population needs the site's child population by group, which the service "
        "does not hold: the share of referrals is shown instead, to compare with local population figures."
    ),
    gettext_noop(
        "Panel: decisions the panel made in the period. SCA: decisions the Single Competent Authority reported on "
        "cases handed to it, dated in the period."
    ),
    gettext_noop(
        "The SCA's reported decisions are not recorded in this service yet, so its decision times are not available."
    ),
    gettext_noop(
        "A plan agreed at the sitting: the decision records it, or a plan for the child was agreed at the meeting "
        "that decided. The SCA makes no safeguarding plan: not applicable [x]."
    ),
    gettext_noop(
        "Actions of the safeguarding plans of children the panel decided about, and of children whose case was "
        "handed to the SCA, due in the period (cancelled actions left out). Done on time: marked done on or before "
        "the day it was due."
    ),
    gettext_noop(
        "Rates are out of the reviews recorded. Follow-up starts at the panel's first final decision about a child, "
        "so children whose case went to the SCA have reviews only where the service follows them up."
    ),
    gettext_noop(
        "Panel: children the panel first decided about in the period. SCA: children whose case was referred on or "
        "transferred to the SCA, from its reported decision (or the day it was sent, when it has reported none) in the "
        "period."
    ),
    gettext_noop(
        "Re-referred: a later referral of the child (under any record linked to theirs as the same child), or an "
        "outcome review saying so. Went missing: a missing episode that started after the decision."
    ),
    gettext_noop(
        "Time at held sittings (length times the people present, shared between the cases on the agenda) and time "
        "logged against decisions, plans and information requests, costed at the site's hourly rates."
    ),
    gettext_noop(
        "These flags are prompts for the panels to talk about how they decide, never a verdict on any decision: "
        "the model adjusts only for age, gender, exploitation type and nationality group, and knows nothing of the "
        "evidence in each case."
    ),
    gettext_noop(
        "Adjusted positive %: the share of positive decisions the model expects if this site had decided every "
        "case in the data. Odds ratio: the site's adjusted odds of a positive decision against the average site's, "
        "with its 95% interval. A site is worth discussing when that interval does not include 1."
    ),
    gettext_noop("At least two sites, each with enough decisions, are needed to compare."),
    gettext_noop("Every decision in the period had the same outcome: nothing to compare."),
    gettext_noop("The model could not be fitted (some groups decided all one way)."),
)

# Phrases with a number (or a name) in them: each %(name)s matches any text, read back into the translation.
PATTERNS = (
    gettext_noop("Shown only where there are at least %(count)s decisions."),
    gettext_noop("Times shown only where there are at least %(count)s decisions."),
    gettext_noop(
        "Hours and costs shown only for sites with at least %(count)s cases worked on, so no one case's cost can "
        "be read off."
    ),
    gettext_noop(
        "Sites with fewer than %(count)s reasonable grounds decisions in the period are left out of the model."
    ),
    gettext_noop("%(count)s months"),
    gettext_noop("%(year)s Q%(number)s"),
    gettext_noop("%(first)s & %(second)s"),
    # Only between the types of an exploitation combination ("Sexual, Labour & Criminal"): `_combination`.
    gettext_noop("%(first)s, %(second)s"),
)


@cache
def _pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", msgid)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(regex)


def _country_welsh() -> dict[str, str]:
    welsh = gettext_module.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["cy"], fallback=True)
    names = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", country.name)
        names[english] = welsh.gettext(english)
    return names


_COUNTRIES: dict[str, str] | None = None


def say(text: str) -> str:
    """`text`, a phrase of a table, in the page's language (itself when it is not one we know)."""
    global _COUNTRIES
    if not text or not i18n.is_welsh():
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    if any(ch.isalpha() for ch in text):
        combination = _combination(text)
        if combination is not None:
            return combination
        for msgid in PATTERNS:
            if "%(" not in msgid:
                continue
            match = _pattern(msgid).fullmatch(text)
            if match:
                return gettext(msgid) % {name: say(value) for name, value in match.groupdict().items()}
        if _COUNTRIES is None:
            _COUNTRIES = _country_welsh()
        return _COUNTRIES.get(text, text)
    return text


_SERIES = re.compile(r", | & ")


def _combination(text: str) -> str | None:
    """A combination of three or more exploitation types ("Sexual, Labour & Criminal") in the page's language, or
    None when `text` is not one (a comma elsewhere is left to the other patterns)."""
    names = _SERIES.split(text)
    if len(names) < 3 or not all(name in dim.EXPLOITATION_WORDS for name in names):
        return None
    *first, last = names
    if text != f"{', '.join(first)} & {last}":
        return None
    head = say(first[0])
    for name in first[1:]:
        head = gettext("%(first)s, %(second)s") % {"first": head, "second": say(name)}
    return gettext("%(first)s & %(second)s") % {"first": head, "second": say(last)}


def _cell(cell: Cell) -> Cell:
    # A worded cell ("Worth discussing", "Not in the model") is its note with no value.
    if cell.value is None and cell.note and not cell.note.startswith("["):
        return replace(cell, note=say(cell.note))
    return cell


def table_shown(table: StatTable) -> StatTable:
    """The table with its words in the page's language, for the page only (never for a file)."""
    if not i18n.is_welsh():
        return table
    return replace(
        table,
        title=say(table.title),
        label_headers=tuple(say(h) for h in table.label_headers),
        value_headers=tuple(say(h) for h in table.value_headers),
        rows=tuple(
            StatRow(tuple(say(label) for label in row.labels), tuple(_cell(c) for c in row.cells), row.total)
            for row in table.rows
        ),
        notes=tuple(say(note) for note in table.notes),
    )


def rules_described(rules: DisclosureRules) -> str:
    """The disclosure rules in plain words, in the page's language (kit.disclosure's `describe`, for the page)."""
    parts = []
    if rules.threshold > 1:
        parts.append(
            gettext(
                "Counts from 1 to %(highest)s are suppressed and shown as %(marker)s, with further cells suppressed "
                "where a total would let a suppressed count be worked out."
            )
            % {"highest": rules.threshold - 1, "marker": CONFIDENTIAL}
        )
    if rules.rounding > 1:
        parts.append(
            gettext("All other counts, totals included, are rounded to the nearest %(rounding)s.")
            % {"rounding": rules.rounding}
        )
    parts.append(
        ngettext(
            "Rates, averages and times are shown only where they are based on at least %(count)s case (%(marker)s "
            "otherwise), and a rate is not shown where it would give back a suppressed count.",
            "Rates, averages and times are shown only where they are based on at least %(count)s cases (%(marker)s "
            "otherwise), and a rate is not shown where it would give back a suppressed count.",
            rules.min_denominator,
        )
        % {"count": rules.min_denominator, "marker": LOW_BASE}
    )
    return " ".join(parts)
