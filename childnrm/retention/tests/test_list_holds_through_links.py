"""Review: the DPO's list offers to anonymise a case whose child is held through a linked record."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.people.models import LinkStatus
from childnrm.people.services import child_link_decide
from childnrm.retention.schedule import add_years
from childnrm.retention.services import legal_hold_place
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user, signed_in


def test_list_marks_a_case_held_through_a_linked_record(demo):
    earlier = decided_case()
    later = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    child_link_decide(child=later.child, other=earlier.child, status=LinkStatus.LINKED, user=coordinator)
    item = listed(earlier, add_years(BORN, 25))
    legal_hold_place(user=coordinator, child=later.child, reason="A claim has been brought.")
    page = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER)).get(
        reverse("retention:list", kwargs={"site_slug": earlier.site.slug})
    )
    html = page.content.decode()
    row = html[html.index(f'data-item="{item.pk}"') :][:1500]
    assert "On legal hold" in row, "offered for anonymisation although the child is on legal hold"
    assert 'name="items"' not in row
