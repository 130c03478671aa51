"""A turning-18 hand-over recorded as completed is done: the daily digest and the dashboard's turning-18 lists stop
chasing it (they list the work still to do), while the Turning 18 page keeps it, marked completed, as the register of
the site's hand-overs. One still in progress is chased as before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard.reminders import daily_reminders_send
from childnrm.handovers.models import AdultTransition
from childnrm.people.models import Child
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod
from childnrm.triage.eligibility import eighteenth_birthday
from conftest import demo_user, signed_in

from .factories import accepted_referral

NB = "northbridge"
pytestmark = pytest.mark.django_db


def turning_18(*, completed: bool) -> Child:
    """A young person 18 in about two months (inside the panel's cut-off too), consenting to remain in the NRM,
    referred for adult support; the hand-over completed or still in progress."""
    today = timezone.localdate()
    coordinator = demo_user(Role.COORDINATOR, NB)
    referral = accepted_referral(NB)
    child = referral.child
    born = today.replace(year=today.year - 18) + timedelta(days=60)
    Child.objects.filter(pk=child.pk).update(date_of_birth=born)
    AdultConsent.objects.create(
        referral=referral,
        answer=ConsentAnswer.GIVEN,
        given_on=today,
        method=ConsentMethod.IN_PERSON,
        recorded_by=coordinator,
    )
    AdultTransition.objects.create(
        child=child,
        eighteenth_birthday=eighteenth_birthday(born),
        adult_support_referral_on=today,
        adult_support_provider="Salvation Army adult contract",
        completed_on=today if completed else None,
        updated_by=coordinator,
    )
    return child


def test_a_completed_hand_over_is_not_chased_but_one_in_progress_is(demo):
    done, in_progress = turning_18(completed=True), turning_18(completed=False)
    coordinator = demo_user(Role.COORDINATOR, NB)
    mail.outbox.clear()

    daily_reminders_send(today=timezone.localdate())

    digest = "\n".join(m.body for m in mail.outbox if coordinator.email in m.to)
    assert f"child record {in_progress.reference}: turns 18" in digest
    assert f"child record {done.reference}" not in digest, "a finished hand-over is chased every day"


def test_the_dashboard_lists_the_hand_overs_to_do_and_the_turning_18_page_keeps_the_completed_one(demo):
    done, in_progress = turning_18(completed=True), turning_18(completed=False)
    client = signed_in(demo_user(Role.COORDINATOR, NB))

    page = client.get(f"/dashboard/{NB}/").content.decode()
    for anchor in ("turning-18", "turning-18-cut-off"):
        found = re.search(rf'<section[^>]* id="{anchor}".*?</section>', page, re.S)
        assert found
        assert in_progress.reference in found.group(0)
        assert done.reference not in found.group(0)

    register = client.get("/handovers/turning-18/").content.decode()
    completed = re.search(rf'data-reference="{done.reference}".*?</tr>', register, re.S)
    assert completed and "Completed" in completed.group(0)
