"""The child's feedback is gathered by their guardian or lead social worker only while they hold that role at the
child's site (people.selectors.associations_in_force): one whose role ended neither sees nor starts sessions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.feedback import selectors
from childnrm.feedback.models import FeedbackSession
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_a_guardian_whose_role_ended_no_longer_gathers_the_childs_feedback(site):
    child, guardian = demo_child(site), demo_user(Role.ICTG)
    assert selectors.may_gather(guardian, child)
    # A first responder there still holds FEEDBACK_GATHER, but is not the child's guardian any more.
    site_user_roles_set(
        site=site, user=guardian, roles=[Role.FIRST_RESPONDER], by=demo_user(Role.SITE_ADMIN), audit=AuditContext()
    )
    guardian = User.objects.get(pk=guardian.pk)
    sessions = FeedbackSession.objects.filter(child=child, started_by=guardian)
    before = sessions.count()
    assert not selectors.may_gather(guardian, child)
    assert selectors.started_as(guardian, child) == ""
    client = signed_in(guardian)
    assert client.get(reverse("feedback:child", args=[child.reference])).status_code == 404
    assert client.post(reverse("feedback:start", args=[child.reference])).status_code == 404
    assert sessions.count() == before
