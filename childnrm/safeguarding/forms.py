"""Forms for the safeguarding plan, its actions, statutory status, the guardian and the safety map."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.kit.actions import ActionProgressForm
from childnrm.kit.dates import long_date
from childnrm.kit.forms import GovukDateField, GovukFormMixin, text_area
from childnrm.panels.models import Agency, Meeting
from childnrm.safeguarding.models import (
    ChildAgreement,
    ContextKind,
    Risk,
    StatutoryKind,
    ViewsGatheredHow,
)

PLAN_SUMMARY_MAX = 5_000
NOTE_MAX = 5_000


_textarea = text_area


class SafeguardingForm(GovukFormMixin, forms.Form):
    """Error links go to the box or first option to fix (date inputs: the first part in error)."""

    non_field_anchor = "main-content"


NO_OUTCOME_YET = _("no outcome yet")


def meeting_label(meeting: Meeting) -> str:
    text = f"{meeting.get_kind_display()}, {long_date(meeting.starts_at)}"
    if meeting.location:
        text += f", {meeting.location}"
    return text


class PlanForm(SafeguardingForm):
    meeting = forms.ChoiceField(
        label=_("Sitting that agreed the plan"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the sitting that agreed the plan"),
            "invalid_choice": _("Select a sitting"),
        },
    )
    decision = forms.ChoiceField(
        label=_("Decision taken at the sitting (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Select a decision about this child")},
    )
    summary = _textarea(
        _("Summary of the plan"),
        required=True,
        message=_("Enter a summary of the plan"),
        max_length=PLAN_SUMMARY_MAX,
        rows=6,
        help_text=_(
            "What the plan is for: the risks to the child and what the agencies agreed. Write it so the "
            "child's guardian can explain it to the child."
        ),
    )
    next_review_on = GovukDateField(
        label=_("Next review date"),
        what=_("Next review date"),
        enter=_("Enter the next review date"),
        required=True,
        help_text=_("For example, 27 3 2027"),
    )

    def __init__(self, *args, meetings, decisions, agenda_meeting_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["meeting"].choices = [
            (
                key,
                gettext("%(sitting)s (this child's case was on the agenda)") % {"sitting": meeting_label(m)}
                if m.pk in agenda_meeting_ids
                else meeting_label(m),
            )
            for key, m in self.meetings.items()
        ]
        self.fields["decision"].choices = [("", _("No decision linked"))] + [
            (key, f"{d.get_stage_display()}: {d.get_outcome_display() if d.outcome else NO_OUTCOME_YET}")
            for key, d in self.decisions.items()
        ]

    def clean_next_review_on(self):
        value = self.cleaned_data.get("next_review_on")
        if value and value < timezone.localdate():
            self.fields["next_review_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("Next review date must be today or in the future"))
        return value

    def chosen_meeting(self) -> Meeting:
        return self.meetings[self.cleaned_data["meeting"]]

    def chosen_decision(self):
        return self.decisions.get(self.cleaned_data.get("decision") or "")


class PlanCloseForm(SafeguardingForm):
    reason = _textarea(
        _("Why is the plan being closed?"),
        required=True,
        message=_("Enter why the plan is being closed"),
        help_text=_(
            "For example, the risks have reduced and the agencies agreed no further actions are needed, "
            "or the child has moved to another area."
        ),
    )


class ReviewDateForm(SafeguardingForm):
    next_review_on = GovukDateField(
        label=_("Next review date"), what=_("Next review date"), enter=_("Enter the next review date"), required=True
    )

    def clean_next_review_on(self):
        value = self.cleaned_data.get("next_review_on")
        if value and value < timezone.localdate():
            self.fields["next_review_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("Next review date must be today or in the future"))
        return value


class ActionForm(SafeguardingForm):
    description = _textarea(
        _("What needs to be done"),
        required=True,
        message=_("Enter what needs to be done"),
        help_text=_("One action, described so the owner knows when it is done."),
    )
    agency = forms.ChoiceField(
        label=_("Owning agency"), error_messages={"required": _("Select the agency that owns the action")}
    )
    organisation = forms.ChoiceField(label=_("Organisation (optional)"), required=False)
    owner = forms.ChoiceField(
        label=_("Owner's account in this service (optional)"),
        required=False,
        help_text=_("Choose an account so the owner can record progress themselves under 'Your actions'."),
    )
    owner_name = forms.CharField(
        label=_("Owner's name"),
        required=False,
        max_length=200,
        help_text=_("The named person responsible. Leave blank to use the name on the account chosen above."),
        error_messages={"max_length": _("Owner's name must be 200 characters or fewer")},
    )
    due_on = GovukDateField(
        label=_("Due date"),
        what=_("Due date"),
        enter=_("Enter the date the action is due"),
        required=True,
        help_text=_("For example, 27 3 2027"),
    )
    review_on = GovukDateField(label=_("Review date (optional)"), what=_("Review date"), enter="", required=False)

    def __init__(self, *args, organisations, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Select an agency")), *Agency.choices]
        self.organisations = {str(o.pk): o for o in organisations}
        self.owners = {str(u.pk): u for u in owners}
        self.fields["organisation"].choices = [("", _("Not given"))] + [
            (k, o.display_name) for k, o in self.organisations.items()
        ]
        self.fields["owner"].choices = [("", _("No account: the owner updates through the coordinator"))] + [
            (k, f"{u.full_name}{', ' + u.organisation.display_name if u.organisation else ''}")
            for k, u in self.owners.items()
        ]

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            self.fields["due_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("Due date must be today or in the future"))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip() and "owner_name" not in self.errors:
            self.add_error("owner_name", _("Enter the name of the person who owns the action, or choose their account"))
        return data

    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data.get("organisation") or "")

    def chosen_owner(self):
        return self.owners.get(self.cleaned_data.get("owner") or "")


class ActionUpdateForm(ActionProgressForm):
    note = _textarea(
        _("Progress note"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_(
            "What has been done, what is next, anything the panel should know. It is added to the "
            "action's history and cannot be changed afterwards."
        ),
    )


class ChildViewsForm(SafeguardingForm):
    in_their_words = _textarea(
        _("The child's views on their plan, in their words"),
        required=True,
        message=_("Enter the child's views, in their words"),
        rows=8,
        help_text=_(
            "Write down what the child said, drew or wrote, as they said it: what they think of the plan, "
            "what worries them, what they want. Say what a drawing showed if they drew it."
        ),
    )
    gathered_by_name = forms.CharField(
        label=_("Who gathered the child's views"),
        max_length=200,
        error_messages={
            "required": _("Enter the name of the person who gathered the child's views"),
            "max_length": _("The name must be 200 characters or fewer"),
        },
    )
    gathered_by_role = forms.CharField(
        label=_("What they are to the child"),
        max_length=200,
        help_text=_("For example, guardian (ICTG), social worker, foster carer"),
        error_messages={
            "required": _("Enter what the person who gathered them is to the child"),
            "max_length": _("What they are to the child must be 200 characters or fewer"),
        },
    )
    gathered_on = GovukDateField(
        label=_("When were they gathered?"),
        what=_("The date the views were gathered"),
        enter=_("Enter the date the views were gathered"),
        future=_("The date the views were gathered must be today or in the past"),
        required=True,
        help_text=_("For example, 27 3 2026"),
    )
    how = forms.ChoiceField(
        label=_("How were they gathered?"),
        choices=ViewsGatheredHow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the child's views were gathered"),
            "invalid_choice": _("Select how the child's views were gathered"),
        },
    )
    with_interpreter = forms.BooleanField(label=_("An interpreter helped"), required=False)


class ChildAgreementForm(SafeguardingForm):
    agreement = forms.ChoiceField(
        label=_("Did the child agree with this action?"),
        choices=[
            (ChildAgreement.AGREED, _("Yes, they agreed")),
            (ChildAgreement.DID_NOT_AGREE, _("No, they did not agree")),
            (ChildAgreement.NOT_ASKED, _("Not asked yet")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether the child agreed with the action"),
            "invalid_choice": _("Select whether the child agreed with the action"),
        },
    )
    note = _textarea(
        _("What the child said, in their words (optional)"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("For example, why they did not agree, or what would make the action work for them"),
    )


class StatutoryPeriodForm(SafeguardingForm):
    kind = forms.ChoiceField(
        label=_("Statutory status"),
        choices=StatutoryKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the statutory status"),
            "invalid_choice": _("Select the statutory status"),
        },
    )
    starts_on = GovukDateField(
        label=_("Start date"),
        what=_("Start date"),
        enter=_("Enter the start date"),
        future=_("Start date must be today or in the past"),
        required=True,
        help_text=_("For example, 27 3 2026"),
    )
    ends_on = GovukDateField(
        label=_("End date (if it has ended)"),
        what=_("End date"),
        enter="",
        future=_("End date must be today or in the past"),
        required=False,
    )

    def __init__(self, *args, site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The categories of the site's nation only (accounts.nations), with what is uncertain about them said.
        law = nations.rules(site)
        labels = dict(StatutoryKind.choices)
        self.fields["kind"].choices = [(code, labels[code]) for code in law.statutory_categories]
        self.fields["kind"].help_text = law.statutory_help

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.fields["ends_on"].error_parts = ["day", "month", "year"]
            self.add_error("ends_on", _("End date must be the same as or after the start date"))
        return data


class PeriodEndForm(SafeguardingForm):
    ends_on = GovukDateField(
        label=_("End date"),
        what=_("End date"),
        enter=_("Enter the end date"),
        future=_("End date must be today or in the past"),
        required=True,
    )


class StrategyDiscussionForm(SafeguardingForm):
    held_on = GovukDateField(
        label=_("Date of the strategy discussion"),
        what=_("Date of the strategy discussion"),
        enter=_("Enter the date of the strategy discussion"),
        future=_("Date of the strategy discussion must be today or in the past"),
        required=True,
    )
    agencies = forms.MultipleChoiceField(
        label=_("Agencies that took part"),
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select the agencies that took part")},
    )
    outcome = _textarea(
        _("Outcome"),
        required=True,
        message=_("Enter the outcome of the strategy discussion"),
        help_text=_("For example, whether a section 47 enquiry follows, and any immediate protective actions."),
    )


class GuardianForm(SafeguardingForm):
    guardian = forms.ChoiceField(
        label=_("Guardian"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the guardian to allocate"), "invalid_choice": _("Select a guardian")},
    )

    def __init__(self, *args, guardians, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guardians = {str(u.pk): u for u in guardians}
        self.fields["guardian"].choices = [
            (k, f"{u.full_name}{', ' + u.organisation.display_name if u.organisation else ''}")
            for k, u in self.guardians.items()
        ]

    def chosen_guardian(self):
        return self.guardians[self.cleaned_data["guardian"]]


class ContextualLinkForm(SafeguardingForm):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=ContextKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether this is a place, a peer group or an online space"),
            "invalid_choice": _("Select whether this is a place, a peer group or an online space"),
        },
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example, 'Bus station, Market Street', 'Older boys from the estate' or 'Snapchat'."),
        error_messages={
            "required": _("Enter the name of the place, peer group or online space"),
            "max_length": _("Name must be 200 characters or fewer"),
        },
    )
    risk = forms.ChoiceField(
        label=_("Risk to the child"),
        choices=Risk.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the risk to the child"),
            "invalid_choice": _("Select the risk to the child"),
        },
    )
    description = _textarea(
        _("Details (optional)"),
        required=False,
        help_text=_("What happens there, who is involved, what makes it risky or safe."),
    )


class SocialWorkerForm(SafeguardingForm):
    """The child's lead social worker: who they are, their team and how to reach them."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the social worker's full name"),
            "max_length": _("Full name must be 200 characters or fewer"),
        },
    )
    team = forms.CharField(
        label=_("Team (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example, Children in Care Team 2"),
        error_messages={"max_length": _("Team must be 200 characters or fewer")},
    )
    local_authority = forms.ModelChoiceField(
        label=_("Local authority (optional)"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Not known or not in this list"),
        error_messages={"invalid_choice": _("Select a local authority from the list")},
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("If the social worker uses this service, their account is linked by this address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )
    phone = forms.CharField(
        label=_("Telephone number (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "class": "govuk-input--width-20"}),
        error_messages={"max_length": _("Telephone number must be 40 characters or fewer")},
    )
    reason = _textarea(
        _("Why has this changed? (optional)"),
        required=False,
        help_text=_("For example, the case moved to the leaving care team"),
        rows=3,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = Organisation.objects.filter(
            type=OrganisationType.LOCAL_AUTHORITY, active=True
        ).order_by("name")
