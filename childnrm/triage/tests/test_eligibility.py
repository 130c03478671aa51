"""The eligibility engine on the edges the rules draw: the 100-day line, leap days, estimated ages, areas."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from childnrm.accounts.models import Organisation, OrganisationType, Site
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage import eligibility
from childnrm.triage.eligibility import assess, eighteenth_birthday
from childnrm.triage.models import TriageOutcome

REFERRED = date(2026, 6, 1)


def la(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


NORTHBRIDGE_LA = "Northbridge City Council"
EASTWICK = "Eastwick Borough Council"
WESTHOLM = "Westholm County Council"


def referral(**fields) -> Referral:
    """An unsaved referral of a child living in Northbridge, 14 on the day of referral, unless told otherwise."""
    defaults = {"date_of_birth": date(2012, 3, 10), "residence_local_authority": la(NORTHBRIDGE_LA)}
    return Referral(**{**defaults, **fields})


def dob_for_days_before_18(days: int, on: date = REFERRED) -> date:
    birthday = on + timedelta(days=days)
    return birthday.replace(year=birthday.year - 18)


@pytest.fixture
def northbridge(demo) -> Site:
    return Site.objects.get(slug="northbridge")


@pytest.fixture
def three_rivers(demo) -> Site:
    return Site.objects.get(slug="three-rivers")


# The 100-day line -----------------------------------------------------------------------------


def test_exactly_100_days_before_the_18th_birthday_goes_to_the_sca(northbridge):
    result = assess(referral(date_of_birth=dob_for_days_before_18(100)), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert result.site == northbridge  # the area's coordinator sends the case on
    assert result.target_site is None
    assert "turns 18 on 9 September 2026, 100 days after the referral on 1 June 2026" in result.reasons[0]
    assert result.reasons[-1] == (
        "The Single Competent Authority decides, because the child turns 18 within 100 days of the referral."
    )


def test_101_days_before_the_18th_birthday_the_panel_decides(northbridge):
    result = assess(referral(date_of_birth=dob_for_days_before_18(101)), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.PANEL
    assert result.site == result.target_site == northbridge
    assert "101 days after the referral on 1 June 2026: more than 100 days." in result.reasons[0]
    assert result.reasons[-1] == "Northbridge Child Panel may decide: every rule for a panel decision is met."


@pytest.mark.parametrize("days", [0, -1, -400])
def test_a_child_18_or_over_on_the_day_of_referral_goes_to_the_sca(northbridge, days):
    result = assess(referral(date_of_birth=dob_for_days_before_18(days)), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert "the child was 18 or over when referred" in result.reasons[-1]


def test_the_day_of_referral_is_the_uk_day_not_the_utc_day(northbridge):
    # 23:30 UTC on 31 May is 00:30 BST on 1 June: the referral was made on 1 June.
    late = referral(date_of_birth=dob_for_days_before_18(101), submitted_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    assert eligibility.referral_date(late) == REFERRED
    assert assess(late, receiving_site=northbridge).outcome == TriageOutcome.PANEL


# Leap-day birthdays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "eighteen"),
    [
        (date(2008, 2, 29), date(2026, 3, 1)),  # 18 years after a leap year is never a leap year
        (date(2012, 2, 29), date(2030, 3, 1)),
        (date(2008, 2, 28), date(2026, 2, 28)),
        (date(2008, 3, 1), date(2026, 3, 1)),
        (date(2010, 12, 31), date(2028, 12, 31)),
    ],
)
def test_eighteenth_birthday(born, eighteen):
    assert eighteenth_birthday(born) == eighteen


def test_a_leap_day_birthday_counts_from_1_march(northbridge):
    born = date(2008, 2, 29)  # 18 on 1 March 2026
    on_day_101 = date(2025, 11, 20)  # 101 days before 1 March 2026
    assert (date(2026, 3, 1) - on_day_101).days == 101
    assert assess(referral(date_of_birth=born), receiving_site=northbridge, on=on_day_101).outcome == "panel"
    day_100 = on_day_101 + timedelta(days=1)
    result = assess(referral(date_of_birth=born), receiving_site=northbridge, on=day_100)
    assert result.outcome == TriageOutcome.SCA
    assert "turns 18 on 1 March 2026, 100 days after" in result.reasons[0]


# Estimated and uncertain ages -----------------------------------------------------------------


def test_an_estimated_date_of_birth_is_used_and_said_to_be_estimated(northbridge):
    result = assess(
        referral(date_of_birth=dob_for_days_before_18(200), date_of_birth_estimated=True),
        receiving_site=northbridge,
        on=REFERRED,
    )
    assert result.outcome == TriageOutcome.PANEL
    assert result.reasons[0].startswith("On the estimated date of birth given")


def test_an_estimated_date_of_birth_close_to_18_goes_to_the_sca(northbridge):
    result = assess(
        referral(date_of_birth=dob_for_days_before_18(60), date_of_birth_estimated=True),
        receiving_site=northbridge,
        on=REFERRED,
    )
    assert result.outcome == TriageOutcome.SCA


@pytest.mark.parametrize("estimated_age", [12, 17])
def test_an_undisputed_estimated_age_is_treated_like_an_estimated_date_of_birth(northbridge, estimated_age):
    result = assess(
        referral(date_of_birth=None, estimated_age_years=estimated_age), receiving_site=northbridge, on=REFERRED
    )
    assert result.outcome == TriageOutcome.PANEL
    assert result.reasons[0] == (
        f"Only an estimated age ({estimated_age}) is known, not a date of birth. An estimated age is treated like "
        f"an estimated date of birth: the child is taken to have turned {estimated_age} on the day of referral, so "
        f"to have been born on 1 June {2026 - estimated_age}."
    )
    birthday = f"1 June {2026 - estimated_age + 18}"
    assert result.reasons[1].startswith(
        f"On the date of birth taken from the estimated age (1 June {2026 - estimated_age}), the child turns 18 on "
        f"{birthday}"
    )


def test_the_same_child_routes_the_same_by_estimated_age_or_estimated_date_of_birth(northbridge):
    """Today's referral of a child thought to be 15: the same outcome whichever way the age was entered."""
    by_age = assess(referral(date_of_birth=None, estimated_age_years=15), receiving_site=northbridge, on=REFERRED)
    by_date = assess(
        referral(date_of_birth=date(2011, 6, 1), date_of_birth_estimated=True), receiving_site=northbridge, on=REFERRED
    )
    assert by_age.outcome == by_date.outcome == TriageOutcome.PANEL


def test_an_estimated_age_of_17_is_more_than_100_days_from_18_and_of_18_is_not(northbridge):
    seventeen = assess(referral(date_of_birth=None, estimated_age_years=17), receiving_site=northbridge, on=REFERRED)
    assert seventeen.outcome == TriageOutcome.PANEL
    assert "turns 18 on 1 June 2027, 365 days after the referral on 1 June 2026" in seventeen.reasons[1]
    eighteen = assess(referral(date_of_birth=None, estimated_age_years=18), receiving_site=northbridge, on=REFERRED)
    assert eighteen.outcome == TriageOutcome.SCA
    assert eighteen.reasons[-1].endswith("because the child was 18 or over when referred.")


def test_an_estimated_age_on_29_february_reads_as_born_on_28_february(northbridge):
    assert eligibility.birth_date_from_estimated_age(17, date(2028, 2, 29)) == date(2011, 2, 28)
    result = assess(
        referral(date_of_birth=None, estimated_age_years=17), receiving_site=northbridge, on=date(2028, 2, 29)
    )
    assert "turns 18 on 28 February 2029, 365 days after" in result.reasons[1]


@pytest.mark.parametrize("flag", ["age_disputed", "age_uncertain"])
def test_a_disputed_or_uncertain_estimated_age_still_goes_to_the_sca(northbridge, flag):
    result = assess(
        referral(date_of_birth=None, estimated_age_years=14, **{flag: True}), receiving_site=northbridge, on=REFERRED
    )
    assert result.outcome == TriageOutcome.SCA
    assert eligibility.hard_exclusions(referral(date_of_birth=None, estimated_age_years=14, **{flag: True}), REFERRED)


def test_hard_exclusions_name_every_rule_but_not_the_area(northbridge):
    on = REFERRED
    assert eligibility.hard_exclusions(referral(), on) == []
    assert eligibility.hard_exclusions(referral(residence_local_authority=None), on) == []  # area: not a hard rule
    assert eligibility.hard_exclusions(referral(date_of_birth=dob_for_days_before_18(100)), on) == [
        "the child turns 18 within 100 days of the referral"
    ]
    assert eligibility.hard_exclusions(referral(date_of_birth=dob_for_days_before_18(101)), on) == []
    assert eligibility.hard_exclusions(referral(date_of_birth=None), on) == ["the child's age is not known"]
    assert eligibility.hard_exclusions(referral(age_disputed=True, public_order_disqualification=True), on) == [
        "the child's age is disputed",
        "a public-order disqualification is being considered",
    ]


def test_no_age_at_all_goes_to_the_sca(northbridge):
    result = assess(referral(date_of_birth=None), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert result.reasons[0] == "Neither a date of birth nor an estimated age is known, so the age is uncertain."


@pytest.mark.parametrize(
    ("flag", "words"),
    [("age_disputed", "the child's age is disputed"), ("age_uncertain", "the child's age is uncertain")],
)
def test_a_disputed_or_uncertain_age_goes_to_the_sca_even_with_a_date_of_birth(northbridge, flag, words):
    result = assess(referral(**{flag: True}), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert result.reasons[-1] == f"The Single Competent Authority decides, because {words}."


def test_every_reason_is_given_not_only_the_first(northbridge):
    result = assess(
        referral(age_disputed=True, public_order_disqualification=True), receiving_site=northbridge, on=REFERRED
    )
    assert result.reasons[-1] == (
        "The Single Competent Authority decides, because the child's age is disputed and a public-order "
        "disqualification is being considered."
    )
    assert "A public-order disqualification is being considered." in result.reasons


def test_public_order_disqualification_goes_to_the_sca(northbridge):
    result = assess(referral(public_order_disqualification=True), receiving_site=northbridge, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert result.site == northbridge


# Areas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("authority", [EASTWICK, WESTHOLM])
def test_a_child_living_in_either_authority_of_a_consortium_belongs_to_it(three_rivers, authority):
    result = assess(referral(residence_local_authority=la(authority)), receiving_site=three_rivers, on=REFERRED)
    assert result.outcome == TriageOutcome.PANEL
    assert result.site == three_rivers
    assert f"The child lives in {authority}, which is in the area of Three Rivers Consortium Panel." in result.reasons


def test_where_the_child_lives_wins_over_where_they_were_referred(northbridge, three_rivers):
    result = assess(
        referral(residence_local_authority=la(EASTWICK), found_local_authority=la(NORTHBRIDGE_LA)),
        receiving_site=northbridge,
        on=REFERRED,
    )
    assert result.outcome == TriageOutcome.OTHER_SITE
    assert result.site == northbridge  # held where it was sent until the coordinator transfers it
    assert result.target_site == three_rivers
    assert result.reasons[-1] == (
        "Three Rivers Consortium Panel decides, not Northbridge Child Panel where the referral was sent: "
        "transfer it to Three Rivers Consortium Panel with the case packet."
    )


def test_a_referral_sent_straight_to_the_right_site_is_for_its_panel(three_rivers):
    result = assess(referral(residence_local_authority=la(WESTHOLM)), receiving_site=None, on=REFERRED)
    assert (result.outcome, result.site, result.target_site) == (TriageOutcome.PANEL, three_rivers, three_rivers)


def test_a_child_living_outside_every_area_but_referred_in_one_belongs_to_that_site(northbridge, three_rivers):
    elsewhere = Organisation.objects.create(name="Farshire Council", type=OrganisationType.LOCAL_AUTHORITY)
    result = assess(
        referral(residence_local_authority=elsewhere, found_local_authority=la(WESTHOLM)),
        receiving_site=three_rivers,
        on=REFERRED,
    )
    assert result.outcome == TriageOutcome.PANEL
    assert result.site == three_rivers
    assert (
        "The child lives in Farshire Council, which no panel site covers; they were referred in Westholm County "
        "Council, in the area of Three Rivers Consortium Panel." in result.reasons
    )


def test_out_of_area_goes_to_the_sca_sent_by_the_site_that_received_it(northbridge):
    elsewhere = Organisation.objects.create(name="Farshire Council", type=OrganisationType.LOCAL_AUTHORITY)
    result = assess(
        referral(residence_local_authority=elsewhere, found_local_authority=None),
        receiving_site=northbridge,
        on=REFERRED,
    )
    assert result.outcome == TriageOutcome.SCA
    assert result.site == northbridge
    assert result.reasons[-1] == (
        "The Single Competent Authority decides, because the child neither lives nor was referred in a panel "
        "site's area."
    )


def test_an_inactive_site_covers_no_area(northbridge):
    Site.objects.filter(pk=northbridge.pk).update(active=False)
    result = assess(referral(), receiving_site=None, on=REFERRED)
    assert result.outcome == TriageOutcome.SCA
    assert result.site is None


# Through the submit service ------------------------------------------------------------------


def test_submitting_records_the_engines_outcome_and_reasons(demo):
    submitted = submitted_referral("northbridge")
    assessment = submitted.triage_assessments.get()
    assert assessment.outcome == TriageOutcome.PANEL
    assert assessment.rules_version == eligibility.RULES_VERSION
    assert assessment.reasons[-1] == "Northbridge Child Panel may decide: every rule for a panel decision is met."
    assert submitted.site.slug == "northbridge"


def test_a_referral_for_a_child_of_another_site_waits_where_it_was_sent(demo):
    submitted = submitted_referral("northbridge", residence_local_authority=la(EASTWICK))
    assessment = submitted.triage_assessments.get()
    assert assessment.outcome == TriageOutcome.OTHER_SITE
    assert submitted.site.slug == "northbridge"
    assert eligibility.suggested_site(submitted, assessment).slug == "three-rivers"
