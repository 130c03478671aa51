"""Forms of the retention pages: approving anonymisation, a site's rule, and legal holds."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukFormMixin
from childnrm.retention.schedule import RuleBasis

REASON_MAX = 2000


class _Form(GovukFormMixin, forms.Form):
    """The retention forms (the kit's error links)."""


class ApproveForm(_Form):
    items = forms.TypedMultipleChoiceField(
        label=_("Records to anonymise"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one record to anonymise"),
            "invalid_choice": _("Select records from the list"),
        },
    )

    def __init__(self, *args, item_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, str(pk)) for pk in item_ids]


class RuleForm(_Form):
    basis = forms.ChoiceField(
        label=_("How long are these records kept?"),
        widget=forms.RadioSelect,
        choices=[
            (RuleBasis.BIRTHDAY, _("Until the child's birthday")),
            (RuleBasis.YEARS_AFTER_CLOSED, _("Years after the case closed")),
        ],
        error_messages={"required": _("Select how long these records are kept")},
    )
    years = forms.IntegerField(
        label=_("Birthday or number of years"),
        help_text=_("For example, 25 for the 25th birthday, or 6 for 6 years after the case closed."),
        min_value=1,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": _("Enter the birthday or the number of years"),
            "invalid": _("Enter a whole number, like 25"),
            "min_value": _("Enter a number from 1 to 120"),
            "max_value": _("Enter a number from 1 to 120"),
        },
    )


class HoldForm(_Form):
    child_reference = forms.CharField(
        label=_("Child's reference"),
        help_text=_("It starts with CH-, for example CH-ABCD2345."),
        max_length=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": _("Enter the child's reference")},
    )
    reason = forms.CharField(
        label=_("Why must the records be kept?"),
        help_text=_(
            "For example, a claim has been brought, or an inquiry or a police investigation has asked for them."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={
            "required": _("Enter why the records must be kept"),
            "max_length": format_lazy(_("The reason must be {max} characters or fewer"), max=f"{REASON_MAX:,}"),
        },
    )

    def clean_child_reference(self) -> str:
        return self.cleaned_data["child_reference"].strip().upper()


class LiftForm(_Form):
    reason = forms.CharField(
        label=_("Why can the hold be lifted?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
        error_messages={
            "required": _("Enter why the hold can be lifted"),
            "max_length": format_lazy(_("The reason must be {max} characters or fewer"), max=f"{REASON_MAX:,}"),
        },
    )
