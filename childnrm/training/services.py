"""Changes to training: courses and their questions, sessions, places, the register, self-assessments and the
site's setting. Typed, keyword-only; each checks the access policy, works under a row lock where two people
could collide (the last place on a session, a second submission of the same form) and writes an audit event
in the same transaction. Training holds no child's record; the events name the course, session or place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.training import selectors, stages
from childnrm.training.models import (
    DEFAULT_CURRENT_MONTHS,
    SCALE,
    Attendance,
    Course,
    CourseQuestion,
    QuestionKind,
    SelfAssessment,
    SelfAssessmentAnswer,
    Stage,
    TrainingSession,
    TrainingSetting,
)

QUESTIONS_MAX = 10  # of each kind: a self-assessment people finish
QUESTION_LENGTH_MAX = 300
CAPACITY_MAX = 500
MONTHS_MAX = 60


class TrainingError(ServiceError):
    """A change training refuses; may list several problems at once."""

    def __init__(self, message: str, field: str | None = None, problems: list[tuple[str | None, str]] | None = None):
        super().__init__(message, field)
        self.problems = problems or [(field, message)]

    def form_errors(self) -> list[tuple[str | None, str]]:
        return self.problems


def _raise(problems: list[tuple[str | None, str]]) -> None:
    if problems:
        raise TrainingError(problems[0][1], problems[0][0], problems)


def _audit(audit: AuditContext | None, user, action: str, obj, site_id: int, perm: Perm, **detail) -> None:
    audit_record(
        context=audit, actor=user, action=action, obj=obj, site_id=site_id, purpose=PURPOSES[perm], detail=detail
    )


def _course_perm(course: Course) -> Perm:
    return Perm.TRAINING_NATIONAL if course.national else Perm.TRAINING_MANAGE


def _require_manager(user, course: Course) -> None:
    if not selectors.may_manage_course(user, course):
        raise PermissionDenied


# --- Courses ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseAnswers:
    title: str
    description: str
    counts_for_panel: bool
    knowledge: list[str]  # the questions, in order
    confidence: list[str]
    national: bool = False


def _check_course(answers: CourseAnswers) -> None:
    problems: list[tuple[str | None, str]] = []
    if not answers.title.strip():
        problems.append(("title", gettext("Enter the title of the course")))
    if not answers.description.strip():
        problems.append(("description", gettext("Enter what the course covers")))
    if not answers.knowledge and not answers.confidence:
        problems.append(("knowledge", gettext("Enter at least one question for the self-assessment")))
    too_many = {
        "knowledge": gettext("Enter %(max)s knowledge questions or fewer"),
        "confidence": gettext("Enter %(max)s confidence questions or fewer"),
    }
    for name, questions in (("knowledge", answers.knowledge), ("confidence", answers.confidence)):
        if len(questions) > QUESTIONS_MAX:
            problems.append((name, too_many[name] % {"max": QUESTIONS_MAX}))
        if any(len(q) > QUESTION_LENGTH_MAX for q in questions):
            message = gettext("Each question must be %(max)s characters or fewer") % {"max": QUESTION_LENGTH_MAX}
            problems.append((name, message))
    _raise(problems)


def _questions(answers: CourseAnswers) -> list[tuple[str, str]]:
    return [(QuestionKind.KNOWLEDGE, q) for q in answers.knowledge] + [
        (QuestionKind.CONFIDENCE, q) for q in answers.confidence
    ]


def course_site(user, *, national: bool) -> int:
    """The site a new course belongs to: the user's (first) site where they may run such courses."""
    sites = sites_where(user, Perm.TRAINING_NATIONAL if national else Perm.TRAINING_MANAGE)
    if not sites:
        raise PermissionDenied
    return sites[0]


def course_create(*, user, answers: CourseAnswers, audit: AuditContext | None = None) -> Course:
    site_id = course_site(user, national=answers.national)
    _check_course(answers)
    with transaction.atomic():
        course = Course.objects.create(
            site_id=site_id,
            national=answers.national,
            title=answers.title.strip(),
            description=answers.description.strip(),
            counts_for_panel=answers.counts_for_panel,
            created_by=user,
        )
        CourseQuestion.objects.bulk_create(
            CourseQuestion(course=course, kind=kind, text=text, position=i)
            for i, (kind, text) in enumerate(_questions(answers), start=1)
        )
        _audit(audit, user, Action.CREATE, course, site_id, _course_perm(course), national=course.national)
    return course


def has_answers(course: Course) -> bool:
    return SelfAssessment.objects.filter(attendance__session__course=course).exists()


def course_change(*, course: Course, user, answers: CourseAnswers, audit: AuditContext | None = None) -> Course:
    """Change the course. Its questions may change only until someone has answered them: the evaluation compares
    answers to the same questions."""
    _require_manager(user, course)
    _check_course(answers)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        current = [(q.kind, q.text) for q in locked.questions.order_by("position")]
        new = _questions(answers)
        if new != current:
            if has_answers(locked):
                raise TrainingError(
                    gettext(
                        "The questions cannot change now that people have answered them: the evaluation compares "
                        "answers to the same questions. Add a new course for different questions."
                    ),
                    "knowledge",
                )
            locked.questions.all().delete()
            CourseQuestion.objects.bulk_create(
                CourseQuestion(course=locked, kind=kind, text=text, position=i)
                for i, (kind, text) in enumerate(new, start=1)
            )
        locked.title = answers.title.strip()
        locked.description = answers.description.strip()
        locked.counts_for_panel = answers.counts_for_panel
        locked.save(update_fields=["title", "description", "counts_for_panel"])
        _audit(audit, user, Action.UPDATE, locked, locked.site_id, _course_perm(locked), questions=new != current)
    return locked


# --- Sessions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionAnswers:
    on: date
    starts_at: time
    ends_at: time
    online: bool
    place: str
    trainer: str
    capacity: int


def _check_session(answers: SessionAnswers, *, booked: int = 0) -> None:
    problems: list[tuple[str | None, str]] = []
    if answers.ends_at <= answers.starts_at:
        problems.append(("ends_at", gettext("The end time must be after the start time")))
    if not answers.place.strip():
        problems.append(("place", gettext("Enter where the session is, or how to join it online")))
    if not answers.trainer.strip():
        problems.append(("trainer", gettext("Enter who runs the session")))
    if not 1 <= answers.capacity <= CAPACITY_MAX:
        problems.append(
            ("capacity", gettext("The number of places must be between 1 and %(max)s") % {"max": CAPACITY_MAX})
        )
    elif answers.capacity < booked:
        problems.append(
            (
                "capacity",
                gettext("%(booked)s people are booked: the number of places cannot be fewer") % {"booked": booked},
            )
        )
    _raise(problems)


def _session_fields(answers: SessionAnswers) -> dict:
    return {
        "on": answers.on,
        "starts_at": answers.starts_at,
        "ends_at": answers.ends_at,
        "online": answers.online,
        "place": answers.place.strip(),
        "trainer": answers.trainer.strip(),
        "capacity": answers.capacity,
    }


def session_create(
    *, course: Course, user, answers: SessionAnswers, audit: AuditContext | None = None
) -> TrainingSession:
    """A session of the course. A past date is allowed: a session held before it was recorded here."""
    _require_manager(user, course)
    _check_session(answers)
    with transaction.atomic():
        session = TrainingSession.objects.create(course=course, created_by=user, **_session_fields(answers))
        _audit(audit, user, Action.CREATE, session, course.site_id, _course_perm(course), course=course.pk)
    return session


def session_change(
    *, session: TrainingSession, user, answers: SessionAnswers, audit: AuditContext | None = None
) -> TrainingSession:
    _require_manager(user, session.course)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        _check_session(answers, booked=locked.attendances.count())
        for name, value in _session_fields(answers).items():
            setattr(locked, name, value)
        locked.save()
        _audit(audit, user, Action.UPDATE, locked, session.course.site_id, _course_perm(session.course))
    locked.course = session.course
    return locked


# --- Places -----------------------------------------------------------------------------------------------


def _book(
    *, session: TrainingSession, person, site_id: int, user, perm: Perm, audit: AuditContext | None, today: date
) -> Attendance:
    with transaction.atomic():
        # The session's row is the lock two people taking the last place queue on.
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.on < today:
            raise TrainingError(gettext("This session has already taken place."))
        if locked.attendances.filter(user=person).exists():
            raise TrainingError(gettext("%(name)s already has a place on this session.") % {"name": person.full_name})
        if locked.attendances.count() >= locked.capacity:
            raise TrainingError(gettext("This session is full."))
        attendance = Attendance.objects.create(session=locked, user=person, site_id=site_id, booked_by=user)
        _audit(audit, user, Action.CREATE, attendance, site_id, perm, session=locked.pk, self_booked=person == user)
    return attendance


def place_book(*, session: TrainingSession, user, audit: AuditContext | None = None, today: date | None = None):
    """A practitioner books themselves a place: on their own site's course, or a national one."""
    today = today or timezone.localdate()
    course = session.course
    if course.national:
        sites = selectors.own_sites(user)
        if not sites:
            raise PermissionDenied
        site_id = sites[0]
    elif has_perm(user, Perm.TRAINING_OWN, course.site_id):
        site_id = course.site_id
    else:
        raise PermissionDenied
    return _book(
        session=session, person=user, site_id=site_id, user=user, perm=Perm.TRAINING_OWN, audit=audit, today=today
    )


def attendee_book(
    *, session: TrainingSession, person_id: int, user, audit: AuditContext | None = None, today: date | None = None
) -> Attendance:
    """A training manager books someone of their site onto the session."""
    today = today or timezone.localdate()
    found = {person.pk: (person, site_id) for person, site_id in selectors.bookable_people(user, session)}
    if person_id not in found:
        raise TrainingError(gettext("Select someone of your site who does not have a place yet"), "person")
    person, site_id = found[person_id]
    perm = Perm.TRAINING_MANAGE if has_perm(user, Perm.TRAINING_MANAGE, site_id) else Perm.TRAINING_NATIONAL
    return _book(session=session, person=person, site_id=site_id, user=user, perm=perm, audit=audit, today=today)


def place_cancel(*, attendance: Attendance, user, audit: AuditContext | None = None, today: date | None = None):
    """A person gives up their own place, up to the day before the session. Answers given before it go with it:
    they compare with nothing."""
    today = today or timezone.localdate()
    if attendance.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().select_related("session").get(pk=attendance.pk)
        if locked.session.on <= today:
            raise TrainingError(gettext("A place can be given up only before the day of the session."))
        _audit(audit, user, Action.DELETE, locked, locked.site_id, Perm.TRAINING_OWN, session=locked.session_id)
        SelfAssessment.objects.filter(attendance=locked).delete()
        locked.delete()


def attendance_record(
    *,
    session: TrainingSession,
    user,
    attended_ids: set[int],
    audit: AuditContext | None = None,
    today: date | None = None,
) -> tuple[int, int]:
    """The register: everyone booked is recorded as attended (their attendance id in `attended_ids`) or not.
    Returns (attended, did not attend)."""
    today = today or timezone.localdate()
    _require_manager(user, session.course)
    if session.on > today:
        raise TrainingError(
            gettext("Who attended can be recorded from the day of the session, %(day)s.")
            % {"day": long_date(session.on)}
        )
    with transaction.atomic():
        attendances = list(Attendance.objects.select_for_update().filter(session=session))
        for a in attendances:
            a.attended = a.pk in attended_ids
            a.attendance_recorded_by = user
        Attendance.objects.bulk_update(attendances, ["attended", "attendance_recorded_by"])
        came = sum(a.attended for a in attendances)
        _audit(
            audit,
            user,
            Action.UPDATE,
            session,
            session.course.site_id,
            _course_perm(session.course),
            register={"attended": came, "absent": len(attendances) - came},
        )
    return came, len(attendances) - came


# --- Self-assessments -------------------------------------------------------------------------------------


def assessment_submit(
    *,
    attendance: Attendance,
    user,
    stage: str,
    scores: dict[int, int],
    audit: AuditContext | None = None,
    today: date | None = None,
) -> SelfAssessment:
    """The person's own answers at one stage: one score from 1 to 5 for each of the course's questions."""
    today = today or timezone.localdate()
    if attendance.user_id != user.pk:
        raise PermissionDenied
    if stage not in Stage.values:
        raise TrainingError(gettext("There is no such self-assessment."))
    with transaction.atomic():
        locked = Attendance.objects.select_for_update().select_related("session").get(pk=attendance.pk)
        answered = locked.assessments.filter(stage=stage).exists()
        state = stages.state(
            session_on=locked.session.on, stage=stage, attended=locked.attended, answered=answered, today=today
        )
        if state == stages.DONE:
            raise TrainingError(gettext("You have already answered this self-assessment."))
        if state == stages.NOT_ASKED:
            raise TrainingError(
                gettext("You are recorded as not attending this session, so there is nothing to answer.")
            )
        w = stages.window(locked.session.on, stage)
        if state == stages.NOT_YET:
            raise TrainingError(gettext("This self-assessment opens on %(day)s.") % {"day": long_date(w.opens)})
        if state == stages.CLOSED:
            raise TrainingError(gettext("This self-assessment closed on %(day)s.") % {"day": long_date(w.closes)})
        questions = list(CourseQuestion.objects.filter(course_id=locked.session.course_id).order_by("position"))
        problems = [
            (f"q{q.pk}", gettext("Answer “%(question)s” with a number from 1 to 5") % {"question": q.text})
            for q in questions
            if scores.get(q.pk) not in SCALE
        ]
        _raise(problems)
        assessment = SelfAssessment.objects.create(attendance=locked, stage=stage)
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(assessment=assessment, question=q, score=scores[q.pk]) for q in questions
        )
        # The scores are the person's own: the event says that they answered, not what.
        _audit(audit, user, Action.CREATE, assessment, locked.site_id, Perm.TRAINING_OWN, stage=stage)
    return assessment


# --- The site's setting -----------------------------------------------------------------------------------


def setting_set(*, site: Site, user, current_months: int, audit: AuditContext | None = None) -> TrainingSetting:
    if not has_perm(user, Perm.TRAINING_MANAGE, site.pk):
        raise PermissionDenied
    if not 1 <= current_months <= MONTHS_MAX:
        raise TrainingError(
            gettext("Enter a number of months from 1 to %(max)s") % {"max": MONTHS_MAX}, "current_months"
        )
    with transaction.atomic():
        setting, created = TrainingSetting.objects.select_for_update().get_or_create(
            site=site, defaults={"current_months": current_months, "changed_by": user}
        )
        before = DEFAULT_CURRENT_MONTHS if created else setting.current_months
        setting.current_months = current_months
        setting.changed_by = user
        setting.save()
        _audit(audit, user, Action.UPDATE, setting, site.pk, Perm.TRAINING_MANAGE, months=[before, current_months])
    return setting
