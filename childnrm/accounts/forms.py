from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from childnrm.accounts import policy as site_policy
from childnrm.accounts import ratelimit
from childnrm.accounts.models import DayBasis, Organisation, Role, Site, TieRule, User
from childnrm.kit.forms import GovukFormMixin
from childnrm.kit.i18n import Language


class SignInForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password")},
    )
    error_anchor = "id_email"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="username", spellcheck="false")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Security code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your 10-digit recovery codes"),
        error_messages={"required": _("Enter the security code")},
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
            raise forms.ValidationError(_("Enter the 6-digit code or a 10-digit recovery code, using numbers only"))
        return code


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app"))
        return code


class BothFactorsForm(CodeForm):
    """The password and a security code, as at sign-in, before a signed-in user changes how they sign in: new recovery
    codes (views.recovery_codes_new) or a new authenticator app (views.authenticator_change)."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password")},
    )
    field_order = ["password", "code"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:
        """Every active user with this email, a password or not. Django's form leaves out unusable passwords, but
        ours are the accounts that most need a link: an invited user whose first link expired, and a user whose
        second factor an administrator reset (accounts.services). Whether anyone matched is never said: the page
        answers the same for any address, and the link is only ever emailed to the account's own address."""
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (u for u in users if _same_address(email, u.email))

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Queue the link for each matching account (accounts.tasks), as an administrator's changes queue theirs.
        So the page never waits for the mail server or fails with it, and takes about as long whether an account
        matched or not; the email is written in its reader's language, with a link to the service's own address (not
        the request's Host header); and a failure is logged without the address. Django's own arguments (its
        templates, domain and sender) are not used. Requests are limited per address typed and per client
        (accounts.ratelimit); over a limit nothing is queued, and the page says what it always says."""
        from childnrm.accounts.tasks import send_account_email  # the tasks import the middleware, which imports us

        email = self.cleaned_data["email"]
        if not ratelimit.password_reset_allowed(kwargs.get("request"), email):
            return
        for user in self.get_users(email):
            send_account_email.enqueue(user_id=user.pk, template="password_reset")


def _same_address(typed: str, stored: str) -> bool:
    # As Django's own form compares them (Unicode TR 36): the database's case-insensitive match alone may take
    # look-alike characters for the account's own.
    return unicodedata.normalize("NFKC", typed).casefold() == unicodedata.normalize("NFKC", stored).casefold()


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    pass


_ROLE_CHOICES = Role.choices


class SiteUserAddForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, error_messages={"required": _("Enter their full name")}
    )
    email = forms.EmailField(
        label=_("Work email address"),
        max_length=254,
        error_messages={
            "required": _("Enter their work email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(active=True),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose their organisation")},
    )
    job_title = forms.CharField(label=_("Job title (optional)"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles at this site"),
        choices=_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role")},
    )


class SiteUserRolesForm(GovukFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles at this site"),
        choices=_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick every role to remove them from this site"),
    )


# Site decision policy (issue 8 rule 12) -------------------------------------------------------------

_YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _days_field(label: str | Promise, hint: str | Promise, not_a_number: str | Promise) -> forms.IntegerField:
    # A text input with a numeric keypad (GOV.UK advice); the limits are the service's, told field by field.
    return forms.IntegerField(
        label=label,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-3"}),
        error_messages={"required": not_a_number, "invalid": not_a_number},
    )


def _yes_no_field(label: str | Promise, hint: str | Promise, required: str | Promise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=_YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class SitePolicyForm(GovukFormMixin, forms.Form):
    """Every setting of a site's decision policy, and why it is changing. The limits are checked by
    accounts.policy.policy_change so that a page, the shell and a test meet the same rules."""

    rg_due_days = _days_field(
        _("Days the panel has to make the reasonable grounds decision"),
        _("Counted from the day of referral. The pilot allows no more than 45 calendar days (26 working days)"),
        site_policy.RG_DUE_CALENDAR.not_a_number,
    )
    rg_due_basis = forms.ChoiceField(
        label=_("Are these calendar days or working days?"),
        help_text=_("Working days leave out weekends and the bank holidays of the site's nation"),
        choices=DayBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": site_policy.CHOICE_FIELDS["rg_due_basis"][1]},
    )
    recovery_period_days = _days_field(
        _("Recovery period, in calendar days"),
        _(
            "The least time between a positive reasonable grounds decision and the conclusive grounds decision, "
            "for the child to recover. The national minimum is 30 days"
        ),
        site_policy.DAY_LIMITS["recovery_period_days"].not_a_number,
    )
    rg_and_cg_at_one_sitting = _yes_no_field(
        _("Can the panel make both decisions at one sitting?"),
        _(
            "Yes means the panel may make the reasonable grounds and conclusive grounds decisions at the same meeting "
            "when the evidence is enough, and the recovery period does not apply"
        ),
        site_policy.BOOLEAN_FIELDS["rg_and_cg_at_one_sitting"],
    )
    negative_second_review = _yes_no_field(
        _("Do negative decisions have a second review before they are final?"),
        _(
            "Yes means a second chair, who did not sit on the case, reviews every negative decision before it is "
            "final and the referrer is told"
        ),
        site_policy.BOOLEAN_FIELDS["negative_second_review"],
    )
    tie_rule = forms.ChoiceField(
        label=_("What happens when the panel's votes are tied?"),
        choices=TieRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": site_policy.CHOICE_FIELDS["tie_rule"][1]},
    )
    reconsideration_window_days = _days_field(
        _("Time to ask for reconsideration, in calendar days"),
        _(
            "How long the referrer or support provider has to ask the panel to look again at a negative decision, "
            "from the day it was final and communicated. The national minimum is 30 days"
        ),
        site_policy.DAY_LIMITS["reconsideration_window_days"].not_a_number,
    )
    information_request_days = _days_field(
        _("Days agencies have to answer a request for information"),
        _("The usual due date the panel gives an agency when it asks for information about a case"),
        site_policy.DAY_LIMITS["information_request_days"].not_a_number,
    )
    turning_18_warning_days = _days_field(
        _("Days before the 18th birthday to start the turning 18 warning"),
        _(
            "The dashboard shows a young person this many days before they turn 18, so consent to stay in the "
            "National Referral Mechanism and adult support can be arranged in time"
        ),
        site_policy.DAY_LIMITS["turning_18_warning_days"].not_a_number,
    )
    reason = forms.CharField(
        label=_("Why is the policy changing?"),
        help_text=_("For example, the decision of the strategic board and its date. This is kept with the new version"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": site_policy.REASON_REQUIRED},
    )
    error_anchor = "id_rg_due_days"

    @staticmethod
    def initial_from(values: dict) -> dict:
        """The site's current values as the form shows them (yes/no for the switches)."""
        return {
            name: ("yes" if value else "no") if name in site_policy.BOOLEAN_FIELDS else value
            for name, value in values.items()
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            # A field that failed to parse stops the service call: still name every other value out of its
            # limits now, with the service's own rule and words, rather than on the next try.
            values = {name: cleaned.get(name) for name in site_policy.POLICY_FIELDS}
            for name, message in site_policy.policy_errors(values).items():
                if name in cleaned and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def policy_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in site_policy.POLICY_FIELDS}


class SiteLanguageForm(GovukFormMixin, forms.Form):
    default_language = forms.ChoiceField(
        label=_("Default language"),
        help_text=_("The language the site's users see until they choose one with the language switch"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the site's default language"),
            "invalid_choice": _("Select the site's default language"),
        },
    )
    name_cy = forms.CharField(
        label=_("Name of the site in Welsh"),
        help_text=_("Shown on pages and letters in Welsh. Leave blank to use the English name everywhere."),
        required=False,
        max_length=Site._meta.get_field("name_cy").max_length,
        # What is typed is Welsh, whatever the page's language: a screen reader and a spellchecker read it so.
        widget=forms.TextInput(attrs={"lang": "cy", "autocomplete": "off"}),
        error_messages={"max_length": _("The name in Welsh must be %(limit_value)s characters or fewer")},
    )


# Django's own words on the account pages (its password forms and validators), which Django's Welsh catalogue
# leaves untranslated: marked here so that the accounts catalogue translates them (an app's catalogue is read before
# Django's own). Keep them exactly as Django writes them: tests/test_welsh_pages.py walks the password pages in Welsh.
_DJANGO_WORDS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Password confirmation"),
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Email"),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
)
