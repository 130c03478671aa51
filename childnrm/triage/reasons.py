"""The rules' reasons at triage: recorded in English, shown in the reader's language (ADR 0023).

An assessment keeps its reasons as English sentences (`TriageAssessment.reasons`): the record of what the rules found
when they ran, sent as it is in the case packet (whose fingerprint must not depend on anyone's language). Each
sentence is one message here, whose English is the msgid, with named values: `recorded(message, **values)` writes
it in English whatever the page's language (its dates too).

`shown(reason)` reads a stored sentence back against these messages and says it in the page's language: the
message through the catalogue, dates as the kit writes them (a date stored in Welsh by an older assessment is read
too), the clauses after "because" and the facts a correction changed each in that language; a site's or council's
name by its Welsh name on a Welsh page; other names, numbers and what a coordinator typed as they are. Rows stored
before this module keep displaying: they were written in the same words. A sentence no message matches is shown as
recorded, marked as English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

from childnrm.kit.dates import ENGLISH_MONTHS, WELSH_MONTHS, long_date
from childnrm.kit.welsh_mutation import WelshName, welsh_format

# Why only the SCA may decide, as clauses ("... decides, because <clauses>"; triage.eligibility.clause_words).
AGE_DISPUTED = gettext_noop("the child's age is disputed")
AGE_UNCERTAIN = gettext_noop("the child's age is uncertain")
AGE_NOT_KNOWN = gettext_noop("the child's age is not known")
ADULT_WHEN_REFERRED = gettext_noop("the child was 18 or over when referred")
TURNS_18_SOON = gettext_noop("the child turns 18 within %(days)s days of the referral")
PUBLIC_ORDER = gettext_noop("a public-order disqualification is being considered")
NO_AREA = gettext_noop("the child neither lives nor was referred in a panel site's area")
CLAUSES = (AGE_DISPUTED, AGE_UNCERTAIN, AGE_NOT_KNOWN, ADULT_WHEN_REFERRED, TURNS_18_SOON, PUBLIC_ORDER, NO_AREA)

# The age rules (triage.eligibility.age_finding): each sentence whole, whichever date of birth it rests on.
AGE_IS_DISPUTED = gettext_noop("The child's age is disputed.")
AGE_IS_UNCERTAIN = gettext_noop("The child's age is uncertain.")
NO_AGE = gettext_noop("Neither a date of birth nor an estimated age is known, so the age is uncertain.")
ESTIMATED_AGE_ONLY = gettext_noop(
    "Only an estimated age (%(age)s) is known, not a date of birth. An estimated age is treated like an estimated "
    "date of birth: the child is taken to have turned %(age)s on the day of referral, so to have been born on "
    "%(born)s."
)
# (on the date of birth given, the estimated date of birth given, the date taken from the estimated age)
ADULT = (
    gettext_noop(
        "On the date of birth given (%(born)s), the child was 18 or over on the day of referral (%(referred)s)."
    ),
    gettext_noop(
        "On the estimated date of birth given (%(born)s), the child was 18 or over on the day of referral "
        "(%(referred)s)."
    ),
    gettext_noop(
        "On the date of birth taken from the estimated age (%(born)s), the child was 18 or over on the day of "
        "referral (%(referred)s)."
    ),
)
TOO_CLOSE_TO_18 = (
    gettext_noop(
        "On the date of birth given (%(born)s), the child turns 18 on %(birthday)s, %(days)s days after the referral "
        "on %(referred)s: a panel may decide only if that is more than %(min)s days."
    ),
    gettext_noop(
        "On the estimated date of birth given (%(born)s), the child turns 18 on %(birthday)s, %(days)s days after the "
        "referral on %(referred)s: a panel may decide only if that is more than %(min)s days."
    ),
    gettext_noop(
        "On the date of birth taken from the estimated age (%(born)s), the child turns 18 on %(birthday)s, %(days)s "
        "days after the referral on %(referred)s: a panel may decide only if that is more than %(min)s days."
    ),
)
FAR_ENOUGH_FROM_18 = (
    gettext_noop(
        "On the date of birth given (%(born)s), the child turns 18 on %(birthday)s, %(days)s days after the referral "
        "on %(referred)s: more than %(min)s days."
    ),
    gettext_noop(
        "On the estimated date of birth given (%(born)s), the child turns 18 on %(birthday)s, %(days)s days after the "
        "referral on %(referred)s: more than %(min)s days."
    ),
    gettext_noop(
        "On the date of birth taken from the estimated age (%(born)s), the child turns 18 on %(birthday)s, %(days)s "
        "days after the referral on %(referred)s: more than %(min)s days."
    ),
)
PUBLIC_ORDER_CONSIDERED = gettext_noop("A public-order disqualification is being considered.")

# The area rule (triage.eligibility.area_site).
LIVES_IN_AREA = gettext_noop("The child lives in %(area)s, which is in the area of %(site)s.")
LIVES_OUTSIDE_REFERRED_IN_AREA = gettext_noop(
    "The child lives in %(area)s, which no panel site covers; they were referred in %(found)s, in the area of %(site)s."
)
LIVES_UNKNOWN_REFERRED_IN_AREA = gettext_noop(
    "Where the child lives is not known; they were referred in %(found)s, in the area of %(site)s."
)
LIVES_OUTSIDE_REFERRED_OUTSIDE = gettext_noop(
    "The child lives in %(area)s, which no panel site covers, and %(found)s, where they were referred, is not in a "
    "panel site's area."
)
LIVES_UNKNOWN_REFERRED_OUTSIDE = gettext_noop(
    "Where the child lives is not known, and %(found)s, where they were referred, is not in a panel site's area."
)
LIVES_OUTSIDE_REFERRED_UNKNOWN = gettext_noop(
    "The child lives in %(area)s, which no panel site covers, and where they were referred is not known."
)
LIVES_UNKNOWN_REFERRED_UNKNOWN = gettext_noop(
    "Where the child lives is not known, and where they were referred is not known."
)

# What the rules concluded (triage.eligibility.assess).
SCA_DECIDES = gettext_noop("The Single Competent Authority decides, because %(reasons)s.")
OTHER_SITE_DECIDES = gettext_noop(
    "%(site)s decides, not %(receiving)s where the referral was sent: transfer it to %(site)s with the case packet."
)
PANEL_MAY_DECIDE = gettext_noop("%(site)s may decide: every rule for a panel decision is met.")

# What came before the rules, when they ran again (triage.services).
TRANSFERRED_FROM = gettext_noop("Transferred from %(site)s.")
FACTS_CORRECTED = gettext_noop("The facts were corrected by %(name)s on %(date)s: %(changes)s. Reason: %(reason)s")
# One fact a correction changed ("%(changes)s" above: each change, joined by "; ").
FACT_CHANGED = gettext_noop("%(fact)s from %(before)s to %(after)s")
FACT_LABELS = {
    "date_of_birth": "date of birth",
    "date_of_birth_estimated": "date of birth is an estimate",
    "estimated_age_years": "estimated age",
    "age_disputed": "age disputed",
    "age_uncertain": "age uncertain",
    "public_order_disqualification": "public-order disqualification being considered",
}
NOT_KNOWN, YES, NO = "not known", "yes", "no"
# The facts' names and values in the page's language. Short words other apps say too ("yes" is "do" for an answer
# in the past tense): each has its own context, so that no app's translation of the same words wins over another's.
_FACT_WORDS = {
    "date of birth": pgettext_lazy("a fact corrected at triage", "date of birth"),
    "date of birth is an estimate": pgettext_lazy("a fact corrected at triage", "date of birth is an estimate"),
    "estimated age": pgettext_lazy("a fact corrected at triage", "estimated age"),
    "age disputed": pgettext_lazy("a fact corrected at triage", "age disputed"),
    "age uncertain": pgettext_lazy("a fact corrected at triage", "age uncertain"),
    "public-order disqualification being considered": pgettext_lazy(
        "a fact corrected at triage", "public-order disqualification being considered"
    ),
    NOT_KNOWN: pgettext_lazy("the value of a fact corrected at triage", "not known"),
    YES: pgettext_lazy("the value of a fact corrected at triage", "yes"),
    NO: pgettext_lazy("the value of a fact corrected at triage", "no"),
}

MESSAGES = (
    AGE_IS_DISPUTED,
    AGE_IS_UNCERTAIN,
    NO_AGE,
    ESTIMATED_AGE_ONLY,
    *ADULT,
    *TOO_CLOSE_TO_18,
    *FAR_ENOUGH_FROM_18,
    PUBLIC_ORDER_CONSIDERED,
    LIVES_IN_AREA,
    LIVES_OUTSIDE_REFERRED_IN_AREA,
    LIVES_UNKNOWN_REFERRED_IN_AREA,
    LIVES_OUTSIDE_REFERRED_OUTSIDE,
    LIVES_UNKNOWN_REFERRED_OUTSIDE,
    LIVES_OUTSIDE_REFERRED_UNKNOWN,
    LIVES_UNKNOWN_REFERRED_UNKNOWN,
    SCA_DECIDES,
    OTHER_SITE_DECIDES,
    PANEL_MAY_DECIDE,
    TRANSFERRED_FROM,
    FACTS_CORRECTED,
)
# The values that are dates, a list of clauses, the changes of a correction; any other value is shown as it is.
_DATES = frozenset({"born", "referred", "birthday", "date"})
# The values that are a site's or a local authority's name, recorded in English: shown by their Welsh name in Welsh.
_NAMES = frozenset({"site", "receiving", "area", "found"})


def _english_value(value: Any) -> str:
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def recorded(message: str, **values: Any) -> str:
    """The sentence an assessment stores: the message in English, its dates written in English."""
    with translation.override("en-gb"):
        return message % {name: _english_value(value) for name, value in values.items()}


def sentence(clauses: list[str]) -> str:
    """Clauses in English, as "a, b and c" (the "because" of `SCA_DECIDES`)."""
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


def listed(words: list[str]) -> str:
    """Clauses in the page's language, as "a, b and c". Not kit.words.and_list: whole clauses, which Welsh joins with
    semicolons, not "a": a context of its own, as Django's merged catalogue would otherwise give kit's "a"."""
    if len(words) == 1:
        return words[0]
    return pgettext("whole clauses", "%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def change_recorded(name: str, before: Any, after: Any) -> str:
    """One fact a correction changed, in English (`FACT_CHANGED`)."""
    return recorded(FACT_CHANGED, fact=FACT_LABELS[name], before=_fact_value(before), after=_fact_value(after))


def _fact_value(value: Any) -> str:
    if value is None or value == "":
        return NOT_KNOWN
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str):  # an ISO date, as the audit detail keeps it
        return _english_value(date.fromisoformat(value))
    return str(value)


# Reading a stored sentence back --------------------------------------------------------------------------------


@cache
def _pattern(message: str) -> re.Pattern[str]:
    """The message as a pattern: each placeholder a group (a placeholder used twice must hold the same text)."""
    parts: list[str] = []
    seen: set[str] = set()
    at = 0
    for placeholder in re.finditer(r"%\((\w+)\)s", message):
        parts.append(re.escape(message[at : placeholder.start()]))
        name = placeholder.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        at = placeholder.end()
    parts.append(re.escape(message[at:]))
    return re.compile("".join(parts), re.DOTALL)


def _read(text: str, messages: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    for message in messages:
        found = _pattern(message).fullmatch(text)
        if found:
            return message, found.groupdict()
    return None


_MONTHS = {name: number for months in (ENGLISH_MONTHS, WELSH_MONTHS) for number, name in enumerate(months, 1)}


def _date_shown(text: str) -> str | None:
    found = re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", text)
    if found is None or found.group(2) not in _MONTHS:
        return None
    try:
        return long_date(date(int(found.group(3)), _MONTHS[found.group(2)], int(found.group(1))))
    except ValueError:
        return None


def _said(message: str, values: dict[str, str | None]) -> str | None:
    if any(value is None for value in values.values()):
        return None
    return welsh_format(gettext(message), values)  # a Welsh name after a preposition mutates ("gan Gyngor …")


def _clauses_shown(text: str) -> str | None:
    *head, last = text.rsplit(" and ", 1)
    words = []
    for part in [*(head[0].split(", ") if head else []), last]:
        read = _read(part, CLAUSES)
        if read is None:
            return None
        words.append(gettext(read[0]) % read[1])
    return listed(words)


def _changes_shown(text: str) -> str | None:
    shown = []
    labels = set(FACT_LABELS.values())
    for part in text.split("; "):
        read = _read(part, (FACT_CHANGED,))
        if read is None or read[1]["fact"] not in labels:
            return None
        values = read[1]
        said = _said(
            FACT_CHANGED,
            {
                "fact": str(_FACT_WORDS[values["fact"]]),
                "before": _fact_shown(values["before"]),
                "after": _fact_shown(values["after"]),
            },
        )
        if said is None:
            return None
        shown.append(said)
    return "; ".join(shown)


def _fact_shown(text: str) -> str | None:
    if text in (NOT_KNOWN, YES, NO):
        return str(_FACT_WORDS[text])
    if text.isdigit():
        return text
    return _date_shown(text)


def _value_shown(name: str, text: str, names: Mapping[str, str]) -> str | None:
    if name in _NAMES:
        return WelshName(names[text]) if text in names else text
    if name in _DATES:
        return _date_shown(text)
    if name == "reasons":
        return _clauses_shown(text)
    if name == "changes":
        return _changes_shown(text)
    return text


def shown(reason: str, names: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """A stored reason in the page's language, and whether it is still English (no message matched it: shown as
    recorded, to be marked as English). On an English page, the reason as recorded. `names`: the English names of
    sites and councils to their names in the page's language (accounts.selectors.welsh_names)."""
    if (translation.get_language() or "").startswith("en"):
        return reason, False
    read = _read(reason, MESSAGES)
    if read is not None:
        message, values = read
        said = _said(message, {name: _value_shown(name, value, names or {}) for name, value in values.items()})
        if said is not None:
            return said, False
    return reason, True
