"""Reads of training: scoped by the access policy, the only way views reach training rows.

Who reaches what (ADR 0025):
- a site's course: that site's training managers (coordinators and site administrators, `TRAINING_MANAGE`);
- a national course: the library moderators of its host site manage it (`TRAINING_NATIONAL`); every site's
  training managers see it, book their own people onto its sessions and see their own people on them;
- a person's own places and self-assessments: that person only (`TRAINING_OWN`). Nobody else sees anyone's
  answers: the evaluation shows totals and means only, under disclosure control.

Also read by the layers above: `training_current` (panels' membership page, decisions' completeness check)
and `upcoming_sessions` (the community page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm, sites_where, users_holding
from childnrm.accounts.models import Site, User
from childnrm.kit.dates import long_date
from childnrm.training.models import DEFAULT_CURRENT_MONTHS, Attendance, Course, TrainingSession, TrainingSetting
from childnrm.training.stages import add_months

# --- Courses and sessions, for those who run them -------------------------------------------------------


def may_manage_course(user, course: Course) -> bool:
    """Change the course, add sessions, book anyone eligible and record who attended."""
    return has_perm(user, Perm.TRAINING_NATIONAL if course.national else Perm.TRAINING_MANAGE, course.site_id)


def courses_visible(user) -> QuerySet[Course]:
    managed = sites_where(user, Perm.TRAINING_MANAGE)
    national = sites_where(user, Perm.TRAINING_NATIONAL)
    scope = Q(national=False, site_id__in=managed) | Q(national=True, site_id__in=national)
    if managed:
        scope |= Q(national=True)  # a site's managers book their people onto national sessions
    return Course.objects.filter(scope)


def course_list(user) -> QuerySet[Course]:
    return (
        courses_visible(user)
        .select_related("site")
        .annotate(
            session_count=Count("sessions", distinct=True),
            next_session=Min("sessions__on", filter=Q(sessions__on__gte=timezone.localdate())),
        )
        .order_by("-national", "title", "id")
    )


def course_get(user, course_id: int) -> Course:
    course = courses_visible(user).select_related("site").filter(pk=course_id).first()
    if course is None:
        raise Http404
    return course


def session_get(user, session_id: int) -> TrainingSession:
    session = (
        TrainingSession.objects.filter(pk=session_id, course__in=courses_visible(user))
        .select_related("course", "course__site")
        .first()
    )
    if session is None:
        raise Http404
    return session


def sessions_of(course: Course) -> QuerySet[TrainingSession]:
    return course.sessions.annotate(
        booked=Count("attendances"), attended_count=Count("attendances", filter=Q(attendances__attended=True))
    ).order_by("-on", "-starts_at", "-id")


def attendees_visible(user, session: TrainingSession) -> QuerySet[Attendance]:
    """Everyone on the session for its course's managers; their own site's people for another site's managers."""
    attendances = session.attendances.select_related("user", "user__organisation", "site").order_by(
        "user__full_name", "id"
    )
    if may_manage_course(user, session.course):
        return attendances
    return attendances.filter(site_id__in=sites_where(user, Perm.TRAINING_MANAGE))


def booking_sites(user, course: Course) -> list[int]:
    """The sites whose people `user` may book onto the course's sessions."""
    managed = set(sites_where(user, Perm.TRAINING_MANAGE))
    if course.national:
        sites = managed | ({course.site_id} if may_manage_course(user, course) else set())
    else:
        sites = managed & {course.site_id}
    return sorted(sites)


def bookable_people(user, session: TrainingSession) -> list[tuple[User, int]]:
    """(person, the site they are booked from) for everyone `user` may book onto the session, not yet on it."""
    on_it = set(session.attendances.values_list("user_id", flat=True))
    found: dict[int, tuple[User, int]] = {}
    for site_id in booking_sites(user, session.course):
        for person in users_holding(Perm.TRAINING_OWN, site_id).select_related("organisation"):
            if person.pk not in on_it and person.pk not in found:
                found[person.pk] = (person, site_id)
    return sorted(found.values(), key=lambda pair: (pair[0].full_name, pair[0].pk))


# --- A person's own training ------------------------------------------------------------------------------


def own_sites(user) -> list[int]:
    return sites_where(user, Perm.TRAINING_OWN)


def sessions_open_to(user) -> QuerySet[TrainingSession]:
    """Sessions of the courses a person may attend: their sites' own courses and every national course."""
    return TrainingSession.objects.filter(Q(course__national=True) | Q(course__site_id__in=own_sites(user)))


def bookable_sessions(user, today: date) -> QuerySet[TrainingSession]:
    """Sessions from today on, with a place left, that the person is not booked on yet."""
    return (
        sessions_open_to(user)
        .filter(on__gte=today)
        .exclude(attendances__user=user)
        .annotate(booked=Count("attendances"))
        .filter(booked__lt=F("capacity"))
        .select_related("course", "course__site")
        .order_by("on", "starts_at", "id")
    )


def bookable_session_get(user, session_id: int) -> TrainingSession:
    session = sessions_open_to(user).select_related("course").filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def attendances_of(user) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(user=user)
        .select_related("session", "session__course", "session__course__site")
        .prefetch_related("assessments")
        .order_by("-session__on", "-session__starts_at", "-id")
    )


def own_attendance_get(user, attendance_id: int) -> Attendance:
    attendance = attendances_of(user).filter(pk=attendance_id).first()
    if attendance is None:
        raise Http404
    return attendance


# --- Whether training is current ------------------------------------------------------------------------------


def current_months(site: Site | int) -> int:
    site_id = site if isinstance(site, int) else site.pk
    setting = TrainingSetting.objects.filter(site_id=site_id).first()
    return setting.current_months if setting else DEFAULT_CURRENT_MONTHS


@dataclass(frozen=True)
class TrainingStatus:
    last_attended: date | None  # the last session attended of a course that counts for panel members
    current_until: date | None  # the last day it counts as current
    current: bool

    @property
    def lapsed_on(self) -> date | None:
        """The first day it no longer counted (None when it is current, or was never recorded)."""
        if self.current or self.current_until is None:
            return None
        return self.current_until + timedelta(days=1)


def training_status(
    users: Iterable[User | int], site: Site, on: date | None = None, *, months: int | None = None
) -> dict[int, TrainingStatus]:
    """Each person's training status at `site` on `on` (today): sessions attended of the site's own courses and
    of national courses that count for panel members, current for the site's number of months (`months`: the
    site's setting, `current_months`, if the caller has read it already). One query, two without `months`."""
    on = on or timezone.localdate()
    ids = {u if isinstance(u, int) else u.pk for u in users}
    if months is None:
        months = current_months(site)
    last = dict(
        Attendance.objects.filter(
            user_id__in=ids, attended=True, session__on__lte=on, session__course__counts_for_panel=True
        )
        .filter(Q(session__course__site=site) | Q(session__course__national=True))
        .values("user_id")
        .annotate(last=Max("session__on"))
        .values_list("user_id", "last")
    )
    statuses: dict[int, TrainingStatus] = {}
    for user_id in ids:
        attended = last.get(user_id)
        if attended is None:
            statuses[user_id] = TrainingStatus(None, None, False)
            continue
        until = add_months(attended, months)
        statuses[user_id] = TrainingStatus(attended, until, on <= until)
    return statuses


def training_current(users: Iterable[User | int], site: Site, on: date | None = None) -> dict[int, bool | date]:
    """user id -> the last day their training counts as current (a date: truthy) when it is current on `on`,
    else False (lapsed, or never recorded). `training_status` says which, and when it lapsed."""
    return {
        user_id: status.current_until if status.current and status.current_until else False
        for user_id, status in training_status(users, site, on).items()
    }


def training_warnings(users: Iterable[User], site: Site, on: date | None = None) -> list[str]:
    """For the decision's completeness check: each voter whose training is not current, in words. Never blocks."""
    people = list(users)
    months = current_months(site)  # read once: the statuses and the words both need it
    statuses = training_status(people, site, on, months=months)
    warnings = []
    for person in sorted(people, key=lambda p: (p.full_name, p.pk)):
        status = statuses[person.pk]
        if status.current:
            continue
        if status.lapsed_on is None:
            warnings.append(gettext("%(name)s has no training recorded at this site.") % {"name": person.full_name})
        else:
            warnings.append(
                gettext(
                    "The training of %(name)s lapsed on %(day)s: the site counts training as current for %(months)s "
                    "months after a session."
                )
                % {"name": person.full_name, "day": long_date(status.lapsed_on), "months": months}
            )
    return warnings


# --- For the community page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingSession:
    id: int
    course_title: str
    national: bool
    site_name: str  # the site that runs it (a national course: its host)
    on: date
    starts_at: time
    ends_at: time
    online: bool
    place: str
    trainer: str
    places_left: int
    book_url: str  # "Your training", where a practitioner books a place


def upcoming_sessions(limit: int, site: Site | None = None) -> list[UpcomingSession]:
    """The next sessions from today with a place left: national ones, and `site`'s own when given."""
    scope = Q(course__national=True) | Q(course__site=site) if site is not None else Q(course__national=True)
    sessions = (
        TrainingSession.objects.filter(scope, on__gte=timezone.localdate())
        .annotate(booked=Count("attendances"))
        .filter(booked__lt=F("capacity"))
        .select_related("course", "course__site")
        .order_by("on", "starts_at", "id")[: max(limit, 0)]
    )
    book = reverse("training:mine")
    return [
        UpcomingSession(
            id=s.pk,
            course_title=s.course.title,
            national=s.course.national,
            site_name=s.course.site.display_name,
            on=s.on,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            online=s.online,
            place=s.place,
            trainer=s.trainer,
            places_left=s.capacity - s.booked,
            book_url=f"{book}#session-{s.pk}",
        )
        for s in sessions
    ]
