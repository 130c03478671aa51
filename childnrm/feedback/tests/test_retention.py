"""Anonymising a child clears the child's own words (issue 12): what would make it better, their views on the plan
and what they said about its actions. The answers chosen from the scale, and how and when views were gathered,
stay for the statistics."""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.feedback import services
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.retention.anonymise import child_anonymise
from childnrm.safeguarding import services as safeguarding_services
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import ChildPlanView, PlanAction
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_anonymising_the_child_clears_their_words_and_keeps_their_answers(site):
    child = demo_child(site)
    guardian = demo_user(Role.ICTG)
    started = open_session(child, guardian)
    services.feedback_answer(token=started.token, listened="no", understood="yes", better="Ask me, not my uncle.")
    plan = child.safeguarding_plans.get()
    safeguarding_services.child_views_record(
        plan=plan,
        user=guardian,
        in_their_words="I want to live with my aunt in Leeds.",
        gathered_by_name="Sam Patel",
        gathered_by_role="Guardian (ICTG)",
        gathered_on=timezone.localdate(),
        how="in_person",
        with_interpreter=True,
    )
    action = plan.actions.order_by("pk").first()
    safeguarding_services.action_child_agreement_set(
        action=action, user=guardian, agreement="did_not_agree", note="Not the doctor at the station."
    )

    child_anonymise(child)

    session = FeedbackSession.objects.get(pk=started.session.pk)
    assert (session.better, session.listened, session.understood) == ("", "no", "yes")
    assert not FeedbackSession.objects.filter(child=child).exclude(better="").exists()  # the demo's words too
    view = ChildPlanView.objects.get(plan=plan)
    assert (view.in_their_words, view.gathered_by_name) == ("", "")
    assert (view.how, view.with_interpreter, view.gathered_by_role) == ("in_person", True, "Guardian (ICTG)")
    action = PlanAction.objects.get(pk=action.pk)
    assert (action.child_agreement, action.child_agreement_note) == ("did_not_agree", "")
