"""What a letter's readers depend on beyond its words: a screen reader can navigate the PDF (the child and their
guardian get the letter only as a PDF), and a Welsh letter gives the reason for a negative decision in Welsh, as does
the decision record's PDF."""

from __future__ import annotations

import contextlib
import re
import zlib

import pytest
from django.utils import translation

from childnrm.accounts.models import Role
from childnrm.decisions.models import NEGATIVE_REASON_WORDS, Outcome
from childnrm.letters import content, services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.factories import final_decision

pytestmark = pytest.mark.django_db


def _produce(decision):
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR, decision.referral.site.slug))
    return {letter.kind: letter for letter in produced.letters}


def _pdf_with_streams(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed object streams inflated, where the structure tree is written."""
    inflated = pdf
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            inflated += zlib.decompress(stream.group(1))
    return inflated


def test_every_letter_pdf_is_tagged_for_screen_readers(demo):
    letters = _produce(final_decision("northbridge"))
    assert {LetterKind.REFERRER_OUTCOME, LetterKind.CHILD_FRIENDLY} <= set(letters)
    for letter in letters.values():
        pdf = _pdf_with_streams(bytes(letter.pdf))
        # A structure tree (headings, paragraphs, reading order) and the mark that says the PDF is tagged.
        assert b"StructTreeRoot" in pdf and b"MarkInfo" in pdf, letter.kind


def test_a_welsh_outcome_letter_gives_the_reason_for_a_negative_decision_in_welsh(demo):
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    reason = decision.negative_reason
    assert reason is not None and reason.label in NEGATIVE_REASON_WORDS
    referrer = decision.referral.created_by
    referrer.language = "cy"
    referrer.save(update_fields=["language"])

    letter = _produce(decision)[LetterKind.REFERRER_OUTCOME]
    assert letter.content["language"] == "cy"
    text = content.letter_text(letter.content)
    with translation.override("cy"):
        welsh = str(NEGATIVE_REASON_WORDS[reason.label])
    assert welsh != reason.label  # the catalogue has its Welsh
    assert welsh in text and reason.label not in text
