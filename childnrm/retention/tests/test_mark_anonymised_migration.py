"""Cases anonymised before referrals kept when are marked from their retention items (retention migration 0003), so
the rule every app reads (`referrals.anonymised`) holds for them too: their requests are not chased, nothing more is
recorded. A part that went early (documents, answers, letters) does not mark the case."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role
from childnrm.core.tests.migrations import migrate_to
from childnrm.referrals.models import Referral
from childnrm.retention.models import ItemStatus, RetentionItem
from childnrm.retention.schedule import RecordType, add_years
from childnrm.retention.services import retention_items_approve
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("retention", "0002_referral_referred_on_label")]


def test_cases_anonymised_before_are_marked_from_their_retention_items(demo):
    anonymised = decided_case()
    today = add_years(BORN, 25)
    item = listed(anonymised, today)
    result = retention_items_approve(
        user=demo_user(Role.DATA_PROTECTION_OFFICER), site=anonymised.site, item_ids=[item.pk], today=today
    )
    assert result.anonymised == [item.pk]
    # A case whose documents alone went early, and one not touched.
    part = decided_case()
    RetentionItem.objects.create(
        site=part.site,
        record_type=RecordType.DOCUMENTS,
        referral=part,
        child=part.child,
        closed_on=today,
        due_on=today,
        rule="6 years after the case closed",
        status=ItemStatus.ANONYMISED,
        listed_on=today,
        anonymised_at=item.anonymised_at,
    )
    untouched = decided_case()
    # As the database stood before the mark was kept.
    Referral.objects.update(anonymised_at=None)

    migrate_to(BEFORE)
    migrate_to()

    item.refresh_from_db()
    assert Referral.objects.get(pk=anonymised.pk).anonymised_at == item.anonymised_at
    assert Referral.objects.get(pk=part.pk).anonymised_at is None
    assert Referral.objects.get(pk=untouched.pk).anonymised_at is None
