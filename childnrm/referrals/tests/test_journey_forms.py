"""The question pages' validation: real dates, GOV.UK messages, the answers a section needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from childnrm.accounts.models import Organisation
from childnrm.kit.forms import today
from childnrm.referrals.forms import (
    AccountForm,
    BackgroundForm,
    ChildForm,
    ExploitationForm,
    LocationForm,
    ReferrerForm,
    SafeguardingForm,
)
from childnrm.referrals.models import Referral

pytestmark = pytest.mark.django_db


def _date(prefix: str, d: date | None = None, *, day="", month="", year="") -> dict[str, str]:
    if d is not None:
        day, month, year = str(d.day), str(d.month), str(d.year)
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


def child_form(partial: bool = False, **data) -> ChildForm:
    base = {"given_names": "Minh", "sex": "male", **_date("date_of_birth", date(2011, 5, 4))}
    return ChildForm({**base, **data}, referral=Referral(), partial=partial)


@pytest.mark.parametrize(
    ("parts", "message", "highlighted"),
    [
        (
            {"day": "", "month": "", "year": ""},
            "Enter the child's date of birth, or how old you think they are",
            ["day", "month", "year"],
        ),
        ({"day": "4", "month": "", "year": "2011"}, "Date of birth must include a month", ["month"]),
        ({"day": "", "month": "", "year": "2011"}, "Date of birth must include a day and month", ["day", "month"]),
        ({"day": "31", "month": "2", "year": "2011"}, "Date of birth must be a real date", ["day"]),
        ({"day": "4", "month": "13", "year": "2011"}, "Date of birth must be a real date", ["month"]),
        ({"day": "4", "month": "May", "year": "2011"}, "Date of birth must be a real date", ["month"]),
        ({"day": "4", "month": "5", "year": "11"}, "Year must include 4 numbers", ["year"]),
        ({"day": "29", "month": "2", "year": "2011"}, "Date of birth must be a real date", ["day"]),
    ],
)
def test_date_of_birth_messages_follow_the_govuk_pattern(parts, message, highlighted):
    form = child_form(**_date("date_of_birth", **parts))
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    assert form.fields["date_of_birth"].error_parts == highlighted
    # The error summary link goes to the first box to fix.
    assert (f"id_date_of_birth_{highlighted[0]}", message) in form.error_links()
    # What was typed comes back as typed.
    assert [p["value"] for p in form["date_of_birth"].parts] == [parts["day"], parts["month"], parts["year"]]


def test_a_leap_day_birthday_is_a_real_date():
    form = child_form(**_date("date_of_birth", date(2012, 2, 29)))
    assert form.is_valid(), form.errors
    assert form.to_fields()["date_of_birth"] == date(2012, 2, 29)


def test_date_of_birth_must_be_in_the_past():
    for when in (today(), today() + timedelta(days=1)):
        form = child_form(**_date("date_of_birth", when))
        assert not form.is_valid()
        assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]


def test_estimated_age_instead_of_a_date_of_birth():
    no_date = _date("date_of_birth", day="", month="", year="")
    form = child_form(**no_date, estimated_age_years="15", age_doubts=["age_uncertain", "age_disputed"])
    assert form.is_valid(), form.errors
    fields = form.to_fields()
    assert fields["date_of_birth"] is None and fields["estimated_age_years"] == 15
    assert fields["age_uncertain"] is True and fields["age_disputed"] is True

    form = child_form(estimated_age_years="15")  # and a date of birth: which one is meant?
    assert form.errors["estimated_age_years"] == ["Leave the estimated age blank if you know the date of birth"]
    form = child_form(**no_date, estimated_age_years="fifteen")
    assert form.errors == {"estimated_age_years": ["Estimated age must be a whole number, like 15"]}
    form = child_form(**no_date, date_of_birth_estimated="on", estimated_age_years="15")
    assert form.errors["date_of_birth"] == ["Enter the estimated date of birth, or untick ‘estimate’"]


def test_an_estimated_date_of_birth_is_flagged():
    form = child_form(date_of_birth_estimated="on")
    assert form.is_valid(), form.errors
    assert form.to_fields()["date_of_birth_estimated"] is True


def test_a_name_sex_and_date_of_birth_question_are_required():
    form = ChildForm({}, referral=Referral())
    assert not form.is_valid()
    assert form.errors["given_names"] == ["Enter the child's given names or family name"]
    assert form.errors["sex"] == ["Select the child's sex"]
    assert form.errors["date_of_birth"] == ["Enter the child's date of birth, or how old you think they are"]
    # A family name alone is enough of a name.
    assert child_form(given_names="", family_name="Nguyen").is_valid()


def test_save_and_come_back_later_needs_no_answers_but_still_checks_dates():
    assert ChildForm({}, referral=Referral(), partial=True).is_valid()
    form = ChildForm({**_date("date_of_birth", day="31", month="2", year="2012")}, referral=Referral(), partial=True)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be a real date"]


def test_aliases_keep_every_row_and_grow_by_one():
    form = child_form(
        alias_given_0="Min", alias_family_0="", alias_given_1="", alias_family_1="Nguyen Van", alias_given_3="Em"
    )
    assert form.alias_rows == 4
    assert form.is_valid()
    assert form.to_fields()["aliases"] == [
        {"given_names": "Min", "family_name": ""},
        {"given_names": "", "family_name": "Nguyen Van"},
        {"given_names": "Em", "family_name": ""},
    ]
    saved = Referral(aliases=[{"given_names": f"A{i}", "family_name": ""} for i in range(4)])
    assert ChildForm(referral=saved).alias_rows == 5


NHS_FORMAT = "Enter the NHS number as 10 digits, like 485 777 3456"
NHS_CHECK = "Enter a valid NHS number: check it against the child's health records"


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", "9434765919", " 943 476 5919 "])
def test_an_nhs_number_written_with_spaces_or_hyphens_is_kept_as_10_digits(typed):
    form = child_form(nhs_number=typed)
    assert form.is_valid(), form.errors
    assert form.to_fields()["nhs_number"] == "9434765919"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943 476 591", NHS_FORMAT),
        ("943 476 59190", NHS_FORMAT),
        ("NHS 943 476 5919", NHS_FORMAT),
        ("943 476 5918", NHS_CHECK),
        ("485 777 3456", NHS_CHECK),  # the hint's example is deliberately not a valid number
    ],
)
def test_an_invalid_nhs_number_gets_a_govuk_message_and_the_other_answers_stay(typed, message):
    form = child_form(nhs_number=typed, home_office_reference="B1234567", gender_identity="Boy")
    assert not form.is_valid()
    assert form.errors == {"nhs_number": [message]}
    assert ("id_nhs_number", message) in form.error_links()
    # What was typed comes back as typed, and so do the other answers.
    assert form["nhs_number"].value() == typed
    assert (form["home_office_reference"].value(), form["gender_identity"].value()) == ("B1234567", "Boy")
    # "Save and come back later" checks it too: a wrong number is never kept.
    assert ChildForm({"nhs_number": typed}, referral=Referral(), partial=True).errors == {"nhs_number": [message]}


def test_the_home_office_reference_is_kept_as_written_up_to_100_characters():
    form = child_form(home_office_reference="  Port reference EDD/1234567 ")
    assert form.is_valid(), form.errors
    assert form.to_fields()["home_office_reference"] == "Port reference EDD/1234567"
    form = child_form(home_office_reference="x" * 101)
    assert form.errors == {"home_office_reference": ["Home Office reference must be 100 characters or fewer"]}
    assert child_form(home_office_reference="x" * 100).is_valid()


def test_both_identifiers_are_optional_and_blank_when_not_given():
    form = child_form()
    assert form.is_valid(), form.errors
    fields = form.to_fields()
    assert (fields["nhs_number"], fields["home_office_reference"]) == ("", "")


def test_a_saved_nhs_number_is_shown_again_in_groups():
    saved = Referral(nhs_number="9434765919", home_office_reference="UAN 1234-5678-9012-3456")
    form = ChildForm(referral=saved)
    assert form["nhs_number"].value() == "943 476 5919"
    assert form["home_office_reference"].value() == "UAN 1234-5678-9012-3456"


def exploitation_form(**data) -> ExploitationForm:
    base = {"exploitation_types": ["criminal"], "exploitation_location": "uk", "public_order_disqualification": "no"}
    return ExploitationForm({**base, **data}, referral=Referral())


def test_county_lines_is_only_meaningful_with_criminal_exploitation():
    assert exploitation_form(county_lines="on").is_valid()
    form = exploitation_form(exploitation_types=["sexual", "labour"], county_lines="on")
    assert not form.is_valid()
    assert form.errors["county_lines"] == ["County lines can only be selected with criminal exploitation"]


def test_not_known_is_not_combined_with_a_known_type():
    form = exploitation_form(exploitation_types=["not_known", "labour"])
    assert not form.is_valid()
    assert "exploitation_types" in form.errors


def test_exploitation_dates_are_in_the_past_and_in_order():
    last_year = today() - timedelta(days=365)
    form = exploitation_form(
        **_date("exploitation_started", last_year), **_date("exploitation_ended", last_year - timedelta(days=1))
    )
    assert not form.is_valid()
    assert form.errors["exploitation_ended"] == [
        "The date the exploitation ended must be the same as or after the date it started"
    ]
    form = exploitation_form(**_date("exploitation_started", today() + timedelta(days=1)))
    assert form.errors["exploitation_started"] == ["The date the exploitation started must be today or in the past"]
    form = exploitation_form(**_date("exploitation_started", last_year), **_date("exploitation_ended", today()))
    assert form.is_valid(), form.errors
    assert form.to_fields()["exploitation_ended"] == today()


def test_exploitation_section_requires_type_location_and_public_order_answer():
    form = ExploitationForm({}, referral=Referral())
    assert not form.is_valid()
    assert form.errors["exploitation_types"] == ["Select the type of exploitation, or Not known"]
    assert form.errors["exploitation_location"] == ["Select where the exploitation happened, or Not known"]
    assert form.errors["public_order_disqualification"] == [
        "Select yes if a public order disqualification is being considered"
    ]


def test_nationalities_and_languages_are_iso_codes_several_and_not_repeated():
    form = BackgroundForm(
        {
            "nationality_0": "AL",
            "nationality_1": "GR",
            "language_0": "sq",
            "language_1": "el",
            "interpreter_needed": "yes",
            "ethnicity": "white_other",
        },
        referral=Referral(),
    )
    assert form.is_valid(), form.errors
    assert form.to_fields() == {
        "nationalities": ["AL", "GR"],
        "languages": ["sq", "el"],
        "interpreter_needed": True,
        "ethnicity": "white_other",
    }
    form = BackgroundForm(
        {
            "nationality_0": "AL",
            "nationality_1": "AL",
            "nationality_2": "XX",
            "interpreter_needed": "not_known",
            "ethnicity": "not_known",
        },
        referral=Referral(),
    )
    assert not form.is_valid()
    assert form.errors["nationality_1"] == ["You have already chosen this nationality"]
    assert "nationality_2" in form.errors  # not an ISO 3166 code


def test_not_known_interpreter_need_is_shown_again_as_not_known():
    referral = Referral(interpreter_needed=None, sections_saved=["background"])
    assert BackgroundForm(referral=referral)["interpreter_needed"].value() == "not_known"
    assert BackgroundForm(referral=Referral())["interpreter_needed"].value() == ""


def test_location_needs_a_local_authority_of_residence_or_where_found(demo):
    form = LocationForm({"address": "1 High Street"}, referral=Referral())
    assert not form.is_valid()
    assert form.errors["residence_local_authority"] == [
        "Select the local authority where the child lives, or where they were found"
    ]
    la = Organisation.objects.get(name="Eastwick Borough Council")
    form = LocationForm({"found_local_authority": str(la.pk)}, referral=Referral())
    assert form.is_valid(), form.errors
    police = Organisation.objects.get(name="Northbridge Police")
    form = LocationForm({"residence_local_authority": str(police.pk)}, referral=Referral())
    assert form.errors["residence_local_authority"] == ["Select a local authority from the list"]


def test_account_is_required_and_limited():
    assert AccountForm({}, referral=Referral()).errors["account"] == ["Enter what happened to the child"]
    form = AccountForm({"account": "x" * 10_001}, referral=Referral())
    assert form.errors["account"] == ["What happened to the child? must be 10,000 characters or fewer"]


def test_safeguarding_not_known_guardian_referral_is_stored_as_unknown():
    form = SafeguardingForm({"ictg_referral_made": "not_known", "in_place": ["looked_after"]}, referral=Referral())
    assert form.is_valid(), form.errors
    fields = form.to_fields()
    assert fields["ictg_referral_made"] is None and fields["looked_after"] is True and fields["child_in_need"] is False


def test_referrer_needs_a_name_and_a_valid_email_and_phone():
    form = ReferrerForm({"referrer_email": "not-an-email", "referrer_phone": "call me"}, referral=Referral())
    assert form.errors["referrer_name"] == ["Enter your full name"]
    assert form.errors["referrer_email"] == ["Enter an email address in the correct format, like name@example.org"]
    assert form.errors["referrer_phone"] == ["Enter a telephone number, like 01632 960 001 or +44 808 157 0192"]
    ok = ReferrerForm(
        {"referrer_name": "Sam", "referrer_email": "sam@x.org", "referrer_phone": "+44 1632 960000"},
        referral=Referral(),
    )
    assert ok.is_valid(), ok.errors
