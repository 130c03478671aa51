"""The extract's small groups are counted over what the file releases: a released ethnicity (special category data)
or referral month can single a child out, so it is a quasi-identifier; a group not released is not."""

from __future__ import annotations

import csv
import io
from datetime import date

from childnrm.evaluation.extract import (
    DEFAULT_QUASI_IDENTIFIERS,
    CaseSource,
    csv_bytes,
    extract_rows,
    protect,
    quasi_identifiers_for,
)
from childnrm.evaluation.htcds import htcds_rows
from childnrm.evaluation.models import FieldGroup
from childnrm.evaluation.tests.factories import case_source

SALT = "00" * 32


def small_groups(sources: list[CaseSource], groups: list[str]) -> dict[str, str]:
    """Case pseudonym order aside: referral id -> the row's small_group, from the file as released."""
    header, rows = extract_rows(sources, salt=SALT, field_groups=groups)
    released = list(csv.DictReader(io.StringIO(csv_bytes(header, rows).decode())))
    return {str(s.referral_id): row["small_group"] for s, row in zip(sources, released, strict=True)}


def test_a_child_alone_in_their_ethnicity_is_a_small_group_when_ethnicity_is_released():
    # Six boys alike in everything the default set counts; one of them is the only Black African child.
    sources = [case_source(i) for i in range(5)] + [case_source(5, ethnicity="black_african")]
    without = [FieldGroup.CASE, FieldGroup.CHILD, FieldGroup.EXPLOITATION]
    assert set(small_groups(sources, without).values()) == {"no"}
    flagged = small_groups(sources, [*without, FieldGroup.ETHNICITY])
    assert flagged["5"] == "yes"
    assert [flagged[str(i)] for i in range(5)] == ["no"] * 5


def test_a_child_alone_in_their_month_of_referral_is_a_small_group_when_the_month_is_released():
    sources = [case_source(i) for i in range(5)] + [case_source(5, referred_on=date(2026, 3, 9))]
    assert small_groups(sources, [FieldGroup.CHILD, FieldGroup.EXPLOITATION])["5"] == "no"
    assert small_groups(sources, [FieldGroup.CASE, FieldGroup.CHILD, FieldGroup.EXPLOITATION])["5"] == "yes"


def test_the_quasi_identifiers_follow_the_groups_released():
    assert quasi_identifiers_for([FieldGroup.CHILD]) == ("nationality", "sex", "age_band")
    assert quasi_identifiers_for(FieldGroup.values) == (
        "site",
        "referral_month",
        "referral_source",
        "first_responder_type",
        "nationality",
        "sex",
        "age_band",
        "ethnicity",
        "exploitation_types",
        "county_lines",
        "exploitation_location",
        "rg_month",
        "cg_month",
        "missing_episodes",
    )
    # Sex not released: a girl among boys is not singled out by it.
    sources = [case_source(i) for i in range(5)] + [case_source(5, sex="female")]
    assert small_groups(sources, [FieldGroup.CASE, FieldGroup.EXPLOITATION])["5"] == "no"
    assert small_groups(sources, [FieldGroup.CASE, FieldGroup.CHILD])["5"] == "yes"
    # Nationality is generalised only when it is released and counted.
    rare = [case_source(i) for i in range(5)] + [case_source(5, nationality="AL")]
    assert protect(rare, ("ethnicity",))[5].generalised is False
    assert protect(rare, DEFAULT_QUASI_IDENTIFIERS)[5].generalised is True


def test_the_htcds_export_counts_its_month_of_referral():
    sources = [case_source(i) for i in range(5)] + [case_source(5, referred_on=date(2026, 3, 9))]
    header, rows = htcds_rows(sources, salt=SALT)
    flags = [dict(zip(header, row, strict=True))["x_SmallGroup"] for row in rows]
    assert flags == ["no"] * 5 + ["yes"]


def test_a_child_alone_in_what_the_exploitation_group_released_says_is_a_small_group():
    # Five children sexually and criminally exploited in the UK, referred by the police; one sexually exploited and
    # for organ harvesting, abroad, referred by a charity. The coarse group says "multiple" for all six, but the
    # file also releases the full combination, where it happened and who referred: the sixth is alone.
    alike = dict(exploitation_types=["sexual", "criminal"], county_lines=False)
    sources = [case_source(i, **alike) for i in range(5)] + [
        case_source(5, exploitation_types=["sexual", "organ_harvesting"], county_lines=False)
    ]
    groups = [FieldGroup.CASE, FieldGroup.CHILD, FieldGroup.EXPLOITATION]
    assert small_groups(sources, groups)["5"] == "yes"
    where = [case_source(i, **alike) for i in range(5)] + [case_source(5, **alike, exploitation_location="overseas")]
    assert small_groups(where, groups)["5"] == "yes"
    who = [case_source(i, **alike) for i in range(5)] + [case_source(5, **alike, referrer_type="ngo")]
    assert small_groups(who, groups)["5"] == "yes"
    assert [small_groups(who, groups)[str(i)] for i in range(5)] == ["no"] * 5


def test_a_child_alone_in_how_they_were_referred_or_how_often_they_went_missing_is_a_small_group():
    # Whoever sent the only Home Office form of the month knows it was theirs; the police who looked for the only
    # child missing three times know who that is. Both columns are released, so both are counted.
    groups = [FieldGroup.CASE, FieldGroup.CHILD]
    form = [case_source(i) for i in range(5)] + [case_source(5, source="home_office_form")]
    assert small_groups(form, groups)["5"] == "yes"
    assert [small_groups(form, groups)[str(i)] for i in range(5)] == ["no"] * 5
    missing = [case_source(i) for i in range(5)] + [case_source(5, missing_episodes=3)]
    assert small_groups(missing, groups)["5"] == "no"  # the outcomes not released: the count is not in the file
    assert small_groups(missing, [*groups, FieldGroup.OUTCOMES])["5"] == "yes"
