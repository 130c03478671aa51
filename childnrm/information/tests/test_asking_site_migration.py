"""Requests made before the asking site was kept get it from their creation's audit event (the case's site when it
was asked), else from their case's site (migration information 0005)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.migrations import migrate_to
from childnrm.handovers.services import case_transfer
from childnrm.information import services
from childnrm.information.models import InformationRequest, LawfulBasis
from childnrm.panels.models import Agency
from childnrm.panels.tests.factories import accepted_referral
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("information", "0004_lawful_bases_of_every_nation")]


def test_a_request_asked_before_its_case_moved_keeps_the_site_that_asked(demo):
    moved = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    asked = services.information_request_create(
        referral=moved,
        user=coordinator,
        organisation=coordinator.organisation,
        agency=Agency.SOCIAL_CARE,
        question="What is known of the family?",
        purpose="To decide reasonable grounds",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        lawful_basis_detail="UK GDPR Article 6(1)(e) with DPA 2018 Schedule 1 paragraph 18",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    three_rivers = Site.objects.get(slug="three-rivers")
    case_transfer(child=moved.child, user=coordinator, destination="site", to_site=three_rivers, reason="Moved")
    # A request written without an audit event (as the demo writes them): its case's site.
    unaudited = InformationRequest.objects.create(
        referral=accepted_referral("three-rivers"),
        organisation=coordinator.organisation,
        agency=Agency.SOCIAL_CARE,
        question="Q",
        purpose="P",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        lawful_basis_detail="Stated in full",
        due_on=timezone.localdate(),
        requested_by=coordinator,
    )
    migrate_to(BEFORE)
    migrate_to()
    asked.refresh_from_db()
    unaudited.refresh_from_db()
    assert asked.asking_site.slug == "northbridge" and asked.referral.site == three_rivers
    assert services.ended_with_case(asked)
    assert unaudited.asking_site == three_rivers and not services.ended_with_case(unaudited)
