"""The child's feedback (issue 12): the guardian or lead social worker starts a session from the child's case; the
child answers on a device without signing in, by a one-time link or code that expires, works once and can be
cancelled; the child's pages name nothing of the child; refusals, openings and answers are audited; guessing is
rate-limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.feedback import ratelimit, services, tokens
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession, Scale
from childnrm.feedback.services import FeedbackError
from childnrm.people import services as people_services
from childnrm.people.models import Child
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

ANSWERS = {"listened": "yes", "understood": "a_bit", "better": "If they talked slower."}


def form_url(token: str) -> str:
    return reverse("feedback:form", kwargs={"feedback_token": token})


def text(response) -> str:
    return response.content.decode()


def new_sessions(site) -> FeedbackSession:
    return FeedbackSession.objects.filter(child__site=site, answered_at__isnull=True)


def test_the_guardian_starts_a_session_and_sees_its_code_and_link_once(client_as, site):
    child = demo_child(site)
    guardian = client_as(Role.ICTG)
    page = text(guardian.get(reverse("feedback:child", args=[child.reference])))
    assert "Start a feedback session" in page
    response = guardian.post(reverse("feedback:start", args=[child.reference]))
    session = new_sessions(site).get()
    assert response["Location"] == reverse("feedback:session", args=[session.pk])
    assert session.started_by == demo_user(Role.ICTG) and session.started_as == "ictg"
    assert session.expires_at - session.started_at == timedelta(minutes=30)

    shown = text(guardian.get(response["Location"]))
    code = shown.split('id="feedback-code"><strong class="govuk-!-font-size-48">')[1][:9]
    assert len(code) == 9 and code[4] == "-"
    assert tokens.matches(code.replace("-", ""), session.code_hash)
    assert "/feedback/your-say/" in shown
    assert FeedbackSession.objects.filter(code_hash__icontains=code.replace("-", "")).count() == 0  # only a hash
    # Someone else signed in as the guardian (another browser) sees no code: it was shown where it was started.
    elsewhere = client_as(Role.ICTG)
    assert "feedback-code" not in text(elsewhere.get(response["Location"]))
    assert AuditEvent.objects.filter(action="create", detail__record="feedback session").count() == 1


def test_the_lead_social_worker_with_an_account_gathers_feedback_too_and_others_cannot(client_as, site):
    child = demo_child(site)
    social_worker = demo_user(Role.PANEL_MEMBER)
    assert client_as(Role.PANEL_MEMBER).post(reverse("feedback:start", args=[child.reference])).status_code == 404
    people_services.lead_social_worker_record(
        child=child, user=demo_user(Role.COORDINATOR), name=social_worker.full_name, email=social_worker.email
    )
    assert client_as(Role.PANEL_MEMBER).post(reverse("feedback:start", args=[child.reference])).status_code == 302
    assert new_sessions(site).get().started_as == "lead_social_worker"
    # The coordinator reads the child's feedback but does not start sessions; nobody else reaches it.
    coordinator = client_as(Role.COORDINATOR)
    assert "Start a feedback session" not in text(coordinator.get(reverse("feedback:child", args=[child.reference])))
    assert coordinator.post(reverse("feedback:start", args=[child.reference])).status_code == 403
    assert (
        client_as(Role.ICTG, "three-rivers").get(reverse("feedback:child", args=[child.reference])).status_code == 404
    )


def test_the_child_answers_without_signing_in_and_the_link_then_works_no_more(client_as, site):
    child = demo_child(site)
    started = open_session(child, demo_user(Role.ICTG))
    device = Client()
    form = device.get(form_url(started.token))
    page = text(form)
    assert form.status_code == 200 and "Did you feel listened to?" in page
    assert form["Cache-Control"] == "no-store"
    for private in (child.display_name, child.given_names, child.reference, site.name, "Guardian (Northbridge"):
        assert private not in page
    # The face is a picture of the words, hidden from screen readers; the words are the label.
    assert 'aria-hidden="true" focusable="false"' in page and '<span class="app-face__words">A bit</span>' in page

    response = device.post(form_url(started.token), ANSWERS)
    assert response["Location"] == reverse("feedback:thanks")
    session = FeedbackSession.objects.get(pk=started.session.pk)
    assert (session.listened, session.understood, session.better) == ("yes", "a_bit", "If they talked slower.")
    assert session.answered_at is not None

    again = device.post(form_url(started.token), {**ANSWERS, "listened": "no"})
    assert again.status_code == 404 and "This link does not work" in text(again)
    assert device.get(form_url(started.token)).status_code == 404
    session.refresh_from_db()
    assert session.listened == "yes"

    answered = AuditEvent.objects.get(action="create", detail__record="child's feedback")
    assert answered.actor is None and answered.object_id == str(child.pk)
    assert AuditEvent.objects.filter(action="view", detail__page="child's feedback form").count() == 1
    assert AuditEvent.objects.filter(action="refused", detail__reason="link does not open a form").count() == 2

    # The guardian sees the answers with the child's case.
    page = text(client_as(Role.ICTG).get(reverse("feedback:child", args=[child.reference])))
    row = page[page.index(f'data-feedback-session="{session.pk}"') :]
    assert "Answered" in row and "If they talked slower." in row and "A bit" in row


def test_an_unanswered_question_is_named_in_plain_words_and_nothing_is_saved(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    response = Client().post(form_url(started.token), {"listened": "yes", "better": ""})
    assert response.status_code == 200
    assert "Pick an answer to: did you understand what happened? You can pick I&#39;m not sure." in text(response)
    assert 'id="id_listened_0" name="listened" type="radio" value="yes" checked' in text(response)
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda t: "set-password", id="made up"),
        pytest.param(lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), id="signature changed"),
        pytest.param(lambda t: t.replace(t.split("-")[0], str(int(t.split("-")[0]) + 1), 1), id="another session"),
    ],
)
def test_a_link_that_is_not_genuine_is_refused(site, spoil):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    open_session(demo_child(site), demo_user(Role.ICTG))  # a session with the next id exists
    response = Client().get(form_url(spoil(started.token)))
    assert response.status_code == 404 and "Did you feel listened to?" not in text(response)


def test_an_expired_or_cancelled_link_is_refused(client_as, site, settings):
    child = demo_child(site)
    expired = open_session(child, demo_user(Role.ICTG))
    FeedbackSession.objects.filter(pk=expired.session.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(form_url(expired.token)).status_code == 404

    cancelled = open_session(child, demo_user(Role.ICTG))
    guardian = client_as(Role.ICTG)
    guardian.post(reverse("feedback:cancel", args=[cancelled.session.pk]))
    assert FeedbackSession.objects.get(pk=cancelled.session.pk).cancelled_at is not None
    assert Client().post(form_url(cancelled.token), ANSWERS).status_code == 404
    with pytest.raises(FeedbackError, match="already cancelled"):
        services.session_cancel(session=cancelled.session, user=demo_user(Role.ICTG))

    # The link's own signature carries its age: past the session's life it fails even before the database says so.
    fresh = open_session(child, demo_user(Role.ICTG))
    settings.FEEDBACK_LINK_MINUTES = 0
    assert Client().get(form_url(fresh.token)).status_code == 404


def test_the_code_opens_the_form_typed_any_way_and_a_wrong_code_is_refused(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    typed = f" {started.code[:4].lower()} - {started.code[4:]} "
    response = device.post(reverse("feedback:code"), {"code": typed})
    assert response.status_code == 302 and response["Location"].startswith("/feedback/your-say/")
    assert device.post(response["Location"], ANSWERS)["Location"] == reverse("feedback:thanks")
    # Used: the same code opens nothing now.
    refused = device.post(reverse("feedback:code"), {"code": started.code})
    assert refused.status_code == 200 and "That code does not work" in text(refused)
    assert AuditEvent.objects.filter(action="refused", detail__reason="code does not open a form").count() == 1


def test_guessing_codes_is_stopped_after_ten_wrong_tries(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    for _ in range(ratelimit.FAILED_TRIES.count):
        assert device.post(reverse("feedback:code"), {"code": "AAAA-AAAA"}).status_code == 200
    blocked = device.post(reverse("feedback:code"), {"code": started.code})  # even the right one, for a while
    assert blocked.status_code == 429 and "Please wait a little" in text(blocked)
    assert device.get(form_url(started.token)).status_code == 429
    # Another address is not held up.
    assert Client(REMOTE_ADDR="192.0.2.7").post(reverse("feedback:code"), {"code": started.code}).status_code == 302


def test_someone_signed_in_on_the_device_must_work_at_the_childs_site(client_as, site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    assert client_as(Role.ANALYST).get(form_url(started.token)).status_code == 200
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(form_url(started.token)).status_code == 404
    assert other.post(form_url(started.token), ANSWERS).status_code == 404
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None


def test_the_session_remembers_the_decision_explained(site):
    from childnrm.decisions.demo import final_decision
    from childnrm.panels.demo import accepted_referral
    from childnrm.safeguarding.demo import plan_at_sitting

    decision = final_decision("northbridge", referral=accepted_referral("northbridge"), agree_plan=plan_at_sitting)
    child = Child.objects.get(pk=decision.referral.child_id)
    from childnrm.outcomes.demo import allocate_guardian

    allocate_guardian(child, demo_user(Role.ICTG))
    started = open_session(child, demo_user(Role.ICTG))
    assert (started.session.decision, started.session.referral) == (decision, decision.referral)


def test_answers_off_the_scale_are_refused_by_the_service(site):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    with pytest.raises(FeedbackError):
        services.feedback_answer(token=started.token, listened="maybe", understood=Scale.YES, better="")
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None
