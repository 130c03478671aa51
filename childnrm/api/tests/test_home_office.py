"""Importing a referral in the Home Office online NRM form's vocabulary (UKHomeOffice/modern-slavery)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from childnrm.api.home_office import CHOICES, NATIONALITIES, TEXTS, language_code
from childnrm.referrals import vocab
from childnrm.referrals.models import Referral, ReferralSource

# A child's referral as the form posts it: its field names and option values, as in apps/nrm/fields.
HOME_OFFICE_FORM = {
    "reference": "NB-CSE-0412",
    "user-organisation": "Northbridge City Council",
    "fr-location": "england",
    "pv-under-age": "yes",
    "local-authority-contacted-about-child-local-authority-name": "Northbridge City Council",
    "local-authority-contacted-about-child-local-authority-phone": "0100 000 0100",
    "local-authority-contacted-about-child-local-authority-email": "mash@northbridge.example",
    "pv-under-age-at-time-of-exploitation": "yes",
    "what-happened": "She was recruited online and moved between flats in two towns to sell drugs.",
    "birthplace": "Elbasan",
    "family": "Lives with her mother and two younger brothers.",
    "education": "Year 9 at a local secondary school, often absent.",
    "employment-history": "None.",
    "when-did-the-exploitation-take-place": "From about March 2024 until she was found in June 2024.",
    "more-than-one-exploitation-situation": "No other periods disclosed.",
    "how-did-the-exploitation-start": "An older man offered her money and a phone.",
    "were-they-taken-somewhere-by-their-exploiter": "yes",
    "were-they-taken-somewhere-by-their-exploiter-journey-details": "Driven at night to a flat in another town.",
    "what-were-they-required-to-do": "Hold and sell drugs; answer a phone at all hours.",
    "how-they-were-treated": "Threatened and not allowed to leave the flat.",
    "why-they-stayed": "She owed a debt for the phone and was frightened.",
    "how-why-did-they-leave-the-situation": "Police found her during a warrant.",
    "when-last-contact": "within-the-last-month",
    "is-this-the-first-chance-to-report": "yes",
    "why-are-you-making-the-referral": "Indicators of criminal exploitation (county lines).",
    "where-how-interview-carried-out": "At the police station with an appropriate adult.",
    "are-others-involved": "no",
    "evidence-of-dishonesty": "no",
    "what-evidence-you-will-submit": "Police report and MASH notes.",
    "where-exploitation-happened": "uk",
    "where-exploitation-happened-uk-city-1": "Northbridge",
    "where-exploitation-happened-uk-city-2": "Eastwick",
    "current-pv-location-uk-city": "Northbridge",
    "current-pv-location-uk-region": "North West",
    "who-exploited-pv": "A man known as 'T', about 25.",
    "exploiters-location": "no",
    "types-of-exploitation-forced-to-commit-crime": True,
    "types-of-exploitation-child-exploitation": "true",
    "any-other-pvs": "not-sure",
    "future-exploitation-concerns": "yes",
    "future-exploitation-reasons": "The exploiters still contact her.",
    "reported-to-police": "yes",
    "reported-to-police-police-forces": "Northbridge Police",
    "reported-to-police-crime-reference": "CR/123/24",
    "pv-want-to-submit-nrm": "yes",
    "does-pv-need-support": "yes",
    "pv-name-first-name": "Elira",
    "pv-name-last-name": "Krasniqi",
    "pv-name-nickname": "Eli",
    "pv-dob": "2010-02-14",
    "pv-gender": "female",
    "does-pv-have-children": "no",
    "pv-nationality": "Albanian",
    "pv-nationality-second": "British",
    "pv-interpreter-requirements": "yes",
    "pv-interpreter-requirements-language": "Albanian",
    "pv-other-help-with-communication": "no",
    "pv-ho-reference": "no",
    "who-contact": "someone-else",
    "someone-else": ["email"],
    "someone-else-first-name": "Jo",
    "someone-else-email-input": "social.worker@northbridge.example",
    "someone-else-permission-check": True,
    "pv-phone-number": "no",
    "no-contact-details": "Contact through her social worker.",
    "fr-details-first-name": "Priya",
    "fr-details-last-name": "Shah",
    "fr-details-role": "Social worker",
    "fr-details-phone": "0100 000 0200",
    "fr-alternative-contact": "mash@northbridge.example",
}
MAPPED_KEYS = {
    "pv-name-first-name", "pv-name-last-name", "pv-name-nickname", "pv-dob", "pv-under-age", "pv-gender",
    "pv-nationality", "pv-nationality-second", "pv-interpreter-requirements", "pv-interpreter-requirements-language",
    "local-authority-contacted-about-child-local-authority-name", "current-pv-location-uk-city",
    "current-pv-location-uk-region", "where-exploitation-happened", "what-happened", "fr-details-first-name",
    "fr-details-last-name", "fr-details-role", "fr-details-phone", "fr-alternative-contact",
}  # fmt: skip
IMPORT = "/api/referrals/import/home-office-form"


def test_a_home_office_form_is_mapped_and_submitted(api, northbridge, northbridge_la):
    response = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-1")
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.source == ReferralSource.HOME_OFFICE_FORM and referral.site == northbridge
    assert (referral.given_names, referral.family_name, str(referral.date_of_birth)) == (
        "Elira",
        "Krasniqi",
        "2010-02-14",
    )
    assert referral.aliases == [{"given_names": "Eli", "family_name": ""}]
    assert referral.sex == "female" and referral.nationalities == ["AL", "GB"]
    assert referral.languages == ["sq"] and referral.interpreter_needed is True
    assert referral.residence_local_authority == northbridge_la
    assert referral.found_location == "Northbridge, North West"
    assert referral.exploitation_types == ["sexual", "criminal"] and referral.exploitation_location == "uk"
    assert referral.account.startswith("She was recruited online")
    assert (referral.referrer_name, referral.referrer_job_title) == ("Priya Shah", "Social worker")
    assert (referral.referrer_phone, referral.referrer_email) == ("0100 000 0200", "mash@northbridge.example")
    assert referral.referrer_organisation == northbridge_la and referral.created_by is None


def test_every_field_that_was_not_mapped_is_kept_verbatim(api):
    body = api.post(IMPORT, HOME_OFFICE_FORM).json()
    referral = Referral.objects.get(reference=body["reference"])
    expected = {k: v for k, v in HOME_OFFICE_FORM.items() if k not in MAPPED_KEYS}
    assert referral.unmapped == expected
    assert body["unmapped_fields"] == sorted(expected)
    # Our exploitation types are coarser than the form's ticks, so the ticks are kept as sent.
    assert referral.unmapped["types-of-exploitation-child-exploitation"] == "true"
    # Fields from other versions of the form are kept too.
    older = api.post(IMPORT, {**HOME_OFFICE_FORM, "co-operate-with-police": "yes"}).json()
    assert Referral.objects.get(reference=older["reference"]).unmapped["co-operate-with-police"] == "yes"


def test_the_import_is_idempotent(api):
    first = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-2")
    retry = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-2")
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    # The same key on the other submission route is a different request.
    assert api.post("/api/referrals", {"child": {}}, key="ho-2").status_code == 422


def test_the_date_of_birth_may_come_in_three_parts(api):
    form = {k: v for k, v in HOME_OFFICE_FORM.items() if k != "pv-dob"}
    form.update({"pv-dob-day": "9", "pv-dob-month": "3", "pv-dob-year": "2011"})
    body = api.post(IMPORT, form).json()
    assert str(Referral.objects.get(reference=body["reference"]).date_of_birth) == "2011-03-09"


def test_unknown_gender_is_recorded_as_identity_not_as_a_sex(api):
    body = api.post(IMPORT, {**HOME_OFFICE_FORM, "pv-gender": "unknown"}).json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.sex == "not_known" and referral.gender_identity == "Does not identify as male or female"


def test_not_sure_of_age_means_age_uncertain_and_the_sca_decides(api):
    body = api.post(IMPORT, {**HOME_OFFICE_FORM, "pv-under-age": "not-sure"}).json()
    assert Referral.objects.get(reference=body["reference"]).age_uncertain is True
    assert body["triage"]["outcome"] == "sca"


def test_problems_are_named_by_the_forms_own_field_names(api):
    form = {
        **HOME_OFFICE_FORM,
        "pv-gender": "boy",  # not one of the form's options
        "pv-dob": "14/02/2010",
        "pv-under-age": "no",
        "local-authority-contacted-about-child-local-authority-name": "Atlantis Council",
        "types-of-exploitation-forced-to-commit-crime": False,
        "types-of-exploitation-child-exploitation": False,
        "fr-details-phone": "0" * 41,
    }
    response = api.post(IMPORT, form)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"pv-gender"}  # option values are checked first
    form["pv-gender"] = "female"
    response = api.post(IMPORT, form)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "pv-dob",
        "pv-under-age",
        "local-authority-contacted-about-child-local-authority-name",
        "types-of-exploitation-forced-to-work",
        "fr-details-phone",
    }
    assert Referral.objects.count() == 0


@pytest.mark.parametrize("body", [[HOME_OFFICE_FORM], "a string", 1, None])
def test_a_form_must_be_a_json_object(api, body):
    response = api.post(IMPORT, body)
    assert response.status_code == 422 and response.json()["errors"]


def test_the_import_command(northbridge, tmp_path):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(HOME_OFFICE_FORM))
    out = StringIO()
    call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)
    referral = Referral.objects.get()
    assert referral.reference in out.getvalue() and "reference" in out.getvalue()
    assert referral.source == ReferralSource.HOME_OFFICE_FORM and referral.site == northbridge
    path.write_text(
        json.dumps({**HOME_OFFICE_FORM, "pv-gender": "x", "pv-name-first-name": "", "pv-name-last-name": ""})
    )
    with pytest.raises(CommandError, match="pv-gender"):
        call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)


def test_the_mapping_tables_use_only_known_codes():
    countries = {code for code, _ in vocab.countries()}
    assert {code for code in NATIONALITIES.values() if code} <= countries
    assert language_code("Tigrinya") == "ti" and language_code("pashto") == "ps" and language_code("Klingon") is None
    assert not set(CHOICES) & set(TEXTS)
