"""The training app's part of the demo, and the builders its tests use.

- `load_demo` (core.demo's loader, on every demo load, so cheap): each demo site's own course, "Panel practice",
  with its questions and a session in three weeks on which the demo panel member has a place.
- `load_demo_training` (`manage.py seed_demo`): a session of each site's course about 100 days ago that the
  site's practitioners attended, with their self-assessments before, just after and (opening now) three months
  after; and a national course run by Northbridge's library moderator, with a session about 200 days ago that
  the practitioners of both sites attended and one to come, online. The evaluation pages then show changes with
  intervals and response rates. Made through the services, as people make them. Idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.training import services, stages
from childnrm.training.models import Attendance, Course, SelfAssessment, Stage, TrainingSession

SITE_COURSE = "Panel practice: deciding on children's NRM referrals"
NATIONAL_COURSE = "Trauma-informed practice with exploited children"
KNOWLEDGE = [
    "How much do you know about the signs that a child is being criminally exploited?",
    "How much do you know about the reasonable grounds test and its threshold?",
]
CONFIDENCE = [
    "How confident are you weighing a child's account that has changed over time?",
    "How confident are you explaining a panel decision to a child?",
]
# Everyone at a demo site who attends training (site administrators and data protection officers do not).
ATTENDING_ROLES = (
    Role.COORDINATOR,
    Role.CHAIR,
    Role.PANEL_MEMBER,
    Role.ADVISER,
    Role.ICTG,
    Role.FIRST_RESPONDER,
    Role.ANALYST,
    Role.LIBRARY_MODERATOR,
)
PAST_SITE_SESSION_DAYS = 100  # its three-month self-assessment is open
PAST_NATIONAL_SESSION_DAYS = 200


# --- Builders (the tests use them too) --------------------------------------------------------------------


def course_for(
    user: User,
    *,
    title: str = SITE_COURSE,
    national: bool = False,
    knowledge: Sequence[str] = KNOWLEDGE,
    confidence: Sequence[str] = CONFIDENCE,
    counts_for_panel: bool = True,
) -> Course:
    """A course of `user`'s site (a national one hosted there when `national`), as its manager adds it."""
    return services.course_create(
        user=user,
        answers=services.CourseAnswers(
            title=title,
            description="What the panel weighs, how to weigh it, and how to explain it to the child.",
            counts_for_panel=counts_for_panel,
            knowledge=list(knowledge),
            confidence=list(confidence),
            national=national,
        ),
    )


def session_of(
    course: Course,
    user: User,
    *,
    on: date,
    capacity: int = 20,
    online: bool = False,
    starts_at: time = time(9, 30),
    ends_at: time = time(12, 30),
) -> TrainingSession:
    return services.session_create(
        course=course,
        user=user,
        answers=services.SessionAnswers(
            on=on,
            starts_at=starts_at,
            ends_at=ends_at,
            online=online,
            place="The joining link is sent to those booked" if online else "Committee Room 2, Civic Centre",
            trainer="Dr Ruth Adeyemi, Safe Futures Children's Charity",
            capacity=capacity,
        ),
    )


def booked(session: TrainingSession, people: Iterable[User]) -> list[Attendance]:
    """Each person books their own place (on the day of the session, if it has passed)."""
    today = min(timezone.localdate(), session.on)
    return [services.place_book(session=session, user=person, today=today) for person in people]


def register(session: TrainingSession, manager: User, attended: Iterable[Attendance]) -> None:
    """The register as the session's manager records it (on the day, if it is still to come)."""
    services.attendance_record(
        session=session,
        user=manager,
        attended_ids={a.pk for a in attended},
        today=max(timezone.localdate(), session.on),
    )


def answered(attendance: Attendance, stage: str, scores: Sequence[int]) -> SelfAssessment:
    """The person's answers at `stage`, in question order, on the first day the stage is open."""
    session = attendance.session
    window = stages.window(session.on, stage)
    questions = list(session.course.questions.order_by("position"))
    attendance.refresh_from_db()
    return services.assessment_submit(
        attendance=attendance,
        user=attendance.user,
        stage=stage,
        scores={q.pk: score for q, score in zip(questions, scores, strict=True)},
        today=window.opens or session.on,
    )


def _demo_user(role: str, site_slug: str) -> User:
    """The demo site's first holder of `role` (the demo user of that role)."""
    return (
        User.objects.filter(memberships__site__slug=site_slug, memberships__role=role, memberships__active=True)
        .order_by("pk")
        .first()
    )


def _attending(site: Site) -> list[User]:
    """Everyone at the site who attends training: the demo users of those roles, the panel's other members and the
    second chair."""
    return list(
        User.objects.filter(
            memberships__site=site, memberships__role__in=ATTENDING_ROLES, memberships__active=True, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


# --- Every demo load ------------------------------------------------------------------------------------------


def load_demo(*, site, site_users, organisations) -> None:
    if Course.objects.filter(site=site, national=False).exists():
        return
    course = course_for(site_users[Role.COORDINATOR])
    upcoming = session_of(course, site_users[Role.COORDINATOR], on=timezone.localdate() + timedelta(days=21))
    booked(upcoming, [site_users[Role.PANEL_MEMBER]])


# --- manage.py seed_demo ------------------------------------------------------------------------------------------


def _answers_over_time(rng: random.Random, questions: int) -> tuple[list[int], list[int], list[int]]:
    """Before, just after and three months after: most people rate themselves higher after a session, and a
    little lower again three months on."""
    before = [rng.randint(1, 3) for _ in range(questions)]
    after = [min(5, b + rng.choice((0, 1, 1, 2))) for b in before]
    later = [max(b, a - rng.choice((0, 0, 1))) for b, a in zip(before, after, strict=True)]
    return before, after, later


def _attended_with_answers(
    session: TrainingSession, manager: User, people: list[User], rng: random.Random, today: date
) -> None:
    places = booked(session, people)
    came = places[:-1]  # one person could not come in the end
    register(session, manager, came)
    questions = session.course.questions.count()
    three_months = stages.window(session.on, Stage.THREE_MONTHS)
    for i, place in enumerate(came):
        before, after, later = _answers_over_time(rng, questions)
        answered(place, Stage.BEFORE, before)
        if i % 3 != 2:  # about two in three answer just after
            answered(place, Stage.AFTER, after)
        if three_months.has_opened(today) and i % 2 == 0:  # about half at three months
            answered(place, Stage.THREE_MONTHS, later)


@transaction.atomic
def load_demo_training() -> int:
    """The demo's past sessions with their self-assessments, and the national course; returns how many sessions
    it added (0 when they are there already)."""
    today = timezone.localdate()
    sites = list(Site.objects.filter(slug__in=("northbridge", "three-rivers")).order_by("pk"))
    added = 0
    for site in sites:
        course = Course.objects.filter(site=site, national=False, title=SITE_COURSE).first()
        if course is None or course.sessions.filter(on__lt=today).exists():
            continue
        coordinator = _demo_user(Role.COORDINATOR, site.slug)
        past = session_of(course, coordinator, on=today - timedelta(days=PAST_SITE_SESSION_DAYS))
        _attended_with_answers(past, coordinator, _attending(site), random.Random(f"training-{site.slug}"), today)
        added += 1
    if sites and not Course.objects.filter(national=True, title=NATIONAL_COURSE).exists():
        moderator = _demo_user(Role.LIBRARY_MODERATOR, "northbridge")
        course = course_for(moderator, title=NATIONAL_COURSE, national=True)
        past = session_of(course, moderator, on=today - timedelta(days=PAST_NATIONAL_SESSION_DAYS), capacity=30)
        people = [person for site in sites for person in _attending(site)]
        _attended_with_answers(past, moderator, people, random.Random("training-national"), today)
        session_of(course, moderator, on=today + timedelta(days=35), capacity=40, online=True)
        added += 2
    return added
