"""A child whose record retention anonymised: their feedback link takes no answers, and no session is started for
them (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.feedback import services
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.outcomes.tests.factories import allocate_guardian, decided_child
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_an_anonymised_childs_feedback_link_takes_no_answers_and_no_session_starts(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    started = open_session(child, guardian)
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    allocate_guardian(child, guardian)  # an association made again since does not reopen the record

    assert services.open_session_for_token(started.token) is None
    assert services.open_session_for_code(started.code) is None
    with pytest.raises(services.FeedbackError):
        services.feedback_answer(token=started.token, listened="yes", understood="yes", better="New words")
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None
    with pytest.raises(services.FeedbackError, match="anonymised"):
        open_session(child, guardian)

    page = signed_in(guardian).get(reverse("feedback:child", args=[child.reference])).content.decode()
    assert 'data-testid="anonymised"' in page and "Start a feedback session" not in page
