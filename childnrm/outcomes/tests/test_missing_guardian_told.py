"""The child's guardian is told their child is missing (domain step 15): the daily run emails each guardian allocated
to a child missing now (the allocation in force), once per missing episode, in the guardian's language, by reference
and links only, and the guardians told are on the episode's audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, User
from childnrm.audit.models import AuditEvent
from childnrm.outcomes import reminders, services
from childnrm.outcomes.models import InterviewHeld, InterviewOffered, MissingEpisode
from childnrm.outcomes.reminders import missing_guardians_tell, outcome_reminders_send
from childnrm.outcomes.tests.factories import allocate_guardian, decided_child
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.safeguarding import services as safeguarding_services
from conftest import demo_user

pytestmark = pytest.mark.django_db

BACK = {"interview_offered": InterviewOffered.YES, "interview_held": InterviewHeld.NOT_YET}


def _lead_social_worker(child: Child) -> User:
    """The child's lead social worker (a first responder at the site), who records the episode in most tests: the
    guardian who records one is not told of it."""
    worker = demo_user(Role.FIRST_RESPONDER, child.site.slug)
    ChildAssociation.objects.get_or_create(child=child, user=worker, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    return worker


def _missing(child: Child, *, days: int = 2, by: User | None = None) -> MissingEpisode:
    """The child recorded as missing since `days` ago, by the child's lead social worker unless `by` says who."""
    return services.missing_episode_record(
        child=child,
        user=by or _lead_social_worker(child),
        data={"started_on": timezone.localdate() - timedelta(days=days)},
    )


def _to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_guardian_of_a_missing_child_is_emailed_once_per_episode(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = _missing(child)
    today = timezone.localdate()

    run = outcome_reminders_send(today=today)
    assert run.missing_told == 1 and run.as_dict()["missing_guardians_told"] == 1
    [message] = _to(guardian)
    assert message.subject == f"Child record {child.reference}: missing"
    assert f"(child record {child.reference}) has been recorded as missing since" in message.body
    assert f"/children/{child.reference}/" in message.body  # the child's page
    assert f"/outcomes/children/{child.reference}/" in message.body  # where the return is recorded
    # References and links only: nothing that names the child.
    for said in (child.display_name, child.given_names, child.family_name):
        assert said not in message.body and said not in message.subject
    episode.refresh_from_db()
    assert episode.guardians_told == [guardian.pk]
    event = AuditEvent.objects.get(object_type="outcomes.missingepisode", object_id=str(episode.pk), action="update")
    assert event.actor is None and event.site_id == child.site_id
    assert event.detail["guardians_told"] == [guardian.pk] and event.detail["automatic"] is True

    # Not again: a second run the same day, nor the next day, while the child is still missing.
    mail.outbox.clear()
    assert missing_guardians_tell(today=today) == 0
    assert missing_guardians_tell(today=today + timedelta(days=1)) == 0
    assert mail.outbox == []

    # Back, then missing again: a new episode, told again.
    services.missing_episode_record(
        child=child, user=guardian, episode=episode, data={"started_on": episode.started_on, "ended_on": today, **BACK}
    )
    assert missing_guardians_tell(today=today) == 0  # back: nobody to tell
    _missing(child, days=0)
    assert missing_guardians_tell(today=today) == 1
    assert len(_to(guardian)) == 1


def test_a_guardian_whose_allocation_ended_is_not_told_and_one_allocated_again_is(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = _missing(child)
    allocation = ChildAssociation.objects.get(child=child, user=guardian, kind=AssociationKind.ICTG)
    safeguarding_services.guardian_allocation_end(
        child=child, user=demo_user(Role.COORDINATOR), association_id=allocation.pk
    )

    assert missing_guardians_tell(today=timezone.localdate()) == 0
    assert mail.outbox == []
    # Nobody was told, so nothing is claimed: a guardian allocated while the child is still missing is told.
    episode.refresh_from_db()
    assert episode.guardians_told == []
    allocate_guardian(child, guardian)
    assert missing_guardians_tell(today=timezone.localdate()) == 1
    assert len(_to(guardian)) == 1


def test_another_sites_guardian_is_not_told(demo):
    """Allocated to the child but holding no guardian's role at the child's site (the allocation is not in force):
    the child is not theirs, and they could not open the link."""
    child = decided_child("northbridge").referral.child
    elsewhere = demo_user(Role.ICTG, "three-rivers")
    allocate_guardian(child, elsewhere)
    _missing(child)

    assert missing_guardians_tell(today=timezone.localdate()) == 1
    assert _to(elsewhere) == []
    assert len(_to(demo_user(Role.ICTG))) == 1


def test_the_email_is_in_the_guardians_language(demo, welsh_site):
    """At a Welsh site the guardian who has not chosen is written to in Welsh; one who chose English, in English."""
    guardian = demo_user(Role.ICTG)
    child = decided_child(welsh_site.slug).referral.child
    _missing(child, days=3)
    started = timezone.localdate() - timedelta(days=3)

    missing_guardians_tell(today=timezone.localdate())
    [welsh] = _to(guardian)
    assert welsh.subject == f"Cofnod plentyn {child.reference}: ar goll"
    assert f"(cofnod plentyn {child.reference}) wedi’i gofnodi ar goll ers" in welsh.body
    assert "Peidiwch ag ateb yr e-bost hwn." in welsh.body and "Do not reply" not in welsh.body
    assert "missing" not in welsh.body

    guardian.language = "en"
    guardian.save(update_fields=["language"])
    mail.outbox.clear()
    again = decided_child(welsh_site.slug).referral.child
    _missing(again, days=3)
    missing_guardians_tell(today=timezone.localdate())
    [english] = _to(guardian)
    assert english.subject == f"Child record {again.reference}: missing"
    assert f"missing since {started.day} {started.strftime('%B')} {started.year}" in english.body


def test_an_email_not_sent_is_sent_by_a_later_run(demo, relay):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = _missing(child)
    relay.add(guardian.email)

    assert missing_guardians_tell(today=timezone.localdate()) == 0
    episode.refresh_from_db()
    assert episode.guardians_told == []
    assert not AuditEvent.objects.filter(object_type="outcomes.missingepisode", detail__automatic=True).exists()

    relay.clear()
    assert missing_guardians_tell(today=timezone.localdate()) == 1
    assert len(_to(guardian)) == 1


def test_a_guardian_allocated_after_another_was_told_is_told_too(demo):
    """Each guardian once per episode: the episode told to one guardian is told to the next, allocated while the
    child is still missing (the first not again)."""
    child = decided_child("northbridge").referral.child
    first = demo_user(Role.ICTG)
    _missing(child)
    assert missing_guardians_tell(today=timezone.localdate()) == 1
    allocation = ChildAssociation.objects.get(child=child, user=first, kind=AssociationKind.ICTG)
    safeguarding_services.guardian_allocation_end(
        child=child, user=demo_user(Role.COORDINATOR), association_id=allocation.pk
    )
    second = demo_user(Role.ICTG, "three-rivers")
    Membership.objects.create(user=second, site=child.site, role=Role.ICTG)  # a guardian at this site too
    allocate_guardian(child, second)
    allocate_guardian(child, first)  # back: already told of this episode
    mail.outbox.clear()

    assert missing_guardians_tell(today=timezone.localdate() + timedelta(days=1)) == 1
    assert len(_to(second)) == 1 and _to(first) == []


def test_the_guardian_who_recorded_the_episode_is_not_told_of_it(demo):
    child = decided_child("northbridge").referral.child
    guardian = demo_user(Role.ICTG)
    episode = _missing(child, by=guardian)

    assert missing_guardians_tell(today=timezone.localdate()) == 0
    assert _to(guardian) == []
    episode.refresh_from_db()
    assert episode.guardians_told == []


def test_the_daily_run_tells_of_an_episode_only_while_it_is_news(demo):
    """The first daily run after guardians were first told (at once, or by this run) does not email every guardian of
    a child missing for months: an episode is told while the child went missing, or it was recorded, in the last
    `MISSING_TOLD_WITHIN_DAYS` (ADR 0035 amendment 3). Recorded late, it is news for as long (its email at once may have
    failed)."""
    today = timezone.localdate()
    within = reminders.MISSING_TOLD_WITHIN_DAYS
    guardian = demo_user(Role.ICTG)
    long_ago = timezone.now() - timedelta(days=within + 1)
    old = decided_child("northbridge", decided_on=today - timedelta(days=200)).referral.child
    old_episode = _missing(old, days=within + 20)
    recorded_late = decided_child("northbridge", decided_on=today - timedelta(days=200)).referral.child
    late_episode = _missing(recorded_late, days=within + 20)  # recorded now
    recent = decided_child("northbridge", decided_on=today - timedelta(days=200)).referral.child
    recent_episode = _missing(recent, days=within)
    MissingEpisode.objects.filter(pk__in=[old_episode.pk, recent_episode.pk]).update(recorded_at=long_ago)

    assert missing_guardians_tell(today=today) == 2
    assert sorted(m.subject for m in _to(guardian)) == sorted(
        f"Child record {child.reference}: missing" for child in (recorded_late, recent)
    )
    old_episode.refresh_from_db()
    late_episode.refresh_from_db()
    assert old_episode.guardians_told == [] and late_episode.guardians_told == [guardian.pk]
