"""The one place an NRM outcome is put into words, for every page, letter, export, return and email.

In law the two stages say different things. A reasonable grounds decision says only whether there are
reasonable grounds to believe the child is a victim; a conclusive grounds decision decides it on the
balance of probabilities. Only a positive conclusive grounds decision says the child *is* a victim.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOT_RECORDED = _("Not recorded")

_WORDS = {
    ("reasonable_grounds", "positive"): _(
        "Positive: there are reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    ("reasonable_grounds", "negative"): _(
        "Negative: there are not reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    ("conclusive_grounds", "positive"): _(
        "Positive: on the balance of probabilities, the child is a victim of modern slavery"
    ),
    ("conclusive_grounds", "negative"): _(
        "Negative: on the balance of probabilities, the child is not found to be a victim of modern slavery"
    ),
}


def outcome_words(stage: str, outcome: str | None) -> str:
    """The outcome of a decision at `stage` ("reasonable_grounds" or "conclusive_grounds") in words, in the
    language active now (the letters keep their own copies, in the reader's language)."""
    if not outcome:
        return str(NOT_RECORDED)
    return str(_WORDS[(stage, outcome)])


def outcome_clause(stage: str, outcome: str) -> str:
    """The finding alone, to follow "The panel decided that …" in a sentence."""
    return outcome_words(stage, outcome).split(": ", 1)[1]
