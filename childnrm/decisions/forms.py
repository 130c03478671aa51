"""Forms for the decision record. Each section saves as a draft: nothing is required to save, and the
completeness check (services.decision_completeness) says what is still missing before sign-off."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.decisions.models import (
    Act,
    ActFinding,
    Decision,
    NegativeReason,
    Outcome,
    PlanBasis,
    PurposeFinding,
    SlaveryFinding,
    Vote,
)
from childnrm.decisions.services import CORRECTION_ABANDON_REASONS
from childnrm.decisions.wording import outcome_words
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.panels.models import QUORUM_AGENCIES, Agency
from childnrm.referrals.vocab import ExploitationType, Indicator

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

TEXT_MAX = 10_000
YES, NO = "yes", "no"
PURPOSE_HINT = _(
    "For a child, only the act and the exploitative purpose need to be shown. The means (force, threats, "
    "deception, abuse of power) do not."
)
CREDIBILITY_HINT = _(
    "Take a trauma-informed approach. Delayed disclosure, gaps, inconsistencies and a flat or confused account "
    "are common in children who have been exploited, and do not in themselves mean the account is not credible. "
    "Consider the child's age, development, language, fear of those who exploited them and of the authorities."
)


def _textarea(label: _StrOrPromise, help_text: _StrOrPromise = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": format_lazy(
                _("{label} must be {count} characters or fewer"), label=label, count=f"{TEXT_MAX:,}"
            )
        },
    )


class SectionForm(GovukFormMixin, forms.Form):
    """A section of the record: `initial_for` reads the decision, `to_fields` gives decision_save's data."""

    fields_saved: tuple[str, ...] = ()

    def __init__(self, *args: Any, decision: Decision | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision

    @classmethod
    def initial_for(cls, decision: Decision) -> dict[str, Any]:
        return {name: getattr(decision, name) for name in cls.fields_saved}

    def to_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields_saved}


class ActForm(SectionForm):
    fields_saved = ("act_finding", "act_found", "act_reasoning", "slavery_found", "slavery_reasoning")
    act_finding = forms.ChoiceField(
        label=_("Did the panel find an act of trafficking?"),
        choices=ActFinding.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    act_found = forms.MultipleChoiceField(
        label=_("Which acts did the panel find?"),
        help_text=_("Only if the panel found an act. Select all that apply"),
        choices=Act.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    act_reasoning = _textarea(
        _("The panel's reasons on the act"),
        _("Why it found the act or found none: which evidence, and how it was weighed"),
    )
    slavery_found = forms.MultipleChoiceField(
        label=_("Did the panel find slavery, servitude or forced or compulsory labour?"),
        help_text=_(
            "Modern Slavery Act 2015 section 1. These need no act of trafficking. Select all that apply, or none"
        ),
        choices=SlaveryFinding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    slavery_reasoning = _textarea(_("The panel's reasons on slavery, servitude or forced or compulsory labour"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.decision is not None and self.decision.referral.site is not None:
            # The law of the deciding site's nation (accounts.nations): in Scotland, the Scottish Act.
            law = nations.rules(self.decision.referral.site).slavery_law
            field = self.fields["slavery_found"]
            field.help_text = gettext("%(law)s. These need no act of trafficking. Select all that apply, or none") % {
                "law": law
            }


class PurposeForm(SectionForm):
    fields_saved = ("purpose_finding", "purpose_found", "purpose_reasoning")
    purpose_finding = forms.ChoiceField(
        label=_("Did the panel find an exploitative purpose?"),
        help_text=PURPOSE_HINT,
        choices=PurposeFinding.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    purpose_found = forms.MultipleChoiceField(
        label=_("For what exploitative purpose?"),
        help_text=_("Only if the panel found one. Select all that apply"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose_reasoning = _textarea(_("The panel's reasons on the purpose"), _("Why it found the purpose or found none"))


class ExploitationForm(SectionForm):
    fields_saved = ("exploitation_types", "indicators")
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        help_text=_("Select all that apply"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators of exploitation the panel found"),
        help_text=_("Select all that apply"),
        choices=Indicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CredibilityForm(SectionForm):
    fields_saved = ("credibility_reasoning",)
    credibility_reasoning = _textarea(_("The panel's reasoning on credibility"), CREDIBILITY_HINT, rows=8)


class WishesForm(SectionForm):
    fields_saved = (
        "wishes_gathered",
        "wishes_and_feelings",
        "wishes_how_gathered",
        "wishes_gathered_by",
        "wishes_not_gathered_reason",
    )
    wishes_gathered = forms.ChoiceField(
        label=_("Were the child's wishes and feelings gathered?"),
        choices=[(YES, _("Yes")), (NO, _("No, they could not be"))],
        required=False,
        widget=forms.RadioSelect,
    )
    wishes_and_feelings = _textarea(_("What the child wants and feels"), _("In the child's own words where possible"))
    wishes_how_gathered = _textarea(_("How they were gathered"), _("For example, a visit with an interpreter"), rows=3)
    wishes_gathered_by = forms.CharField(
        label=_("Who gathered them"), help_text=_("Name and role"), required=False, max_length=200
    )
    wishes_not_gathered_reason = _textarea(_("Why they could not be gathered"), rows=3)

    @classmethod
    def initial_for(cls, decision: Decision) -> dict[str, Any]:
        initial = super().initial_for(decision)
        initial["wishes_gathered"] = {True: YES, False: NO, None: ""}[decision.wishes_gathered]
        return initial

    def to_fields(self) -> dict[str, Any]:
        data = super().to_fields()
        gathered = {YES: True, NO: False}.get(self.cleaned_data.get("wishes_gathered") or "")
        data["wishes_gathered"] = gathered
        # Keep only the answers that go with the choice made, so the record says one thing.
        if gathered is True:
            data["wishes_not_gathered_reason"] = ""
        elif gathered is False:
            data.update(wishes_and_feelings="", wishes_how_gathered="", wishes_gathered_by="")
        return data


class OutcomeForm(SectionForm):
    fields_saved = ("outcome", "negative_reason", "decided_on", "dissent")
    outcome = forms.ChoiceField(
        label=_("What did the panel decide?"), choices=Outcome.choices, required=False, widget=forms.RadioSelect
    )
    negative_reason = forms.ModelChoiceField(
        label=_("If the decision is negative, why?"),
        help_text=_("The element not met, as coded in the Home Office's NRM data"),
        queryset=NegativeReason.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    decided_on = GovukDateField(
        label=_("Date of the decision"),
        help_text=_("For example, 27 3 2026"),
        what=_("The date of the decision"),
        enter=_("Enter the date of the decision"),
        future=_("The date of the decision must be today or in the past"),
    )
    dissent = _textarea(
        _("Further notes on dissent (optional)"),
        _(
            "Every vote against the outcome is dissent, recorded with its reasons on the votes page. Add anything "
            "further here, or leave blank"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.decision is not None:
            # Each choice says what the decision means at this stage, as the record will.
            cast(forms.ChoiceField, self.fields["outcome"]).choices = [
                (value, outcome_words(self.decision.stage, value)) for value, _label in Outcome.choices
            ]
        # The active codes, and a retired one the draft already holds.
        held = self.decision.negative_reason_id if self.decision is not None else None
        cast(forms.ModelChoiceField, self.fields["negative_reason"]).queryset = NegativeReason.objects.filter(
            models.Q(active=True) | models.Q(pk=held)
        )

    @classmethod
    def initial_for(cls, decision: Decision) -> dict[str, Any]:
        initial = super().initial_for(decision)
        initial["negative_reason"] = decision.negative_reason_id
        if initial["decided_on"] is None and decision.meeting is not None:
            # The panel decides at its sitting: offer that day, once it has come (never a future date).
            sitting_day = timezone.localtime(decision.meeting.starts_at).date()
            if sitting_day <= timezone.localdate():
                initial["decided_on"] = sitting_day
        return initial

    def to_fields(self) -> dict[str, Any]:
        data = super().to_fields()
        if data.get("outcome") == Outcome.POSITIVE:
            data["negative_reason"] = None  # a radio cannot be unticked without JavaScript
        return data


class BestInterestsForm(SectionForm):
    fields_saved = ("best_interests",)
    best_interests = _textarea(
        _("How do the decision and the plan serve the child's best interests?"),
        _("The child's safety, welfare and wishes, and how the decision and the plan protect and support them"),
        rows=8,
    )


class PlanForm(SectionForm):
    fields_saved = ("plan_basis", "plan_in_place_reason", "support_after_negative")
    plan_basis = forms.ChoiceField(
        label=_("A positive reasonable grounds decision: how is the child protected?"),
        help_text=_("Record the plan on the child's safeguarding page"),
        choices=PlanBasis.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    plan_in_place_reason = _textarea(
        _("If a plan is already in place, which plan and why it protects the child"),
        _("For example, a child protection plan made on 3 March 2026 that covers the exploitation"),
        rows=3,
    )
    support_after_negative = _textarea(
        _("A negative decision: what support will the child still get?"),
        _("Who gives it, and what it is. A negative decision does not end the child's safeguarding"),
        rows=4,
    )

    def to_fields(self) -> dict[str, Any]:
        data = super().to_fields()
        if data.get("plan_basis") != PlanBasis.ALREADY_IN_PLACE:
            data["plan_in_place_reason"] = ""
        return data


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "act": ActForm,
    "purpose": PurposeForm,
    "exploitation": ExploitationForm,
    "credibility": CredibilityForm,
    "wishes": WishesForm,
    "outcome": OutcomeForm,
    "best-interests": BestInterestsForm,
    "plan": PlanForm,
}


class EvidenceForm(GovukFormMixin, forms.Form):
    description = _textarea(_("What is the evidence?"), rows=4)
    agency = forms.ChoiceField(
        label=_("Which agency supplied it?"),
        choices=[("", _("Select an agency")), *Agency.choices],
        error_messages={"required": _("Select the agency that supplied the evidence")},
    )
    supplied_by = forms.CharField(
        label=_("Supplied by (optional)"), help_text=_("The organisation or person"), required=False, max_length=200
    )
    weight = _textarea(_("How the panel weighed it"), rows=3)
    source = forms.ChoiceField(label=_("Linked information or document (optional)"), required=False)

    def __init__(self, *args, sources: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", gettext("None")), *sources]
        self.fields["description"].required = True
        self.fields["description"].error_messages["required"] = gettext("Enter a description of the evidence")


class VoteForm(GovukFormMixin, forms.Form):
    vote = forms.ChoiceField(
        label=_("Vote"),
        choices=Vote.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how they voted")},
    )
    reasons = _textarea(_("Reasons"), _("Needed for a vote against the outcome, which is recorded as dissent"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One form per voter on the page: a refusal of the whole vote links to that voter's card.
        self.non_field_anchor = f"{self.prefix}-row"


class CorrectionForm(GovukFormMixin, forms.Form):
    reason = _textarea(_("Why does the record need correcting?"), _("This is kept with the corrected version"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].error_messages["required"] = gettext("Enter the reason for the correction")


class CorrectionAbandonForm(GovukFormMixin, forms.Form):
    """Why whoever runs the panel abandons a correction's draft: one of the service's codes, never free text."""

    reason = forms.ChoiceField(
        label=_("Why are you abandoning this correction?"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why the correction is abandoned")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The codes the service checks.
        cast(forms.ChoiceField, self.fields["reason"]).choices = list(CORRECTION_ABANDON_REASONS.items())


class SecondReviewForm(GovukFormMixin, forms.Form):
    agrees = forms.ChoiceField(
        label=_("Do you agree with the panel's decision?"),
        choices=[(YES, _("Yes, the decision is final")), (NO, _("No, return it to the panel"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you agree with the decision")},
    )
    reasons = _textarea(_("Your reasons"), _("Needed if you return the decision to the panel"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("agrees") == NO and not (data.get("reasons") or "").strip():
            self.add_error("reasons", gettext("Enter why you do not agree with the decision"))
        return data


class NilReturnForm(GovukFormMixin, forms.Form):
    """A statutory partner's record that it holds nothing relevant to the decision (issue 8 rule 5)."""

    nil_agency = forms.ChoiceField(
        label=_("Which agency holds nothing relevant?"),
        choices=[("", _("Select an agency")), *((a, Agency(a).label) for a in QUORUM_AGENCIES)],
        error_messages={"required": _("Select the agency that holds nothing relevant")},
    )
    nil_statement = _textarea(
        _("Who in the agency confirmed it, and when"), _("For example, the police single point of contact, by email")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nil_statement"].required = True
        self.fields["nil_statement"].error_messages["required"] = gettext(
            "Enter who in the agency confirmed it holds nothing relevant, and when"
        )


class CastingVoteForm(GovukFormMixin, forms.Form):
    """The chair's casting vote on a tied vote, with reasons (the site's tie rule)."""

    casting_vote = forms.ChoiceField(
        label=_("The chair's casting vote"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the chair's casting vote")},
    )
    casting_vote_reasons = _textarea(_("The chair's reasons for the casting vote"), rows=3)

    def __init__(self, *args, decision: Decision | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["casting_vote_reasons"].required = True
        self.fields["casting_vote_reasons"].error_messages["required"] = gettext(
            "Enter the reasons for the casting vote"
        )
        if decision is not None:
            cast(forms.ChoiceField, self.fields["casting_vote"]).choices = [
                (value, outcome_words(decision.stage, value)) for value, _label in Outcome.choices
            ]
