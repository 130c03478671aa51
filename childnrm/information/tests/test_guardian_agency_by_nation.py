"""A request for information to the guardian service names the service as the site's nation names it (issue 13
item 2, ADR 0027): the coordinator's list (and its filter), the case's requests and the request's page say "Scottish
Guardianship Service" in Scotland, never England and Wales's "Independent Child Trafficking Guardian service"; the
stored agency stays "ictg".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Role
from childnrm.information.models import InformationRequest
from childnrm.information.tests.test_information import ask
from childnrm.panels.models import Agency
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import SERVICE, no_english_guardian, set_aside
from childnrm.triage.demo import submitted_referral
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def _asked(site) -> InformationRequest:
    """A request asked while the site was in England (its lawful basis England's), given to the guardian service."""
    asked = ask(submitted_referral(site.slug))
    InformationRequest.objects.filter(pk=asked.pk).update(agency=Agency.ICTG)
    return asked


def _pages(site, asked: InformationRequest) -> dict[str, str]:
    client = signed_in(demo_user(Role.COORDINATOR, site.slug))
    pages = {}
    for name, url in {
        "the list": reverse("information:list"),
        "the case's requests": reverse("information:case", args=[asked.referral.reference]),
        "the request": reverse("information:detail", args=[asked.reference]),
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
def test_a_request_to_the_guardian_service_names_the_nations_service(site, nation):
    asked = _asked(site)
    site.nation = nation
    site.save(update_fields=["nation"])
    pages = _pages(site, asked)
    names = set_aside(site)
    for name, page in pages.items():
        no_english_guardian(page, names)
        assert SERVICE[nation] in page, name
    assert InformationRequest.objects.filter(referral__site=site, agency="ictg").count() == 1


def test_england_keeps_the_independent_child_trafficking_guardian_service(site):
    for name, page in _pages(site, _asked(site)).items():
        assert SERVICE[Nation.ENGLAND] in page, name


def test_the_list_names_the_service_without_a_read_per_request(site):
    """The list reads the site's nation with the rows: one request to the guardian service or three, the same
    statements."""
    from childnrm.core.tests.queries import CountedQueries

    _asked(site)
    others = [ask(submitted_referral(site.slug)).pk for _ in range(2)]
    site.nation = Nation.SCOTLAND
    site.save(update_fields=["nation"])
    client = signed_in(demo_user(Role.COORDINATOR, site.slug))
    client.get(reverse("information:list"))

    def statements() -> tuple[int, str]:
        with CountedQueries() as captured:
            page = client.get(reverse("information:list")).content.decode()
        return len(captured), page

    one, _ = statements()
    InformationRequest.objects.filter(pk__in=others).update(agency=Agency.ICTG)
    three, page = statements()
    assert three == one
    assert page.count(SERVICE[Nation.SCOTLAND]) >= 3
