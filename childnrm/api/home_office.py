"""Import a child's referral written exactly as the Home Office online NRM form saves it.

The form's fields, options, labels and sections are in `childnrm.api.home_office_form` (written from
UKHomeOffice/modern-slavery at the commit recorded there). The form posts one flat object of field
name → value: strings; `""` for an unticked checkbox and `"true"` for a ticked one; `""` for a
question left blank; the date of birth as `pv-dob` (YYYY-MM-DD) or `pv-dob-day`/`-month`/`-year`.

What becomes of each field (the full table, with every option, is docs/home-office-form-mapping.md):
- The child's identity, age, gender, nationalities, Home Office reference, interpreter and language,
  local authority, current location, exploitation types and location, the referrer: structured
  referral fields.
- Every field the form defines, with a value, also lands in a labelled section of the referral
  (`Referral.form_sections`), under the form's own headings and labels, options shown by their
  labels: the panel reads the form as the first responder wrote it, never raw keys.
- The narrative questions together become the referral's account, each under its own heading.
- The form's reference ("Your reference") is `Referral.form_reference`, unique per organisation.
- `upload-file`: the files sent with the form, each `{"name", "content" (base64), "content_type"?,
  "description"?}` (one, or a list of up to MAX_FORM_DOCUMENTS). Each goes through the document
  checks and is stored privately with the referral, as the journey's uploads are. A bare string
  (a name only, as older callers send) is kept as today: the name, under its label.
- Fields the catalogue does not know (other versions of the form) are kept verbatim in
  `Referral.unmapped` and shown in their own section, their names turned into words.

Select fields are checked against the form's own lists (`childnrm.api.home_office_lists`, copied
from the form's `ms-lists/` with their commits): country, UK city or town, UK region, police force,
organisation, nationality and local authority. An answer not on its field's list is an error named by
the field, in the form's wording ("You must select a police force from the list: “…” is not one of
the form's police forces"); all such errors are reported together, with the other problems, and
nothing is saved. Nothing is dropped: a nationality or a local authority not on the form's list, or a
local authority on it that this service does not know, is an error naming the field, not a silent
omission. An answer on the list that our own vocabulary cannot map (a nationality with no ISO 3166
code, such as "Kosovan" or "Unknown") is imported and kept, with the form's label, in its section.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PureWindowsPath
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model

from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.api import home_office_form as catalogue
from childnrm.api import home_office_lists as form_lists
from childnrm.api.home_office_form import BY_NAME, DATE_PARTS, FIELDS, LIST_FIELDS, FormField
from childnrm.api.schemas import Strict
from childnrm.api.services import IncomingDocument
from childnrm.kit.dates import long_date
from childnrm.kit.uploads import MEGABYTE, max_file_bytes
from childnrm.referrals import rules, vocab
from childnrm.referrals.documents import MAX_DOCUMENT_BYTES, MESSAGE_EMPTY, MESSAGE_TOO_BIG
from childnrm.referrals.models import Referral

SOURCE = f"{catalogue.FORM_REPOSITORY} apps/nrm/fields/index.js @ {catalogue.FORM_COMMIT}"
OTHER_ANSWERS = "Other answers sent with the form"

# `upload-file`: the files sent with one form. The form itself takes up to 100 (limit-documents.js);
# ten is what the journey and an agency's answer take in one request, and keeps a request's body
# (base64 is a third bigger) within the upload limit of kit.uploads.
UPLOAD_FIELD = "upload-file"
MAX_FORM_DOCUMENTS = 10
FILE_PARTS = ("name", "content", "content_type", "description")
FILE_SHAPE = (
    'Send each file as {"name": "…", "content": "<the file in base64>"} (with "content_type" and "description" '
    "if you have them), one file or a list of them; or the file's name alone, as text"
)

# The form's nationalities (home_office_lists/ms_nationalities.json, values trimmed) → ISO 3166-1
# alpha-2. None, or a value of the list missing here: no ISO code; imported and kept with its label.
NATIONALITIES: dict[str, str | None] = {
    "Unknown": None,
    "Afghan": "AF",
    "Albanian": "AL",
    "Algerian": "DZ",
    "American": "US",
    "Andorran": "AD",
    "Angolan": "AO",
    "Anguillan": "AI",
    "Argentine": "AR",
    "Armenian": "AM",
    "Australian": "AU",
    "Austrian": "AT",
    "Azerbaijani": "AZ",
    "Bahamian": "BS",
    "Bahraini": "BH",
    "Bangladeshi": "BD",
    "Barbadian": "BB",
    "Belarusian": "BY",
    "Belgian": "BE",
    "Belizean": "BZ",
    "Beninese": "BJ",
    "Bermudian": "BM",
    "Bhutanese": "BT",
    "Bolivian": "BO",
    "Botswanan": "BW",
    "Brazilian": "BR",
    "British": "GB",
    "British Virgin Islander": "VG",
    "Bruneian": "BN",
    "Bulgarian": "BG",
    "Burkinan": "BF",
    "Burmese": "MM",
    "Burundian": "BI",
    "Cambodian": "KH",
    "Cameroonian": "CM",
    "Canadian": "CA",
    "Cape Verdean": "CV",
    "Cayman Islander": "KY",
    "Central African": "CF",
    "Chadian": "TD",
    "Chilean": "CL",
    "Chinese": "CN",
    "Citizen of Antigua and Barbuda": "AG",
    "Citizen of Bosnia and Herzegovina": "BA",
    "Citizen of Guinea-Bissau": "GW",
    "Citizen of Kiribati": "KI",
    "Citizen of Seychelles": "SC",
    "Citizen of the Dominican Republic": "DO",
    "Citizen of Vanuatu": "VU",
    "Colombian": "CO",
    "Comoran": "KM",
    "Congolese (Congo)": "CG",
    "Congolese (DRC)": "CD",
    "Cook Islander": "CK",
    "Costa Rican": "CR",
    "Croatian": "HR",
    "Cuban": "CU",
    "Cypriot": "CY",
    "Czech": "CZ",
    "Danish": "DK",
    "Djiboutian": "DJ",
    "Dominican": "DM",
    "Dutch": "NL",
    "East Timorese": "TL",
    "Ecuadorean": "EC",
    "Egyptian": "EG",
    "Emirati": "AE",
    "English": "GB",
    "Equatorial Guinean": "GQ",
    "Eritrean": "ER",
    "Estonian": "EE",
    "Ethiopian": "ET",
    "Faroese": "FO",
    "Fijian": "FJ",
    "Filipino": "PH",
    "Finnish": "FI",
    "French": "FR",
    "Gabonese": "GA",
    "Gambian": "GM",
    "Georgian": "GE",
    "German": "DE",
    "Ghanaian": "GH",
    "Gibraltarian": "GI",
    "Greek": "GR",
    "Greenlandic": "GL",
    "Grenadian": "GD",
    "Guamanian": "GU",
    "Guatemalan": "GT",
    "Guinean": "GN",
    "Guyanese": "GY",
    "Haitian": "HT",
    "Honduran": "HN",
    "Hong Konger": "HK",
    "Hungarian": "HU",
    "Icelandic": "IS",
    "Indian": "IN",
    "Indonesian": "ID",
    "Iranian": "IR",
    "Iraqi": "IQ",
    "Irish": "IE",
    "Israeli": "IL",
    "Italian": "IT",
    "Ivorian": "CI",
    "Jamaican": "JM",
    "Japanese": "JP",
    "Jordanian": "JO",
    "Kazakh": "KZ",
    "Kenyan": "KE",
    "Kittitian": "KN",
    "Kosovan": None,
    "Kuwaiti": "KW",
    "Kyrgyz": "KG",
    "Lao": "LA",
    "Latvian": "LV",
    "Lebanese": "LB",
    "Liberian": "LR",
    "Libyan": "LY",
    "Liechtenstein citizen": "LI",
    "Lithuanian": "LT",
    "Luxembourger": "LU",
    "Macanese": "MO",
    "Macedonian": "MK",
    "Malagasy": "MG",
    "Malawian": "MW",
    "Malaysian": "MY",
    "Maldivian": "MV",
    "Malian": "ML",
    "Maltese": "MT",
    "Marshallese": "MH",
    "Martiniquais": "MQ",
    "Mauritanian": "MR",
    "Mauritian": "MU",
    "Mexican": "MX",
    "Micronesian": "FM",
    "Moldovan": "MD",
    "Monegasque": "MC",
    "Mongolian": "MN",
    "Montenegrin": "ME",
    "Montserratian": "MS",
    "Moroccan": "MA",
    "Mosotho": "LS",
    "Mozambican": "MZ",
    "Namibian": "NA",
    "Nauruan": "NR",
    "Nepalese": "NP",
    "New Zealander": "NZ",
    "Nicaraguan": "NI",
    "Nigerian": "NG",
    "Nigerien": "NE",
    "Niuean": "NU",
    "North Korean": "KP",
    "Northern Irish": "GB",
    "Norwegian": "NO",
    "Omani": "OM",
    "Pakistani": "PK",
    "Palauan": "PW",
    "Palestinian": "PS",
    "Panamanian": "PA",
    "Papua New Guinean": "PG",
    "Paraguayan": "PY",
    "Peruvian": "PE",
    "Pitcairn Islander": "PN",
    "Polish": "PL",
    "Portuguese": "PT",
    "Puerto Rican": "PR",
    "Qatari": "QA",
    "Romanian": "RO",
    "Russian": "RU",
    "Rwandan": "RW",
    "Salvadorean": "SV",
    "Sammarinese": "SM",
    "Samoan": "WS",
    "Sao Tomean": "ST",
    "Saudi Arabian": "SA",
    "Scottish": "GB",
    "Senegalese": "SN",
    "Serbian": "RS",
    "Sierra Leonean": "SL",
    "Singaporean": "SG",
    "Slovak": "SK",
    "Slovenian": "SI",
    "Solomon Islander": "SB",
    "Somali": "SO",
    "South African": "ZA",
    "South Korean": "KR",
    "South Sudanese": "SS",
    "Spanish": "ES",
    "Sri Lankan": "LK",
    "St Helenian": "SH",
    "St Lucian": "LC",
    "Sudanese": "SD",
    "Surinamese": "SR",
    "Swazi": "SZ",
    "Swedish": "SE",
    "Swiss": "CH",
    "Syrian": "SY",
    "Taiwanese": "TW",
    "Tajik": "TJ",
    "Tanzanian": "TZ",
    "Thai": "TH",
    "Togolese": "TG",
    "Tongan": "TO",
    "Trinidadian": "TT",
    "Tristanian": "SH",
    "Tunisian": "TN",
    "Turkish": "TR",
    "Turkmen": "TM",
    "Turks and Caicos Islander": "TC",
    "Tuvaluan": "TV",
    "Ugandan": "UG",
    "Ukrainian": "UA",
    "Uruguayan": "UY",
    "Uzbek": "UZ",
    "Vatican citizen": "VA",
    "Venezuelan": "VE",
    "Vietnamese": "VN",
    "Vincentian": "VC",
    "Wallisian": "WF",
    "Welsh": "GB",
    "Yemeni": "YE",
    "Zambian": "ZM",
    "Zimbabwean": "ZW",
}

# Names referrers write for languages that ISO 639 spells differently.
LANGUAGE_SYNONYMS: dict[str, str] = {
    "pashto": "ps",
    "farsi": "fa",
    "sorani": "ckb",
    "kurdish sorani": "ckb",
    "kurmanji": "kmr",
    "punjabi": "pa",
    "swahili": "sw",
    "romani": "rom",
    "mandarin": "cmn",
    "cantonese": "yue",
    "sylheti": "syl",
    "patois": "jam",
    "jamaican patois": "jam",
}

# Our exploitation types are coarser than the form's ticks: several ticks map to one type.
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

# Form field → the referral field(s) it fills (besides its labelled section). Read by the coverage
# script and the mapping document; `map_form` is what actually fills them.
STRUCTURED: dict[str, str] = {
    "reference": "form_reference",
    "pv-name-first-name": "given_names",
    "pv-name-last-name": "family_name",
    "pv-name-nickname": "aliases",
    "pv-dob": "date_of_birth",
    "pv-under-age": "age_uncertain (not-sure); refused when no",
    "pv-gender": "sex, gender_identity",
    "pv-nationality": "nationalities",
    "pv-nationality-second": "nationalities",
    "pv-ho-reference": "home_office_reference (when yes: pv-ho-reference-type's text)",
    "pv-ho-reference-type": "home_office_reference (when pv-ho-reference is yes; at most 200 characters)",
    "pv-interpreter-requirements": "interpreter_needed",
    "pv-interpreter-requirements-language": "languages (when an ISO 639 language)",
    "local-authority-contacted-about-child-local-authority-name": "residence_local_authority",
    "current-pv-location-uk-city": "found_location, found_local_authority (a council of that name)",
    "current-pv-location-uk-region": "found_location",
    "where-exploitation-happened": "exploitation_location",
    **{name: "exploitation_types" for name in EXPLOITATION_TICKS},
    **{f.name: "account" for f in FIELDS if f.narrative},
    "fr-details-first-name": "referrer_name",
    "fr-details-last-name": "referrer_name",
    "fr-details-role": "referrer_job_title",
    "fr-details-phone": "referrer_phone",
    "user-email": "referrer_email",
    "fr-alternative-contact": "referrer_email (when no user-email)",
    UPLOAD_FIELD: "documents (each file sent with its content: checked, then stored with the referral)",
}

# A question asked only after a given answer to another: (the other field, its value, this field).
DEPENDENT: tuple[tuple[str, str, str, str], ...] = (
    ("types-of-exploitation-other", "true", "other-exploitation-details", "Please enter other type of exploitation"),
    ("reported-to-police", "yes", "reported-to-police-police-forces", "You must select a police force from the list"),
    ("reported-to-police", "yes", "reported-to-police-crime-reference", "You must enter a crime or CAD reference"),
    ("pv-interpreter-requirements", "yes", "pv-interpreter-requirements-language", "You must enter a language"),
    (
        "pv-other-help-with-communication",
        "yes",
        "pv-other-help-with-communication-aid",
        "You must enter the communication aid",
    ),
    ("pv-ho-reference", "yes", "pv-ho-reference-type", "You must enter a reference number"),
    ("does-pv-have-children", "yes", "does-pv-have-children-yes-amount", "You must enter the number of children"),
    (
        "were-they-taken-somewhere-by-their-exploiter",
        "yes",
        "were-they-taken-somewhere-by-their-exploiter-journey-details",
        "Enter the journey's details",
    ),
    ("future-exploitation-concerns", "yes", "future-exploitation-reasons", "Tell us why there are concerns"),
)

UNDER_AGE_NO_MESSAGE = (
    "This service takes referrals of children: the form says the person is not under 18. "
    "Refer adults through the Home Office's online form."
)

EXAMPLE_FORM = {
    "reference": "NB-0412",
    "user-organisation": "Manchester City Council",
    "fr-location": "england",
    "pv-under-age": "yes",
    "local-authority-contacted-about-child-local-authority-name": "Manchester City Council",
    "how-did-the-exploitation-start": "An older man offered her money and a phone.",
    "what-were-they-required-to-do": "Hold and sell drugs; answer a phone at all hours.",
    "where-exploitation-happened": "uk",
    "types-of-exploitation-forced-to-work": "",
    "types-of-exploitation-forced-to-commit-crime": "true",
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


# --- The form's encodings, checked field by field ---------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _option_check(spec: FormField):
    def check(value: Any) -> Any:
        if _blank(value):
            return None
        if not isinstance(value, str) or value not in spec.options:
            raise ValueError(
                f"“{str(value)[:60]}” is not an answer the form offers to “{spec.label}”: use one of "
                + ", ".join(f"'{v}' ({label})" for v, label in spec.options.items())
            )
        return value

    return check


def _checkbox(value: Any) -> Any:
    # The form saves a ticked box as "true" and an unticked one as "" (or leaves it out).
    if value is True or (isinstance(value, str) and value.strip().lower() in {"true", "on"}):
        return True
    if value is False or _blank(value) or (isinstance(value, str) and value.strip().lower() == "false"):
        return False
    raise ValueError('A checkbox is "true" when ticked and "" when not')


def _group_check(spec: FormField):
    def check(value: Any) -> Any:
        if _blank(value):
            return None
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(not isinstance(v, str) or v not in spec.options for v in values):
            raise ValueError(
                f"Tick any of the form's options for “{spec.label}”: " + ", ".join(f"'{v}'" for v in spec.options)
            )
        return values

    return check


def _text_check(spec: FormField):
    def check(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"“{spec.label}” is text: send it as a JSON string")
        if len(value) > spec.max_length:
            raise ValueError(f"You must enter no more than {spec.max_length:,} characters")
        return value

    return check


def _listed(spec: FormField) -> dict[str, str]:
    """The answers a select field allows: the form's list for it (trimmed value → label)."""
    return form_lists.allowed(spec.option_list, spec.option_list_excludes)


def list_error(spec: FormField, value: Any) -> str | None:
    """The form's wording for an answer not on the field's list; None for one on it, or left blank."""
    if not isinstance(value, str) or not value.strip():
        return None  # unanswered; or not text, which the schema reports
    answer = value.strip()
    if answer in _listed(spec):
        return None
    if answer in spec.option_list_excludes:
        return f"{spec.list_message}: “{answer[:100]}” is not one of the form's answers to “{spec.label}”"
    noun = form_lists.form_list(spec.option_list).noun
    return f"{spec.list_message}: “{answer[:100]}” is not one of the form's {noun}"


def list_errors(form: Any) -> list[dict[str, str]]:
    """Every select answer that is not on its own list of the form, in the form's field order.

    Takes any JSON (also the body of a request the schema refused, so these are reported with the
    schema's errors): only text answers are judged here.
    """
    if not isinstance(form, dict):
        return []
    errors = []
    for spec in LIST_FIELDS:
        message = list_error(spec, form.get(spec.name))
        if message:
            errors.append({"field": spec.name, "message": message})
    return errors


_FILE_OBJECT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 255, "description": "The file's name"},
        "content": {"type": "string", "format": "byte", "description": "The file's content, in base64"},
        "content_type": {"type": "string", "maxLength": 100, "description": "As sent; the content decides"},
        "description": {"type": "string", "maxLength": 200, "description": "What the document is"},
    },
    "required": ["name", "content"],
    "additionalProperties": False,
}
_FILE_SCHEMA = {
    "anyOf": [
        {"type": "string", "maxLength": catalogue.MAX_TEXT, "description": "The file's name only (older callers)"},
        _FILE_OBJECT,
        {"type": "array", "items": _FILE_OBJECT, "maxItems": MAX_FORM_DOCUMENTS},
        {"type": "null"},
    ]
}


def _file_check(value: Any) -> Any:
    """`upload-file`'s shape: a name only, or files with their content (decoded and checked by map_form)."""
    if _blank(value) or value == []:
        return None
    if isinstance(value, str):
        if len(value) > catalogue.MAX_TEXT:
            raise ValueError(f"You must enter no more than {catalogue.MAX_TEXT:,} characters")
        return value
    if not isinstance(value, dict | list):
        raise ValueError(FILE_SHAPE)
    files = value if isinstance(value, list) else [value]
    if len(files) > MAX_FORM_DOCUMENTS:
        raise ValueError(f"Send {MAX_FORM_DOCUMENTS} files or fewer with a form: you sent {len(files)}")
    for position, item in enumerate(files, 1):
        where = f"File {position}" if isinstance(value, list) else "The file"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: {FILE_SHAPE}")
        unknown = sorted(set(item) - set(FILE_PARTS))
        if unknown:
            raise ValueError(f"{where}: “{str(unknown[0])[:60]}” is not part of a file. {FILE_SHAPE}")
        name = item.get("name")
        if not isinstance(name, str) or not _file_name(name):
            raise ValueError(f'{where}: You must enter the file\'s name ("name")')
        if len(name) > 255:
            raise ValueError(f"{where}: The file's name must be 255 characters or fewer")
        if not isinstance(item.get("content"), str):
            raise ValueError(f'{where} (“{name[:100]}”): Send the file\'s content, in base64, as "content"')
        for part, limit in (("content_type", 100), ("description", 200)):
            given = item.get(part)
            if given is not None and (not isinstance(given, str) or len(given) > limit):
                raise ValueError(f'{where} (“{name[:100]}”): "{part}" must be text of {limit} characters or fewer')
    return value


def _schema_field(spec: FormField) -> tuple[Any, Any]:
    """The field's type, and the JSON Schema published for it (the form's own encodings and options)."""
    about = f"“{spec.label}”."
    if spec.kind == "radio":
        published = {"anyOf": [{"type": "string", "enum": list(spec.options)}, {"const": ""}, {"type": "null"}]}
        kind = Annotated[str | None, BeforeValidator(_option_check(spec)), WithJsonSchema(published)]
        return kind, Field(None, alias=spec.name, description=f'{about} One of the form\'s options; "" if unanswered.')
    if spec.kind == "checkbox":
        published = {"anyOf": [{"type": "string", "enum": ["true", ""]}, {"type": "boolean"}, {"type": "null"}]}
        kind = Annotated[bool | None, BeforeValidator(_checkbox), WithJsonSchema(published)]
        return kind, Field(None, alias=spec.name, description=f'{about} "true" when ticked, "" when not.')
    if spec.kind == "checkbox-group":
        ticks = {"type": "string", "enum": list(spec.options)}
        published = {"anyOf": [{"type": "array", "items": ticks}, ticks, {"const": ""}, {"type": "null"}]}
        kind = Annotated[list[str] | None, BeforeValidator(_group_check(spec)), WithJsonSchema(published)]
        return kind, Field(None, alias=spec.name, description=f"{about} The boxes ticked.")
    if spec.kind == "file":
        return Annotated[Any, BeforeValidator(_file_check), WithJsonSchema(_FILE_SCHEMA)], Field(
            None,
            alias=spec.name,
            description=(
                f"{about} The files sent with the form: one file or a list of up to {MAX_FORM_DOCUMENTS}, each "
                '{"name", "content" (the file in base64), "content_type" (optional), "description" (optional)}. '
                "Each is checked like an upload in the referral journey (a PDF, PNG, JPEG or Word document, "
                f"smaller than {MAX_DOCUMENT_BYTES // MEGABYTE}MB, without scripts, macros or hidden files) and "
                "stored with the referral; if any is refused, nothing is imported. A bare string (the file's name "
                "only, as older callers send) is still accepted: the name is listed under its label, no file is stored."
            ),
        )
    published = {"anyOf": [{"type": "string", "maxLength": spec.max_length}, {"type": "null"}]}
    kind = Annotated[str | None, BeforeValidator(_text_check(spec)), WithJsonSchema(published)]
    if spec.option_list:
        # The lists run to 1,600 values: named here, checked by map_form (and reported with any schema errors).
        known = form_lists.form_list(spec.option_list)
        description = (
            f"{about} One of the form's {known.noun} (the value the form saves), as in {known.source['path']} of "
            f'{known.source["repository"]} at {known.source["commit"][:12]}; "" if unanswered.'
        )
        if spec.option_list_excludes:
            description += " Not " + ", ".join(f"“{v}”" for v in spec.option_list_excludes) + "."
        return kind, Field(None, alias=spec.name, description=description)
    return kind, Field(None, alias=spec.name, description=about)


class _HomeOfficeForm(Strict):
    # Fields of other versions of the form are accepted and kept verbatim.
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [EXAMPLE_FORM]})


def _schema() -> type[Strict]:
    fields: dict[str, Any] = {spec.name.replace("-", "_"): _schema_field(spec) for spec in FIELDS}
    for part in DATE_PARTS:
        fields[part.replace("-", "_")] = (str | None, Field(None, alias=part, max_length=4))
    return create_model(
        "HomeOfficeFormIn",
        __base__=_HomeOfficeForm,
        __doc__=(
            f"A child's referral in the fields of the Home Office online NRM form ({SOURCE}), encoded as the "
            'form saves it: checkboxes "true" or "", blank answers "". Every answer is checked against the '
            "form's own options. Rules that involve two fields: a name (first or last) is required; the "
            "date of birth is optional (without one the Single Competent Authority decides); at least one "
            "types-of-exploitation-* box is ticked; a follow-up question (e.g. reported-to-police-crime-reference "
            'after reported-to-police "yes") is required when its question was answered that way; '
            "`reference` is unique per organisation: the same submission again returns the existing referral "
            "(200), a changed one with the same reference is refused (409). Fields not listed are accepted and "
            "kept verbatim."
        ),
        **fields,
    )


HomeOfficeFormIn = _schema()


# --- Mapping -----------------------------------------------------------------------------------------


@dataclass
class MappedReferral:
    fields: dict[str, Any] = field(default_factory=dict)
    unmapped: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    documents: list[IncomingDocument] = field(default_factory=list)  # decoded; checked when stored

    def error(self, name: str, message: str) -> None:
        self.errors.append({"field": name, "message": message})

    def errors_for(self, name: str) -> bool:
        return any(e["field"] == name for e in self.errors)


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _ticked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "on"})


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


def _file_name(name: str) -> str:
    """The file's own name, without any folders a client left in front of it."""
    return PureWindowsPath(name.strip()).name.strip()


def _files(value: Any) -> list[dict[str, Any]]:
    """`upload-file`'s files (objects), one or a list; [] for a name only or nothing."""
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _base64(content: str) -> str:
    return "".join(content.split())  # line breaks (MIME base64) and spaces are not part of the content


def _files_fingerprinted(value: Any) -> Any:
    """Files by name, description and content's SHA-256: the same files again match, however encoded."""
    files = _files(value)
    if not files:
        return value.strip() if isinstance(value, str) else value
    out = []
    for item in files:
        content = _base64(item.get("content") or "") if isinstance(item.get("content"), str) else ""
        try:
            digest = hashlib.sha256(base64.b64decode(content, validate=True)).hexdigest()
        except (binascii.Error, ValueError):
            digest = hashlib.sha256(content.encode()).hexdigest()
        name, description = item.get("name"), item.get("description")
        out.append(
            {
                "name": _file_name(name) if isinstance(name, str) else name,
                "description": description.strip() if isinstance(description, str) else description,
                "sha256": digest,
            }
        )
    return out


def form_fingerprint(form: dict[str, Any]) -> str:
    """SHA-256 of the answers given (blank answers and unticked boxes left out, text trimmed).

    The same submission sent again, in either of the form's encodings, has the same fingerprint.
    Files count by name, description and content (not by how the base64 is wrapped).
    """
    given: dict[str, Any] = {}
    for name, value in form.items():
        if name in BY_NAME and BY_NAME[name].kind == "checkbox":
            if _ticked(value):
                given[name] = True
        elif name == UPLOAD_FIELD and not _blank(value):
            given[name] = _files_fingerprinted(value)
        elif not _blank(value) and value is not False:
            given[name] = value.strip() if isinstance(value, str) else value
    canonical = json.dumps(given, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


_DATE_OF_BIRTH_WORDS = {
    rules.BORN_TODAY_OR_LATER: "You must enter a valid date. The date of birth must be in the past",
    rules.BORN_TOO_EARLY: "You must enter a valid date. The date cannot be too far in the past",
}


def _date_of_birth(form: dict[str, Any], result: MappedReferral) -> date | None:
    """The date of birth, or None when the form gives none (it is optional on the form)."""
    raw = _text(form, "pv-dob")
    name = "pv-dob"
    parts = [_text(form, part) for part in DATE_PARTS]
    if not raw and any(parts):
        day, month, year = parts
        raw = f"{year:0>4}-{month:0>2}-{day:0>2}" if all(p.isdigit() for p in parts) else "?"
        name = "pv-dob-day"
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        value = None
    if value is None:
        result.error(name, "You must enter a valid date")
        return None
    broken = rules.date_of_birth_problem(value)  # the rule every channel holds, in the Home Office form's words
    if broken is not None:
        result.error(name, _DATE_OF_BIRTH_WORDS[broken])
        return None
    return value


def _display(spec: FormField | None, value: Any) -> str:
    if spec is None:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if spec.kind == "checkbox":
        return "Yes"
    if spec.kind == "radio":
        return spec.options.get(value, value)
    if spec.option_list and isinstance(value, str):
        return _listed(spec).get(value.strip(), value.strip())  # the form's label for its value
    if spec.kind == "checkbox-group":
        values = [value] if isinstance(value, str) else list(value)
        return ", ".join(spec.options.get(v, v) for v in values)
    if spec.kind == "date":
        try:
            return long_date(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if spec.kind == "file":
        # The files' names (and descriptions), one a line: never their content.
        files = _files(value)
        if not files:
            return value.strip() if isinstance(value, str) else ""
        lines = []
        for item in files:
            name = _file_name(item["name"]) if isinstance(item.get("name"), str) else ""
            description = item.get("description") if isinstance(item.get("description"), str) else ""
            lines.append(f"{name} – {description.strip()}" if description and description.strip() else name)
        return "\n".join(lines)
    return value.strip()


def form_sections(form: dict[str, Any]) -> list[dict[str, Any]]:
    """Every answer given, under the form's headings and labels, in the form's order (no raw keys)."""
    by_section: dict[str, list[dict[str, str]]] = {heading: [] for heading in catalogue.SECTIONS}
    for spec in FIELDS:
        value = form.get(spec.name)
        if spec.kind == "date" and _blank(value) and any(_text(form, p) for p in DATE_PARTS):
            value = "-".join(f"{_text(form, p):0>{w}}" for p, w in zip(DATE_PARTS[::-1], (4, 2, 2), strict=True))
        if spec.kind == "checkbox" and not _ticked(value):
            continue
        if _blank(value) or value is False or value == []:
            continue
        item = {"field": spec.name, "label": spec.label, "value": _display(spec, value)}
        if spec.narrative:
            item["narrative"] = "true"
        by_section[spec.section].append(item)
    others = [
        {"field": name, "label": catalogue.label_of(name), "value": _display(None, value)}
        for name, value in form.items()
        if name not in BY_NAME and name not in DATE_PARTS and not _blank(value) and value not in (False, [], {})
    ]
    sections = [{"heading": heading, "items": items} for heading, items in by_section.items() if items]
    if others:
        sections.append({"heading": OTHER_ANSWERS, "items": others})
    return sections


def account_text(sections: list[dict[str, Any]]) -> str:
    """The narrative answers as one account, each under its own heading."""
    parts = [f"{item['label']}\n{item['value']}" for s in sections for item in s["items"] if item.get("narrative")]
    return "\n\n".join(parts)


def _local_authority_named(name: str) -> Organisation | None:
    return (
        Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, name__iexact=name, active=True)
        .order_by("pk")
        .first()
    )


def _found_local_authority(city: str) -> Organisation | None:
    """The council of the town the child is in now, when exactly one council of that name uses the service."""
    if not city or city.lower() == "unknown":
        return None
    exact = _local_authority_named(city)
    if exact is not None:
        return exact
    councils = list(
        Organisation.objects.filter(
            type=OrganisationType.LOCAL_AUTHORITY, name__istartswith=f"{city} ", active=True
        ).order_by("pk")[:2]
    )
    return councils[0] if len(councils) == 1 else None


def document_limit() -> int:
    """The largest file taken: the upload limit (kit.uploads), never more than the document checks allow."""
    return min(max_file_bytes(), MAX_DOCUMENT_BYTES)


def _too_big_message(limit: int) -> str:
    if limit == MAX_DOCUMENT_BYTES:
        return MESSAGE_TOO_BIG
    label = f"{limit // MEGABYTE}MB" if limit >= MEGABYTE and limit % MEGABYTE == 0 else f"{-(-limit // 1024)}KB"
    return f"The selected file must be smaller than {label}"


def _documents(form: dict[str, Any], result: MappedReferral) -> list[IncomingDocument]:
    """Each file sent in `upload-file`, decoded from base64 and held to the upload limit.

    Errors name the form's field, and the file by its position and name. A file's size is judged from
    its base64 before it is decoded, so an oversize file is never decoded.
    """
    value = form.get(UPLOAD_FIELD)
    files = _files(value)
    limit = document_limit()
    documents = []
    for position, item in enumerate(files, 1):
        name = _file_name(item.get("name") or "")
        about = f"“{name[:100]}” (file {position} of {len(files)})" if isinstance(value, list) else f"“{name[:100]}”"
        content = _base64(item.get("content") or "")
        padding = len(content) - len(content.rstrip("="))
        if len(content) * 3 // 4 - min(padding, 2) > limit:
            result.error(UPLOAD_FIELD, f"{about}: {_too_big_message(limit)}")
            continue
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            result.error(
                UPLOAD_FIELD,
                f"{about}: The selected file could not be read: its content must be sent in base64 "
                "(RFC 4648, the standard alphabet, with its = padding)",
            )
            continue
        if not data:
            result.error(UPLOAD_FIELD, f"{about}: {MESSAGE_EMPTY}")
            continue
        description = item.get("description") or ""
        documents.append(
            IncomingDocument(name=name, data=data, description=description.strip(), field=UPLOAD_FIELD, about=about)
        )
    return documents


def map_form(form: dict[str, Any]) -> MappedReferral:
    """Map a Home Office form submission to referral fields and labelled sections; report what is wrong."""
    result = MappedReferral()
    out = result.fields

    # The form's own reference for this referral
    out["form_reference"] = _fits(result, "reference", _text(form, "reference"), 200)
    if not out["form_reference"] and not result.errors_for("reference"):
        result.error("reference", "You must enter a reference")

    # Every select answer must be on the form's own list for it (country, city or town, region, police
    # force, organisation, nationality, local authority); a refused answer is not mapped below.
    refused_lists = list_errors(form)
    result.errors.extend(refused_lists)
    refused = {e["field"] for e in refused_lists}

    # The child
    out["given_names"] = _fits(result, "pv-name-first-name", _text(form, "pv-name-first-name"), 200)
    out["family_name"] = _fits(result, "pv-name-last-name", _text(form, "pv-name-last-name"), 200)
    if not out["given_names"] and not out["family_name"] and not result.errors_for("pv-name-first-name"):
        result.error("pv-name-first-name", "You must enter the potential victim's first name")
    nickname = _fits(result, "pv-name-nickname", _text(form, "pv-name-nickname"), 200)
    out["aliases"] = [{"given_names": nickname, "family_name": ""}] if nickname else []

    out["date_of_birth"] = _date_of_birth(form, result)

    under_age = form.get("pv-under-age")
    if _blank(under_age):
        result.error("pv-under-age", "You must select an option")
    elif under_age == "no":
        result.error("pv-under-age", UNDER_AGE_NO_MESSAGE)
    out["age_uncertain"] = under_age == "not-sure"

    gender = form.get("pv-gender")
    if _blank(gender):
        result.error("pv-gender", "You must select the potential victim's gender")
    out["sex"] = {"female": "female", "male": "male"}.get(gender or "", "not_known")
    out["gender_identity"] = "Does not identify as male or female" if gender == "unknown" else ""

    nationalities = []
    for name in ("pv-nationality", "pv-nationality-second"):
        code = NATIONALITIES.get(_text(form, name)) if name not in refused else None
        if code:
            nationalities.append(code)
        # On the form's list but without an ISO 3166 code ("Unknown", "Kosovan", or a value the list
        # gains before NATIONALITIES does): imported, and kept with the form's label in its section.
    out["nationalities"] = list(dict.fromkeys(nationalities))

    # The child's Home Office references, as written ("type of reference, reference number or both"): only when
    # the form says they have some (the form asks for them only then); the matching compares them (issue 15).
    reference = _text(form, "pv-ho-reference-type") if form.get("pv-ho-reference") == "yes" else ""
    out["home_office_reference"] = _fits(result, "pv-ho-reference-type", reference, 200)

    interpreter = form.get("pv-interpreter-requirements")
    out["interpreter_needed"] = {"yes": True, "no": False}.get(interpreter or "")
    language = _text(form, "pv-interpreter-requirements-language")
    code = language_code(language) if language else None
    out["languages"] = [code] if code else []  # a language without an ISO code stays in its section

    authority_field = "local-authority-contacted-about-child-local-authority-name"
    authority_name = _text(form, authority_field)
    authority = _local_authority_named(authority_name) if authority_name and authority_field not in refused else None
    if not authority_name:
        result.error(authority_field, "You must select the local authority from the list")
    elif authority_field in refused:
        pass  # not on the form's list: reported above
    elif authority is None:
        # On the form's list, but not a council that uses this service: the referral cannot be routed.
        result.error(
            "local-authority-contacted-about-child-local-authority-name",
            f"“{authority_name[:100]}” is not a local authority this service knows: the referral is routed by the "
            "child's local authority. Check the name, or refer the child to the Single Competent Authority.",
        )
    out["residence_local_authority"] = authority

    city, region = _text(form, "current-pv-location-uk-city"), _text(form, "current-pv-location-uk-region")
    out["found_location"] = ", ".join(p for p in (city, region) if p and p.lower() != "unknown")
    out["found_local_authority"] = _found_local_authority(city)

    # The exploitation
    out["exploitation_location"] = {"uk": "uk", "overseas": "overseas", "uk-and-overseas": "both"}.get(
        form.get("where-exploitation-happened") or "", ""
    )
    types = [kind for name, kind in EXPLOITATION_TICKS.items() if _ticked(form.get(name))]
    out["exploitation_types"] = list(dict.fromkeys(str(t) for t in types))
    if not types:
        result.error("types-of-exploitation-forced-to-work", "You must select an exploitation type")

    for trigger, value, dependent, message in DEPENDENT:
        answered = _ticked(form.get(trigger)) if value == "true" else form.get(trigger) == value
        if answered and _blank(form.get(dependent)):
            result.error(dependent, message)

    # The referrer
    referrer = " ".join(p for p in (_text(form, "fr-details-first-name"), _text(form, "fr-details-last-name")) if p)
    out["referrer_name"] = _fits(result, "fr-details-first-name", referrer, 200)
    if not referrer:
        result.error("fr-details-first-name", "You must enter your first name")
    out["referrer_job_title"] = _fits(result, "fr-details-role", _text(form, "fr-details-role"), 200)
    out["referrer_phone"] = _fits(result, "fr-details-phone", _text(form, "fr-details-phone"), 40)
    email = ""
    for email_field in ("user-email", "fr-alternative-contact"):
        given = _text(form, email_field)
        if not given:
            continue
        try:
            validate_email(given)
        except DjangoValidationError:
            result.error(email_field, "Enter a valid email address")
            continue
        email = email or _fits(result, email_field, given, 254)
    out["referrer_email"] = email
    if not out["referrer_email"] and not out["referrer_phone"] and not result.errors_for("fr-details-phone"):
        result.error("fr-details-phone", "You must enter a phone number")

    # The files sent with the form, decoded (the document checks run when they are stored)
    result.documents = _documents(form, result)

    # Every answer, labelled; the narrative answers together are the account.
    sections = form_sections(form)
    out["form_sections"] = sections
    out["account"] = account_text(sections)
    out["form_fingerprint"] = form_fingerprint(form)

    # Kept verbatim as well: only fields this version of the form does not define.
    result.unmapped = {name: value for name, value in form.items() if name not in BY_NAME and name not in DATE_PARTS}
    result.fields = {name: value for name, value in out.items() if name in _REFERRAL_FIELDS}
    return result


_REFERRAL_FIELDS = {f.name for f in Referral._meta.get_fields() if getattr(f, "concrete", False)}
