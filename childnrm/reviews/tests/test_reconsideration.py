"""Reconsideration: the window and late acceptance, listing before a differently constituted panel, the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, DecisionVote, Outcome, Vote
from childnrm.panels.models import AgendaItem, AgendaStage, MeetingStatus
from childnrm.reviews import services
from childnrm.reviews.models import ReconsiderationGround, ReconsiderationStatus
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def receive(decision, received_on, *, site_slug="northbridge", accept_late=None, late_reason="", **changes):
    data = dict(
        decision=decision,
        user=f.site_user(Role.COORDINATOR, site_slug),
        requester_kind="referrer",
        requester_name="Sam Referrer",
        requester_organisation="Northbridge Police",
        grounds=[ReconsiderationGround.NEW_EVIDENCE],
        details="A school report the panel did not see.",
        received_on=received_on,
        accept_late=accept_late,
        late_reason=late_reason,
    )
    data.update(changes)
    return services.reconsideration_receive(**data)


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


# The window --------------------------------------------------------------------------------------


def test_a_request_on_the_last_day_of_the_window_is_in_time(demo):
    decision = f.final_decision(decided_on=days_ago(30))
    asked = receive(decision, timezone.localdate())
    assert asked.within_window is True
    assert asked.status == ReconsiderationStatus.RECEIVED
    assert asked.late_reason_accepted == ""
    event = AuditEvent.objects.filter(object_type="reviews.reconsiderationrequest", object_id=str(asked.pk)).get()
    assert event.action == "create" and event.purpose == "Reconsideration of a decision"


def test_a_request_the_day_after_the_window_is_late_and_needs_an_answer(demo):
    decision = f.final_decision(decided_on=days_ago(31))
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(decision, timezone.localdate())
    assert problem.value.field == "accept_late"
    assert "late" in str(problem.value)
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(decision, timezone.localdate(), accept_late=True)
    assert problem.value.field == "late_reason"
    assert not decision.reconsideration_requests.exists()


def test_a_late_request_accepted_records_why(demo):
    decision = f.final_decision(decided_on=days_ago(40))
    asked = receive(decision, timezone.localdate(), accept_late=True, late_reason="The referrer was in hospital.")
    assert asked.within_window is False
    assert asked.status == ReconsiderationStatus.RECEIVED
    assert asked.late_reason_accepted == "The referrer was in hospital."


def test_a_late_request_not_accepted_is_recorded_as_refused(demo, client_as):
    decision = f.final_decision(decided_on=days_ago(40))
    asked = receive(decision, timezone.localdate(), accept_late=False, late_reason="ignored")
    assert asked.status == ReconsiderationStatus.REFUSED
    assert asked.late_reason_accepted == ""
    page = client_as(Role.COORDINATOR).get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert "Not accepted" in page
    assert "List before a panel" not in page


def test_the_window_is_the_sites_setting_in_calendar_days(demo):
    Site.objects.filter(slug="northbridge").update(reconsideration_window_days=10)
    decision = f.final_decision(decided_on=days_ago(11))
    with pytest.raises(services.ReviewInvalid):
        receive(decision, timezone.localdate())
    assert receive(decision, days_ago(1)).within_window is True


def test_only_a_final_negative_decision_of_my_site_can_be_reconsidered(demo):
    positive = f.final_decision(outcome=Outcome.POSITIVE)
    with pytest.raises(services.ReviewStateError):
        receive(positive, timezone.localdate())
    negative = f.final_decision()
    with pytest.raises(PermissionDenied):
        receive(negative, timezone.localdate(), user=f.site_user(Role.COORDINATOR, "three-rivers"))
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(negative, timezone.localdate(), grounds=[])
    assert problem.value.field == "grounds"
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(negative, negative.decided_on - timedelta(days=1))
    assert problem.value.field == "received_on"


def test_one_reconsideration_at_a_time(demo):
    decision = f.final_decision()
    receive(decision, timezone.localdate())
    with pytest.raises(services.ReviewStateError):
        receive(decision, timezone.localdate())


def test_the_form_keeps_everything_typed_when_something_is_missing(demo, client_as):
    decision = f.final_decision(decided_on=days_ago(3))
    client = client_as(Role.COORDINATOR)
    response = client.post(
        "/reviews/reconsiderations/new/",
        {
            "decision": str(decision.pk),
            "requester_kind": "support_provider",
            "requester_name": "Alex Support",
            "requester_organisation": "Safe Futures",
            "details": "The panel did not apply the 2025 guidance on criminal exploitation.",
            "received_on_day": "2",
            "received_on_month": "13",
            "received_on_year": "2026",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select at least one ground for the reconsideration" in page
    assert "The date the request was received must be a real date" in page
    assert 'value="Alex Support"' in page and 'value="Safe Futures"' in page
    assert "The panel did not apply the 2025 guidance on criminal exploitation." in page
    assert 'value="13"' in page
    assert f'value="{decision.pk}" selected' in page
    assert not decision.reconsideration_requests.exists()


def test_the_coordinator_records_a_request_through_the_form(demo, client_as):
    decision = f.final_decision(decided_on=days_ago(3))
    today = timezone.localdate()
    response = client_as(Role.COORDINATOR).post(
        "/reviews/reconsiderations/new/",
        {
            "decision": str(decision.pk),
            "requester_kind": "referrer",
            "requester_name": "Sam Referrer",
            "grounds": ["new_evidence", "guidance_not_followed"],
            "details": "New evidence from the school.",
            "received_on_day": str(today.day),
            "received_on_month": str(today.month),
            "received_on_year": str(today.year),
        },
        follow=True,
    )
    asked = decision.reconsideration_requests.get()
    assert asked.grounds == ["new_evidence", "guidance_not_followed"]
    assert response.redirect_chain[-1][0] == f"/reviews/reconsiderations/{asked.pk}/"
    assert f"Reconsideration request for referral {decision.referral.reference} recorded" in response.content.decode()


def test_another_sites_decision_cannot_be_chosen(demo, client_as):
    elsewhere = f.final_decision("three-rivers")
    today = timezone.localdate()
    response = client_as(Role.COORDINATOR).post(
        "/reviews/reconsiderations/new/",
        {
            "decision": str(elsewhere.pk),
            "requester_kind": "referrer",
            "requester_name": "Sam",
            "grounds": ["new_evidence"],
            "details": "x",
            "received_on_day": str(today.day),
            "received_on_month": str(today.month),
            "received_on_year": str(today.year),
        },
    )
    assert response.status_code == 200
    assert "Select a decision" in response.content.decode()
    assert not elsewhere.reconsideration_requests.exists()


# Listing before a differently constituted panel ------------------------------------------------------


def test_listing_before_a_meeting_where_an_original_voter_sits_is_refused_naming_them(demo):
    original = f.panel_trio("northbridge", "Original")
    decision = f.final_decision(voters=original)
    asked = f.reconsideration(decision=decision)
    fresh = f.panel_trio("northbridge", "Fresh")
    same_panel = f.meeting(voters=[fresh[0], fresh[1], original[2]])
    with pytest.raises(services.ReviewInvalid) as problem:
        services.reconsideration_list(reconsideration=asked, meeting=same_panel, user=f.site_user(Role.COORDINATOR))
    assert problem.value.field == "meeting"
    assert original[2].full_name in str(problem.value)
    assert fresh[0].full_name not in str(problem.value)
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.RECEIVED and asked.meeting is None
    assert not AgendaItem.objects.filter(meeting=same_panel).exists()


def test_listing_before_a_differently_constituted_panel_adds_it_to_the_agenda(demo):
    decision = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    asked = f.reconsideration(decision=decision)
    other_panel = f.meeting(voters=f.panel_trio("northbridge", "Fresh"))
    services.reconsideration_list(reconsideration=asked, meeting=other_panel, user=f.site_user(Role.COORDINATOR))
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.LISTED and asked.meeting == other_panel
    item = AgendaItem.objects.get(meeting=other_panel)
    assert item.referral == decision.referral and item.stage == AgendaStage.RECONSIDERATION
    with pytest.raises(services.ReviewStateError):
        services.reconsideration_list(reconsideration=asked, meeting=other_panel, user=f.site_user(Role.COORDINATOR))


def test_only_future_scheduled_meetings_of_the_site(demo):
    asked = f.reconsideration()
    coordinator = f.site_user(Role.COORDINATOR)
    for sitting in (
        f.meeting(starts_in_days=-1),
        f.meeting(status=MeetingStatus.CANCELLED),
        f.meeting("three-rivers"),
    ):
        with pytest.raises(services.ReviewInvalid):
            services.reconsideration_list(reconsideration=asked, meeting=sitting, user=coordinator)


def test_the_listing_page_shows_who_sat_on_the_original_panel(demo, client_as):
    original = f.panel_trio("northbridge", "Original")
    asked = f.reconsideration(decision=f.final_decision(voters=original))
    same_panel = f.meeting(voters=original, location="Council House")
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/reviews/reconsiderations/{asked.pk}/listing/").content.decode()
    assert "Council House" in page
    response = client.post(f"/reviews/reconsiderations/{asked.pk}/listing/", {"meeting": str(same_panel.pk)})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    for voter in original:
        assert voter.full_name in page
    assert f'value="{same_panel.pk}" checked' in page


# The outcome ---------------------------------------------------------------------------------------


def reconsidered(asked, *, voters, outcome=Outcome.POSITIVE) -> Decision:
    """The reconsidering panel's decision, as the decisions app leaves it once finalised."""
    original = asked.decision
    Decision.objects.filter(pk=original.pk).update(status=DecisionStatus.SUPERSEDED)  # one final version at a time
    decision = Decision.objects.create(
        referral=original.referral,
        stage=original.stage,
        version=original.version + 1,
        supersedes=original,
        kind=DecisionKind.RECONSIDERATION,
        status=DecisionStatus.FINAL,
        meeting=asked.meeting,
        guidance_version=original.guidance_version,
        test_applied=original.test_applied,
        outcome=outcome,
        decided_on=timezone.localdate(),
        created_by=f.site_user(Role.COORDINATOR),
        finalised_by=f.site_user(Role.CHAIR),
        finalised_at=timezone.now(),
    )
    for voter in voters:
        DecisionVote.objects.create(
            decision=decision, voter=voter, agency="police", vote=Vote.POSITIVE, recorded_by=f.site_user(Role.CHAIR)
        )
    return decision


def test_the_outcome_is_the_new_finalised_version_superseding_the_original(demo, client_as):
    asked = f.reconsideration(decision=f.final_decision(voters=f.panel_trio("northbridge", "Original")))
    fresh = f.panel_trio("northbridge", "Fresh")
    services.reconsideration_list(
        reconsideration=asked, meeting=f.meeting(voters=fresh), user=f.site_user(Role.COORDINATOR)
    )
    client = client_as(Role.COORDINATOR)
    response = client.post(f"/reviews/reconsiderations/{asked.pk}/outcome/", follow=True)
    assert "has not been finalised yet" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.LISTED

    decided = reconsidered(asked, voters=fresh)
    page = client.get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert "Record this as the outcome" in page
    client.post(f"/reviews/reconsiderations/{asked.pk}/outcome/")
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.DECIDED
    assert asked.reconsidered_decision == decided
    assert decided.version == asked.decision.version + 1


def test_an_original_voter_voting_on_the_reconsideration_stops_it_being_the_outcome(demo):
    original = f.panel_trio("northbridge", "Original")
    asked = f.reconsideration(decision=f.final_decision(voters=original))
    fresh = f.panel_trio("northbridge", "Fresh")
    services.reconsideration_list(
        reconsideration=asked, meeting=f.meeting(voters=fresh), user=f.site_user(Role.COORDINATOR)
    )
    reconsidered(asked, voters=[fresh[0], original[1]])
    with pytest.raises(services.ReviewStateError):
        services.reconsideration_decide(reconsideration=asked, user=f.site_user(Role.COORDINATOR))


def test_outcome_communicated_emails_the_referrer_with_the_reference_only(demo, django_capture_on_commit_callbacks):
    asked = f.reconsideration(decision=f.final_decision(voters=f.panel_trio("northbridge", "Original")))
    fresh = f.panel_trio("northbridge", "Fresh")
    coordinator = f.site_user(Role.COORDINATOR)
    services.reconsideration_list(reconsideration=asked, meeting=f.meeting(voters=fresh), user=coordinator)
    reconsidered(asked, voters=fresh)
    services.reconsideration_decide(reconsideration=asked, user=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.reconsideration_communicate(reconsideration=asked, user=coordinator)
    asked.refresh_from_db()
    assert asked.outcome_communicated_at is not None
    referral = asked.decision.referral
    [email] = mail.outbox
    assert email.to == [referral.created_by.email]
    assert referral.reference in email.subject
    for personal in (referral.given_names, referral.family_name, referral.child.reference, "Sam Referrer"):
        assert personal not in email.subject and personal not in email.body
    with pytest.raises(services.ReviewStateError):
        services.reconsideration_communicate(reconsideration=asked, user=coordinator)


def test_no_email_when_someone_other_than_the_referrer_asked(demo, django_capture_on_commit_callbacks):
    decision = f.final_decision(decided_on=days_ago(40))
    asked = receive(decision, timezone.localdate(), accept_late=False, requester_kind="support_provider")
    with django_capture_on_commit_callbacks(execute=True):
        services.reconsideration_communicate(reconsideration=asked, user=f.site_user(Role.COORDINATOR))
    assert mail.outbox == []


def test_another_sites_reconsideration_is_not_found(demo, client_as):
    asked = f.reconsideration("three-rivers")
    client = client_as(Role.COORDINATOR)
    assert client.get(f"/reviews/reconsiderations/{asked.pk}/").status_code == 404
    assert client.post(f"/reviews/reconsiderations/{asked.pk}/listing/", {}).status_code == 404
    listing = client.get("/reviews/reconsiderations/").content.decode()
    assert asked.decision.referral.reference not in listing


def test_a_withdrawn_request_leaves_the_agenda(demo, client_as):
    asked = f.reconsideration(decision=f.final_decision(voters=f.panel_trio("northbridge", "Original")))
    sitting = f.meeting(voters=f.panel_trio("northbridge", "Fresh"))
    services.reconsideration_list(reconsideration=asked, meeting=sitting, user=f.site_user(Role.COORDINATOR))
    client = client_as(Role.COORDINATOR)
    assert client.get(f"/reviews/reconsiderations/{asked.pk}/withdrawn/").status_code == 405
    response = client.post(f"/reviews/reconsiderations/{asked.pk}/withdrawn/", follow=True)
    assert "Reconsideration recorded as withdrawn" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.WITHDRAWN
    assert not AgendaItem.objects.filter(meeting=sitting).exists()
    with pytest.raises(services.ReviewStateError):
        services.reconsideration_withdraw(reconsideration=asked, user=f.site_user(Role.COORDINATOR))
    # Withdrawn, the decision may be asked about again.
    assert f.reconsideration(decision=asked.decision).status == ReconsiderationStatus.RECEIVED
