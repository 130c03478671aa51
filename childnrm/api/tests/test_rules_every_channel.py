"""The referral's rules on the child's age and place (`referrals.rules`), refused alike by every channel.

The same answers are given to the web journey's question page, the API, the coordinator's correction of the facts
at triage (its page's form and its service) and the check before a referral is submitted; each refuses them by the
same rule, in its own words: the pages' `Rule.says`, the API's `RULE_WORDS` (English, by JSON field). The answers
just inside each bound are taken by every channel.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from childnrm.accounts.models import Organisation, Role
from childnrm.api.schemas import RULE_WORDS
from childnrm.api.tests.conftest import NORTHBRIDGE_LA_GSS, referral_payload
from childnrm.referrals import rules
from childnrm.referrals.forms import ChildForm, LocationForm
from childnrm.referrals.models import Referral, ReferralSource
from childnrm.referrals.services import missing_answers
from childnrm.triage.demo import submitted_referral
from childnrm.triage.forms import FactsForm
from childnrm.triage.services import Facts, TriageInvalid, triage_correct_facts
from conftest import demo_user


@dataclass(frozen=True)
class Age:
    """The child's age answers, as each channel is given them."""

    date_of_birth: date | None = None
    estimated_age_years: int | None = None
    # A date of birth this many days before the day the test runs: one fixed when the tests were collected is a day
    # out for a test run after midnight ("born today" was yesterday's date, and taken).
    days_ago: int | None = None

    @property
    def born(self) -> date | None:
        if self.days_ago is not None:
            return timezone.localdate() - timedelta(days=self.days_ago)
        return self.date_of_birth

    def web(self) -> dict[str, str]:
        born = self.born
        age = "" if self.estimated_age_years is None else str(self.estimated_age_years)
        return {
            "date_of_birth_day": str(born.day) if born else "",
            "date_of_birth_month": str(born.month) if born else "",
            "date_of_birth_year": str(born.year) if born else "",
            "estimated_age_years": age,
        }

    def api(self) -> dict[str, Any]:
        born = self.born
        return {"date_of_birth": born.isoformat() if born else None, "estimated_age_years": self.estimated_age_years}


AGE_REFUSED = [
    pytest.param(Age(days_ago=0), rules.BORN_TODAY_OR_LATER, id="born today"),
    pytest.param(Age(days_ago=-1), rules.BORN_TODAY_OR_LATER, id="born tomorrow"),
    pytest.param(Age(date(1899, 12, 31)), rules.BORN_TOO_EARLY, id="born before 1900"),
    pytest.param(Age(estimated_age_years=-1), rules.AGE_BELOW_ZERO, id="an estimated age below 0"),
    pytest.param(Age(estimated_age_years=26), rules.AGE_TOO_HIGH, id="an estimated age over 25"),
    pytest.param(Age(), rules.NO_AGE, id="neither a date of birth nor an estimated age"),
]
AGE_TAKEN = [
    pytest.param(Age(days_ago=1), id="born yesterday"),
    pytest.param(Age(date(1900, 1, 1)), id="born on 1 January 1900"),
    pytest.param(Age(estimated_age_years=0), id="an estimated age of 0"),
    pytest.param(Age(estimated_age_years=25), id="an estimated age of 25"),
]


def web_child_form(age: Age) -> ChildForm:
    return ChildForm({"given_names": "Minh", "sex": "male", **age.web()}, referral=Referral())


def facts_form(age: Age, referral: Referral) -> FactsForm:
    answers = {**age.web(), "public_order_disqualification": "no", "reason": "Age assessment concluded."}
    return FactsForm(answers, initial=FactsForm.initial_for(referral))


def corrected(referral: Referral, age: Age) -> Facts:
    answers = {"date_of_birth": age.born, "estimated_age_years": age.estimated_age_years}
    return Facts(**{**asdict(Facts.of(referral)), **answers, "date_of_birth_estimated": False})


@pytest.mark.parametrize(("age", "rule"), AGE_REFUSED)
def test_every_channel_refuses_the_same_age_answers_by_the_same_rule(api, age, rule):
    says = str(rule.says)
    assert web_child_form(age).errors[rule.field] == [says]

    response = api.post("/api/referrals", referral_payload(child=age.api()))
    assert response.status_code == 422, response.content
    field, message = RULE_WORDS[rule]
    assert {"field": field, "message": message} in response.json()["errors"]
    assert Referral.objects.count() == 0

    referral = submitted_referral("northbridge", age_disputed=True)
    assert facts_form(age, referral).errors[rule.field] == [says]
    with pytest.raises(TriageInvalid) as refused:
        triage_correct_facts(
            referral=referral,
            user=demo_user(Role.COORDINATOR, "northbridge"),
            facts=corrected(referral, age),
            reason="Age assessment concluded.",
        )
    assert (refused.value.field, str(refused.value)) == (rule.field, says)
    assert referral.triage_assessments.count() == 1


@pytest.mark.parametrize("age", AGE_TAKEN)
def test_every_channel_takes_the_age_answers_inside_the_bounds(api, age):
    assert web_child_form(age).is_valid()
    assert api.post("/api/referrals", referral_payload(child=age.api())).status_code == 201
    referral = submitted_referral("northbridge", age_disputed=True)
    form = facts_form(age, referral)
    assert form.is_valid(), form.errors
    triage_correct_facts(
        referral=referral,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        facts=corrected(referral, age),
        reason="Age assessment concluded.",
    )
    assert referral.triage_assessments.count() == 2


def test_the_check_before_submitting_asks_the_same_rules(demo):
    """What a referral must have: a date of birth or an estimated age (not on the Home Office form, which makes
    the date of birth optional), and where the child lives or was found."""
    authority = Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS)
    age_missing = "the child's date of birth or estimated age"
    place_missing = "where the child lives or where they were found"
    assert {age_missing, place_missing} <= set(missing_answers(Referral()))
    assert age_missing not in missing_answers(Referral(estimated_age_years=15))
    assert age_missing not in missing_answers(Referral(date_of_birth=timezone.localdate() - timedelta(days=1)))
    assert age_missing not in missing_answers(Referral(source=ReferralSource.HOME_OFFICE_FORM))
    assert place_missing not in missing_answers(Referral(found_local_authority=authority))
    assert place_missing not in missing_answers(Referral(residence_local_authority=authority))


def test_every_channel_refuses_a_referral_without_where_the_child_lives_or_was_found(api):
    rule = rules.NO_PLACE
    form = LocationForm({"address": "", "found_location": "A station"}, referral=Referral())
    assert form.errors == {rule.field: [str(rule.says)]}
    authority = Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS)
    assert LocationForm({"found_local_authority": str(authority.pk)}, referral=Referral()).is_valid()
    nowhere = {"residence_local_authority": None, "found_local_authority": None}
    response = api.post("/api/referrals", referral_payload(child=nowhere))
    assert response.status_code == 422, response.content
    field, message = RULE_WORDS[rule]
    assert response.json()["errors"] == [{"field": field, "message": message}]
    # Saved to come back to later, a page asks nothing a complete referral must have.
    assert LocationForm({}, referral=Referral(), partial=True).is_valid()
    assert ChildForm({}, referral=Referral(), partial=True).is_valid()


def test_the_pages_words_for_the_bound_follow_it_in_the_readers_language():
    with translation.override("cy"):
        assert str(rules.AGE_TOO_HIGH.says) == "Rhaid i’r oedran amcangyfrifedig fod yn 25 neu’n llai"
    assert str(rules.AGE_TOO_HIGH.says) == f"Estimated age must be {rules.OLDEST_ESTIMATED_AGE} or less"


def test_the_age_when_exploitation_started_has_the_same_bound_in_the_page_and_the_api(api):
    from childnrm.referrals.forms import ExploitationForm

    oldest = rules.OLDEST_ESTIMATED_AGE
    page = ExploitationForm({"age_at_exploitation": str(oldest + 1)}, referral=Referral(), partial=True)
    assert not page.is_valid()
    assert page.errors["age_at_exploitation"] == [f"Age when the exploitation started must be {oldest} or less"]
    with translation.override("cy"):
        welsh = ExploitationForm({"age_at_exploitation": str(oldest + 1)}, referral=Referral(), partial=True)
        assert welsh.errors["age_at_exploitation"] == [
            f"Rhaid i’r oedran pan ddechreuodd y camfanteisio fod yn {oldest} neu’n llai"
        ]
    assert ExploitationForm({"age_at_exploitation": str(oldest)}, referral=Referral(), partial=True).is_valid()
    response = api.post("/api/referrals", referral_payload(exploitation={"age_at_exploitation": oldest + 1}))
    assert response.status_code == 422, response.content
