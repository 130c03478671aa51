"""A referral's answers in the language of each reading (`referrals.answers`, issue 16): messages and the
vocabularies' labels are kept by language once translated, so reading in Welsh, then English, then Welsh again
must give each reading its own words, the words Django's catalogues give."""

from __future__ import annotations

from django.utils import translation

from childnrm.kit.i18n import language
from childnrm.referrals import vocab
from childnrm.referrals.answers import SECTIONS, answer_sections
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral

ANSWERS = {
    "sex": "female",
    "languages": ["ti", "ar"],
    "ethnicity": "asian_chinese",
    "exploitation_types": [vocab.ExploitationType.SEXUAL, vocab.ExploitationType.CRIMINAL],
    "exploitation_location": vocab.ExploitationLocation.OVERSEAS,
    "indicators": [vocab.Indicator.GOING_MISSING],
}


def _shown(referral: Referral) -> dict[str, object]:
    sections = answer_sections(referral, [])
    rows = [row for section in sections for row in section["rows"]]
    headings = [(s["section"].slug, s["section"].title, s["section"].read_title) for s in sections]
    return {
        "headings": headings,
        **{row["key"]: row["text"] or [str(line) for line in row["lines"] or []] for row in rows},
    }


def _expected() -> dict[str, object]:
    """What Django's own gettext gives for the same answers, in the active language."""
    _ = translation.gettext
    return {
        "headings": [(s.slug, str(s.title), str(s.read_title)) for s in SECTIONS],
        _("Sex"): str(vocab.SEX_LABELS["female"]),
        _("Languages"): [vocab.language_shown("ti"), vocab.language_shown("ar")],
        _("Ethnic group"): str(dict(vocab.ONS_2021_ETHNICITY)["asian_chinese"]),
        _("Type of exploitation"): [
            str(vocab.ExploitationType.SEXUAL.label),
            str(vocab.ExploitationType.CRIMINAL.label),
        ],
        _("Where it happened"): str(vocab.ExploitationLocation.OVERSEAS.label),
        _("Indicators"): [str(vocab.Indicator.GOING_MISSING.label)],
        _("County lines"): _("Yes"),
        _("Needs an interpreter"): _("No"),
    }


def test_the_answers_are_in_the_language_of_each_reading(demo):
    referral = submitted_referral("northbridge", **ANSWERS)
    readings = {}
    for _round in range(2):
        for code in ("cy", "en-gb"):
            with language(code):
                shown, expected = _shown(referral), _expected()
            assert {key: shown[key] for key in expected} == expected
            readings.setdefault(code, shown)
            assert shown == readings[code]
    assert readings["cy"] != readings["en-gb"]
    with language("en-gb"):
        assert readings["en-gb"]["Type of exploitation"] == ["Sexual exploitation", "Criminal exploitation"]
        assert readings["en-gb"]["Ethnic group"] == "Asian, Asian British or Asian Welsh: Chinese"
        assert readings["en-gb"]["headings"][-1] == ("referrer", "Your details", "The referrer")
