"""The Welsh letter for the child must be as easy to follow as the English one (docs/welsh-reading-level.md).

textstat has no Welsh, so the measures are the language-neutral ones of letters/tests/welsh_reading.py: sentence
length, word length (Welsh letters), long words (vowel-group syllables) and LIX. Each variant of the letter (both
wordings, every stage and outcome, with and without a guardian and social worker named) is held to fixed ceilings
and to the English letter of the same variant plus a stated allowance.

Figures when written (Welsh; English in brackets): words per sentence 7.3 to 8.2 under 12 (6.7 to 7.6), 7.7 to 9.1
for 12 and over (7.0 to 8.2); longest sentence 17 to 20 words (15 to 19) and 19 to 22 (16 to 20); letters per word
3.8 to 4.0; long words 7 to 9 %; LIX 15.3 to 17.5 (12.8 to 14.4) and 17.2 to 19.5 (15.1 to 15.7), all "very easy"
(LIX under 30). The formal letter to the referrer in Welsh measures LIX 39 with a 49-word sentence.
"""

from __future__ import annotations

import pytest

from childnrm.decisions.models import Outcome, Stage
from childnrm.kit.i18n import language
from childnrm.letters import content
from childnrm.letters.tests.test_readability import (
    BORN,
    PEOPLE,
    RECONSIDER_BY,
    VARIANTS,
    WORDINGS,
    child_letter,
    decision,
)
from childnrm.letters.tests.welsh_reading import Measures, measure, syllables

# wording: the most each measure may be (words per sentence, longest sentence, letters per word, long-word share, LIX)
CEILINGS = {
    content.Wording.YOUNGER: Measures(9.0, 20, 4.1, 0.10, 20.0),
    content.Wording.TEENAGER: Measures(10.0, 22, 4.2, 0.10, 22.0),
}
# Welsh says the same in a few more words ("dy ddefnyddio" for "used you") and longer ones (mutations, "-iad" nouns).
LIX_ALLOWANCE = 5.0
SENTENCE_ALLOWANCE = 1.25


def welsh(stage: str, outcome: str, who: str, wording: str) -> dict:
    with language("cy"):
        return child_letter(stage, outcome, PEOPLE[who], wording)


@pytest.mark.parametrize(("wording", "stage", "outcome", "who"), VARIANTS)
def test_every_variant_of_the_welsh_letter_is_within_the_ceilings(wording, stage, outcome, who):
    letter = welsh(stage, outcome, who, wording)
    assert letter["wording"] == wording and letter["title"] == "Llythyr i ti"
    text = content.letter_text(letter)
    found, most = measure(text), CEILINGS[wording]
    for name in Measures.__dataclass_fields__:
        assert getattr(found, name) <= getattr(most, name), (
            f"{wording} {stage} {outcome} ({who}): {name} {found}\n{text}"
        )
    english = measure(content.letter_text(child_letter(stage, outcome, PEOPLE[who], wording)))
    assert found.lix <= english.lix + LIX_ALLOWANCE, (found, english)
    assert found.words_per_sentence <= english.words_per_sentence * SENTENCE_ALLOWANCE, (found, english)


@pytest.mark.parametrize("wording", WORDINGS)
def test_the_welsh_formal_letter_fails_the_ceilings(wording):
    """The negative control: the measures tell the referrer's Welsh letter from the child's."""
    found = decision(Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE, BORN[wording])
    found.guidance_version = "sg-2023-07"
    found.test_applied = "whether, on the balance of probabilities, the person is a victim of modern slavery"
    with language("cy"):
        formal = content.letter_text(
            content.referrer_letter(found, people=PEOPLE["neither named"], reconsider_by=RECONSIDER_BY)
        )
    measured, most = measure(formal), CEILINGS[wording]
    assert measured.lix > most.lix + 10 and measured.longest_sentence > 2 * most.longest_sentence, measured


def test_welsh_syllables_are_vowel_groups():
    assert [syllables(w) for w in ("plentyn", "gwarcheidwad", "camfanteisio", "llythyr", "ti", "ddefnyddio")] == [
        2,
        3,
        4,
        2,
        1,
        3,
    ]


def test_the_welsh_letter_keeps_the_reassurance_and_the_childs_people():
    letter = welsh(Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE, "guardian and social worker named", WORDINGS[0])
    text = content.letter_text(letter)
    assert letter["greeting"] == "Annwyl Amara" and letter["date"] == "3 Rhagfyr 2026"
    assert "Dwyt ti ddim mewn trwbl" in text and "Nid dy fai di" in text
    assert "Sam Patel ydy dy warcheidwad" in text and "Ann Lee, dy weithiwr cymdeithasol" in text
    assert "edrych eto" in text and "31 Rhagfyr 2026" in text
