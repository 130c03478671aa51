"""Nothing new is recorded about a child whose record retention anonymised, in the people services as elsewhere: no
link or rejection, no lead social worker, no letter language, no outcome on a pair found at another site. A wrong
link can still be undone (ADR 0008 amendment 1; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Role
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people import national_review, services
from childnrm.people.models import Child, ChildLinkDecision, LeadSocialWorker, LinkStatus, NationalReviewStatus
from childnrm.people.tests.test_national_review import _pair
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db

ANONYMISED = "were anonymised on"


def _anonymised_child() -> Child:
    child = accepted_referral("northbridge").child
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    child.refresh_from_db()
    return child


def _living_child(site, given: str = "Ardit") -> Child:
    return Child.objects.create(
        site=site, given_names=given, family_name="Krasniqi", date_of_birth=date(2011, 3, 4), sex="male"
    )


@pytest.mark.parametrize("status", [LinkStatus.LINKED, LinkStatus.REJECTED])
def test_no_link_or_rejection_is_recorded_with_an_anonymised_record(site, status):
    anonymised, living = _anonymised_child(), _living_child(site)
    coordinator = demo_user(Role.COORDINATOR)
    for child, other in ((living, anonymised), (anonymised, living)):
        with pytest.raises(services.LinkDecisionError, match=ANONYMISED):
            services.child_link_decide(child=child, other=other, status=status, user=coordinator, reason="Checked")
    assert not ChildLinkDecision.objects.exists()


def test_a_link_made_before_the_anonymisation_can_still_be_undone(site):
    living = _living_child(site)
    referral = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    services.child_link_decide(child=living, other=referral.child, status=LinkStatus.LINKED, user=coordinator)
    case_anonymise(referral)
    assert child_anonymised(referral.child_id)
    undone = services.child_link_undo(child=living, other=referral.child, user=coordinator, reason="Not the same")
    assert undone.status == LinkStatus.UNDONE


def test_two_living_records_are_still_linked(site):
    first, second = _living_child(site), _living_child(site, "Arditi")
    decision = services.child_link_decide(
        child=first, other=second, status=LinkStatus.LINKED, user=demo_user(Role.COORDINATOR)
    )
    assert decision.status == LinkStatus.LINKED


def test_no_lead_social_worker_is_recorded_for_an_anonymised_child():
    child = _anonymised_child()
    with pytest.raises(services.SocialWorkerInvalid, match=ANONYMISED):
        services.lead_social_worker_record(
            child=child, user=demo_user(Role.COORDINATOR), name="Sam Okafor", email="sam.okafor@example.gov.uk"
        )
    assert not LeadSocialWorker.objects.filter(child=child, ends_at__isnull=True).exists()


def test_the_letter_language_of_an_anonymised_child_is_not_changed():
    child = _anonymised_child()
    before = child.correspondence_language
    with pytest.raises(services.ServiceError, match=ANONYMISED):
        services.child_correspondence_language_set(child=child, language="cy", user=demo_user(Role.COORDINATOR))
    child.refresh_from_db()
    assert child.correspondence_language == before


def test_a_pair_with_an_anonymised_record_at_another_site_takes_no_outcome(other_site):
    anonymised = _anonymised_child()
    there = _living_child(other_site)
    found = _pair(anonymised, there)
    with pytest.raises(national_review.NationalReviewError, match=ANONYMISED):
        national_review.review_record(
            pair=found,
            child=there,
            outcome=NationalReviewStatus.SAME_CHILD,
            reason="Spoke to their coordinator",
            user=demo_user(Role.COORDINATOR, "three-rivers"),
        )
    found.refresh_from_db()
    assert found.status != NationalReviewStatus.SAME_CHILD and not found.reviews.exists()
