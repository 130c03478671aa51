"""Forms for logging time on a case, a sitting's length and the site's hourly rates."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from childnrm.access.roles import Role
from childnrm.burdens import services
from childnrm.burdens.models import COSTED_ROLES, DEFAULT_SALARIES, TimeActivity, default_rate_pence
from childnrm.burdens.selectors import Subject
from childnrm.kit.forms import GovukDateField, GovukFormMixin


class _Form(GovukFormMixin, forms.Form):
    """The kit's GOV.UK form, for every form of this app."""


def _whole(label: str, *, max_value: int, what: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "invalid": f"Enter the {what} as a whole number",
            "min_value": f"The {what} must be 0 or more",
            "max_value": f"The {what} must be {max_value} or fewer",
        },
    )


class _Duration(_Form):
    """Hours and minutes, added up into `minutes()`; the service checks the total's range."""

    hours = _whole("Hours", max_value=24, what="hours")
    minutes = _whole("Minutes", max_value=59, what="minutes")
    empty_message = "Enter how long it took"

    def clean(self):
        data = super().clean()
        fine = "hours" not in self.errors and "minutes" not in self.errors
        if fine and not data.get("hours") and not data.get("minutes"):
            self.add_error("hours", self.empty_message)
        return data

    def total_minutes(self) -> int:
        return (self.cleaned_data.get("hours") or 0) * 60 + (self.cleaned_data.get("minutes") or 0)


class TimeEntryForm(_Duration):
    subject = forms.ChoiceField(
        label="What was the time for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the time was for", "invalid_choice": "Select what the time was for"},
    )
    activity = forms.ChoiceField(
        label="What were you doing?",
        widget=forms.RadioSelect,
        choices=TimeActivity.choices,
        error_messages={"required": "Select what you were doing", "invalid_choice": "Select what you were doing"},
    )
    worked_on = GovukDateField(
        label="When did you do the work?",
        what="The date you did the work",
        enter="Enter the date you did the work",
        future="The date you did the work must be today or in the past",
        required=True,
        help_text="For example, 27 3 2026",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=services.NOTE_MAX,
        help_text="Anything that explains the time, such as a long journey. Do not write about the child here",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The note must be {services.NOTE_MAX:,} characters or fewer"},
    )
    empty_message = "Enter how long you spent"
    field_order = ["subject", "hours", "minutes", "activity", "worked_on", "note"]

    def __init__(self, *args, subjects: list[Subject], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.key, s.label) for s in subjects]


def pounds(pence: int) -> str:
    """'£45.00'."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


class SittingDurationForm(_Duration):
    hours = _whole("Hours", max_value=12, what="hours")
    empty_message = "Enter how long the sitting lasted"


_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?$")


class RatesForm(_Form):
    """One box per costed role: pounds an hour; left blank, the role is costed at its default."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for role in COSTED_ROLES:
            _, who = DEFAULT_SALARIES[role]
            self.fields[f"rate_{role}"] = forms.CharField(
                label=Role(role).label,
                required=False,
                max_length=12,
                help_text=f"Default {pounds(default_rate_pence(role))} an hour ({who})",
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}
                ),
                error_messages={"max_length": "Enter the rate in pounds, for example 45 or 45.50"},
            )

    def clean(self):
        data = super().clean()
        for role in COSTED_ROLES:
            name = f"rate_{role}"
            text = (data.get(name) or "").strip().replace(" ", "")
            if not text:
                data[name] = None
                continue
            if not _MONEY.match(text):
                self.add_error(name, f"Enter the rate for a {Role(role).label.lower()} in pounds, for example 45.50")
                continue
            try:
                value = Decimal(text.lstrip("£").replace(",", ""))
            except InvalidOperation:
                self.add_error(name, f"Enter the rate for a {Role(role).label.lower()} in pounds, for example 45.50")
                continue
            data[name] = int(value * 100)
        return data

    def rates(self) -> dict[str, int | None]:
        return {role: self.cleaned_data.get(f"rate_{role}") for role in COSTED_ROLES}

    def rows(self):
        return [self[f"rate_{role}"] for role in COSTED_ROLES]
