from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.evaluation.models import Dataset, FieldGroup, LegalBasis
from childnrm.evaluation.services import REASON_MAX, AgreementAnswers
from childnrm.kit.forms import GovukDateField, GovukFormMixin

TEXT_MAX = 200
PURPOSE_MAX = 5000


class AgreementForm(GovukFormMixin, forms.Form):
    """An analyst's request for a data-sharing agreement. `sites`: where they may request one; asked only when
    there is more than one."""

    site = forms.ChoiceField(
        label=_("Whose data"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the site whose data it is")},
    )
    organisation_name = forms.CharField(
        label=_("Organisation that will receive the data"),
        max_length=TEXT_MAX,
        error_messages={
            "required": _("Enter the organisation that will receive the data"),
            "max_length": format_lazy(_("The organisation's name must be {max} characters or fewer"), max=TEXT_MAX),
        },
    )
    contact_name = forms.CharField(
        label=_("Named contact at that organisation"),
        help_text=_("The person responsible for the data once it is shared."),
        max_length=TEXT_MAX,
        error_messages={
            "required": _("Enter the name of the contact at that organisation"),
            "max_length": format_lazy(_("The contact's name must be {max} characters or fewer"), max=TEXT_MAX),
        },
    )
    contact_email = forms.EmailField(
        label=_("Contact's email address"),
        error_messages={
            "required": _("Enter the contact's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    purpose = forms.CharField(
        label=_("What the data will be used for"),
        help_text=_("The evaluation or research question, and what will be published."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=PURPOSE_MAX,
        error_messages={
            "required": _("Enter what the data will be used for"),
            "max_length": format_lazy(_("The purpose must be {max} characters or fewer"), max=f"{PURPOSE_MAX:,}"),
        },
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sharing"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the legal basis for sharing")},
    )
    legal_basis_details = forms.CharField(
        label=_("Details of the legal basis (optional unless another basis)"),
        help_text=_("For example the statutory gateway, or the data protection impact assessment's reference."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=PURPOSE_MAX,
        error_messages={
            "max_length": format_lazy(_("The details must be {max} characters or fewer"), max=f"{PURPOSE_MAX:,}")
        },
    )
    datasets = forms.MultipleChoiceField(
        label=_("Files the agreement covers"),
        help_text=_("Select all that apply."),
        choices=Dataset.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select the files the agreement covers")},
    )
    field_groups = forms.MultipleChoiceField(
        label=_("Fields of the evaluation extract to share"),
        help_text=_("Share only what the purpose needs. Pseudonyms and the small-group flag are always included."),
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_on = GovukDateField(
        label=_("Start date"), what=_("The start date"), enter=_("Enter the start date"), required=True
    )
    expires_on = GovukDateField(
        label=_("Expiry date"),
        help_text=_("No data can be downloaded under the agreement after this day."),
        what=_("The expiry date"),
        enter=_("Enter the expiry date"),
        required=True,
    )

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {str(site.pk): site for site in sites}
        self.fields["site"].choices = [(str(site.pk), site.display_name) for site in sites]
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
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        error_messages={
            "required": _("Enter the reason"),
            "max_length": format_lazy(_("The reason must be {max} characters or fewer"), max=f"{REASON_MAX:,}"),
        },
    )

    def __init__(self, *args, label: str | None = None, required_message: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label or gettext("Reason")
        self.fields["reason"].error_messages["required"] = required_message or gettext("Enter the reason")
