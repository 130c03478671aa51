"""Helpers for browser journeys: every page a journey reaches is checked with axe-core.

Use `visit` to open a page and `submit` (or `click_button`, `press_enter`) for anything that
navigates; both check the page they arrive on. After an in-page change worth checking (an
opened details element), call `check_page` directly.
"""

from __future__ import annotations

import json
import re
import time
from base64 import b32decode
from collections.abc import Callable
from functools import cache
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, Response, expect

from childnrm.accounts.models import User
from childnrm.people.demo import DEMO_PASSWORD
from conftest import signed_in

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run scripts/setup.sh (npm ci) first")
    return AXE_PATH.read_text()


def watch(page: Page, *, javascript: bool = True, axe_page: Page | None = None) -> Page:
    """Record what goes wrong behind the scenes: failed assets, script errors."""
    problems: list[str] = []
    page._childnrm_problems = problems  # type: ignore[attr-defined]
    page._childnrm_javascript = javascript  # type: ignore[attr-defined]
    page._childnrm_axe_page = axe_page  # type: ignore[attr-defined]

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    # A request the browser abandons because the page it was for is being left (a form sent before an image finished
    # loading) is not a failed asset: only those of the page still shown count. A new page starts with its document's
    # request in the main frame.
    navigations = [0]
    started_on: dict[int, int] = {}

    def on_request(request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            navigations[0] += 1
        started_on[id(request)] = navigations[0]

    def on_failed(request) -> None:
        left = started_on.pop(id(request), navigations[0]) != navigations[0]
        if left and "ERR_ABORTED" in (request.failure or ""):
            return
        problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("response", on_response)
    page.on("request", on_request)
    page.on("requestfinished", lambda request: started_on.pop(id(request), None))
    page.on("requestfailed", on_failed)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # Anything our Content Security Policy refuses (an inline script or style) is a problem too.
    page.on(
        "console",
        lambda message: (
            problems.append(f"refused by the CSP: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} accessibility problem(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  {v.get('helpUrl', '')}")
        for node in v["nodes"][:10]:
            summary = " ".join(line.strip() for line in (node.get("failureSummary") or "").splitlines()[1:])
            lines.append(f"    at {json.dumps(node['target'])}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


# The documents axe has found clean in this test process (one pytest-xdist worker), by `_document_key`.
_clean_documents: set[str] = set()
# What differs between two renderings of one document without changing anything axe checks: the form's CSRF
# token and the script nonce, new on each response.
_PER_RESPONSE = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def _document_key(html: str, page: Page, *, javascript: bool) -> str:
    """The document as axe checks it: its HTML as it stands (after our scripts, or with none), and the viewport,
    which decides the layout (reflow, target sizes, contrast over what lies behind)."""
    html = _PER_RESPONSE.sub(r'\1=""', html)
    return sha256(f"{page.viewport_size} javascript={javascript}\n{html}".encode()).hexdigest()


def _run_axe(page: Page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated, not added as an inline <script>: the site's Content Security Policy refuses those. (The
        # browser contexts of conftest.py have it already, as a script run in each new document.)
        page.evaluate(axe_source() + "\n;true")
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: tags, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,"
        " nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})); }",
        AXE_TAGS,
    )
    assert not result, _format_violations(page.url, result)


def axe_check(page: Page) -> None:
    """Run axe-core against the page as it is now; fail with a readable list of violations.

    A document identical to one already found clean (the sign-in page, each journey's first pages) is not
    checked again: axe would give it the same answer."""
    key = _document_key(page.evaluate("document.documentElement.outerHTML"), page, javascript=True)
    if key not in _clean_documents:
        _run_axe(page)
        _clean_documents.add(key)


def _axe_check_without_javascript(page: Page, checker: Page) -> None:
    """axe needs scripts; check the page's no-JavaScript HTML in a page that runs only axe.

    The checker fetches the stylesheet and images from the live server (so colour contrast is real)
    but is refused our scripts, so it renders exactly what a browser without JavaScript shows. A document
    already found clean this way is not checked again (see `axe_check`).
    """
    html = page.content()
    url = page.url
    key = _document_key(html, checker, javascript=False)
    if key in _clean_documents:
        return

    def route(route) -> None:
        request = route.request
        if request.url == url and request.resource_type == "document":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    checker.route("**/*", route)
    try:
        checker.goto(url)
        assert "js-enabled" not in (checker.evaluate("document.body.className") or "")
        _run_axe(checker)
    finally:
        checker.unroute("**/*")
    _clean_documents.add(key)


def check_page(page: Page) -> None:
    """What every page must satisfy: assets loaded, no script errors, our stylesheet, no axe violations."""
    page.wait_for_load_state("load")
    problems = getattr(page, "_childnrm_problems", [])
    assert not problems, f"Problems loading {page.url}:\n" + "\n".join(problems)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "arial" in font.lower(), f"The stylesheet did not load on {page.url}: body font is {font}"
    if getattr(page, "_childnrm_javascript", True):
        axe_check(page)
    else:
        checker = page._childnrm_axe_page  # type: ignore[attr-defined]
        _axe_check_without_javascript(page, checker)


def _expect_status(response: Response | None, status: int, what: str) -> None:
    assert response is not None, f"No response for {what}"
    assert response.status == status, f"{what}: expected HTTP {status}, got {response.status} at {response.url}"


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    response = page.goto(path)
    _expect_status(response, status, f"GET {path}")
    check_page(page)
    return response  # type: ignore[return-value]


def submit(page: Page, action: Callable[[], object], *, status: int = 200) -> Response:
    """Do something that navigates (submit a form, follow a link) and check where it lands."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    _expect_status(response, status, "navigation")
    check_page(page)
    return response


def click_button(page: Page, name: str, *, status: int = 200) -> Response:
    return submit(page, lambda: page.get_by_role("button", name=name, exact=True).click(), status=status)


def click_link(page: Page, name: str, *, within: Locator | None = None, status: int = 200) -> Response:
    scope = within if within is not None else page
    return submit(page, lambda: scope.get_by_role("link", name=name, exact=True).click(), status=status)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


# Second factor ---------------------------------------------------------------------------------


def totp_now(bin_key: bytes, *, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> str:
    return f"{totp(bin_key, step=step, t0=t0, digits=digits, drift=drift):0{digits}d}"


def wait_for_unused_code(email: str) -> None:
    """A security code already used is refused (django-otp): someone signing in again within the same
    30 seconds waits for their app's next code, and so does a journey."""
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    elapsed = time.time() - device.t0
    if device.last_t >= elapsed // device.step:
        time.sleep(device.step - elapsed % device.step + 0.5)


def security_code(email: str, *, drift: int = 0) -> str:
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    return totp_now(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)


def key_from_setup_text(text: str) -> bytes:
    """The setup key as shown on the enrolment page (groups of four, base32)."""
    return b32decode("".join(text.split()))


# Journeys --------------------------------------------------------------------------------------


def enter_password(page: Page, email: str, password: str = DEMO_PASSWORD, *, status: int = 200) -> Response:
    visit(page, "/account/sign-in/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    return click_button(page, "Continue", status=status)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """The full sign-in of a user with an authenticator app, ending on the home page."""
    enter_password(page, email, password)
    expect(page).to_have_url(re.compile(r"/account/sign-in/security-code/$"))
    expect(heading(page)).to_have_text("Enter your security code")
    wait_for_unused_code(email)
    page.get_by_label("Security code", exact=True).fill(security_code(email))
    click_button(page, "Sign in")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as")


def sign_in_by_session(page: Page, email: str) -> None:
    """The user signed in with both factors, on the home page, as `sign_in` leaves them, but by a session made
    on the server (as the test client's `signed_in`) rather than through the sign-in pages: for journeys about
    what comes after signing in. The pages themselves are walked by the journeys about them (test_sign_in.py,
    test_enrolment.py, the Welsh ones) and by the journeys that still use `sign_in`."""
    session = signed_in(User.objects.get(email=email)).cookies[settings.SESSION_COOKIE_NAME]
    base_url = page.context._childnrm_base_url  # type: ignore[attr-defined]
    page.context.add_cookies([{"name": session.key, "value": session.value, "url": base_url}])
    visit(page, "/")
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as")


def sign_out(page: Page) -> None:
    click_button(page, "Sign out")
    expect(heading(page)).to_have_text(re.compile("^Sign in to "))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have signed out")


def navigation_labels(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".govuk-service-navigation__link").all_inner_texts()]


def choose_from_list(page: Page, label: str, option: str) -> None:
    """Answer a long-list question (nationality, language: GOV.UK's accessible autocomplete over a
    select) as a person does: type the name, then pick it from the suggestions."""
    box = page.get_by_label(label, exact=True)
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
