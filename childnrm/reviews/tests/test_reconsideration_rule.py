"""Issue 8, rule 8: reconsideration.

- The window runs from the day the decision became final and was communicated to the referrer, not from the
  sitting; a second review does not use it up; until communicated it has not started.
- One function gives its last day (decisions.reconsideration.last_day), kept with the window as opened; the
  request page and the SCA return show it.
- The differently constituted panel excludes the original chair: listing before a meeting they chair is
  refused, and their chairing the reconsideration stops it being the outcome.
- Requests come from the first responder, or the child's social worker, guardian or support provider;
  anyone else's request is recorded as brought through one of them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions import reconsideration as rules
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, DecisionVote, Outcome, Vote
from childnrm.kit.dates import long_date
from childnrm.panels.models import AgendaItem
from childnrm.reviews import services
from childnrm.reviews.models import (
    ReconsiderationGround,
    ReconsiderationRequest,
    ReconsiderationStatus,
    ReconsiderationWindow,
    RequesterKind,
)
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def receive(decision, received_on=None, **changes) -> ReconsiderationRequest:
    data = dict(
        decision=decision,
        user=f.site_user(Role.COORDINATOR),
        requester_kind=RequesterKind.REFERRER,
        requester_name="Sam Referrer",
        requester_organisation="Northbridge Police",
        grounds=[ReconsiderationGround.NEW_EVIDENCE],
        details="A school report the panel did not see.",
        received_on=received_on or timezone.localdate(),
        accept_late=None,
        late_reason="",
    )
    data.update(changes)
    return services.reconsideration_receive(**data)


# The one computation ----------------------------------------------------------------------------------


def test_the_last_day_runs_from_the_later_of_final_and_communicated():
    assert rules.last_day(final_on=date(2026, 1, 1), communicated_on=date(2026, 1, 10), window_days=30) == date(
        2026, 2, 9
    )
    assert rules.last_day(final_on=date(2026, 1, 10), communicated_on=date(2026, 1, 1), window_days=30) == date(
        2026, 2, 9
    )
    assert rules.last_day(final_on=date(2026, 1, 1), communicated_on=None, window_days=30) is None
    assert rules.last_day(final_on=None, communicated_on=date(2026, 1, 1), window_days=30) is None


def test_a_decision_that_waited_for_second_review_became_final_when_the_reviewer_agreed(demo):
    decision = f.final_decision(decided_on=days_ago(40), communicated=False)
    Decision.objects.filter(pk=decision.pk).update(
        finalised_at=at(days_ago(40)), second_reviewed_at=at(days_ago(3)), second_review_agrees=True
    )
    decision.refresh_from_db()
    assert rules.final_on(decision) == days_ago(3)
    decision.status = DecisionStatus.SECOND_REVIEW
    assert rules.final_on(decision) is None  # still waiting: not final, no window


# The window in the request service ---------------------------------------------------------------------


def test_the_window_runs_from_communication_not_from_the_sitting(demo):
    # Decided and final at a sitting 40 days ago, the referrer's letter produced 5 days ago.
    decision = f.final_decision(decided_on=days_ago(40), communicated_on=days_ago(5))
    window = ReconsiderationWindow.objects.get(decision=decision)
    assert window.last_day == days_ago(5) + timedelta(days=30)
    asked = receive(decision)
    assert asked.within_window is True and asked.status == ReconsiderationStatus.RECEIVED
    event = AuditEvent.objects.get(object_type="reviews.reconsiderationrequest", object_id=str(asked.pk))
    assert event.detail["window_closes"] == window.last_day.isoformat()


def test_the_day_after_the_last_day_is_late(demo):
    decision = f.final_decision(decided_on=days_ago(45), communicated_on=days_ago(31))
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(decision)
    assert problem.value.field == "accept_late"
    assert f"the window closed on {long_date(days_ago(1))}" in str(problem.value)


def test_a_second_review_does_not_use_up_the_window(demo):
    # The sitting was 40 days ago; the second reviewer agreed 3 days ago and the letter went that day.
    decision = f.final_decision(decided_on=days_ago(40), communicated=False)
    Decision.objects.filter(pk=decision.pk).update(
        finalised_at=at(days_ago(40)), second_reviewed_at=at(days_ago(3)), second_review_agrees=True
    )
    decision.refresh_from_db()
    window = services.window_open(decision=decision, communicated_on=days_ago(3))
    assert window.final_on == days_ago(3) and window.last_day == days_ago(3) + timedelta(days=30)
    assert receive(decision).within_window is True


def test_before_the_decision_is_communicated_the_window_has_not_started(demo, client_as):
    decision = f.final_decision(decided_on=days_ago(100), communicated=False)
    assert services.window_closes_on(decision) is None
    asked = receive(decision)
    assert asked.within_window is True and asked.status == ReconsiderationStatus.RECEIVED
    page = client_as(Role.COORDINATOR).get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert "Not started: the decision has not yet been communicated to the referrer" in page


def test_the_window_is_opened_once_and_only_for_a_final_negative_decision(demo):
    decision = f.final_decision(decided_on=days_ago(10), communicated_on=days_ago(8))
    again = services.window_open(decision=decision, communicated_on=timezone.localdate())
    assert again.communicated_on == days_ago(8)
    assert ReconsiderationWindow.objects.filter(decision=decision).count() == 1
    positive = f.final_decision(outcome=Outcome.POSITIVE, communicated=False)
    assert services.window_open(decision=positive, communicated_on=timezone.localdate()) is None


def test_the_database_refuses_a_last_day_before_the_decision_was_communicated(demo):
    decision = f.final_decision(communicated=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconsiderationWindow.objects.create(
            decision=decision,
            final_on=days_ago(2),
            communicated_on=days_ago(1),
            window_days=30,
            last_day=days_ago(2),
        )


def test_the_request_page_and_the_sca_return_give_the_same_last_day(demo, client_as):
    Site.objects.filter(slug="northbridge").update(reconsideration_window_days=21)
    decision = f.final_decision(decided_on=days_ago(20), communicated_on=days_ago(6))
    last_day = days_ago(6) + timedelta(days=21)
    asked = receive(decision)
    page = client_as(Role.COORDINATOR).get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert f"The 21-day window runs from {long_date(days_ago(6))}" in page
    assert f"ends on {long_date(last_day)}" in page

    sent = services.return_send(decision=decision, user=f.site_user(Role.COORDINATOR))
    assert sent.export["reconsideration_window"] == {
        "started": True,
        "final_on": days_ago(20).isoformat(),
        "communicated_on": days_ago(6).isoformat(),
        "window_days": 21,
        "last_day": last_day.isoformat(),
    }


def test_the_new_request_form_gives_each_decisions_last_day(demo, client_as):
    communicated = f.final_decision(decided_on=days_ago(12), communicated_on=days_ago(2))
    waiting = f.final_decision(decided_on=days_ago(3), communicated=False)
    form = client_as(Role.COORDINATOR).get("/reviews/reconsiderations/new/").content.decode()
    assert f"(window ends {long_date(days_ago(2) + timedelta(days=30))})" in form
    assert "(window not started: not yet communicated to the referrer)" in form
    assert communicated.referral.reference in form and waiting.referral.reference in form


# The differently constituted panel: not the original chair ------------------------------------------------


def test_listing_before_a_meeting_chaired_by_the_original_chair_is_refused(demo, client_as):
    decision = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    original_chair = decision.finalised_by
    asked = f.reconsideration(decision=decision)
    fresh = f.panel_trio("northbridge", "Fresh")
    chaired_by_original = f.meeting(voters=fresh, chair=original_chair, location="Town Hall")
    coordinator = f.site_user(Role.COORDINATOR)
    with pytest.raises(services.ReviewInvalid) as problem:
        services.reconsideration_list(reconsideration=asked, meeting=chaired_by_original, user=coordinator)
    assert problem.value.field == "meeting"
    assert str(problem.value).startswith(f"{original_chair.full_name} chaired the decision being reconsidered")
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.RECEIVED
    assert not AgendaItem.objects.filter(meeting=chaired_by_original).exists()

    client = client_as(Role.COORDINATOR)
    page = client.get(f"/reviews/reconsiderations/{asked.pk}/listing/").content.decode()
    assert "Chaired by the chair of the original decision: cannot take it." in page
    response = client.post(f"/reviews/reconsiderations/{asked.pk}/listing/", {"meeting": str(chaired_by_original.pk)})
    assert "There is a problem" in response.content.decode()
    assert "chaired the decision being reconsidered" in response.content.decode()

    services.reconsideration_list(reconsideration=asked, meeting=f.meeting(voters=fresh), user=coordinator)
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.LISTED


def test_a_reconsideration_chaired_by_the_original_chair_is_not_the_outcome(demo):
    decision = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    asked = f.reconsideration(decision=decision)
    fresh = f.panel_trio("northbridge", "Fresh")
    coordinator = f.site_user(Role.COORDINATOR)
    sitting = f.meeting(voters=fresh)
    services.reconsideration_list(reconsideration=asked, meeting=sitting, user=coordinator)
    # The sitting's chair was then changed to the original chair, who signed the reconsideration off.
    sitting.chair = decision.finalised_by
    sitting.save(update_fields=["chair"])
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.SUPERSEDED)
    decided = Decision.objects.create(
        referral=decision.referral,
        stage=decision.stage,
        version=decision.version + 1,
        supersedes=decision,
        kind=DecisionKind.RECONSIDERATION,
        status=DecisionStatus.FINAL,
        meeting=sitting,
        guidance_version=decision.guidance_version,
        test_applied=decision.test_applied,
        outcome=Outcome.POSITIVE,
        decided_on=timezone.localdate(),
        created_by=coordinator,
        finalised_by=decision.finalised_by,
        finalised_at=timezone.now(),
    )
    for voter in fresh:
        DecisionVote.objects.create(
            decision=decided, voter=voter, agency="police", vote=Vote.POSITIVE, recorded_by=coordinator
        )
    with pytest.raises(services.ReviewStateError, match="chair of the original decision chaired"):
        services.reconsideration_decide(reconsideration=asked, user=coordinator)
    asked.refresh_from_db()
    assert asked.status == ReconsiderationStatus.LISTED


# Who may ask ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [RequesterKind.REFERRER, RequesterKind.SOCIAL_WORKER, RequesterKind.ICTG, RequesterKind.SUPPORT_PROVIDER],
)
def test_the_first_responder_social_worker_guardian_or_support_provider_ask_directly(demo, kind):
    asked = receive(f.final_decision(), requester_kind=kind, routed_through="ictg", routed_through_name="Ignored")
    assert asked.requester_kind == kind
    assert asked.routed_through == "" and asked.routed_through_name == ""


def test_anyone_else_is_recorded_as_asking_through_one_of_them(demo, client_as):
    decision = f.final_decision()
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(decision, requester_kind=RequesterKind.OTHER, requester_name="Aunt Grace")
    assert problem.value.field == "routed_through"
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(decision, requester_kind=RequesterKind.OTHER, requester_name="Aunt Grace", routed_through="other")
    assert problem.value.field == "routed_through"
    with pytest.raises(services.ReviewInvalid) as problem:
        receive(
            decision,
            requester_kind=RequesterKind.OTHER,
            requester_name="Aunt Grace",
            routed_through=RequesterKind.SOCIAL_WORKER,
        )
    assert problem.value.field == "routed_through_name"
    assert not decision.reconsideration_requests.exists()

    asked = receive(
        decision,
        requester_kind=RequesterKind.OTHER,
        requester_name="Aunt Grace",
        routed_through=RequesterKind.SOCIAL_WORKER,
        routed_through_name="Ann Lee",
    )
    assert (asked.requester_name, asked.routed_through, asked.routed_through_name) == (
        "Aunt Grace",
        RequesterKind.SOCIAL_WORKER,
        "Ann Lee",
    )
    page = client_as(Role.COORDINATOR).get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert "Aunt Grace" in page and "Brought by Ann Lee: through the child&#39;s social worker" in page


def test_the_database_refuses_someone_elses_request_without_who_brought_it(demo):
    decision = f.final_decision()
    row = dict(
        decision=decision,
        requester_name="Aunt Grace",
        details="x",
        received_on=timezone.localdate(),
        within_window=True,
        recorded_by=f.site_user(Role.COORDINATOR),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconsiderationRequest.objects.create(requester_kind=RequesterKind.OTHER, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconsiderationRequest.objects.create(
            requester_kind=RequesterKind.REFERRER, routed_through="ictg", routed_through_name="Sam", **row
        )


def test_the_form_records_who_brought_someone_elses_request(demo, client_as):
    decision = f.final_decision(decided_on=days_ago(2))
    today = timezone.localdate()
    response = client_as(Role.COORDINATOR).post(
        "/reviews/reconsiderations/new/",
        {
            "decision": str(decision.pk),
            "requester_kind": "other",
            "requester_name": "Aunt Grace",
            "routed_through": "ictg",
            "routed_through_name": "Sam Patel",
            "grounds": ["new_evidence"],
            "details": "A letter from the child's school.",
            "received_on_day": str(today.day),
            "received_on_month": str(today.month),
            "received_on_year": str(today.year),
        },
    )
    assert response.status_code == 302
    asked = ReconsiderationRequest.objects.get(decision=decision)
    assert asked.requester_kind == "other" and asked.routed_through == "ictg"
    assert asked.routed_through_name == "Sam Patel" and asked.requester_name == "Aunt Grace"


def test_the_listing_page_flags_each_meeting_the_original_chair_chairs_from_one_read(demo, client_as):
    """The meetings offered for a reconsideration say which the original chair chairs, in the same statements for
    two meetings or five: who chaired the original is read once, not once per meeting."""
    from childnrm.core.tests.queries import CountedQueries

    decision = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    asked = f.reconsideration(decision=decision)
    fresh = f.panel_trio("northbridge", "Fresh")
    url = f"/reviews/reconsiderations/{asked.pk}/listing/"
    client = client_as(Role.COORDINATOR)
    f.meeting(voters=fresh, chair=decision.finalised_by, location="Town Hall")
    f.meeting(voters=fresh, location="Civic Centre")
    client.get(url)

    def statements() -> tuple[int, str]:
        with CountedQueries() as captured:
            page = client.get(url).content.decode()
        return len(captured), page

    two, _ = statements()
    for n in range(3):
        f.meeting(voters=fresh, location=f"Annexe {n}", chair=decision.finalised_by if n == 0 else None)
    five, page = statements()
    assert five == two
    flagged = [part for part in page.split('name="meeting"')[1:] if "Chaired by the chair of the original" in part]
    assert len(flagged) == 2 and any("Town Hall" in part for part in flagged)
    assert any("Annexe 0" in part for part in flagged)
