"""The first responder's question pages: one form per section of the referral.

Each section form reads its initial values from a referral (`initial_for`) and turns its cleaned
answers into the referral's fields (`to_fields`) for services.referral_save. "Save and come back
later" (`partial=True`) checks only what was entered (a real date, a valid email) and skips the
answers a complete section needs, so nothing typed is lost when the referrer stops half-way.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.kit.forms import DateParts, GovukDateField, GovukFormMixin
from childnrm.kit.pending import KeepsUploadsMixin
from childnrm.people.models import Sex
from childnrm.referrals import answers, rules, vocab
from childnrm.referrals.documents import (
    ACCEPT_ATTRIBUTE,
    MAX_DOCUMENT_BYTES,
    MESSAGE_TOO_BIG,
    DocumentRefused,
    document_check,
)
from childnrm.referrals.identifiers import (
    InvalidNhsNumber,
    NhsNumberProblem,
    nhs_number_normalised,
    nhs_number_shown,
)
from childnrm.referrals.models import Referral
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator

ACCOUNT_MAX_LENGTH = 10_000
NOTES_MAX_LENGTH = 2_000
MIN_ALIAS_ROWS = 3
MAX_ALIAS_ROWS = 10
NATIONALITY_SLOTS = 3
HOME_OFFICE_REFERENCE_MAX_LENGTH = 100  # the API's too (api.schemas.ChildIn); the record holds 200, for imports
LANGUAGE_SLOTS = 3

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]
YES_NO_NOT_KNOWN = [(YES, _("Yes")), (NO, _("No")), (NOT_KNOWN, _("Not known"))]


def _bool_to_choice(value: bool | None) -> str:
    if value is None:
        return ""
    return YES if value else NO


def _choice_to_bool(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


# Shared behaviour ----------------------------------------------------------------------------------


class SectionForm(GovukFormMixin, forms.Form):
    """A question page for one section of a draft referral."""

    # Messages for answers a complete section needs: {field name: message}. Skipped when partial.
    required_answers: dict[str, str] = {}

    def __init__(self, *args, referral: Referral, partial: bool = False, **kwargs) -> None:
        self.referral = referral
        self.partial = partial
        kwargs.setdefault("initial", self.initial_for(referral))
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False  # required answers are checked in clean(), unless partial
            if name in self.required_answers:
                field.error_messages["required"] = self.required_answers[name]

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.partial:
            for name, message in self.required_answers.items():
                if name not in self.errors and cleaned.get(name) in (None, "", []):
                    self.add_error(name, message)
        return cleaned

    def to_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def with_stored_answers_for_errors(self) -> SectionForm | None:
        """For "Save and come back later" on a page with a problem: this page's answers, with each answer in error
        replaced by the one the draft already holds, so the valid answers can be saved and nothing stored is
        overwritten by an invalid one. None when that still leaves a problem (one not tied to an answer, or one a
        stored answer causes too)."""
        kept = type(self)(self.data, referral=self.referral, partial=True)
        while not kept.is_valid():
            failing = set(kept.errors) - {NON_FIELD_ERRORS}
            if NON_FIELD_ERRORS in kept.errors or not failing or any(kept.fields[n].disabled for n in failing):
                return None
            disabled = {name for name, field in kept.fields.items() if field.disabled} | failing
            kept = type(self)(self.data, referral=self.referral, partial=True)
            for name in disabled:  # a disabled field is cleaned from its initial value: the stored answer
                kept.fields[name].disabled = True
        return kept


def add_rule_problems(form: forms.Form, given: dict[str, Any], *, complete: bool = True) -> None:
    """The problems the referral's rules find in the answers given (`rules.problems`), each shown against its answer
    unless that answer has a problem of its own already; a date's problem marks all of its parts. The triage page's
    correction of the facts asks the same. `complete=False`: saved to come back to later (nothing is required)."""
    for name, rule in rules.problems(given, complete=complete).items():
        if name in form.errors:
            continue
        if isinstance(field := form.fields[name], GovukDateField):
            field.error_parts = list(DateParts.parts)
        form.add_error(name, rule.says)


def _radio(label: str, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


def _checkboxes(label: str, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


def _local_authorities():
    return Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, active=True).order_by("name")


def _too_long_message(label: str, max_length: str) -> str:
    # The question's words without "(optional)", in the page's language.
    question = str(label).split(" (")[0]
    return gettext("%(question)s must be %(max)s characters or fewer") % {"question": question, "max": max_length}


_too_long = lazy(_too_long_message, str)


def _text(
    label: str, *, max_length: int = 200, width: str = "", help_text: str = "", input_type: str = "", **attrs
) -> forms.CharField:
    # GovukFormMixin adds "govuk-input" (fields added after it ran add their own).
    widget = forms.TextInput(attrs={"class": width, **attrs} if width else attrs)
    if input_type:
        widget.input_type = input_type
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        error_messages={"max_length": _too_long(label, str(max_length))},
    )


def _textarea(label: str, *, max_length: int, rows: int = 5, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _too_long(label, f"{max_length:,}")},
    )


# The child: name, date of birth and sex -----------------------------------------------------------


class ChildForm(SectionForm):
    given_names = _text(_("Given names"), autocomplete="off", spellcheck="false")
    family_name = _text(_("Family name"), autocomplete="off", spellcheck="false")
    # No conditional reveal (its aria-expanded on radios is invalid ARIA): both questions are shown. A date of birth
    # before today and an estimated age's bounds are the referral's rules (`rules`), asked in clean().
    date_of_birth = GovukDateField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 2012. Leave blank if you do not know it."),
        what=_("Date of birth"),
        enter=_("Enter the child's date of birth"),
    )
    date_of_birth_estimated = forms.BooleanField(label=_("This date of birth is an estimate"))
    estimated_age_years = forms.IntegerField(
        label=_("If you do not know the date of birth, how old do you think the child is?"),
        help_text=_("Estimated age in years"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"invalid": _("Estimated age must be a whole number, like 15")},
    )
    age_doubts = _checkboxes(
        _("Is there any doubt about the child's age?"),
        [
            ("age_uncertain", _("The child's age is uncertain")),
            ("age_disputed", _("The child's age is disputed, for example by a local authority age assessment")),
        ],
        help_text=_("Select all that apply. Leave blank if there is no doubt."),
    )
    sex = _radio(_("Sex"), [(value, vocab.SEX_LABELS.get(value, label)) for value, label in Sex.choices])
    gender_identity = _text(
        _("Gender identity (optional)"),
        max_length=100,
        width="govuk-!-width-one-half",
        help_text=_("Only if the child describes their gender differently from their sex"),
    )
    # Identifiers that tell this child's records apart from another's (issue 15). No maxlength: a number typed
    # with spaces or hyphens is longer than its 10 digits, and a wrong length gets its own message.
    nhs_number = forms.CharField(
        label=_("NHS number (optional)"),
        help_text=_("10 digits, for example 485 777 3456. Leave blank if you do not know it."),
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocomplete": "off",
            }
        ),
    )
    home_office_reference = _text(
        _("Home Office reference (optional)"),
        max_length=HOME_OFFICE_REFERENCE_MAX_LENGTH,
        width="govuk-!-width-one-half",
        help_text=_(
            "Any Home Office, port or application (UAN) reference the child has, with its type if you know it. "
            "For example, Port reference EDD/1234567"
        ),
        autocomplete="off",
        spellcheck="false",
    )

    nhs_number_messages = {
        NhsNumberProblem.FORMAT: _("Enter the NHS number as 10 digits, like 485 777 3456"),
        NhsNumberProblem.CHECK_DIGIT: _("Enter a valid NHS number: check it against the child's health records"),
    }

    required_answers = {"sex": _("Select the child's sex")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.alias_rows = self._alias_row_count()
        for i in range(self.alias_rows):
            self.fields[f"alias_given_{i}"] = _text(_("Given names"), autocomplete="off", spellcheck="false")
            self.fields[f"alias_family_{i}"] = _text(_("Family name"), autocomplete="off", spellcheck="false")
            for name in (f"alias_given_{i}", f"alias_family_{i}"):
                self.fields[name].required = False
                self.fields[name].widget.attrs["class"] = "govuk-input"

    def _alias_row_count(self) -> int:
        if self.is_bound:
            used = [int(m.group(1)) for key in self.data if (m := re.fullmatch(r"alias_(?:given|family)_(\d+)", key))]
            count = max(used, default=-1) + 1
        else:
            count = len(self.referral.aliases) + 1
        return min(MAX_ALIAS_ROWS, max(MIN_ALIAS_ROWS, count))

    @property
    def alias_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(i + 1, self[f"alias_given_{i}"], self[f"alias_family_{i}"]) for i in range(self.alias_rows)]

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "given_names": referral.given_names,
            "family_name": referral.family_name,
            "date_of_birth": referral.date_of_birth,
            "date_of_birth_estimated": referral.date_of_birth_estimated,
            "estimated_age_years": referral.estimated_age_years,
            "age_doubts": [n for n in ("age_uncertain", "age_disputed") if getattr(referral, n)],
            "sex": referral.sex,
            "gender_identity": referral.gender_identity,
            "nhs_number": nhs_number_shown(referral.nhs_number),
            "home_office_reference": referral.home_office_reference,
        }
        for i, alias in enumerate(referral.aliases[:MAX_ALIAS_ROWS]):
            initial[f"alias_given_{i}"] = alias.get("given_names", "")
            initial[f"alias_family_{i}"] = alias.get("family_name", "")
        return initial

    def clean_nhs_number(self) -> str:
        try:
            return nhs_number_normalised(self.cleaned_data.get("nhs_number") or "")
        except InvalidNhsNumber as invalid:
            raise forms.ValidationError(self.nhs_number_messages[invalid.problem]) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        named = cleaned.get("given_names") or cleaned.get("family_name")
        if not self.partial and not named and "given_names" not in self.errors:
            self.add_error("given_names", _("Enter the child's given names or family name"))
        add_rule_problems(self, cleaned, complete=not self.partial)  # its date of birth or estimated age too
        return cleaned

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        born = c.get("date_of_birth")
        aliases = []
        for i in range(self.alias_rows):
            given, family = c.get(f"alias_given_{i}", ""), c.get(f"alias_family_{i}", "")
            if given or family:
                aliases.append({"given_names": given, "family_name": family})
        doubts = set(c.get("age_doubts") or [])
        fields = {
            "given_names": c.get("given_names", ""),
            "family_name": c.get("family_name", ""),
            "aliases": aliases,
            "age_uncertain": "age_uncertain" in doubts,
            "age_disputed": "age_disputed" in doubts,
            "sex": c.get("sex", ""),
            "gender_identity": c.get("gender_identity", ""),
            "nhs_number": c.get("nhs_number", ""),
            "home_office_reference": c.get("home_office_reference", ""),
            "date_of_birth": born,
            "date_of_birth_estimated": born is not None and bool(c.get("date_of_birth_estimated")),
            "estimated_age_years": c.get("estimated_age_years") if born is None else None,
        }
        return fields


# The child: nationality, language and ethnicity ---------------------------------------------------


def _country_choices():
    return [("", _("Choose a country")), *vocab.countries_shown()]


def _language_choices(current: list[str]):
    # The ISO 639-1 languages (two-letter codes) keep the list usable; a three-letter code already
    # held (from an import or the API) stays selectable.
    common = [(code, name) for code, name in vocab.languages_shown() if len(code) == 2]
    extra = [(code, vocab.language_shown(code)) for code in current if code and len(code) != 2]
    return [("", _("Choose a language")), *sorted(common + extra, key=lambda x: x[1])]


class BackgroundForm(SectionForm):
    interpreter_needed = _radio(_("Does the child need an interpreter?"), YES_NO_NOT_KNOWN)
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"),
        help_text=_("How the child describes their ethnic group, if you know. ONS 2021 census categories."),
    )

    required_answers = {
        "interpreter_needed": _("Select whether the child needs an interpreter"),
        "ethnicity": _("Select the child's ethnic group, or Not known"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        countries = _country_choices()
        languages = _language_choices(self.referral.languages)
        for i in range(NATIONALITY_SLOTS):
            label = [_("Nationality"), _("Second nationality (optional)"), _("Third nationality (optional)")][i]
            self.fields[f"nationality_{i}"] = forms.ChoiceField(label=label, choices=countries, required=False)
        for i in range(LANGUAGE_SLOTS):
            label = _("Main language") if i == 0 else _("Other language (optional)")
            self.fields[f"language_{i}"] = forms.ChoiceField(label=label, choices=languages, required=False)
        self.fields["nationality_0"].help_text = _("Leave blank if not known")
        self.fields["language_0"].help_text = _("The language the child is most comfortable speaking")
        self.fields["ethnicity"].choices = [("", _("Choose an ethnic group")), *vocab.ONS_2021_ETHNICITY]
        # GovukFormMixin ran before these fields existed.
        for name in self.fields:
            if name.startswith(("nationality_", "language_")):
                self.fields[name].widget.attrs["class"] = "govuk-select"
                # Long lists: GOV.UK's accessible autocomplete enhances them (assets/js/autocomplete.mjs).
                self.fields[name].widget.attrs["data-module"] = "app-autocomplete"
                if self.fields[name].help_text:
                    self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-hint"

    @property
    def nationality_fields(self) -> list[forms.BoundField]:
        return [self[f"nationality_{i}"] for i in range(NATIONALITY_SLOTS)]

    @property
    def language_fields(self) -> list[forms.BoundField]:
        return [self[f"language_{i}"] for i in range(LANGUAGE_SLOTS)]

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "ethnicity": referral.ethnicity,
            "interpreter_needed": _bool_to_choice(referral.interpreter_needed),
        }
        if referral.interpreter_needed is None and "background" in referral.sections_saved:
            initial["interpreter_needed"] = NOT_KNOWN
        for i, code in enumerate(referral.nationalities[:NATIONALITY_SLOTS]):
            initial[f"nationality_{i}"] = code
        for i, code in enumerate(referral.languages[:LANGUAGE_SLOTS]):
            initial[f"language_{i}"] = code
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for kind, slots in (("nationality", NATIONALITY_SLOTS), ("language", LANGUAGE_SLOTS)):
            seen = set()
            for i in range(slots):
                code = cleaned.get(f"{kind}_{i}")
                if code and code in seen:
                    already = _("You have already chosen this nationality") if kind == "nationality" else None
                    self.add_error(f"{kind}_{i}", already or _("You have already chosen this language"))
                seen.add(code)
        return cleaned

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        nationalities = [c[f"nationality_{i}"] for i in range(NATIONALITY_SLOTS) if c.get(f"nationality_{i}")]
        languages = [c[f"language_{i}"] for i in range(LANGUAGE_SLOTS) if c.get(f"language_{i}")]
        return {
            "nationalities": nationalities,
            "languages": languages,
            "interpreter_needed": _choice_to_bool(c.get("interpreter_needed", "")),
            "ethnicity": c.get("ethnicity", ""),
        }


# The child: where they live and where they were found -------------------------------------------


class LocationForm(SectionForm):
    address = _textarea(
        _("The child's address (optional)"),
        max_length=1000,
        rows=4,
        help_text=_("Where the child lives or is staying now, such as a placement"),
    )
    residence_local_authority = forms.ModelChoiceField(
        label=_("Local authority where the child lives"),
        queryset=Organisation.objects.none(),
        empty_label=_("Not known or not in this list"),
    )
    found_local_authority = forms.ModelChoiceField(
        label=_("Local authority where the child was found or referred"),
        queryset=Organisation.objects.none(),
        empty_label=_("Not known or not in this list"),
    )
    found_location = _textarea(
        _("Where was the child found? (optional)"),
        max_length=1000,
        rows=3,
        help_text=_("For example, a street, station or address"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("residence_local_authority", "found_local_authority"):
            self.fields[name].queryset = _local_authorities()
            self.fields[name].error_messages["invalid_choice"] = _("Select a local authority from the list")

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {
            "address": referral.address,
            "residence_local_authority": referral.residence_local_authority_id,
            "found_local_authority": referral.found_local_authority_id,
            "found_location": referral.found_location,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        add_rule_problems(self, cleaned, complete=not self.partial)  # where the child lives or was found
        return cleaned

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "address": c.get("address", ""),
            "residence_local_authority": c.get("residence_local_authority"),
            "found_local_authority": c.get("found_local_authority"),
            "found_location": c.get("found_location", ""),
        }


# What happened: the exploitation -----------------------------------------------------------------


class ExploitationForm(SectionForm):
    exploitation_types = _checkboxes(
        _("What type of exploitation is suspected?"),
        ExploitationType.choices,
        help_text=_("Select all that apply"),
    )
    county_lines = forms.BooleanField(label=_("It includes county lines"))
    exploitation_location = _radio(_("Where did the exploitation happen?"), ExploitationLocation.choices)
    exploitation_started = GovukDateField(
        label=_("When did the exploitation start? (optional)"),
        help_text=_("Your best estimate. For example, 27 3 2025"),
        what=_("The date the exploitation started"),
        enter=_("Enter the date the exploitation started"),
        future=_("The date the exploitation started must be today or in the past"),
    )
    exploitation_ended = GovukDateField(
        label=_("When did the exploitation end? (optional)"),
        help_text=_("Leave blank if it may still be happening"),
        what=_("The date the exploitation ended"),
        enter=_("Enter the date the exploitation ended"),
        future=_("The date the exploitation ended must be today or in the past"),
    )
    age_at_exploitation = forms.IntegerField(
        label=_("How old was the child when the exploitation started? (optional)"),
        min_value=0,
        max_value=rules.OLDEST_ESTIMATED_AGE,  # no one the service takes is older (the bound of an estimated age)
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Age when the exploitation started must be a whole number, like 14"),
            "min_value": _("Age when the exploitation started must be 0 or more"),
            "max_value": _("Age when the exploitation started must be %(limit_value)s or less"),  # the rules' bound
        },
    )
    public_order_disqualification = _radio(
        _("Is a public order disqualification being considered?"),
        YES_NO,
        help_text=_(
            "For example, because the child is thought to be a threat to public order. If yes, the "
            "Single Competent Authority makes the decision, not the local panel."
        ),
    )

    required_answers = {
        "exploitation_types": _("Select the type of exploitation, or Not known"),
        "exploitation_location": _("Select where the exploitation happened, or Not known"),
        "public_order_disqualification": _("Select yes if a public order disqualification is being considered"),
    }

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        saved = "exploitation" in referral.sections_saved
        return {
            "exploitation_types": referral.exploitation_types,
            "county_lines": referral.county_lines,
            "exploitation_location": referral.exploitation_location,
            "exploitation_started": referral.exploitation_started,
            "exploitation_ended": referral.exploitation_ended,
            "age_at_exploitation": referral.age_at_exploitation,
            "public_order_disqualification": _bool_to_choice(referral.public_order_disqualification) if saved else "",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # No type selected (or none valid) is "none selected": county lines still needs criminal exploitation.
        add_rule_problems(self, {**cleaned, "exploitation_types": cleaned.get("exploitation_types") or []})
        return cleaned

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "exploitation_types": c.get("exploitation_types") or [],
            "county_lines": bool(c.get("county_lines")),
            "exploitation_location": c.get("exploitation_location", ""),
            "exploitation_started": c.get("exploitation_started"),
            "exploitation_ended": c.get("exploitation_ended"),
            "age_at_exploitation": c.get("age_at_exploitation"),
            "public_order_disqualification": c.get("public_order_disqualification") == YES,
        }


# What happened: the account and indicators -------------------------------------------------------


class AccountForm(SectionForm):
    account = _textarea(
        _("What happened to the child?"),
        max_length=ACCOUNT_MAX_LENGTH,
        rows=12,
        help_text=_(
            "In your own words: what the child told you, what you saw, and what other agencies know. "
            "Say where information came from."
        ),
    )
    indicators = _checkboxes(
        _("Which of these indicators have you seen?"), Indicator.choices, help_text=_("Select all that apply")
    )

    required_answers = {"account": _("Enter what happened to the child")}

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {"account": referral.account, "indicators": referral.indicators}

    def to_fields(self) -> dict[str, Any]:
        return {
            "account": self.cleaned_data.get("account", ""),
            "indicators": self.cleaned_data.get("indicators") or [],
        }


# Safeguarding already in place -------------------------------------------------------------------


class SafeguardingForm(SectionForm):
    ictg_referral_made = _radio(
        _("Has the child been referred to the Independent Child Trafficking Guardian service?"), YES_NO_NOT_KNOWN
    )
    in_place = _checkboxes(
        _("Which of these are already in place?"),
        [
            ("child_in_need", _("Child in need plan")),
            ("child_protection_plan", _("Child protection plan")),
            ("looked_after", _("The child is looked after by a local authority")),
        ],
        help_text=_("Select all that apply. Leave blank if none are in place."),
    )
    strategy_discussion_date = GovukDateField(
        label=_("When was the strategy discussion held? (optional)"),
        help_text=_("Leave blank if there has not been one. For example, 27 3 2026"),
        what=_("The date of the strategy discussion"),
        enter=_("Enter the date of the strategy discussion"),
        future=_("The date of the strategy discussion must be today or in the past"),
    )
    safeguarding_notes = _textarea(
        _("Anything else about keeping the child safe now (optional)"),
        max_length=NOTES_MAX_LENGTH,
        rows=4,
        help_text=_("For example, a safety plan, a placement or police action"),
    )
    # The child's allocated social worker, where known (all optional): they become the child's lead
    # social worker when the referral is accepted.
    social_worker_name = _text(_("Social worker's full name"), autocomplete="off", spellcheck="false")
    social_worker_team = _text(_("Team (optional)"), help_text=_("For example, Children in Care Team 2"))
    social_worker_local_authority = forms.ModelChoiceField(
        label=_("Local authority (optional)"),
        queryset=Organisation.objects.none(),
        empty_label=_("Not known or not in this list"),
    )
    social_worker_email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter the social worker's email address in the correct format, like name@example.org")
        },
    )
    social_worker_phone = _text(
        _("Telephone number (optional)"),
        max_length=40,
        width="govuk-input--width-20",
        autocomplete="off",
        input_type="tel",
    )

    required_answers = {
        "ictg_referral_made": _("Select whether the child has been referred to the guardian service"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Asked in the terms of the nation the referral is made in (a Scottish or Northern Irish referrer is not
        # asked about England's plans, discussions or guardian service).
        words = answers.safeguarding_words(answers.law_of(self.referral))
        self.fields["ictg_referral_made"].label = words.guardian_question
        self.fields["in_place"].choices = words.in_place
        discussion = self.fields["strategy_discussion_date"]
        discussion.label = words.discussion
        discussion.what, discussion.enter, discussion.future = (
            words.discussion_what,
            words.discussion_enter,
            words.discussion_future,
        )
        self.fields["social_worker_local_authority"].queryset = _local_authorities()
        self.fields["social_worker_local_authority"].error_messages["invalid_choice"] = _(
            "Select a local authority from the list"
        )

    def clean_social_worker_phone(self) -> str:
        phone = self.cleaned_data.get("social_worker_phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a telephone number, like 01632 960 001 or +44 808 157 0192"))
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Details of a social worker with no name cannot be recorded on the child (even in a draft).
        others = ("social_worker_team", "social_worker_local_authority", "social_worker_email", "social_worker_phone")
        unnamed = not (cleaned.get("social_worker_name") or "").strip()
        if unnamed and any(cleaned.get(n) for n in others) and "social_worker_name" not in self.errors:
            self.add_error("social_worker_name", _("Enter the social worker's full name, or leave their details blank"))
        return cleaned

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        ictg = _bool_to_choice(referral.ictg_referral_made)
        if referral.ictg_referral_made is None and "safeguarding" in referral.sections_saved:
            ictg = NOT_KNOWN
        return {
            "ictg_referral_made": ictg,
            "in_place": [n for n in ("child_in_need", "child_protection_plan", "looked_after") if getattr(referral, n)],
            "strategy_discussion_date": referral.strategy_discussion_date,
            "safeguarding_notes": referral.safeguarding_notes,
            "social_worker_name": referral.social_worker_name,
            "social_worker_team": referral.social_worker_team,
            "social_worker_local_authority": referral.social_worker_local_authority_id,
            "social_worker_email": referral.social_worker_email,
            "social_worker_phone": referral.social_worker_phone,
        }

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        in_place = set(c.get("in_place") or [])
        return {
            "ictg_referral_made": _choice_to_bool(c.get("ictg_referral_made", "")),
            "child_in_need": "child_in_need" in in_place,
            "child_protection_plan": "child_protection_plan" in in_place,
            "looked_after": "looked_after" in in_place,
            "strategy_discussion_date": c.get("strategy_discussion_date"),
            "safeguarding_notes": c.get("safeguarding_notes", ""),
            "social_worker_name": (c.get("social_worker_name") or "").strip(),
            "social_worker_team": (c.get("social_worker_team") or "").strip(),
            "social_worker_local_authority": c.get("social_worker_local_authority"),
            "social_worker_email": (c.get("social_worker_email") or "").strip().lower(),
            "social_worker_phone": c.get("social_worker_phone", ""),
        }


# The referrer -----------------------------------------------------------------------------------

_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


class ReferrerForm(SectionForm):
    referrer_name = _text(_("Full name"), autocomplete="name", spellcheck="false")
    referrer_job_title = _text(_("Job title (optional)"), autocomplete="organization-title")
    referrer_email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send the acknowledgement here"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )
    referrer_phone = _text(
        _("Telephone number (optional)"),
        max_length=40,
        width="govuk-input--width-20",
        help_text=_("So the coordinator can call you about this referral"),
        autocomplete="tel",
        input_type="tel",
    )

    required_answers = {"referrer_name": _("Enter your full name"), "referrer_email": _("Enter your email address")}

    @classmethod
    def initial_for(cls, referral: Referral) -> dict[str, Any]:
        return {
            "referrer_name": referral.referrer_name,
            "referrer_job_title": referral.referrer_job_title,
            "referrer_email": referral.referrer_email,
            "referrer_phone": referral.referrer_phone,
        }

    def clean_referrer_phone(self) -> str:
        phone = self.cleaned_data.get("referrer_phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a telephone number, like 01632 960 001 or +44 808 157 0192"))
        return phone

    def to_fields(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "referrer_name": c.get("referrer_name", ""),
            "referrer_job_title": c.get("referrer_job_title", ""),
            "referrer_email": c.get("referrer_email", ""),
            "referrer_phone": c.get("referrer_phone", ""),
        }


# Evidence documents -------------------------------------------------------------------------------


def document_keep_check(upload: UploadedFile, *, named: bool = False) -> str:
    """kit.pending's check before a chosen file is kept: the same content checks as storing it.

    Returns the detected type's extension; a refusal is the message the page shows (prefixed with the
    file's name where several files are chosen at once, `named`).
    """
    try:
        if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:  # the upload handler kept no content
            raise DocumentRefused(MESSAGE_TOO_BIG)
        return document_check(file=upload).extension
    except DocumentRefused as refusal:
        raise forms.ValidationError(f"{upload.name}: {refusal.message}" if named else refusal.message)


class DocumentUploadForm(KeepsUploadsMixin, GovukFormMixin, forms.Form):
    """One file and what it is. The file's type is decided from its content by documents.py; a file
    chosen with no description is kept for when the description is given (kit.pending)."""

    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("PDF, PNG, JPEG or Word document, smaller than 10MB"),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = _text(
        _("What is this document?"),
        help_text=_("For example, police statement, social work assessment or photograph of a message"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = _("Enter what the document is")


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "child": ChildForm,
    "background": BackgroundForm,
    "location": LocationForm,
    "exploitation": ExploitationForm,
    "account": AccountForm,
    "safeguarding": SafeguardingForm,
    "referrer": ReferrerForm,
}
