"""Letters and the guardian's email about a correction (decisions: a new version of a decision that stood, which keeps
its outcome), above all a correction of a decision on reconsideration.

A correction is not another reconsideration: nobody asked the panel to look again, and no differently constituted
panel did. Told as one, the child reads that people looked at what happened to them yet again and "their decision is
different this time" when nothing was decided again. Each reader learns instead that the panel corrected its decision
(the one it made on reconsideration, when it was), and whether the outcome changed.

Versions are written with the ORM, as test_reconsideration_letters.py writes them (`reconsidered`).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Role, User
from childnrm.core.tests.welsh import english_left
from childnrm.decisions.models import Decision, DecisionKind, Outcome, Stage
from childnrm.kit.dates import long_date
from childnrm.kit.i18n import LetterLanguage
from childnrm.letters import content
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.letters.tests.readability import assert_as_easy_to_read, child_letter
from childnrm.letters.tests.test_readability import (  # noqa: F401 (the fixture: textstat's pronouncing dictionary)
    BORN,
    LETTER_DATE,
    PEOPLE,
    RECONSIDER_BY,
    WORDINGS,
    _pronouncing_dictionary,
    decision,
)
from childnrm.letters.tests.test_reconsideration_letters import (
    FIRST_DECISION_OPENING,
    asked_and_decided,
    produce,
    reconsidered,
)
from childnrm.reviews.models import ReconsiderationGround

pytestmark = pytest.mark.django_db

# What the letters said of a correction of a decision on reconsideration before: another reconsideration.
TOLD_AS_RECONSIDERED = (
    "A differently constituted panel has reconsidered the case and made a new decision",
    "Someone who helps you asked the panel to look again",
    "The person who told the panel about you asked it to look again",
    "Different people on the panel have now looked at it again.",
    "Their decision is different this time.",
    "Their decision is the same as last time.",
)


def corrected_reconsideration():
    """A negative decision, reconsidered (positive, its letters produced), then corrected (outcome kept)."""
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    produce(original)
    original, new = asked_and_decided(original, outcome=Outcome.POSITIVE, grounds=[ReconsiderationGround.NEW_EVIDENCE])
    produce(new)
    return original, new, reconsidered(new, outcome=Outcome.POSITIVE, kind=DecisionKind.CORRECTION)


def produced_for(guardian: User, corrected: Decision, capture_on_commit) -> dict[str, Letter]:
    """The correction's letters, produced with `guardian` allocated to the child, and the emails sent on commit (the
    outbox holds only those)."""
    allocate(corrected.referral, guardian)
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        return produce(corrected)


def test_a_correction_of_a_decision_on_reconsideration_is_told_as_a_correction(
    demo, django_capture_on_commit_callbacks
):
    original, new, corrected = corrected_reconsideration()
    guardian = staff(Role.ICTG)
    letters = produced_for(guardian, corrected, django_capture_on_commit_callbacks)

    referrer_letter = letters[LetterKind.REFERRER_OUTCOME].content
    referrer = content.letter_text(referrer_letter)
    assert referrer_letter["title"].startswith(
        "Corrected outcome of the reconsideration of the reasonable grounds decision on referral"
    )
    assert (
        f"The panel has corrected the reasonable grounds decision it made on reconsideration on "
        f"{long_date(new.decided_on)}. The corrected decision in this letter replaces it." in referrer
    )
    assert "The outcome has not changed: the corrected decision is positive, as the decision corrected was." in referrer
    assert f"Decision corrected: Positive, made on {long_date(new.decided_on)}" in referrer
    assert "Corrected decision on reconsideration: Reasonable grounds, positive" in referrer
    # The reconsideration it corrects is still told, as done: what was asked, and what it changed then.
    assert (
        f"Sam Referrer asked the panel to reconsider its reasonable grounds decision of "
        f"{long_date(original.decided_on)}, which was negative." in referrer
    )
    assert (
        "A differently constituted panel reconsidered the case and made a new decision, which replaced the earlier one."
        in referrer
    )
    assert (
        "The reconsideration changed the outcome: the earlier decision was negative, and the decision on "
        "reconsideration was positive." in referrer
    )
    assert "The outcome has changed" not in referrer

    child = letters[LetterKind.CHILD_FRIENDLY]
    said = content.letter_text(child.content)
    for line in (
        "The panel has corrected a mistake in what it wrote about its decision after it looked again.",
        "Its decision has not changed.",
        "They think there are good reasons to believe that someone used you",
    ):
        assert line in said, line
    assert FIRST_DECISION_OPENING not in said
    assert "Its decision has not changed." in pdf_text(bytes(child.pdf))

    for letter_text in (referrer, said):
        for told in TOLD_AS_RECONSIDERED:
            assert told not in letter_text, told

    [email] = [m for m in mail.outbox if m.to == [guardian.email]]
    referral = corrected.referral
    assert email.subject == f"Corrected panel decision on reconsideration, referral {referral.reference}"
    assert email.body.startswith(
        f"For referral {referral.reference} (child {referral.child.reference}), the panel has corrected the decision "
        "it made on reconsideration. The correction does not change the outcome. Its letters are ready."
    )
    assert "reconsidered its decision" not in email.body and "new decision" not in email.body
    assert "positive" not in email.body  # never what was decided


def test_the_younger_childs_letter_says_the_mistake_is_put_right_and_the_choice_is_the_same(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    child = original.referral.child
    child.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 9)
    child.save()
    _, new = asked_and_decided(original, outcome=Outcome.NEGATIVE, grounds=[ReconsiderationGround.NEW_EVIDENCE])
    produce(new)
    corrected = reconsidered(new, outcome=Outcome.NEGATIVE, kind=DecisionKind.CORRECTION)

    letter = produce(corrected)[LetterKind.CHILD_FRIENDLY].content
    assert letter["wording"] == content.Wording.YOUNGER
    said = content.letter_text(letter)
    for line in (
        "The panel found a mistake in what it wrote after it looked again. The mistake is now put right.",
        "Its choice is still the same.",
        "They did not find enough to say that people used you",
    ):
        assert line in said, line
    for told in (
        "asked the panel to look again at its choice",
        "Different grown-ups on the panel have looked at it again.",
        "They made the same choice as last time.",
        "A group of grown-ups called a panel has looked at what happened to you.",
    ):
        assert told not in said, told


def test_a_correction_of_an_ordinary_decision_says_the_panel_corrected_it(demo, django_capture_on_commit_callbacks):
    original = final_decision("northbridge", outcome=Outcome.POSITIVE)
    produce(original)
    corrected = reconsidered(original, outcome=Outcome.POSITIVE, kind=DecisionKind.CORRECTION)
    guardian = staff(Role.ICTG)
    letters = produced_for(guardian, corrected, django_capture_on_commit_callbacks)

    referrer_letter = letters[LetterKind.REFERRER_OUTCOME].content
    referrer = content.letter_text(referrer_letter)
    assert referrer_letter["title"].startswith("Corrected outcome of the reasonable grounds decision on referral")
    assert (
        f"The panel has corrected its reasonable grounds decision of {long_date(original.decided_on)}. The corrected "
        "decision in this letter replaces it." in referrer
    )
    assert "The outcome has not changed: the corrected decision is positive, as the decision corrected was." in referrer
    assert "Corrected decision: Reasonable grounds, positive" in referrer
    child = content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)
    # The first line still says who the panel is; the correction follows it.
    assert FIRST_DECISION_OPENING in child
    assert (
        "The panel has corrected a mistake in what it wrote about its decision.\nIts decision has not changed." in child
    )
    for text in (referrer, child):
        assert "reconsider" not in text and "look again" not in text and "looked again" not in text

    [email] = [m for m in mail.outbox if m.to == [guardian.email]]
    referral = corrected.referral
    assert email.subject == f"Corrected panel decision on referral {referral.reference}"
    assert email.body.startswith(
        f"The panel has corrected its decision on referral {referral.reference} (child {referral.child.reference}). "
        "The correction does not change the outcome."
    )


def test_a_version_corrected_before_its_letters_were_produced_is_not_told_as_corrected(
    demo, django_capture_on_commit_callbacks
):
    """Nobody had the first version's letters: the correction's letters are the first the readers get, so they tell
    the decision, not a mistake put right in something they never read."""
    original = final_decision("northbridge", outcome=Outcome.POSITIVE)
    corrected = reconsidered(original, outcome=Outcome.POSITIVE, kind=DecisionKind.CORRECTION)
    guardian = staff(Role.ICTG)
    letters = produced_for(guardian, corrected, django_capture_on_commit_callbacks)

    referrer_letter = letters[LetterKind.REFERRER_OUTCOME].content
    assert not referrer_letter["title"].startswith("Corrected")
    child = content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)
    assert FIRST_DECISION_OPENING in child
    for text in (content.letter_text(referrer_letter), child):
        assert "corrected" not in text.lower() and "mistake" not in text, text
    [email] = [m for m in mail.outbox if m.to == [guardian.email]]
    assert not email.subject.startswith("Corrected") and "corrected" not in email.body


def test_a_reconsideration_corrected_before_its_letters_were_produced_is_told_as_the_reconsideration(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    produce(original)
    _, new = asked_and_decided(original, outcome=Outcome.POSITIVE, grounds=[ReconsiderationGround.NEW_EVIDENCE])
    corrected = reconsidered(new, outcome=Outcome.POSITIVE, kind=DecisionKind.CORRECTION)

    referrer = content.letter_text(produce(corrected)[LetterKind.REFERRER_OUTCOME].content)
    assert "A differently constituted panel has reconsidered the case and made a new decision" in referrer
    assert "corrected" not in referrer.lower()


def test_a_correction_that_changed_the_outcome_would_say_so():
    """A correction keeps the outcome (decisions.services.correction_outcome_problems), but the letters compare
    rather than assume it: the rule is the decisions app's, kept in one place."""
    found = decision(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE, BORN[content.Wording.TEENAGER])
    corrected = content.Correction(Outcome.NEGATIVE, LETTER_DATE - timedelta(days=10))
    referrer = content.letter_text(
        content.referrer_letter(found, people=PEOPLE["neither named"], reconsider_by=RECONSIDER_BY, corrected=corrected)
    )
    assert (
        "The outcome has changed: the decision corrected was negative, and the corrected decision is positive."
        in referrer
    )
    for wording, line in (
        (content.Wording.TEENAGER, "Its decision has changed."),
        (content.Wording.YOUNGER, "Its choice has changed."),
    ):
        child = content.child_letter(
            decision(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE, BORN[wording]),
            people=PEOPLE["neither named"],
            dated=LETTER_DATE,
            corrected=corrected,
        )
        assert line in content.letter_text(child)


def test_a_correction_of_a_decision_on_reconsideration_is_welsh_for_a_welsh_reader(
    demo, django_capture_on_commit_callbacks
):
    _, _, corrected = corrected_reconsideration()
    referral = corrected.referral
    referral.child.correspondence_language = LetterLanguage.WELSH
    referral.child.save()
    referrer = referral.created_by
    referrer.language = "cy"
    referrer.save()
    guardian = staff(Role.ICTG)
    guardian.language = "cy"
    guardian.save()
    letters = produced_for(guardian, corrected, django_capture_on_commit_callbacks)

    coordinator = staff(Role.COORDINATOR).full_name
    names = [referral.site.name, referral.child.given_names, coordinator, guardian.full_name, "demo"]
    child = content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)
    assert english_left(child, names=names) == [], child
    assert (
        "Mae’r panel wedi cywiro camgymeriad yn yr hyn a ysgrifennodd am ei benderfyniad ar ôl iddo edrych eto."
        in child
    )
    assert "Dydy ei benderfyniad ddim wedi newid." in child
    formal = content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    assert formal.startswith("Canlyniad cywiredig ailystyried y penderfyniad sail resymol")
    assert (
        "Y cywiriad" in formal and "Nid yw’r canlyniad wedi newid: penderfyniad cadarnhaol yw’r penderfyniad" in formal
    )
    [email] = [m for m in mail.outbox if m.to == [guardian.email]]
    assert email.subject == f"Penderfyniad cywiredig y panel ar ailystyriaeth, atgyfeiriad {referral.reference}"
    body = re.sub(r"https?://\S+", " ", email.body)
    assert english_left(body, names=[referral.reference, referral.child.reference]) == [], email.body
    assert "Nid yw’r cywiriad yn newid y canlyniad." in email.body


def test_a_bilingual_correction_letter_says_it_in_each_language(demo):
    _, _, corrected = corrected_reconsideration()
    child = corrected.referral.child
    child.correspondence_language = LetterLanguage.BILINGUAL
    child.save()
    letter = produce(corrected)[LetterKind.CHILD_FRIENDLY]
    welsh, english = letter.content["versions"]
    assert (welsh["language"], english["language"]) == ("cy", "en-gb")
    assert "Dydy ei benderfyniad ddim wedi newid." in content.letter_text(welsh)
    assert "Its decision has not changed." in content.letter_text(english)
    printed = pdf_text(bytes(letter.pdf))
    assert printed.index("Dydy ei benderfyniad ddim wedi newid.") < printed.index("Its decision has not changed.")


# How hard the correction's words are to read: within the child's letter's ceilings, in English and Welsh. ---------

CORRECTED_ON = LETTER_DATE - timedelta(days=20)
ON_RECONSIDERATION = content.Reconsideration(Outcome.NEGATIVE, LETTER_DATE - timedelta(days=60))


def corrected_letter(wording: str, stage: str, outcome: str, on_reconsideration: bool) -> dict:
    return child_letter(
        wording,
        stage,
        outcome,
        reconsidered=ON_RECONSIDERATION if on_reconsideration else None,
        corrected=content.Correction(outcome, CORRECTED_ON),
    )


@pytest.mark.parametrize("on_reconsideration", [True, False])
@pytest.mark.parametrize("outcome", [Outcome.POSITIVE, Outcome.NEGATIVE])
@pytest.mark.parametrize("stage", [Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS])
@pytest.mark.parametrize("wording", WORDINGS)
def test_the_childs_correction_letter_is_as_easy_to_read(wording, stage, outcome, on_reconsideration):
    assert_as_easy_to_read(wording, lambda: corrected_letter(wording, stage, outcome, on_reconsideration))
