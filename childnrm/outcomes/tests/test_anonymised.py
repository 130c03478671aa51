"""A child whose record retention anonymised: no outcome review or missing episode is recorded, and the pages offer
none (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.outcomes import services
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.tests.factories import allocate_guardian, decided_child, record_review
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_nothing_more_is_recorded_about_an_anonymised_childs_outcomes(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    review = record_review(OutcomeReview.objects.filter(child=child).order_by("due_on").first(), guardian)
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    # Anonymising ended every association with the child; one made again since (as the guardian's page could) does
    # not reopen the record.
    allocate_guardian(child, guardian)

    with pytest.raises(services.OutcomeError, match="anonymised"):
        services.missing_episode_record(
            child=child, user=guardian, data={"started_on": timezone.localdate() - timedelta(days=2)}
        )
    assert not MissingEpisode.objects.filter(child=child).exists()
    with pytest.raises(services.OutcomeError, match="anonymised"):
        record_review(review, guardian, young_person_view="New words")
    review.refresh_from_db()
    assert review.young_person_view == ""

    page = signed_in(guardian).get(reverse("outcomes:child", kwargs={"reference": child.reference})).content.decode()
    assert 'data-testid="anonymised"' in page
    assert reverse("outcomes:missing-add", kwargs={"reference": child.reference}) not in page
