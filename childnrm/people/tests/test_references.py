"""A new record's public reference never repeats one already held: drawn again, not a failed save.

References are 8 random characters of 32, drawn once. At a million referrals about one new draw in a million
repeats a stored reference; the save must still succeed, with another reference, and lose nothing typed.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.people.models import Child, NationalLinkPair, unused_references
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_start
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_a_child_reference_already_held_is_drawn_again(site, reference_draws):
    held = Child.objects.create(site=site, given_names="Amina", family_name="Haile", date_of_birth=date(2010, 4, 2))
    reference_draws += [held.reference, "CH-ZZZZ2222"]
    child = Child.objects.create(site=site, given_names="Dawit", family_name="Tesfay", date_of_birth=date(2011, 5, 3))
    child.refresh_from_db()
    assert child.reference == "CH-ZZZZ2222" and child.given_names == "Dawit"
    assert Child.objects.filter(reference=held.reference).get() == held


def test_a_referral_started_with_a_reference_already_held_gets_another(demo, reference_draws):
    referrer = demo_user(Role.FIRST_RESPONDER)
    held = referral_start(user=referrer)
    reference_draws += [held.reference, "NRM-ZZZZ3333"]
    started = referral_start(user=referrer)
    assert Referral.objects.get(pk=started.pk).reference == "NRM-ZZZZ3333"


def test_many_references_are_drawn_distinct_and_unused_in_one_read(site, reference_draws, django_assert_num_queries):
    held = Child.objects.create(site=site, given_names="Amina", family_name="Haile")
    reference_draws += [held.reference, "CH-AAAA2222", "CH-AAAA2222", "CH-BBBB2222", "CH-CCCC2222"]
    with django_assert_num_queries(2):  # the first draw repeats one held and one already drawn: one more read
        references = unused_references(Child, "CH-", 3)
    assert references == ["CH-AAAA2222", "CH-BBBB2222", "CH-CCCC2222"]  # in the order drawn


def test_a_national_pair_key_already_held_is_drawn_again(demo, reference_draws):
    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")

    def pair(given: str) -> NationalLinkPair:
        return NationalLinkPair.objects.create(
            child_a=Child.objects.create(site=northbridge, given_names=given, family_name="Haile"),
            child_b=Child.objects.create(site=rivers, given_names=given, family_name="Haile"),
            match_probability=0.9,
            first_found_at=timezone.now(),
        )

    held = pair("Amina")
    reference_draws += ["CH-ZZZZ4444", "CH-ZZZZ5555", held.key, "NL-ZZZZZZ6666"]
    assert pair("Dawit").key == "NL-ZZZZZZ6666"


def test_a_new_form_row_reads_nothing_and_a_given_reference_is_never_changed(site, django_assert_num_queries):
    with django_assert_num_queries(0):  # a form makes a row it may never save
        Referral()
    held = Child.objects.create(site=site, given_names="Amina", family_name="Haile")
    with pytest.raises(IntegrityError), transaction.atomic():  # a restore's or a bench's own reference stays
        Child.objects.create(reference=held.reference, site=site, given_names="Dawit", family_name="Tesfay")
