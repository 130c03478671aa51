from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from childnrm.accounts.models import Organisation, Role
from childnrm.core.forms import GovukFormMixin


class SignInForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )
    error_anchor = "id_email"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="username", spellcheck="false")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your 10-digit recovery codes",
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code",
            inputmode="numeric",
            spellcheck="false",
            **{"class": self.fields["code"].widget.attrs["class"] + " govuk-input--width-10"},
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) not in (6, 10):
            raise forms.ValidationError("Enter the 6-digit code or a 10-digit recovery code, using numbers only")
        return code


class EnrolForm(CodeForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    pass


_ROLE_CHOICES = Role.choices


class SiteUserAddForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter their full name"})
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.filter(active=True),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose their organisation"},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label="Roles at this site",
        choices=_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role"},
    )


class SiteUserRolesForm(GovukFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles at this site",
        choices=_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick every role to remove them from this site",
    )
