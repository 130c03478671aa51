"""Forms for reconsiderations and SCA returns (GOV.UK classes and error wiring via GovukFormMixin)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.decisions.models import Decision, Outcome
from childnrm.kit.dates import long_date, long_datetime
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.panels.models import Meeting
from childnrm.reviews.models import ROUTES, FindingRating, ReconsiderationGround, RequesterKind

YES, NO = "yes", "no"


def decision_label(decision: Decision) -> str:
    referral = decision.referral
    words = {
        "reference": referral.reference,
        "name": referral.child_display_name,
        "stage": decision.get_stage_display().lower(),
        "version": decision.version,
    }
    if decision.decided_on:
        words["date"] = long_date(decision.decided_on)
        return gettext("Referral %(reference)s (%(name)s): %(stage)s, version %(version)s, decided %(date)s") % words
    return gettext("Referral %(reference)s (%(name)s): %(stage)s, version %(version)s") % words


def window_text(decision: Decision) -> str:
    """The window's last day as opened when the decision (or the one it corrects) was communicated: annotated by
    reviews.selectors.reconsiderable_decisions (`window_last_day`)."""
    last_day = getattr(decision, "window_last_day", None)
    if last_day is None:
        return " " + gettext("(window not started: not yet communicated to the referrer)")
    return " " + gettext("(window ends %(date)s)") % {"date": long_date(last_day)}


def meeting_label(meeting: Meeting) -> str:
    words = {"when": long_datetime(meeting.starts_at), "kind": meeting.get_kind_display().lower()}
    if meeting.location:
        return gettext("%(when)s, %(place)s (%(kind)s)") % {**words, "place": meeting.location}
    return gettext("%(when)s (%(kind)s)") % words


class ReconsiderationForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Which decision is to be reconsidered?"),
        help_text=_("Final negative decisions of your panel, newest first."),
        error_messages={
            "required": _("Select the decision to be reconsidered"),
            "invalid_choice": _("Select a decision"),
        },
    )
    requester_kind = forms.ChoiceField(
        label=_("Who is asking?"),
        choices=RequesterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who is asking for the reconsideration")},
    )
    requester_name = forms.CharField(
        label=_("Name of the person asking"),
        max_length=200,
        error_messages={"required": _("Enter the name of the person asking")},
    )
    requester_organisation = forms.CharField(label=_("Their organisation (optional)"), max_length=200, required=False)
    routed_through = forms.ChoiceField(
        label=_("If someone else is asking: who is bringing the request for them?"),
        help_text=_("Only the first responder, or the child's social worker, guardian or support provider, can ask."),
        choices=ROUTES,
        widget=forms.RadioSelect,
        required=False,
    )
    routed_through_name = forms.CharField(
        label=_("If someone else is asking: name of the person bringing the request"),
        max_length=200,
        required=False,
    )
    grounds = forms.MultipleChoiceField(
        label=_("Grounds for the request"),
        help_text=_("Select all that apply."),
        choices=ReconsiderationGround.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one ground for the reconsideration")},
    )
    details = forms.CharField(
        label=_("Details of the request"),
        help_text=_("The new evidence, or how the guidance was not followed."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": _("Enter the details of the request")},
    )
    received_on = GovukDateField(
        label=_("Date the request was received"),
        help_text=_("For example, 27 3 2026"),
        what=_("The date the request was received"),
        enter=_("Enter the date the request was received"),
        future=_("The date the request was received must be today or in the past"),
        required=True,
    )
    accept_late = forms.ChoiceField(
        label=_("If the request is late, does the panel accept it?"),
        help_text=_("Only needed if the request was received after the reconsideration window closed."),
        choices=[(YES, _("Yes, accept it")), (NO, _("No, record it as not accepted"))],
        widget=forms.RadioSelect,
        required=False,
    )
    late_reason = forms.CharField(
        label=_("Why the panel accepts the late request"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )

    def __init__(self, *args, decisions: list[Decision], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["decision"].choices = [("", gettext("Select a decision"))] + [
            (str(d.pk), decision_label(d) + window_text(d)) for d in decisions
        ]

    def chosen_decision(self) -> Decision | None:
        return self.decisions.get(self.cleaned_data.get("decision") or "")

    def accept_late_value(self) -> bool | None:
        return {YES: True, NO: False}.get(self.cleaned_data.get("accept_late") or "")


class ListingForm(GovukFormMixin, forms.Form):
    meeting = forms.ChoiceField(
        label=_("Which meeting will reconsider it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a meeting"), "invalid_choice": _("Select a meeting")},
    )

    def __init__(self, *args, meetings: list[Meeting], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["meeting"].choices = [(str(m.pk), meeting_label(m)) for m in meetings]

    def chosen_meeting(self) -> Meeting | None:
        return self.meetings.get(self.cleaned_data.get("meeting") or "")


class ReturnForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Which decision do you want to send?"),
        help_text=_("Finalised decisions of your panel not yet sent, newest first."),
        error_messages={"required": _("Select the decision to send"), "invalid_choice": _("Select a decision")},
    )

    def __init__(self, *args, decisions: list[Decision], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.decisions = {str(d.pk): d for d in decisions}
        self.fields["decision"].choices = [("", gettext("Select a decision"))] + [
            (str(d.pk), f"{decision_label(d)}: {Outcome(d.outcome).label.lower()}") for d in decisions
        ]

    def chosen_decision(self) -> Decision | None:
        return self.decisions.get(self.cleaned_data.get("decision") or "")


class FindingForm(GovukFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=FindingRating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a rating")},
    )
    finding = forms.CharField(
        label=_("Finding"),
        help_text=_("What you found, and what the panel should do about it."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": _("Enter the finding")},
    )


class ResponseForm(GovukFormMixin, forms.Form):
    response = forms.CharField(
        label=_("The panel's answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": _("Enter the panel's answer to the finding")},
    )
