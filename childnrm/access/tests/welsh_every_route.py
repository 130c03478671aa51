"""The walk of every route in Welsh as every role of a Welsh site (issue 13, ADR 0023): what
`test_welsh_every_route*.py` share. Why the walk is what it is: `test_welsh_every_route.py`."""

from __future__ import annotations

import hashlib
import html as html_text
import json
import re

from django.apps import apps
from django.db import models
from django.urls import reverse

from childnrm.access.constants import ANY_SIGNED_IN, API, NOWHERE, PUBLIC
from childnrm.access.tests.test_access_matrix import EXPECTED, ROUTES, sample_kwargs
from childnrm.accounts.models import Role, Site
from childnrm.core.tests.welsh import english_left
from conftest import demo_user, signed_in

# The site the walk makes Welsh (the root conftest's `welsh_site`).
SITE = "northbridge"
# Routes with no page of their own in Welsh: sign-out (a POST), the health check (for monitors), second-factor
# steps a signed-in test client has already passed, and a password-reset link without a real token.
NO_PAGE = {"core:health", "accounts:sign-out", "accounts:password-reset-confirm"}


def who_may_open(name: str) -> list[Role]:
    """The roles of a site that may open the route's page: every role for a public page or one for anyone signed
    in (each sees it under their own navigation), else the roles the access matrix lets use it."""
    expected = EXPECTED[name]
    if expected in (API, NOWHERE) or name in NO_PAGE:
        return []
    if expected in (PUBLIC, ANY_SIGNED_IN):
        return list(Role)
    return [role for role in Role if role in expected]  # type: ignore[operator]


def _halves() -> tuple[list[Role], list[Role]]:
    """The roles in two halves of about as many pages each (most pages first, each to the lighter half)."""
    pages = {role: sum(role in who_may_open(name) for name, _ in ROUTES) for role in Role}
    halves: tuple[list[Role], list[Role]] = ([], [])
    for role in sorted(Role, key=lambda r: -pages[r]):
        lighter = min(halves, key=lambda half: sum(pages[r] for r in half))
        lighter.append(role)
    return halves


HALVES = _halves()


def route_urls() -> dict[str, str]:
    """Each route with a page, as a URL naming a record of the site. Some samples are written as their URL is made
    (a library item, a case review): drawn once for a module, not once for each role (a third of a role's walk)."""
    return {
        name: reverse(name, kwargs=sample_kwargs(route, SITE))
        for name, route in sorted(ROUTES, key=lambda item: item[0])
        if who_may_open(name)
    }


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def stored_text() -> list[str]:
    """Every piece of free text the database holds (fields without choices, and strings inside JSON): what a page
    may print as it was written."""
    found: set[str] = set()
    for model in apps.get_models():
        text = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        structured = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if not text and not structured:
            continue
        for row in model._base_manager.values_list(*text, *structured):
            found.update(v for v in row[: len(text)] if v)
            for value in row[len(text) :]:
                found.update(_strings(json.loads(value) if isinstance(value, str) else value))
    # A page may show typed text a line at a time, or with its line breaks folded into spaces.
    found |= {line.strip() for t in list(found) for line in t.splitlines()} | {" ".join(t.split()) for t in found}
    # Short codes ("cy", "open") would strip words out of the page's own text: only what a person could have
    # written is set aside.
    return [t for t in found if len(t) > 3 and not t.isdigit()]


def without_shortened_text(found: list[str], stored: list[str]) -> list[str]:
    """The pieces still English once typed text a page shortened ("… by someone the chi…") is set aside too."""
    heads = {" ".join(t.split())[:16]: " ".join(t.split()) for t in stored if len(t) > 24}
    left = []
    for piece in found:
        rest = piece
        for head, full in heads.items():
            start = rest.find(head)
            end = rest.find("…", start + 1) if start >= 0 else -1
            if end > start and full.startswith(rest[start:end].rstrip()):
                rest = rest[:start] + " " + rest[end + 1 :]
        if rest == piece or english_left(f"<p>{rest}</p>", names=stored):
            left.append(piece)
    return left


def _on_page(page: str, stored: list[str]) -> list[str]:
    """The stored text that is on the page at all: the checker sets each name aside with one pattern of every name
    it is given, so a pattern of the few on the page, not of the thousands stored, reads a page ten times faster."""
    words = " ".join(html_text.unescape(page).split()).lower()
    return [t for t in stored if " ".join(t.split()).lower() in words]


_PER_REQUEST = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang=\"([^\"]*)\"")


def walk_as(role: Role, site: Site, urls: dict[str, str]) -> tuple[int, dict[str, list[str]]]:
    """Opens every page `role` may open at `site`, in Welsh (the site's default): how many pages were read, and
    each page (route and URL) still holding English, with what is English on it.

    One signed-in client for the whole walk. A redirect to a page already read in this walk (the case's page after
    a POST-only route, home after sign-in) is not followed again, and a page whose HTML is the same as one already
    read (but for its form token) is not read again."""
    assert site.slug == SITE, "the URLs name records of the walk's site"
    client = signed_in(demo_user(role, site.slug))
    allowed = stored_text()
    seen_urls: set[str] = set()
    seen_pages: set[bytes] = set()
    english: dict[str, list[str]] = {}
    opened = 0
    for name, url in urls.items():
        if role not in who_may_open(name):
            continue
        response = client.get(url)
        while response.status_code in (301, 302, 303) and response["Location"] not in seen_urls:
            url = response["Location"]
            seen_urls.add(url)
            response = client.get(url)
        if response.status_code in (301, 302, 303, 405) or "text/html" not in response.get("Content-Type", ""):
            continue  # a page read already, a POST-only route, or a download: nothing new to read
        assert response.status_code == 200, f"{name} as {role}: {response.status_code} at {url}"
        seen_urls.add(url)
        fingerprint = hashlib.blake2b(_PER_REQUEST.sub(b"", response.content), digest_size=16).digest()
        if fingerprint in seen_pages:
            continue
        seen_pages.add(fingerprint)
        page = response.content.decode()
        opened += 1
        lang = _HTML_LANG.search(page)
        found = [] if lang and lang.group(1) == "cy" else [f'<html lang="{lang and lang.group(1)}">']
        found += without_shortened_text(english_left(page, names=_on_page(page, allowed)), allowed)
        if found:
            english[f"{name} ({url})"] = found
    return opened, english


def check_walk(role: Role, site: Site, urls: dict[str, str]) -> None:
    opened, english = walk_as(role, site, urls)
    # The walk reached the role's pages, not a handful of redirects to one (every role has a dozen or more).
    assert opened > 10, f"{role} read only {opened} pages"
    assert english == {}, json.dumps(english, indent=1, ensure_ascii=False)
