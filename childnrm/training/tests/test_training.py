"""Training and its evaluation (issue 12 item 3): courses, sessions, places, self-assessments at three stages,
each course's evaluation with disclosure control, whether training is current, and what panels and decisions
show of it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.stats import ttest_rel

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.training import selectors, services, stages
from childnrm.training.demo import answered, booked, course_for, register, session_of
from childnrm.training.evaluation import course_evaluation, paired_change
from childnrm.training.models import Attendance, Course, SelfAssessment, Stage, TrainingSetting
from conftest import demo_user, signed_in

NB, TR = "northbridge", "three-rivers"

# Six people's answers to the two questions, before and just after the session (test_the_evaluation_...).
KNOWLEDGE_BEFORE, KNOWLEDGE_AFTER = [1, 2, 2, 3, 1, 2], [3, 3, 4, 4, 2, 4]
CONFIDENCE_BEFORE, CONFIDENCE_AFTER = [2, 2, 3, 1, 2, 3], [3, 2, 4, 3, 2, 3]


def trainees(site: Site, n: int) -> list[User]:
    """`n` more people of the site who attend training (advisers)."""
    people = []
    for i in range(n):
        person = User.objects.create_user(
            f"trainee-{i}.{site.slug}@childnrm.example", None, full_name=f"Trainee {i:02d} {site.slug}"
        )
        Membership.objects.create(user=person, site=site, role=Role.ADVISER)
        people.append(person)
    return people


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def cell(body: str, row_id: str) -> list[str]:
    """The text of each cell of the table row with this id."""
    row = re.search(rf'<tr[^>]*id="{row_id}"[^>]*>(.*?)</tr>', body, re.S)
    assert row, row_id
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]


def evaluated_course(site: Site) -> tuple[Course, list[Attendance]]:
    """A course of two questions (one knowledge, one confidence) with a session 100 days ago: 21 booked, 20
    attended. Before: the first 14 answered. Just after: the first six (paired: the figures above) and four who
    did not answer before (not paired). Three months after: the first four."""
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Weighing a child's account", knowledge=["K1"], confidence=["C1"])
    session = session_of(course, coordinator, on=timezone.localdate() - timedelta(days=100), capacity=30)
    places = booked(session, trainees(site, 21))
    came = places[:20]
    register(session, coordinator, came)
    for i, place in enumerate(came[:6]):
        answered(place, Stage.BEFORE, [KNOWLEDGE_BEFORE[i], CONFIDENCE_BEFORE[i]])
        answered(place, Stage.AFTER, [KNOWLEDGE_AFTER[i], CONFIDENCE_AFTER[i]])
    for place in came[6:14]:
        answered(place, Stage.BEFORE, [3, 3])
    for place in came[14:18]:
        answered(place, Stage.AFTER, [5, 5])
    for place in came[:4]:
        answered(place, Stage.THREE_MONTHS, [4, 4])
    return course, came


# --- The evaluation -------------------------------------------------------------------------------------------


def test_the_evaluation_shows_each_questions_change_with_its_paired_t_interval(client_as, site):
    course, _ = evaluated_course(site)
    result = course_evaluation(course, timezone.localdate())
    knowledge, confidence = result.after

    # Computed independently: scipy's paired t-test interval, and by hand (t(0.975, 5) = 2.5705818).
    for row, before, after in (
        (knowledge, KNOWLEDGE_BEFORE, KNOWLEDGE_AFTER),
        (confidence, CONFIDENCE_BEFORE, CONFIDENCE_AFTER),
    ):
        interval = ttest_rel(after, before).confidence_interval(0.95)
        assert row.change.pairs == 6
        assert row.change.mean == pytest.approx(sum(after) / 6 - sum(before) / 6)
        assert row.change.low == pytest.approx(interval.low)
        assert row.change.high == pytest.approx(interval.high)
    # Knowledge: changes 2, 1, 2, 1, 1, 2: mean 1.5, sd √0.3, so 1.5 ± 2.5705818 x √0.3 / √6.
    assert (knowledge.change.mean, knowledge.change.low, knowledge.change.high) == pytest.approx(
        (1.5, 0.9252004, 2.0747996)
    )
    # Confidence: changes 1, 0, 1, 2, 0, 0: mean 2/3, sd √(2/3), so 2/3 ± 2.5705818 x √(2/3) / √6.
    assert (confidence.change.mean, confidence.change.low, confidence.change.high) == pytest.approx(
        (2 / 3, -0.1901939, 1.5235273)
    )
    assert knowledge.change.mean_before == pytest.approx(11 / 6)
    assert knowledge.change.mean_later == pytest.approx(20 / 6)

    response = client_as(Role.COORDINATOR).get(reverse("training:evaluation", args=[course.pk]))
    body = text_of(response)
    assert response.status_code == 200
    # Question, paired responses (6, rounded to the nearest 5), mean before, mean after, change, interval.
    assert cell(body, "change-after-1") == ["K1 (knowledge)", "5", "1.8", "3.3", "+1.5", "+0.9 to +2.1"]
    assert cell(body, "change-after-2") == ["C1 (confidence)", "5", "2.2", "2.8", "+0.7", "-0.2 to +1.5"]
    # Only four paired at three months: fewer than 5, so the count is suppressed and the change not shown.
    assert cell(body, "change-three-months-1") == ["K1 (knowledge)", "[c]", "[low]", "[low]", "[low]", "[low]"]
    assert result.three_months[0].change.pairs == 4


def test_response_rates_count_those_who_attended_under_disclosure_control(client_as, site):
    course, _ = evaluated_course(site)
    result = course_evaluation(course, timezone.localdate())
    assert [(r.stage, r.asked, r.answered) for r in result.responses] == [
        (Stage.BEFORE, 20, 14),
        (Stage.AFTER, 20, 10),
        (Stage.THREE_MONTHS, 20, 4),
    ]
    body = text_of(client_as(Role.COORDINATOR).get(reverse("training:evaluation", args=[course.pk])))
    # Asked and answered rounded to the nearest 5; rates from those rounded counts (a rate of the true ones beside
    # them would give them back: 70.0% of a rounded 20 can only be 14 of 20); 4 answers: suppressed, as is a rate
    # where fewer than 5 did not answer (it would say who did).
    assert cell(body, "responses-before") == ["Before the session", "20", "15", "75.0"]
    assert cell(body, "responses-after") == ["Just after the session", "20", "10", "50.0"]
    assert cell(body, "responses-three_months") == ["Three months after", "20", "[c]", "[c]"]
    assert 'id="attended">20<' in body.replace(" <", "<")


def test_a_course_with_few_attendees_shows_no_rate_and_no_change(client_as, site):
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Small course", knowledge=["K1"], confidence=[])
    session = session_of(course, coordinator, on=timezone.localdate() - timedelta(days=10))
    places = booked(session, trainees(site, 3))
    register(session, coordinator, places)
    for place in places:
        answered(place, Stage.BEFORE, [2])
        answered(place, Stage.AFTER, [4])
    body = text_of(client_as(Role.COORDINATOR).get(reverse("training:evaluation", args=[course.pk])))
    assert cell(body, "responses-before") == ["Before the session", "[c]", "[c]", "[low]"]
    assert cell(body, "change-after-1") == ["K1 (knowledge)", "[c]", "[low]", "[low]", "[low]", "[low]"]
    # The three-month self-assessment has not opened for anyone: nobody asked, nothing to show.
    assert cell(body, "responses-three_months") == ["Three months after", "0", "0", "[x]"]


def test_paired_change_of_one_pair_has_no_interval():
    assert paired_change([]).mean is None
    one = paired_change([(2, 4)])
    assert (one.pairs, one.mean, one.low, one.high) == (1, 2.0, None, None)
    same = paired_change([(1, 3)] * 5)
    assert (same.mean, same.low, same.high) == (2.0, 2.0, 2.0)


# --- Self-assessments ------------------------------------------------------------------------------------------


def test_each_self_assessment_opens_at_its_date():
    on = date(2026, 11, 30)
    assert stages.window(on, Stage.BEFORE) == stages.Window(None, on)
    assert stages.window(on, Stage.AFTER) == stages.Window(on, date(2026, 12, 13))
    # Three calendar months after 30 November is the last day of February.
    assert stages.window(on, Stage.THREE_MONTHS) == stages.Window(date(2027, 2, 28), date(2027, 3, 27))

    def state(stage: str, today: date, attended: bool | None = True) -> str:
        return stages.state(session_on=on, stage=stage, attended=attended, answered=False, today=today)

    assert state(Stage.BEFORE, on - timedelta(days=20)) == stages.OPEN
    assert state(Stage.BEFORE, on + timedelta(days=1)) == stages.CLOSED
    assert state(Stage.AFTER, on - timedelta(days=1)) == stages.NOT_YET
    assert state(Stage.AFTER, on) == stages.OPEN
    assert state(Stage.AFTER, date(2026, 12, 14)) == stages.CLOSED
    assert state(Stage.THREE_MONTHS, date(2027, 2, 27)) == stages.NOT_YET
    assert state(Stage.THREE_MONTHS, date(2027, 2, 28)) == stages.OPEN
    assert state(Stage.AFTER, on, attended=False) == stages.NOT_ASKED


def test_an_attendee_answers_from_their_own_training_page(client_as, site):
    """The demo panel member has a place on the site course's session in three weeks (training.demo)."""
    member = demo_user(Role.PANEL_MEMBER)
    place = Attendance.objects.get(user=member)
    questions = list(place.session.course.questions.order_by("position"))
    client = client_as(Role.PANEL_MEMBER)

    page = text_of(client.get(reverse("training:mine")))
    before_url = reverse("training:assessment", args=[place.pk, Stage.BEFORE])
    assert f'href="{before_url}"' in page and "Self-assessments to answer" in page
    assert "You have no training recorded at Northbridge Child Panel yet" in page

    # Every question needs an answer; the error says which.
    response = client.post(before_url, {f"q{questions[0].pk}": "2"})
    body = text_of(response)
    assert response.status_code == 200 and "There is a problem" in body
    assert f"Answer “{questions[1].text}” with a number from 1 to 5" in body
    response = client.post(before_url, {f"q{q.pk}": str(i + 1) for i, q in enumerate(questions)})
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(attendance=place, stage=Stage.BEFORE)
    assert [a.score for a in assessment.answers.order_by("question__position")] == [1, 2, 3, 4]
    # Audited without the scores.
    event = AuditEvent.objects.filter(object_type="training.selfassessment", object_id=str(assessment.pk)).get()
    assert event.detail == {"stage": "before"} and event.purpose == "My own training and self-assessments"
    # Once only.
    assert "You have answered this self-assessment" in text_of(client.get(before_url))
    with pytest.raises(services.TrainingError, match="already answered"):
        services.assessment_submit(attendance=place, user=member, stage=Stage.BEFORE, scores={})
    # The later ones open at their dates.
    three_months = text_of(client.get(reverse("training:assessment", args=[place.pk, Stage.THREE_MONTHS])))
    opens = stages.window(place.session.on, Stage.THREE_MONTHS).opens
    assert f"This self-assessment opens on {opens.day} {opens:%B %Y}" in three_months
    # Nobody else reaches the place: not another practitioner, not the coordinator who runs the course.
    for role in (Role.CHAIR, Role.COORDINATOR):
        assert client_as(role).get(before_url).status_code == 404
    assert (
        client_as(Role.PANEL_MEMBER).get(reverse("training:assessment", args=[place.pk, "during"])).status_code == 404
    )


def test_nothing_is_asked_after_a_session_someone_did_not_attend(site):
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Register course")
    session = session_of(course, coordinator, on=timezone.localdate() + timedelta(days=2))
    came, absent = booked(session, trainees(site, 2))
    with pytest.raises(services.TrainingError, match="from the day of the session"):
        services.attendance_record(session=session, user=coordinator, attended_ids={came.pk})
    register(session, coordinator, [came])
    assert Attendance.objects.get(pk=absent.pk).attended is False
    absent.refresh_from_db()
    with pytest.raises(services.TrainingError, match="recorded as not attending"):
        services.assessment_submit(attendance=absent, user=absent.user, stage=Stage.AFTER, scores={}, today=session.on)


def test_questions_cannot_change_once_someone_has_answered(site):
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Fixed questions", knowledge=["K1"], confidence=["C1"])
    changed = services.CourseAnswers(
        title="Fixed questions, renamed",
        description="d",
        counts_for_panel=True,
        knowledge=["K1", "K2"],
        confidence=["C1"],
    )
    services.course_change(course=course, user=coordinator, answers=changed)
    assert [q.text for q in course.questions.order_by("position")] == ["K1", "K2", "C1"]
    session = session_of(course, coordinator, on=timezone.localdate() + timedelta(days=5))
    (place,) = booked(session, trainees(site, 1))
    answered(place, Stage.BEFORE, [1, 1, 1])
    with pytest.raises(services.TrainingError, match="cannot change now that people have answered"):
        services.course_change(course=course, user=coordinator, answers=replace(changed, knowledge=["K1"]))
    # The title may still change.
    services.course_change(course=course, user=coordinator, answers=replace(changed, title="New"))
    assert Course.objects.get(pk=course.pk).title == "New"


# --- Courses, sessions and places ---------------------------------------------------------------------------------


def test_a_coordinator_adds_a_course_and_a_session(client_as, site):
    client = client_as(Role.COORDINATOR)
    form = text_of(client.get(reverse("training:course-add")))
    assert 'name="national"' not in form  # a site's coordinator adds the site's courses only
    response = client.post(
        reverse("training:course-add"),
        {
            "title": "Age assessment and the NRM",
            "description": "What a panel may conclude about age.",
            "counts_for_panel": "yes",
            "knowledge": "How much do you know about age assessment?\n\n",
            "confidence": "",
        },
    )
    course = Course.objects.get(title="Age assessment and the NRM")
    assert response.status_code == 302 and (course.site, course.national) == (site, False)
    assert [q.text for q in course.questions.all()] == ["How much do you know about age assessment?"]
    day = timezone.localdate() + timedelta(days=30)
    data = {"on_day": day.day, "on_month": day.month, "on_year": day.year, "starts_at": "2pm", "ends_at": "1:30pm"}
    data |= {"online": "no", "place": "Room 4", "trainer": "A. Trainer", "capacity": "12"}
    response = client.post(reverse("training:session-add", args=[course.pk]), data)
    assert "The end time must be after the start time" in text_of(response)
    response = client.post(reverse("training:session-add", args=[course.pk]), {**data, "ends_at": "16:30"})
    session = course.sessions.get()
    assert response.status_code == 302
    assert (session.starts_at.hour, session.ends_at.hour, session.capacity) == (14, 16, 12)
    page = text_of(client.get(reverse("training:session", args=[session.pk])))
    assert "0 booked of 12" in page and "Book someone" in page


def test_places_are_limited_and_open_to_the_courses_people(client_as, site, other_site):
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Two places")
    session = session_of(course, coordinator, on=timezone.localdate() + timedelta(days=7), capacity=2)
    booked(session, trainees(site, 2))
    chair = demo_user(Role.CHAIR)
    with pytest.raises(services.TrainingError, match="This session is full"):
        services.place_book(session=session, user=chair)
    # Another site's practitioner cannot book it, nor see it to book.
    response = client_as(Role.CHAIR, TR).post(reverse("training:book", args=[session.pk]))
    assert response.status_code == 404
    assert session not in selectors.bookable_sessions(demo_user(Role.CHAIR, TR), timezone.localdate())

    # With a place free, the chair books from their own page and can give the place up before the day.
    Attendance.objects.filter(session=session).first().delete()
    client = client_as(Role.CHAIR)
    assert f'id="session-{session.pk}"' in text_of(client.get(reverse("training:mine")))
    assert client.post(reverse("training:book", args=[session.pk])).status_code == 302
    place = Attendance.objects.get(session=session, user=chair)
    assert place.site == site and place.booked_by == chair
    client.post(reverse("training:cancel", args=[place.pk]))
    assert not Attendance.objects.filter(pk=place.pk).exists()


def test_a_national_course_is_run_by_a_library_moderator_for_every_site(client_as, site, other_site):
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    client = client_as(Role.LIBRARY_MODERATOR)
    assert 'name="national"' not in text_of(client.get(reverse("training:course-add")))  # national only
    course = course_for(moderator, title="National: disclosure", national=True)
    assert (course.site, course.national) == (site, True)
    session = session_of(course, moderator, on=timezone.localdate() + timedelta(days=14), online=True)

    # Three Rivers' coordinator sees it, books their own people onto it and sees only them.
    tr_coordinator = client_as(Role.COORDINATOR, TR)
    assert "National: disclosure" in text_of(tr_coordinator.get(reverse("training:courses")))
    tr_person = demo_user(Role.ICTG, TR)
    response = tr_coordinator.post(reverse("training:attendee-add", args=[session.pk]), {"person": tr_person.pk})
    assert response.status_code == 302
    nb_person = demo_user(Role.ICTG, NB)
    with pytest.raises(services.TrainingError, match="Select someone of your site"):
        services.attendee_book(session=session, person_id=nb_person.pk, user=demo_user(Role.COORDINATOR, TR))
    booked(session, [nb_person])
    tr_page = text_of(tr_coordinator.get(reverse("training:session", args=[session.pk])))
    assert tr_person.full_name in tr_page and nb_person.full_name not in tr_page
    assert Attendance.objects.get(user=tr_person).site == other_site
    # They cannot change it or keep its register; its moderator sees everyone.
    assert tr_coordinator.get(reverse("training:course-change", args=[course.pk])).status_code == 403
    assert tr_coordinator.get(reverse("training:session-add", args=[course.pk])).status_code == 403
    page = text_of(client.get(reverse("training:session", args=[session.pk])))
    assert tr_person.full_name in page and nb_person.full_name in page
    # Another site's library moderator does not run it.
    assert client_as(Role.LIBRARY_MODERATOR, TR).get(reverse("training:course", args=[course.pk])).status_code == 404


def test_upcoming_sessions_for_the_community_page(site, other_site):
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    national = course_for(moderator, title="National course", national=True)
    soon = session_of(national, moderator, on=timezone.localdate() + timedelta(days=3), online=True, capacity=5)
    session_of(national, moderator, on=timezone.localdate() - timedelta(days=3))  # past
    nb_own = Course.objects.get(site=site, national=False).sessions.get()  # the demo's, in three weeks
    assert [s.id for s in selectors.upcoming_sessions(10)] == [soon.pk]
    found = selectors.upcoming_sessions(10, site)
    assert [s.id for s in found] == [soon.pk, nb_own.pk]
    first = found[0]
    assert (first.course_title, first.national, first.site_name, first.places_left) == (
        "National course",
        True,
        "Northbridge Child Panel",
        5,
    )
    assert first.book_url == f"{reverse('training:mine')}#session-{soon.pk}"
    assert [s.id for s in selectors.upcoming_sessions(1, site)] == [soon.pk]
    # Another site's own course is not listed for this one.
    assert all(s.site_name != other_site.name or s.national for s in found)


# --- Whether training is current -------------------------------------------------------------------------------------


def test_training_is_current_for_the_sites_months_after_the_last_session(site, other_site):
    coordinator = demo_user(Role.COORDINATOR)
    today = timezone.localdate()
    fresh, lapsed, never, elsewhere, not_counting = trainees(site, 5)
    course = course_for(coordinator, title="Counts")
    for person, days in ((fresh, 30), (lapsed, 400)):
        session = session_of(course, coordinator, on=today - timedelta(days=days))
        register(session, coordinator, booked(session, [person]))
    other = course_for(demo_user(Role.COORDINATOR, TR), title="Other site's course")
    Membership.objects.create(user=elsewhere, site=other_site, role=Role.ADVISER)
    session = session_of(other, demo_user(Role.COORDINATOR, TR), on=today - timedelta(days=30))
    register(session, demo_user(Role.COORDINATOR, TR), booked(session, [elsewhere]))
    extra = course_for(coordinator, title="Does not count", counts_for_panel=False)
    session = session_of(extra, coordinator, on=today - timedelta(days=30))
    register(session, coordinator, booked(session, [not_counting]))

    people = [fresh, lapsed, never, elsewhere, not_counting]
    current = selectors.training_current(people, site, on=today)
    assert current == {
        fresh.pk: stages.add_months(today - timedelta(days=30), 12),
        lapsed.pk: False,
        never.pk: False,
        elsewhere.pk: False,  # another site's own course does not count here
        not_counting.pk: False,
    }
    status = selectors.training_status([lapsed], site, on=today)[lapsed.pk]
    assert status.lapsed_on == stages.add_months(today - timedelta(days=400), 12) + timedelta(days=1)
    # The site counts training as current for longer: the lapsed person is current again.
    services.setting_set(site=site, user=coordinator, current_months=24)
    assert selectors.training_current([lapsed], site, on=today)[lapsed.pk] == stages.add_months(
        today - timedelta(days=400), 24
    )
    assert TrainingSetting.objects.get(site=site).current_months == 24
    with pytest.raises(services.TrainingError):
        services.setting_set(site=site, user=coordinator, current_months=0)


def test_the_setting_is_changed_by_the_sites_training_managers(client_as, site):
    client = client_as(Role.SITE_ADMIN)
    assert "Now: 12 months" in text_of(client.get(reverse("training:settings")))
    response = client.post(reverse("training:settings"), {"current_months": "abc"})
    assert "The number of months must be a whole number, like 12" in text_of(response)
    assert client.post(reverse("training:settings"), {"current_months": "18"}).status_code == 302
    assert selectors.current_months(site) == 18


def test_the_panel_members_page_shows_whose_training_is_current(client_as, site):
    from childnrm.panels.models import PanelMember

    coordinator = demo_user(Role.COORDINATOR)
    seats = list(PanelMember.objects.filter(site=site, active=True).select_related("user"))
    assert len(seats) >= 2
    trained = seats[0].user
    course = course_for(coordinator, title="Panel course")
    session = session_of(course, coordinator, on=timezone.localdate() - timedelta(days=10))
    register(session, coordinator, booked(session, [trained]))
    body = text_of(client_as(Role.COORDINATOR).get(reverse("panels:members")))
    until = stages.add_months(session.on, 12)
    row = re.search(rf"{re.escape(trained.full_name)}.*?</tr>", body).group(0)
    assert f'Current</strong><br><span class="govuk-body-s">until {until.day} {until:%B %Y}' in row
    other = re.search(rf"{re.escape(seats[1].user.full_name)}.*?</tr>", body).group(0)
    assert "None recorded" in other
    assert "Training is current for 12 months after the last session" in body


def test_the_decision_checks_warn_without_blocking_when_a_voters_training_is_not_current(client_as, site):
    from childnrm.decisions import services as decision_services
    from childnrm.decisions.demo import draft_decision, record_complete
    from childnrm.decisions.models import DecisionStatus, Outcome

    decision = draft_decision(NB)
    voters = [a.user for a in decision_services.decision_voters(decision)]
    assert voters
    coordinator = demo_user(Role.COORDINATOR)
    course = course_for(coordinator, title="Panel course")
    session = session_of(course, coordinator, on=timezone.localdate() - timedelta(days=400))
    register(session, coordinator, booked(session, voters[:1]))
    warnings = decision_services.decision_warnings(decision)
    lapsed_on = stages.add_months(session.on, 12) + timedelta(days=1)
    assert f"The training of {voters[0].full_name} lapsed on {lapsed_on.day} {lapsed_on:%B %Y}" in " ".join(warnings)
    for voter in voters[1:]:
        assert f"{voter.full_name} has no training recorded at this site." in warnings
    assert decision_services.decision_completeness(decision) != []  # the record itself is still to do

    decision = record_complete(decision, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    assert decision_services.decision_completeness(decision) == []
    chair = signed_in(decision.meeting.chair)
    page = text_of(chair.get(reverse("decisions:finalise", args=[decision.pk])))
    assert "Training not current (this does not stop the sign-off)" in page
    assert voters[0].full_name in page and "Sign off the decision" in page
    assert "Training not current" in text_of(chair.get(reverse("decisions:record", args=[decision.pk])))
    # It does not block.
    chair.post(reverse("decisions:finalise", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.status in (DecisionStatus.FINAL, DecisionStatus.SECOND_REVIEW)

    # Once every voter's training is current, nothing is said.
    later = session_of(course, coordinator, on=timezone.localdate() - timedelta(days=1))
    register(later, coordinator, booked(later, voters))
    assert decision_services.decision_warnings(decision) == []


def test_the_daily_task_asks_for_each_self_assessment_once_when_it_opens(site):
    from django.core import mail

    from childnrm.dashboard.tasks import send_daily_reminders

    coordinator = demo_user(Role.COORDINATOR)
    today = timezone.localdate()
    course = course_for(coordinator, title="Reminded course")
    yesterday = session_of(course, coordinator, on=today - timedelta(days=1))
    came, done, _absent = booked(yesterday, trainees(site, 3))
    register(yesterday, coordinator, [came, done])
    answered(done, Stage.AFTER, [3, 3, 3, 3])
    earlier = session_of(course, coordinator, on=today - timedelta(days=100))
    (months_ago,) = booked(earlier, [demo_user(Role.ANALYST)])
    register(earlier, coordinator, [months_ago])

    summary = send_daily_reminders.call(today.isoformat())
    assert summary["training_self_assessments"] == {
        "today": today.isoformat(),
        "emails": 2,
        "after": 1,
        "three_months": 1,
    }
    sent = {m.to[0]: m.body for m in mail.outbox if m.subject == "Your training self-assessment is open"}
    assert set(sent) == {came.user.email, months_ago.user.email}
    assert f"/training/your-places/{came.pk}/after/" in sent[came.user.email]
    assert "Reminded course, session on" in sent[came.user.email]
    assert f"/training/your-places/{months_ago.pk}/three_months/" in sent[months_ago.user.email]
    # The next day's run asks nobody again.
    mail.outbox.clear()
    summary = send_daily_reminders.call((today + timedelta(days=1)).isoformat())
    assert summary["training_self_assessments"]["emails"] == 0


def test_the_seed_demo_gives_the_national_course_an_evaluation(site):
    from childnrm.training.demo import NATIONAL_COURSE, load_demo_training

    assert load_demo_training() == 4
    assert load_demo_training() == 0  # idempotent
    national = Course.objects.get(title=NATIONAL_COURSE)
    result = course_evaluation(national, timezone.localdate())
    # Everyone who attends training at both demo sites was booked; one could not come.
    attended = Attendance.objects.filter(session__course=national, attended=True).count()
    assert attended >= 20
    before, after, three_months = result.responses
    assert (before.asked, before.answered) == (attended, attended)
    assert after.rate.value is not None and three_months.rate.value is not None
    assert all(row.mean.value is not None for row in result.after)
    # The panel members of each site have current training.
    member = demo_user(Role.PANEL_MEMBER)
    assert selectors.training_current([member], site)[member.pk]
