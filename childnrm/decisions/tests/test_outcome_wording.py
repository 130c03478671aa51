"""Issue 8, rule 1: an outcome is worded as the law words it at its stage, the same everywhere.

A reasonable grounds decision says only that there are (not) reasonable grounds to believe that the
child is a victim; only a positive conclusive grounds decision says, on the balance of probabilities,
that the child is one. Before this rule the record and the SCA return said of a positive reasonable
grounds decision "Positive: the child is a victim of modern slavery".
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.models import Outcome, Stage
from childnrm.decisions.tests.factories import final_decision
from childnrm.decisions.wording import outcome_words
from childnrm.reviews.export import decision_export, summary

RG_POSITIVE = "Positive: there are reasonable grounds to believe that the child is a victim of modern slavery"
RG_NEGATIVE = "Negative: there are not reasonable grounds to believe that the child is a victim of modern slavery"
CG_POSITIVE = "Positive: on the balance of probabilities, the child is a victim of modern slavery"
CG_NEGATIVE = "Negative: on the balance of probabilities, the child is not found to be a victim of modern slavery"
# What a reasonable grounds decision must never say about the child.
IS_A_VICTIM = ("the child is a victim of modern slavery", "on the balance of probabilities")


@pytest.mark.parametrize(
    ("stage", "outcome", "words"),
    [
        (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE, RG_POSITIVE),
        (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE, RG_NEGATIVE),
        (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE, CG_POSITIVE),
        (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE, CG_NEGATIVE),
    ],
)
def test_one_function_words_each_stage_and_outcome(stage, outcome, words):
    assert outcome_words(stage, outcome) == words
    assert outcome_words(stage, "") == "Not recorded"


def _without_rg_wording(text: str) -> str:
    return text.replace("believe that the child is a victim of modern slavery", "")


def test_a_positive_reasonable_grounds_decision_never_says_the_child_is_a_victim(client_as):
    decision = final_decision("northbridge", stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE)
    coordinator = client_as(Role.COORDINATOR)
    surfaces = {
        "decision page": coordinator.get(reverse("decisions:detail", args=[decision.pk])).content.decode(),
        "letters page": coordinator.get(reverse("letters:decision", args=[decision.pk])).content.decode(),
        "JSON export": json.dumps(
            json.loads(coordinator.get(reverse("decisions:export-json", args=[decision.pk])).content),
            ensure_ascii=False,
        ),
        "SCA return": json.dumps(summary(decision_export(decision)), ensure_ascii=False),
        "your referrals": client_as(Role.FIRST_RESPONDER).get(reverse("referrals:mine")).content.decode(),
    }
    for where, text in surfaces.items():
        assert RG_POSITIVE in text, where
        rest = _without_rg_wording(text)
        assert not any(claim in rest for claim in IS_A_VICTIM), f"{where} says the child is a victim"


def test_the_outcome_choices_on_the_record_are_worded_for_its_stage(client_as):
    from childnrm.decisions.tests.factories import draft_decision

    rg = draft_decision("northbridge", stage=Stage.REASONABLE_GROUNDS)
    page = client_as(Role.COORDINATOR).get(reverse("decisions:section-outcome", args=[rg.pk])).content.decode()
    assert RG_POSITIVE in page and RG_NEGATIVE in page
    assert CG_POSITIVE not in page
