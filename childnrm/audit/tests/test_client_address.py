"""The client's address behind the TLS proxy (settings.TRUSTED_PROXIES): X-Forwarded-For's entry that many hops from
the right, never an entry the client could have written; with no trusted proxy, REMOTE_ADDR alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from childnrm.audit.context import AuditContext, client_ip

PROXY = "127.0.0.1"


def request(forwarded: str | None = None, remote: str = PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    made = RequestFactory().get("/", **headers)
    made.user = AnonymousUser()
    return made


def test_with_no_trusted_proxy_the_header_anyone_may_send_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request("203.0.113.5")) == PROXY
    assert client_ip(request()) == PROXY
    assert client_ip(None) is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # What the client sent itself is on the left: never read.
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1,203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # Fewer entries than proxies: the leftmost is still a trusted proxy's.
        (2, "203.0.113.5", "203.0.113.5"),
        # Ports, as some proxies write them.
        (1, "203.0.113.5:4711", "203.0.113.5"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_entry_they_wrote(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(forwarded)) == client


def test_an_entry_that_is_no_address_counts_as_the_proxys(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request("unknown")) == PROXY
    assert client_ip(request("198.51.100.1, <script>")) == PROXY
    assert client_ip(request("")) == PROXY


def test_the_audit_trail_records_the_clients_address(settings):
    settings.TRUSTED_PROXIES = 1
    assert AuditContext.from_request(request("198.51.100.1, 203.0.113.5")).ip == "203.0.113.5"
