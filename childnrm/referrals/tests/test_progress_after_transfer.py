"""The referrer's page after their referral was sent on to another site at triage (referrals.progress).

Sent on at triage, a referral is submitted again at the receiving site, to be triaged there. The referrer sent it
once, to the site they chose: the page says so once and names that site, and the transfer is its own step.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.api.tests.conftest import NORTHBRIDGE_LA_GSS, referral_payload, token_client
from childnrm.referrals import progress
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.services import triage_confirm
from conftest import demo_user

pytestmark = pytest.mark.django_db

REASON = "The child has moved to Eastwick"


def _send_on(referral: Referral, from_slug: str, to_slug: str) -> None:
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, from_slug),
        final_outcome="other_site",
        final_site=Site.objects.get(slug=to_slug),
        reason=REASON,
    )


def _steps(referral: Referral) -> list[tuple[str, str]]:
    steps = progress.progress(progress.with_progress(Referral.objects.filter(pk=referral.pk)).get())
    return [(s.title, s.detail) for s in steps]


def test_a_referral_sent_on_at_triage_is_sent_once_to_the_site_the_referrer_chose(client_as):
    """The page says "Referral sent" once, to Northbridge where the referrer sent it, then that it was sent to
    Three Rivers' panel: not "sent" twice, nor "sent to" a site the referrer never sent it to."""
    referral = submitted_referral("northbridge")
    _send_on(referral, "northbridge", "three-rivers")
    response = client_as(Role.FIRST_RESPONDER).get(reverse("referrals:your-referral", args=[referral.reference]))
    steps = [(s.title, s.detail) for s in response.context["steps"]]
    assert steps == [
        ("Referral sent", "You sent the referral to Northbridge Child Panel."),
        ("Sent to another panel", "Three Rivers Consortium Panel will decide."),
    ]


def test_a_referral_sent_on_twice_names_the_first_site_it_was_sent_to(demo):
    """Sent on again by the receiving site (back where it came from, here): still the referrer's one sending, to the
    first site, and each transfer its own step."""
    referral = submitted_referral("northbridge")
    _send_on(referral, "northbridge", "three-rivers")
    _send_on(Referral.objects.get(pk=referral.pk), "three-rivers", "northbridge")
    assert _steps(referral) == [
        ("Referral sent", "You sent the referral to Northbridge Child Panel."),
        ("Sent to another panel", "Three Rivers Consortium Panel will decide."),
        ("Sent to another panel", "Northbridge Child Panel will decide."),
    ]


def test_an_api_referral_sent_on_at_triage_is_sent_once(demo):
    """A referral an organisation's system sent has no sending change of its own: it is sent once, when it was
    submitted, however often it is received again."""
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    response = api.post("/api/referrals", referral_payload())
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    _send_on(referral, "northbridge", "three-rivers")
    assert [title for title, _ in _steps(referral)] == ["Referral sent", "Sent to another panel"]
