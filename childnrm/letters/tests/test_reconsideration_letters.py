"""Letters about a decision on reconsideration (reviews: the panel was asked to look again at a negative decision,
and a differently constituted panel made a new decision that replaces it).

The referrer, the child and the child's guardian must learn that this is the outcome of the reconsideration: what
was asked, that the case was looked at again, the new outcome and whether it changed. Not a letter that reads like a
first decision, which would tell a child who was refused that the panel has only now looked at what happened to them.

The reconsidering decision is written with the ORM here (as letters' own factory writes decisions in other states):
a reconsideration end to end, through the panels and decisions services, is reviews' own test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.core.tests.welsh import english_left
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, Stage
from childnrm.kit.dates import long_date
from childnrm.kit.i18n import LetterLanguage, language
from childnrm.letters import content, selectors, services
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.letters.tests.readability import assert_as_easy_to_read, child_letter
from childnrm.letters.tests.test_readability import BORN as BORN_FOR
from childnrm.letters.tests.test_readability import (  # noqa: F401 (the fixture: textstat's pronouncing dictionary)
    LETTER_DATE,
    PEOPLE,
    WORDINGS,
    _pronouncing_dictionary,
    decision,
)
from childnrm.reviews.models import (
    ReconsiderationGround,
    ReconsiderationRequest,
    ReconsiderationStatus,
    RequesterKind,
)
from childnrm.reviews.tests.factories import reconsideration

pytestmark = pytest.mark.django_db

FIRST_DECISION_OPENING = "A panel has looked at what happened to you."


def reconsidered(original: Decision, *, outcome: str, kind: str = DecisionKind.RECONSIDERATION) -> Decision:
    """The decision that replaces `original`: final, the original superseded, one version on."""
    Decision.objects.filter(pk=original.pk).update(status=DecisionStatus.SUPERSEDED)
    new = Decision.objects.get(pk=original.pk)
    new.pk = None
    new.version = original.version + 1
    new.kind = kind
    new.supersedes = original
    new.status = DecisionStatus.FINAL
    new.outcome = outcome
    new.decided_on = original.decided_on + timedelta(days=1)
    new.correction_reason = "The reconsidering panel's decision."
    if outcome == Outcome.POSITIVE:
        new.negative_reason = None
        new.support_after_negative = ""
    new.save()
    return new


def asked_and_decided(original: Decision, *, outcome: str, grounds: list[str]) -> tuple[Decision, Decision]:
    """A request to reconsider `original` (reviews' own service), then the decision on it, linked to the request as
    reviews.services.reconsideration_decide links them."""
    asked = reconsideration(decision=original)
    ReconsiderationRequest.objects.filter(pk=asked.pk).update(grounds=grounds)
    new = reconsidered(original, outcome=outcome)
    ReconsiderationRequest.objects.filter(pk=asked.pk).update(
        reconsidered_decision=new, status=ReconsiderationStatus.DECIDED
    )
    return original, new


def produce(decision: Decision) -> dict[str, Letter]:
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    return {letter.kind: letter for letter in produced.letters}


def test_a_reconsideration_that_changed_the_outcome_is_told_as_one_to_the_referrer_child_and_guardian(
    demo, django_capture_on_commit_callbacks
):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    produce(original)  # the negative decision was communicated: its window opened, and the request came in it
    original, new = asked_and_decided(original, outcome=Outcome.POSITIVE, grounds=[ReconsiderationGround.NEW_EVIDENCE])
    guardian = staff(Role.ICTG)
    allocate(new.referral, guardian)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        letters = produce(new)

    referrer = content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    assert (
        letters[LetterKind.REFERRER_OUTCOME]
        .content["title"]
        .startswith("Outcome of the reconsideration of the reasonable grounds decision")
    )
    earlier = long_date(original.decided_on)
    assert (
        f"Sam Referrer asked the panel to reconsider its reasonable grounds decision of {earlier}, which was negative."
        in referrer
    )
    assert "The request was based on new evidence." in referrer
    assert "A differently constituted panel has reconsidered the case" in referrer
    assert (
        "The outcome has changed: the earlier decision was negative, and the decision on reconsideration is positive."
        in referrer
    )
    assert f"Decision reconsidered: Negative, made on {earlier}" in referrer
    assert "Reconsideration asked for by: Sam Referrer, Northbridge Police" in referrer

    child = letters[LetterKind.CHILD_FRIENDLY]
    said = content.letter_text(child.content)
    for line in (
        # The referrer asked (reviews' factory): the child is told it was the person who told the panel about them.
        "The person who told the panel about you asked it to look again at its decision.",
        "They asked because there was new information.",
        "Different people on the panel have now looked at it again.",
        "Their decision is different this time.",
        "They think there are good reasons to believe that someone used you",
    ):
        assert line in said, line
    assert FIRST_DECISION_OPENING not in said  # not written as if the panel had only now looked
    printed = pdf_text(bytes(child.pdf))
    assert "Their decision is different this time." in printed

    # The guardian's email says it is a decision on reconsideration (never what was decided).
    [email] = [m for m in mail.outbox if m.to == [guardian.email]]
    assert "reconsidered its decision on referral" in email.body and "reconsideration" in email.subject
    assert "positive" not in email.body


def test_an_unchanged_outcome_is_said_to_be_unchanged_in_the_younger_childs_words(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    referral = original.referral
    referral.child.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 9)
    referral.child.save()
    _, new = asked_and_decided(
        original, outcome=Outcome.NEGATIVE, grounds=[ReconsiderationGround.GUIDANCE_NOT_FOLLOWED]
    )
    letters = produce(new)

    referrer = content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    assert "The request said that the guidance was not followed." in referrer
    assert (
        "The outcome has not changed: the decision on reconsideration is negative, as the earlier decision was."
        in referrer
    )
    child = letters[LetterKind.CHILD_FRIENDLY].content
    assert child["wording"] == content.Wording.YOUNGER
    said = content.letter_text(child)
    for line in (
        "The grown-up who told the panel about you asked it to look again at its choice.",
        "They thought the panel got it wrong.",
        "Different grown-ups on the panel have looked at it again.",
        "They made the same choice as last time.",
        "They did not find enough to say that people used you",
    ):
        assert line in said, line
    assert "A group of grown-ups called a panel has looked at what happened to you." not in said


# Who asked, as the child is told it (reviews.RequesterKind), in each wording. "" is a request not recorded.
ASKED_BY = {
    content.Wording.YOUNGER: {
        RequesterKind.REFERRER: "The grown-up who told the panel about you asked it to look again at its choice.",
        RequesterKind.SOCIAL_WORKER: "Your social worker asked the panel to look again at its choice.",
        RequesterKind.ICTG: "Your guardian asked the panel to look again at its choice.",
        RequesterKind.SUPPORT_PROVIDER: "A grown-up who helps you asked the panel to look again at its choice.",
        RequesterKind.OTHER: "Someone asked the panel to look again at its choice.",
        "": "Someone asked the panel to look again at its choice.",
    },
    content.Wording.TEENAGER: {
        RequesterKind.REFERRER: "The person who told the panel about you asked it to look again at its decision.",
        RequesterKind.SOCIAL_WORKER: "Your social worker asked the panel to look again at its decision.",
        RequesterKind.ICTG: "Your guardian asked the panel to look again at its decision.",
        RequesterKind.SUPPORT_PROVIDER: "Someone who helps you asked the panel to look again at its decision.",
        RequesterKind.OTHER: "Someone asked the panel to look again at its decision.",
        "": "Someone asked the panel to look again at its decision.",
    },
}


@pytest.mark.parametrize("kind", [*RequesterKind.values, ""])
@pytest.mark.parametrize("wording", WORDINGS)
def test_the_child_is_told_who_asked_as_the_request_says_it(wording, kind):
    """Not always "a grown-up who helps you": someone else's request (a family member's, a lawyer's, the child's own,
    brought through one of the others) and one not recorded name no one."""
    letter = content.child_letter(
        decision(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE, BORN_FOR[wording]),
        people=PEOPLE["guardian and social worker named"],
        dated=LETTER_DATE,
        reconsidered=content.Reconsideration(Outcome.NEGATIVE, LETTER_DATE - timedelta(days=60), asked_by_kind=kind),
    )
    said = content.letter_text(letter)
    assert ASKED_BY[wording][kind] in said, said
    if kind in (RequesterKind.OTHER, ""):
        assert "helps you asked" not in said and "grown-up who" not in said and "person who" not in said
    with language("cy"):
        welsh = content.letter_text(
            content.child_letter(
                decision(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE, BORN_FOR[wording]),
                people=PEOPLE["guardian and social worker named"],
                dated=LETTER_DATE,
                reconsidered=content.Reconsideration(
                    Outcome.NEGATIVE, LETTER_DATE - timedelta(days=60), asked_by_kind=kind
                ),
            )
        )
    names = ["Amara", "Sam Patel", "Ann Lee", "Jo Smith", "Northbridge Child Panel"]
    assert english_left(welsh, names=names) == [], welsh


def test_someone_elses_request_is_told_to_the_child_without_naming_anyone(demo):
    """A request recorded as someone else's, brought through the social worker: the child's letter does not say a
    grown-up who helps them asked (it may have been the child, or their family), nor that the social worker did."""
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    asked = reconsideration(decision=original)
    ReconsiderationRequest.objects.filter(pk=asked.pk).update(
        requester_kind=RequesterKind.OTHER,
        routed_through=RequesterKind.SOCIAL_WORKER,
        routed_through_name="Ann Lee",
        requester_name="Grace Okafor",
    )
    new = reconsidered(original, outcome=Outcome.POSITIVE)
    ReconsiderationRequest.objects.filter(pk=asked.pk).update(
        reconsidered_decision=new, status=ReconsiderationStatus.DECIDED
    )
    said = content.letter_text(produce(new)[LetterKind.CHILD_FRIENDLY].content)
    assert "Someone asked the panel to look again at its decision." in said
    assert "helps you asked" not in said and "social worker asked" not in said


def test_a_correction_of_the_decision_on_reconsideration_is_still_its_outcome(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    _, new = asked_and_decided(original, outcome=Outcome.POSITIVE, grounds=[ReconsiderationGround.NEW_EVIDENCE])
    produce(new)  # its letters went out, so the correction is told as one
    corrected = reconsidered(new, outcome=Outcome.POSITIVE, kind=DecisionKind.CORRECTION)
    letters = produce(corrected)
    referrer = content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    # Compared with the decision reconsidered, not with the reconsidering version the correction replaces (what the
    # correction itself changed is test_correction_letters.py's).
    assert f"its reasonable grounds decision of {long_date(original.decided_on)}, which was negative" in referrer
    assert "The reconsideration changed the outcome: the earlier decision was negative" in referrer


def test_a_first_decision_says_nothing_of_a_reconsideration(demo):
    letters = produce(final_decision("northbridge", outcome=Outcome.NEGATIVE))
    for letter in letters.values():
        text = content.letter_text(letter.content)
        assert "reconsidered" not in text and "look again at its decision" not in text
    assert FIRST_DECISION_OPENING in content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)


def test_the_reconsideration_letters_are_welsh_for_a_welsh_reader(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    child = original.referral.child
    child.correspondence_language = LetterLanguage.WELSH
    child.save()
    _, new = asked_and_decided(
        original,
        outcome=Outcome.POSITIVE,
        grounds=[ReconsiderationGround.NEW_EVIDENCE, ReconsiderationGround.GUIDANCE_NOT_FOLLOWED],
    )
    letter = produce(new)[LetterKind.CHILD_FRIENDLY]
    assert letter.content["language"] == "cy"
    text = content.letter_text(letter.content)
    names = [new.referral.site.name, new.referral.child.given_names, staff(Role.COORDINATOR).full_name, "demo"]
    assert english_left(text, names=names) == [], text
    with language("cy"):
        expected = content._child_reconsideration(
            new, content.Wording.TEENAGER, selectors.reconsideration_answered(new)
        )
    assert all(line in text for line in expected) and len(expected) == 4


# How hard the reconsideration's words are to read: within the child's letter's ceilings, in English and Welsh. -----

RECONSIDERED = {
    "changed": content.Reconsideration(Outcome.NEGATIVE, LETTER_DATE - timedelta(days=60)),
    "unchanged, both grounds": content.Reconsideration(
        Outcome.NEGATIVE,
        LETTER_DATE - timedelta(days=60),
        asked_by="Sam Patel",
        grounds=(ReconsiderationGround.NEW_EVIDENCE, ReconsiderationGround.GUIDANCE_NOT_FOLLOWED),
        asked_by_kind=RequesterKind.SUPPORT_PROVIDER,
    ),
    # The longest of the sentences saying who asked (reviews.RequesterKind).
    "asked by the referrer, both grounds": content.Reconsideration(
        Outcome.NEGATIVE,
        LETTER_DATE - timedelta(days=60),
        grounds=(ReconsiderationGround.NEW_EVIDENCE, ReconsiderationGround.GUIDANCE_NOT_FOLLOWED),
        asked_by_kind=RequesterKind.REFERRER,
    ),
}


def reconsidered_letter(wording: str, stage: str, outcome: str, how: str) -> dict:
    return child_letter(wording, stage, outcome, reconsidered=RECONSIDERED[how])


@pytest.mark.parametrize("how", list(RECONSIDERED))
@pytest.mark.parametrize("outcome", [Outcome.POSITIVE, Outcome.NEGATIVE])
@pytest.mark.parametrize("stage", [Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS])
@pytest.mark.parametrize("wording", WORDINGS)
def test_the_childs_reconsideration_letter_is_as_easy_to_read(wording, stage, outcome, how):
    assert_as_easy_to_read(wording, lambda: reconsidered_letter(wording, stage, outcome, how))
