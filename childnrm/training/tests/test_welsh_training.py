"""The training pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site (its users see Welsh until they choose otherwise) and given the full training
demo (`load_demo_training`: past sessions with registers and self-assessments, a national course), so every
branch a person meets is drawn: a course with its evaluation, past and coming sessions, the register, the
self-assessments at each stage. What people typed (course titles, questions, places, trainers) and names stay as
written; everything else must be Welsh.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.training import reminders
from childnrm.training.demo import SITE_COURSE, load_demo_training
from childnrm.training.models import Attendance, Course, CourseQuestion, Stage, TrainingSession
from conftest import demo_user, signed_in

NB = "northbridge"


@pytest.fixture
def welsh_training(site) -> Site:
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    load_demo_training()
    return site


def typed_and_names() -> list[str]:
    """What a training page may show as it was written: people's, organisations' and sites' names, and what the
    course's managers typed."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    for title, description in Course.objects.values_list("title", "description"):
        found += [title, description]
    found += CourseQuestion.objects.values_list("text", flat=True)
    for place, trainer in TrainingSession.objects.values_list("place", "trainer"):
        found += [place, trainer]
    return [f for f in found if f]


def site_course() -> Course:
    return Course.objects.get(site__slug=NB, national=False, title=SITE_COURSE)


def manager_paths() -> list[str]:
    course = site_course()
    today = timezone.localdate()
    coming = course.sessions.filter(on__gte=today).order_by("on").first()
    past = course.sessions.filter(on__lt=today).order_by("on").first()
    return [
        reverse("training:courses"),
        reverse("training:course-add"),
        reverse("training:course", args=[course.pk]),
        reverse("training:course-change", args=[course.pk]),
        reverse("training:evaluation", args=[course.pk]),
        reverse("training:session-add", args=[course.pk]),
        reverse("training:session", args=[coming.pk]),  # booking someone
        reverse("training:session", args=[past.pk]),  # the register
        reverse("training:session-change", args=[coming.pk]),
        reverse("training:settings"),
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SITE_ADMIN])
def test_a_welsh_sites_training_managers_see_training_in_welsh(welsh_training, role):
    client = signed_in(demo_user(role))
    assert walk_in_welsh(client, manager_paths(), names=typed_and_names()) == {}


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.FIRST_RESPONDER, Role.CHAIR, Role.ICTG, Role.ADVISER])
def test_a_welsh_sites_practitioners_see_their_training_in_welsh(welsh_training, role):
    user = demo_user(role)
    paths = [reverse("training:mine")]
    # Each of their self-assessments: open (a form), answered, not open yet or closed.
    for attendance in Attendance.objects.filter(user=user):
        paths += [reverse("training:assessment", args=[attendance.pk, stage]) for stage in Stage.values]
    page = signed_in(user).get(paths[0]).content.decode()
    assert "Eich hyfforddiant" in page
    assert walk_in_welsh(signed_in(user), paths, names=typed_and_names()) == {}


def test_training_forms_errors_and_messages_are_in_welsh(welsh_training):
    client = signed_in(demo_user(Role.COORDINATOR))
    names = typed_and_names()
    course = site_course()
    # The course form and the session form, sent empty: the error summary and each message in Welsh.
    page = client.post(reverse("training:course-add"), {"title": ""}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch deitl y cwrs" in page
    assert english_left(page, names=names) == []
    page = client.post(reverse("training:session-add", args=[course.pk]), {"starts_at": "soon"}).content.decode()
    assert "Rhowch ddyddiad y sesiwn" in page and "Rhowch yr amser dechrau fel oriau a munudau" in page
    assert english_left(page, names=names) == []
    # A saved setting's confirmation.
    page = client.post(reverse("training:settings"), {"current_months": "18"}, follow=True).content.decode()
    assert "Cadwyd y gosodiad hyfforddi" in page and "Nawr: 18 mis." in page
    assert english_left(page, names=names) == []


def test_a_practitioner_books_and_answers_in_welsh(welsh_training):
    member = demo_user(Role.PANEL_MEMBER)
    client = signed_in(member)
    names = typed_and_names()
    place = Attendance.objects.get(user=member, session__course=site_course(), session__on__gte=timezone.localdate())
    url = reverse("training:assessment", args=[place.pk, Stage.BEFORE])
    # Sent with an answer missing: the question is named as typed, the rest is Welsh.
    page = client.post(url, {"q0": ""}).content.decode()
    assert "Atebwch “" in page and english_left(page, names=names) == []
    scores = {f"q{q.pk}": "3" for q in site_course().questions.all()}
    page = client.post(url, scores, follow=True).content.decode()
    assert "Diolch: mae eich atebion cyn y sesiwn wedi’u cofnodi" in page
    assert english_left(page, names=names) == []
    page = client.post(reverse("training:cancel", args=[place.pk]), follow=True).content.decode()
    assert "Rydych chi wedi ildio eich lle" in page and english_left(page, names=names) == []


def test_the_self_assessment_reminder_is_in_the_readers_language(welsh_training):
    """A Welsh site's practitioner is reminded in Welsh; another site's in English."""
    mail.outbox = []
    # The demo's site sessions were 100 days ago: their three-month self-assessments are open today.
    reminders.assessment_reminders_send(today=timezone.localdate())
    by_address = {m.to[0]: m for m in mail.outbox}
    welsh = by_address[demo_user(Role.PANEL_MEMBER).email]
    assert welsh.subject == "Mae eich hunanasesiad hyfforddi ar agor"
    assert "Peidiwch ag ateb yr e-bost hwn." in welsh.body and "Do not reply" not in welsh.body
    english = by_address[demo_user(Role.PANEL_MEMBER, "three-rivers").email]
    assert english.subject == "Your training self-assessment is open"


def test_giving_up_a_place_on_the_day_is_refused_in_welsh(demo):
    """The refusal is said in the reader's language (the page shows the service's message as it is)."""
    from datetime import timedelta

    from django.utils import translation

    from childnrm.training import services
    from childnrm.training.demo import booked, course_for, session_of

    coordinator = demo_user(Role.COORDINATOR, NB)
    session = session_of(course_for(coordinator), coordinator, on=timezone.localdate() + timedelta(days=3))
    person = demo_user(Role.PANEL_MEMBER, NB)
    [place] = booked(session, [person])
    with translation.override("cy"), pytest.raises(services.TrainingError) as refused:
        services.place_cancel(attendance=place, user=person, today=session.on)
    assert str(refused.value) == "Dim ond cyn diwrnod y sesiwn y gellir ildio lle."
