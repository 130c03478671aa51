"""The people pages in Welsh, as a Welsh site's coordinator reaches them (ADR 0023, issue 13; issue 15's review).

A Welsh site's default language is Welsh. Every page here must be wholly Welsh apart from names, references, what
people typed (the reasons, printed as written) and the allowed terms (core/tests/welsh.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.people import national_review, services
from childnrm.people.models import (
    Child,
    ChildLinkDecision,
    LinkageModel,
    LinkStatus,
    NationalLinkPair,
    NationalLinkReview,
    NationalReviewStatus,
)
from childnrm.referrals.models import Referral, ReferralStatus
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def names() -> list[str]:
    """What a page may show in any language: people, organisations, sites, children, references, what was typed."""
    people = [n for u in User.objects.all() for n in (u.full_name, u.email)]
    children = [n for c in Child.objects.all() for n in (c.display_name, c.reference)]
    places = [*Organisation.objects.values_list("name", flat=True), *Site.objects.values_list("name", flat=True)]
    typed = list(NationalLinkReview.objects.values_list("reason", flat=True))
    return [*people, *children, *places, *typed, "demo"]


@pytest.fixture
def reviewed(welsh_site) -> tuple[Child, NationalLinkPair, NationalLinkPair]:
    """A child of the Welsh site with two pairs at the other site: one open, one marked by both sites."""
    rivers = Site.objects.get(slug="three-rivers")
    here = Child.objects.create(
        site=welsh_site, given_names="Filmon", family_name="Woldemariam", date_of_birth=date(2011, 8, 21)
    )
    model = LinkageModel.objects.create(trained_at=timezone.now(), records=0, probability_two_random_records_match=0)
    sweep = model.sweeps.create(started_at=timezone.now(), finished_at=timezone.now())
    pairs = []
    for given in ("Philmon", "Filimon"):
        there = Child.objects.create(
            site=rivers, given_names=given, family_name="Weldemariam", date_of_birth=date(2011, 8, 21)
        )
        a, b = sorted([here, there], key=lambda c: c.pk)
        pairs.append(
            NationalLinkPair.objects.create(
                child_a=a, child_b=b, match_probability=0.9, first_found_at=timezone.now(), sweep=sweep
            )
        )
    open_pair, marked = pairs
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    national_review.review_record(
        pair=marked,
        child=here,
        outcome=NationalReviewStatus.CONTACTED,
        reason="E-bost at Three Rivers",
        user=coordinator,
    )
    there = Child.objects.get(pk=marked.other_id(here))
    national_review.review_record(
        pair=marked,
        child=there,
        outcome=NationalReviewStatus.SAME_CHILD,
        reason="Same carer",
        user=demo_user(Role.COORDINATOR, "three-rivers"),
    )
    return here, open_pair, marked


def test_the_coordinators_people_pages_and_the_national_review_are_welsh(reviewed):
    here, open_pair, marked = reviewed
    paths = [
        reverse("people:list"),
        reverse("people:detail", args=[here.reference]),
        reverse("people:other-sites", args=[here.reference]),
        reverse("people:national-review", args=[here.reference, open_pair.key]),
        reverse("people:national-review", args=[here.reference, marked.key]),
        reverse("people:national-queue"),
        reverse("core:home"),
    ]
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    assert walk_in_welsh(client, paths, names=names()) == {}


def test_the_childs_record_names_nationalities_in_the_readers_language(reviewed):
    """Codes are stored ("VN", "SD"); a reader sees the country's name, in Welsh on a Welsh page."""
    here, _, _ = reviewed
    Child.objects.filter(pk=here.pk).update(nationalities=["VN", "SD"])
    welsh = signed_in(demo_user(Role.COORDINATOR, "northbridge")).get(reverse("people:detail", args=[here.reference]))
    assert "Fietnam, Y Swdan" in welsh.content.decode()
    there = Child.objects.filter(site__slug="three-rivers").first()
    Child.objects.filter(pk=there.pk).update(nationalities=["VN"])
    english = signed_in(demo_user(Role.COORDINATOR, "three-rivers")).get(
        reverse("people:detail", args=[there.reference])
    )
    page = english.content.decode()
    assert ">Vietnam<" in page and "Fietnam" not in page


def test_the_review_form_errors_are_welsh(reviewed):
    here, open_pair, _ = reviewed
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    url = reverse("people:national-review", args=[here.reference, open_pair.key])
    response = client.post(url, {"reason": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Dewiswch beth rydych wedi’i ganfod" in body and "Rhowch y rheswm dros yr hyn rydych wedi’i ganfod" in body
    assert "Mae problem wedi codi" in body


@pytest.fixture
def matched(welsh_site) -> tuple[Child, Child, Child]:
    """A child of the Welsh site with an alias on its referral, a possible match still to decide, and a record
    already linked to it (with the reason the coordinator typed)."""
    here = Child.objects.create(
        site=welsh_site,
        given_names="Ardit",
        family_name="Krasniqui",
        date_of_birth=date(2011, 4, 3),
        sex="male",
        nationalities=["AL"],
    )
    Referral.objects.create(
        status=ReferralStatus.SUBMITTED,
        referrer_organisation=Organisation.objects.order_by("pk").first(),
        site=welsh_site,
        child=here,
        given_names=here.given_names,
        family_name=here.family_name,
        aliases=[{"given_names": "Arditi", "family_name": "Krasniqi"}],
        submitted_at=timezone.now(),
    )
    possible = Child.objects.create(
        site=welsh_site,
        given_names="Ardit",
        family_name="Krasniqi",
        date_of_birth=date(2011, 3, 4),
        sex="male",
        nationalities=["AL"],
    )
    linked = Child.objects.create(
        site=welsh_site, given_names="Ardit", family_name="Krasniqy", date_of_birth=date(2011, 4, 3), sex="male"
    )
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    services.child_link_decide(
        child=here, other=linked, status=LinkStatus.LINKED, user=coordinator, reason="Yr un gofalwr"
    )
    return here, possible, linked


def typed_and_named() -> list[str]:
    return [*names(), *ChildLinkDecision.objects.values_list("reason", flat=True)]


def test_the_possible_matches_and_audit_pages_are_welsh(matched):
    here, possible, _linked = matched
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    matches = reverse("people:link-candidates", args=[here.reference])
    body = client.get(matches).content.decode()
    assert f"Agor cofnod {possible.reference}" in body  # the possible match is listed, with its comparison
    assert "enw arall ar atgyfeiriad" in body and "Wedi’u cysylltu: yr un plentyn" in body
    paths = [matches, reverse("people:audit", args=[here.reference])]
    assert walk_in_welsh(client, paths, names=typed_and_named()) == {}


def test_the_audit_page_shows_the_stored_english_purpose_in_welsh(matched):
    here, _possible, _linked = matched
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    client.get(reverse("people:link-candidates", args=[here.reference]))
    stored = AuditEvent.objects.filter(object_type="people.child", object_id=str(here.pk)).values_list(
        "purpose", flat=True
    )
    assert PURPOSES[Perm.CHILD_LINK] == "Linking records of the same child"
    assert "Linking records of the same child" in set(stored)  # the trail keeps the English it was written in
    body = client.get(reverse("people:audit", args=[here.reference])).content.decode()
    assert "Cysylltu cofnodion o’r un plentyn" in body and "Linking records of the same child" not in body
    assert "Gwelwyd" in body and "Plentyn: possible-matches" in body


def test_the_link_decision_errors_and_messages_are_welsh(matched):
    here, possible, _linked = matched
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    url = reverse("people:link-candidates", args=[here.reference])
    body = client.post(url, {"action": "reject", "other": possible.reference, "reason": ""}).content.decode()
    assert "Nodwch pam nad yw’r rhain yn gofnodion o’r un plentyn" in body
    response = client.post(url, {"action": "link", "other": possible.reference, "reason": ""}, follow=True)
    assert f"Mae {here.reference} a {possible.reference} wedi’u cysylltu fel cofnodion o’r un plentyn" in (
        response.content.decode()
    )
