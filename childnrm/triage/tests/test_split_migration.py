"""The triage models left the referrals app without a row moving (triage 0001, referrals 0009: state only).

A database migrated before the split (referrals at 0008, no triage app) has its assessments and hand-offs in
referrals_triageassessment and referrals_handoff; migrated forward, the same rows are the triage app's, read
through the same tables, and nothing is created, copied or dropped.
"""

from __future__ import annotations

import pytest
from django.db import connection

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.migrations import migrate_to
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import OnwardReferral, TriageAssessment
from conftest import demo_user

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_SPLIT = [("referrals", "0008_adult_consent_method_not_recorded"), ("triage", None)]


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_rows_written_before_the_split_are_the_triage_apps_after_it(demo):
    referral = submitted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    northbridge = Site.objects.get(slug="northbridge")
    tables = _tables()
    old = migrate_to(BEFORE_THE_SPLIT)
    try:
        assert "triage" not in {app_config.label for app_config in old.get_app_configs()}
        OldAssessment = old.get_model("referrals", "TriageAssessment")
        OldHandOff = old.get_model("referrals", "HandOff")
        assert OldAssessment._meta.db_table == TriageAssessment._meta.db_table == "referrals_triageassessment"
        assert OldHandOff._meta.db_table == OnwardReferral._meta.db_table == "referrals_handoff"
        before = OldAssessment.objects.get(referral_id=referral.pk)
        sent = OldHandOff.objects.create(
            referral_id=referral.pk,
            outcome="sca",
            from_site_id=northbridge.pk,
            produced_by_id=coordinator.pk,
            packet={"handoff": {"to": "Home Office Single Competent Authority"}},
            sha256="0" * 64,
        )
    finally:
        migrate_to()

    assert _tables() == tables  # no table made, renamed or dropped either way
    assessment = TriageAssessment.objects.get(referral=referral)
    assert (assessment.pk, assessment.outcome, assessment.reasons) == (before.pk, before.outcome, before.reasons)
    onward = referral.onward_referrals.get()
    assert (onward.pk, onward.outcome, onward.from_site) == (sent.pk, "sca", northbridge)
    assert onward.produced_by == coordinator
    assert onward.packet == {"handoff": {"to": "Home Office Single Competent Authority"}}
