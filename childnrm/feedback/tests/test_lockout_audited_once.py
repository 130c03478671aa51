"""A refused try past a limit is audited once for each address and window, not once per try: the audit trail keeps
the first refusal and the lockout, and someone hammering the child's pages cannot flood it. Every try past the limit
is still refused, with the same plain message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.feedback import ratelimit
from childnrm.feedback.demo import open_session
from childnrm.kit.tests.clock import Clock, stopped_clock
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

WRONG = {"code": "AAAA-AAAA"}
LOCKOUTS = ("too many failed tries", "too many tries")


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return stopped_clock(monkeypatch, window=ratelimit.FAILED_TRIES.seconds)


def refusals(*reasons: str) -> int:
    return AuditEvent.objects.filter(action="refused", detail__reason__in=reasons).count()


def refused_plainly(response) -> bool:
    return response.status_code == 429 and "Please wait a little" in response.content.decode()


def test_many_tries_past_the_wrong_code_limit_write_one_lockout_event_a_window(site, clock):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    form = reverse("feedback:form", args=[started.token])
    device = Client()
    for _ in range(ratelimit.FAILED_TRIES.count):
        assert device.post(reverse("feedback:code"), WRONG).status_code == 200
    for _ in range(30):  # hammering both pages: each refused alike
        assert refused_plainly(device.post(reverse("feedback:code"), WRONG))
        assert refused_plainly(device.get(form))
    assert refusals("code does not open a form") == ratelimit.FAILED_TRIES.count  # each wrong code before it
    assert refusals(*LOCKOUTS) == 1

    # The next window: the address is let in again; a new lockout is a new event.
    clock.travel(ratelimit.FAILED_TRIES.seconds)
    for _ in range(ratelimit.FAILED_TRIES.count):
        assert device.post(reverse("feedback:code"), WRONG).status_code == 200
    for _ in range(5):
        assert refused_plainly(device.post(reverse("feedback:code"), WRONG))
    assert refusals(*LOCKOUTS) == 2
    # Another address locked out in the same window has its own event.
    other = Client(REMOTE_ADDR="192.0.2.8")
    for _ in range(ratelimit.FAILED_TRIES.count + 3):
        other.post(reverse("feedback:code"), WRONG)
    assert refusals(*LOCKOUTS) == 3


def test_a_flood_of_form_requests_writes_one_event_a_window(site, clock):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    form = reverse("feedback:form", args=[started.token])
    device = Client()
    for _ in range(ratelimit.FORM_REQUESTS.count):
        assert device.get(form).status_code == 200
    for _ in range(20):
        assert refused_plainly(device.get(form))
    assert refusals("too many tries") == 1
