"""Import a referral written in the field vocabulary of the Home Office's online NRM form.

Source read (open source): GitHub repository UKHomeOffice/modern-slavery
- `apps/nrm/fields/index.js` at commit dc29604f7887acb78b94e266401782f5d012e1e4 (field names, kinds
  and option values; compared with the older 03a8d440f327f088fce89b9fa33c9a29d98c11d9, whose
  `concerns-future-exploitation` and `co-operate-with-police` are kept verbatim like any other field),
- `apps/nrm/translations/src/en/fields.json` at 035d6d353cf35c7c6e51a4df76d57d771b611554 (labels, to
  understand each option),
- `ms-lists/ms_nationalities.js` at 865f90910dcc0d7c21fa326685060b0884664a92 (nationality values:
  demonyms such as "Albanian") and `ms-lists/ms_uk_local_authorities.js` at
  3cbda6d8a349ba9aa7c458aca15832a74009809d (local authority values: council names).
The form posts one flat object of field name → value: strings, `true` for a ticked checkbox, and the
date of birth as `pv-dob` (YYYY-MM-DD) or as `pv-dob-day`, `pv-dob-month`, `pv-dob-year`.

Mapping (Home Office field → referral field):

| Home Office field                                              | Referral field                        |
|----------------------------------------------------------------|---------------------------------------|
| pv-name-first-name, pv-name-last-name                          | given_names, family_name              |
| pv-name-nickname                                               | aliases (one alias, as given names)   |
| pv-dob (or pv-dob-day/-month/-year)                            | date_of_birth                         |
| pv-under-age: yes / not-sure / no                              | -, age_uncertain, refused (an adult)  |
| pv-gender: female / male / unknown                             | sex female / male / not_known, and    |
|                                                                | gender_identity for "unknown" (their  |
|                                                                | label: "do not identify as male or    |
|                                                                | female")                              |
| pv-nationality, pv-nationality-second                          | nationalities (demonym → ISO 3166)    |
| pv-interpreter-requirements: yes / no                          | interpreter_needed                    |
| pv-interpreter-requirements-language                           | languages, when it names an ISO 639   |
|                                                                | language; otherwise kept verbatim     |
| local-authority-contacted-about-child-local-authority-name     | residence_local_authority (by name)   |
| current-pv-location-uk-city, current-pv-location-uk-region     | found_location ("city, region")       |
| pv-contact-details-street/-town/-county/-postcode              | address                               |
| where-exploitation-happened: uk / overseas / uk-and-overseas   | exploitation_location uk/overseas/both|
| types-of-exploitation-forced-to-work, -wages-taken             | exploitation_types: labour            |
| types-of-exploitation-prostitution, -child-exploitation,       | exploitation_types: sexual            |
|   -taken-somewhere                                             |                                       |
| types-of-exploitation-forced-to-commit-crime, -commit-fraud    | exploitation_types: criminal          |
| types-of-exploitation-organs-removed                           | exploitation_types: organ_harvesting  |
| types-of-exploitation-unpaid-household-work                    | exploitation_types: domestic_servitude|
| types-of-exploitation-other                                    | exploitation_types: other             |
| what-happened                                                  | account                               |
| fr-details-first-name + fr-details-last-name                   | referrer_name                         |
| fr-details-role, fr-details-phone                              | referrer_job_title, referrer_phone    |
| user-email, else fr-alternative-contact                        | referrer_email                        |

Everything else (their reference, organisation, the narrative questions, exploiters, police,
contact preferences, ...) is kept verbatim in `Referral.unmapped`, as are the `types-of-exploitation-*`
ticks, because our exploitation types are coarser than theirs. Nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from pydantic import BeforeValidator, ConfigDict, Field, create_model

from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.api.schemas import Strict
from childnrm.referrals import vocab
from childnrm.referrals.models import Referral

SOURCE = "UKHomeOffice/modern-slavery apps/nrm/fields/index.js @ dc29604f7887acb78b94e266401782f5d012e1e4"

# Radio groups and their option values, as in the form.
CHOICES: dict[str, tuple[str, ...]] = {
    "fr-location": ("england", "wales", "scotland", "northern-ireland"),
    "pv-under-age": ("yes", "no", "not-sure"),
    "pv-under-age-at-time-of-exploitation": ("yes", "no", "not-sure"),
    "were-they-taken-somewhere-by-their-exploiter": ("yes", "no"),
    "when-last-contact": (
        "within-the-last-week",
        "within-the-last-month",
        "within-the-last-3-month",
        "within-the-last-6-month",
        "over-a-year-ago",
        "not-sure",
    ),
    "is-this-the-first-chance-to-report": ("yes", "no", "not-sure"),
    "are-others-involved": ("yes", "no"),
    "evidence-of-dishonesty": ("yes", "no"),
    "where-exploitation-happened": ("uk", "overseas", "uk-and-overseas"),
    "exploiters-location": ("yes", "no"),
    "are-exploiters-in-the-uk": ("yes", "no"),
    "any-other-pvs": ("yes", "no", "not-sure"),
    "future-exploitation-concerns": ("yes", "no"),
    "reported-to-police": ("yes", "no"),
    "authorities-cooperation": ("yes", "no"),
    "pv-want-to-submit-nrm": ("yes", "no"),
    "does-pv-need-support": ("yes", "no"),
    "pv-phone-number": ("yes", "pv-alternative-number", "no"),
    "pv-gender": ("female", "male", "unknown"),
    "does-pv-have-children": ("yes", "no"),
    "pv-interpreter-requirements": ("yes", "no"),
    "pv-other-help-with-communication": ("yes", "no"),
    "pv-ho-reference": ("yes", "no"),
    "who-contact": ("potential-victim", "someone-else"),
}
# Checkbox groups (several values may be ticked).
GROUPS: dict[str, tuple[str, ...]] = {
    "pv-contact-details": ("email", "post"),
    "someone-else": ("email", "post"),
}
EXPLOITATION_TICKS: dict[str, str] = {
    "types-of-exploitation-forced-to-work": vocab.ExploitationType.LABOUR,
    "types-of-exploitation-wages-taken": vocab.ExploitationType.LABOUR,
    "types-of-exploitation-forced-to-commit-fraud": vocab.ExploitationType.CRIMINAL,
    "types-of-exploitation-prostitution": vocab.ExploitationType.SEXUAL,
    "types-of-exploitation-child-exploitation": vocab.ExploitationType.SEXUAL,
    "types-of-exploitation-taken-somewhere": vocab.ExploitationType.SEXUAL,
    "types-of-exploitation-forced-to-commit-crime": vocab.ExploitationType.CRIMINAL,
    "types-of-exploitation-organs-removed": vocab.ExploitationType.ORGAN_HARVESTING,
    "types-of-exploitation-unpaid-household-work": vocab.ExploitationType.DOMESTIC_SERVITUDE,
    "types-of-exploitation-other": vocab.ExploitationType.OTHER,
}
CHECKBOXES = (
    *EXPLOITATION_TICKS,
    "pv-contact-details-email-check",
    "pv-contact-details-post-check",
    "someone-else-permission-check",
)
# Text inputs, text areas and list selects (their values are free text or a name from a list).
TEXTS = (
    "reference",
    "user-email",
    "user-organisation",
    "local-authority-contacted-about-child-local-authority-name",
    "local-authority-contacted-about-child-local-authority-phone",
    "local-authority-contacted-about-child-local-authority-email",
    "local-authority-contacted-about-child-local-authority-first-name",
    "local-authority-contacted-about-child-local-authority-last-name",
    "what-happened",
    "birthplace",
    "family",
    "education",
    "employment-history",
    "when-did-the-exploitation-take-place",
    "more-than-one-exploitation-situation",
    "how-did-the-exploitation-start",
    "were-they-taken-somewhere-by-their-exploiter-journey-details",
    "what-were-they-required-to-do",
    "how-they-were-treated",
    "why-they-stayed",
    "how-why-did-they-leave-the-situation",
    "details-last-contact",
    "why-report-now",
    "why-are-you-making-the-referral",
    "where-how-interview-carried-out",
    "are-others-involved-details",
    "evidence-of-dishonesty-details",
    "what-evidence-you-will-submit",
    *(f"where-exploitation-happened-uk-city-{i}" for i in range(1, 11)),
    "where-exploitation-happened-other-uk-other-location",
    *(f"where-exploitation-happened-overseas-country-{i}" for i in range(1, 11)),
    "where-exploitation-happened-other-overseas-other-location",
    "current-pv-location-uk-city",
    "current-pv-location-uk-region",
    "who-exploited-pv",
    "exploiters-current-location-details",
    "other-exploitation-details",
    "future-exploitation-reasons",
    "reported-to-police-police-forces",
    "reported-to-police-crime-reference",
    "authorities-cooperation-details",
    "refuse-nrm",
    "pv-phone-number-yes",
    "pv-phone-number-alternative",
    "alternative-number-relation-to-pv",
    "no-contact-details",
    "pv-name-first-name",
    "pv-name-last-name",
    "pv-name-nickname",
    "pv-dob",
    "pv-dob-day",
    "pv-dob-month",
    "pv-dob-year",
    "does-pv-have-children-yes-amount",
    "pv-nationality",
    "pv-nationality-second",
    "pv-interpreter-requirements-language",
    "pv-other-help-with-communication-aid",
    "pv-ho-reference-type",
    "pv-contact-details-email-input",
    "pv-contact-details-street",
    "pv-contact-details-town",
    "pv-contact-details-county",
    "pv-contact-details-postcode",
    "someone-else-first-name",
    "someone-else-last-name",
    "someone-else-email-input",
    "someone-else-street",
    "someone-else-town",
    "someone-else-county",
    "someone-else-postcode",
    "fr-details-first-name",
    "fr-details-last-name",
    "fr-details-role",
    "fr-details-phone",
    "fr-alternative-contact",
)
MAX_TEXT = 15000  # the form's own limit for every text field

# ms-lists/ms_nationalities.js values → ISO 3166-1 alpha-2. None: no ISO code (kept verbatim).
NATIONALITIES: dict[str, str | None] = {
    "Unknown": None, "Afghan": "AF", "Albanian": "AL", "Algerian": "DZ", "American": "US", "Andorran": "AD",
    "Angolan": "AO", "Anguillan": "AI", "Argentine": "AR", "Armenian": "AM", "Australian": "AU",
    "Austrian": "AT", "Azerbaijani": "AZ", "Bahamian": "BS", "Bahraini": "BH", "Bangladeshi": "BD",
    "Barbadian": "BB", "Belarusian": "BY", "Belgian": "BE", "Belizean": "BZ", "Beninese": "BJ",
    "Bermudian": "BM", "Bhutanese": "BT", "Bolivian": "BO", "Botswanan": "BW", "Brazilian": "BR",
    "British": "GB", "British Virgin Islander": "VG", "Bruneian": "BN", "Bulgarian": "BG", "Burkinan": "BF",
    "Burmese": "MM", "Burundian": "BI", "Cambodian": "KH", "Cameroonian": "CM", "Canadian": "CA",
    "Cape Verdean": "CV", "Cayman Islander": "KY", "Central African": "CF", "Chadian": "TD", "Chilean": "CL",
    "Chinese": "CN", "Citizen of Antigua and Barbuda": "AG", "Citizen of Bosnia and Herzegovina": "BA",
    "Citizen of Guinea-Bissau": "GW", "Citizen of Kiribati": "KI", "Citizen of Seychelles": "SC",
    "Citizen of the Dominican Republic": "DO", "Citizen of Vanuatu": "VU", "Colombian": "CO", "Comoran": "KM",
    "Congolese (Congo)": "CG", "Congolese (DRC)": "CD", "Cook Islander": "CK", "Costa Rican": "CR",
    "Croatian": "HR", "Cuban": "CU", "Cypriot": "CY", "Czech": "CZ", "Danish": "DK", "Djiboutian": "DJ",
    "Dominican": "DM", "Dutch": "NL", "East Timorese": "TL", "Ecuadorean": "EC", "Egyptian": "EG",
    "Emirati": "AE", "English": "GB", "Equatorial Guinean": "GQ", "Eritrean": "ER", "Estonian": "EE",
    "Ethiopian": "ET", "Faroese": "FO", "Fijian": "FJ", "Filipino": "PH", "Finnish": "FI", "French": "FR",
    "Gabonese": "GA", "Gambian": "GM", "Georgian": "GE", "German": "DE", "Ghanaian": "GH",
    "Gibraltarian": "GI", "Greek": "GR", "Greenlandic": "GL", "Grenadian": "GD", "Guamanian": "GU",
    "Guatemalan": "GT", "Guinean": "GN", "Guyanese": "GY", "Haitian": "HT", "Honduran": "HN",
    "Hong Konger": "HK", "Hungarian": "HU", "Icelandic": "IS", "Indian": "IN", "Indonesian": "ID",
    "Iranian": "IR", "Iraqi": "IQ", "Irish": "IE", "Israeli": "IL", "Italian": "IT", "Ivorian": "CI",
    "Jamaican": "JM", "Japanese": "JP", "Jordanian": "JO", "Kazakh": "KZ", "Kenyan": "KE", "Kittitian": "KN",
    "Kosovan": None, "Kuwaiti": "KW", "Kyrgyz": "KG", "Lao": "LA", "Latvian": "LV", "Lebanese": "LB",
    "Liberian": "LR", "Libyan": "LY", "Liechtenstein citizen": "LI", "Lithuanian": "LT", "Luxembourger": "LU",
    "Macanese": "MO", "Macedonian": "MK", "Malagasy": "MG", "Malawian": "MW", "Malaysian": "MY",
    "Maldivian": "MV", "Malian": "ML", "Maltese": "MT", "Marshallese": "MH", "Martiniquais": "MQ",
    "Mauritanian": "MR", "Mauritian": "MU", "Mexican": "MX", "Micronesian": "FM", "Moldovan": "MD",
    "Monegasque": "MC", "Mongolian": "MN", "Montenegrin": "ME", "Montserratian": "MS", "Moroccan": "MA",
    "Mosotho": "LS", "Mozambican": "MZ", "Namibian": "NA", "Nauruan": "NR", "Nepalese": "NP",
    "New Zealander": "NZ", "Nicaraguan": "NI", "Nigerian": "NG", "Nigerien": "NE", "Niuean": "NU",
    "North Korean": "KP", "Northern Irish": "GB", "Norwegian": "NO", "Omani": "OM", "Pakistani": "PK",
    "Palauan": "PW", "Palestinian": "PS", "Panamanian": "PA", "Papua New Guinean": "PG", "Paraguayan": "PY",
    "Peruvian": "PE", "Pitcairn Islander": "PN", "Polish": "PL", "Portuguese": "PT", "Puerto Rican": "PR",
    "Qatari": "QA", "Romanian": "RO", "Russian": "RU", "Rwandan": "RW", "Salvadorean": "SV",
    "Sammarinese": "SM", "Samoan": "WS", "Sao Tomean": "ST", "Saudi Arabian": "SA", "Scottish": "GB",
    "Senegalese": "SN", "Serbian": "RS", "Sierra Leonean": "SL", "Singaporean": "SG", "Slovak": "SK",
    "Slovenian": "SI", "Solomon Islander": "SB", "Somali": "SO", "South African": "ZA", "South Korean": "KR",
    "South Sudanese": "SS", "Spanish": "ES", "Sri Lankan": "LK", "St Helenian": "SH", "St Lucian": "LC",
    "Sudanese": "SD", "Surinamese": "SR", "Swazi": "SZ", "Swedish": "SE", "Swiss": "CH", "Syrian": "SY",
    "Taiwanese": "TW", "Tajik": "TJ", "Tanzanian": "TZ", "Thai": "TH", "Togolese": "TG", "Tongan": "TO",
    "Trinidadian": "TT", "Tristanian": "SH", "Tunisian": "TN", "Turkish": "TR", "Turkmen": "TM",
    "Turks and Caicos Islander": "TC", "Tuvaluan": "TV", "Ugandan": "UG", "Ukrainian": "UA",
    "Uruguayan": "UY", "Uzbek": "UZ", "Vatican citizen": "VA", "Venezuelan": "VE", "Vietnamese": "VN",
    "Vincentian": "VC", "Wallisian": "WF", "Welsh": "GB", "Yemeni": "YE", "Zambian": "ZM", "Zimbabwean": "ZW",
}  # fmt: skip

# Names referrers write for languages that ISO 639 spells differently.
LANGUAGE_SYNONYMS: dict[str, str] = {
    "pashto": "ps", "farsi": "fa", "sorani": "ckb", "kurdish sorani": "ckb", "kurmanji": "kmr",
    "punjabi": "pa", "swahili": "sw", "romani": "rom", "mandarin": "cmn", "cantonese": "yue",
    "sylheti": "syl", "patois": "jam", "jamaican patois": "jam",
}  # fmt: skip

UNDER_AGE_NO_MESSAGE = (
    "This service takes referrals of children: the form says the person is not under 18. "
    "Refer adults through the Home Office's online form."
)


EXAMPLE_FORM = {
    "reference": "NB-0412",
    "fr-location": "england",
    "pv-under-age": "yes",
    "local-authority-contacted-about-child-local-authority-name": "Northbridge City Council",
    "what-happened": "She was recruited online and moved between flats to sell drugs.",
    "where-exploitation-happened": "uk",
    "types-of-exploitation-forced-to-commit-crime": True,
    "pv-name-first-name": "Elira",
    "pv-name-last-name": "Krasniqi",
    "pv-dob": "2010-02-14",
    "pv-gender": "female",
    "pv-nationality": "Albanian",
    "pv-interpreter-requirements": "yes",
    "pv-interpreter-requirements-language": "Albanian",
    "fr-details-first-name": "Priya",
    "fr-details-last-name": "Shah",
    "fr-details-role": "Social worker",
    "fr-details-phone": "0100 000 0200",
}


class _HomeOfficeForm(Strict):
    # Fields of other versions of the form are accepted and kept verbatim.
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE_FORM]})


def _schema() -> type[Strict]:
    fields: dict[str, Any] = {}
    for name, options in CHOICES.items():
        fields[name] = (Literal[options] | None, Field(None, alias=name))  # type: ignore[valid-type]
    for name, options in GROUPS.items():
        # One ticked box may come as a plain string.
        ticked = Annotated[list[Literal[options]], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]  # type: ignore[valid-type]
        fields[name] = (ticked | None, Field(None, alias=name))
    for name in CHECKBOXES:
        fields[name] = (bool | None, Field(None, alias=name))  # true, or the strings "true"/"on"
    for name in TEXTS:
        fields[name] = (str | None, Field(None, alias=name, max_length=MAX_TEXT))
    fields = {name.replace("-", "_"): spec for name, spec in fields.items()}
    return create_model(
        "HomeOfficeFormIn",
        __base__=_HomeOfficeForm,
        __doc__="A referral in the field vocabulary of the Home Office online NRM form (UKHomeOffice/modern-slavery, "
        "apps/nrm/fields). Fields not listed are accepted and kept verbatim.",
        **fields,
    )


HomeOfficeFormIn = _schema()


@dataclass
class MappedReferral:
    fields: dict[str, Any] = field(default_factory=dict)
    unmapped: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, name: str, message: str) -> None:
        self.errors.append({"field": name, "message": message})

    def errors_for(self, name: str) -> bool:
        return any(e["field"] == name for e in self.errors)


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _ticked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in {"true", "on"})


def _fits(result: MappedReferral, name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        result.error(name, f"Too long for a referral: at most {limit} characters")
        return ""
    return value


def language_code(name: str) -> str | None:
    """The ISO 639 code of a language written as a name ("Albanian", "Tigrinya", "Pashto")."""
    wanted = name.strip().lower()
    if wanted in LANGUAGE_SYNONYMS:
        return LANGUAGE_SYNONYMS[wanted]
    for code, label in vocab.languages():
        if label.lower() == wanted or code == wanted:
            return code
    return None


def _date_of_birth(form: dict[str, Any], result: MappedReferral) -> date | None:
    raw = _text(form, "pv-dob")
    name = "pv-dob"
    if not raw and any(_text(form, f"pv-dob-{part}") for part in ("day", "month", "year")):
        day, month, year = (_text(form, f"pv-dob-{part}") for part in ("day", "month", "year"))
        raw = f"{year:0>4}-{month:0>2}-{day:0>2}" if day.isdigit() and month.isdigit() and year.isdigit() else "?"
        name = "pv-dob-day"
    if not raw:
        result.error(
            "pv-dob", "The form gives no date of birth: a referral needs the child's date of birth to be routed"
        )
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        result.error(name, "Enter the date of birth as a real date, like 2010-04-30")
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        result.error(name, "Enter the date of birth as a real date, like 2010-04-30")
        return None
    if value > timezone.localdate() or value.year < 1900:
        result.error(name, "The date of birth must be in the past")
        return None
    return value


def map_form(form: dict[str, Any]) -> MappedReferral:
    """Map a Home Office form submission to referral fields; keep every other field verbatim."""
    result = MappedReferral()
    used: set[str] = set()
    out = result.fields

    def take(*names: str) -> None:
        used.update(names)

    # The child
    take("pv-name-first-name", "pv-name-last-name", "pv-name-nickname")
    out["given_names"] = _fits(result, "pv-name-first-name", _text(form, "pv-name-first-name"), 200)
    out["family_name"] = _fits(result, "pv-name-last-name", _text(form, "pv-name-last-name"), 200)
    if not out["given_names"] and not out["family_name"] and not result.errors_for("pv-name-first-name"):
        result.error("pv-name-first-name", "Enter the child's first name or last name")
    nickname = _fits(result, "pv-name-nickname", _text(form, "pv-name-nickname"), 200)
    out["aliases"] = [{"given_names": nickname, "family_name": ""}] if nickname else []

    take("pv-dob", "pv-dob-day", "pv-dob-month", "pv-dob-year")
    out["date_of_birth"] = _date_of_birth(form, result)

    take("pv-under-age")
    under_age = form.get("pv-under-age")
    if under_age == "no":
        result.error("pv-under-age", UNDER_AGE_NO_MESSAGE)
    out["age_uncertain"] = under_age == "not-sure"

    take("pv-gender")
    gender = form.get("pv-gender")
    if gender is None:
        result.error("pv-gender", "Select the child's gender: female, male or unknown")
    out["sex"] = {"female": "female", "male": "male"}.get(gender or "", "not_known")
    out["gender_identity"] = "Does not identify as male or female" if gender == "unknown" else ""

    nationalities = []
    for name in ("pv-nationality", "pv-nationality-second"):
        value = _text(form, name)
        code = NATIONALITIES.get(value) or NATIONALITIES.get(value.strip())
        if code:
            take(name)
            nationalities.append(code)
        elif value == "Unknown" or not value:
            take(name)
    out["nationalities"] = list(dict.fromkeys(nationalities))

    take("pv-interpreter-requirements")
    interpreter = form.get("pv-interpreter-requirements")
    out["interpreter_needed"] = {"yes": True, "no": False}.get(interpreter or "")
    language = _text(form, "pv-interpreter-requirements-language")
    code = language_code(language) if language else None
    out["languages"] = [code] if code else []
    if code or not language:
        take("pv-interpreter-requirements-language")

    take("local-authority-contacted-about-child-local-authority-name")
    authority_name = _text(form, "local-authority-contacted-about-child-local-authority-name")
    authority = (
        Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, name__iexact=authority_name, active=True)
        .order_by("pk")
        .first()
        if authority_name
        else None
    )
    if authority is None:
        result.error(
            "local-authority-contacted-about-child-local-authority-name",
            "Name a local authority that uses this service: the referral is routed by the child's local authority",
        )
    out["residence_local_authority"] = authority

    take("current-pv-location-uk-city", "current-pv-location-uk-region")
    place = [_text(form, "current-pv-location-uk-city"), _text(form, "current-pv-location-uk-region")]
    out["found_location"] = ", ".join(p for p in place if p and p.lower() != "unknown")

    address_parts = ("pv-contact-details-street", "pv-contact-details-town", "pv-contact-details-county")
    take(*address_parts, "pv-contact-details-postcode")
    out["address"] = "\n".join(
        p for p in (*(_text(form, n) for n in address_parts), _text(form, "pv-contact-details-postcode")) if p
    )

    # The exploitation
    take("where-exploitation-happened")
    out["exploitation_location"] = {"uk": "uk", "overseas": "overseas", "uk-and-overseas": "both"}.get(
        form.get("where-exploitation-happened") or "", ""
    )
    types = [kind for name, kind in EXPLOITATION_TICKS.items() if _ticked(form.get(name))]
    out["exploitation_types"] = list(dict.fromkeys(str(t) for t in types))
    if not types:
        result.error("types-of-exploitation-forced-to-work", "Tick at least one type of exploitation")

    take("what-happened")
    out["account"] = _text(form, "what-happened")
    if not out["account"]:
        result.error("what-happened", "Enter what the child said happened")

    # The referrer
    take("fr-details-first-name", "fr-details-last-name", "fr-details-role", "fr-details-phone")
    referrer = " ".join(p for p in (_text(form, "fr-details-first-name"), _text(form, "fr-details-last-name")) if p)
    out["referrer_name"] = _fits(result, "fr-details-first-name", referrer, 200)
    if not referrer:
        result.error("fr-details-first-name", "Enter the referrer's name")
    out["referrer_job_title"] = _fits(result, "fr-details-role", _text(form, "fr-details-role"), 200)
    out["referrer_phone"] = _fits(result, "fr-details-phone", _text(form, "fr-details-phone"), 40)
    email_field = "user-email" if _text(form, "user-email") else "fr-alternative-contact"
    take(email_field)
    email = _text(form, email_field)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            result.error(email_field, "Enter an email address in the correct format, like name@example.org")
            email = ""
    out["referrer_email"] = _fits(result, email_field, email, 254)
    if not out["referrer_email"] and not out["referrer_phone"] and not result.errors_for(email_field):
        result.error("fr-details-phone", "Enter a phone number or email address for the referrer")

    # Kept as sent: every field not mapped one-to-one (the exploitation ticks included: ours are coarser).
    result.unmapped = {name: value for name, value in form.items() if name not in used}
    result.fields = {name: value for name, value in out.items() if name in _REFERRAL_FIELDS}
    return result


_REFERRAL_FIELDS = {f.name for f in Referral._meta.get_fields() if getattr(f, "concrete", False)}
