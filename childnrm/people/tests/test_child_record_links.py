"""The child's record links to the case's other pages, but only those the user's permissions open."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.referrals.tests.factories import submitted_referral


def test_coordinator_sees_the_referrals_and_the_case_pages_and_each_link_opens(client_as):
    referral = submitted_referral("northbridge")
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("people:detail", args=[referral.child.reference])).content.decode()
    links = [
        reverse("triage:triage", args=[referral.reference]),
        reverse("information:case", args=[referral.reference]),
        reverse("safeguarding:child", args=[referral.child.reference]),
        reverse("handovers:transfer-new", args=[referral.child.reference]),
        reverse("handovers:adult-transition", args=[referral.child.reference]),
    ]
    for link in links:
        assert f'href="{link}"' in body
        assert coordinator.get(link).status_code == 200, link


def test_the_referrer_sees_the_record_without_links_it_could_not_open(client_as):
    referral = submitted_referral("northbridge")
    body = client_as(Role.FIRST_RESPONDER).get(reverse("people:detail", args=[referral.child.reference])).content
    assert b"Referrals</h2>" not in body
    for name in ("safeguarding:child", "handovers:transfer-new", "handovers:adult-transition"):
        assert reverse(name, args=[referral.child.reference]).encode() not in body
