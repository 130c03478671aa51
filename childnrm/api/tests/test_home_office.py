"""Importing a child's referral exactly as the Home Office online NRM form saves it (UKHomeOffice/modern-slavery).

Submissions here are in the form's own encoding: every value a string, an unticked checkbox "",
a ticked one "true", questions left blank "" (the date of birth is optional on the form), and the
select fields answered from the form's own lists (ms-lists): real councils, towns, regions and police
forces. The demo sites' own councils are synthetic, so `add_form_councils` adds two councils named as
on the form's list of local authorities to the demo sites.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.accounts.models import Organisation, OrganisationType, Role, Site
from childnrm.api.home_office import (
    NATIONALITIES,
    STRUCTURED,
    HomeOfficeFormIn,
    language_code,
    list_error,
    list_errors,
    map_form,
)
from childnrm.api.home_office_form import BY_NAME, CHILD_PATH, FIELDS, FORM_COMMIT, FORM_REPOSITORY, LIST_FIELDS
from childnrm.api.home_office_lists import LISTS, allowed, form_list, parse_js_list
from childnrm.referrals import vocab
from childnrm.referrals.models import Referral, ReferralSource

IMPORT = "/api/referrals/import/home-office-form"
TICKS = [f.name for f in FIELDS if f.name.startswith("types-of-exploitation-")]

# Councils named as on the form's list of local authorities (ms_uk_local_authorities), put in the demo
# sites for these tests: the child's council at the Northbridge panel, another at Three Rivers.
FORM_COUNCIL = "Manchester City Council"
OTHER_SITE_FORM_COUNCIL = "Salford City Council"


def add_form_councils() -> Organisation:
    """Add the form's councils to the demo sites (idempotent); the Northbridge panel's one is returned."""
    for name, gss_code, site in (
        (FORM_COUNCIL, "E08000003", "northbridge"),
        (OTHER_SITE_FORM_COUNCIL, "E08000006", "three-rivers"),
    ):
        council, _ = Organisation.objects.get_or_create(
            name=name, defaults={"type": OrganisationType.LOCAL_AUTHORITY, "gss_code": gss_code}
        )
        Site.objects.get(slug=site).local_authorities.add(council)
    return Organisation.objects.get(name=FORM_COUNCIL)


@pytest.fixture
def form_council(demo) -> Organisation:
    return add_form_councils()


@pytest.fixture
def api(api, form_council):
    """The API as Northbridge City Council's system, with the form's councils in the demo sites."""
    return api


# A child's referral as the current form (apps/nrm/fields at FORM_COMMIT) saves it.
HOME_OFFICE_FORM: dict[str, str] = {
    "reference": "NB-CSE-0412",
    "user-email": "priya.shah@northbridge.example",
    "user-organisation": "Manchester City Council",
    "fr-location": "england",
    "pv-under-age": "yes",
    "local-authority-contacted-about-child-local-authority-name": FORM_COUNCIL,
    "local-authority-contacted-about-child-local-authority-phone": "0100 000 0100",
    "local-authority-contacted-about-child-local-authority-email": "mash@northbridge.example",
    "local-authority-contacted-about-child-local-authority-first-name": "Dana",
    "local-authority-contacted-about-child-local-authority-last-name": "",
    "birthplace": "Elbasan, Albania",
    "family": "Lives with her mother and two younger brothers.",
    "education": "Year 9 at a local secondary school, often absent.",
    "employment-history": "None.",
    "when-did-the-exploitation-take-place": "From about March 2024 until she was found in June 2024.",
    "potential-victim-exploitative-situation-multiple": "no",
    "when-did-the-exploitation-take-place-multiple": "",
    "how-did-the-exploitation-start": "An older man offered her money and a phone.",
    "were-they-taken-somewhere-by-their-exploiter": "yes",
    "were-they-taken-somewhere-by-their-exploiter-journey-details": "Driven at night to a flat in another town.",
    "what-were-they-required-to-do": "Hold and sell drugs; answer a phone at all hours.",
    "how-they-were-treated": "Threatened and not allowed to leave the flat.",
    "why-they-stayed": "She owed a debt for the phone and was frightened.",
    "how-why-did-they-leave-the-situation": "Police found her during a warrant.",
    "when-last-contact": "within-the-last-6-12-month",
    "details-last-contact": "",
    "is-this-the-first-chance-to-report": "yes",
    "why-report-now": "",
    "modern-slavery-indicators": "yes",
    "modern-slavery-indicators-details": "Found far from home with two phones and cash.",
    "where-how-interview-carried-out": "At the police station with an appropriate adult.",
    "professional-insight": "Classic county lines grooming pattern.",
    "evidence-of-dishonesty": "no",
    "evidence-of-dishonesty-details": "",
    "are-others-involved": "yes",
    "are-others-involved-details": "Youth offending team (YOT-22-118).",
    "where-exploitation-happened": "uk",
    "where-exploitation-happened-uk-city-1": "Manchester",
    "where-exploitation-happened-uk-city-2": "Salford",
    "where-exploitation-happened-other-uk-other-location": "A flat above a takeaway on the high street.",
    "current-pv-location-uk-city": "Manchester",
    "current-pv-location-uk-region": "Greater Manchester",
    "who-exploited-pv": "A man known as 'T', about 25, with a tattoo on his neck.",
    "exploiters-location": "yes",
    "are-exploiters-in-the-uk": "yes",
    "exploiters-current-location-details": "Believed to be in Salford.",
    "future-exploitation-concerns": "yes",
    "future-exploitation-reasons": "The exploiters still contact her.",
    **{name: "" for name in TICKS},
    "types-of-exploitation-forced-to-commit-crime": "true",
    "other-exploitation-details": "",
    "any-other-pvs": "yes",
    "other-potential-victims-yes-details": "Her cousin, 15, was at the same flat.",
    "reported-to-police": "yes",
    "reported-to-police-police-forces": "Greater Manchester Police",
    "reported-to-police-crime-reference": "CR/123/24",
    "authorities-cooperation": "yes",
    "authorities-cooperation-details": "",
    "pv-name-first-name": "Elira",
    "pv-name-last-name": "Krasniqi",
    "pv-name-nickname": "Eli",
    "pv-dob": "2010-02-14",
    "pv-gender": "female",
    "does-pv-have-children": "no",
    "pv-nationality": "Albanian",
    "pv-nationality-second": "",
    "pv-interpreter-requirements": "yes",
    "pv-interpreter-requirements-language": "Albanian",
    "pv-other-help-with-communication": "yes",
    "pv-other-help-with-communication-aid": "Needs breaks; hard of hearing in one ear.",
    "pv-ho-reference": "no",
    "pv-ho-reference-type": "",
    "fr-details-first-name": "Priya",
    "fr-details-last-name": "Shah",
    "fr-details-role": "Social worker",
    "fr-details-phone": "0100 000 0200",
    "fr-alternative-contact": "mash@northbridge.example",
    "what-evidence-you-will-submit": "Police report and MASH notes.",
}


def form(**changes: str) -> dict[str, str]:
    """The submission above with some fields changed (field names with hyphens: pass a dict via **)."""
    return {**HOME_OFFICE_FORM, **changes}


def _sections(referral: Referral) -> dict[str, dict[str, str]]:
    return {s["heading"]: {i["label"]: i["value"] for i in s["items"]} for s in referral.form_sections}


def test_a_submission_in_the_forms_own_encoding_is_accepted_mapped_and_routed(
    api, northbridge, northbridge_la, form_council
):
    response = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["triage"]["outcome"] == "panel" and body["site"] == northbridge.name
    assert body["already_imported"] is False and body["reference"] in body["message"]
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.source == ReferralSource.HOME_OFFICE_FORM and referral.site == northbridge
    assert (referral.given_names, referral.family_name, str(referral.date_of_birth)) == (
        "Elira",
        "Krasniqi",
        "2010-02-14",
    )
    assert referral.aliases == [{"given_names": "Eli", "family_name": ""}]
    assert referral.sex == "female" and referral.nationalities == ["AL"]
    assert referral.languages == ["sq"] and referral.interpreter_needed is True
    assert referral.residence_local_authority == form_council
    assert referral.found_location == "Manchester, Greater Manchester"
    assert referral.found_local_authority == form_council  # the council of the town the child is in now
    assert referral.exploitation_types == ["criminal"] and referral.exploitation_location == "uk"
    assert referral.form_reference == "NB-CSE-0412"
    assert (referral.referrer_name, referral.referrer_job_title) == ("Priya Shah", "Social worker")
    assert (referral.referrer_phone, referral.referrer_email) == ("0100 000 0200", "priya.shah@northbridge.example")
    assert referral.referrer_organisation == northbridge_la and referral.created_by is None
    # Nothing of the current form is left as raw JSON: every field is in the catalogue.
    assert referral.unmapped == {} and body["unmapped_fields"] == []


def test_the_narrative_answers_become_the_account_each_under_its_own_heading(api):
    referral = Referral.objects.get(reference=api.post(IMPORT, HOME_OFFICE_FORM).json()["reference"])
    account = referral.account
    assert "How they came to be exploited\nAn older man offered her money and a phone." in account
    assert "An average day\nHold and sell drugs; answer a phone at all hours." in account
    assert "Their treatment\nThreatened and not allowed to leave the flat." in account
    assert "Your professional insight\nClassic county lines grooming pattern." in account
    # In the form's order, and blank answers leave no empty heading.
    assert (
        account.index("Their family")
        < account.index("How they came to be exploited")
        < account.index("Why they stayed")
    )
    assert "Is there anything that prevented" not in account


def test_every_answer_is_in_a_labelled_section_with_the_forms_option_labels(api):
    referral = Referral.objects.get(reference=api.post(IMPORT, HOME_OFFICE_FORM).json()["reference"])
    sections = _sections(referral)
    assert sections["Who exploited them?"]["When were the potential victim and exploiters last in contact?"] == (
        "Within the last 6-12 months"
    )
    assert sections["How were they exploited?"] == {
        "Forced to commit a crime, such as growing cannabis, drug dealing or begging": "Yes"
    }
    assert sections["Where were they exploited?"]["Second city or town in the UK"] == "Salford"
    assert sections["Police and public authorities"]["Crime or CAD reference"] == "CR/123/24"
    assert sections["Police and public authorities"]["Police force"] == "Greater Manchester Police"
    assert sections["Which local authority have you contacted about the child?"]["Phone number of local authority"] == (
        "0100 000 0100"
    )
    assert sections["Were there any other potential victims?"]["Were there any other potential victims?"] == "Yes"
    assert sections["Support and communication needs"]["Communication aid"].startswith("Needs breaks")
    assert sections["Your report"]["Your reference"] == "NB-CSE-0412"
    assert sections["Potential victim"]["Date of birth"] == "14 February 2010"
    # Labels, never the form's keys.
    shown = json.dumps(referral.form_sections)
    labels_only = [i["label"] for s in referral.form_sections for i in s["items"]]
    assert not any(label == name for name in HOME_OFFICE_FORM for label in labels_only)
    assert "within-the-last-6-12-month" not in shown


EXPLOITATION_CASES = [
    ("types-of-exploitation-forced-to-work", {}, "labour"),
    ("types-of-exploitation-child-exploitation", {}, "sexual"),
    ("types-of-exploitation-forced-to-commit-crime", {}, "criminal"),
    ("types-of-exploitation-unpaid-household-work", {}, "domestic_servitude"),
    ("types-of-exploitation-organs-removed", {}, "organ_harvesting"),
    ("types-of-exploitation-other", {"other-exploitation-details": "Forced marriage arranged by an uncle."}, "other"),
]


@pytest.mark.parametrize(("tick", "more", "expected"), EXPLOITATION_CASES)
def test_one_submission_per_exploitation_type_is_accepted_and_typed(api, tick, more, expected):
    submission = {**HOME_OFFICE_FORM, **{name: "" for name in TICKS}, tick: "true", **more, "reference": tick}
    response = api.post(IMPORT, submission)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert referral.exploitation_types == [expected]
    assert response.json()["triage"]["outcome"] == "panel"
    ticked = _sections(referral)["How were they exploited?"]
    assert ticked[BY_NAME[tick].label] == "Yes"
    if more:
        assert ticked["Other type of exploitation"] == "Forced marriage arranged by an uncle."


def test_an_unknown_date_of_birth_imports_and_the_sca_decides_with_the_reason(api, northbridge):
    response = api.post(IMPORT, form(**{"pv-dob": ""}))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["triage"]["outcome"] == "sca" and body["site"] == northbridge.name
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.date_of_birth is None
    reasons = referral.triage_assessments.get().reasons
    assert any("Neither a date of birth nor an estimated age is known" in r for r in reasons)
    assert "because the child's age is not known" in reasons[-1]


def test_a_date_of_birth_left_out_entirely_is_unknown_too(api):
    submission = {k: v for k, v in HOME_OFFICE_FORM.items() if k != "pv-dob"}
    assert api.post(IMPORT, submission).json()["triage"]["outcome"] == "sca"


def test_not_sure_of_age_sets_the_age_flag_and_the_sca_decides(api):
    body = api.post(IMPORT, form(**{"pv-under-age": "not-sure"})).json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.age_uncertain is True and body["triage"]["outcome"] == "sca"
    assert any("uncertain" in r for r in referral.triage_assessments.get().reasons)


def test_a_child_close_to_18_goes_to_the_sca(api):
    born = timezone.localdate().replace(year=timezone.localdate().year - 18) + timedelta(days=30)
    body = api.post(IMPORT, form(**{"pv-dob": born.isoformat()})).json()
    assert body["triage"]["outcome"] == "sca"


def test_a_child_of_another_sites_area_goes_to_that_site(api):
    body = api.post(
        IMPORT,
        form(**{"local-authority-contacted-about-child-local-authority-name": OTHER_SITE_FORM_COUNCIL}),
    ).json()
    assert body["triage"]["outcome"] == "other_site"


def test_the_date_of_birth_may_come_in_three_parts(api):
    submission = {k: v for k, v in HOME_OFFICE_FORM.items() if k != "pv-dob"}
    submission.update({"pv-dob-day": "9", "pv-dob-month": "3", "pv-dob-year": "2011"})
    referral = Referral.objects.get(reference=api.post(IMPORT, submission).json()["reference"])
    assert str(referral.date_of_birth) == "2011-03-09"
    assert _sections(referral)["Potential victim"]["Date of birth"] == "9 March 2011"


def test_the_childs_home_office_reference_is_kept_when_the_form_says_they_have_one(api):
    submission = form(**{"pv-ho-reference": "yes", "pv-ho-reference-type": "  Port reference EDD/1234567 "})
    response = api.post(IMPORT, submission)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert referral.home_office_reference == "Port reference EDD/1234567"
    # Still in its labelled section too, as the form has it.
    assert _sections(referral)["Potential victim"]["Type of Home Office reference, reference number or both"] == (
        "Port reference EDD/1234567"
    )
    assert "pv-ho-reference-type" not in response.json()["unmapped_fields"]


def test_no_home_office_reference_is_kept_when_the_form_says_they_have_none(api):
    # "no" with a reference left over from an earlier answer: the form's answer is "no", so nothing is kept.
    submission = form(**{"pv-ho-reference": "no", "pv-ho-reference-type": "B1234567", "reference": "NB-2"})
    referral = Referral.objects.get(reference=api.post(IMPORT, submission).json()["reference"])
    assert referral.home_office_reference == ""
    referral = Referral.objects.get(reference=api.post(IMPORT, HOME_OFFICE_FORM).json()["reference"])
    assert referral.home_office_reference == ""


def test_a_home_office_reference_too_long_for_a_referral_is_refused_like_the_other_text(api):
    # The form allows 15,000 characters; the referral keeps 200, as for the names (never cut short silently).
    submission = form(**{"pv-ho-reference": "yes", "pv-ho-reference-type": "R" * 201})
    response = api.post(IMPORT, submission)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {"pv-ho-reference-type": "Too long for a referral: at most 200 characters"}
    assert Referral.objects.count() == 0
    ok = api.post(IMPORT, form(**{"pv-ho-reference": "yes", "pv-ho-reference-type": "R" * 200}))
    assert ok.status_code == 201


def test_booleans_are_accepted_as_well_as_the_forms_strings(api):
    submission = {**HOME_OFFICE_FORM, **{name: False for name in TICKS}, "types-of-exploitation-prostitution": True}
    referral = Referral.objects.get(reference=api.post(IMPORT, submission).json()["reference"])
    assert referral.exploitation_types == ["sexual"]


def test_a_legacy_what_happened_answer_is_part_of_the_account(api):
    body = api.post(IMPORT, form(**{"what-happened": "She was recruited online.", "reference": "OLD-1"})).json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.account.startswith("What did they say happened?\nShe was recruited online.")


def test_a_submission_of_the_previous_form_version_is_accepted(api):
    """The form as at dc29604f: `what-happened` still asked, no indicators or professional insight pages."""
    newer = {
        "potential-victim-exploitative-situation-multiple",
        "when-did-the-exploitation-take-place-multiple",
        "modern-slavery-indicators",
        "modern-slavery-indicators-details",
        "professional-insight",
        "other-potential-victims-yes-details",
    }
    previous = {k: v for k, v in HOME_OFFICE_FORM.items() if k not in newer}
    previous.update(
        {
            "reference": "NB-2024-OLD",
            "what-happened": "She was recruited online and moved between flats.",
            "more-than-one-exploitation-situation": "Only this one.",
            "why-are-you-making-the-referral": "Indicators of county lines.",
            "when-last-contact": "within-the-last-6-month",
        }
    )
    response = api.post(IMPORT, previous)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert referral.unmapped == {} and referral.exploitation_types == ["criminal"]
    assert "Reason for referral\nIndicators of county lines." in referral.account
    assert "Date(s) of exploitation\nOnly this one." in referral.account
    assert _sections(referral)["Who exploited them?"][
        "When were the potential victim and exploiters last in contact?"
    ] == ("Within the last 6 months")


def test_fields_of_other_versions_are_kept_and_shown_in_words(api):
    body = api.post(IMPORT, form(**{"co-operate-with-police": "yes"})).json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.unmapped == {"co-operate-with-police": "yes"} and body["unmapped_fields"] == [
        "co-operate-with-police"
    ]
    assert _sections(referral)["Other answers sent with the form"] == {"Co operate with police": "yes"}


# --- One referral per submission ---------------------------------------------------------------------


def test_importing_the_same_submission_again_returns_the_existing_referral(api):
    first = api.post(IMPORT, HOME_OFFICE_FORM)
    assert first.status_code == 201
    # The same answers, in the other encoding (booleans, blank fields left out), without an Idempotency-Key.
    again = {k: v for k, v in HOME_OFFICE_FORM.items() if v != ""}
    again["types-of-exploitation-forced-to-commit-crime"] = True  # type: ignore[assignment]
    second = api.post(IMPORT, again)
    assert second.status_code == 200, second.content
    body = second.json()
    assert body["reference"] == first.json()["reference"] and body["already_imported"] is True
    assert "already imported" in body["message"] and "Nothing was changed" in body["message"]
    assert Referral.objects.count() == 1


def test_a_changed_resubmission_is_refused_and_changes_nothing(api):
    first = api.post(IMPORT, HOME_OFFICE_FORM).json()
    changed = api.post(IMPORT, form(**{"pv-name-first-name": "Elena"}))
    assert changed.status_code == 409
    [error] = changed.json()["errors"]
    assert error["field"] == "reference" and first["reference"] in error["message"]
    assert "changes were not applied" in error["message"]
    assert Referral.objects.get().given_names == "Elira"


def test_the_same_reference_from_another_organisation_is_another_referral(api, other_api):
    assert api.post(IMPORT, HOME_OFFICE_FORM).status_code == 201
    assert other_api.post(IMPORT, HOME_OFFICE_FORM).status_code == 201
    assert Referral.objects.count() == 2


def test_the_database_refuses_a_second_referral_with_the_same_form_reference(api):
    referral = Referral.objects.get(reference=api.post(IMPORT, HOME_OFFICE_FORM).json()["reference"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            referrer_organisation=referral.referrer_organisation, form_reference=referral.form_reference
        )


def test_an_idempotent_retry_still_replays(api):
    first = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-2")
    retry = api.post(IMPORT, HOME_OFFICE_FORM, key="ho-2")
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


# --- What is really wrong, in the form's words ---------------------------------------------------------


def test_an_option_the_form_does_not_offer_is_named_with_the_forms_options(api):
    response = api.post(IMPORT, form(**{"when-last-contact": "last-tuesday"}))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "when-last-contact"
    assert "When were the potential victim and exploiters last in contact?" in error["message"]
    assert "'within-the-last-6-12-month' (Within the last 6-12 months)" in error["message"]


def test_every_radio_field_is_checked_against_its_own_options():
    radios = [f for f in FIELDS if f.kind == "radio"]
    assert len(radios) > 25
    for spec in radios:
        with pytest.raises(Exception, match=spec.name.replace("-", "_") + "|" + spec.name):
            HomeOfficeFormIn.model_validate({spec.name: "not-an-option"})
        for value in spec.options:
            HomeOfficeFormIn.model_validate({spec.name: value})


def test_a_checkbox_must_be_true_or_blank(api):
    response = api.post(IMPORT, form(**{"types-of-exploitation-prostitution": "maybe"}))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "types-of-exploitation-prostitution", "message": 'A checkbox is "true" when ticked and "" when not'}
    ]


def test_problems_are_named_by_the_forms_fields_in_the_forms_words(api):
    submission = {
        **HOME_OFFICE_FORM,
        **{name: "" for name in TICKS},
        "pv-dob": "14/02/2010",
        "pv-under-age": "no",
        "local-authority-contacted-about-child-local-authority-name": "Atlantis Council",
        "reported-to-police-crime-reference": "",
        "pv-nationality": "Atlantean",
        "fr-details-phone": "0" * 41,
    }
    response = api.post(IMPORT, submission)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["pv-dob"] == "You must enter a valid date"
    assert "not under 18" in errors["pv-under-age"]
    assert errors["local-authority-contacted-about-child-local-authority-name"] == (
        "You must select the local authority from the list: “Atlantis Council” is not one of the form's "
        "local authorities"
    )
    assert errors["types-of-exploitation-forced-to-work"] == "You must select an exploitation type"
    assert errors["reported-to-police-crime-reference"] == "You must enter a crime or CAD reference"
    assert "“Atlantean” is not one of the form's nationalities" in errors["pv-nationality"]
    assert "fr-details-phone" in errors
    assert Referral.objects.count() == 0


def test_a_nationality_without_an_iso_code_is_kept_in_its_section_not_dropped(api):
    body = api.post(IMPORT, form(**{"pv-nationality": "Kosovan"})).json()
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.nationalities == [] and _sections(referral)["Potential victim"]["Nationality"] == "Kosovan"


@pytest.mark.parametrize("body", [[HOME_OFFICE_FORM], "a string", 1, None])
def test_a_form_must_be_a_json_object(api, body):
    response = api.post(IMPORT, body)
    assert response.status_code == 422 and response.json()["errors"]


# --- The command -------------------------------------------------------------------------------------


def test_the_import_command_imports_once(northbridge, form_council, tmp_path):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(HOME_OFFICE_FORM))
    out = StringIO()
    call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)
    referral = Referral.objects.get()
    assert referral.reference in out.getvalue()
    assert referral.source == ReferralSource.HOME_OFFICE_FORM and referral.site == northbridge
    out = StringIO()
    call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)
    assert "already imported" in out.getvalue() and Referral.objects.count() == 1
    path.write_text(json.dumps(form(**{"pv-name-first-name": "Elena"})))
    with pytest.raises(CommandError, match="changes were not applied"):
        call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)
    path.write_text(json.dumps(form(**{"pv-gender": "x", "reference": "NEW"})))
    with pytest.raises(CommandError, match="pv-gender"):
        call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=out)


# --- The catalogue -----------------------------------------------------------------------------------


def test_the_catalogue_follows_the_current_form():
    assert FORM_COMMIT == "d9eac08a247bceada1c96501d962fb49f8509474"
    assert "within-the-last-6-12-month" in BY_NAME["when-last-contact"].options
    for new in ("professional-insight", "modern-slavery-indicators", "other-potential-victims-yes-details"):
        assert new in CHILD_PATH
    assert BY_NAME["what-happened"].path == "legacy"
    assert "pv-want-to-submit-nrm" not in CHILD_PATH  # a child's referral needs no consent on the form


def test_every_child_path_field_lands_in_a_section_or_a_structured_field(db):
    """Fill every field on the child's path; each answer must reach the referral, labelled."""
    full = {}
    for spec in FIELDS:
        if spec.path != "child":
            continue
        if spec.kind == "radio":
            full[spec.name] = next(iter(spec.options))
        elif spec.kind == "checkbox":
            full[spec.name] = "true"
        elif spec.kind == "date":
            full[spec.name] = "2011-01-01"
        elif spec.option_list:
            full[spec.name] = next(iter(allowed(spec.option_list, spec.option_list_excludes)))
        else:
            full[spec.name] = f"answer to {spec.name}"
    assert list_errors(full) == []  # every select answered from its own list
    mapped = map_form(full)
    sections = {i["field"]: i for s in mapped.fields["form_sections"] for i in s["items"]}
    missing = [name for name in CHILD_PATH if name not in sections and name not in STRUCTURED]
    assert missing == []
    assert all(sections[name]["label"] == BY_NAME[name].label for name in sections)


def test_the_mapping_tables_use_only_known_codes():
    countries = {code for code, _ in vocab.countries()}
    assert {code for code in NATIONALITIES.values() if code} <= countries
    assert language_code("Tigrinya") == "ti" and language_code("pashto") == "ps" and language_code("Klingon") is None


def test_the_case_packet_carries_the_forms_answers_under_its_labels_not_its_fingerprint(api):
    from childnrm.triage.packet import referral_sections

    referral = Referral.objects.get(reference=api.post(IMPORT, HOME_OFFICE_FORM).json()["reference"])
    sections = referral_sections(referral)
    names = {f["name"] for s in sections for f in s["fields"]}
    assert "form_fingerprint" not in names and "form_sections" not in names
    form_parts = {s["title"]: {f["label"]: f["display"] for f in s["fields"]} for s in sections}
    answers = {
        label: shown
        for title, fields in form_parts.items()
        if "Home Office form" in title
        for label, shown in fields.items()
    }
    assert answers, "the packet has the form's sections"
    assert "Needs breaks; hard of hearing in one ear." in answers.values()
    assert not any(label.startswith("pv-") or label.startswith("fr-") for label in answers)


# --- The form's own lists (ms-lists): select answers --------------------------------------------------

# Where each list was copied from: the commit of the newest version of each file the source index holds.
LIST_COMMITS = {
    "ms_countries": "3385171da0107fa53d2623382647bc22b6398fbb",
    "ms_uk_cities_and_towns": "3385171da0107fa53d2623382647bc22b6398fbb",
    "ms_uk_regions": "3cbda6d8a349ba9aa7c458aca15832a74009809d",
    "ms_uk_local_authorities": "3cbda6d8a349ba9aa7c458aca15832a74009809d",
    "ms_uk_police_forces": "f53a4d985945919d4406fa8e690136a674cfb22a",
    "ms_nationalities": "865f90910dcc0d7c21fa326685060b0884664a92",
    "ms_organisations": "1b99f85fc05ff7469dd346199f3dd62998f1db71",
}


def test_the_lists_are_the_forms_files_with_their_source_commit():
    assert set(LISTS) == set(LIST_COMMITS)
    for name, commit in LIST_COMMITS.items():
        listed = form_list(name)
        assert listed.source["repository"] == FORM_REPOSITORY
        assert listed.source["path"] == f"ms-lists/{name}.js"
        assert listed.source["commit"] == commit
        assert date.fromisoformat(listed.source["fetched"]) <= timezone.localdate()
        assert "not typed by hand" in listed.source["how"]
    # Copied as the form stores them: its duplicates and stray spaces too, its commented-out entry not.
    assert len(form_list("ms_uk_cities_and_towns").options) == 1622
    assert ("Citizen of Vanuatu ", "Citizen of Vanuatu ") in form_list("ms_nationalities").options
    organisations = allowed("ms_organisations")
    assert "Youth Work Alliance" in organisations
    assert "Home Office - Illegal Migration Operations Command IMOC" not in organisations


def test_every_select_field_of_the_form_is_backed_by_one_of_its_lists():
    selects = [f for f in FIELDS if f.kind == "select"]
    assert len(selects) == 27 and selects == list(LIST_FIELDS)
    for spec in selects:
        assert spec.list_message.startswith("You must select"), spec.name
        assert list_error(spec, "Not on any list of the form") == (
            f"{spec.list_message}: “Not on any list of the form” is not one of the form's "
            f"{form_list(spec.option_list).noun}"
        )
        assert list_error(spec, next(iter(allowed(spec.option_list, spec.option_list_excludes)))) is None
        assert list_error(spec, "") is None  # unanswered
    # The overseas countries are the form's countries less the United Kingdom (filtered-countries.js).
    overseas = BY_NAME["where-exploitation-happened-overseas-country-1"]
    assert "United Kingdom" in allowed("ms_countries") and "United Kingdom" not in _allowed_for(overseas)


def _allowed_for(spec):
    return allowed(spec.option_list, spec.option_list_excludes)


# An answer from each list, as the form saves it (its value; "Citizen of Vanuatu " with the form's space).
FROM_EACH_LIST = {
    "user-organisation": "Barnardo's",
    "local-authority-contacted-about-child-local-authority-name": FORM_COUNCIL,
    "where-exploitation-happened": "uk-and-overseas",
    "where-exploitation-happened-uk-city-1": "Aberdare / Aberdâr",
    "where-exploitation-happened-overseas-country-1": "Albania",
    "where-exploitation-happened-overseas-country-2": "Congo (Democratic Republic)",
    "current-pv-location-uk-city": "Manchester",
    "current-pv-location-uk-region": "Greater Manchester",
    "reported-to-police-police-forces": "British Transport Police",
    "pv-nationality": "Albanian",
    "pv-nationality-second": "Citizen of Vanuatu ",
}


def test_an_answer_from_each_list_is_accepted_and_shown_with_its_label(api, client_as):
    response = api.post(IMPORT, form(**FROM_EACH_LIST))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert referral.nationalities == ["AL", "VU"]  # our vocabulary still maps the form's nationalities
    sections = _sections(referral)
    assert sections["Your report"]["Organisation"] == "Barnardo's"
    assert sections["Which local authority have you contacted about the child?"]["Name of local authority"] == (
        "Manchester City Council"
    )
    where = sections["Where were they exploited?"]
    assert where["City or town in the UK"] == "Aberdare / Aberdâr"
    assert (where["Country overseas"], where["Second country overseas"]) == ("Albania", "Congo (Democratic Republic)")
    assert sections["Where are they now?"] == {"City or town": "Manchester", "Region": "Greater Manchester"}
    assert sections["Police and public authorities"]["Police force"] == "British Transport Police"
    assert sections["Potential victim"]["Second nationality"] == "Citizen of Vanuatu"
    # The coordinator reads them on the triage page, with the form's labels.
    page = client_as(Role.COORDINATOR, "northbridge").get(f"/referrals/{referral.reference}/triage/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ("Police force", "British Transport Police", "Country overseas", "Congo (Democratic Republic)"):
        assert shown in text
    assert "Barnardo&#39;s" in text or "Barnardo&#x27;s" in text


REFUSED = [
    (
        "where-exploitation-happened-overseas-country-1",
        "Atlantis",
        "You must select a country from the list: “Atlantis” is not one of the form's countries",
    ),
    (
        "where-exploitation-happened-overseas-country-3",
        "United Kingdom",
        "You must select a country from the list: “United Kingdom” is not one of the form's answers to "
        "“Third country overseas”",
    ),
    (
        "reported-to-police-police-forces",
        "Northbridge Police",
        "You must select a police force from the list: “Northbridge Police” is not one of the form's police forces",
    ),
    (
        "user-organisation",
        "Northbridge Youth Services",
        "You must select the organisation: “Northbridge Youth Services” is not one of the form's organisations",
    ),
    (
        "current-pv-location-uk-region",
        "North West",
        "You must select a region from the list: “North West” is not one of the form's UK regions",
    ),
    (
        "where-exploitation-happened-uk-city-2",
        "Eastwick",
        "You must select a city or town from the list: “Eastwick” is not one of the form's UK cities and towns",
    ),
    (
        "current-pv-location-uk-city",
        "manchester",  # the form saves its own spelling; another is not on the list
        "You must select a city from the list: “manchester” is not one of the form's UK cities and towns",
    ),
    (
        "pv-nationality-second",
        "Atlantean",
        "You must select the potential victim's second nationality from the list: “Atlantean” is not one of "
        "the form's nationalities",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), REFUSED, ids=[r[0] + ":" + r[1] for r in REFUSED])
def test_an_answer_not_on_its_list_is_refused_in_the_forms_words_and_nothing_is_created(api, field, value, message):
    response = api.post(IMPORT, form(**{field: value}))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]
    assert Referral.objects.count() == 0


def test_every_answer_off_its_list_is_reported_at_once_with_the_other_problems(api):
    submission = form(
        **{
            "where-exploitation-happened-overseas-country-1": "Atlantis",
            "reported-to-police-police-forces": "Northbridge Police",
            "user-organisation": "Northbridge Youth Services",
            "current-pv-location-uk-region": "North West",
            "when-last-contact": "last-tuesday",  # refused by the schema: the list errors come with it
        }
    )
    response = api.post(IMPORT, submission)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert sorted(fields) == sorted(
        [
            "when-last-contact",
            "user-organisation",
            "where-exploitation-happened-overseas-country-1",
            "current-pv-location-uk-region",
            "reported-to-police-police-forces",
        ]
    )
    assert Referral.objects.count() == 0


def test_a_council_on_the_forms_list_that_does_not_use_this_service_is_reported(api):
    council = {"local-authority-contacted-about-child-local-authority-name": "Leeds City Council"}
    response = api.post(IMPORT, form(**council))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "local-authority-contacted-about-child-local-authority-name"
    assert error["message"].startswith("“Leeds City Council” is not a local authority this service knows")
    assert Referral.objects.count() == 0


def test_the_nationality_mapping_covers_the_forms_list_and_only_it():
    on_the_list = set(allowed("ms_nationalities"))
    assert set(NATIONALITIES) <= on_the_list
    # On the list with no ISO 3166 code: imported and kept with the form's label (see the Kosovan test).
    assert {value for value in on_the_list if not NATIONALITIES.get(value)} == {"Unknown", "Kosovan"}


def test_the_import_command_reports_list_answers_with_the_schemas_problems(northbridge, form_council, tmp_path):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(form(**{"pv-gender": "x", "reported-to-police-police-forces": "Northbridge Police"})))
    with pytest.raises(CommandError) as refused:
        call_command("import_home_office_form", str(path), organisation="Northbridge City Council")
    assert "pv-gender" in str(refused.value)
    assert "reported-to-police-police-forces: You must select a police force from the list" in str(refused.value)
    assert Referral.objects.count() == 0


def test_the_lists_script_regenerates_a_list_from_the_forms_javascript(tmp_path):
    """The JSON is what bench/home_office_lists.py makes of the form's file (here rebuilt in its syntax)."""
    from bench.home_office_lists import main

    police = form_list("ms_uk_police_forces")
    lines = [f'{{value:"{value}",label:"{label}"}}' for value, label in police.options]
    js = "'use strict'\n\nconst ukPoliceForces = [\n// a comment the form might have\n"
    js += ",\n".join(lines) + "\n];\n\nmodule.exports = ukPoliceForces;\n"
    (tmp_path / "ms_uk_police_forces.js").write_text(js, encoding="utf-8")
    args = ["--check", "--commit", police.source["commit"], "--fetched", police.source["fetched"]]
    assert main([*args, str(tmp_path / "ms_uk_police_forces.js")]) == 0
    (tmp_path / "ms_uk_police_forces.js").write_text(js.replace("Kent Police", "Kent Constabulary"), encoding="utf-8")
    assert main([*args, str(tmp_path / "ms_uk_police_forces.js")]) == 1


def test_the_lists_reader_takes_the_forms_syntax_and_refuses_anything_else():
    text = """'use strict'
const xs = [
    {value: 'Barnardo\\'s', label: 'Barnardo\\'s'},
 //{value:"Retired",label:"Retired"},
  {value:"Dromore ",label:"Dromore "},
  /* a note */ {label: "Y Bala", value: "Y Bala"}
];
module.exports = xs;
"""
    assert parse_js_list(text) == [
        {"value": "Barnardo's", "label": "Barnardo's"},
        {"value": "Dromore ", "label": "Dromore "},
        {"value": "Y Bala", "label": "Y Bala"},
    ]
    with pytest.raises(ValueError, match="Not an option"):
        parse_js_list('const xs = [{value:"A",label:"A"}, otherList];')
    with pytest.raises(ValueError, match="value and a label"):
        parse_js_list('const xs = [{value:"A",value:"B"}];')


def test_a_date_of_birth_of_today_on_the_home_office_form_is_refused_as_the_web_form_refuses_it(api):
    response = api.post(IMPORT, form(**{"pv-dob": timezone.localdate().isoformat()}))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {"pv-dob": "You must enter a valid date. The date of birth must be in the past"}
    assert Referral.objects.count() == 0
