"""A guardian counts only while they hold the guardian's role at the child's active site (ADR 0002, amendment 2:
people.selectors.associations_in_force); a plan is dated by the sitting that agreed it, as its page says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role
from childnrm.kit.dates import long_date
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.safeguarding import selectors, services
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_a_guardian_whose_role_at_the_site_was_replaced_is_refused_the_childs_safeguarding(site):
    """The reviewer's reproduction: the record's page answered 404 for them, the safeguarding page 200."""
    child = demo_child(site)
    plan = SafeguardingPlan.objects.get(child=child, status=PlanStatus.ACTIVE)
    guardian = demo_user(Role.ICTG)
    pages = [
        reverse("safeguarding:child", args=[child.reference]),
        reverse("safeguarding:plan", args=[plan.pk]),
        reverse("safeguarding:child-views-add", kwargs={"plan_id": plan.pk}),
    ]
    client = signed_in(guardian)
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)

    Membership.objects.filter(user=guardian, site=site, role=Role.ICTG).update(role=Role.FIRST_RESPONDER)
    client = signed_in(guardian)
    assert client.get(reverse("people:detail", args=[child.reference])).status_code == 404
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert not selectors.safeguarding_children_for(guardian).filter(pk=child.pk).exists()
    assert not selectors.may_record_child_views(guardian, child)

    # Given the role again, the allocation (never ended) counts again.
    Membership.objects.filter(user=guardian, site=site, role=Role.FIRST_RESPONDER).update(role=Role.ICTG)
    assert signed_in(guardian).get(pages[0]).status_code == 200


def test_the_plan_is_dated_by_the_sitting_that_agreed_it_not_the_day_it_was_recorded(site, client_as):
    """The plan's page says it was agreed at a sitting of an earlier date; the child's page and the child's views form
    said "Plan agreed <the day it was recorded>"."""
    child = demo_child(site)
    plan = SafeguardingPlan.objects.get(child=child, status=PlanStatus.ACTIVE)
    sat_on = timezone.localdate() - timedelta(days=9)
    sitting = Meeting.objects.create(
        site=site,
        starts_at=timezone.now() - timedelta(days=9),
        status=MeetingStatus.CLOSED,
        created_by=demo_user(Role.COORDINATOR),
    )
    SafeguardingPlan.objects.filter(pk=plan.pk).update(agreed_at_meeting=sitting, created_at=timezone.now())
    agreed, recorded = long_date(sat_on), long_date(timezone.localdate())

    coordinator = client_as(Role.COORDINATOR)
    plan_page = coordinator.get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert f", {agreed}" in plan_page  # "Agreed at: Regular sitting, <day>"
    form = coordinator.get(reverse("safeguarding:child-views-add", kwargs={"plan_id": plan.pk})).content.decode()
    assert f"Plan agreed {agreed}." in form and f"Plan agreed {recorded}" not in form
    plans = coordinator.get(reverse("safeguarding:plans")).content.decode()
    assert agreed in plans

    services.plan_close(plan=plan, user=demo_user(Role.COORDINATOR), reason="The risk has reduced.")
    overview = coordinator.get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    assert f"Plan agreed {agreed}, closed {recorded}" in overview


def _guardian_section(page: str) -> str:
    return page.split(">Guardian (", 1)[1].split(">Lead social worker<", 1)[0]


def test_the_childs_page_no_longer_names_a_guardian_whose_role_ended_as_the_childs_guardian(site, client_as):
    """Their role at the site ended (a site administrator, not a transfer, which ends the allocation): the page listed
    them as the child's guardian, though they can no longer open the record and letters no longer name them. It says
    no guardian counts now, and tells the coordinator why, with the allocation still to end."""
    child = demo_child(site)
    guardian = demo_user(Role.ICTG)
    url = reverse("safeguarding:child", args=[child.reference])
    coordinator = client_as(Role.COORDINATOR)
    assert f"<li>{guardian.full_name}" in _guardian_section(coordinator.get(url).content.decode())

    Membership.objects.filter(user=guardian, site=site, role=Role.ICTG).update(active=False)
    section = _guardian_section(coordinator.get(url).content.decode())
    assert f"<li>{guardian.full_name}" not in section
    assert "No guardian is allocated." in section
    assert f"{guardian.full_name} is still allocated as the child's guardian, but" in section
    assert reverse("safeguarding:guardian", args=[child.reference]) in section
    # Given the role again, the allocation (never ended) counts again.
    Membership.objects.filter(user=guardian, site=site, role=Role.ICTG).update(active=True)
    section = _guardian_section(coordinator.get(url).content.decode())
    assert f"<li>{guardian.full_name}" in section and "is still allocated" not in section
