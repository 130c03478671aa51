"""A review's period ends where it ended: a recorded review covers from the previous review to the day it was
recorded (where the next review's period starts), so correcting it later counts only the missing episodes of its
own period, in the service and on the review page's form, and the correction leaves the next period where it was."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.outcomes import services
from childnrm.outcomes.models import Answer, OutcomeReview, Placement
from childnrm.outcomes.tests.factories import REVIEW_ANSWERS, decided_child, missing_episode
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reviews(demo):
    """The 3-month review recorded (truly: not gone missing) on the day it was due, then the child missing for two
    nights, back and interviewed, which the 6-month review records."""
    today = timezone.localdate()
    decision = decided_child("northbridge", decided_on=today - timedelta(days=250))
    child, guardian = decision.referral.child, demo_user(Role.ICTG)
    first, second = list(OutcomeReview.objects.filter(child=child, point="months").order_by("due_on"))[:2]
    services.review_record(review=first, user=guardian, answers=REVIEW_ANSWERS, today=first.due_on)
    OutcomeReview.objects.filter(pk=first.pk).update(
        recorded_at=timezone.make_aware(datetime.combine(first.due_on, time(11, 0)))
    )
    went = first.due_on + timedelta(days=20)
    back = went + timedelta(days=2)
    missing_episode(child, guardian, started_on=went, ended_on=back, interview_on=back + timedelta(days=1))
    services.review_record(review=second, user=guardian, answers={**REVIEW_ANSWERS, "went_missing": Answer.YES})
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second, guardian


def test_correcting_an_earlier_review_counts_only_the_missing_episodes_of_its_own_period(two_reviews):
    first, second, guardian = two_reviews
    assert first.missing_episodes_recorded == 0 and second.missing_episodes_recorded == 1
    recorded_on = first.recorded_at

    # A slip corrected: they live with kinship carers. "Not gone missing" stays true of the 3-month period.
    corrected = services.review_record(
        review=first, user=guardian, answers={**REVIEW_ANSWERS, "placement": Placement.KINSHIP}
    )

    assert corrected.placement == Placement.KINSHIP
    assert corrected.went_missing == Answer.NO and corrected.missing_episodes_recorded == 0
    # Its period still ends (and the 6-month one still starts) on the day it was recorded.
    assert corrected.recorded_at == recorded_on
    assert services.period_start(second) == first.due_on
    assert len(services.episodes_in_period(second, timezone.localdate())) == 1


def test_the_review_page_corrects_an_earlier_review_without_counting_the_later_episode(two_reviews):
    """The form on the review page runs the same count: "no" is accepted and the page says what period it covers."""
    first, _, guardian = two_reviews
    client = signed_in(guardian)
    page = client.get(f"/outcomes/reviews/{first.pk}/?change=1").content.decode()
    assert "No missing episodes are recorded from" in page

    post = {
        "placement": "kinship",
        "placement_moves": "0",
        "placement_stability": "stable",
        "went_missing": "no",
        "re_referred": "no",
        "further_exploitation": "no",
        "occupation": "full_time_education",
        "justice": ["none"],
        "support": ["guardian"],
        "view_given": "yes",
        "young_person_view": "I like living with my aunt.",
    }
    response = client.post(f"/outcomes/reviews/{first.pk}/", post)

    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert first.placement == Placement.KINSHIP and first.went_missing == Answer.NO
