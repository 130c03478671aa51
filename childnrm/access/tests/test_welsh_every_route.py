"""Every route of the service, opened in Welsh by every user of a Welsh site who may use it (issue 13, ADR 0023).

The apps' own Welsh walks (`<app>/tests/test_welsh_<app>.py`) open their pages as each role, with data drawn for
every branch. This walk is the net under them: it takes every route the access matrix knows (so a new route is in
it the day it is added), opens it on Northbridge made a Welsh site as each role the matrix lets use it (each role
sees a page with its own navigation, buttons and panels), follows redirects, and fails on any English left on the
page. What the database holds as text (names, references, what people typed, notes stored as written) may show as
it is; everything else must be Welsh. Downloads, JSON and POST-only routes have no page to read.

Each role's walk is its own test, one signed-in client each, over URLs drawn once for the module (`conftest.py`).
The roles are split in two halves of about as many pages each, this module walking one and
`test_welsh_every_route_other_roles.py` the other: the test command hands out whole files to its two workers
(`--dist loadfile`), so two files are what lets both cores share the walk. The walk itself: `welsh_every_route.py`.

Blind spot: text the service stores in English on purpose (the case packet's JSON, ADR 0023) is "held in the
database" too, so a page printing the same English words is not caught here. The page that did, the meeting papers
(whose section titles and field labels come from the packet's builder), is now in the reader's language and held to
it by its own test: `panels/tests/test_papers_answers_language.py` fails if any of the packet's English titles or
labels shows on the papers of a Welsh site. A new page that prints stored English needs such a test of its own.
"""

from __future__ import annotations

import pytest

from childnrm.access.constants import API, NOWHERE
from childnrm.access.tests.test_access_matrix import EXPECTED, ROUTES
from childnrm.access.tests.welsh_every_route import HALVES, NO_PAGE, check_walk
from childnrm.accounts.models import Role


@pytest.mark.parametrize("role", HALVES[0])
def test_every_route_is_in_welsh_for_a_welsh_site(welsh_site, every_route_url, role):
    check_walk(role, welsh_site, every_route_url)


def test_the_two_halves_walk_every_role_and_every_page(db, every_route_url):
    assert sorted(HALVES[0] + HALVES[1]) == sorted(Role) and not set(HALVES[0]) & set(HALVES[1])
    # Every route is walked by at least one role, but the API's (JSON for tokens, and its 404) and the few without a
    # page.
    pages = {name for name, _ in ROUTES if EXPECTED[name] not in (API, NOWHERE)} - NO_PAGE
    assert set(every_route_url) == pages and len(pages) > 250
