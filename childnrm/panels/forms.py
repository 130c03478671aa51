"""Forms for the panel's pages: membership, scheduling, attendance, the agenda and declarations."""

from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.panels.models import Agency, AgendaStage, AttendsAs, MeetingKind

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]
TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(am|pm)?\s*$", re.IGNORECASE)


class MemberForm(GovukFormMixin, forms.Form):
    user = forms.ChoiceField(
        label=_("Who is joining the panel?"),
        help_text=_("Only people who hold a role at this site are listed."),
        error_messages={"required": _("Select who is joining the panel"), "invalid_choice": _("Select who is joining")},
    )
    agency = forms.ChoiceField(
        label=_("Agency they speak for"),
        choices=[("", _("Select an agency")), *Agency.choices],
        error_messages={"required": _("Select the agency they speak for"), "invalid_choice": _("Select an agency")},
    )
    attends_as = forms.ChoiceField(
        label=_("How do they attend?"),
        choices=AttendsAs.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how they attend"), "invalid_choice": _("Select how they attend")},
    )
    voting = forms.ChoiceField(
        label=_("Do they vote on decisions?"),
        help_text=_(
            "Only children’s social care (someone from a local authority), police (a police force) and health "
            "(a health body) vote. Guardians and advisers attend without a vote."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether they vote"), "invalid_choice": _("Select whether they vote")},
    )

    def __init__(self, *args, users=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].choices = [
                ("", gettext("Select a person")),
                *((str(u.pk), _user_label(u)) for u in users),
            ]

    def clean(self):
        data = super().clean()
        if data.get("voting") == YES and data.get("attends_as") in (AttendsAs.ICTG, AttendsAs.ADVISER):
            self.add_error("voting", gettext("Guardians and advisers attend without a vote: select ‘No’"))
        return data

    @property
    def votes(self) -> bool:
        return self.cleaned_data["voting"] == YES


def _user_label(user) -> str:
    org = f", {user.organisation.display_name}" if user.organisation_id else ""
    return f"{user.full_name}{org}"


def parse_time(value: str) -> time | None:
    match = TIME_RE.match(value or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2)), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of sitting"),
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of sitting"), "invalid_choice": _("Select the kind of sitting")},
    )
    day = GovukDateField(
        label=_("Date"),
        help_text=_("For example, 27 3 2027"),
        what=_("Date of the meeting"),
        enter=_("Enter the date of the meeting"),
        required=True,
    )
    start_time = forms.CharField(
        label=_("Start time"),
        help_text=_("Use the 24-hour clock, for example 10:00 or 14:30"),
        max_length=8,
        error_messages={"required": _("Enter the start time")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    location = forms.CharField(
        label=_("Where"),
        help_text=_("A room and building, or how to join online"),
        max_length=200,
        required=False,
    )
    chair = forms.ChoiceField(
        label=_("Chair"),
        help_text=_("People who hold the panel chair role at this site."),
        error_messages={"required": _("Select the chair"), "invalid_choice": _("Select the chair")},
    )

    def __init__(self, *args, chairs, allow_past: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_past = allow_past
        self.fields["chair"].choices = [("", gettext("Select the chair")), *((str(u.pk), u.full_name) for u in chairs)]

    def clean_start_time(self):
        parsed = parse_time(self.cleaned_data["start_time"])
        if parsed is None:
            raise forms.ValidationError(gettext("Enter the start time as hours and minutes, for example 10:00"))
        return parsed

    def clean(self):
        data = super().clean()
        day, start = data.get("day"), data.get("start_time")
        if day and start:
            starts_at = timezone.make_aware(datetime.combine(day, start))
            if not self.allow_past and starts_at < timezone.now():
                self.add_error("day", gettext("The date and time of the meeting must be in the future"))
            data["starts_at"] = starts_at
        return data

    @staticmethod
    def initial_for(meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "kind": meeting.kind,
            "day": local.date(),
            "start_time": local.strftime("%H:%M"),
            "location": meeting.location,
            "chair": str(meeting.chair_id or ""),
        }


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, attendees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(a.pk), a.user.full_name) for a in attendees]


class AttendeeAddForm(GovukFormMixin, forms.Form):
    member = forms.ChoiceField(
        label=_("Invite a panel member"),
        error_messages={
            "required": _("Select the panel member to invite"),
            "invalid_choice": _("Select a panel member"),
        },
    )

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            ("", gettext("Select a panel member")),
            *((str(m.pk), f"{m.user.full_name} ({m.agency_shown(m.site)})") for m in members),
        ]


class AgendaAddForm(forms.Form):
    referral = forms.IntegerField()
    stage = forms.ChoiceField(choices=AgendaStage.choices, error_messages={"required": _("Select the stage")})


class AgendaOtherForm(GovukFormMixin, forms.Form):
    """Any accepted case, by reference: a plan review, or a case the suggestions do not cover."""

    reference = forms.CharField(
        label=_("Referral reference"),
        help_text=_("For example, NRM-ABCD1234"),
        max_length=12,
        error_messages={"required": _("Enter the referral reference")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    stage = forms.ChoiceField(
        label=_("What is the panel asked to do?"),
        choices=[("", _("Select")), *AgendaStage.choices],
        error_messages={"required": _("Select what the panel is asked to do"), "invalid_choice": _("Select a stage")},
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class ConflictForm(forms.Form):
    """Several of these share a page (one per attendee), so ids carry the form's prefix."""

    has_conflict = forms.ChoiceField(
        label=_("Is there a conflict of interest?"),
        choices=[(NO, _("No conflict of interest")), (YES, _("Yes, a conflict of interest"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whether there is a conflict of interest"),
            "invalid_choice": _("Select whether there is a conflict of interest"),
        },
    )
    details = forms.CharField(
        label=_("Describe the conflict"),
        help_text=_("For example, you know the child or their family, or you work with the case directly."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._wire()

    def full_clean(self) -> None:
        super().full_clean()
        self._wire()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        self._wire()

    def _wire(self) -> None:
        details = self["details"]
        described = [f"{details.auto_id}-hint"]
        css = "govuk-textarea"
        if self.is_bound and self._errors is not None and "details" in self._errors:
            described.append(f"{details.auto_id}-error")
            css += " govuk-textarea--error"
        self.fields["details"].widget.attrs.update({"class": css, "aria-describedby": " ".join(described)})

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == YES and not (data.get("details") or "").strip():
            self.add_error("details", gettext("Describe the conflict of interest"))
        return data

    @property
    def conflicted(self) -> bool:
        return self.cleaned_data["has_conflict"] == YES


class CaseConflictsForm(GovukFormMixin, forms.Form):
    """Every present attendee's declaration on one case, one row each: `a<id>-has_conflict` (yes/no) and
    `a<id>-details`. Nothing is required here: services.conflicts_record refuses a row left unanswered or
    a conflict not described, naming the person, so the rules live in one place."""

    def __init__(self, *args, attendees, declarations, **kwargs) -> None:
        self.attendees = list(attendees)
        self.declarations = declarations
        initial = {}
        for a in self.attendees:
            existing = declarations.get(a.pk)
            if existing is not None:
                initial[f"a{a.pk}-has_conflict"] = YES if existing.has_conflict else NO
                initial[f"a{a.pk}-details"] = existing.details
        super().__init__(*args, initial=initial, **kwargs)
        for a in self.attendees:
            name = a.user.full_name
            self.fields[f"a{a.pk}-has_conflict"] = forms.ChoiceField(
                label=gettext("Does %(name)s have a conflict of interest in this case?") % {"name": name},
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                error_messages={
                    "invalid_choice": gettext("Select whether %(name)s has a conflict of interest") % {"name": name}
                },
            )
            self.fields[f"a{a.pk}-details"] = forms.CharField(
                label=gettext("If yes, describe %(name)s’s conflict") % {"name": name},
                help_text=_("For example, they know the child or their family, or work with the case directly."),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                error_messages={"max_length": _("Describe the conflict in 2,000 characters or fewer")},
            )
            if self.fields[f"a{a.pk}-details"].help_text:
                self.fields[f"a{a.pk}-details"].widget.attrs["aria-describedby"] = f"id_a{a.pk}-details-hint"

    def rows(self) -> list[dict]:
        return [
            {
                "attendee": a,
                "declaration": self.declarations.get(a.pk),
                "has_conflict": self[f"a{a.pk}-has_conflict"],
                "details": self[f"a{a.pk}-details"],
            }
            for a in self.attendees
        ]

    def answers(self) -> dict[int, tuple[bool | None, str]]:
        """What was chosen for each attendee: (True/False, or None if nothing was chosen; the details)."""
        return {
            a.pk: (
                {YES: True, NO: False}.get(self.cleaned_data.get(f"a{a.pk}-has_conflict") or ""),
                self.cleaned_data.get(f"a{a.pk}-details") or "",
            )
            for a in self.attendees
        }
