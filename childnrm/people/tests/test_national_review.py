"""Reviewing the national sweep's pairs at two sites (issue 15, "Finding the same child"; ADR 0029 amendment 2).

What a coordinator depends on: each site's coordinator records, per pair, that they have contacted the other site,
that the records are of the same child, or that they are not, with a reason, who and when; the other site sees the
outcome, who and when, never the reason nor the record; a pair found not to be the same child never comes back in a
later sweep; the queue lists the open pairs at the coordinator's site, newest and likeliest first; every read and
write is audited on both children; only the coordinators of the two sites reach a pair.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bench import generated_set
from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people import linkage_national, linkage_splink, national_review
from childnrm.people.models import (
    Child,
    LinkageModel,
    NationalLinkCandidate,
    NationalLinkPair,
    NationalLinkReview,
    NationalReviewStatus,
)
from conftest import demo_user

pytestmark = pytest.mark.django_db

OTHER_SITE = "Three Rivers Consortium Panel"
SWEPT_AT = timezone.now()  # a sweep finds all its pairs at the moment it started


def _child(site: Site, given: str, family: str, born: date) -> Child:
    return Child.objects.create(
        site=site, given_names=given, family_name=family, date_of_birth=born, sex="male", nationalities=["ER"]
    )


@pytest.fixture
def sites(demo) -> tuple[Site, Site]:
    return Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")


def _pair(here: Child, there: Child, *, probability: float = 0.9, found_days_ago: int = 0) -> NationalLinkPair:
    """A pair as a sweep stores it (the sweep itself is tested below, with Splink)."""
    a, b = sorted([here, there], key=lambda c: c.pk)
    sweep = linkage_national.latest_sweep()
    if sweep is None:
        model = LinkageModel.objects.create(
            trained_at=timezone.now(), records=0, probability_two_random_records_match=0
        )
        sweep = model.sweeps.create(started_at=timezone.now(), finished_at=timezone.now())
    return NationalLinkPair.objects.create(
        child_a=a,
        child_b=b,
        match_probability=probability,
        first_found_at=SWEPT_AT - timedelta(days=found_days_ago),
        sweep=sweep,
    )


@pytest.fixture
def pair(sites) -> tuple[Child, Child, NationalLinkPair]:
    northbridge, rivers = sites
    here = _child(northbridge, "Filmon", "Woldemariam", date(2011, 8, 21))
    there = _child(rivers, "Philmon", "Weldemariam", date(2011, 8, 21))
    return here, there, _pair(here, there)


def _record(pair: NationalLinkPair, child: Child, outcome: str, reason: str = "Spoke to their coordinator") -> None:
    site_slug = child.site.slug
    national_review.review_record(
        pair=pair, child=child, outcome=outcome, reason=reason, user=demo_user(Role.COORDINATOR, site_slug)
    )


# The service ----------------------------------------------------------------------------------------------------


def test_an_outcome_is_recorded_with_its_reason_who_and_when_and_sets_the_status(pair):
    here, there, found = pair
    _record(found, here, NationalReviewStatus.CONTACTED, "Emailed Three Rivers")
    review = NationalLinkReview.objects.get()
    assert (review.outcome, review.reason, review.site, review.child) == (
        "contacted",
        "Emailed Three Rivers",
        here.site,
        here,
    )
    assert review.recorded_by == demo_user(Role.COORDINATOR, "northbridge") and review.recorded_at is not None
    found.refresh_from_db()
    assert found.status == NationalReviewStatus.CONTACTED
    # The other site's coordinator records from their own record: the latest outcome sets the status.
    _record(found, there, NationalReviewStatus.SAME_CHILD, "Same photograph and carer")
    found.refresh_from_db()
    assert found.status == NationalReviewStatus.SAME_CHILD
    assert list(NationalLinkReview.objects.values_list("site__slug", flat=True)) == ["three-rivers", "northbridge"]


def test_a_reason_is_required(pair):
    here, _, found = pair
    with pytest.raises(national_review.NationalReviewError) as refused:
        _record(found, here, NationalReviewStatus.NOT_SAME_CHILD, "   ")
    assert refused.value.field == "reason"
    assert not NationalLinkReview.objects.exists()


def test_a_decision_is_not_recorded_twice_and_a_decided_pair_is_not_contacted(pair):
    here, there, found = pair
    _record(found, here, NationalReviewStatus.NOT_SAME_CHILD)
    with pytest.raises(national_review.NationalReviewError, match="already recorded as not the same child"):
        _record(found, there, NationalReviewStatus.NOT_SAME_CHILD)
    with pytest.raises(national_review.NationalReviewError, match="already decided"):
        _record(found, there, NationalReviewStatus.CONTACTED)
    # A change of mind is a new outcome, with its own reason: the history stays.
    _record(found, there, NationalReviewStatus.SAME_CHILD, "Their coordinator found a second referral")
    assert NationalLinkReview.objects.count() == 2


def test_only_a_coordinator_of_the_childs_site_records(pair):
    here, _, found = pair
    for user in (demo_user(Role.COORDINATOR, "three-rivers"), demo_user(Role.PANEL_MEMBER, "northbridge")):
        with pytest.raises(PermissionError):
            national_review.review_record(
                pair=found, child=here, outcome=NationalReviewStatus.CONTACTED, reason="x", user=user
            )
    assert not NationalLinkReview.objects.exists()


def test_a_write_is_audited_on_both_children(pair):
    here, there, found = pair
    _record(found, here, NationalReviewStatus.SAME_CHILD)
    events = AuditEvent.objects.filter(detail__page="national-review", action="update")
    assert {e.object_id for e in events} == {str(here.pk), str(there.pk)}
    told = events.get(object_id=str(there.pk))
    assert told.detail["for_child"] == here.pk and told.detail["outcome"] == "same_child"
    assert "Filmon" not in str(told.detail) and "Spoke" not in str(told.detail)  # no personal data, no reason


# The sweep keeps the review ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained() -> linkage_splink.Trained:
    records = generated_set.generate(400, seed=20260601)
    return linkage_splink.train([linkage_splink.splink_row(r.profile(), site_id=1) for r in records])


@pytest.fixture
def swept(sites, trained) -> tuple[Child, Child]:
    northbridge, rivers = sites
    here = _child(northbridge, "Filmon", "Woldemariam", date(2011, 8, 21))
    there = _child(rivers, "Philmon", "Weldemariam", date(2011, 8, 21))
    LinkageModel.objects.create(
        trained_at=timezone.now(),
        records=trained.records,
        probability_two_random_records_match=trained.probability_two_random_records_match,
        weights=trained.weights,
        training=trained.figures,
        settings=trained.settings,
    )
    assert linkage_national.national_sweep_run(train_if_needed=False) is not None
    return here, there


def _stored(here: Child, there: Child) -> NationalLinkPair:
    a, b = sorted([here, there], key=lambda c: c.pk)
    return NationalLinkPair.objects.get(child_a=a, child_b=b)


def test_the_sweep_keeps_each_pair_at_two_sites_for_review_from_sweep_to_sweep(swept):
    here, there = swept
    first = _stored(here, there)
    assert first.status == NationalReviewStatus.OPEN and first.sweep is not None
    _record(first, here, NationalReviewStatus.CONTACTED)
    again = linkage_national.national_sweep_run(train_if_needed=False)
    kept = _stored(here, there)
    # The same pair, at the same address, with its review and its first finding; now found by the new sweep.
    assert (kept.pk, kept.key, kept.first_found_at) == (first.pk, first.key, first.first_found_at)
    assert kept.sweep == again and kept.status == NationalReviewStatus.CONTACTED
    assert kept.reviews.count() == 1


def test_a_pair_found_not_to_be_the_same_child_is_not_resurrected_by_a_new_sweep(swept, client_as):
    here, there = swept
    _record(_stored(here, there), there, NationalReviewStatus.NOT_SAME_CHILD, "Different mother")
    again = linkage_national.national_sweep_run(train_if_needed=False)
    a, b = sorted([here.pk, there.pk])
    assert not NationalLinkCandidate.objects.filter(sweep=again, child_a_id=a, child_b_id=b).exists()
    kept = _stored(here, there)
    assert kept.status == NationalReviewStatus.NOT_SAME_CHILD and kept.sweep is None
    # Not in either site's queue; told on the child's page as decided, by whom, without the reason.
    assert not national_review.open_pairs_for(demo_user(Role.COORDINATOR, "northbridge")).exists()
    body = client_as(Role.COORDINATOR).get(reverse("people:other-sites", args=[here.reference])).content.decode()
    assert "Not the same child" in body and OTHER_SITE in body and "Different mother" not in body
    assert "Another site may hold a record of this child" not in body


# The pages ---------------------------------------------------------------------------------------------------


def _review_url(child: Child, found: NationalLinkPair) -> str:
    return reverse("people:national-review", args=[child.reference, found.key])


def test_the_review_page_tells_the_other_site_and_whom_to_contact_never_the_record(pair, client_as):
    here, there, found = pair
    response = client_as(Role.COORDINATOR).get(_review_url(here, found))
    body = response.content.decode()
    assert response.status_code == 200
    assert OTHER_SITE in body and demo_user(Role.COORDINATOR, "three-rivers").email in body
    for withheld in (there.reference, "Philmon", "Weldemariam"):
        assert withheld not in body
    # Both records are audited: this site's as viewed, the other's as told of.
    events = AuditEvent.objects.filter(detail__page="national-review", action="view")
    assert events.filter(object_id=str(here.pk)).exists()
    assert events.get(object_id=str(there.pk)).detail["disclosed"] == "site and coordinator contact"


def test_recording_without_a_reason_shows_the_error_summary(pair, client_as):
    here, _, found = pair
    response = client_as(Role.COORDINATOR).post(_review_url(here, found), {"outcome": "same_child", "reason": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and 'href="#id_reason"' in body
    assert "Enter the reason for what you found" in body
    assert not NationalLinkReview.objects.exists()
    response = client_as(Role.COORDINATOR).post(_review_url(here, found), {"reason": "Checked"})
    assert response.status_code == 400 and 'href="#id_outcome_0"' in response.content.decode()


def test_recording_an_outcome_and_the_other_site_sees_a_colleague_marked_it(pair, client_as):
    here, there, found = pair
    url = _review_url(here, found)
    coordinator_here = client_as(Role.COORDINATOR)
    response = coordinator_here.post(url, {"outcome": "same_child", "reason": "Same carer, same school"})
    assert response.status_code == 302 and response["Location"] == url
    page = coordinator_here.get(url).content.decode()
    assert "Recorded: the same child as a record at" in page and "Same carer, same school" in page
    # The other site's coordinator, from their own record: who marked it, at which site, and not the reason.
    theirs = client_as(Role.COORDINATOR, "three-rivers").get(_review_url(there, found)).content.decode()
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    assert "Confirmed: the same child" in theirs
    assert f"Marked by {coordinator.full_name} of Northbridge" in theirs
    assert "Same carer, same school" not in theirs and "Their reason is kept at their site." in theirs
    for withheld in (here.reference, "Filmon", "Woldemariam"):
        assert withheld not in theirs
    # The cross-site link shows on each child's record, by the other site's name only.
    record = client_as(Role.COORDINATOR, "three-rivers").get(reverse("people:detail", args=[there.reference]))
    assert "A record at Northbridge" in record.content.decode()


def test_only_the_coordinators_of_the_two_sites_reach_a_pair(pair, client_as, sites):
    here, _, found = pair
    assert client_as(Role.COORDINATOR, "three-rivers").get(_review_url(here, found)).status_code == 404
    assert client_as(Role.PANEL_MEMBER).get(_review_url(here, found)).status_code in {403, 404}
    # A pair of another child is not reached through this child's address.
    unrelated = _child(sites[0], "Saba", "Kidane", date(2008, 1, 30))
    assert client_as(Role.COORDINATOR).get(_review_url(unrelated, found)).status_code == 404
    assert client_as(Role.COORDINATOR).post(_review_url(unrelated, found), {"outcome": "contacted"}).status_code == 404
    assert not NationalLinkReview.objects.exists()


def test_a_pair_no_longer_found_and_not_decided_is_closed(pair, client_as):
    here, _, found = pair
    NationalLinkPair.objects.filter(pk=found.pk).update(sweep=None)
    assert client_as(Role.COORDINATOR).get(_review_url(here, found)).status_code == 404


def test_the_queue_lists_open_pairs_at_the_site_newest_and_likeliest_first(sites, client_as):
    northbridge, rivers = sites
    older = _pair(
        _child(northbridge, "Amanuel", "Tekle", date(2010, 1, 1)),
        _child(rivers, "Amanuel", "Tekle", date(2010, 1, 1)),
        probability=0.99,
        found_days_ago=3,
    )
    likely = _pair(
        _child(northbridge, "Bereket", "Haile", date(2011, 2, 2)),
        _child(rivers, "Bereket", "Haile", date(2011, 2, 2)),
        probability=0.95,
    )
    unlikely = _pair(
        _child(northbridge, "Dawit", "Girma", date(2012, 3, 3)),
        _child(rivers, "Dawit", "Girmay", date(2012, 3, 3)),
        probability=0.6,
    )
    decided = _pair(
        _child(northbridge, "Eden", "Yonas", date(2013, 4, 4)), _child(rivers, "Eden", "Yohannes", date(2013, 4, 4))
    )
    _record(decided, Child.objects.get(pk=decided.child_a_id), NationalReviewStatus.NOT_SAME_CHILD)
    _record(unlikely, Child.objects.get(pk=unlikely.child_b_id), NationalReviewStatus.CONTACTED)
    response = client_as(Role.COORDINATOR).get(reverse("people:national-queue"))
    body = response.content.decode()
    assert response.status_code == 200
    order = [body.index(f'id="queue-{p.key}"') for p in (likely, unlikely, older)]
    assert order == sorted(order) and f"queue-{decided.key}" not in body
    assert "3 records to review" in body
    # The other site's contacted mark shows, and the record at this site is named; never the other site's.
    assert "Marked by" in body and "Amanuel" in body
    assert body.count(OTHER_SITE) >= 3
    # The list is audited: this site's records as listed, the other site's as told of.
    listed = AuditEvent.objects.get(detail__page="national-queue", action="list")
    assert len(listed.detail["ids"]) == 3
    told = AuditEvent.objects.filter(detail__page="national-queue", action="view")
    assert {e.detail["disclosed"] for e in told} == {"site"} and told.count() == 3
    # The other site's coordinator sees the same pairs from their records.
    theirs = client_as(Role.COORDINATOR, "three-rivers").get(reverse("people:national-queue")).content.decode()
    assert f"queue-{likely.key}" in theirs and "Northbridge" in theirs


def test_the_queue_is_paginated_with_the_kit(sites, client_as, monkeypatch):
    from childnrm.people import views_national

    monkeypatch.setattr(views_national, "PAGE_SIZE", 2)
    northbridge, rivers = sites
    for n in range(3):
        _pair(
            _child(northbridge, f"Child{n}", "Here", date(2010, 1, 1 + n)),
            _child(rivers, f"Child{n}", "There", date(2010, 1, 1 + n)),
        )
    first = client_as(Role.COORDINATOR).get(reverse("people:national-queue")).content.decode()
    assert "govuk-pagination" in first and "?page=2" in first
    second = client_as(Role.COORDINATOR).get(reverse("people:national-queue") + "?page=2").content.decode()
    assert second.count('id="queue-') == 1


def test_the_queue_is_on_the_coordinators_home_page_only(demo, client_as):
    home = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert reverse("people:national-queue") in home and "Records at other sites to review" in home
    assert (
        reverse("people:national-queue") not in client_as(Role.PANEL_MEMBER).get(reverse("core:home")).content.decode()
    )
    assert client_as(Role.PANEL_MEMBER).get(reverse("people:national-queue")).status_code == 403
