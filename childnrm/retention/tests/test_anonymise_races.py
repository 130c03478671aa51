"""Work on a case while retention anonymises it (PostgreSQL, two connections racing for real).

Anonymisation locks the case first, then takes the child's names out of what hangs from it, the child's record last
(ADR 0035). A write to the case that takes its rows in another order either deadlocks with it ("deadlock detected",
an error page) or slips past it: words written about the case after its names were taken out, which nothing clears.
Each test lets one side take its first locks, starts the other, and expects the second to wait for the first, then to
do its work (which the anonymisation then clears) or to be refused in words.

Apart from the other retention tests because these tests commit: a module whose tests all roll back loads the demo
once."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.case_reviews import services as case_review_services
from childnrm.case_reviews.models import CaseReview, LearningPoint
from childnrm.decisions import locks
from childnrm.information import services as information_services
from childnrm.information.models import InformationRequest, InformationResponse
from childnrm.information.tests.test_information import ask, police_responder
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.outcomes import services as outcome_services
from childnrm.outcomes.models import OutcomeReview
from childnrm.outcomes.tests.factories import decided_child, record_review
from childnrm.panels.demo import accepted_referral
from childnrm.people.models import ChildBlockingKey, PossibleEarlierRecord
from childnrm.referrals.models import Referral
from childnrm.referrals.tasks import find_possible_earlier_records
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.retention import anonymise
from conftest import demo_user

SITE = "northbridge"
pytestmark = RACES


def _case_locked(referral: Referral):
    """Anonymisation's first lock: the case's."""
    return lambda: Referral.objects.select_for_update().get(pk=referral.pk)


def _anonymised(referral: Referral):
    return lambda: anonymise.case_anonymise(Referral.objects.get(pk=referral.pk))


def _review_of(*referrals: Referral) -> CaseReview:
    return case_review_services.case_review_create(
        user=demo_user(Role.COORDINATOR, SITE),
        kind="internal",
        title="Missing episodes",
        started_on=timezone.localdate() - timedelta(days=10),
        summary="How the site followed up missing episodes.",
        case_references=[r.reference for r in referrals],
    )


def test_a_case_review_citing_a_case_being_anonymised_waits_and_is_refused_in_words(demo):
    anonymised, other = accepted_referral(SITE), accepted_referral(SITE)
    review = _review_of(anonymised, other)

    results, waited = interleaved(
        _case_locked(anonymised),
        _anonymised(anonymised),
        lambda: case_review_services.learning_point_add(
            review=CaseReview.objects.get(pk=review.pk),
            user=demo_user(Role.COORDINATOR, SITE),
            text=f"In {anonymised.reference} no one asked where the child went.",
        ),
    )
    assert isinstance(results["first"], dict), results
    refused = results["second"]
    assert isinstance(refused, case_review_services.CaseReviewError), results
    assert anonymised.reference in str(refused) and "was anonymised on" in str(refused)
    assert not LearningPoint.objects.filter(review=review).exists()
    assert waited


def test_a_childs_name_written_into_a_review_while_the_case_is_anonymised_is_taken_out(demo):
    referral = accepted_referral(SITE)
    review = _review_of(referral)
    coordinator = demo_user(Role.COORDINATOR, SITE)
    named = f"{referral.given_names} {referral.family_name} was not asked where they went."

    results, waited = interleaved(
        # The change's own first locks (the review's cases, then the review), then the change itself.
        lambda: case_review_services._locked(CaseReview.objects.get(pk=review.pk), coordinator),
        lambda: case_review_services.learning_point_add(
            review=CaseReview.objects.get(pk=review.pk), user=coordinator, text=named
        ),
        _anonymised(referral),
    )
    assert isinstance(results["first"], LearningPoint), results
    assert isinstance(results["second"], dict), results
    text = LearningPoint.objects.get(review=review).text
    assert referral.given_names not in text and referral.family_name not in text, text
    assert case_review_services.REDACTED in text
    assert waited


def test_an_agency_answering_while_the_case_is_anonymised_waits_and_is_refused_in_words(demo):
    referral = accepted_referral(SITE)
    asked = ask(referral)

    results, waited = interleaved(
        _case_locked(referral),
        _anonymised(referral),
        lambda: information_services.information_response_create(
            info_request=InformationRequest.objects.get(pk=asked.pk),
            user=police_responder(SITE),
            text="New personal details about the child",
            lawful_basis=asked.lawful_basis,
            purpose="Safeguarding",
            uploads=[],
        ),
    )
    assert isinstance(results["first"], dict), results
    refused = results["second"]
    assert isinstance(refused, information_services.InformationError), results
    assert "at the end of its retention period" in str(refused)
    assert not InformationResponse.objects.filter(request=asked).exists()
    assert waited


def test_a_search_for_earlier_records_while_the_case_is_anonymised_waits_and_keeps_nothing(demo):
    known = {
        "given_names": "Ardit",
        "family_name": "Krasniqi",
        "date_of_birth": date(2011, 3, 4),
        "nationalities": ["AL"],
    }
    submitted_referral(SITE, **known)
    again = submitted_referral(SITE, **{**known, "family_name": "Krasniqui"})
    # Searched once submitted (the tasks run at once in the tests): the earlier record is kept.
    assert PossibleEarlierRecord.objects.filter(referral=again).exists()

    results, waited = interleaved(
        _case_locked(again), _anonymised(again), lambda: find_possible_earlier_records.call(again.pk)
    )
    assert isinstance(results["first"], dict), results
    assert results["first"]["child_anonymised"] == 1
    assert results["second"] == 0, results
    # Nothing about the anonymised child is found again from what is left of its names.
    assert not PossibleEarlierRecord.objects.filter(referral=again).exists()
    assert not ChildBlockingKey.objects.filter(child_id=again.child_id).exists()
    assert waited


def test_an_outcome_review_recorded_while_the_child_is_anonymised_waits_and_is_refused(demo):
    child = decided_child(SITE).referral.child
    (referral,) = Referral.objects.filter(child=child)
    guardian = demo_user(Role.ICTG, SITE)
    review = OutcomeReview.objects.filter(child=child).order_by("due_on").first()

    def child_locked() -> None:
        """Anonymisation's locks up to the child's record: the case's, then the child's (its only case)."""
        _case_locked(referral)()
        locks.child_lock(child.pk)

    results, waited = interleaved(
        child_locked,
        _anonymised(referral),
        lambda: record_review(OutcomeReview.objects.get(pk=review.pk), guardian, young_person_view="New words"),
    )
    assert isinstance(results["first"], dict), results
    assert results["first"]["child_anonymised"] == 1
    refused = results["second"]
    assert isinstance(refused, outcome_services.OutcomeError), results
    assert refused.code == "anonymised"
    # Not recorded, so gone with the child's record: nothing was written into it.
    assert not OutcomeReview.objects.filter(pk=review.pk).exists()
    assert waited
