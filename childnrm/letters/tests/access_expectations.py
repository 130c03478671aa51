"""Who may use the letters routes (see access/tests/test_access_matrix.py).

The sample decision is a final decision about a child allocated to the site's demo guardian (ICTG), who
may read its letters page, download its letters, see how it was explained and record who explained it (the guardian
usually does); the demo first responder, who sent its referral, downloads the outcome letter addressed to them (the
sample letter); only the coordinator produces letters and tells the guardian.
"""

from childnrm.accounts.models import Role


def _decision_id(site_slug: str) -> int:
    from childnrm.letters.tests.factories import sample_decision

    return sample_decision(site_slug).pk


def _letter_id(site_slug: str) -> int:
    # The outcome letter to the referrer: the sample decision's referral was sent by the demo first responder.
    from childnrm.letters.models import Letter, LetterKind
    from childnrm.letters.services import letters_produce
    from childnrm.letters.tests.factories import demo, sample_decision

    decision = sample_decision(site_slug)
    if not Letter.objects.filter(decision=decision).exists():
        letters_produce(decision=decision, user=demo(Role.COORDINATOR, site_slug))
    return Letter.objects.get(decision=decision, kind=LetterKind.REFERRER_OUTCOME).pk


def _explanation_id(site_slug: str) -> int:
    from childnrm.letters.models import DecisionExplanation
    from childnrm.letters.services import explanation_record
    from childnrm.letters.tests.factories import demo, sample_decision

    decision = sample_decision(site_slug)
    explanation = DecisionExplanation.objects.filter(decision=decision).first()
    if explanation is None:
        explanation = explanation_record(
            decision=decision,
            user=demo(Role.COORDINATOR, site_slug),
            explained_by_name="Sam Jones",
            explained_by_role="Social worker",
            explained_on=decision.decided_on,
            how="in_person",
        )
    return explanation.pk


EXPECTED = {
    "letters:index": {Role.COORDINATOR},
    "letters:decision": {Role.COORDINATOR, Role.ICTG},
    "letters:produce": {Role.COORDINATOR},
    "letters:child-language": {Role.COORDINATOR},
    "letters:tell-guardian": {Role.COORDINATOR},
    "letters:explanation-add": {Role.COORDINATOR, Role.ICTG},
    "letters:explanation": {Role.COORDINATOR, Role.ICTG},
    "letters:download": {Role.COORDINATOR, Role.ICTG, Role.FIRST_RESPONDER},
}
SAMPLES = {"letters_decision_id": _decision_id, "letter_id": _letter_id, "explanation_id": _explanation_id}
