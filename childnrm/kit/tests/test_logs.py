"""Secrets in request paths never reach a log line (kit.logs, settings.LOGGING)."""

from __future__ import annotations

import logging

from django.urls import reverse

from childnrm.kit.logs import REDACTED, RedactSecretPaths, redact


def test_the_childs_feedback_token_and_a_reset_link_are_redacted():
    assert redact("Too Many Requests: /feedback/your-say/25-Q75YLVZ5:abc_DEF-1/") == (
        f"Too Many Requests: /feedback/your-say/{REDACTED}/"
    )
    assert redact('"GET /feedback/your-say/25-Q75YLVZ5:x?lang=cy HTTP/1.1" 404') == (
        f'"GET /feedback/your-say/{REDACTED}?lang=cy HTTP/1.1" 404'
    )
    assert redact("Not Found: /account/password-reset/MTI/cz4l2q-5f0a9e/") == (
        f"Not Found: /account/password-reset/{REDACTED}/"
    )


def test_a_childs_name_searched_for_is_redacted_and_the_rest_of_the_address_kept():
    assert redact('"GET /children/?q=Amir+Khalil HTTP/1.1" 200') == f'"GET /children/?q={REDACTED} HTTP/1.1" 200'
    assert redact("/children/?page=2&q=Nguyen%20Van&sort=name") == f"/children/?page=2&q={REDACTED}&sort=name"
    # Typed without the slash, the search is redirected, and the access log keeps the first request as typed.
    assert redact('"GET /children?q=Amara+Okafor HTTP/1.1" 301') == f'"GET /children?q={REDACTED} HTTP/1.1" 301'
    # Other searches (the evidence library's words) and other parameters are left alone.
    assert redact("/learning/library/?q=county+lines") == "/learning/library/?q=county+lines"
    assert redact("/children/?page=2") == "/children/?page=2"


def test_pages_without_a_secret_are_left_as_they_are():
    for path in ("/feedback/your-say/", "/feedback/your-say/thank-you/", "/account/password-reset/sent/"):
        assert redact(f"Not Found: {path}") == f"Not Found: {path}"


def test_the_childs_own_pages_are_left_as_they_are():
    # Every page under the child's link that takes no token (feedback.urls) is a page whose path says nothing secret:
    # redacting it would hide which page a child could not reach.
    for name in ("feedback:code", "feedback:thanks", "feedback:privacy", "feedback:accessibility"):
        path = reverse(name)
        assert redact(f"Not Found: {path}") == f"Not Found: {path}", name


def test_the_filter_rewrites_the_record_and_keeps_it():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", "/feedback/your-say/SECRET/"), None
    )
    assert RedactSecretPaths().filter(record) is True
    assert record.getMessage() == f"Not Found: /feedback/your-say/{REDACTED}/"
    broken = logging.LogRecord("x", logging.WARNING, __file__, 1, "%s %s", ("one",), None)
    assert RedactSecretPaths().filter(broken) is True


def test_the_loggers_that_write_paths_and_the_console_redact():
    assert any(isinstance(f, RedactSecretPaths) for f in logging.getLogger("django.request").filters)
    root_handlers = logging.getLogger().handlers
    assert any(isinstance(f, RedactSecretPaths) for h in root_handlers for f in h.filters)


def test_gunicorns_access_log_is_redacted_too():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from childnrm.kit.gunicorn_logging import RedactingLogger

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/feedback/your-say/25-SECRET/",
        "PATH_INFO": "/feedback/your-say/25-SECRET/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://panels.example/feedback/your-say/25-SECRET/",
    }
    response = SimpleNamespace(status="404 Not Found", headers=[], sent=0)
    atoms = RedactingLogger(Config()).atoms(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=1))
    assert atoms["U"] == f"/feedback/your-say/{REDACTED}/"
    assert atoms["r"] == f"GET /feedback/your-say/{REDACTED}/ HTTP/1.1"
    assert "SECRET" not in repr(atoms)
