"""Reading measures for Welsh text, for the child's letter (docs/welsh-reading-level.md).

textstat has no Welsh: its syllable counts come from an English dictionary and its formulas were fitted to English
readers. No validated Welsh readability formula is published as software that we could find. So the Welsh letter
is held to measures that do not depend on English:

- sentence length in words: the average and the longest sentence (the strongest single predictor of difficulty
  in every readability formula, and what the Welsh plain-language guides "Cymraeg Clir" ask writers to keep short);
- word length in letters, counting each Welsh digraph (ch, dd, ff, ng, ll, ph, rh, th) as one letter, as the Welsh
  alphabet does;
- the share of long words (three syllables or more), syllables counted as vowel groups, Welsh vowels being
  a, e, i, o, u, w and y (with their accents); a diphthong (ae, ai, aw, ei, ew, iw, oe, ow, wy, yw and others) is one
  group;
- LIX (Björnsson's läsbarhetsindex): words per sentence + 100 times the share of words longer than six letters. LIX was
  made for Swedish and is used across European languages because it needs no syllables or word lists; under 30 is
  "very easy", 30 to 40 "easy" (children's fiction).

Each measure is also taken on the English letter, so the Welsh can be held to the English letter's level with a
stated allowance (Welsh words run longer: mutations, digraphs and the short words it does not have).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGRAPHS = ("ch", "dd", "ff", "ng", "ll", "ph", "rh", "th")
_VOWELS = "aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ"
_WORD = re.compile(r"[A-Za-zÀ-ÿŴŵŶŷẀ-ẅỲỳ’'-]+")


def sentences(text: str) -> list[str]:
    """Sentences: a full stop, question or exclamation mark ends one; so does a line (a heading, the greeting)."""
    found = []
    for line in text.splitlines():
        found += [s for s in re.split(r"(?<=[.!?])\s+", line) if _WORD.search(s)]
    return found


def words(text: str) -> list[str]:
    return [w.strip("’'-") for w in _WORD.findall(text) if w.strip("’'-")]


def letters(word: str) -> int:
    """Letters as the Welsh alphabet counts them: 'ch', 'dd', 'll' ... are one letter each."""
    lowered = word.lower()
    return len(lowered) - sum(lowered.count(d) for d in _DIGRAPHS)


def syllables(word: str) -> int:
    """Vowel groups: a run of vowels (a diphthong) is one syllable; at least one per word."""
    return max(1, len(re.findall(f"[{_VOWELS}]+", word.lower())))


@dataclass(frozen=True)
class Measures:
    words_per_sentence: float
    longest_sentence: int
    letters_per_word: float
    long_word_share: float  # three syllables or more
    lix: float


def measure(text: str) -> Measures:
    found = sentences(text)
    counts = [len(words(s)) for s in found]
    all_words = [w for s in found for w in words(s)]
    total = len(all_words)
    per_sentence = total / len(found)
    return Measures(
        words_per_sentence=per_sentence,
        longest_sentence=max(counts),
        letters_per_word=sum(letters(w) for w in all_words) / total,
        long_word_share=sum(1 for w in all_words if syllables(w) >= 3) / total,
        lix=per_sentence + 100 * sum(1 for w in all_words if letters(w) > 6) / total,
    )
