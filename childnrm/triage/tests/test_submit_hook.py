"""Referrals cannot import triage (the layers): submitting runs the engine the triage app registered when ready."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.referrals.models import ReferralStatus
from childnrm.referrals.services import TRIAGE_ON_SUBMIT, register_triage_on_submit
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageAssessment
from childnrm.triage.services import first_triage


def test_the_triage_app_registers_its_engine_once():
    assert [first_triage] == TRIAGE_ON_SUBMIT
    register_triage_on_submit(first_triage)  # AppConfig.ready may run again: still one engine
    assert [first_triage] == TRIAGE_ON_SUBMIT


def test_a_submitted_referral_has_the_engines_first_assessment_and_is_held_by_its_site(demo):
    referral = submitted_referral("northbridge")
    assert referral.status == ReferralStatus.SUBMITTED and referral.site.slug == "northbridge"
    assessment = TriageAssessment.objects.get(referral=referral)
    assert (assessment.outcome, assessment.confirmed_at) == ("panel", None)
    assert assessment.reasons and assessment.rules_version
    assert referral.created_by.memberships.filter(role=Role.FIRST_RESPONDER).exists()
