"""Cases and children anonymised before 2026-12-07 have what the anonymiser now clears cleared by retention migration
0005: they are never offered to the DPO again, so nothing else would. What is kept for the figures, and a living
case beside them, stay as they were."""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.core.tests.migrations import migrate_to
from childnrm.decisions.models import Decision
from childnrm.people.models import LeadSocialWorker
from childnrm.referrals.models import Referral
from childnrm.retention.models import ItemStatus, RetentionItem
from childnrm.retention.schedule import add_years
from childnrm.retention.services import retention_items_approve
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("retention", "0004_close_plans_of_anonymised_children")]
BEST_INTERESTS = "Jane, 15, wants to stay with her aunt in Leeds"


def test_what_earlier_anonymisations_left_is_cleared_and_a_living_case_keeps_its_own(demo):
    case = decided_case()
    living = decided_case()
    today = add_years(BORN, 25)
    item = listed(case, today)
    retention_items_approve(
        user=demo_user(Role.DATA_PROTECTION_OFFICER), site=case.site, item_ids=[item.pk], today=today
    )
    assert RetentionItem.objects.get(pk=item.pk).status == ItemStatus.ANONYMISED
    marked_at = Referral.objects.get(pk=case.pk).anonymised_at
    # As the anonymiser before 2026-12-07 left them: these were not cleared.
    for referral in (case, living):
        Referral.objects.filter(pk=referral.pk).update(
            social_worker_name="Priya Shah", social_worker_email="priya.shah@example.gov.uk"
        )
        Decision.objects.filter(referral=referral).update(best_interests=BEST_INTERESTS)
    LeadSocialWorker.objects.create(
        child_id=case.child_id,
        name="Priya Shah",
        email="priya.shah@example.gov.uk",
        recorded_by=demo_user(Role.COORDINATOR),
        starts_at=timezone.now(),
    )

    migrate_to(BEFORE)
    migrate_to()

    anonymised = Referral.objects.get(pk=case.pk)
    assert (anonymised.social_worker_name, anonymised.social_worker_email) == ("", "")
    assert set(Decision.objects.filter(referral=case).values_list("best_interests", flat=True)) == {""}
    [worker] = LeadSocialWorker.objects.filter(child_id=case.child_id)
    assert (worker.name, worker.email) == ("Anonymised", "") and worker.ends_at is not None
    assert anonymised.anonymised_at == marked_at  # when it was anonymised stays
    kept = Referral.objects.get(pk=living.pk)
    assert (kept.social_worker_name, kept.social_worker_email) == ("Priya Shah", "priya.shah@example.gov.uk")
    assert set(Decision.objects.filter(referral=living).values_list("best_interests", flat=True)) == {BEST_INTERESTS}
