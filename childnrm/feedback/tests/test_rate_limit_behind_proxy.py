"""The child's pages behind the TLS proxy: wrong codes are counted per client (audit.context.client_ip), not per
proxy, in the cache every worker shares; and the child's link, which holds their code, is never written to a log."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.feedback import ratelimit
from childnrm.feedback.demo import open_session
from childnrm.kit.logs import REDACTED
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # gunicorn listens here: every request comes from the proxy


def behind_the_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def guess_wrong(device: Client, tries: int = ratelimit.FAILED_TRIES.count) -> None:
    for _ in range(tries):
        assert device.post(reverse("feedback:code"), {"code": "AAAA-AAAA"}).status_code == 200


def test_wrong_codes_from_one_client_do_not_hold_up_another_behind_the_same_proxy(site, settings):
    settings.TRUSTED_PROXIES = 1
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    guesser = behind_the_proxy("203.0.113.5")
    guess_wrong(guesser)
    assert guesser.post(reverse("feedback:code"), {"code": started.code}).status_code == 429
    # The child, elsewhere, through the same proxy: their code opens their form.
    child = behind_the_proxy("198.51.100.7")
    response = child.post(reverse("feedback:code"), {"code": started.code})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:form", args=[started.token])
    # The guesser cannot pass for the child by writing the child's address in front of their own.
    assert behind_the_proxy("198.51.100.7, 203.0.113.5").get(response["Location"]).status_code == 429


def test_the_count_is_shared_by_every_worker(site):
    device = Client()
    guess_wrong(device)
    # Another gunicorn worker has nothing of this process's own memory.
    caches["default"].clear()
    assert device.post(reverse("feedback:code"), {"code": "AAAA-AAAA"}).status_code == 429


def test_the_childs_link_is_not_logged_when_refused(site, caplog):
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert device.get(reverse("feedback:form", args=[started.token + "x"])).status_code == 404  # Not Found
        guess_wrong(device, ratelimit.FAILED_TRIES.count - 1)  # the link that opened nothing was one
        assert device.get(reverse("feedback:form", args=[started.token])).status_code == 429  # Too Many Requests
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert {r.status_code for r in logged} == {404, 429}
    assert f"/feedback/your-say/{REDACTED}/" in caplog.text
    assert started.token not in caplog.text and started.code not in caplog.text
