"""'Your outcome reviews' lists the missing episodes its owner has to act on (domain step 15): a child missing now
(record their return) and a return home interview not yet held, due within 72 hours of the return, due or overdue.
An interview held leaves the list; another owner's children are not on it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.outcomes import services
from childnrm.outcomes.models import InterviewHeld, InterviewOffered
from childnrm.outcomes.tests.factories import decided_child, missing_episode
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_your_outcome_reviews_lists_children_missing_and_interviews_due(demo):
    today = timezone.localdate()
    guardian = demo_user(Role.ICTG)
    late_child, due_child, missing_child, held_child = (decided_child("northbridge").referral.child for _ in range(4))
    back = {"interview_offered": InterviewOffered.NOT_KNOWN, "interview_held": InterviewHeld.NOT_YET}
    late = services.missing_episode_record(
        child=late_child,
        user=guardian,
        data={"started_on": today - timedelta(days=7), "ended_on": today - timedelta(days=5), **back},
    )
    due = services.missing_episode_record(
        child=due_child, user=guardian, data={"started_on": today - timedelta(days=1), "ended_on": today, **back}
    )
    missing = services.missing_episode_record(
        child=missing_child, user=guardian, data={"started_on": today - timedelta(days=2)}
    )
    held = missing_episode(held_child, guardian)  # back, the interview held

    page = signed_in(guardian).get("/outcomes/your-reviews/").content.decode()

    assert "Missing children and return home interviews" in page

    def row(episode) -> str:
        found = re.search(rf'data-episode="{episode.pk}".*?</tr>', page, re.S)
        assert found, f"episode {episode.pk} not listed"
        return found.group(0)

    assert "Overdue" in row(late) and (today - timedelta(days=2)).strftime("%B") in row(late)
    assert "Due" in row(due) and "Overdue" not in row(due)
    assert "Still missing" in row(missing) and f'href="/outcomes/missing/{missing.pk}/"' in row(missing)
    assert "Record the interview" in row(late)
    assert f'data-episode="{held.pk}"' not in page
    # Another owner's children are not theirs to follow up.
    other = demo_user(Role.ICTG, "three-rivers")
    assert f'data-episode="{late.pk}"' not in signed_in(other).get("/outcomes/your-reviews/").content.decode()
