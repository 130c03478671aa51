"""Forms for training: a course and its questions, a session, booking someone, the register, a
self-assessment and the site's setting."""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.training.models import SCALE, Course, CourseQuestion, QuestionKind, TrainingSession
from childnrm.training.services import CAPACITY_MAX, MONTHS_MAX, CourseAnswers, SessionAnswers

YES, NO = "yes", "no"
TIME_RE = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)

# The questions a new course starts with, in the language of the page (the manager may change them).
DEFAULT_KNOWLEDGE = (
    _("How much do you know about the signs that a child is being exploited?"),
    _("How much do you know about the test the panel applies at each decision?"),
)
DEFAULT_CONFIDENCE = (
    _("How confident are you weighing a child's account that has changed over time?"),
    _("How confident are you explaining a decision to a child?"),
)
SCALE_HINTS = {
    QuestionKind.KNOWLEDGE: _("1 means you know very little, 5 means you know a great deal"),
    QuestionKind.CONFIDENCE: _("1 means not at all confident, 5 means very confident"),
}


def parse_time(value: str) -> time | None:
    """'10:30', '14:00', '9.30am', '2:15pm', '2pm' -> a time; None when it is not one."""
    match = TIME_RE.match(value or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if match.group(2) is None and not half:  # "14" alone could be anything
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CourseForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Enter the title of the course"),
            "max_length": _("Title must be 200 characters or fewer"),
        },
    )
    description = forms.CharField(
        label=_("What the course covers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={
            "required": _("Enter what the course covers"),
            "max_length": _("What the course covers must be 3,000 characters or fewer"),
        },
    )
    national = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=[(NO, _("People of your site")), (YES, _("People of every site (a national course)"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who the course is for")},
    )
    counts_for_panel = forms.ChoiceField(
        label=_("Does attending keep a panel member's training current?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether attending keeps a panel member's training current")},
    )
    knowledge = forms.CharField(
        label=_("Knowledge questions"),
        help_text=_("One question per line. People answer each from 1 (know very little) to 5 (know a great deal)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    confidence = forms.CharField(
        label=_("Confidence questions"),
        help_text=_("One question per line. People answer each from 1 (not at all confident) to 5 (very confident)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, may_site: bool, may_national: bool, course: Course | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Who a course is for is chosen once; only someone who may run both kinds is asked.
        if course is not None or not (may_site and may_national):
            self.fixed_national = course.national if course is not None else may_national
            del self.fields["national"]
        else:
            self.fixed_national = None

    @staticmethod
    def initial_for(course: Course | None) -> dict:
        if course is None:
            return {
                "knowledge": "\n".join(str(q) for q in DEFAULT_KNOWLEDGE),
                "confidence": "\n".join(str(q) for q in DEFAULT_CONFIDENCE),
                "counts_for_panel": YES,
            }
        questions = list(course.questions.order_by("position"))
        return {
            "title": course.title,
            "description": course.description,
            "counts_for_panel": YES if course.counts_for_panel else NO,
            "knowledge": "\n".join(q.text for q in questions if q.kind == QuestionKind.KNOWLEDGE),
            "confidence": "\n".join(q.text for q in questions if q.kind == QuestionKind.CONFIDENCE),
        }

    def answers(self) -> CourseAnswers:
        data = self.cleaned_data
        national = self.fixed_national if self.fixed_national is not None else data["national"] == YES
        return CourseAnswers(
            title=data["title"],
            description=data["description"],
            counts_for_panel=data["counts_for_panel"] == YES,
            knowledge=_lines(data["knowledge"]),
            confidence=_lines(data["confidence"]),
            national=national,
        )


class SessionForm(GovukFormMixin, forms.Form):
    on = GovukDateField(
        label=_("Date"),
        help_text=_("For example, 27 3 2027"),
        what=_("The date of the session"),
        enter=_("Enter the date of the session"),
        required=True,
    )
    starts_at = forms.CharField(
        label=_("Start time"),
        help_text=_("For example, 9:30am or 14:00"),
        max_length=8,
        error_messages={"required": _("Enter the start time")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    ends_at = forms.CharField(
        label=_("End time"),
        help_text=_("For example, 12:30pm or 16:00"),
        max_length=8,
        error_messages={"required": _("Enter the end time")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    online = forms.ChoiceField(
        label=_("How is it held?"),
        choices=[(NO, _("In person")), (YES, _("Online"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the session is in person or online")},
    )
    place = forms.CharField(
        label=_("Where, or how to join"),
        help_text=_("A room and building, or how the joining link is sent"),
        max_length=300,
        error_messages={"required": _("Enter where the session is, or how to join it online")},
    )
    trainer = forms.CharField(
        label=_("Trainer"),
        help_text=_("Who runs the session, and their organisation"),
        max_length=200,
        error_messages={"required": _("Enter who runs the session")},
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=CAPACITY_MAX,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": _("Enter the number of places"),
            "invalid": _("The number of places must be a whole number, like 20"),
            "min_value": _("The number of places must be 1 or more"),
            "max_value": format_lazy(_("The number of places must be {max} or fewer"), max=CAPACITY_MAX),
        },
    )

    def _time(self, name: str, problem: str) -> time:
        parsed = parse_time(self.cleaned_data[name])
        if parsed is None:
            raise forms.ValidationError(problem)
        return parsed

    def clean_starts_at(self) -> time:
        return self._time(
            "starts_at", gettext("Enter the start time as hours and minutes, for example 9:30am or 14:00")
        )

    def clean_ends_at(self) -> time:
        return self._time("ends_at", gettext("Enter the end time as hours and minutes, for example 9:30am or 14:00"))

    @staticmethod
    def initial_for(session: TrainingSession) -> dict:
        return {
            "on": session.on,
            "starts_at": f"{session.starts_at:%H:%M}",
            "ends_at": f"{session.ends_at:%H:%M}",
            "online": YES if session.online else NO,
            "place": session.place,
            "trainer": session.trainer,
            "capacity": session.capacity,
        }

    def answers(self) -> SessionAnswers:
        data = self.cleaned_data
        return SessionAnswers(
            on=data["on"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            online=data["online"] == YES,
            place=data["place"],
            trainer=data["trainer"],
            capacity=data["capacity"],
        )


class AttendeeForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(
        label=_("Who is attending?"),
        coerce=int,
        error_messages={"required": _("Select who is attending"), "invalid_choice": _("Select who is attending")},
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", _("Select a person")),
            *(
                (str(p.pk), f"{p.full_name}, {p.organisation.display_name}" if p.organisation else p.full_name)
                for p, _site in people
            ),
        ]


class RegisterForm(GovukFormMixin, forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Who attended?"),
        help_text=_("Select everyone who came. Anyone not selected is recorded as not attending."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, attendances, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(a.pk, a.user.full_name) for a in attendances]
        if not self.is_bound:
            self.initial["attended"] = [a.pk for a in attendances if a.attended]


class AssessmentForm(GovukFormMixin, forms.Form):
    """One question per field (`q<question id>`), each answered 1 to 5."""

    def __init__(self, *args, questions: list[CourseQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text,
                help_text=SCALE_HINTS[q.kind],
                coerce=int,
                choices=[(str(n), str(n)) for n in SCALE],
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext("Answer “%(question)s” with a number from 1 to 5") % {"question": q.text},
                    "invalid_choice": gettext("Answer “%(question)s” with a number from 1 to 5") % {"question": q.text},
                },
            )

    def of_kind(self, kind: str) -> list[forms.BoundField]:
        return [self[f"q{q.pk}"] for q in self.questions if q.kind == kind]

    def scores(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}


class SettingForm(GovukFormMixin, forms.Form):
    current_months = forms.IntegerField(
        label=_("For how many months after a session is a person's training current?"),
        help_text=_("For example, 12"),
        min_value=1,
        max_value=MONTHS_MAX,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": _("Enter a number of months"),
            "invalid": _("The number of months must be a whole number, like 12"),
            "min_value": format_lazy(_("Enter a number of months from 1 to {max}"), max=MONTHS_MAX),
            "max_value": format_lazy(_("Enter a number of months from 1 to {max}"), max=MONTHS_MAX),
        },
    )
