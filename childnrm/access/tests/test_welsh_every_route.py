"""Every route of the service, opened in Welsh by a user of a Welsh site who may use it (issue 13, ADR 0023).

The apps' own Welsh walks (`<app>/tests/test_welsh_<app>.py`) open their pages as each role, with data drawn for
every branch. This walk is the net under them: it takes every route the access matrix knows (so a new route is in
it the day it is added), opens it on Northbridge made a Welsh site as the first role the matrix lets use it, follows
redirects, and fails on any English left on the page. What the database holds as text (names, references, what
people typed, notes stored as written) may show as it is; everything else must be Welsh. Downloads, JSON and
POST-only routes have no page to read.

Blind spot: text the service stores in English on purpose (the case packet's JSON, ADR 0023) is "held in the
database" too, so a page printing the same English words is not caught here. The page that did, the meeting papers
(whose section titles and field labels come from the packet's builder), is now in the reader's language and held to
it by its own test: `panels/tests/test_papers_answers_language.py` fails if any of the packet's English titles or
labels shows on the papers of a Welsh site. A new page that prints stored English needs such a test of its own.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.db import models
from django.urls import reverse

from childnrm.access.constants import ANY_SIGNED_IN, API, PUBLIC
from childnrm.access.tests.test_access_matrix import EXPECTED, ROUTES, sample_kwargs
from childnrm.accounts.models import Role
from childnrm.core.tests.welsh import english_left, html_lang
from conftest import demo_user, signed_in

# The role that opens a route open to several: the one that sees most of a case first.
PREFERENCE = [
    Role.COORDINATOR,
    Role.CHAIR,
    Role.PANEL_MEMBER,
    Role.ICTG,
    Role.FIRST_RESPONDER,
    *Role,
]
# Routes with no page of their own in Welsh: sign-out (a POST), the health check (for monitors), second-factor
# steps a signed-in test client has already passed, and a password-reset link without a real token.
NO_PAGE = {"core:health", "accounts:sign-out", "accounts:password-reset-confirm"}


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


def who_opens(name: str) -> str | None:
    expected = EXPECTED[name]
    if expected == API or name in NO_PAGE:
        return None
    if expected in (PUBLIC, ANY_SIGNED_IN):
        return Role.COORDINATOR
    return next(role for role in PREFERENCE if role in expected)


def test_every_route_is_in_welsh_for_a_welsh_site(welsh_site):
    urls = {}
    for name, route in ROUTES:
        role = who_opens(name)
        if role is not None:
            urls[name] = (role, reverse(name, kwargs=sample_kwargs(route, welsh_site.slug)))
    allowed = stored_text()
    clients = {}
    english: dict[str, list[str]] = {}
    opened = 0
    for name, (role, url) in sorted(urls.items()):
        client = clients.get(role) or clients.setdefault(role, signed_in(demo_user(role, welsh_site.slug)))
        response = client.get(url, follow=True)
        if response.status_code == 405 or "text/html" not in response.get("Content-Type", ""):
            continue  # a POST-only route, or a download: no page to read
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        html = response.content.decode()
        opened += 1
        found = [] if html_lang(html) == "cy" else [f'<html lang="{html_lang(html)}">']
        found += without_shortened_text(english_left(html, names=allowed), allowed)
        if found:
            english[f"{name} as {role}"] = found
    assert opened > 150  # the walk reached the service's pages, not a handful of redirects to one
    assert english == {}, json.dumps(english, indent=1, ensure_ascii=False)
