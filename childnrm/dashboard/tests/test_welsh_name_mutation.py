"""Welsh names after a preposition are mutated in the dashboard's Welsh email and in the child's timeline (ADR 0023,
amendment 3): "gyda Chyngor Dinas Pontgogledd", "Derbyniwyd gan Banel Plant Pontgogledd", not the radical form
straight after the preposition. English names, and English pages, stay as they are."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.dashboard.reminders import daily_reminders_send
from childnrm.information import services_protocols
from conftest import demo_user, signed_in

from .factories import accepted_referral, days_ago

pytestmark = pytest.mark.django_db

SITE_CY = "Panel Plant Pontgogledd"
COUNCIL_CY = "Cyngor Dinas Pontgogledd"


def council_named_in_welsh(site: Site) -> Organisation:
    council = site.local_authorities.get()
    council.name_cy = COUNCIL_CY
    council.save(update_fields=["name_cy"])
    return council


def test_the_welsh_digest_mutates_the_partner_of_a_protocol_due_for_review(welsh_site):
    council = council_named_in_welsh(welsh_site)
    protocol = services_protocols.due_for_review(welsh_site, timezone.localdate()).first()
    protocol.organisation = council
    protocol.save(update_fields=["organisation"])
    coordinator = demo_user(Role.COORDINATOR)

    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    [digest] = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert f"protocol rhannu gwybodaeth {protocol.reference} gyda Chyngor Dinas Pontgogledd:" in digest.body
    assert "gyda Cyngor" not in digest.body
    # The dashboard says it the same way (the link's words for a screen reader).
    page = signed_in(coordinator).get(reverse("dashboard:protocols-review", args=[welsh_site.slug])).content.decode()
    assert "gyda Chyngor Dinas Pontgogledd" in page and "gyda Cyngor" not in page


def test_the_childs_timeline_mutates_the_site_and_the_referrers_organisation_in_welsh(welsh_site):
    welsh_site.name_cy = SITE_CY
    welsh_site.save(update_fields=["name_cy"])
    referral = accepted_referral(welsh_site.slug, submitted_on=days_ago(5))
    organisation = referral.created_by.organisation
    organisation.name_cy = "Tîm Diogelu Pontgogledd"
    organisation.save(update_fields=["name_cy"])
    client = signed_in(demo_user(Role.COORDINATOR))
    path = reverse("people:detail", args=[referral.child.reference])

    timeline = client.get(path).content.decode().split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "Derbyniwyd gan Banel Plant Pontgogledd" in timeline
    assert f"Atgyfeiriad {referral.reference} wedi dod i law gan Dîm Diogelu Pontgogledd" in timeline
    assert "gan Panel Plant" not in timeline and "gan Tîm" not in timeline

    # No Welsh name: the English name, as it is; and the English page names them in English, unmutated.
    organisation.name_cy = ""
    organisation.save(update_fields=["name_cy"])
    timeline = client.get(path).content.decode().split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert f"wedi dod i law gan {organisation.name}" in timeline
    coordinator = demo_user(Role.COORDINATOR)
    coordinator.language = "en-gb"
    coordinator.save(update_fields=["language"])
    timeline = signed_in(coordinator).get(path).content.decode().split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert f"Accepted by {welsh_site.name}" in timeline
