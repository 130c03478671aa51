"""The pages that take in a reconsideration request or send a return offer the panel's decisions as choices, each
labelled with the child's name: showing them is a read of those children's records, audited as a LIST naming them."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.reviews.tests import factories as f
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

PAGES = {
    "/reviews/reconsiderations/new/": "Reconsideration of a decision",
    "/reviews/returns/new/": "Home Office quality assurance return",
}


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("method", ["get", "invalid post"])
def test_the_decisions_offered_are_audited_as_a_list(demo, url, method):
    decision = f.final_decision()
    referral = decision.referral
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    client = signed_in(coordinator)
    before = _last_seq()
    # An invalid post (no decision chosen) shows the choices again.
    response = client.get(url) if method == "get" else client.post(url, {})
    body = response.content.decode()
    assert response.status_code == 200
    assert referral.child_display_name in body and referral.reference in body
    event = AuditEvent.objects.get(seq__gt=before, action="list")
    assert event.actor == coordinator
    assert event.object_type == "decisions.decision"
    assert event.site_id == referral.site_id
    assert event.purpose == PAGES[url]
    assert event.detail["ids"] == [decision.pk]
    assert event.detail["referrals"] == [referral.pk]
