"""`Child.accepted_here_since`: when the earliest referral of the child that their own site's panel accepted was made,
kept by the database (people migration 0014, ADR 0033) whatever writes the referral or the child. The dashboard's
children without a guardian are read from it, longest waiting first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.dashboard.tests.factories import accepted_referral, days_ago
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral

pytestmark = pytest.mark.django_db


def since(child: Child):
    return Child.objects.values_list("accepted_here_since", flat=True).get(pk=child.pk)


def test_accepting_a_referral_through_triage_sets_it_and_a_submitted_one_does_not(demo):
    accepted = accepted_referral(submitted_on=days_ago(30))
    assert since(accepted.child) == accepted.submitted_at
    # A referral of a child that is submitted but not yet accepted does not count.
    waiting = submitted_referral("northbridge", submitted_on=days_ago(5))
    child = Child.objects.create(site=waiting.site, given_names="Dawit", family_name="Tesfay")
    Referral.objects.filter(pk=waiting.pk).update(child=child)
    assert since(child) is None
    Referral.objects.filter(pk=waiting.pk).update(status=ReferralStatus.ACCEPTED)
    assert since(child) == waiting.submitted_at


def test_the_earliest_accepted_referral_here_counts_and_follows_every_change_of_its_referrals(demo):
    first = accepted_referral(submitted_on=days_ago(30))
    child = first.child
    later = accepted_referral(submitted_on=days_ago(10))
    # A bulk update (no save(), no signal) moves the later referral to the same child: the earlier one still counts.
    Referral.objects.filter(pk=later.pk).update(child=child)
    assert since(child) == first.submitted_at
    assert since(later.child) is None  # its own child no longer has a referral accepted here

    Referral.objects.filter(pk=first.pk).update(status=ReferralStatus.WITHDRAWN)
    assert since(child) == later.submitted_at
    earlier = later.submitted_at - timedelta(days=60)
    Referral.objects.filter(pk=later.pk).update(submitted_at=earlier)
    assert since(child) == earlier
    three_rivers = Site.objects.get(slug="three-rivers")
    Referral.objects.filter(pk=later.pk).update(site=three_rivers)  # accepted at another site: not here
    assert since(child) is None
    Referral.objects.filter(pk=later.pk).update(site=child.site)
    assert since(child) == earlier


def test_a_child_moved_to_another_site_and_a_referral_unlinked_or_deleted(demo):
    referral = accepted_referral(submitted_on=days_ago(20))
    child = referral.child
    three_rivers = Site.objects.get(slug="three-rivers")
    Child.objects.filter(pk=child.pk).update(site=three_rivers)  # the accepted referral is of the old site
    assert since(child) is None
    Child.objects.filter(pk=child.pk).update(site=referral.site)
    assert since(child) == referral.submitted_at
    Referral.objects.filter(pk=referral.pk).update(child=None)
    assert since(child) is None
    # A referral written straight to the table (an import, a restore) counts, and stops counting once deleted.
    earlier = referral.submitted_at - timedelta(days=3)
    bare = Referral.objects.create(
        site=referral.site,
        child=child,
        status=ReferralStatus.ACCEPTED,
        submitted_at=earlier,
        created_by=referral.created_by,
        referrer_organisation=referral.referrer_organisation,
    )
    assert since(child) == earlier
    bare.delete()
    assert since(child) is None


def test_a_child_saved_from_a_copy_read_before_the_referral_was_accepted_keeps_the_right_date(demo):
    referral = submitted_referral("northbridge", submitted_on=days_ago(15))
    child = Child.objects.create(site=referral.site, given_names="Amira", family_name="Haile")
    copy = Child.objects.get(pk=child.pk)  # read now: nothing accepted yet
    Referral.objects.filter(pk=referral.pk).update(child=child, status=ReferralStatus.ACCEPTED)
    assert since(child) == referral.submitted_at
    copy.given_names = "Amirah"
    copy.save()  # writes every column, its stale empty date among them
    assert since(child) == referral.submitted_at


def test_the_dashboard_lists_children_without_a_guardian_by_the_kept_date(demo):
    site = Site.objects.get(slug="northbridge")
    today = timezone.localdate()
    newer = accepted_referral(submitted_on=days_ago(12))
    older = accepted_referral(submitted_on=days_ago(40))
    also = accepted_referral(submitted_on=days_ago(5))
    Referral.objects.filter(pk=also.pk).update(child=newer.child)  # a second, later referral of the same child
    rows = clocks.alert_list(site, Kind.WITHOUT_GUARDIAN, today, limit=10_000).items
    mine = [a for a in rows if a.object_id in {str(newer.child_id), str(older.child_id)}]
    assert [(a.object_id, a.referral_reference) for a in mine] == [
        (str(older.child_id), older.reference),
        (str(newer.child_id), newer.reference),  # its earliest referral accepted here, not the later one
    ]
    assert [a.date for a in mine] == [days_ago(40), days_ago(12)]
