"""A referral sent on to another site at triage is announced to that site's coordinators (referrals.tasks).

It lands in the other site's queue awaiting triage, with its clock running from the first referral: its coordinators
are told, as they are of a referral sent to them, and by reference only.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.welsh import english_left
from childnrm.people.demo import demo_email
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.services import triage_confirm
from conftest import demo_user

pytestmark = pytest.mark.django_db

REASON = "The child has moved to Eastwick"


def _send_on(referral, to_slug: str = "three-rivers"):
    return triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, referral.site.slug),
        final_outcome="other_site",
        final_site=Site.objects.get(slug=to_slug),
        reason=REASON,
    )


def test_the_receiving_sites_coordinators_are_told_a_referral_sent_on_awaits_their_triage(
    demo, django_capture_on_commit_callbacks
):
    """Each coordinator of the receiving site gets one email naming the reference, the site that sent it on and
    their triage queue; the sending site's coordinators are not told (they sent it), and no child's details."""
    referral = submitted_referral("northbridge", given_names="Tesfay", family_name="Gebremedhin")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _send_on(referral)
    recipients = [address for m in mail.outbox for address in m.to]
    assert recipients == [demo_email(Role.COORDINATOR, "three-rivers")], [m.subject for m in mail.outbox]
    [notice] = mail.outbox
    assert notice.subject == f"Referral {referral.reference} received from Northbridge Child Panel to triage"
    assert "Northbridge Child Panel has sent referral" in notice.body
    assert "/referrals/queue/" in notice.body
    for value in ("Tesfay", "Gebremedhin", referral.child.reference):
        assert value not in notice.subject and value not in notice.body


def test_nothing_is_sent_until_the_transfer_at_triage_is_committed(demo, django_capture_on_commit_callbacks):
    """Queued on commit: a triage rolled back tells nobody, and the worker finds the referral at its new site."""
    referral = submitted_referral("northbridge")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send_on(referral)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[demo_email(Role.COORDINATOR, "three-rivers")]]


def test_the_notice_of_a_referral_sent_on_is_in_the_coordinators_language(demo, django_capture_on_commit_callbacks):
    """A Welsh site receiving it: its coordinator, who has not chosen a language, reads the notice in Welsh, with
    the sending site's name as a name (ADR 0023)."""
    three_rivers = Site.objects.get(slug="three-rivers")
    three_rivers.default_language = "cy"
    three_rivers.save(update_fields=["default_language"])
    referral = submitted_referral("northbridge")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _send_on(referral)
    [notice] = mail.outbox
    assert referral.reference in notice.subject
    for text in (notice.subject, re.sub(r"https?://\S+", " ", notice.body)):
        assert english_left(text, names=[referral.reference, "Northbridge Child Panel"]) == [], text
