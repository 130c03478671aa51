"""The child's guardian is told their child is missing as soon as the episode is recorded (domain step 15): the
episode's task, queued once it is saved, tells each guardian in force with the daily run's own code
(`reminders.missing_episodes_tell`), so the daily run then has nothing more to send, and sends whatever the task could
not. Tests run queued tasks at once (settings.TASKS, the immediate backend), here once the change is committed."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, User
from childnrm.audit.models import AuditEvent
from childnrm.outcomes import services
from childnrm.outcomes.models import InterviewHeld, InterviewOffered, MissingEpisode
from childnrm.outcomes.reminders import missing_guardians_tell, outcome_reminders_send
from childnrm.outcomes.tasks import missing_guardians_tell_at_once
from childnrm.outcomes.tests.factories import allocate_guardian, decided_child, missing_episode
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

BACK = {"interview_offered": InterviewOffered.YES, "interview_held": InterviewHeld.NOT_YET}


def _lead_social_worker(child: Child) -> User:
    worker = demo_user(Role.FIRST_RESPONDER, child.site.slug)
    ChildAssociation.objects.get_or_create(child=child, user=worker, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    return worker


def _recorded_missing(child: Child, by: User, capture, *, days: int = 2) -> MissingEpisode:
    """The child recorded as missing since `days` ago, and the change committed (its on-commit work run)."""
    with capture(execute=True):
        return services.missing_episode_record(
            child=child, user=by, data={"started_on": timezone.localdate() - timedelta(days=days)}
        )


def _to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def _told_events(episode: MissingEpisode):
    return AuditEvent.objects.filter(
        object_type="outcomes.missingepisode", object_id=str(episode.pk), action="update", detail__automatic=True
    )


def test_the_guardian_is_told_when_the_episode_is_recorded_and_the_daily_run_sends_nothing_more(
    demo, django_capture_on_commit_callbacks
):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = _recorded_missing(child, _lead_social_worker(child), django_capture_on_commit_callbacks)

    [message] = _to(guardian)  # no daily run yet
    assert message.subject == f"Child record {child.reference}: missing"
    assert f"(child record {child.reference}) has been recorded as missing since" in message.body
    for said in (child.display_name, child.given_names, child.family_name):
        assert said not in message.body and said not in message.subject
    episode.refresh_from_db()
    assert episode.guardians_told == [guardian.pk]
    [event] = _told_events(episode)  # audited as the daily run audits it
    assert event.actor is None and event.site_id == child.site_id
    assert event.detail["guardians_told"] == [guardian.pk] and event.detail["not_sent"] == 0

    mail.outbox.clear()
    today = timezone.localdate()
    assert outcome_reminders_send(today=today).missing_told == 0
    assert missing_guardians_tell(today=today + timedelta(days=1)) == 0
    assert _to(guardian) == []


def test_the_guardian_is_told_when_the_page_records_the_episode(demo, django_capture_on_commit_callbacks):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    client = signed_in(_lead_social_worker(child))
    started = timezone.localdate() - timedelta(days=1)
    data = {"started_on_day": started.day, "started_on_month": started.month, "started_on_year": started.year}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outcomes:missing-add", args=[child.reference]), data)
    assert response.status_code == 302
    assert len(_to(guardian)) == 1
    assert MissingEpisode.objects.get(child=child).guardians_told == [guardian.pk]


def test_a_past_episode_tells_nobody_and_one_missing_now_tells_at_once(demo, django_capture_on_commit_callbacks):
    """An episode recorded once the child is back (its return on it) is not news to tell; the next one, recorded
    while the child is missing, is told at once, even when the child went missing months ago."""
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    worker = _lead_social_worker(child)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        missing_episode(child, worker)  # five days ago, back two days later
    assert callbacks == [] and mail.outbox == []

    episode = _recorded_missing(child, worker, django_capture_on_commit_callbacks, days=2)
    assert len(_to(guardian)) == 1
    # Back today (an update tells nobody), then missing again tonight: a new episode, told at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.missing_episode_record(
            child=child,
            user=worker,
            episode=episode,
            data={"started_on": episode.started_on, "ended_on": timezone.localdate(), **BACK},
        )
    assert len(_to(guardian)) == 1
    mail.outbox.clear()
    _recorded_missing(child, worker, django_capture_on_commit_callbacks, days=0)
    assert len(_to(guardian)) == 1


def test_a_child_missing_for_months_when_recorded_is_told_at_once(demo, django_capture_on_commit_callbacks):
    """The daily run's bound (reminders.MISSING_TOLD_WITHIN_DAYS) is not the task's: recorded today, it is news."""
    child = decided_child("northbridge", decided_on=timezone.localdate() - timedelta(days=200)).referral.child
    guardian = demo_user(Role.ICTG)
    _recorded_missing(child, _lead_social_worker(child), django_capture_on_commit_callbacks, days=90)
    assert len(_to(guardian)) == 1


def test_the_guardian_who_records_it_is_not_told_and_the_childs_other_guardian_is(
    demo, django_capture_on_commit_callbacks
):
    child = decided_child("northbridge").referral.child
    recorder = demo_user(Role.ICTG)
    other = demo_user(Role.ICTG, "three-rivers")
    Membership.objects.create(user=other, site=child.site, role=Role.ICTG)  # a guardian at this site too
    allocate_guardian(child, other)

    episode = _recorded_missing(child, recorder, django_capture_on_commit_callbacks)
    assert _to(recorder) == [] and len(_to(other)) == 1
    episode.refresh_from_db()
    assert episode.guardians_told == [other.pk]
    mail.outbox.clear()
    assert missing_guardians_tell(today=timezone.localdate()) == 0
    assert mail.outbox == []


def test_an_email_not_sent_at_once_is_sent_by_the_daily_run(demo, relay, caplog, django_capture_on_commit_callbacks):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    relay.add(guardian.email)

    with caplog.at_level(logging.WARNING, logger="childnrm.kit.mail"):
        episode = _recorded_missing(child, _lead_social_worker(child), django_capture_on_commit_callbacks)
    assert episode.pk is not None and _to(guardian) == []
    assert f"user {guardian.pk} (missing episode {episode.pk})" in caplog.text
    assert guardian.email not in caplog.text  # the log names nobody
    episode.refresh_from_db()
    assert episode.guardians_told == []
    assert not _told_events(episode).exists()

    relay.clear()
    assert missing_guardians_tell(today=timezone.localdate()) == 1
    assert len(_to(guardian)) == 1
    episode.refresh_from_db()
    assert episode.guardians_told == [guardian.pk]


def test_the_task_tells_nobody_of_a_child_anonymised_before_it_ran(demo):
    """The task may run after the child's record was anonymised (the queue's worker runs it later): kept for the
    figures, it is told to nobody, as the daily run."""
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = services.missing_episode_record(  # not committed here: the task has not run
        child=child, user=_lead_social_worker(child), data={"started_on": timezone.localdate() - timedelta(days=1)}
    )
    for case in Referral.objects.filter(child=child):
        case_anonymise(case)
    assert child_anonymised(child.pk)
    allocate_guardian(child, guardian)  # an allocation made again since does not reopen the record

    result = missing_guardians_tell_at_once.enqueue(episode.pk)
    assert result.return_value == 0 and mail.outbox == []
    # Not anonymised, the same task tells the guardian.
    again = decided_child("northbridge").referral.child
    episode = services.missing_episode_record(
        child=again, user=_lead_social_worker(again), data={"started_on": timezone.localdate()}
    )
    assert missing_guardians_tell_at_once.enqueue(episode.pk).return_value == 1
    assert len(_to(guardian)) == 1
