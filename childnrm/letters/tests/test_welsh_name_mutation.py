"""The letters page of a decision mutates the site's Welsh name after "yn" (ADR 0023, amendment 3): the coordinator
is told the recorded social worker holds no role "ym Mhanel Plant Pontgogledd", not "yn Panel Plant Pontgogledd"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Membership, Role
from childnrm.letters.tests.factories import final_decision
from childnrm.people.services import lead_social_worker_record
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_the_letters_page_says_the_site_with_the_nasal_mutation_after_yn(welsh_site):
    welsh_site.name_cy = "Panel Plant Pontgogledd"
    welsh_site.save(update_fields=["name_cy"])
    decision = final_decision(welsh_site.slug)
    coordinator = demo_user(Role.COORDINATOR)
    worker = demo_user(Role.PANEL_MEMBER)
    lead_social_worker_record(child=decision.referral.child, user=coordinator, name="Alex Social", email=worker.email)
    Membership.objects.filter(user=worker, site=welsh_site).update(active=False)

    page = signed_in(coordinator).get(reverse("letters:decision", args=[decision.pk])).content.decode()
    warning = page.split('id="social-worker-not-in-force"', 1)[1].split("</div>", 1)[0]
    assert "nac aelod o’r panel ym Mhanel Plant Pontgogledd." in warning
    assert "aelod o’r panel iddynt ym Mhanel Plant Pontgogledd." in warning
    assert "yn Panel Plant" not in warning
