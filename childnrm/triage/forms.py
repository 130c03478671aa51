"""Forms for the coordinator: the queue's filters (a GET form), the triage decision, correcting the facts
and the young person's consent to remain in the NRM at 18."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.referrals.forms import add_rule_problems
from childnrm.referrals.models import ConsentAnswer, ConsentMethod, Referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.selectors import QueueFilters
from childnrm.triage.services import Facts

STATUS_CHOICES = [
    ("open", _("Open")),
    ("awaiting", _("Awaiting triage")),
    ("accepted", _("Accepted")),
    ("handed_off", _("Sent to the SCA")),
    ("all", _("All")),
]
OUTCOME_CHOICES = [
    ("", _("Any")),
    (TriageOutcome.PANEL, _("This site's panel")),
    (TriageOutcome.OTHER_SITE, _("Another site's panel")),
    (TriageOutcome.SCA, _("Single Competent Authority")),
]
SORT_CHOICES = [
    ("due", _("Due soonest")),
    ("newest", _("Newest referral")),
    ("oldest", _("Oldest referral")),
    ("name", _("Family name, A to Z")),
]


class QueueFilterForm(GovukFormMixin, forms.Form):
    # "Open": awaiting triage or accepted, what still needs the panel.
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    outcome = forms.ChoiceField(label=_("Who decides"), choices=OUTCOME_CHOICES, required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Only referrals whose decision is overdue"), required=False)

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(sites) > 1:
            cast(forms.ChoiceField, self.fields["site"]).choices = [
                ("", _("All your sites")),
                *((str(s.pk), s.name) for s in sites),
            ]
        else:
            del self.fields["site"]

    def filters(self) -> QueueFilters:
        """The filters to apply; a value not understood (an old link, an edited URL) is quietly dropped."""
        if not self.is_valid():
            # request.GET (a QueryDict, copied mutable) or, from code, a plain dict.
            valid = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            for name in self.errors:
                valid.pop(name, None)
            self.data, self._errors = valid, None
            self.full_clean()
        data = self.cleaned_data
        site = data.get("site")
        return QueueFilters(
            status=data.get("status") or "open",
            outcome=data.get("outcome") or "",
            overdue_only=bool(data.get("overdue")),
            site_id=int(site) if site else None,
            sort=data.get("sort") or "due",
        )


class TriageForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Who decides this referral?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who decides this referral"), "invalid_choice": _("Select who decides")},
    )
    site = forms.ChoiceField(
        label=_("Which site's panel?"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select the site to transfer the referral to")},
    )
    reason = forms.CharField(
        label=_("Reason for changing who decides"),
        help_text=_("Needed only if you change the outcome the rules suggest. Say what the rules could not know."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, holding_site: Site, other_sites: list[Site], hard_exclusion: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        outcome = cast(forms.ChoiceField, self.fields["outcome"])
        outcome.choices = [
            (TriageOutcome.PANEL, gettext("%(site)s decides") % {"site": holding_site.display_name}),
            (TriageOutcome.OTHER_SITE, _("Transfer to another site's panel")),
            (TriageOutcome.SCA, _("Refer on to the Single Competent Authority")),
        ]
        cast(forms.ChoiceField, self.fields["site"]).choices = [(str(s.pk), s.display_name) for s in other_sites]
        self.other_sites = {str(s.pk): s for s in other_sites}
        if not other_sites:
            outcome.choices = [c for c in outcome.choices if c[0] != "other_site"]
        if hard_exclusion:
            # A hard exclusion applies: only the SCA is offered, and a panel sent anyway is refused by name.
            outcome.choices = [(TriageOutcome.SCA, _("Refer on to the Single Competent Authority"))]
            outcome.error_messages["invalid_choice"] = hard_exclusion
            self.fields["reason"].help_text = _("Needed only if you change the outcome the rules suggest.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("outcome") == TriageOutcome.OTHER_SITE and not data.get("site") and "site" not in self.errors:
            self.add_error("site", _("Select the site to transfer the referral to"))
        return data

    def chosen_site(self) -> Site | None:
        return self.other_sites.get(self.cleaned_data.get("site") or "")


class FactsForm(GovukFormMixin, forms.Form):
    """The facts the hard exclusions rest on: age, doubts about it, and a public-order disqualification.

    A date of birth before today and an estimated age's bounds are the referral's rules (`referrals.rules`), asked
    in clean() as the referral's question pages ask them."""

    date_of_birth = GovukDateField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 2012. Leave blank if it is still not known."),
        what=_("Date of birth"),
        enter=_("Enter the child's date of birth"),
    )
    date_of_birth_estimated = forms.BooleanField(label=_("This date of birth is an estimate"), required=False)
    estimated_age_years = forms.IntegerField(
        label=_("If the date of birth is not known, how old is the child thought to have been when referred?"),
        help_text=_("Estimated age in years, on the day of referral"),
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"invalid": _("Estimated age must be a whole number, like 15")},
    )
    age_doubts = forms.MultipleChoiceField(
        label=_("Is there still any doubt about the child's age?"),
        help_text=_("Untick a doubt an age assessment has resolved. Leave blank if there is no doubt."),
        choices=[
            ("age_uncertain", _("The child's age is uncertain")),
            ("age_disputed", _("The child's age is disputed, for example by a local authority age assessment")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    public_order_disqualification = forms.ChoiceField(
        label=_("Is a public-order disqualification being considered?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether a public-order disqualification is being considered")},
    )
    reason = forms.CharField(
        label=_("Why have the facts changed?"),
        help_text=_(
            "For example, the local authority age assessment concluded on 2 March 2026 and accepted the "
            "child's stated date of birth."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={
            "required": _("Enter why the facts have changed"),
            "max_length": _("The reason must be 5,000 characters or fewer"),
        },
    )

    @staticmethod
    def initial_for(referral: Referral) -> dict:
        return {
            "source": referral.source,  # not a question: whether the referral's rules require an age (clean())
            "date_of_birth": referral.date_of_birth,
            "date_of_birth_estimated": referral.date_of_birth_estimated,
            "estimated_age_years": referral.estimated_age_years,
            "age_doubts": [n for n in ("age_uncertain", "age_disputed") if getattr(referral, n)],
            "public_order_disqualification": "yes" if referral.public_order_disqualification else "no",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # The referral's own rules on its age answers, as triage_correct_facts asks them: a date of birth or an
        # estimated age is kept, unless the referral's source lets both be left out.
        add_rule_problems(self, {**data, "source": self.initial.get("source")})
        return data

    def facts(self) -> Facts:
        c = self.cleaned_data
        born = c.get("date_of_birth")
        doubts = set(c.get("age_doubts") or [])
        return Facts(
            date_of_birth=born,
            date_of_birth_estimated=born is not None and bool(c.get("date_of_birth_estimated")),
            estimated_age_years=c.get("estimated_age_years") if born is None else None,
            age_disputed="age_disputed" in doubts,
            age_uncertain="age_uncertain" in doubts,
            public_order_disqualification=c.get("public_order_disqualification") == "yes",
        )


class AdultConsentForm(GovukFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Does the young person consent to remain in the National Referral Mechanism?"),
        choices=ConsentAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the young person consents to remain in the NRM")},
    )
    given_on = GovukDateField(
        label=_("Date they gave their answer"),
        help_text=_("For example, 27 3 2026"),
        what=_("The date of their answer"),
        enter=_("Enter the date the young person gave their answer"),
        future=_("The date of their answer must be today or in the past"),
        required=True,
    )
    method = forms.ChoiceField(
        label=_("How did they give their answer?"),
        # How an answer is given now; "not recorded" is only for answers moved from the old turning-18 record.
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.NOT_RECORDED],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the young person gave their answer")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        help_text=_("For example, who asked them and whether an interpreter or advocate was there."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"max_length": _("Notes must be 5,000 characters or fewer")},
    )


class EarlierRecordForm(GovukFormMixin, forms.Form):
    """The coordinator's answer about one possible earlier record, from the triage page.

    Which button was pressed is the decision. Rejecting needs a reason: the record is then no longer suggested.
    """

    DECISIONS = {"link": _("This is the same child"), "reject": _("Not the same child")}
    non_field_anchor = "id_reason"  # a refusal from the service (already decided) is about the whole answer

    decision = forms.ChoiceField(
        choices=list(DECISIONS.items()), error_messages={"required": _("Choose whether this is the same child")}
    )
    reason = forms.CharField(
        label=_("Reason for your decision"),
        help_text=_(
            "Optional if this is the same child. Needed if it is not, because the record will no longer be suggested."
        ),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"max_length": _("The reason must be 2,000 characters or fewer")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Enter why this is not the same child"))
        return data
