"""Forms for logging time on a case, a sitting's length and the site's hourly rates."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.roles import Role
from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.burdens import services
from childnrm.burdens.models import COSTED_ROLES, TimeActivity, default_rate_pence, default_salary_who
from childnrm.burdens.selectors import Subject
from childnrm.kit.forms import GovukDateField, GovukFormMixin


class _Form(GovukFormMixin, forms.Form):
    """The kit's GOV.UK form, for every form of this app."""


def _whole(label: str, *, max_value: int, what: str) -> forms.IntegerField:
    """Hours or minutes (`what`); each message is a whole sentence for each, as Welsh words it differently."""
    messages = {
        "hours": {
            "invalid": _("Enter the hours as a whole number"),
            "min_value": _("The hours must be 0 or more"),
            "max_value": format_lazy(_("The hours must be {max} or fewer"), max=max_value),
        },
        "minutes": {
            "invalid": _("Enter the minutes as a whole number"),
            "min_value": _("The minutes must be 0 or more"),
            "max_value": format_lazy(_("The minutes must be {max} or fewer"), max=max_value),
        },
    }[what]
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages=messages,
    )


class _Duration(_Form):
    """Hours and minutes, added up into `minutes()`; the service checks the total's range."""

    hours = _whole(_("Hours"), max_value=24, what="hours")
    minutes = _whole(_("Minutes"), max_value=59, what="minutes")
    empty_message = _("Enter how long it took")

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
        label=_("What was the time for?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what the time was for"),
            "invalid_choice": _("Select what the time was for"),
        },
    )
    activity = forms.ChoiceField(
        label=_("What were you doing?"),
        widget=forms.RadioSelect,
        choices=TimeActivity.choices,
        error_messages={
            "required": _("Select what you were doing"),
            "invalid_choice": _("Select what you were doing"),
        },
    )
    worked_on = GovukDateField(
        label=_("When did you do the work?"),
        what=_("The date you did the work"),
        enter=_("Enter the date you did the work"),
        future=_("The date you did the work must be today or in the past"),
        required=True,
        help_text=_("For example, 27 3 2026"),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=services.NOTE_MAX,
        help_text=_("Anything that explains the time, such as a long journey. Do not write about the child here"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": format_lazy(_("The note must be {max} characters or fewer"), max=f"{services.NOTE_MAX:,}")
        },
    )
    empty_message = _("Enter how long you spent")
    field_order = ["subject", "hours", "minutes", "activity", "worked_on", "note"]

    def __init__(self, *args, subjects: list[Subject], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(s.key, s.label) for s in subjects]


def pounds(pence: int) -> str:
    """'£45.00'."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


class SittingDurationForm(_Duration):
    hours = _whole(_("Hours"), max_value=12, what="hours")
    empty_message = _("Enter how long the sitting lasted")


_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?$")


def _rate_problem(role: str, where: Site | str | None = None) -> str:
    law = nations.rules(where)
    if role == Role.ICTG and not law.english_law:  # the nation's guardian service, a proper name kept as it is
        return gettext("Enter the rate for a guardian (%(service)s) in pounds, for example 45.50") % {
            "service": law.guardian_service
        }
    return gettext("Enter the rate for a %(role)s in pounds, for example 45.50") % {"role": Role(role).label.lower()}


class RatesForm(_Form):
    """One box per costed role: pounds an hour; left blank, the role is costed at its default. `where`, the site,
    names the guardian's role as its nation does."""

    def __init__(self, *args, where: Site | str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.where = where
        for role in COSTED_ROLES:
            who = default_salary_who(role, where)
            self.fields[f"rate_{role}"] = forms.CharField(
                label=nations.role_label(role, where),
                required=False,
                max_length=12,
                help_text=gettext("Default %(rate)s an hour (%(who)s)")
                % {"rate": pounds(default_rate_pence(role)), "who": who},
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-5", "inputmode": "decimal", "spellcheck": "false"}
                ),
                error_messages={"max_length": gettext("Enter the rate in pounds, for example 45 or 45.50")},
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
                self.add_error(name, _rate_problem(role, self.where))
                continue
            try:
                value = Decimal(text.lstrip("£").replace(",", ""))
            except InvalidOperation:
                self.add_error(name, _rate_problem(role, self.where))
                continue
            data[name] = int(value * 100)
        return data

    def rates(self) -> dict[str, int | None]:
        return {role: self.cleaned_data.get(f"rate_{role}") for role in COSTED_ROLES}

    def rows(self):
        return [self[f"rate_{role}"] for role in COSTED_ROLES]
