"""The matching's reasons in the reader's language (issue 13, ADR 0023).

`linkage_scoring` keeps each reason as its wording and values (`Said`) besides the English text stored with a
decision; this module says it in the language of the page: the wording through the catalogue, dates as the kit
writes them, nationalities by name and sex as recorded, in that language. Scoring itself stays free of Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext

from childnrm.kit.dates import long_date
from childnrm.kit.iso_names import country_shown
from childnrm.people.linkage_scoring import (
    ANOTHER_NAME_WORDS,
    APART_WORDS,
    COMMON_NAME_WORDS,
    Evidence,
    Nationalities,
    Said,
    SexRecorded,
    days_apart,
    say,
    years_apart,
)
from childnrm.people.models import Sex


def nationality_name(code: str) -> str:
    """A nationality's country name in the page's language, as the referral's pages name it."""
    return country_shown(code)


def nationalities_shown(codes: Any) -> str:
    """A record's nationalities by name, in the page's language, in the order of their names."""
    return ", ".join(sorted(nationality_name(c) for c in codes or ()))


def _value(value: Any) -> str:
    if isinstance(value, Said):
        return said(value)
    if isinstance(value, tuple):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, Nationalities):
        return ", ".join(nationality_name(c) for c in value.codes)
    if isinstance(value, SexRecorded):
        label = dict(Sex.choices).get(value.code)
        return str(label).lower() if label else value.code
    if hasattr(value, "isoformat"):
        return long_date(value)
    return str(value)


def said(reason: Said) -> str:
    """One reason in the page's language (the English wording where the catalogue has none)."""
    return gettext(reason.message) % {name: _value(value) for name, value in reason.values}


def evidence_line(kept: Sequence[dict[str, Any] | str]) -> str:
    """A possible earlier record's evidence in plain words as one line in the page's language: "Same date of birth;
    surname spelt differently; same nationality". Kept text (records found before phrases were kept) is read back
    into its phrases (`_phrase_of_text`)."""
    phrases = [
        _phrase_of_text(part) if isinstance(p, str) else Said.from_json(p)
        for p in kept
        for part in (p.split("; ") if isinstance(p, str) else (p,))
    ]
    line = "; ".join(said(p) for p in phrases)
    return line[:1].upper() + line[1:]


_YEARS = r"(about a year apart|about (?P<years>\d+) years apart)"
_DAYS = re.compile(r"dates of birth (?P<days>\d+) days? apart")
_YEARS_APART = [(re.compile(english.replace("%(apart)s", _YEARS)), english) for english in APART_WORDS.values()]


def _phrase_of_text(text: str) -> Said:
    """A phrase kept as English text before phrases were kept (2026-12-07), with its values read back out of it, so
    that it is said whole in the page's language: "dates of birth 3 days apart", "ages about 2 years apart", a name
    part "..., with another surname in one record only" or "... (a common name here)". Other text is its own wording."""
    common = COMMON_NAME_WORDS.replace("%(words)s", "")
    if text.endswith(common):
        return say(COMMON_NAME_WORDS, words=_phrase_of_text(text.removesuffix(common)))
    for another in ANOTHER_NAME_WORDS.values():
        if text.endswith(another.replace("%(words)s", "")):
            return say(another, words=Said(text.removesuffix(another.replace("%(words)s", ""))))
    if found := _DAYS.fullmatch(text):
        return days_apart(int(found["days"]))
    for pattern, english in _YEARS_APART:
        if found := pattern.fullmatch(text):
            years = found["years"]
            return say(english, apart=years_apart(int(years) if years else 1))
    return Said(text)


def reason(evidence: Evidence) -> str:
    """A piece of evidence's detail in the page's language."""
    return said(evidence.said)
