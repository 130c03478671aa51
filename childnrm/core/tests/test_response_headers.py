"""Headers every response carries: a strict Content Security Policy, no browser features, no caching
of pages that may hold personal data (static files keep theirs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from childnrm.accounts.models import Role

TEMPLATES = Path(settings.BASE_DIR) / "childnrm"


def _csp(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/", "/children/", "/account/", "/account/users/northbridge/"])
def test_signed_in_pages_carry_the_security_headers(client_as, path):
    """Regression (issue 14, item 7): no CSP, no Permissions-Policy and cacheable pages of personal data."""
    response = client_as(Role.COORDINATOR if path != "/account/users/northbridge/" else Role.SITE_ADMIN).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    policy = _csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"  # nothing inline
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'self'"


def test_public_and_error_pages_carry_them_too(demo):
    client = Client(raise_request_exception=False)
    for response in (client.get("/account/sign-in/"), client.get("/no-such-page/"), client.get("/", HTTP_HOST="x.y")):
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response
        assert response["Cache-Control"] == "no-store"


def test_downloads_keep_their_own_cache_control_and_static_files_stay_cacheable(demo):
    response = Client().get("/static/css/application.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Permissions-Policy" in response


def test_no_template_has_inline_script_or_style():
    """The CSP refuses inline script and style, so a template with one would break in the browser.
    PDF templates are drawn by WeasyPrint, never served to a browser, and may keep their <style>."""
    offenders = []
    for path in TEMPLATES.rglob("templates/**/*.html"):
        if path.name.endswith("_pdf.html"):
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text) or re.search(r"<style\b|\sstyle=|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
