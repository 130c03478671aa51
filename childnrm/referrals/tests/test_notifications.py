"""Who is told when a referral is sent: the referrer (acknowledgement) and the receiving site's coordinators."""

from __future__ import annotations

import pytest
from django.core import mail

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.people.demo import demo_email
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from conftest import demo_user

pytestmark = pytest.mark.django_db


def send(site_slug: str = "northbridge", **overrides):
    user = demo_user(Role.FIRST_RESPONDER, site_slug)
    site = Site.objects.get(slug=site_slug)
    referral = referral_start(user=user)
    answers = {**complete_answers(site), "given_names": "Tesfay", "family_name": "Gebremedhin", **overrides}
    referral = referral_save(referral=referral, user=user, data=answers)
    return referral_submit(referral=referral, user=user)


def personal_data(referral) -> list[str]:
    return [referral.given_names, referral.family_name, referral.child.reference, "Gebremedhin", "Tesfay"]


def test_the_referrer_is_sent_an_acknowledgement_with_the_reference(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send()
    acknowledgement = next(m for m in mail.outbox if m.to == [referral.referrer_email])
    assert acknowledgement.subject == f"Referral {referral.reference} received"
    assert referral.reference in acknowledgement.body
    assert "/referrals/" in acknowledgement.body  # where to follow it
    for value in personal_data(referral):
        assert value not in acknowledgement.subject and value not in acknowledgement.body


def test_each_coordinator_of_the_receiving_site_is_told_and_nobody_else(demo, django_capture_on_commit_callbacks):
    # A second coordinator at Northbridge, and an inactive one who must not be told.
    second = User.objects.create_user("second.coordinator@childnrm.example", "x" * 16, full_name="Second Coordinator")
    Membership.objects.create(user=second, site=Site.objects.get(slug="northbridge"), role=Role.COORDINATOR)
    former = User.objects.create_user("former.coordinator@childnrm.example", "x" * 16, full_name="Former Coordinator")
    Membership.objects.create(
        user=former, site=Site.objects.get(slug="northbridge"), role=Role.COORDINATOR, active=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        referral = send()
    notices = [m for m in mail.outbox if m.to != [referral.referrer_email]]
    recipients = sorted(address for m in notices for address in m.to)
    assert recipients == sorted([demo_email(Role.COORDINATOR, "northbridge"), second.email])
    # One email each: coordinators do not see each other's addresses.
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in notices)
    for notice in notices:
        assert notice.subject == f"New referral {referral.reference} to triage"
        assert "/referrals/queue/" in notice.body
        for value in personal_data(referral):
            assert value not in notice.subject and value not in notice.body
    assert demo_email(Role.COORDINATOR, "three-rivers") not in recipients


def test_nothing_is_sent_until_the_submission_is_committed(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send()
    assert mail.outbox == []
    assert len(callbacks) == 2  # the emails, and the search for earlier records of the child (no email)
