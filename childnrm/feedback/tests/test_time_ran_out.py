"""A child who takes longer than the session's time does not lose what they wrote (WCAG 2.2.1 Timing Adjustable;
GOV.UK: do not lose people's data), and is told up front how long they have (ADR 0022, amendment 4).

Answers sent after the time ran out are shown back, unsaved, with a plain message and a box for a new code; sent with
a new code for the same child, they are saved. The old link's life is not extended: it saves nothing by itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.welsh import english_left
from childnrm.feedback import ratelimit, services
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.people.models import AssociationKind, Child
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

ANSWERS = {"listened": "no", "understood": "a_bit", "better": "If they used words I know."}
TIME_RAN_OUT = "Your time ran out, so we have not got your answers yet."


def form_url(token: str) -> str:
    return reverse("feedback:form", kwargs={"feedback_token": token})


def run_out_of_time(started: services.Started) -> None:
    """The child took longer than the session's life (31 minutes on the form)."""
    FeedbackSession.objects.filter(pk=started.session.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def text(response) -> str:
    return response.content.decode()


def shows_the_answers_back(page: str) -> bool:
    return (
        'id="id_listened_2" name="listened" type="radio" value="no" checked' in page
        and 'id="id_understood_1" name="understood" type="radio" value="a_bit" checked' in page
        and "If they used words I know.</textarea>" in page
    )


def test_the_form_says_how_long_the_child_has(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    page = text(Client().get(form_url(started.token)))
    assert "You have 30 minutes to send your answers." in page
    assert "If you need more time, that is fine. You will not lose your answers." in page
    # Opened later, it says the time that is left.
    FeedbackSession.objects.filter(pk=started.session.pk).update(expires_at=timezone.now() + timedelta(seconds=61))
    assert "You have 2 minutes to send your answers." in text(Client().get(form_url(started.token)))


def test_answers_sent_after_the_time_ran_out_are_kept_and_sent_with_a_new_code(site):
    child = demo_child(site)
    started = open_session(child, demo_user(Role.ICTG))
    device = Client()
    assert device.get(form_url(started.token)).status_code == 200
    run_out_of_time(started)

    kept = device.post(form_url(started.token), ANSWERS)
    page = text(kept)
    assert kept.status_code == 200 and kept["Cache-Control"] == "no-store"
    assert TIME_RAN_OUT in page and "Ask the person helping you for a new code." in page
    assert shows_the_answers_back(page) and 'name="code"' in page and "Your new code" in page
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None  # nothing saved by the old link

    # A wrong code keeps the answers too, and says so against the box.
    wrong = text(device.post(form_url(started.token), {**ANSWERS, "code": "ZZZZ-ZZZZ"}))
    assert "That code does not work. Check it with the person helping you." in wrong and shows_the_answers_back(wrong)

    # The person helping starts a new session; its code, typed in, sends what the child wrote.
    again = open_session(child, demo_user(Role.ICTG))
    sent = device.post(form_url(started.token), {**ANSWERS, "code": again.code.lower()})
    assert sent.status_code == 302 and sent["Location"] == reverse("feedback:thanks")
    answered = FeedbackSession.objects.get(pk=again.session.pk)
    assert (answered.listened, answered.understood, answered.better) == ("no", "a_bit", "If they used words I know.")
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None
    event = AuditEvent.objects.get(action="create", detail__record="child's feedback")
    assert event.detail["session"] == again.session.pk and event.detail["time_ran_out_in"] == started.session.pk
    assert AuditEvent.objects.filter(action="refused", detail__reason="time ran out, answers kept").count() == 1
    # Used: the new code opens nothing more, and nothing is written twice.
    used = device.post(form_url(started.token), {**ANSWERS, "code": again.code})
    assert used.status_code == 200 and "That code does not work" in text(used)
    both = FeedbackSession.objects.filter(pk__in=[started.session.pk, again.session.pk], answered_at__isnull=False)
    assert list(both.values_list("pk", flat=True)) == [again.session.pk]


def test_a_wrong_new_code_alone_puts_error_in_the_title(site):
    """The answers are fine and only the new code is wrong: the error summary shows, so the title starts with
    "Error:" (a screen reader says the title first). base.html sees `form`'s errors, not the new code's form: the
    page says so with its top-level `errors_shown`."""
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    run_out_of_time(started)
    page = text(Client().post(form_url(started.token), {**ANSWERS, "code": "ZZZZ-ZZZZ"}))
    assert "govuk-error-summary" in page
    assert re.search(r"<title>\s*Error: ", page), re.search(r"<title>.*?</title>", page, re.S)
    # Kept without a code yet: no error, no prefix.
    kept = text(Client().post(form_url(started.token), ANSWERS))
    assert "govuk-error-summary" not in kept and not re.search(r"<title>\s*Error:", kept)


def test_only_time_is_forgiven_a_cancelled_link_keeps_nothing(client_as, site):
    """A session the practitioner cancelled refuses as before, its time run out or not; one that ran out is kept."""
    child = demo_child(site)
    cancelled, late = open_session(child, demo_user(Role.ICTG)), open_session(child, demo_user(Role.ICTG))
    client_as(Role.ICTG).post(reverse("feedback:cancel", args=[cancelled.session.pk]))
    run_out_of_time(cancelled)
    run_out_of_time(late)
    device = Client()
    refused = device.post(form_url(cancelled.token), ANSWERS)
    assert refused.status_code == 404 and "This link does not work" in text(refused)
    assert TIME_RAN_OUT in text(device.post(form_url(late.token), ANSWERS))


def test_a_link_past_its_own_life_keeps_the_answers_too(site, settings):
    """The link's signature runs out (its life is shorter than the database's say): the same, nothing lost."""
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    settings.FEEDBACK_LINK_MINUTES = 0
    kept = Client().post(form_url(started.token), ANSWERS)
    assert kept.status_code == 200 and TIME_RAN_OUT in text(kept) and shows_the_answers_back(text(kept))


def test_a_new_code_for_another_child_does_not_take_the_answers(site):
    guardian = demo_user(Role.ICTG)
    child = demo_child(site)
    started = open_session(child, guardian)
    run_out_of_time(started)
    another = (
        Child.objects.filter(site=site, associations__user=guardian, associations__kind=AssociationKind.ICTG)
        .exclude(pk=child.pk)
        .first()
    )
    assert another is not None
    other = open_session(another, guardian)
    refused = Client().post(form_url(started.token), {**ANSWERS, "code": other.code})
    assert refused.status_code == 200 and "That code does not work" in text(refused)
    assert shows_the_answers_back(text(refused))
    assert FeedbackSession.objects.get(pk=other.session.pk).answered_at is None


def test_keeping_the_answers_is_not_a_failed_try_but_a_wrong_new_code_is(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    run_out_of_time(started)
    device = Client()
    for _ in range(ratelimit.FAILED_TRIES.count + 2):  # sent again and again: not guessing
        assert device.post(form_url(started.token), ANSWERS).status_code == 200
    for _ in range(ratelimit.FAILED_TRIES.count):
        assert device.post(form_url(started.token), {**ANSWERS, "code": "ZZZZ-ZZZZ"}).status_code == 200
    assert device.post(form_url(started.token), {**ANSWERS, "code": "ZZZZ-ZZZZ"}).status_code == 429


def test_a_welsh_speaking_child_is_told_in_welsh(welsh_site):
    started = open_session(demo_child(welsh_site), demo_user(Role.ICTG))
    device = Client()
    device.get(reverse("accounts:language"), {"language": "cy"})
    opened = text(device.get(form_url(started.token)))
    assert "Mae gen ti 30 munud i anfon dy atebion." in opened and english_left(opened) == []
    run_out_of_time(started)
    written = {**ANSWERS, "better": "Geiriau symlach."}
    kept = text(device.post(form_url(started.token), written))
    assert "Mae dy amser wedi dod i ben" in kept and "Dy god newydd" in kept and english_left(kept) == []
    wrong = text(device.post(form_url(started.token), {**written, "code": "ZZZZ-ZZZZ"}))
    assert "Dydy’r cod yna ddim yn gweithio" in wrong and english_left(wrong, names=["ZZZZ-ZZZZ"]) == []


def test_an_old_links_form_sent_again_and_again_is_audited_once(site):
    # Sending the kept answers is not a failed try (a genuine link), so no lockout stops it: the trail of it, written
    # against the child, is kept to one event an hour per session.
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    device.get(form_url(started.token))
    run_out_of_time(started)
    for _ in range(6):
        assert TIME_RAN_OUT in text(device.post(form_url(started.token), ANSWERS))
    assert AuditEvent.objects.filter(action="refused", detail__reason="time ran out, answers kept").count() == 1
