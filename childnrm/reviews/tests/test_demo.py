"""The reviews demo loader builds on the site's final decisions, once."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role, Site
from childnrm.demo.compose import load_demo_data
from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_adds_a_reconsideration_and_a_return_with_a_finding_once(demo):
    f.final_decision("northbridge")
    load_demo_data(children_per_site=6)
    load_demo_data(children_per_site=6)
    site = Site.objects.get(slug="northbridge")
    assert ReconsiderationRequest.objects.filter(decision__referral__site=site).count() == 1
    sent = DecisionReturn.objects.get(site=site)
    assert QualityFinding.objects.get(decision_return=sent).recorded_by == f.site_user(Role.SCA_QUALITY_ASSURER)
    assert not DecisionReturn.objects.filter(site__slug="three-rivers").exists()
