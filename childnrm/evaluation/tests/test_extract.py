"""The record-level evaluation extract on a known dataset: every released column of each case checked against
values worked out here, pseudonyms by the documented HMAC, nothing finer than a month, no free text, small groups
generalised and flagged, and the rows built in a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pycountry
import pytest

from childnrm.core.tests.queries import CountedQueries
from childnrm.evaluation import extract
from childnrm.evaluation.extract import case_sources, columns_for, extract_rows, protect
from childnrm.evaluation.models import FieldGroup
from childnrm.evaluation.regions import REGION_OF
from childnrm.evaluation.tests.factories import (
    another_agreement,
    case_source,
    demo_agreement,
    known_cases,
    many_cases,
    pseudonym,
)
from childnrm.people.models import Child

pytestmark = pytest.mark.django_db


def age_at(born: date, day: date) -> int:
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def as_csv(header, rows) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(extract.csv_bytes(header, rows).decode())))


def local_day(moment) -> date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_every_column_of_a_known_dataset(demo):
    cases = known_cases()
    agreement = demo_agreement()
    header, rows = extract_rows(case_sources([agreement.site_id]), salt=agreement.salt, field_groups=FieldGroup.values)
    by_case = {row["case_pseudonym"]: row for row in as_csv(header, rows)}
    assert len(by_case) == 4

    decided = by_case[pseudonym(agreement.salt, "case", cases.decided.pk)]
    referred_on = local_day(cases.decided.submitted_at)
    born = cases.decided.child.date_of_birth
    assert decided["child_pseudonym"] == pseudonym(agreement.salt, "child", cases.decided.child_id)
    assert decided["site"] == "northbridge"
    assert decided["referral_month"] == referred_on.strftime("%Y-%m")
    assert decided["referral_source"] == "web"
    assert decided["first_responder_type"] == "police"
    assert decided["route"] == "panel"
    assert decided["case_status"] == "accepted"
    assert decided["sex"] == "male"
    age = age_at(born, referred_on)
    assert decided["age_band"] == {13: "10-13", 14: "14-15"}[age]
    assert decided["ethnicity"] == "white_british"
    assert decided["exploitation_types"] == "criminal"
    assert decided["exploitation_group"] == "criminal"
    assert decided["county_lines"] == "yes"
    assert decided["exploitation_location"] == "uk"
    assert decided["rg_outcome"] == "positive"
    assert decided["rg_month"] == cases.rg.decided_on.strftime("%Y-%m")
    assert decided["rg_days"] == str((cases.rg.decided_on - referred_on).days)
    assert decided["rg_on_reconsideration"] == "no"
    assert decided["plan_agreed_at_sitting"] == "yes"
    assert decided["cg_outcome"] == "positive"
    assert decided["cg_month"] == cases.cg.decided_on.strftime("%Y-%m")
    assert decided["cg_days"] == str((cases.cg.decided_on - referred_on).days)
    assert decided["review_3m_recorded"] == "yes"
    assert decided["review_3m_placement_stability"] == "stable"
    assert decided["review_3m_went_missing"] == "no"
    assert decided["review_3m_occupation"] == "full_time_education"
    assert decided["review_6m_recorded"] == ""
    assert decided["missing_episodes"] == "1"

    sca = by_case[pseudonym(agreement.salt, "case", cases.sca.pk)]
    assert (sca["route"], sca["case_status"], sca["rg_outcome"], sca["cg_outcome"]) == ("sca", "handed_off", "", "")
    assert sca["exploitation_group"] == "domestic_servitude"
    assert sca["sex"] == "female"

    # The two records of the same girl, linked: one person, two cases.
    waiting = by_case[pseudonym(agreement.salt, "case", cases.waiting.pk)]
    duplicate = by_case[pseudonym(agreement.salt, "case", cases.duplicate.pk)]
    person = pseudonym(agreement.salt, "child", min(cases.waiting.child_id, cases.duplicate.child_id))
    assert waiting["child_pseudonym"] == duplicate["child_pseudonym"] == person
    assert waiting["route"] == "awaiting_triage"
    assert waiting["exploitation_types"] == "labour;sexual"
    assert waiting["exploitation_group"] == "multiple"
    assert waiting["age_band"] == "16-17"

    # Each combination of quasi-identifiers here is rarer than five: nationalities go to their region, and every
    # row is still flagged.
    assert {row["nationality"] for row in by_case.values()} == {"United Kingdom", "Asia", "Europe"}
    assert waiting["nationality"] == "Europe" and sca["nationality"] == "Asia"
    assert all(row["nationality_generalised"] == "yes" and row["small_group"] == "yes" for row in by_case.values())


def test_records_linked_through_a_record_another_site_holds_are_one_person(demo):
    """Links are transitive (ADR 0034), and a chain may pass through a record the extract's sites do not hold."""
    from childnrm.accounts.models import Role
    from childnrm.people.models import ChildLinkDecision, LinkStatus
    from childnrm.referrals.tests.factories import submitted_referral
    from conftest import demo_user

    agreement = demo_agreement()
    elsewhere = submitted_referral("three-rivers")  # the lowest id: the first record of both links
    here = [submitted_referral("northbridge") for _ in range(2)]
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    for referral in here:
        ChildLinkDecision.objects.create(
            child_a=elsewhere.child, child_b=referral.child, status=LinkStatus.LINKED, decided_by=coordinator
        )
    header, rows = extract_rows(case_sources([agreement.site_id]), salt=agreement.salt, field_groups=FieldGroup.values)
    by_case = {row["case_pseudonym"]: row for row in as_csv(header, rows)}
    assert len(by_case) == 2
    person = pseudonym(agreement.salt, "child", elsewhere.child_id)
    assert [by_case[pseudonym(agreement.salt, "case", r.pk)]["child_pseudonym"] for r in here] == [person, person]


def test_nothing_finer_than_a_month_and_no_free_text_or_names(demo):
    cases = known_cases()
    agreement = demo_agreement()
    header, rows = extract_rows(case_sources([agreement.site_id]), salt=agreement.salt, field_groups=FieldGroup.values)
    text = extract.csv_bytes(header, rows).decode()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "Found carrying drugs" not in text  # the referral's account
    assert "I like my foster carers" not in text  # the young person's own words
    for child in Child.objects.filter(site__slug="northbridge"):
        assert child.reference not in text
        assert child.family_name not in text
    for referral in (cases.decided, cases.sca, cases.waiting):
        assert referral.reference not in text


def test_pseudonyms_are_stable_within_an_agreement_and_differ_between_agreements(demo):
    cases = known_cases()
    first, second = demo_agreement(), another_agreement()
    sources = case_sources([first.site_id])
    once = extract_rows(sources, salt=first.salt, field_groups=[])
    again = extract_rows(case_sources([first.site_id]), salt=first.salt, field_groups=[])
    other = extract_rows(sources, salt=second.salt, field_groups=[])
    assert once == again
    assert once[0] == other[0] == ["child_pseudonym", "case_pseudonym", "small_group"]
    ours = {cell for row in once[1] for cell in row[:2]}
    theirs = {cell for row in other[1] for cell in row[:2]}
    assert ours and not ours & theirs
    assert pseudonym(second.salt, "case", cases.sca.pk) in theirs


def test_the_agreement_s_field_groups_decide_the_columns():
    assert columns_for([FieldGroup.CHILD]) == [
        "child_pseudonym",
        "case_pseudonym",
        "sex",
        "age_band",
        "nationality",
        "nationality_generalised",
        "small_group",
    ]
    everything = columns_for(FieldGroup.values)
    assert "ethnicity" in everything and "ethnicity" not in columns_for([FieldGroup.CHILD, FieldGroup.CASE])
    assert len(everything) == len(set(everything))


def test_small_groups_are_generalised_then_flagged_if_still_small():
    # Five British boys alike are a group of five: kept as they are. One Albanian boy alike goes to Europe, alone.
    sources = [case_source(i, nationality="GB") for i in range(5)] + [case_source(5, nationality="AL")]
    # Four Albanian girls and one Romanian girl, otherwise alike: each rare, together five Europeans.
    sources += [case_source(10 + i, nationality="AL", sex="female") for i in range(4)] + [
        case_source(14, nationality="RO", sex="female")
    ]
    result = protect(sources)
    assert {result[i].nationality for i in range(5)} == {"GB"}
    assert not any(result[i].generalised or result[i].small_group for i in range(5))
    assert (result[5].nationality, result[5].generalised, result[5].small_group) == ("Europe", True, True)
    assert {(result[i].nationality, result[i].generalised, result[i].small_group) for i in range(10, 15)} == {
        ("Europe", True, False)
    }


def test_every_country_has_a_region():
    assert {c.alpha_2 for c in pycountry.countries} <= set(REGION_OF)


def test_the_rows_take_the_same_queries_for_many_cases_as_for_few(demo):
    known_cases()
    site_id = demo_agreement().site_id
    with CountedQueries() as few:
        small = case_sources([site_id])
    many_cases("northbridge", 12)
    with CountedQueries() as many:
        large = case_sources([site_id])
    assert len(large) == len(small) + 12
    assert len(many) == len(few) <= 6
