"""The child's letter is as easy to read as its ceilings allow, in English and in Welsh: one check for every kind of
letter a test builds (textstat's pronouncing dictionary is test_readability's `_pronouncing_dictionary` fixture)."""

from __future__ import annotations

from collections.abc import Callable

from childnrm.kit.i18n import language
from childnrm.letters import content
from childnrm.letters.tests.test_readability import BORN, CEILINGS, LETTER_DATE, PEOPLE, RECONSIDER_BY, decision
from childnrm.letters.tests.test_welsh_readability import CEILINGS as WELSH_CEILINGS
from childnrm.letters.tests.welsh_reading import measure


def assert_as_easy_to_read(wording: str, letter: Callable[[], dict]) -> None:
    """`letter` builds the letter; it is built once in English and once in Welsh."""
    import textstat

    text = content.letter_text(letter())
    most_grade, least_ease = CEILINGS[wording]
    assert textstat.flesch_kincaid_grade(text) <= most_grade, text
    assert textstat.flesch_reading_ease(text) >= least_ease, text
    with language("cy"):
        welsh = content.letter_text(letter())
    found, most = measure(welsh), WELSH_CEILINGS[wording]
    for name in type(most).__dataclass_fields__:
        assert getattr(found, name) <= getattr(most, name), (name, found, welsh)


def child_letter(wording: str, stage: str, outcome: str, **told) -> dict:
    """The child's letter with the most people in it (guardian and social worker named), and what else it tells
    (`reconsidered`, `corrected`)."""
    return content.child_letter(
        decision(stage, outcome, BORN[wording]),
        people=PEOPLE["guardian and social worker named"],
        reconsider_by=RECONSIDER_BY,
        dated=LETTER_DATE,
        **told,
    )
