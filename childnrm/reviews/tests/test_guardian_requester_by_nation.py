"""A reconsideration asked by (or through) the child's guardian names the guardian service as the site's nation names
it (issue 13 item 2, ADR 0027): the request's page, the list and the form say "the child's guardian (Scottish
Guardianship Service)" in Scotland, never "(ICTG)"; England keeps "(ICTG)". The stored code stays "ictg".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Role
from childnrm.accounts.tests.test_nations import shown
from childnrm.reviews.models import RequesterKind
from childnrm.reviews.tests import factories as f
from childnrm.reviews.tests.test_reconsideration_rule import receive
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import SERVICE, no_english_guardian_on, pages_opened
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SHORT = {Nation.SCOTLAND: SERVICE[Nation.SCOTLAND], Nation.NORTHERN_IRELAND: SERVICE[Nation.NORTHERN_IRELAND]}


def _pages(site) -> dict[str, str]:
    by_guardian = receive(f.final_decision(), requester_kind=RequesterKind.ICTG, requester_name="Rowan Guardian")
    through_guardian = receive(
        f.final_decision(),
        requester_kind=RequesterKind.OTHER,
        requester_name="Aunt Grace",
        routed_through=RequesterKind.ICTG,
        routed_through_name="Rowan Guardian",
    )
    client = signed_in(demo_user(Role.COORDINATOR, site.slug))
    return pages_opened(
        {
            "the list": (client, reverse("reviews:reconsiderations")),
            "asked by the guardian": (client, reverse("reviews:reconsideration", args=[by_guardian.pk])),
            "asked through the guardian": (client, reverse("reviews:reconsideration", args=[through_guardian.pk])),
            "a new request": (client, reverse("reviews:reconsideration-new")),
        }
    )


def test_a_request_from_the_guardian_names_the_nations_guardian_service(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    pages = _pages(site)
    no_english_guardian_on(pages, site)
    guardian = shown(f"The child's guardian ({SHORT[nation]})")
    for name in ("the list", "asked by the guardian", "a new request"):
        assert guardian in pages[name], name
    assert (
        shown(f"Brought by Rowan Guardian: through the child's guardian ({SHORT[nation]})")
        in pages["asked through the guardian"]
    )
    assert shown(f"Through the child's guardian ({SHORT[nation]})") in pages["a new request"]


def test_england_keeps_the_ictg(site):
    pages = _pages(site)
    assert shown("The child's guardian (ICTG)") in pages["asked by the guardian"]
    brought = shown("Brought by Rowan Guardian: through the child's guardian (ICTG)")
    assert brought in pages["asked through the guardian"]
    assert shown("Through the child's guardian (ICTG)") in pages["a new request"]
