"""A plan's actions and a strategy discussion name the guardian service as the site's nation names it (issue 13
item 2, ADR 0027).

The agency is stored as a code (`panels.Agency.ICTG`, whose label is England and Wales's service). On a site in
Scotland or Northern Ireland the plan, the action, the child's safeguarding page and the "guardian (…)" error of the
allocation say the nation's guardian service, never the Independent Child Trafficking Guardian; England keeps it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.access.tests.welsh_every_route import stored_text
from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.accounts.tests.test_nations import ENGLISH_GUARDIAN, shown
from childnrm.panels.models import Agency
from childnrm.safeguarding import services
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import PlanAction, SafeguardingPlan, StrategyDiscussion
from childnrm.safeguarding.services import SafeguardingError
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

GUARDIAN = {
    Nation.SCOTLAND: "Guardian from the Scottish Guardianship Service",
    Nation.NORTHERN_IRELAND: "Independent Guardian",
}
SERVICE = {
    Nation.SCOTLAND: "Scottish Guardianship Service",
    Nation.NORTHERN_IRELAND: "Independent Guardian Service",
    Nation.ENGLAND: "Independent Child Trafficking Guardian service",
}


def set_aside(site: Site) -> list[str]:
    """Names a page may show as they are (people; organisations, as any site may work with England's guardian
    service) and what someone typed that names England's guardian: longest first."""
    # Never the words on their own, nor the agency's label: a page printing them would pass whatever it was.
    labels = {*ENGLISH_GUARDIAN, str(Agency.ICTG.label), str(Role.ICTG.label)}
    typed = [t for t in stored_text() if any(w in t for w in ENGLISH_GUARDIAN) and t.strip() not in labels]
    names = [*User.objects.values_list("full_name", flat=True)]  # a page may name people of other sites too
    names += [*Organisation.objects.values_list("name", flat=True), *typed]
    return sorted(set(names), key=len, reverse=True)


def pages_opened(urls: dict[str, tuple[Client, str]]) -> dict[str, str]:
    """Each named page's HTML, opened by its client: every one must open."""
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def no_english_guardian_on(pages: dict[str, str], site: Site) -> None:
    """Fails if any of the pages names England and Wales's guardian, other than in what `set_aside` keeps."""
    names = set_aside(site)
    for page in pages.values():
        no_english_guardian(page, names)


def no_english_guardian(page: str, names: list[str]) -> None:
    """Fails if the page names England and Wales's guardian, other than in the `names` set aside."""
    for name in names:
        page = page.replace(shown(name), "")
    for words in ENGLISH_GUARDIAN:
        at = page.find(words)
        assert at < 0, f"{words!r} on a page of a site outside England: …{page[max(0, at - 80) : at + 80]}…"


def _guardian_owns_an_action(site: Site) -> tuple[SafeguardingPlan, PlanAction]:
    """The demo plan's first action given to the guardian service, and its strategy discussion attended by it."""
    child = demo_child(site)
    plan = SafeguardingPlan.objects.filter(child=child).order_by("pk").first()
    action = plan.actions.order_by("pk").first()
    PlanAction.objects.filter(pk=action.pk).update(agency=Agency.ICTG)
    StrategyDiscussion.objects.filter(child=child).update(agencies=[Agency.SOCIAL_CARE, Agency.ICTG])
    return plan, action


def _pages(site: Site) -> dict[str, str]:
    plan, action = _guardian_owns_an_action(site)
    client = signed_in(demo_user(Role.COORDINATOR, site.slug))
    urls = {
        "the plan": reverse("safeguarding:plan", args=[plan.pk]),
        "the action": reverse("safeguarding:action", args=[action.pk]),
        "the child's safeguarding": reverse("safeguarding:child", args=[plan.child.reference]),
        "the safety map": reverse("safeguarding:safety-map", args=[plan.child.reference]),
        "a new action": reverse("safeguarding:action-add", args=[plan.pk]),
        "a new strategy discussion": reverse("safeguarding:strategy-add", args=[plan.child.reference]),
    }
    pages = pages_opened({name: (client, url) for name, url in urls.items()})
    return pages


def test_the_guardian_service_owning_an_action_is_named_as_the_nation_names_it(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    pages = _pages(site)
    no_english_guardian_on(pages, site)
    for name in ("the plan", "the action", "the child's safeguarding", "a new action", "a new strategy discussion"):
        assert SERVICE[nation] in pages[name], name
    # The discussion's agencies, as the child's page lists them.
    assert shown(f"Agencies: Children's social care, {SERVICE[nation]}") in pages["the child's safeguarding"]


def test_england_keeps_the_independent_child_trafficking_guardian_service(site):
    pages = _pages(site)
    for name in ("the plan", "the action", "the child's safeguarding"):
        assert SERVICE[Nation.ENGLAND] in pages[name], name
        assert SERVICE[Nation.SCOTLAND] not in pages[name] and SERVICE[Nation.NORTHERN_IRELAND] not in pages[name]


def test_allocating_someone_not_a_guardian_says_the_nations_service(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    child = demo_child(site)
    with pytest.raises(SafeguardingError) as refused:
        services.guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=demo_user(Role.PANEL_MEMBER))
    assert str(refused.value) == f"Select a guardian ({SERVICE[nation]}) of this site"


@pytest.mark.parametrize("scottish_or_northern_irish_site", [Nation.SCOTLAND], indirect=True)
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ICTG, Role.PANEL_MEMBER, Role.ADVISER])
def test_no_safeguarding_page_of_a_scottish_site_names_the_english_guardian(scottish_or_northern_irish_site, role):
    """Every safeguarding page each role of the site opens (the Welsh walk's paths), with the guardian service
    owning an action: none names England and Wales's guardian."""
    from childnrm.safeguarding.tests.test_welsh_safeguarding import paths_for

    site = scottish_or_northern_irish_site
    _guardian_owns_an_action(site)
    client = signed_in(demo_user(role))
    paths = paths_for(role, site)
    assert paths
    names = set_aside(site)
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        no_english_guardian(response.content.decode(), names)


def test_the_dashboard_and_the_childs_audit_name_the_nations_guardian(scottish_or_northern_irish_site):
    """An overdue action of the guardian service on the site's dashboard, and the guardian's reading of the child's
    record in the child's audit, in the words of the site's nation."""
    site = scottish_or_northern_irish_site
    nation = site.nation
    child = demo_child(site)
    PlanAction.objects.filter(plan__child=child).update(agency=Agency.ICTG)  # the demo's police action is overdue
    guardian = signed_in(demo_user(Role.ICTG, site.slug))
    assert guardian.get(reverse("safeguarding:child", args=[child.reference])).status_code == 200
    coordinator = signed_in(demo_user(Role.COORDINATOR, site.slug))
    overdue = coordinator.get(reverse("dashboard:actions-overdue", args=[site.slug]))
    audit = coordinator.get(reverse("people:audit", args=[child.reference]))
    assert overdue.status_code == 200 and audit.status_code == 200
    names = set_aside(site)
    for page in (overdue.content.decode(), audit.content.decode()):
        no_english_guardian(page, names)
    assert SERVICE[nation] in overdue.content.decode()
    assert shown(GUARDIAN[nation]) in audit.content.decode()
