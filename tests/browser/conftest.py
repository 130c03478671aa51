"""Fixtures for browser journeys: one headless Chromium per test session, a fresh context per test.

The service runs in pytest-django's live server (a thread of this process) against the test
database, which is emptied after each test; the demo data is loaded again for each one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, axe_source, watch

# Playwright's sync API runs an event loop in this thread, which makes Django refuse database
# access from it unless told otherwise (scripts/test.sh sets this too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run scripts/setup.sh --test")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, base_url: str, *, viewport: dict[str, int] | None = None, **options):
    context = browser.new_context(
        base_url=base_url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport=viewport or {"width": 1280, "height": 900},
        **options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context._childnrm_base_url = base_url  # for support.sign_in_by_session's cookie
    # axe-core in every document before the page's own scripts, sent to the browser once a context rather than
    # evaluated again on each page that is checked (half a megabyte a page, a third of the time axe took).
    context.add_init_script(script=axe_source())
    return context


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a new browser context (its own cookies) against the live server."""
    context = _context(browser, live_server.url)
    yield watch(context.new_page())
    context.close()


@pytest.fixture
def second_page(browser: Browser, live_server) -> Iterator[Page]:
    """Another person's browser, beside `page`: each person signs in once (a code cannot be used twice)."""
    context = _context(browser, live_server.url)
    yield watch(context.new_page())
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    """A page on a phone-sized screen: 375 CSS pixels wide (an iPhone SE or mini held upright). Not Chromium's
    mobile emulation: that zooms out to fit a page too wide for it, which would hide what is being checked."""
    context = _context(browser, live_server.url, viewport={"width": 375, "height": 812})
    yield watch(context.new_page())
    context.close()


@pytest.fixture
def page_without_js(browser: Browser, live_server) -> Iterator[Page]:
    """A page with JavaScript switched off; axe checks its HTML in a separate scripted page."""
    context = _context(browser, live_server.url, java_script_enabled=False)
    checker_context = _context(browser, live_server.url)
    yield watch(context.new_page(), javascript=False, axe_page=checker_context.new_page())
    context.close()
    checker_context.close()


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    # Django's test environment already uses it; stated here because journey 4 reads mail.outbox. (The fast password
    # hasher is the root conftest's.)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
