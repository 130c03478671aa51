"""The one place an NRM outcome is put into words, for every page, letter, export, return and email.

In law the two stages say different things. A reasonable grounds decision says only whether there are
reasonable grounds to believe the child is a victim; a conclusive grounds decision decides it on the
balance of probabilities. Only a positive conclusive grounds decision says the child *is* a victim.
"""

from __future__ import annotations

NOT_RECORDED = "Not recorded"

_WORDS = {
    ("reasonable_grounds", "positive"): (
        "Positive: there are reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    ("reasonable_grounds", "negative"): (
        "Negative: there are not reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    ("conclusive_grounds", "positive"): (
        "Positive: on the balance of probabilities, the child is a victim of modern slavery"
    ),
    ("conclusive_grounds", "negative"): (
        "Negative: on the balance of probabilities, the child is not found to be a victim of modern slavery"
    ),
}


def outcome_words(stage: str, outcome: str | None) -> str:
    """The outcome of a decision at `stage` ("reasonable_grounds" or "conclusive_grounds") in words."""
    if not outcome:
        return NOT_RECORDED
    return _WORDS[(stage, outcome)]


def outcome_clause(stage: str, outcome: str) -> str:
    """The finding alone, to follow "The panel decided that …" in a sentence."""
    return outcome_words(stage, outcome).split(": ", 1)[1]
