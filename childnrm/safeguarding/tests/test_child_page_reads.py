"""The child's safeguarding page and the safety map as their readers see them (issue 16): what they count and name
is read in a fixed number of statements however much the child has on record, for the coordinator and for the
child's guardian; a plan of another site, or an address beyond every id, is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.core.tests.queries import CountedQueries
from childnrm.panels.models import Agency
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.safeguarding import services
from childnrm.safeguarding.models import ActionStatus, PlanAction, StatutoryKind
from childnrm.safeguarding.tests.test_safeguarding import new_action, new_plan, plain_child
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _statements(client, path: str) -> tuple[int, str]:
    client.get(path)  # the session's and the policy's first reads aside
    with CountedQueries() as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _more_on_record(child, plan, day: int) -> None:
    """One more of everything the two pages read: an action with an update, a period, a discussion, a link."""
    coordinator = demo_user(Role.COORDINATOR)
    action = new_action(plan, due_in=day + 1, owner_name="Sam Jones")
    services.action_update(action=action, user=coordinator, to_status=ActionStatus.IN_PROGRESS, note="Started")
    starts = timezone.localdate() - timedelta(days=400 * (day + 1))
    services.statutory_period_add(
        child=child,
        user=coordinator,
        kind=StatutoryKind.CHILD_IN_NEED,
        starts_on=starts,
        ends_on=starts + timedelta(100),
    )
    services.strategy_discussion_add(
        child=child,
        user=coordinator,
        held_on=timezone.localdate() - timedelta(days=day),
        agencies=[Agency.POLICE],
        outcome="Met",
    )
    services.contextual_link_add(
        child=child, user=coordinator, kind="place", name=f"Station {day}", description="", risk="high"
    )


def test_the_childs_safeguarding_page_counts_the_actions_and_names_each_guardian_with_their_organisation(
    client_as, site
):
    child = plain_child(site)
    plan = new_plan(site, child)
    late = new_action(plan, due_in=1, owner_name="Sam Jones")
    PlanAction.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    new_action(plan, due_in=7, owner_name="Sam Jones")
    done = new_action(plan, due_in=3, owner_name="Sam Jones")
    coordinator = demo_user(Role.COORDINATOR)
    services.action_update(action=done, user=coordinator, to_status=ActionStatus.DONE, note="Done")
    guardian = demo_user(Role.ICTG)
    assert guardian.organisation is not None
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).delete()
    services.guardian_allocate(child=child, user=coordinator, guardian=guardian)

    for role in (Role.COORDINATOR, Role.ICTG):  # within the coordinator's sites, and through the guardian's scope
        page = client_as(role).get(reverse("safeguarding:child", kwargs={"reference": child.reference}))
        body = page.content.decode()
        assert "2 open of 3" in body and 'govuk-tag--red">1 overdue' in body, role
        assert f"{guardian.full_name}, {guardian.organisation.name}, allocated" in body, role


def test_the_childs_pages_read_as_many_statements_however_much_the_child_has_on_record(client_as, site):
    child = plain_child(site)
    plan = new_plan(site, child)
    coordinator = client_as(Role.COORDINATOR)
    paths = [
        reverse("safeguarding:child", kwargs={"reference": child.reference}),
        reverse("safeguarding:plan", kwargs={"plan_id": plan.pk}),
        reverse("safeguarding:safety-map", kwargs={"reference": child.reference}),
    ]
    _more_on_record(child, plan, 0)
    first = {path: _statements(coordinator, path)[0] for path in paths}
    for day in (1, 2, 3):
        _more_on_record(child, plan, day)
    for path in paths:
        count, body = _statements(coordinator, path)
        assert count == first[path], path
    assert "Station 3" in body and "Station 0" in body  # the safety map, last: every link read


def test_a_plan_beyond_every_id_or_of_another_site_is_404_and_the_guardian_reaches_the_childs_plan(
    client_as, site, other_site
):
    child = plain_child(site)
    plan = new_plan(site, child)
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.get(reverse("safeguarding:plan", kwargs={"plan_id": 2**63})).status_code == 404
    other = client_as(Role.COORDINATOR, other_site.slug)
    assert other.get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).status_code == 404
    assert other.get(reverse("safeguarding:child", kwargs={"reference": child.reference})).status_code == 404
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).delete()
    services.guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=demo_user(Role.ICTG))
    assert client_as(Role.ICTG).get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).status_code == 200


def test_the_child_records_safeguarding_summary_counts_only_open_actions_past_their_due_date_in_one_statement(site):
    from childnrm.safeguarding.selectors import active_plan_summary

    child = plain_child(site)
    assert active_plan_summary(child) is None
    plan = new_plan(site, child)
    coordinator = demo_user(Role.COORDINATOR)
    past = timezone.localdate() - timedelta(days=2)
    late, later, done = (new_action(plan, due_in=1 + i, owner_name="Sam Jones") for i in range(3))
    new_action(plan, due_in=9, owner_name="Sam Jones")  # open, not yet due
    services.action_update(action=done, user=coordinator, to_status=ActionStatus.DONE, note="Done")
    PlanAction.objects.filter(pk__in=[late.pk, later.pk, done.pk]).update(due_on=past)
    with CountedQueries() as captured:
        summary = active_plan_summary(child)
    assert len(captured) == 1
    assert (summary.pk, summary.next_review_on, summary.overdue) == (plan.pk, plan.next_review_on, 2)
