"""Forms of the retention pages: approving anonymisation, a site's rule, and legal holds."""

from __future__ import annotations

from django import forms

from childnrm.kit.forms import GovukFormMixin
from childnrm.retention.schedule import RuleBasis

REASON_MAX = 2000


class _Form(GovukFormMixin, forms.Form):
    """The retention forms (the kit's error links)."""


class ApproveForm(_Form):
    items = forms.TypedMultipleChoiceField(
        label="Records to anonymise",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one record to anonymise",
            "invalid_choice": "Select records from the list",
        },
    )

    def __init__(self, *args, item_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, str(pk)) for pk in item_ids]


class RuleForm(_Form):
    basis = forms.ChoiceField(
        label="How long are these records kept?",
        widget=forms.RadioSelect,
        choices=[
            (RuleBasis.BIRTHDAY, "Until the child's birthday"),
            (RuleBasis.YEARS_AFTER_CLOSED, "Years after the case closed"),
        ],
        error_messages={"required": "Select how long these records are kept"},
    )
    years = forms.IntegerField(
        label="Birthday or number of years",
        help_text="For example, 25 for the 25th birthday, or 6 for 6 years after the case closed.",
        min_value=1,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the birthday or the number of years",
            "invalid": "Enter a whole number, like 25",
            "min_value": "Enter a number from 1 to 120",
            "max_value": "Enter a number from 1 to 120",
        },
    )


class HoldForm(_Form):
    child_reference = forms.CharField(
        label="Child's reference",
        help_text="It starts with CH-, for example CH-ABCD2345.",
        max_length=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter the child's reference"},
    )
    reason = forms.CharField(
        label="Why must the records be kept?",
        help_text="For example, a claim has been brought, or an inquiry or a police investigation has asked for them.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the records must be kept",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def clean_child_reference(self) -> str:
        return self.cleaned_data["child_reference"].strip().upper()


class LiftForm(_Form):
    reason = forms.CharField(
        label="Why can the hold be lifted?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter why the hold can be lifted",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )
