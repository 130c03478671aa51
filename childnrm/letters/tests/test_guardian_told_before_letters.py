"""Telling the guardian of a decision before its letters are produced: what they are told must be true.

The coordinator may tell the child's guardian (ICTG) of a final decision before producing its letters. The email
must not say the letters are ready then; and since the guardian needs the letter for the child to explain the
decision, producing the first letters tells them they are ready (once).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.letters import services
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff

pytestmark = pytest.mark.django_db


def test_a_guardian_told_before_the_letters_is_not_told_they_are_ready_and_is_told_when_they_are(
    demo, client_as, django_capture_on_commit_callbacks
):
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    client = client_as(Role.COORDINATOR)
    page = reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})
    before = client.get(page).content.decode()
    assert "The letters have not been produced yet. The email tells the guardian" in before

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = client.post(reverse("letters:tell-guardian", kwargs={"letters_decision_id": decision.pk}), follow=True)
    assert "The email says the letters have not been produced yet" in told.content.decode()
    [email] = mail.outbox
    assert email.to == [guardian.email]
    assert "ready" not in email.body
    assert "Its letters have not been produced yet. We will email you again when they are." in email.body
    assert "the letter for the child" not in email.body  # there is none to read yet
    # Producing them would email the guardian: the page says so.
    assert "guardian by email." in client.get(page).content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    assert produced.notices == []  # told once: no second notice ...
    [email] = mail.outbox  # ... but emailed that the letters are ready now
    assert email.to == [guardian.email]
    assert "Its letters are ready." in email.body
    assert "Sign in to read the decision and the letter for the child:" in email.body
    event = AuditEvent.objects.filter(object_id=str(decision.pk), detail__has_key="letters").latest("seq")
    assert len(event.detail["guardians_told_letters_ready"]) == 1

    # Producing the letters again tells nobody again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    assert mail.outbox == []


def test_a_guardian_told_with_the_letters_is_told_they_are_ready(demo, django_capture_on_commit_callbacks):
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    [email] = mail.outbox
    assert email.body.startswith(
        f"The panel has made a decision on referral {decision.referral.reference} "
        f"(child {decision.referral.child.reference}). Its letters are ready."
    )
