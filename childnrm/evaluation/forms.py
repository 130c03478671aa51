from __future__ import annotations

from django import forms

from childnrm.evaluation.models import Dataset, FieldGroup, LegalBasis
from childnrm.evaluation.services import REASON_MAX, AgreementAnswers
from childnrm.kit.forms import GovukDateField, GovukFormMixin

TEXT_MAX = 200
PURPOSE_MAX = 5000


class AgreementForm(GovukFormMixin, forms.Form):
    """An analyst's request for a data-sharing agreement. `sites`: where they may request one; asked only when
    there is more than one."""

    site = forms.ChoiceField(
        label="Whose data", widget=forms.RadioSelect, error_messages={"required": "Select the site whose data it is"}
    )
    organisation_name = forms.CharField(
        label="Organisation that will receive the data",
        max_length=TEXT_MAX,
        error_messages={
            "required": "Enter the organisation that will receive the data",
            "max_length": f"The organisation's name must be {TEXT_MAX} characters or fewer",
        },
    )
    contact_name = forms.CharField(
        label="Named contact at that organisation",
        help_text="The person responsible for the data once it is shared.",
        max_length=TEXT_MAX,
        error_messages={
            "required": "Enter the name of the contact at that organisation",
            "max_length": f"The contact's name must be {TEXT_MAX} characters or fewer",
        },
    )
    contact_email = forms.EmailField(
        label="Contact's email address",
        error_messages={
            "required": "Enter the contact's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    purpose = forms.CharField(
        label="What the data will be used for",
        help_text="The evaluation or research question, and what will be published.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=PURPOSE_MAX,
        error_messages={
            "required": "Enter what the data will be used for",
            "max_length": f"The purpose must be {PURPOSE_MAX:,} characters or fewer",
        },
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis for sharing",
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the legal basis for sharing"},
    )
    legal_basis_details = forms.CharField(
        label="Details of the legal basis (optional unless another basis)",
        help_text="For example the statutory gateway, or the data protection impact assessment's reference.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=PURPOSE_MAX,
        error_messages={"max_length": f"The details must be {PURPOSE_MAX:,} characters or fewer"},
    )
    datasets = forms.MultipleChoiceField(
        label="Files the agreement covers",
        help_text="Select all that apply.",
        choices=Dataset.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the files the agreement covers"},
    )
    field_groups = forms.MultipleChoiceField(
        label="Fields of the evaluation extract to share",
        help_text="Share only what the purpose needs. Pseudonyms and the small-group flag are always included.",
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_on = GovukDateField(label="Start date", what="The start date", enter="Enter the start date", required=True)
    expires_on = GovukDateField(
        label="Expiry date",
        help_text="No data can be downloaded under the agreement after this day.",
        what="The expiry date",
        enter="Enter the expiry date",
        required=True,
    )

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {str(site.pk): site for site in sites}
        self.fields["site"].choices = [(str(site.pk), site.name) for site in sites]
        if len(self.sites) == 1:
            # One site: nothing to ask.
            self.fields["site"].widget = forms.HiddenInput()
            self.fields["site"].initial = next(iter(self.sites))
            if self.is_bound and not self.data.get("site"):
                self.data = self.data.copy()
                self.data["site"] = next(iter(self.sites))

    def chosen_site(self):
        return self.sites[self.cleaned_data["site"]]

    def answers(self) -> AgreementAnswers:
        data = self.cleaned_data
        return AgreementAnswers(
            organisation_name=data["organisation_name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            legal_basis_details=data.get("legal_basis_details") or "",
            datasets=list(data["datasets"]),
            field_groups=list(data.get("field_groups") or []),
            starts_on=data["starts_on"],
            expires_on=data["expires_on"],
        )


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter the reason",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, label: str = "Reason", required_message: str = "Enter the reason", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message
