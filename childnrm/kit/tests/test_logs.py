"""Secrets in request paths never reach a log line (kit.logs, settings.LOGGING)."""

from __future__ import annotations

import logging
import re
from html import unescape
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.kit.logs import LONGEST_ENCODED_WORD, REDACTED, RedactSecretPaths, redact


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


TOKEN = "25-Q75YLVZ5:abc_DEF-1"
NAME = "Amir Khalil"


def encoded(path: str, times: int) -> str:
    """`path` as a parameter's value, percent-encoded `times` times (a `next` inside a `next` is encoded twice)."""
    for _ in range(times):
        path = quote(path, safe="")
    return path


def kept_out(line: str, secret: str) -> bool:
    """Whether `line` holds `secret` in no form: as it is, as a query string writes it, or encoded up to 3 times."""
    forms = {secret, secret.replace(" ", "+")} | {encoded(secret, n) for n in (1, 2, 3)}
    forms |= {quote(secret.replace(" ", "+"), safe="")}
    return not any(form in line for form in forms)


@pytest.mark.parametrize("times", [1, 2])
@pytest.mark.parametrize("name", ["next", "back_to"])
def test_the_childs_token_is_redacted_when_encoded_in_any_parameter(name, times):
    line = f'"GET /account/language/?language=cy&{name}={encoded(f"/feedback/your-say/{TOKEN}/", times)} HTTP/1.1" 302'
    assert redact(line) == f'"GET /account/language/?language=cy&{name}={REDACTED} HTTP/1.1" 302'
    assert kept_out(redact(line), TOKEN)


@pytest.mark.parametrize("times", [1, 2])
def test_a_search_is_redacted_when_encoded(times):
    search = "/children/?" + urlencode({"page": 2, "q": NAME})
    line = f'"GET /session/timed-out/?next={encoded(search, times)} HTTP/1.1" 302'
    assert redact(line) == f'"GET /session/timed-out/?next={REDACTED} HTTP/1.1" 302'
    assert kept_out(redact(line), NAME) and kept_out(redact(line), "Amir")


def test_encoded_secrets_are_redacted_wherever_they_are():
    # The time-out page's sign-in redirect: a `next` inside a `next`, so the search is encoded twice.
    timed_out = "/session/timed-out/?" + urlencode({"next": "/children/?" + urlencode({"q": NAME})})
    assert redact(f"/account/sign-in/?{urlencode({'next': timed_out})}") == f"/account/sign-in/?next={REDACTED}"
    # gunicorn's query string atom, on its own; a path encoded by hand; parts encoded and parts not.
    assert redact(f"language=cy&next={encoded(f'/feedback/your-say/{TOKEN}/', 1)}") == f"language=cy&next={REDACTED}"
    assert kept_out(redact(f"GET /feedback/your-say%2F{TOKEN} HTTP/1.1"), TOKEN)
    assert kept_out(redact("/x/?next=%2Fchildren%2F?q=Amir+Khalil"), NAME)


def test_encoded_addresses_without_a_secret_are_left_as_they_are():
    for line in (
        "/account/language/?language=cy&next=%2Ffeedback%2Fyour-say%2Fthank-you%2F",
        "/account/language/?language=cy&next=%2Fchildren%2F%3Fpage%3D2",
        "/account/sign-in/?next=%2Fpanels%2F",
        "/learning/library/?q=county%20lines&next=%2Flearning%2F",
    ):
        assert redact(line) == line


@pytest.mark.django_db
def test_the_language_switch_on_search_results_logs_no_search(client_as):
    """The switch links back to the results, the search in its `next`: its line in the access log keeps none of it."""
    results = client_as(Role.COORDINATOR).get("/children/", {"q": NAME})
    assert results.status_code == 200
    switches = [unescape(h) for h in re.findall(r'href="(/account/language/\?[^"]+)"', results.content.decode())]
    assert switches
    for switch in switches:
        assert kept_out(redact(f'"GET {switch} HTTP/1.1" 302'), "Amir")
    # And the sign-in redirect of someone not signed in, which takes the search along in its `next`.
    location = Client().get("/children/", {"q": NAME})["Location"]
    assert kept_out(redact(f'"GET {location} HTTP/1.1" 200'), "Amir")


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


def _gunicorn_lines(environ: dict, *, fmt: str = "", headers=(), error: tuple = ()) -> str:
    """What gunicorn's access log (and, with `error`, its error log) writes for one request, through our logger."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from childnrm.kit.gunicorn_logging import RedactingLogger

    config = Config()
    config.set("accesslog", "/dev/null")
    if fmt:
        config.set("access_log_format", fmt)
    logger = RedactingLogger(config)
    written: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = written.append  # type: ignore[method-assign]
    for log in (logger.access_log, logger.error_log):
        log.addHandler(handler)
    try:
        environ = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "RAW_URI": "/", "PATH_INFO": "/", **environ}
        response = SimpleNamespace(status="404 Not Found", headers=[], sent=0)
        logger.access(response, SimpleNamespace(headers=list(headers)), environ, timedelta(seconds=1))
        if error:
            logger.error(*error)
    finally:
        for log in (logger.access_log, logger.error_log):
            log.removeHandler(handler)
    return "\n".join(record.getMessage() for record in written)


def test_gunicorns_access_log_is_redacted_too():
    line = _gunicorn_lines(
        {
            "RAW_URI": "/feedback/your-say/25-SECRET/",
            "PATH_INFO": "/feedback/your-say/25-SECRET/",
            "HTTP_REFERER": "https://panels.example/feedback/your-say/25-SECRET/",
        },
        fmt='%(h)s "%(r)s" %(s)s "%(f)s" %(U)s',
    )
    assert f'"GET /feedback/your-say/{REDACTED}/ HTTP/1.1" 404' in line
    assert f"/feedback/your-say/{REDACTED}/" in line.split()[-1]
    assert "SECRET" not in line


def test_each_search_in_a_line_is_redacted_however_many_and_however_nested():
    # A search's address inside another's query string, and a line of them: each typed name goes.
    assert redact("/children/?next=/children/?q=Amir") == f"/children/?next=/children/?q={REDACTED}"
    line = "/children/?q=Amir&page=2/children?sort=name&q=Okafor#top /children/?q=Nguyen"
    assert redact(line) == (
        f"/children/?q={REDACTED}&page=2/children?sort=name&q={REDACTED}#top /children/?q={REDACTED}"
    )
    assert not any(name in redact("/children/?q=Amir" * 2000) for name in ("Amir",))


def test_a_quote_typed_into_a_search_is_redacted_with_the_rest():
    # A browser sends a quote encoded; a hand-made client may not. The log line's own closing quote is kept.
    assert redact("Not Found: /children/?q=O'Brien&page=2") == f"Not Found: /children/?q={REDACTED}&page=2"
    assert redact('"GET /children/?q=Amir"Okafor" 200') == f'"GET /children/?q={REDACTED}" 200'
    assert redact('"https://panels.example/children/?q=O\'Brien"') == f'"https://panels.example/children/?q={REDACTED}"'


def test_an_encoded_word_longer_than_any_address_of_ours_is_redacted_whole():
    long_secret = "next=" + encoded(f"/feedback/your-say/{TOKEN}/", 1) + "&pad=" + "%20" * LONGEST_ENCODED_WORD
    assert redact(f"GET /account/language/?{long_secret} 302") == f"GET {REDACTED} 302"


def test_gunicorn_redacts_a_header_its_format_writes_whatever_its_case():
    secret = "/feedback/your-say/25-SECRET/"
    line = _gunicorn_lines({}, fmt="%(U)s orig=%({X-Original-URI}i)s", headers=[("X-ORIGINAL-URI", secret)])
    assert line == f"/ orig=/feedback/your-say/{REDACTED}/"


def test_gunicorn_redacts_a_search_written_as_its_query_string_alone():
    environ = {
        "RAW_URI": "/children/?page=2&q=Amir+Khan",
        "PATH_INFO": "/children/",
        "QUERY_STRING": "page=2&q=Amir+Khan",
    }
    line = _gunicorn_lines(environ, fmt='"%(m)s %(U)s" q=%(q)s env=%({QUERY_STRING}e)s')
    assert line == f'"GET /children/" q=page=2&q={REDACTED} env=page=2&q={REDACTED}'


def test_gunicorns_error_log_is_redacted_too():
    # gunicorn names a request it failed to handle by its address.
    lines = _gunicorn_lines({}, error=("Error handling request %s %s", "GET", "/children/?q=Amir+Khan"))
    assert f"Error handling request GET /children/?q={REDACTED}" in lines
    assert "Amir" not in lines
