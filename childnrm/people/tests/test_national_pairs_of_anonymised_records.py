"""Since session 20 no outcome can be recorded on a national sweep's pair with an anonymised record
(people.national_review.review_record), but such pairs still fill the coordinators' queue and the review page still
offered the form, which then always refused: the pair could never leave the queue. Now it leaves the queue, and its page
says why no outcome can be recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people import national_review
from childnrm.people.models import Child, NationalReviewStatus
from childnrm.people.tests.test_national_review import _child, _pair, trained  # noqa: F401  (a module fixture)
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _anonymised(site_slug: str, born: date | None = None) -> Child:
    child = accepted_referral(site_slug).child
    if born is not None:
        Child.objects.filter(pk=child.pk).update(date_of_birth=born)
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    return Child.objects.get(pk=child.pk)


def test_a_pair_with_an_anonymised_record_is_not_left_in_the_queue(demo, other_site, client_as):
    anonymised = _anonymised("northbridge")
    there = _child(other_site, "Filmon", "Woldemariam", date(2011, 8, 21))
    found = _pair(anonymised, there)
    coordinator = demo_user(Role.COORDINATOR, "three-rivers")
    # The service refuses every outcome on it ...
    with pytest.raises(national_review.NationalReviewError):
        national_review.review_record(
            pair=found, child=there, outcome=NationalReviewStatus.NOT_SAME_CHILD, reason="Checked", user=coordinator
        )
    # ... so the queue must not ask the coordinator to review it.
    assert not national_review.open_pairs_for(coordinator).filter(pk=found.pk).exists()


def test_the_review_page_of_such_a_pair_offers_no_form_that_always_fails(demo, other_site, client_as):
    anonymised = _anonymised("northbridge")
    there = _child(other_site, "Filmon", "Woldemariam", date(2011, 8, 21))
    found = _pair(anonymised, there)
    url = reverse("people:national-review", args=[there.reference, found.key])
    page = client_as(Role.COORDINATOR, "three-rivers").get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="outcome"' not in body, "the page offers an outcome the service always refuses"
    assert "govuk-inset-text" in body
