"""Outcome follow-up: reviews scheduled when a decision becomes final (the site's schedule, the 18th birthday),
follow-up started once per child, owners (lead social worker and guardian) record reviews and missing episodes
under the service's rules, and the daily reminders reach the owners once when a review opens and weekly while
it is overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import final_decision
from childnrm.outcomes import services
from childnrm.outcomes.models import (
    Answer,
    Exploitation,
    InterviewHeld,
    InterviewOffered,
    Justice,
    MissingEpisode,
    OutcomeFollowUp,
    OutcomeReview,
    ReviewPoint,
    Support,
)
from childnrm.outcomes.reminders import outcome_reminders_send
from childnrm.outcomes.services import OutcomeError, OutcomeInvalid, add_months
from childnrm.outcomes.tests.factories import REVIEW_ANSWERS, decided_child, missing_episode, record_review
from childnrm.people import services as people_services
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.triage.eligibility import eighteenth_birthday
from conftest import demo_user

pytestmark = pytest.mark.django_db


def reviews_of(child) -> list[OutcomeReview]:
    return list(OutcomeReview.objects.filter(child=child).order_by("due_on", "id"))


def codes(problem: OutcomeInvalid) -> set[str]:
    return {p.code for p in problem.problems}


# --- The schedule ---------------------------------------------------------------------------------


def test_months_are_calendar_months_ending_on_a_shorter_months_last_day():
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 24) == date(2028, 11, 30)


def test_review_at_18_only_when_the_birthday_is_known_and_after_the_decision():
    start = date(2026, 1, 10)
    points = services.planned_reviews(start, [3], True, date(2010, 5, 1))
    assert [(p["point"], p["due_on"]) for p in points] == [
        (ReviewPoint.MONTHS, date(2026, 4, 10)),
        (ReviewPoint.EIGHTEEN, date(2028, 5, 1)),
    ]
    assert len(services.planned_reviews(start, [3], True, None)) == 1  # date of birth not known
    assert len(services.planned_reviews(start, [3], True, date(2007, 12, 1))) == 1  # already 18 when decided
    assert len(services.planned_reviews(start, [3], False, date(2010, 5, 1))) == 1  # the site reviews at 18 no more


def test_a_final_decision_schedules_reviews_at_3_6_12_and_24_months_and_at_18(demo):
    decision = decided_child("northbridge")
    child = decision.referral.child
    follow_up = OutcomeFollowUp.objects.get(child=child)
    assert (follow_up.decision, follow_up.starts_on) == (decision, decision.decided_on)
    reviews = reviews_of(child)
    months = [(r.months, r.due_on) for r in reviews if r.point == ReviewPoint.MONTHS]
    assert months == [(m, add_months(decision.decided_on, m)) for m in (3, 6, 12, 24)]
    at_18 = [r for r in reviews if r.point == ReviewPoint.EIGHTEEN]
    assert [r.due_on for r in at_18] == [eighteenth_birthday(child.date_of_birth)]
    assert all(not r.done for r in reviews)
    # Scheduling is on the child's audit trail, by the chair who signed the decision off.
    event = AuditEvent.objects.get(object_type="outcomes.outcomefollowup", object_id=str(follow_up.pk))
    assert event.actor == decision.finalised_by and event.detail["decision"] == decision.pk


def test_the_sites_schedule_applies_to_children_decided_after_it_changes(demo):
    earlier = decided_child("northbridge").referral.child
    admin = demo_user(Role.SITE_ADMIN)
    site = Site.objects.get(slug="northbridge")
    services.schedule_set(site=site, user=admin, months=[9, 1, 9], at_eighteen=False)
    assert services.site_schedule(site) == ([1, 9], False)
    later = decided_child("northbridge").referral.child
    assert [(r.point, r.months) for r in reviews_of(later)] == [(ReviewPoint.MONTHS, 1), (ReviewPoint.MONTHS, 9)]
    assert [r.months for r in reviews_of(earlier) if r.months] == [3, 6, 12, 24]  # already scheduled: unchanged
    # The other site keeps the default.
    assert services.site_schedule(Site.objects.get(slug="three-rivers")) == ([3, 6, 12, 24], True)
    event = AuditEvent.objects.filter(object_type="outcomes.outcomeschedule").get()
    assert event.detail["old"] == {"months": [3, 6, 12, 24], "at_eighteen": True}
    assert event.detail["new"] == {"months": [1, 9], "at_eighteen": False}


def test_the_schedule_is_set_only_by_the_site_administrator_and_must_make_sense(demo):
    site = Site.objects.get(slug="northbridge")
    admin = demo_user(Role.SITE_ADMIN)
    with pytest.raises(PermissionError):
        services.schedule_set(site=site, user=demo_user(Role.COORDINATOR), months=[6], at_eighteen=True)
    with pytest.raises(PermissionError):
        services.schedule_set(site=site, user=demo_user(Role.SITE_ADMIN, "three-rivers"), months=[6], at_eighteen=True)
    for months, at_eighteen, code in (([], False, "empty"), ([0, 3], True, "range"), ([3, 6, 12, 24], True, "same")):
        with pytest.raises(OutcomeError) as refused:
            services.schedule_set(site=site, user=admin, months=months, at_eighteen=at_eighteen)
        assert refused.value.code == code and refused.value.field == "months"
    services.schedule_set(site=site, user=admin, months=[], at_eighteen=True)  # only at 18 is a schedule
    assert services.site_schedule(site) == ([], True)


def test_later_decisions_about_the_child_do_not_restart_the_follow_up(demo):
    today = timezone.localdate()
    first = decided_child("northbridge", decided_on=today - timedelta(days=60))
    before = [(r.pk, r.due_on) for r in reviews_of(first.referral.child)]
    conclusive = final_decision("northbridge", stage=Stage.CONCLUSIVE_GROUNDS, referral=first.referral)
    assert conclusive.status == DecisionStatus.FINAL
    assert OutcomeFollowUp.objects.filter(child=first.referral.child).count() == 1
    assert [(r.pk, r.due_on) for r in reviews_of(first.referral.child)] == before


def test_a_negative_decision_agreed_at_second_review_starts_the_follow_up_too(demo):
    """'Every decided child': the hook runs when the second reviewer agrees, the moment it becomes final."""
    site = Site.objects.get(slug="northbridge")
    site.negative_second_review = True
    site.save(update_fields=["negative_second_review"])
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    assert decision.second_reviewed_by is not None and decision.status == DecisionStatus.FINAL
    follow_up = OutcomeFollowUp.objects.get(child=decision.referral.child)
    assert follow_up.decision == decision and follow_up.created_by == decision.second_reviewed_by


def test_the_daily_task_starts_the_follow_up_of_a_child_decided_without_one(demo):
    decision = decided_child("northbridge")
    child = decision.referral.child
    OutcomeFollowUp.objects.filter(child=child).delete()  # decided before this app existed
    started = services.follow_ups_ensure()
    assert [f.child for f in started] == [child]
    assert OutcomeFollowUp.objects.get(child=child).decision == decision
    assert len(reviews_of(child)) == 5
    assert services.follow_ups_ensure() == []  # once


# --- Who records ----------------------------------------------------------------------------------


def test_the_guardian_and_the_lead_social_worker_own_the_reviews_nobody_else(demo):
    decision = decided_child("northbridge")
    child = decision.referral.child
    guardian, member = demo_user(Role.ICTG), demo_user(Role.PANEL_MEMBER)
    review = reviews_of(child)[0]
    for outsider in (member, demo_user(Role.COORDINATOR), demo_user(Role.ICTG, "three-rivers")):
        with pytest.raises(PermissionError):
            record_review(review, outsider)
    # The panel member becomes the child's lead social worker (their email matches): they own it too.
    people_services.lead_social_worker_record(
        child=child, user=demo_user(Role.COORDINATOR), name=member.full_name, email=member.email
    )
    assert {u.pk for u in services.selectors.owners_of(child)} == {guardian.pk, member.pk}
    record_review(review, member)
    # A guardian whose allocation ended no longer owns them.
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).update(ends_at=timezone.now())
    with pytest.raises(PermissionError):
        record_review(reviews_of(child)[1], guardian)


# --- Recording a review ---------------------------------------------------------------------------


def test_a_review_opens_four_weeks_before_it_is_due(demo):
    review = reviews_of(decided_child("northbridge").referral.child)[0]
    guardian = demo_user(Role.ICTG)
    too_early = review.due_on - timedelta(days=29)
    with pytest.raises(OutcomeError) as refused:
        services.review_record(review=review, user=guardian, answers=REVIEW_ANSWERS, today=too_early)
    assert refused.value.code == "not_open"
    saved = services.review_record(review=review, user=guardian, answers=REVIEW_ANSWERS, today=too_early + timedelta(1))
    assert (
        saved.done and saved.recorded_by == guardian and saved.young_person_view == REVIEW_ANSWERS["young_person_view"]
    )
    event = AuditEvent.objects.filter(object_type="outcomes.outcomereview", object_id=str(review.pk)).get()
    assert event.action == "update" and "young_person_view" in event.detail["changed"]
    assert REVIEW_ANSWERS["young_person_view"] not in str(event.detail)  # the words stay in the record


def test_answers_that_do_not_fit_together_are_refused_all_at_once(demo):
    decision = decided_child("northbridge")
    child, guardian = decision.referral.child, demo_user(Role.ICTG)
    review = reviews_of(child)[0]
    missing_episode(
        child,
        guardian,
        started_on=decision.decided_on,
        ended_on=decision.decided_on,
        interview_on=decision.decided_on,
    )
    wrong = {
        **REVIEW_ANSWERS,
        "went_missing": Answer.NO,  # an episode is recorded since the decision
        "further_exploitation": Exploitation.SUSPECTED,  # without the type
        "justice": [Justice.NONE, Justice.CHARGED],
        "support": [],
        "view_given": True,
        "young_person_view": "  ",
    }
    with pytest.raises(OutcomeInvalid) as refused:
        record_review(review, guardian, **wrong)
    assert codes(refused.value) == {"missing_recorded", "exploitation_types", "justice_none", "s45", "support", "view"}
    assert "1 missing episode is recorded since the last review" in str(refused.value.form_errors())
    review.refresh_from_db()
    assert not review.done


def test_a_charge_needs_the_section_45_answer_and_answers_that_do_not_apply_are_cleared(demo):
    review = reviews_of(decided_child("northbridge").referral.child)[0]
    guardian = demo_user(Role.ICTG)
    with pytest.raises(OutcomeInvalid) as refused:
        record_review(review, guardian, justice=[Justice.CHARGED], section_45_raised=Answer.YES)
    assert codes(refused.value) == {"s45_result"}
    saved = record_review(
        review,
        guardian,
        justice=[Justice.VICTIM_OR_WITNESS],  # not charged: the defence answers go
        section_45_raised=Answer.YES,
        section_45_result="acquitted",
        further_exploitation=Exploitation.NO,
        exploitation_types=["criminal"],
        view_given=False,
        view_not_given_reason="Did not want to talk about it this time.",
        support=[Support.GUARDIAN],
    )
    assert (saved.section_45_raised, saved.section_45_result, saved.exploitation_types) == ("", "", [])
    assert (saved.young_person_view, saved.view_given) == ("", False)


def test_since_the_last_review_runs_from_when_the_previous_one_was_recorded(demo):
    today = timezone.localdate()
    decision = decided_child("northbridge", decided_on=today - timedelta(days=200))
    child, guardian = decision.referral.child, demo_user(Role.ICTG)
    first, second = reviews_of(child)[:2]
    assert services.period_start(first) == decision.decided_on
    record_review(first, guardian)
    assert services.period_start(second) == today
    old = missing_episode(child, guardian, started_on=today - timedelta(days=150), ended_on=today - timedelta(days=149))
    assert old not in services.episodes_in_period(second, today)
    with pytest.raises(OutcomeInvalid):  # but the first review's period includes it: "no" is refused there
        record_review(first, guardian, went_missing=Answer.NO)


# --- Missing episodes -----------------------------------------------------------------------------


def test_missing_episodes_follow_the_return_home_interview_rules(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    today = timezone.localdate()
    still_missing = services.missing_episode_record(
        child=child, user=guardian, data={"started_on": today - timedelta(days=2)}
    )
    assert still_missing.open and still_missing.interview_offered == ""
    refusals = {
        "interview_before_return": {"started_on": today, "interview_offered": InterviewOffered.YES},
        "open_episode": {"started_on": today},  # already missing since two days ago
        "ended": {"started_on": today, "ended_on": today - timedelta(days=1)},
        "started_future": {"started_on": today + timedelta(days=1)},
    }
    for code, data in refusals.items():
        with pytest.raises(OutcomeInvalid) as refused:
            services.missing_episode_record(child=child, user=guardian, data=data, episode=None)
        assert code in codes(refused.value), code
    back = today - timedelta(days=1)
    with pytest.raises(OutcomeInvalid) as refused:
        services.missing_episode_record(
            child=child,
            user=guardian,
            episode=still_missing,
            data={
                "started_on": still_missing.started_on,
                "ended_on": back,
                "interview_offered": InterviewOffered.NO,
                "interview_held": InterviewHeld.YES,
            },
        )
    assert codes(refused.value) == {"held_not_offered", "interview_on", "learned"}
    returned = services.missing_episode_record(
        child=child,
        user=guardian,
        episode=still_missing,
        data={
            "started_on": still_missing.started_on,
            "ended_on": back,
            "interview_offered": InterviewOffered.YES,
            "interview_held": InterviewHeld.YES,
            "interview_on": today,
            "learned": "Stayed at a friend's; the friend's older brother asked him to carry a bag.",
        },
    )
    assert not returned.open and services.interview_due_by(returned) == back + timedelta(days=3)
    assert MissingEpisode.objects.filter(child=child).count() == 1
    events = AuditEvent.objects.filter(object_type="outcomes.missingepisode", object_id=str(returned.pk))
    assert [e.action for e in events.order_by("seq")] == ["create", "update"]
    with pytest.raises(PermissionError):
        services.missing_episode_record(child=child, user=demo_user(Role.COORDINATOR), data={"started_on": today})


def test_the_same_episode_is_not_recorded_twice_and_episodes_may_share_a_day(demo):
    """A double click on Save, or a second worker entering the episode again, would count it twice in the outcome
    reviews ("missing episodes recorded") and the site's figures."""
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    today = timezone.localdate()
    answers = {"interview_offered": InterviewOffered.YES, "interview_held": InterviewHeld.NOT_YET}
    week = {"started_on": today - timedelta(days=10), "ended_on": today - timedelta(days=6), **answers}
    first = services.missing_episode_record(child=child, user=guardian, data=week)
    clashes = {
        "the same dates": week,
        "inside it": {**week, "started_on": today - timedelta(days=9), "ended_on": today - timedelta(days=8)},
        "over its start": {**week, "started_on": today - timedelta(days=12), "ended_on": today - timedelta(days=9)},
        "from within it, still missing": {"started_on": today - timedelta(days=7)},
    }
    for name, data in clashes.items():
        with pytest.raises(OutcomeInvalid) as refused:
            services.missing_episode_record(child=child, user=guardian, data=data)
        assert codes(refused.value) == {"overlap"}, name
        assert "already recorded as missing from" in str(refused.value.form_errors()), name
    # Back in the morning, missing again that night: the next episode starts the day the last one ended.
    again = services.missing_episode_record(
        child=child, user=guardian, data={**week, "started_on": week["ended_on"], "ended_on": today - timedelta(days=3)}
    )
    # Correcting an episode's own dates is not a clash with itself.
    services.missing_episode_record(
        child=child, user=guardian, episode=first, data={**week, "started_on": today - timedelta(days=11)}
    )
    # A closed episode entered over one still open is refused too: record the return on the open one.
    services.missing_episode_record(child=child, user=guardian, data={"started_on": today - timedelta(days=1)})
    with pytest.raises(OutcomeInvalid) as refused:
        services.missing_episode_record(
            child=child, user=guardian, data={**week, "started_on": today, "ended_on": today}
        )
    assert codes(refused.value) == {"open_episode"}
    assert MissingEpisode.objects.filter(child=child).count() == 3 and again.pk != first.pk


def test_an_earlier_episode_may_end_the_day_the_open_one_started_whichever_is_recorded_first(demo):
    """Back in the morning, missing again that night, recorded the other way round: the child is recorded as still
    missing since that night, then the episode before it is entered. Two open episodes still clash."""
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    night = timezone.localdate() - timedelta(days=2)
    answers = {"interview_offered": InterviewOffered.YES, "interview_held": InterviewHeld.NOT_YET}
    services.missing_episode_record(child=child, user=guardian, data={"started_on": night})
    services.missing_episode_record(
        child=child, user=guardian, data={"started_on": night - timedelta(days=5), "ended_on": night, **answers}
    )
    with pytest.raises(OutcomeInvalid) as refused:
        services.missing_episode_record(child=child, user=guardian, data={"started_on": night - timedelta(days=9)})
    assert codes(refused.value) == {"overlap"}
    assert MissingEpisode.objects.filter(child=child).count() == 2


# --- Reminders ------------------------------------------------------------------------------------


def test_owners_are_reminded_once_when_a_review_opens_and_weekly_while_it_is_overdue(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    first = reviews_of(child)[0]
    opens = services.opens_on(first)

    assert outcome_reminders_send(today=opens - timedelta(days=1)).emails == 0
    run = outcome_reminders_send(today=opens)
    assert (run.emails, run.due, run.overdue) == (1, 1, 0)
    [message] = mail.outbox
    assert message.to == [guardian.email]
    assert f"3-month review for child record {child.reference}" in message.body
    assert child.display_name not in message.body and child.given_names not in message.body
    assert f"/outcomes/reviews/{first.pk}/" in message.body
    assert outcome_reminders_send(today=opens).emails == 0  # a second run the same day
    assert outcome_reminders_send(today=opens + timedelta(days=3)).emails == 0  # told once that it is due

    late = first.due_on + timedelta(days=1)
    assert outcome_reminders_send(today=late).overdue == 1
    assert "overdue by 1 day" in mail.outbox[-1].body
    assert outcome_reminders_send(today=late + timedelta(days=6)).emails == 0
    assert outcome_reminders_send(today=late + timedelta(days=7)).overdue == 1
    record_review(first, guardian)
    assert outcome_reminders_send(today=late + timedelta(days=14)).emails == 0  # recorded: no more


def test_a_review_nobody_owns_goes_to_the_coordinators(demo):
    child = decided_child("northbridge").referral.child
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).update(ends_at=timezone.now())
    first = reviews_of(child)[0]
    run = outcome_reminders_send(today=first.due_on + timedelta(days=2))
    assert run.unowned == 1
    [message] = mail.outbox
    assert message.to == [demo_user(Role.COORDINATOR).email]
    assert "no lead social worker or guardian" in message.body


def test_the_daily_task_sends_the_outcome_reminders(demo):
    from childnrm.dashboard.tasks import send_daily_reminders

    first = reviews_of(decided_child("northbridge").referral.child)[0]
    summary = send_daily_reminders.call(first.due_on.isoformat())
    assert summary["outcome_reviews"]["due"] == 1
    assert any(m.to == [demo_user(Role.ICTG).email] and "outcome review" in m.subject.lower() for m in mail.outbox)
