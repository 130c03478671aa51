"""A case review action can be given a new owner by the site's coordinator (the reminders ask them to, when its
owner can no longer update it): the new owner must be someone who may update the site's actions, by the same rule
the reminders apply; the change is a new row of the action's history and audited against each reviewed case."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role
from childnrm.audit.selectors import events_about
from childnrm.case_reviews import selectors, services
from childnrm.case_reviews.demo import demo_review
from childnrm.case_reviews.models import ActionStatus, ReviewAction, ReviewActionUpdate
from childnrm.case_reviews.reminders import case_review_reminders_send
from conftest import demo_user

pytestmark = pytest.mark.django_db


def first_action(site_slug: str = "northbridge", **kw) -> ReviewAction:
    return demo_review(site_slug, **kw).actions.select_related("review").order_by("pk").first()


def test_the_coordinator_gives_an_action_whose_owner_left_a_new_owner_and_the_reminders_follow(demo):
    action = first_action(overdue_days=3)
    member, chair = demo_user(Role.PANEL_MEMBER), demo_user(Role.CHAIR)
    assert action.owner_id == member.pk
    Membership.objects.filter(user=member, role=Role.PANEL_MEMBER).update(active=False)
    assert not selectors.may_own_actions(member, action.review.site_id)

    update = services.action_owner_change(action=action, user=demo_user(Role.COORDINATOR), owner=chair)
    action.refresh_from_db()
    assert action.owner_id == chair.pk and action.status == ActionStatus.NOT_STARTED
    assert (update.from_owner_id, update.to_owner_id) == (member.pk, chair.pk)
    assert update.from_status == update.to_status == ActionStatus.NOT_STARTED
    assert update.actor_id == demo_user(Role.COORDINATOR).pk

    # Audited against each reviewed case: on the child's audit page.
    child = action.review.cases.get().referral.child
    [event] = [e for e in events_about(child) if e.detail.get("update") == update.pk]
    assert event.detail["from_owner"] == member.pk and event.detail["to_owner"] == chair.pk
    assert event.detail["fields"] == ["owner"] and event.action == "update"

    # The daily reminder now goes to the new owner, not to the coordinators.
    run = case_review_reminders_send(today=timezone.localdate())
    assert (run.overdue, run.unowned) == (1, 0)
    [message] = mail.outbox
    assert message.to == [chair.email]


def test_the_new_owner_must_be_able_to_update_the_sites_actions(demo):
    action = first_action()
    coordinator = demo_user(Role.COORDINATOR)
    refused = {
        "of another site": demo_user(Role.PANEL_MEMBER, "three-rivers"),
        "without the role": demo_user(Role.ANALYST),
        "already the owner": demo_user(Role.PANEL_MEMBER),
    }
    for why, owner in refused.items():
        with pytest.raises(services.CaseReviewError) as problem:
            services.action_owner_change(action=action, user=coordinator, owner=owner)
        assert problem.value.field == "owner", why
    # Someone who may update actions but whom the reminders cannot reach (no email address) is refused as well.
    guardian = demo_user(Role.ICTG)
    guardian.email = ""
    guardian.save(update_fields=["email"])
    with pytest.raises(services.CaseReviewError, match="Select someone at the site who can update"):
        services.action_owner_change(action=action, user=coordinator, owner=guardian)
    # Only the coordinator gives a new owner, and only to an open action.
    with pytest.raises(services.CaseReviewError, match="Only the panel coordinator"):
        services.action_owner_change(action=action, user=demo_user(Role.PANEL_MEMBER), owner=demo_user(Role.CHAIR))
    services.action_update(action=action, user=coordinator, to_status=ActionStatus.DONE, note="")
    with pytest.raises(services.CaseReviewError, match="only an open action"):
        services.action_owner_change(action=action, user=coordinator, owner=demo_user(Role.CHAIR))
    assert not ReviewActionUpdate.objects.filter(action=action, to_owner__isnull=False).exists()


def test_the_action_page_links_to_the_owner_form_which_saves_and_shows_the_change(client_as, demo):
    action = first_action()
    chair = demo_user(Role.CHAIR)
    coordinator = client_as(Role.COORDINATOR)
    url = reverse("case_reviews:action-owner", args=[action.pk])
    assert url in coordinator.get(reverse("case_reviews:action", args=[action.pk])).content.decode()
    # The owner, who records progress, is not offered the change.
    owner_page = client_as(Role.PANEL_MEMBER).get(reverse("case_reviews:action", args=[action.pk]))
    assert url not in owner_page.content.decode()

    page = coordinator.get(url).content.decode()
    assert "Give the action a new owner" in page and action.description.replace("'", "&#39;") in page
    assert f'value="{chair.pk}"' in page and f'value="{action.owner_id}"' not in page  # not its owner now

    response = coordinator.post(url, {"owner": ""})
    assert response.status_code == 200 and "Select who owns the action" in response.content.decode()

    response = coordinator.post(url, {"owner": str(chair.pk)}, follow=True)
    body = response.content.decode()
    assert f"{chair.full_name} now owns the action" in body
    assert f"New owner: {demo_user(Role.PANEL_MEMBER).full_name} to {chair.full_name}" in body
    action.refresh_from_db()
    assert action.owner_id == chair.pk
