"""The safeguarding plan: one active plan per child, status history kept, owners update only their own
actions, the guardian's allocation, who sees what, the safety map and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, Meeting
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.safeguarding import services
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import (
    ActionStatus,
    ContextualLink,
    PlanAction,
    PlanStatus,
    SafeguardingPlan,
    StatutoryKind,
)
from childnrm.safeguarding.services import SafeguardingError
from conftest import demo_user

pytestmark = pytest.mark.django_db


def date_parts(name: str, day) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def plain_child(site) -> Child:
    """A child of the site with no demo plan."""
    return Child.objects.filter(site=site).order_by("pk")[1]


def meeting_of(site) -> Meeting:
    return Meeting.objects.filter(site=site).order_by("pk").first()


def new_plan(site, child=None) -> SafeguardingPlan:
    return services.plan_create(
        child=child or plain_child(site),
        user=demo_user(Role.COORDINATOR),
        meeting=meeting_of(site),
        summary="Keep the child safe from the group at the station.",
        next_review_on=timezone.localdate() + timedelta(days=28),
    )


def new_action(plan, *, owner=None, due_in: int = 7, owner_name: str = "") -> PlanAction:
    return services.action_add(
        plan=plan,
        user=demo_user(Role.COORDINATOR),
        description="Arrange a return home interview",
        agency=Agency.SOCIAL_CARE,
        organisation=None,
        owner_name=owner_name,
        owner=owner,
        due_on=timezone.localdate() + timedelta(days=due_in),
        review_on=None,
    )


# One active plan per child -----------------------------------------------------------------------


def test_coordinator_records_a_plan_from_a_sitting_and_a_second_active_plan_is_refused(client_as, site):
    child = plain_child(site)
    meeting = meeting_of(site)
    client = client_as(Role.COORDINATOR)
    url = reverse("safeguarding:plan-create", kwargs={"reference": child.reference})
    review = timezone.localdate() + timedelta(days=30)
    data = {"meeting": str(meeting.pk), "summary": "Plan agreed at the sitting", **date_parts("next_review_on", review)}

    response = client.post(url, data)
    plan = SafeguardingPlan.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:action-add", kwargs={"plan_id": plan.pk})
    assert plan.agreed_at_meeting == meeting
    assert plan.next_review_on == review
    assert plan.status == PlanStatus.ACTIVE

    again = client.post(url, data)
    assert again.status_code == 200
    assert "already has an active safeguarding plan" in again.content.decode()
    assert SafeguardingPlan.objects.filter(child=child).count() == 1

    with pytest.raises(SafeguardingError, match="already has an active safeguarding plan"):
        new_plan(site, child)
    # The database keeps the rule too, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingPlan.objects.create(child=child, created_by=demo_user(Role.COORDINATOR))


def test_a_closed_plan_makes_room_for_a_new_one_and_its_actions_are_kept_as_they_were(site):
    plan = new_plan(site)
    action = new_action(plan, owner_name="Jo Bloggs")
    with pytest.raises(SafeguardingError, match="Enter why"):
        services.plan_close(plan=plan, user=demo_user(Role.COORDINATOR), reason=" ")
    services.plan_close(plan=plan, user=demo_user(Role.COORDINATOR), reason="Risks reduced")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_by == demo_user(Role.COORDINATOR)
    with pytest.raises(SafeguardingError, match="closed"):
        services.action_update(action=action, user=demo_user(Role.COORDINATOR), to_status=ActionStatus.DONE, note="")
    with pytest.raises(SafeguardingError, match="closed"):
        new_action(plan, owner_name="Jo Bloggs")
    second = new_plan(site, plan.child)
    assert second.status == PlanStatus.ACTIVE


def test_plan_form_shows_errors_and_keeps_what_was_typed(client_as, site):
    child = plain_child(site)
    url = reverse("safeguarding:plan-create", kwargs={"reference": child.reference})
    response = client_as(Role.COORDINATOR).post(
        url, {"summary": "Half-written summary", "next_review_on_day": "31", "next_review_on_month": "2"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select the sitting that agreed the plan" in body
    assert "Next review date must include a year" in body
    assert "Half-written summary" in body
    assert not SafeguardingPlan.objects.filter(child=child).exists()


def test_a_sitting_of_another_site_is_refused(site, other_site):
    with pytest.raises(SafeguardingError, match="sitting of this child's panel"):
        services.plan_create(
            child=plain_child(site),
            user=demo_user(Role.COORDINATOR),
            meeting=meeting_of(other_site),
            summary="x",
            next_review_on=None,
        )


# Actions and their history -------------------------------------------------------------------------


def test_status_changes_and_notes_are_new_rows_with_their_actor_and_history_is_kept(client_as, site):
    owner = demo_user(Role.PANEL_MEMBER)
    plan = new_plan(site)
    action = new_action(plan, owner=owner)
    assert action.owner_name == owner.full_name  # taken from the account when not typed

    client = client_as(Role.PANEL_MEMBER)
    update_url = reverse("safeguarding:action-update", kwargs={"action_id": action.pk})
    assert client.post(update_url, {"status": "in_progress", "note": "Appointment booked"}).status_code == 302
    assert client.post(update_url, {"status": "in_progress", "note": "Seen by the nurse"}).status_code == 302
    # The same status with nothing to say is not an update.
    same = client.post(update_url, {"status": "in_progress", "note": ""})
    assert same.status_code == 200 and "enter a progress note" in same.content.decode()
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.post(update_url, {"status": "done", "note": "Confirmed at review"}).status_code == 302

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    history = list(action.updates.order_by("at", "id").values_list("from_status", "to_status", "note", "actor"))
    assert history == [
        ("", "not_started", "Action agreed", demo_user(Role.COORDINATOR).pk),
        ("not_started", "in_progress", "Appointment booked", owner.pk),
        ("in_progress", "in_progress", "Seen by the nurse", owner.pk),
        ("in_progress", "done", "Confirmed at review", demo_user(Role.COORDINATOR).pk),
    ]
    page = coordinator.get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).content.decode()
    for note in ("Appointment booked", "Seen by the nurse", "Confirmed at review"):
        assert note in page
    assert owner.full_name in page


def test_owner_updates_only_their_own_actions(client_as, site):
    owner = demo_user(Role.PANEL_MEMBER)
    plan = new_plan(site)
    own = new_action(plan, owner=owner)
    someone_elses = new_action(plan, owner=demo_user(Role.ADVISER))
    unowned = new_action(plan, owner_name="DC Sam Rowe")
    client = client_as(Role.PANEL_MEMBER)

    def update(action, status="in_progress"):
        url = reverse("safeguarding:action-update", kwargs={"action_id": action.pk})
        return client.post(url, {"status": status, "note": "Done my part"})

    assert update(own).status_code == 302
    assert update(someone_elses).status_code == 404
    assert update(unowned).status_code == 404
    # Their own action's page, but not the rest of the plan.
    assert client.get(reverse("safeguarding:action", kwargs={"action_id": own.pk})).status_code == 200
    assert client.get(reverse("safeguarding:action", kwargs={"action_id": unowned.pk})).status_code == 404
    assert client.get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).status_code == 404
    # Only the coordinator cancels.
    cancel = update(own, "cancelled")
    assert cancel.status_code == 200
    own.refresh_from_db()
    assert own.status == ActionStatus.IN_PROGRESS
    with pytest.raises(SafeguardingError, match="Only the panel coordinator can cancel"):
        services.action_update(action=own, user=owner, to_status=ActionStatus.CANCELLED, note="")
    # The guardian sees the plan but updates nothing on it.
    guardian = demo_user(Role.ICTG)
    ChildAssociation.objects.create(child=plan.child, user=guardian, kind=AssociationKind.ICTG)
    ictg = client_as(Role.ICTG)
    assert ictg.get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).status_code == 200
    url = reverse("safeguarding:action-update", kwargs={"action_id": own.pk})
    assert ictg.post(url, {"status": "done", "note": ""}).status_code == 404
    unowned.refresh_from_db()
    assert unowned.status == ActionStatus.NOT_STARTED
    assert someone_elses.updates.count() == 1


def test_your_actions_lists_the_owners_actions_with_overdue_ones_tagged(client_as, site):
    owner = demo_user(Role.PANEL_MEMBER)
    plan = new_plan(site)
    late = new_action(plan, owner=owner, due_in=1)
    PlanAction.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    other = new_action(plan, owner=demo_user(Role.ADVISER))
    body = client_as(Role.PANEL_MEMBER).get(reverse("safeguarding:my-actions")).content.decode()
    assert f'data-action="{late.pk}"' in body
    assert f'data-action="{other.pk}"' not in body
    assert 'govuk-tag--red">Overdue' in body
    assert plan.child.reference in body


# Statutory status and strategy discussions ----------------------------------------------------------------


def test_statutory_periods_of_one_kind_do_not_overlap(site):
    child = plain_child(site)
    today = timezone.localdate()
    coordinator = demo_user(Role.COORDINATOR)
    period = services.statutory_period_add(
        child=child,
        user=coordinator,
        kind=StatutoryKind.CHILD_PROTECTION_PLAN,
        starts_on=today - timedelta(days=90),
        ends_on=None,
    )
    with pytest.raises(SafeguardingError, match="overlaps"):
        services.statutory_period_add(
            child=child, user=coordinator, kind=StatutoryKind.CHILD_PROTECTION_PLAN, starts_on=today, ends_on=None
        )
    # Another kind may run alongside.
    services.statutory_period_add(
        child=child,
        user=coordinator,
        kind=StatutoryKind.LOOKED_AFTER,
        starts_on=today - timedelta(days=10),
        ends_on=None,
    )
    with pytest.raises(SafeguardingError, match="after the start date"):
        services.statutory_period_end(period=period, user=coordinator, ends_on=today - timedelta(days=100))
    services.statutory_period_end(period=period, user=coordinator, ends_on=today - timedelta(days=5))
    services.statutory_period_add(
        child=child, user=coordinator, kind=StatutoryKind.CHILD_PROTECTION_PLAN, starts_on=today, ends_on=None
    )
    assert child.statutory_periods.filter(kind=StatutoryKind.CHILD_PROTECTION_PLAN).count() == 2


def test_strategy_discussion_is_recorded_with_its_agencies(client_as, site):
    child = plain_child(site)
    url = reverse("safeguarding:strategy-add", kwargs={"reference": child.reference})
    held = timezone.localdate() - timedelta(days=3)
    response = client_as(Role.COORDINATOR).post(
        url, {**date_parts("held_on", held), "agencies": ["social_care", "police"], "outcome": "Section 47 enquiry"}
    )
    assert response.status_code == 302
    discussion = child.strategy_discussions.get()
    assert discussion.held_on == held and discussion.agencies == ["social_care", "police"]
    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:child", kwargs={"reference": child.reference}))
    assert "Children&#39;s social care, Police" in page.content.decode()


# The guardian ----------------------------------------------------------------------------------------


def test_guardian_allocation_gives_the_guardian_the_plan_and_ending_it_takes_it_away(client_as, site):
    child = plain_child(site)
    plan = new_plan(site, child)
    guardian = demo_user(Role.ICTG)
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).delete()
    ictg = client_as(Role.ICTG)
    plan_url = reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})
    assert ictg.get(plan_url).status_code == 404

    coordinator = client_as(Role.COORDINATOR)
    url = reverse("safeguarding:guardian", kwargs={"reference": child.reference})
    assert (
        coordinator.post(url, {"guardian": str(demo_user(Role.PANEL_MEMBER).pk)}).status_code == 200
    )  # not a guardian
    assert coordinator.post(url, {"guardian": str(guardian.pk)}).status_code == 302
    association = ChildAssociation.objects.get(child=child, kind=AssociationKind.ICTG)
    assert association.user == guardian and association.ends_at is None
    assert ictg.get(plan_url).status_code == 200
    with pytest.raises(SafeguardingError, match="already this child's guardian"):
        services.guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=guardian)

    end = reverse("safeguarding:guardian-end", kwargs={"reference": child.reference})
    assert coordinator.post(end, {"association": str(association.pk)}).status_code == 302
    association.refresh_from_db()
    assert association.ends_at is not None
    assert ictg.get(plan_url).status_code == 404

    # Allocated again later: the same row is taken up again.
    services.guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=guardian)
    association.refresh_from_db()
    assert association.ends_at is None


def test_a_guardian_of_another_site_cannot_be_allocated(site):
    with pytest.raises(SafeguardingError, match="guardian \\(ICTG\\) of this site"):
        services.guardian_allocate(
            child=plain_child(site), user=demo_user(Role.COORDINATOR), guardian=demo_user(Role.ICTG, "three-rivers")
        )


# Who sees the plan --------------------------------------------------------------------------------------


def test_scope_coordinator_guardian_attendees_of_a_live_meeting_and_no_one_else(client_as, site):
    referral = accepted_referral("northbridge")
    child = referral.child
    plan = new_plan(site, child)
    urls = [
        reverse("safeguarding:child", kwargs={"reference": child.reference}),
        reverse("safeguarding:plan", kwargs={"plan_id": plan.pk}),
        reverse("safeguarding:safety-map", kwargs={"reference": child.reference}),
    ]

    def status(role, site_slug="northbridge"):
        client = client_as(role, site_slug)
        return {client.get(url).status_code for url in urls}

    assert status(Role.COORDINATOR) == {200}
    assert status(Role.COORDINATOR, "three-rivers") == {404}
    assert status(Role.FIRST_RESPONDER) <= {403, 404}  # the referrer sees their referral's outcome, not the plan
    assert status(Role.PANEL_MEMBER) == {404}
    assert status(Role.ICTG) == {404}  # not allocated to this child
    assert status(Role.ANALYST) == {403}

    # On the agenda of a scheduled meeting: its attendees see the plan while the meeting is live.
    meeting = scheduled_meeting("northbridge")
    add_to_agenda(meeting, referral)
    assert meeting.attendees.filter(user=demo_user(Role.PANEL_MEMBER)).exists()
    assert status(Role.PANEL_MEMBER) == {200}
    assert status(Role.ADVISER) == {200}
    panel_services.meeting_open(meeting=meeting, user=demo_user(Role.COORDINATOR), move_to_today=True)
    panel_services.meeting_close(meeting=meeting, user=demo_user(Role.COORDINATOR))
    # Undecided, the case was carried to the next sitting; taken off that agenda too, no live sitting lists it.
    carried = meeting.agenda_items.get().carried_to.get()
    panel_services.agenda_item_remove(item=carried, user=demo_user(Role.COORDINATOR))
    assert status(Role.PANEL_MEMBER) == {404}
    assert status(Role.COORDINATOR) == {200}


def test_an_attendee_reaching_the_page_through_a_sitting_is_not_sent_to_a_record_they_cannot_open(client_as, site):
    referral = accepted_referral("northbridge")
    child = referral.child
    add_to_agenda(scheduled_meeting("northbridge"), referral)
    page = reverse("safeguarding:child", kwargs={"reference": child.reference})
    record = reverse("people:detail", kwargs={"reference": child.reference})

    adviser = client_as(Role.ADVISER)
    html = adviser.get(page).content.decode()
    assert adviser.get(record).status_code in (403, 404)
    assert f'href="{record}"' not in html
    assert f'href="{reverse("panels:my-meetings")}" class="govuk-back-link' in html
    # The coordinator, who opens the record, goes back to it.
    assert f'href="{record}" class="govuk-back-link' in client_as(Role.COORDINATOR).get(page).content.decode()


def test_views_and_changes_are_audited_against_the_child_with_their_purpose(client_as, site):
    child = demo_child(site)
    plan = child.safeguarding_plans.get()
    before = AuditEvent.objects.count()
    client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk}))
    client_as(Role.ICTG).get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk}))
    action = plan.actions.get(owner=demo_user(Role.PANEL_MEMBER))
    client_as(Role.PANEL_MEMBER).post(
        reverse("safeguarding:action-update", kwargs={"action_id": action.pk}), {"status": "in_progress", "note": ""}
    )
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(e.actor_id, e.action, e.object_type, e.object_id, e.purpose) for e in events] == [
        (demo_user(Role.COORDINATOR).pk, "view", "people.child", str(child.pk), "Safeguarding planning for the child"),
        (demo_user(Role.ICTG).pk, "view", "people.child", str(child.pk), "Work on a case I am associated with"),
        (demo_user(Role.PANEL_MEMBER).pk, "update", "people.child", str(child.pk), "Progress on a safeguarding action"),
    ]
    assert events[2].detail["action"] == action.pk and events[2].detail["to"] == "in_progress"


# The safety map ----------------------------------------------------------------------------------------


def test_safety_map_groups_by_kind_and_risk_with_a_described_diagram(client_as, site):
    child = plain_child(site)
    client = client_as(Role.COORDINATOR)
    add = reverse("safeguarding:link-add", kwargs={"reference": child.reference})
    missing = client.post(add, {"kind": "place"})
    assert "Enter the name of the place, peer group or online space" in missing.content.decode()
    assert "Select the risk to the child" in missing.content.decode()
    for kind, name, risk in (
        ("place", "Bus station", "high"),
        ("peer_group", "Older boys from the estate", "high"),
        ("online_space", "Gaming group chat", "medium"),
        ("place", "Grandmother's flat", "safe"),
    ):
        assert client.post(add, {"kind": kind, "name": name, "risk": risk}).status_code == 302
    gone = ContextualLink.objects.get(child=child, name="Gaming group chat")
    assert client.post(reverse("safeguarding:link-end", kwargs={"link_id": gone.pk})).status_code == 302
    gone.refresh_from_db()
    assert gone.active is False
    # Pressed again (from a page opened before the first press): the safety map says so, and nothing changes.
    again = client.post(reverse("safeguarding:link-end", kwargs={"link_id": gone.pk}), follow=True)
    assert again.status_code == 200
    assert "This entry is already marked as no longer current" in again.content.decode()

    body = client.get(reverse("safeguarding:safety-map", kwargs={"reference": child.reference})).content.decode()
    assert '<svg id="safety-map-diagram" role="img" aria-labelledby="safety-map-title safety-map-desc"' in body
    assert (
        "High risk: 1 place (Bus station); 1 peer group (Older boys from the estate). "
        "Safe: 1 place (Grandmother&#39;s flat)." in body
    )
    assert '<table class="govuk-table" data-kind="place">' in body
    assert "No longer current" in body and "Gaming group chat" in body.split("No longer current</h2>")[1]


def test_the_owner_is_emailed_with_the_childs_reference_only(site, mailoutbox, django_capture_on_commit_callbacks):
    owner = demo_user(Role.PANEL_MEMBER)
    plan = new_plan(site)
    with django_capture_on_commit_callbacks(execute=True):
        new_action(plan, owner=owner)
    sent = [m for m in mailoutbox if owner.email in m.to]
    assert len(sent) == 1
    assert sent[0].subject == "A safeguarding action has been given to you"
    assert plan.child.reference in sent[0].body
    assert plan.child.given_names not in sent[0].subject + sent[0].body
    assert "/safeguarding/your-actions/" in sent[0].body


def test_the_link_for_the_childs_record_shows_only_to_those_who_see_the_plan(site):
    from django.template import engines
    from django.test import RequestFactory

    child = demo_child(site)
    template = engines["jinja2"].from_string("{{ safeguarding_link(child) }}")

    def render(role):
        request = RequestFactory().get("/")
        request.user = demo_user(role)
        return template.render({"child": child, "request": request})

    shown = render(Role.COORDINATOR)
    assert reverse("safeguarding:child", kwargs={"reference": child.reference}) in shown
    assert "1 overdue action" in shown
    assert "Safeguarding plan" in render(Role.ICTG)
    assert render(Role.FIRST_RESPONDER).strip() == ""
    assert render(Role.PANEL_MEMBER).strip() == ""


def test_a_sittings_page_can_link_to_the_plan_form_with_the_sitting_chosen(client_as, site):
    referral = accepted_referral("northbridge")
    on_agenda = scheduled_meeting("northbridge")
    add_to_agenda(on_agenda, referral)
    other = scheduled_meeting("northbridge")
    url = reverse("safeguarding:plan-create", kwargs={"reference": referral.child.reference})
    client = client_as(Role.COORDINATOR)
    body = client.get(url).content.decode()
    assert f'value="{on_agenda.pk}" checked' in body  # the sitting with the child's case is suggested
    assert "(this child&#39;s case was on the agenda)" in body
    assert f'value="{other.pk}" checked' in client.get(f"{url}?meeting={other.pk}").content.decode()


def test_an_update_sent_after_the_plan_closed_is_refused_with_a_message(client_as, site):
    plan = new_plan(site)
    action = new_action(plan, owner=demo_user(Role.PANEL_MEMBER))
    services.plan_close(plan=plan, user=demo_user(Role.COORDINATOR), reason="Moved away")
    client = client_as(Role.PANEL_MEMBER)
    url = reverse("safeguarding:action-update", kwargs={"action_id": action.pk})
    response = client.post(url, {"status": "done", "note": "Finished"}, follow=True)
    body = response.content.decode()
    assert "This plan is closed: its actions can no longer be updated" in body
    assert "Save progress" not in body
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_STARTED and action.updates.count() == 1


def test_the_plan_page_shows_the_decision_that_stands_not_the_version_replaced(client_as, site):
    """A plan keeps the decision version it was agreed with, often the draft at the sitting. When the second reviewer
    returned that version and the panel decided again, the page still said "Reasonable grounds: Negative", which a
    guardian would explain to the child. It shows the version that stands, and says the plan was agreed with one
    since replaced."""
    from childnrm.dashboard.tests.factories import final_decision
    from childnrm.decisions.models import DecisionStatus, Outcome

    referral = accepted_referral(site.slug)
    returned = final_decision(referral, outcome=Outcome.NEGATIVE, status=DecisionStatus.RETURNED)
    plan = services.plan_create(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        meeting=meeting_of(site),
        decision=returned,
        summary="Support at school.",
        next_review_on=None,
    )
    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert "Reasonable grounds: Negative" in page  # nothing has replaced it yet: the page says what became of it
    assert "(returned to the panel by the second reviewer)" in page

    final_decision(referral, outcome=Outcome.POSITIVE)
    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert "Reasonable grounds: Positive" in page and "Reasonable grounds: Negative" not in page
    assert (
        "The plan was agreed with an earlier version of this decision, since replaced (returned to the panel by the "
        "second reviewer)."
    ) in page
