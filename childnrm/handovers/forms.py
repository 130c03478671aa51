"""Forms for a transfer and for the turning-18 hand-over."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.decisions.models import Stage
from childnrm.handovers.models import AdultTransition, ScaOutcome, TransferDestination
from childnrm.handovers.services import CORRECTION_REASON_MAX, ScaDecisionAnswers, TransitionAnswers
from childnrm.kit.forms import GovukDateField, GovukFormMixin

REASON_MAX = 5000
NOTES_MAX = 5000


class _Form(GovukFormMixin, forms.Form):
    """The hand-over forms (the kit's error links: form-wide errors go to the first question)."""


class TransferForm(_Form):
    destination = forms.ChoiceField(
        label=_("Where is the case going?"),
        widget=forms.RadioSelect,
        choices=TransferDestination.choices,
        error_messages={
            "required": _("Select where the case is going"),
            "invalid_choice": _("Select where the case is going"),
        },
    )
    site = forms.ChoiceField(
        label=_("Which site's panel?"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select the site to transfer the case to")},
    )
    reason = forms.CharField(
        label=_("Why is the case being transferred?"),
        help_text=_("For example, the child has moved to the other site's area, or will turn 18 before a decision."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        error_messages={
            "required": _("Enter the reason for the transfer"),
            "max_length": format_lazy(_("The reason must be {count} characters or fewer"), count=f"{REASON_MAX:,}"),
        },
    )

    def __init__(self, *args, other_sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.other_sites = {str(s.pk): s for s in other_sites}
        self.fields["site"].choices = [(str(s.pk), s.name) for s in other_sites]
        if not other_sites:
            self.fields["destination"].choices = [
                c for c in TransferDestination.choices if c[0] != TransferDestination.SITE
            ]

    def clean(self):
        data = super().clean()
        if data.get("destination") == TransferDestination.SITE and not data.get("site") and "site" not in self.errors:
            self.add_error("site", gettext("Select the site to transfer the case to"))
        return data

    def chosen_site(self) -> Site | None:
        return self.other_sites.get(self.cleaned_data.get("site") or "")


class AdultTransitionForm(_Form):
    adult_support_referral_on = GovukDateField(
        label=_("Date referred for adult support"),
        help_text=_("Adult support comes through a different contract. Leave blank if not referred yet."),
        what=_("The date of the adult support referral"),
        enter=_("Enter the date of the adult support referral"),
        future=_("The date of the adult support referral must be today or in the past"),
    )
    adult_support_provider = forms.CharField(
        label=_("Adult support provider"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("The provider's name must be 200 characters or fewer")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTES_MAX,
        error_messages={
            "max_length": format_lazy(_("Notes must be {count} characters or fewer"), count=f"{NOTES_MAX:,}")
        },
    )
    completed_on = GovukDateField(
        label=_("Date the hand-over was completed"),
        help_text=_("Leave blank until the hand-over to adult services is complete."),
        what=_("The date the hand-over was completed"),
        enter=_("Enter the date the hand-over was completed"),
        future=_("The date the hand-over was completed must be today or in the past"),
    )

    @staticmethod
    def initial_for(transition: AdultTransition | None) -> dict:
        if transition is None:
            return {}
        return {
            "adult_support_referral_on": transition.adult_support_referral_on,
            "adult_support_provider": transition.adult_support_provider,
            "notes": transition.notes,
            "completed_on": transition.completed_on,
        }

    def answers(self) -> TransitionAnswers:
        data = self.cleaned_data
        return TransitionAnswers(
            adult_support_referral_on=data.get("adult_support_referral_on"),
            adult_support_provider=data.get("adult_support_provider") or "",
            notes=data.get("notes") or "",
            completed_on=data.get("completed_on"),
        )


class ScaDecisionForm(_Form):
    stage = forms.ChoiceField(
        label=_("Which decision did the SCA make?"),
        widget=forms.RadioSelect,
        choices=Stage.choices,
        error_messages={
            "required": _("Select which decision the SCA made"),
            "invalid_choice": _("Select which decision the SCA made"),
        },
    )
    outcome = forms.ChoiceField(
        label=_("What did the SCA decide?"),
        widget=forms.RadioSelect,
        choices=ScaOutcome.choices,
        error_messages={"required": _("Select the SCA's decision"), "invalid_choice": _("Select the SCA's decision")},
    )
    decided_on = GovukDateField(
        label=_("Date of the SCA's decision"),
        what=_("The date of the SCA's decision"),
        enter=_("Enter the date of the SCA's decision"),
        future=_("The date of the SCA's decision must be today or in the past"),
        required=True,
        help_text=_("As the SCA's letter gives it. For example, 27 3 2026"),
    )
    reported_on = GovukDateField(
        label=_("When did the SCA tell you?"),
        what=_("The date the SCA told you"),
        enter=_("Enter the date the SCA told you"),
        future=_("The date the SCA told you must be today or in the past"),
        required=True,
        help_text=_("For example, 30 3 2026"),
    )
    correction_reason = forms.CharField(
        label=_("Why are you correcting it? (only for a decision recorded already)"),
        required=False,
        max_length=CORRECTION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": format_lazy(
                _("The reason must be {count} characters or fewer"), count=f"{CORRECTION_REASON_MAX:,}"
            )
        },
    )

    def answers(self) -> ScaDecisionAnswers:
        data = self.cleaned_data
        return ScaDecisionAnswers(
            stage=data["stage"],
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            reported_on=data["reported_on"],
            correction_reason=data.get("correction_reason") or "",
        )
