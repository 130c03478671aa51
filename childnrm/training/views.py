"""Training pages: a person's own training and self-assessments; courses, sessions, the register and each
course's evaluation for those who run them; the site's setting.

Thin: parse the form, call a service or selector, render. Changes are audited in their services.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.kit.errors import add_to_form
from childnrm.training import selectors, services, stages
from childnrm.training.evaluation import CHANGE_MIN_PAIRS, course_evaluation
from childnrm.training.forms import (
    AssessmentForm,
    AttendeeForm,
    CourseForm,
    RegisterForm,
    SessionForm,
    SettingForm,
)
from childnrm.training.models import Attendance, QuestionKind, Stage, TrainingSession

MANAGERS = (Perm.TRAINING_MANAGE, Perm.TRAINING_NATIONAL)
STATE_LABELS = {
    stages.DONE: (_("Done"), "govuk-tag--green"),
    stages.OPEN: (_("To answer"), "govuk-tag--blue"),
    stages.NOT_YET: (_("Not open yet"), "govuk-tag--grey"),
    stages.CLOSED: (_("Closed"), "govuk-tag--grey"),
    stages.NOT_ASKED: (_("Not asked"), "govuk-tag--grey"),
}


# --- A person's own training ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    state: str
    state_label: str
    tag: str
    window: stages.Window
    url: str


@dataclass(frozen=True)
class PlaceRow:
    attendance: Attendance
    session: TrainingSession
    stages: list[StageRow]
    may_cancel: bool


def _place_row(attendance: Attendance, today) -> PlaceRow:
    answered = {a.stage for a in attendance.assessments.all()}
    rows = []
    for stage, label in Stage.choices:
        state = stages.state(
            session_on=attendance.session.on,
            stage=stage,
            attended=attendance.attended,
            answered=stage in answered,
            today=today,
        )
        state_label, tag = STATE_LABELS[state]
        rows.append(
            StageRow(
                stage=stage,
                label=label,
                state=state,
                state_label=state_label,
                tag=tag,
                window=stages.window(attendance.session.on, stage),
                url=reverse("training:assessment", args=[attendance.pk, stage]),
            )
        )
    return PlaceRow(attendance, attendance.session, rows, may_cancel=attendance.session.on > today)


@requires(Perm.TRAINING_OWN)
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    places = [_place_row(a, today) for a in selectors.attendances_of(request.user)]
    sites = Site.objects.filter(pk__in=selectors.own_sites(request.user), active=True).order_by("name")
    statuses = [(site, selectors.training_status([request.user], site, today)[request.user.pk]) for site in sites]
    return render(
        request,
        "training/mine.html",
        {
            "upcoming": [p for p in places if p.session.on >= today],
            "past": [p for p in places if p.session.on < today],
            "to_answer": [(p, s) for p in places for s in p.stages if s.state == stages.OPEN],
            "bookable": list(selectors.bookable_sessions(request.user, today)[:30]),
            "statuses": statuses,
            "months": {site.pk: selectors.current_months(site) for site in sites},
            "today": today,
        },
    )


@requires(Perm.TRAINING_OWN)
@require_POST
def book(request: HttpRequest, training_session_id: int) -> HttpResponse:
    session = selectors.bookable_session_get(request.user, training_session_id)
    try:
        services.place_book(session=session, user=request.user, audit=AuditContext.from_request(request))
    except services.TrainingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, gettext("You have a place on “%(course)s”") % {"course": session.course.title})
    return redirect("training:mine")


@requires(Perm.TRAINING_OWN)
@require_POST
def cancel(request: HttpRequest, training_attendance_id: int) -> HttpResponse:
    attendance = selectors.own_attendance_get(request.user, training_attendance_id)
    try:
        services.place_cancel(attendance=attendance, user=request.user, audit=AuditContext.from_request(request))
    except services.TrainingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            gettext("You have given up your place on “%(course)s”") % {"course": attendance.session.course.title},
        )
    return redirect("training:mine")


@requires(Perm.TRAINING_OWN)
def assessment(request: HttpRequest, training_attendance_id: int, training_stage: str) -> HttpResponse:
    attendance = selectors.own_attendance_get(request.user, training_attendance_id)
    if training_stage not in Stage.values:
        raise Http404
    today = timezone.localdate()
    row = next(s for s in _place_row(attendance, today).stages if s.stage == training_stage)
    course = attendance.session.course
    questions = list(course.questions.order_by("position"))
    form = None
    if row.state == stages.OPEN:
        form = AssessmentForm(request.POST or None, questions=questions)
        if request.method == "POST" and form.is_valid():
            try:
                services.assessment_submit(
                    attendance=attendance,
                    user=request.user,
                    stage=training_stage,
                    scores=form.scores(),
                    audit=AuditContext.from_request(request),
                    today=today,
                )
            except services.TrainingError as problem:
                add_to_form(form, problem)
            else:
                messages.success(
                    request, gettext("Thank you: your answers %(stage)s are recorded") % {"stage": row.label.lower()}
                )
                return redirect("training:mine")
    return render(
        request,
        "training/assessment.html",
        {
            "attendance": attendance,
            "session": attendance.session,
            "course": course,
            "row": row,
            "form": form,
            "kinds": [(kind, label, form.of_kind(kind) if form else []) for kind, label in QuestionKind.choices],
        },
    )


# --- Courses and sessions -------------------------------------------------------------------------------------


@requires(*MANAGERS)
def courses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/courses.html",
        {
            "courses": list(selectors.course_list(request.user)),
            "may_set": has_perm(request.user, Perm.TRAINING_MANAGE),
        },
    )


def _course_form_page(request: HttpRequest, form: CourseForm, course=None) -> HttpResponse:
    return render(request, "training/course_form.html", {"form": form, "course": course})


@requires(*MANAGERS)
def course_add(request: HttpRequest) -> HttpResponse:
    form = CourseForm(
        request.POST or None,
        initial=CourseForm.initial_for(None),
        may_site=has_perm(request.user, Perm.TRAINING_MANAGE),
        may_national=has_perm(request.user, Perm.TRAINING_NATIONAL),
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("Course “%(course)s” added. Add its sessions next.") % {"course": course.title}
            )
            return redirect("training:course", training_course_id=course.pk)
    return _course_form_page(request, form)


@requires(*MANAGERS)
def course(request: HttpRequest, training_course_id: int) -> HttpResponse:
    found = selectors.course_get(request.user, training_course_id)
    today = timezone.localdate()
    sessions = list(selectors.sessions_of(found))
    return render(
        request,
        "training/course.html",
        {
            "course": found,
            "questions": list(found.questions.order_by("position")),
            "upcoming": sorted((s for s in sessions if s.on >= today), key=lambda s: (s.on, s.starts_at)),
            "past": [s for s in sessions if s.on < today],
            "may_manage": selectors.may_manage_course(request.user, found),
            "answered": services.has_answers(found),
        },
    )


def _managed_course(request: HttpRequest, course_id: int):
    found = selectors.course_get(request.user, course_id)
    if not selectors.may_manage_course(request.user, found):
        raise PermissionDenied
    return found


@requires(*MANAGERS)
def course_change(request: HttpRequest, training_course_id: int) -> HttpResponse:
    found = _managed_course(request, training_course_id)
    form = CourseForm(
        request.POST or None, initial=CourseForm.initial_for(found), may_site=True, may_national=True, course=found
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_change(
                course=found, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Course saved"))
            return redirect("training:course", training_course_id=found.pk)
    return _course_form_page(request, form, found)


@requires(*MANAGERS)
def evaluation(request: HttpRequest, training_course_id: int) -> HttpResponse:
    found = selectors.course_get(request.user, training_course_id)
    result = course_evaluation(found, timezone.localdate())
    return render(
        request,
        "training/evaluation.html",
        {"course": found, "evaluation": result, "min_pairs": CHANGE_MIN_PAIRS, "stage": Stage},
    )


def _session_form_page(request: HttpRequest, form: SessionForm, course, session=None) -> HttpResponse:
    return render(request, "training/session_form.html", {"form": form, "course": course, "session": session})


@requires(*MANAGERS)
def session_add(request: HttpRequest, training_course_id: int) -> HttpResponse:
    found = _managed_course(request, training_course_id)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                course=found, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Session added"))
            return redirect("training:session", training_session_id=session.pk)
    return _session_form_page(request, form, found)


def _session_page(
    request: HttpRequest,
    session: TrainingSession,
    *,
    attendee_form: AttendeeForm | None = None,
    register_form: RegisterForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    may_manage = selectors.may_manage_course(request.user, session.course)
    attendances = list(selectors.attendees_visible(request.user, session))
    booked = session.attendances.count()
    people = (
        selectors.bookable_people(request.user, session) if session.on >= today and booked < session.capacity else []
    )
    if attendee_form is None and people:
        attendee_form = AttendeeForm(people=people)
    if register_form is None and may_manage and session.on <= today and attendances:
        register_form = RegisterForm(attendances=attendances)
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "course": session.course,
            "attendances": attendances,
            "booked": booked,
            "places_left": max(session.capacity - booked, 0),
            "may_manage": may_manage,
            "attendee_form": attendee_form if people else None,
            "register_form": register_form if may_manage and session.on <= today else None,
            "today": today,
        },
    )


@requires(*MANAGERS)
def session(request: HttpRequest, training_session_id: int) -> HttpResponse:
    return _session_page(request, selectors.session_get(request.user, training_session_id))


@requires(*MANAGERS)
def session_change(request: HttpRequest, training_session_id: int) -> HttpResponse:
    found = selectors.session_get(request.user, training_session_id)
    if not selectors.may_manage_course(request.user, found.course):
        raise PermissionDenied
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_change(
                session=found, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Session saved"))
            return redirect("training:session", training_session_id=found.pk)
    return _session_form_page(request, form, found.course, found)


@requires(*MANAGERS)
@require_POST
def attendee_add(request: HttpRequest, training_session_id: int) -> HttpResponse:
    found = selectors.session_get(request.user, training_session_id)
    form = AttendeeForm(request.POST, people=selectors.bookable_people(request.user, found))
    if form.is_valid():
        try:
            attendance = services.attendee_book(
                session=found,
                person_id=form.cleaned_data["person"],
                user=request.user,
                audit=AuditContext.from_request(request),
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request, gettext("%(name)s has a place on this session") % {"name": attendance.user.full_name}
            )
            return redirect("training:session", training_session_id=found.pk)
    return _session_page(request, found, attendee_form=form)


@requires(*MANAGERS)
@require_POST
def register(request: HttpRequest, training_session_id: int) -> HttpResponse:
    found = selectors.session_get(request.user, training_session_id)
    if not selectors.may_manage_course(request.user, found.course):
        raise PermissionDenied
    form = RegisterForm(request.POST, attendances=list(selectors.attendees_visible(request.user, found)))
    if form.is_valid():
        try:
            came, absent = services.attendance_record(
                session=found,
                user=request.user,
                attended_ids=set(form.cleaned_data["attended"]),
                audit=AuditContext.from_request(request),
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(
                request,
                gettext("Register saved: %(came)s attended, %(absent)s did not") % {"came": came, "absent": absent},
            )
            return redirect("training:session", training_session_id=found.pk)
    return _session_page(request, found, register_form=form)


# --- The site's setting -------------------------------------------------------------------------------------


@requires(Perm.TRAINING_MANAGE)
def settings(request: HttpRequest) -> HttpResponse:
    site = (
        Site.objects.filter(pk__in=sites_where(request.user, Perm.TRAINING_MANAGE), active=True)
        .order_by("name")
        .first()
    )
    if site is None:
        raise Http404
    months = selectors.current_months(site)
    form = SettingForm(request.POST or None, initial={"current_months": months})
    if request.method == "POST" and form.is_valid():
        try:
            services.setting_set(
                site=site,
                user=request.user,
                current_months=form.cleaned_data["current_months"],
                audit=AuditContext.from_request(request),
            )
        except services.TrainingError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Training setting saved"))
            return redirect("training:settings")
    return render(request, "training/settings.html", {"site": site, "form": form, "months": months})
