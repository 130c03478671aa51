"""The feedback limits hold for their whole window, a pause or not, and a burst of wrong codes from one address
gets no more checked than the limit; only failed tries count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.feedback import ratelimit, services
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.kit.tests.clock import Clock, stopped_clock
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

WRONG = {"code": "AAAA-AAAA"}


@pytest.fixture
def clock(monkeypatch) -> Clock:
    # At the start of an hour, which starts a window of each limit (10 minutes, an hour).
    return stopped_clock(monkeypatch, window=ratelimit.SESSION_STARTS.seconds)


def code_page() -> str:
    return reverse("feedback:code")


def test_ten_wrong_codes_hold_the_address_for_the_whole_ten_minutes(site, clock):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    for _ in range(ratelimit.FAILED_TRIES.count):
        assert device.post(code_page(), WRONG).status_code == 200
    clock.travel(6 * 60)  # a pause longer than the cache's five minutes
    assert device.post(code_page(), {"code": started.code}).status_code == 429
    clock.travel(4 * 60)  # the next ten minutes
    assert device.post(code_page(), {"code": started.code}).status_code == 302


def test_twenty_sessions_an_hour_hold_across_a_pause(client_as, site, clock):
    child = demo_child(site)
    guardian = client_as(Role.ICTG)  # signed in on the clock
    start = reverse("feedback:start", args=[child.reference])
    before = FeedbackSession.objects.filter(child=child).count()
    for _ in range(ratelimit.SESSION_STARTS.count // 2):
        guardian.post(start)
    clock.travel(6 * 60)
    for _ in range(ratelimit.SESSION_STARTS.count // 2):
        guardian.post(start)
    refused = guardian.post(start, follow=True)
    assert "You have started many feedback sessions in the last hour" in refused.content.decode()
    assert FeedbackSession.objects.filter(child=child).count() - before == ratelimit.SESSION_STARTS.count


def test_wrong_codes_sent_together_get_no_more_checked_than_the_limit(site, clock, monkeypatch):
    device = Client()
    burst = ratelimit.FAILED_TRIES.count + 5
    answers: list[int] = []
    check = services.open_session_for_code

    def the_others_arrive_while_the_first_is_checked(code: str):
        # As from parallel requests: the rest of the burst reaches the page before the first one's code is checked
        # (each of them then checked by the real service, as is this one).
        monkeypatch.setattr(services, "open_session_for_code", check)
        answers.extend(device.post(code_page(), WRONG).status_code for _ in range(burst - 1))
        return check(code)

    monkeypatch.setattr(services, "open_session_for_code", the_others_arrive_while_the_first_is_checked)
    answers.append(device.post(code_page(), WRONG).status_code)
    assert sorted(answers) == [200] * ratelimit.FAILED_TRIES.count + [429] * (burst - ratelimit.FAILED_TRIES.count)


def test_only_wrong_codes_and_dead_links_count(site, clock):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    for _ in range(ratelimit.FAILED_TRIES.count - 1):
        assert device.post(code_page(), WRONG).status_code == 200
    # A code left out, the right code, and the form opened by its link are not failed tries.
    assert device.post(code_page(), {"code": ""}).status_code == 200
    assert device.post(code_page(), {"code": started.code}).status_code == 302
    assert device.get(reverse("feedback:form", args=[started.token])).status_code == 200
    assert device.post(code_page(), WRONG).status_code == 200  # the tenth wrong code is still checked
    assert device.post(code_page(), WRONG).status_code == 429
