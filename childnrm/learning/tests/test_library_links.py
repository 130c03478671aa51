"""Links from the service's pages to the evidence library where a practitioner needs guidance (issue 12 item 1):
the decision's credibility section, triage, the safeguarding plan and the case review page. They lead only to
published items, on the page's themes, and show nothing when none is published."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childnrm.accounts.models import Role, Site
from childnrm.case_reviews.demo import demo_review
from childnrm.decisions.tests.factories import sample_decision
from childnrm.learning.models import LibraryItemVersion, VersionStatus
from childnrm.learning.selectors import published_on, topics_of_referrals
from childnrm.learning.services import ItemAnswers, library_item_submit, library_version_approve
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import sample_referral_reference
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan
from conftest import demo_user

pytestmark = pytest.mark.django_db

# The demo library (learning/demo.py): published at Northbridge and Three Rivers, and one waiting.
CREDIBILITY = "Trauma-informed credibility: weighing inconsistent accounts"
COUNTY_LINES = "County lines: spotting criminal exploitation early"
AGE = "Age assessment and the NRM: what the panel needs to know"
WAITING = "Safety planning template for children who go missing"
HEADING = "Guidance from the evidence library"


def titles(versions: list[LibraryItemVersion]) -> list[str]:
    return [v.title for v in versions]


def published(title: str, themes: list[str], exploitation_types: list[str] | None = None) -> LibraryItemVersion:
    version = library_item_submit(
        user=demo_user(Role.PANEL_MEMBER),
        answers=ItemAnswers(
            title=title,
            summary="For panels.",
            kind="practice_note",
            themes=themes,
            exploitation_types=exploitation_types or [],
            region="uk",
            audiences=["panel_members"],
            item_date=date(2026, 11, 30),
            link="https://www.gov.uk/guidance",
        ),
    )
    return library_version_approve(version=version, user=demo_user(Role.LIBRARY_MODERATOR))


def unpublish(title: str) -> None:
    LibraryItemVersion.objects.filter(title=title).update(status=VersionStatus.REPLACED)


def link_of(title: str) -> str:
    version = LibraryItemVersion.objects.get(title=title)
    return f'href="{reverse("learning:item", args=[version.item_id])}"'


def test_the_links_are_published_items_on_the_pages_themes_those_on_more_of_them_first(demo):
    assert titles(published_on(themes=["credibility"])) == [CREDIBILITY]
    # The template on missing and safeguarding plans waits for moderation: never linked.
    assert titles(published_on(themes=["safeguarding_plans", "missing", "county_lines"])) == [COUNTY_LINES]
    assert published_on(themes=["transition"]) == [] and published_on() == []
    assert published_on(themes=["no-such-theme"], exploitation_types=["other"]) == []
    # An item on both of a page's topics comes before a newer one on one of them.
    newer = published("Going missing: a newer note", ["missing"])
    both = LibraryItemVersion.objects.get(title=COUNTY_LINES)
    assert newer.item_date > both.item_date
    assert titles(published_on(themes=["missing", "county_lines"], exploitation_types=["criminal"]))[:2] == [
        COUNTY_LINES,
        "Going missing: a newer note",
    ]
    assert len(published_on(themes=[t for t in ("missing", "county_lines", "credibility", "age_assessment")])) == 3


def test_a_pages_topics_in_any_order_or_repeated_give_the_same_links_in_one_query(demo):
    published("Going missing: a newer note", ["missing"])
    first = published_on(themes=["safeguarding_plans", "missing", "county_lines"], exploitation_types=["criminal"])
    assert titles(first)[:2] == [COUNTY_LINES, "Going missing: a newer note"]
    with CaptureQueriesContext(connection) as queries:
        again = published_on(
            themes=["county_lines", "missing", "no-such-theme", "missing", "safeguarding_plans"],
            exploitation_types=["criminal", "criminal"],
        )
    assert titles(again) == titles(first) and len(queries) == 1


def test_a_referrals_facts_give_the_themes_age_assessment_county_lines_and_exploitation(demo):
    referral = Referral(age_disputed=True, county_lines=True, exploitation_types=["criminal", "labour", "other"])
    themes, exploitation_types = topics_of_referrals([referral, Referral(age_uncertain=True)])
    assert themes == ["age_assessment", "county_lines", "criminal_exploitation"]
    assert exploitation_types == ["criminal", "labour", "other"]  # "other" is dropped when items are looked up
    assert topics_of_referrals([Referral(exploitation_types=[])]) == ([], [])


def test_the_credibility_section_links_to_published_practice_notes_and_to_the_library_search(client_as):
    decision = sample_decision("northbridge")
    url = reverse("decisions:section-credibility", args=[decision.pk])
    page = client_as(Role.CHAIR).get(url).content.decode()
    assert HEADING in page and CREDIBILITY in page and link_of(CREDIBILITY) in page
    assert f"{reverse('learning:library')}?theme=credibility" in page
    # None published on credibility or disclosure: the section shows no library links at all.
    unpublish(CREDIBILITY)
    page = client_as(Role.CHAIR).get(url).content.decode()
    assert HEADING not in page and CREDIBILITY not in page


def test_triage_links_to_guidance_on_a_disputed_age_published_at_another_site(client_as):
    referral = Referral.objects.get(reference=sample_referral_reference("northbridge"))
    Referral.objects.filter(pk=referral.pk).update(age_disputed=True, county_lines=False, exploitation_types=["labour"])
    page = client_as(Role.COORDINATOR).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    assert HEADING in page and AGE in page and link_of(AGE) in page  # Three Rivers' research, read at Northbridge
    assert CREDIBILITY not in page and COUNTY_LINES not in page
    assert f"{reverse('learning:library')}?theme=age_assessment" in page


def test_the_safeguarding_plan_links_to_published_guidance_on_going_missing_and_county_lines(client_as):
    child = demo_child(Site.objects.get(slug="northbridge"))
    plan = SafeguardingPlan.objects.get(child=child, status=PlanStatus.ACTIVE)
    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert HEADING in page and link_of(COUNTY_LINES) in page
    assert WAITING not in page  # not published yet
    unpublish(COUNTY_LINES)
    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert HEADING not in page


def test_the_case_review_page_links_to_guidance_on_what_its_cases_referrals_say(client_as):
    review = demo_review("northbridge")
    referral = review.cases.get().referral
    Referral.objects.filter(pk=referral.pk).update(county_lines=True, exploitation_types=["criminal"])
    page = client_as(Role.COORDINATOR).get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert HEADING in page and link_of(COUNTY_LINES) in page
    # Another site's user reaches neither the review nor, through it, its links.
    assert client_as(Role.COORDINATOR, "three-rivers").get(
        reverse("case_reviews:detail", args=[review.pk])
    ).status_code in (403, 404)
