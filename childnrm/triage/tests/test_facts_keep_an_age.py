"""Correcting the facts keeps a date of birth or an estimated age, as every referral has one (`rules.NO_AGE`).

A coordinator's correction could clear both, leaving a case no rule can place by age. It is refused, on the page
with what the coordinator typed kept, and by the service; a referral imported from the Home Office form, which may
come without either (ADR 0007), can still have its other facts corrected.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from childnrm.accounts.models import Role
from childnrm.referrals.models import Referral, ReferralSource
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import Facts, TriageInvalid, triage_correct_facts
from conftest import demo_user

SAID = "Enter the child's date of birth, or how old you think they are"


def _facts(referral: Referral, **changes) -> Facts:
    return Facts(**{**asdict(Facts.of(referral)), **changes})


@pytest.fixture
def coordinator_user(demo):
    return demo_user(Role.COORDINATOR, "northbridge")


@pytest.mark.parametrize(
    "before",
    [{"age_disputed": True}, {"date_of_birth": None, "estimated_age_years": 15}],
    ids=["a date of birth", "an estimated age"],
)
def test_the_service_refuses_clearing_both_the_date_of_birth_and_the_estimated_age(coordinator_user, before):
    referral = submitted_referral("northbridge", **before)
    kept = (referral.date_of_birth, referral.estimated_age_years)
    with pytest.raises(TriageInvalid) as refused:
        triage_correct_facts(
            referral=referral,
            user=coordinator_user,
            facts=_facts(referral, date_of_birth=None, date_of_birth_estimated=False, estimated_age_years=None),
            reason="The age assessment found the date of birth was wrong.",
        )
    assert (refused.value.field, str(refused.value)) == ("date_of_birth", SAID)
    referral.refresh_from_db()
    assert (referral.date_of_birth, referral.estimated_age_years) == kept
    assert referral.triage_assessments.count() == 1


def test_the_page_refuses_clearing_both_and_keeps_what_was_typed(client_as):
    referral = submitted_referral("northbridge", age_disputed=True)
    born = referral.date_of_birth
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    answers = {
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
        "estimated_age_years": "",
        "age_doubts": ["age_uncertain"],
        "public_order_disqualification": "yes",
        "reason": "The age assessment was withdrawn; a public-order disqualification is now considered.",
    }
    response = coordinator.post(f"/referrals/{referral.reference}/triage/facts/", answers)
    assert response.status_code == 200
    page = response.content.decode().replace("&#39;", "'")
    assert "There is a problem" in page and SAID in page
    assert 'href="#id_date_of_birth_day"' in page  # the summary links to the date's first box
    # Everything typed comes back as typed.
    assert answers["reason"] in page
    assert 'value="age_uncertain" checked' in page and 'value="age_disputed" checked' not in page
    assert 'value="yes" checked' in page
    assert f'value="{born.year}"' not in page  # the date boxes stay as left: blank
    referral.refresh_from_db()
    assert referral.date_of_birth == born and referral.age_disputed and not referral.public_order_disqualification
    assert referral.triage_assessments.count() == 1


def test_a_home_office_form_referral_without_an_age_can_still_have_its_other_facts_corrected(coordinator_user):
    referral = submitted_referral("northbridge", public_order_disqualification=True)
    # As imported from the Home Office form, whose date of birth is optional (set here as the import leaves it).
    Referral.objects.filter(pk=referral.pk).update(source=ReferralSource.HOME_OFFICE_FORM, date_of_birth=None)
    referral.refresh_from_db()
    fresh = triage_correct_facts(
        referral=referral,
        user=coordinator_user,
        facts=_facts(referral, public_order_disqualification=False),
        reason="The Home Office is not pursuing the public-order disqualification.",
    )
    assert fresh.outcome == TriageOutcome.SCA  # the age is still not known
    referral.refresh_from_db()
    assert referral.public_order_disqualification is False and referral.date_of_birth is None
