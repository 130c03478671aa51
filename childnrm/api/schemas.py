"""The API's request and response shapes.

A referral is sent in the sections of the web journey (child, exploitation, account, safeguarding,
referrer). Each field is checked on its own here (types, vocabularies, lengths, dates not in the
future); checks that involve two fields are in `cross_field_errors`, which works on the raw JSON so
that every problem in a request is reported at once, named by its path (`child.date_of_birth`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.kit.forms import EARLIEST_YEAR
from childnrm.people.models import Sex
from childnrm.referrals import rules, vocab
from childnrm.referrals.identifiers import InvalidNhsNumber, NhsNumberProblem, nhs_number_normalised

# --- Field types -----------------------------------------------------------------------------------


def _country(code: str) -> str:
    if code not in {c for c, _ in vocab.countries()}:
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code (for example GB, AL, VN)")
    return code


def _language(code: str) -> str:
    if code not in {c for c, _ in vocab.languages()}:
        raise ValueError(f"'{code}' is not an ISO 639 language code (for example en, sq, vi, ti)")
    return code


def _local_authority(code: str) -> str:
    if not Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, gss_code=code, active=True).exists():
        raise ValueError(f"No local authority with GSS code '{code}' uses this service")
    return code


def _iso_date(value: Any) -> Any:
    # Lax validation would read a bare number as a Unix timestamp (1262304000 → 2010-01-01): dates are text.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Enter the date as text in the form YYYY-MM-DD, like 2010-04-30")
    return value


def _not_future(value: date) -> date:
    if value > timezone.localdate():
        raise ValueError("The date must be today or in the past")
    if value.year < EARLIEST_YEAR:
        raise ValueError(f"The date must be in {EARLIEST_YEAR} or later")
    return value


def _date_of_birth(value: date) -> date:
    """The referral's rule on a date of birth (`rules.date_of_birth_problem`), in the API's words."""
    if rule := rules.date_of_birth_problem(value):
        raise ValueError(RULE_WORDS[rule][1])
    return value


def _estimated_age(value: int) -> int:
    """The referral's rule on an estimated age (`rules.estimated_age_problem`), in the API's words."""
    if rule := rules.estimated_age_problem(value):
        raise ValueError(RULE_WORDS[rule][1])
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Enter some text: this must not be blank")
    return value.strip()


NHS_NUMBER_MESSAGES = {
    NhsNumberProblem.FORMAT: "Enter the NHS number as 10 digits, like 9434765919 (spaces and hyphens are ignored)",
    NhsNumberProblem.CHECK_DIGIT: "Enter a valid NHS number: its last digit (the check digit) does not match the "
    "other nine; check it against the child's health records",
}


def _nhs_number(value: str) -> str:
    # The web journey's check (referrals.identifiers): 10 digits, modulus 11 check digit; kept without spaces.
    try:
        return nhs_number_normalised(value)
    except InvalidNhsNumber as invalid:
        raise ValueError(NHS_NUMBER_MESSAGES[invalid.problem]) from None


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Enter an email address in the correct format, like name@example.org")
    return value


CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_country)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$"), AfterValidator(_language)]
GssCode = Annotated[str, Field(pattern=r"^[EWSN][0-9]{8}$"), AfterValidator(_local_authority)]
PastDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_not_future)]
BirthDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_date_of_birth)]
# Its bounds are published (the schema's minimum and maximum) and checked by the referral's rule.
EstimatedAge = Annotated[
    int,
    AfterValidator(_estimated_age),
    Field(json_schema_extra={"minimum": 0, "maximum": rules.OLDEST_ESTIMATED_AGE}),
]
SexCode = Literal[tuple(Sex.values)]  # type: ignore[valid-type]
# "" (not given) is one of the allowed values, so an invalid code gets one error, not one per union member.
EthnicityCode = Literal[("", *(code for code, _ in vocab.ONS_2021_ETHNICITY))]  # type: ignore[valid-type]
ExploitationTypeCode = Literal[tuple(vocab.ExploitationType.values)]  # type: ignore[valid-type]
ExploitationLocationCode = Literal[("", *vocab.ExploitationLocation.values)]  # type: ignore[valid-type]
IndicatorCode = Literal[tuple(vocab.Indicator.values)]  # type: ignore[valid-type]


class Strict(Schema):
    # Unknown fields are refused (and named), so a misspelt field is never silently dropped.
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _json_object_only(cls, data: Any) -> Any:
        # ninja's schemas read attributes off any object (a list would pass as an empty form): JSON objects only.
        if not isinstance(getattr(data, "_obj", data), dict | BaseModel):
            raise ValueError("Send a JSON object")
        return data


# --- The referral ----------------------------------------------------------------------------------


class AliasIn(Strict):
    given_names: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)


class ChildIn(Strict):
    given_names: str = Field(
        "",
        max_length=200,
        description="Given names, or the name the child is known by. This or family_name must not be blank.",
    )
    family_name: str = Field("", max_length=200, description="This or given_names must not be blank.")
    aliases: list[AliasIn] = Field(default_factory=list, max_length=20)
    date_of_birth: BirthDate | None = Field(
        None, description="ISO 8601 date as text, e.g. 2010-04-30. Required unless estimated_age_years is given."
    )
    date_of_birth_estimated: bool = Field(False, description="True when date_of_birth is an estimate (then required)")
    estimated_age_years: EstimatedAge | None = Field(
        None,
        description="When no date of birth is known (then required). Leave out when date_of_birth is given.",
    )
    age_uncertain: bool = False
    age_disputed: bool = False
    sex: SexCode
    gender_identity: str = Field("", max_length=100)
    nhs_number: Annotated[str, AfterValidator(_nhs_number)] = Field(
        "",
        max_length=20,
        description="The child's NHS number, if known: 10 digits with a valid check digit (modulus 11). Spaces and "
        "hyphens are ignored; it is kept as 10 digits.",
        examples=["943 476 5919"],
    )
    home_office_reference: str = Field(
        "",
        max_length=100,
        description="The child's Home Office references, if known, as written: port, case or application (UAN) "
        "reference, with its type (as the Home Office form asks), e.g. 'Port reference EDD/1234567'. At most 100 "
        "characters, as on the web form.",
    )
    nationalities: list[CountryCode] = Field(default_factory=list, max_length=10, description="ISO 3166-1 alpha-2")
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10, description="ISO 639 codes")
    interpreter_needed: bool | None = None
    ethnicity: EthnicityCode = Field("", description="ONS 2021 ethnic group code")
    address: str = Field("", max_length=2000)
    residence_local_authority: GssCode | None = Field(
        None, description="GSS code of where the child lives. This or found_local_authority is required."
    )
    found_local_authority: GssCode | None = Field(None, description="GSS code of where the child was found")
    found_location: str = Field("", max_length=2000)


class ExploitationIn(Strict):
    types: list[ExploitationTypeCode] = Field(
        min_length=1, max_length=7, description="'not_known' only on its own, when no type is known"
    )
    county_lines: bool = Field(False, description="Only with the 'criminal' type")
    location: ExploitationLocationCode = ""
    started: PastDate | None = None
    ended: PastDate | None = Field(None, description="On or after 'started'")
    age_at_exploitation: int | None = Field(None, ge=0, le=rules.OLDEST_ESTIMATED_AGE)
    public_order_disqualification: bool = False


# Published in the OpenAPI document: a non-blank string has at least one character that is not a space.
NOT_BLANK_SCHEMA = {"minLength": 1, "pattern": r"\S"}
NotBlank = Annotated[str, AfterValidator(_not_blank)]


class AccountIn(Strict):
    text: NotBlank = Field(
        max_length=20000,
        description="What happened, in the referrer's words. Must not be blank.",
        json_schema_extra=NOT_BLANK_SCHEMA,
    )
    indicators: list[IndicatorCode] = Field(default_factory=list, max_length=20)


class SocialWorkerIn(Strict):
    """The child's allocated social worker, where known: the child's lead social worker once accepted."""

    name: NotBlank = Field(max_length=200, description="Must not be blank.", json_schema_extra=NOT_BLANK_SCHEMA)
    team: str = Field("", max_length=200)
    local_authority: GssCode | None = Field(None, description="GSS code of the social worker's local authority")
    email: Annotated[str, AfterValidator(_email)] = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class SafeguardingIn(Strict):
    ictg_referral_made: bool | None = None
    child_in_need: bool = False
    child_protection_plan: bool = False
    looked_after: bool = False
    strategy_discussion_date: PastDate | None = None
    notes: str = Field("", max_length=5000)
    social_worker: SocialWorkerIn | None = None


class ReferrerIn(Strict):
    """The referrer. Give an email address or a phone number (at least one, not blank)."""

    name: NotBlank = Field(max_length=200, description="Must not be blank.", json_schema_extra=NOT_BLANK_SCHEMA)
    job_title: str = Field("", max_length=200)
    email: Annotated[str, AfterValidator(_email)] = Field(
        "", max_length=254, description="Required (not blank) when no phone is given."
    )
    phone: str = Field("", max_length=40, description="Required (not blank) when no email is given.")


EXAMPLE_REFERRAL = {
    "child": {
        "given_names": "Amara",
        "family_name": "Okafor",
        "date_of_birth": "2011-05-01",
        "sex": "female",
        "nhs_number": "943 476 5919",
        "nationalities": ["NG", "GB"],
        "languages": ["en"],
        "interpreter_needed": False,
        "residence_local_authority": "E08900001",
    },
    "exploitation": {"types": ["criminal"], "county_lines": True, "location": "uk", "started": "2024-01-10"},
    "account": {"text": "She was made to carry drugs between two towns.", "indicators": ["going_missing"]},
    "safeguarding": {"child_in_need": True, "strategy_discussion_date": "2024-06-03"},
    "referrer": {"name": "Sam Referrer", "job_title": "Detective constable", "phone": "0100 000 0001"},
}


CROSS_FIELD_RULES = (
    "child: given_names or family_name must not be blank (at least one).",
    "child: date_of_birth or estimated_age_years is required (at least one).",
    "child: estimated_age_years must be left out (null) when date_of_birth is given.",
    "child: date_of_birth_estimated may be true only when date_of_birth is given.",
    "child: residence_local_authority or found_local_authority is required (at least one).",
    "exploitation.county_lines may be true only when exploitation.types includes 'criminal'.",
    "exploitation.types may include 'not_known' only on its own.",
    "exploitation.ended must be the same as or after exploitation.started.",
    "referrer: email or phone must not be blank (at least one).",
)


class ReferralIn(Strict):
    """A complete referral, submitted at once."""

    model_config = ConfigDict(
        json_schema_extra={
            "description": "A complete referral, submitted at once. Rules that involve two fields (each broken rule "
            "is reported with the others, named by its field): " + " ".join(CROSS_FIELD_RULES),
            "examples": [EXAMPLE_REFERRAL],
            "x-cross-field-rules": list(CROSS_FIELD_RULES),
        }
    )

    child: ChildIn
    exploitation: ExploitationIn
    account: AccountIn
    safeguarding: SafeguardingIn = Field(default_factory=SafeguardingIn)
    referrer: ReferrerIn

    def referral_fields(self) -> dict[str, Any]:
        """The answers as `Referral` model fields (local authorities still as GSS codes)."""
        child, exploitation, account = self.child, self.exploitation, self.account
        safeguarding, referrer = self.safeguarding, self.referrer
        return {
            "given_names": child.given_names.strip(),
            "family_name": child.family_name.strip(),
            "aliases": [alias.model_dump() for alias in child.aliases if alias.given_names or alias.family_name],
            "date_of_birth": child.date_of_birth,
            "date_of_birth_estimated": child.date_of_birth_estimated,
            "estimated_age_years": child.estimated_age_years,
            "age_uncertain": child.age_uncertain,
            "age_disputed": child.age_disputed,
            "sex": child.sex,
            "gender_identity": child.gender_identity,
            "nhs_number": child.nhs_number,
            "home_office_reference": child.home_office_reference.strip(),
            "nationalities": list(dict.fromkeys(child.nationalities)),
            "languages": list(dict.fromkeys(child.languages)),
            "interpreter_needed": child.interpreter_needed,
            "ethnicity": child.ethnicity,
            "address": child.address,
            "residence_local_authority": child.residence_local_authority,
            "found_local_authority": child.found_local_authority,
            "found_location": child.found_location,
            "exploitation_types": list(dict.fromkeys(exploitation.types)),
            "county_lines": exploitation.county_lines,
            "exploitation_location": exploitation.location,
            "exploitation_started": exploitation.started,
            "exploitation_ended": exploitation.ended,
            "age_at_exploitation": exploitation.age_at_exploitation,
            "public_order_disqualification": exploitation.public_order_disqualification,
            "account": account.text,
            "indicators": list(dict.fromkeys(account.indicators)),
            "ictg_referral_made": safeguarding.ictg_referral_made,
            "child_in_need": safeguarding.child_in_need,
            "child_protection_plan": safeguarding.child_protection_plan,
            "looked_after": safeguarding.looked_after,
            "strategy_discussion_date": safeguarding.strategy_discussion_date,
            "safeguarding_notes": safeguarding.notes,
            **_social_worker_fields(safeguarding.social_worker),
            "referrer_name": referrer.name,
            "referrer_job_title": referrer.job_title,
            "referrer_email": referrer.email,
            "referrer_phone": referrer.phone,
        }


def _social_worker_fields(worker: SocialWorkerIn | None) -> dict[str, Any]:
    if worker is None:
        return {}
    return {
        "social_worker_name": worker.name.strip(),
        "social_worker_team": worker.team.strip(),
        "social_worker_local_authority": worker.local_authority,
        "social_worker_email": worker.email,
        "social_worker_phone": worker.phone.strip(),
    }


def _section(raw: dict, name: str) -> dict:
    value = raw.get(name)
    return value if isinstance(value, dict) else {}


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# The referral's rules on two answers (`referrals.rules`), in the API's words: the field as the API names it, and the
# error (English, naming the JSON fields to change). CROSS_FIELD_RULES states them for the OpenAPI document.
RULE_WORDS: dict[rules.Rule, tuple[str, str]] = {
    rules.BORN_TODAY_OR_LATER: ("child.date_of_birth", "The date of birth must be in the past"),
    rules.BORN_TOO_EARLY: ("child.date_of_birth", f"The date must be in {rules.EARLIEST_BIRTH_YEAR} or later"),
    rules.AGE_BELOW_ZERO: ("child.estimated_age_years", "Input should be greater than or equal to 0"),
    rules.AGE_TOO_HIGH: (
        "child.estimated_age_years",
        f"Input should be less than or equal to {rules.OLDEST_ESTIMATED_AGE}",
    ),
    rules.NO_AGE: (
        "child.date_of_birth",
        "Enter the child's date of birth, or their estimated age in 'estimated_age_years'",
    ),
    rules.NO_PLACE: (
        "child.residence_local_authority",
        "Enter the GSS code of the local authority where the child lives ('residence_local_authority') or where "
        "they were found ('found_local_authority')",
    ),
    rules.AGE_WITH_DATE_OF_BIRTH: (
        "child.estimated_age_years",
        "Leave out 'estimated_age_years' when the date of birth is known: give one or the other",
    ),
    rules.ESTIMATE_WITHOUT_DATE: (
        "child.date_of_birth",
        "Enter the estimated date of birth in 'date_of_birth', or set 'date_of_birth_estimated' to false",
    ),
    rules.COUNTY_LINES_WITHOUT_CRIMINAL: (
        "exploitation.county_lines",
        "County lines is a kind of criminal exploitation: add 'criminal' to 'types' or set 'county_lines' to false",
    ),
    rules.NOT_KNOWN_BESIDE_A_TYPE: (
        "exploitation.types",
        "Give 'not_known' only if no type of exploitation is known: leave it out, or give it on its own",
    ),
    rules.ENDED_BEFORE_STARTED: (
        "exploitation.ended",
        "The date the exploitation ended must be the same as or after the date it started",
    ),
}


def _rule_errors(answers: dict[str, Any]) -> list[dict[str, str]]:
    errors = []
    for rule in rules.problems(answers).values():
        field, message = RULE_WORDS[rule]
        errors.append({"field": field, "message": message})
    return errors


def cross_field_errors(raw: Any) -> list[dict[str, str]]:
    """Rules that involve two fields, on the raw JSON (so they are reported even beside type errors)."""
    if not isinstance(raw, dict):
        return []
    child, exploitation = _section(raw, "child"), _section(raw, "exploitation")
    referrer = _section(raw, "referrer")
    errors = []
    if "child" in raw and not (_has_text(child.get("given_names")) or _has_text(child.get("family_name"))):
        errors.append(
            {
                "field": "child.given_names",
                "message": "Enter the child's given names or family name, or the name they are known by",
            }
        )
    if "child" in raw:  # each answer as sent: a date of birth stays text (its own rule is the field's, above)
        errors += _rule_errors(
            {
                "date_of_birth": child.get("date_of_birth"),
                "date_of_birth_estimated": child.get("date_of_birth_estimated") is True,
                "estimated_age_years": child.get("estimated_age_years"),
                "residence_local_authority": child.get("residence_local_authority"),
                "found_local_authority": child.get("found_local_authority"),
            }
        )
    types = exploitation.get("types")
    errors += _rule_errors(
        {
            "exploitation_types": types if isinstance(types, list) else None,
            "county_lines": exploitation.get("county_lines") is True,
            "exploitation_started": _as_date(exploitation.get("started")),
            "exploitation_ended": _as_date(exploitation.get("ended")),
        }
    )
    if "referrer" in raw and not (_has_text(referrer.get("email")) or _has_text(referrer.get("phone"))):
        errors.append(
            {
                "field": "referrer.email",
                "message": "Enter an email address or a phone number so the panel can contact the referrer",
            }
        )
    return errors


MAX_DEPTH = 16  # a referral nests 3 levels; kept Home Office fields hold plain values


def unstorable_values(data: Any) -> list[dict[str, str | None]]:
    """Errors for what the database cannot store: NUL characters, lone surrogates, very deep nesting.

    Walked without recursion, so no input can exhaust the stack.
    """
    errors: list[dict[str, str | None]] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            errors.append({"field": where or None, "message": "Nested too deeply"})
        elif isinstance(value, str):
            if "\x00" in value or not _encodable(value):
                errors.append({"field": where or None, "message": "Contains a character that cannot be stored"})
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{where}.{key}" if where else str(key)
                stack += [(key, here, depth + 1), (item, here, depth + 1)]
        elif isinstance(value, list):
            stack += [(item, f"{where}.{i}" if where else str(i), depth + 1) for i, item in enumerate(value)]
    return sorted(errors, key=lambda e: e["field"] or "")


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- Responses -------------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str | None = Field(description="Path of the invalid field, e.g. child.date_of_birth; null for the request")
    message: str


class ErrorOut(Schema):
    errors: list[FieldErrorOut]


class TriageOut(Schema):
    outcome: str = Field(description="panel, other_site or sca")
    outcome_label: str = Field(description="The outcome in words")
    confirmed: bool = Field(description="Whether the site's coordinator has confirmed (or overridden) it")


class ReferralStatusOut(Schema):
    reference: str
    status: str
    status_label: str
    source: str
    submitted_at: datetime | None
    site: str | None = Field(description="The panel site that holds the referral")
    triage: TriageOut | None


class ReferralReceiptOut(ReferralStatusOut):
    unmapped_fields: list[str] = Field(
        default_factory=list,
        description="Imported fields the form's catalogue does not define (other versions of the form), kept verbatim",
    )
    already_imported: bool = Field(
        False, description="True when this form submission was imported before: the existing referral, unchanged"
    )
    message: str = Field("", description="What happened, in words (for imports)")


class ReferralPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[ReferralStatusOut]
