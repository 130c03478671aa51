"""A referrer's address the mail relay refuses (a typo: "550 user unknown") neither stops the coordinators being
told of the new referral nor puts the address in the logs (kit.mail, ADR 0010 amendment 2).

Before, the referrer's acknowledgement and the coordinators' notices went as one batch: the refusal, first in it,
ended the task before any coordinator was emailed, and the task queue logged the relay's error, which quotes the
address."""

from __future__ import annotations

import logging

from django.core import mail

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.people.demo import demo_email
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from conftest import demo_user

TYPO = "dc.smith@polcie.example"


def test_a_refused_referrer_address_still_tells_every_coordinator_and_is_not_logged(
    demo, relay, caplog, django_capture_on_commit_callbacks
):
    site = Site.objects.get(slug="northbridge")
    second = User.objects.create_user("second.coordinator@childnrm.example", "x" * 16, full_name="Second Coordinator")
    Membership.objects.create(user=second, site=site, role=Role.COORDINATOR)
    user = demo_user(Role.FIRST_RESPONDER, "northbridge")
    referral = referral_save(
        referral=referral_start(user=user), user=user, data={**complete_answers(site), "referrer_email": TYPO}
    )
    relay.add(TYPO)
    mail.outbox.clear()
    caplog.set_level(logging.INFO)

    with django_capture_on_commit_callbacks(execute=True):
        referral_submit(referral=referral, user=user)

    notices = sorted(address for message in mail.outbox for address in message.to)
    assert notices == sorted([demo_email(Role.COORDINATOR, "northbridge"), second.email])
    assert all(m.subject == f"New referral {referral.reference} to triage" for m in mail.outbox)
    # The task failed, for the operators, with its own error: the kind of email and whom (the referrer), no address.
    assert "EmailsNotSent: referral submitted: 1 of 3 email(s) not sent (SMTPRecipientsRefused 550), to referrer" in (
        caplog.text
    )
    assert TYPO not in caplog.text
