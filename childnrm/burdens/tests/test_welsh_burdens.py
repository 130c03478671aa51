"""The burdens pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site (its users see Welsh until they choose otherwise), with a decided case and the
demo's logged time and sittings' lengths (`load_demo_time`), so every table is drawn. Names, references and what
people typed stay as written; everything else must be Welsh.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.burdens.demo import load_demo_time
from childnrm.burdens.models import TimeEntry
from childnrm.burdens.tests.factories import decided_case
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.people.models import Child
from conftest import demo_user, signed_in

WORK_ON_THE_CASE = [Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG]


@pytest.fixture
def welsh_case(site):
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    decision = decided_case(decided_on=timezone.localdate() - timedelta(days=10))
    load_demo_time()
    return decision


def names() -> list[str]:
    """What a page may show as written: people's, organisations', sites' and children's names, and notes."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    found += [c.display_name for c in Child.objects.all()]
    found += TimeEntry.objects.exclude(note="").values_list("note", flat=True)
    return [f for f in found if f]


@pytest.mark.parametrize("role", WORK_ON_THE_CASE)
def test_those_who_work_on_a_case_log_time_in_welsh(welsh_case, role):
    reference = welsh_case.referral.reference
    paths = [
        reverse("burdens:mine"),
        reverse("burdens:case", args=[reference]),
        reverse("burdens:log", args=[reference]),
    ]
    assert walk_in_welsh(signed_in(demo_user(role)), paths, names=names()) == {}


def test_a_first_responder_sees_their_time_in_welsh(welsh_case):
    assert walk_in_welsh(signed_in(demo_user(Role.FIRST_RESPONDER)), [reverse("burdens:mine")], names=names()) == {}


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST])
def test_the_cost_of_the_panel_is_in_welsh(welsh_case, role):
    paths = [reverse("burdens:costs")]
    if role == Role.COORDINATOR:
        paths += [reverse("burdens:sittings"), reverse("burdens:sitting", args=[welsh_case.meeting_id])]
    client = signed_in(demo_user(role))
    assert walk_in_welsh(client, paths, names=names()) == {}
    # The quarters are named in Welsh, the month after "i" mutated ("Ionawr i Fawrth 2026").
    page = client.get(reverse("burdens:costs")).content.decode()
    assert any(f" i {month} " in page for month in ("Fawrth", "Fehefin", "Fedi", "Ragfyr"))


def test_the_hourly_rates_are_in_welsh(welsh_case, site):
    client = signed_in(demo_user(Role.SITE_ADMIN))
    paths = [reverse("burdens:rates"), reverse("burdens:site-rates", args=[site.slug])]
    assert walk_in_welsh(client, paths, names=names()) == {}
    page = client.post(reverse("burdens:site-rates", args=[site.slug]), {"rate_coordinator": "lots"}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch y gyfradd ar gyfer" in page
    assert english_left(page, names=names()) == []


def test_logging_time_errors_and_confirmation_are_in_welsh(welsh_case):
    client = signed_in(demo_user(Role.PANEL_MEMBER))
    reference = welsh_case.referral.reference
    url = reverse("burdens:log", args=[reference])
    page = client.post(url, {"hours": ""}).content.decode()
    assert "Rhowch faint o amser a dreuliwyd gennych" in page and "Rhowch y dyddiad y gwnaethoch y gwaith" in page
    assert english_left(page, names=names()) == []
    day = welsh_case.decided_on
    form = {
        "subject": f"decision-{welsh_case.pk}",
        "hours": "1",
        "minutes": "30",
        "activity": "preparing",
        "worked_on_day": str(day.day),
        "worked_on_month": str(day.month),
        "worked_on_year": str(day.year),
    }
    page = client.post(url, form, follow=True).content.decode()
    assert f"1 awr 30 munud wedi’i gofnodi ar achos {reference}" in page
    assert english_left(page, names=names()) == []
