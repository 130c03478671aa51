"""The confirmations to open and to close a sitting name its cases (opening: those with a warning, by reference;
closing: each undecided case, by child's name and reference): showing them is audited as a LIST on the meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.tests.factories import sitting
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

NB = "northbridge"
ROLES = [Role.COORDINATOR, Role.CHAIR]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _as(role: str, meeting):
    """The coordinator, or the sitting's own chair (who opens and closes it too)."""
    return meeting.chair if role == Role.CHAIR else demo_user(Role.COORDINATOR, NB)


def _listed(before: int, meeting, user, page: str) -> AuditEvent:
    event = AuditEvent.objects.get(seq__gt=before, action="list")
    assert event.actor == user
    assert (event.object_type, event.object_id, event.site_id) == ("panels.meeting", str(meeting.pk), meeting.site_id)
    assert event.detail["page"] == page
    return event


@pytest.mark.parametrize("role", ROLES)
def test_closing_names_each_undecided_case_and_is_audited(demo, role):
    referral = accepted_referral(NB)
    meeting = sitting(NB, referrals=[referral])
    item = meeting.agenda_items.get()
    user = _as(role, meeting)
    before = _last_seq()
    response = signed_in(user).get(reverse("panels:meeting-close", args=[meeting.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert referral.child_display_name in body and referral.reference in body
    event = _listed(before, meeting, user, "close")
    assert event.detail["items"] == [item.pk] and event.detail["referrals"] == [referral.pk]


@pytest.mark.parametrize("role", ROLES)
def test_opening_names_the_cases_with_a_warning_and_is_audited(demo, role):
    # Nobody marked present yet: the case cannot be decided (no quorum), and the page says so by its reference.
    meeting = scheduled_meeting(NB, starts_at=timezone.now() - timedelta(minutes=1))
    item = add_to_agenda(meeting, accepted_referral(NB))
    user = _as(role, meeting)
    before = _last_seq()
    response = signed_in(user).get(reverse("panels:meeting-open", args=[meeting.pk]))
    assert response.status_code == 200
    assert item.referral.reference in response.content.decode()
    event = _listed(before, meeting, user, "open")
    assert event.detail["items"] == [item.pk] and event.detail["referrals"] == [item.referral_id]
