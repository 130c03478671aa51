"""The cost of the panel names the guardian's role as the site's nation names it (issue 13 item 2, ADR 0027).

Time is costed by role, stored as a code (`access.roles.Role.ICTG`, England and Wales's "Independent Child
Trafficking Guardian"). On a site in Scotland or Northern Ireland the case's time, the cost of the panel (by role),
the hourly rates (their default's description and a rate's error) name the nation's guardian; England keeps its
words. The cost page of panels in two nations names the guardian of each in a row of its own.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Nation, Role, Site
from childnrm.accounts.tests.test_nations import shown
from childnrm.burdens import selectors
from childnrm.burdens.demo import load_demo_time
from childnrm.burdens.tests.factories import decided_case
from childnrm.burdens.views import _roles_together
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import SERVICE, no_english_guardian_on, pages_opened
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

GUARDIAN = {
    Nation.SCOTLAND: "Guardian from the Scottish Guardianship Service",
    Nation.NORTHERN_IRELAND: "Independent Guardian",
    Nation.ENGLAND: "Independent Child Trafficking Guardian",
}


def _pages(site: Site) -> dict[str, str]:
    """The guardian attended the case's sitting and logged time on the child's plan (the demo's time)."""
    decision = decided_case(site.slug, decided_on=timezone.localdate() - timedelta(days=10))
    load_demo_time()
    coordinator = signed_in(demo_user(Role.COORDINATOR, site.slug))
    admin = signed_in(demo_user(Role.SITE_ADMIN, site.slug))
    pages = pages_opened(
        {
            "the case's time": (coordinator, reverse("burdens:case", args=[decision.referral.reference])),
            "the cost of the panel": (coordinator, reverse("burdens:costs")),
            "the hourly rates": (admin, reverse("burdens:site-rates", args=[site.slug])),
        }
    )
    response = admin.post(reverse("burdens:site-rates", args=[site.slug]), {"rate_ictg": "lots"})
    pages["a rate not understood"] = response.content.decode()
    return pages


def test_the_cost_pages_name_the_nations_guardian(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    pages = _pages(site)
    no_english_guardian_on(pages, site)
    for name in ("the case's time", "the cost of the panel", "the hourly rates"):
        assert shown(GUARDIAN[nation]) in pages[name], name
    assert shown(f"a guardian in the voluntary sector ({SERVICE[nation]})") in pages["the hourly rates"]
    assert shown(f"Enter the rate for a guardian ({SERVICE[nation]}) in pounds") in pages["a rate not understood"]


def test_england_keeps_the_independent_child_trafficking_guardian(site):
    pages = _pages(site)
    for name in ("the case's time", "the cost of the panel", "the hourly rates"):
        assert GUARDIAN[Nation.ENGLAND] in pages[name], name
    assert "an Independent Child Trafficking Guardian in the voluntary sector" in pages["the hourly rates"]
    assert "Enter the rate for a independent child trafficking guardian" in pages["a rate not understood"]


@pytest.mark.parametrize("scottish_or_northern_irish_site", [Nation.SCOTLAND], indirect=True)
def test_panels_of_two_nations_cost_their_guardians_in_a_row_each(scottish_or_northern_irish_site, other_site):
    site = scottish_or_northern_irish_site

    def time(where: Site, role: str, sitting: float, logged: int, pence: int) -> selectors.RoleTime:
        return selectors.RoleTime(
            site_id=where.pk, role=role, sitting_minutes=sitting, logged_minutes=logged, cost_pence=pence
        )

    rows = [
        time(site, Role.ICTG, 60.0, 30, 4500),
        time(other_site, Role.ICTG, 30.0, 0, 1500),
        time(site, Role.CHAIR, 60.0, 0, 6000),
        time(other_site, Role.CHAIR, 60.0, 0, 6000),
    ]
    together = _roles_together(rows, {site.pk: site.nation, other_site.pk: other_site.nation})
    # The chair's time of both panels together; each nation's guardian apart (in the order of their names).
    assert together == [
        ("Panel chair", 120.0, 12000),
        (GUARDIAN[Nation.SCOTLAND], 90.0, 4500),
        (GUARDIAN[Nation.ENGLAND], 30.0, 1500),
    ]
