"""Forms for an outcome review, a missing episode and the site's review schedule.

Each question says what is missing on its own; the rules between answers (a follow-up question needed by an
answer, "none" with another option) are the service's (`services.review_answers_clean` and
`episode_answers_clean`), run from `clean()` so every problem shows at once, and run again when saving.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukDateField, GovukFormMixin, today
from childnrm.outcomes import services
from childnrm.outcomes.models import (
    Answer,
    DefenceResult,
    Exploitation,
    InterviewHeld,
    InterviewOffered,
    Justice,
    Occupation,
    Placement,
    PlacementStability,
    Support,
)
from childnrm.referrals.vocab import ExploitationType


def _radios(label: str, choices, message: str, **kw) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kw,
    )


def _checkboxes(label: str, choices, message: str, **kw) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": message, "invalid_choice": message},
        **kw,
    )


def _text(label: str, *, rows: int = 4, **kw) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": format_lazy(_("The answer must be {max} characters or fewer"), max=f"{services.TEXT_MAX:,}")
        },
        **kw,
    )


class OutcomesForm(GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"

    def _add_problems(self, problems) -> None:
        """The service's problems on their questions, leaving questions already in error with their own."""
        for problem in problems:
            if problem.field in self.errors:
                continue
            field = self.fields.get(problem.field)
            if isinstance(field, GovukDateField):
                field.error_parts = ["day", "month", "year"]
            self.add_error(problem.field if problem.field in self.fields else None, problem.message)


class ReviewForm(OutcomesForm):
    placement = _radios(
        _("Where does the young person live now?"), Placement.choices, _("Select where the young person lives now")
    )
    placement_other = forms.CharField(
        label=_("Where do they live?"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Where they live must be 200 characters or fewer")},
    )
    placement_moves = forms.IntegerField(
        label=_("How many times have they moved placement since the last review?"),
        min_value=0,
        max_value=99,
        help_text=_("Enter 0 if they have not moved"),
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": _("Enter how many times they have moved since the last review, as a number"),
            "invalid": _("Enter how many times they have moved since the last review, as a number"),
            "min_value": _("The number of moves must be 0 or more"),
            "max_value": _("The number of moves must be 99 or fewer"),
        },
    )
    placement_stability = _radios(
        _("How stable is the placement?"), PlacementStability.choices, _("Select how stable the placement is")
    )
    went_missing = _radios(
        _("Has the young person gone missing since the last review?"),
        Answer.choices,
        _("Select whether the young person has gone missing since the last review"),
    )
    re_referred = _radios(
        _("Has the young person been referred to the National Referral Mechanism again?"),
        Answer.choices,
        _("Select whether the young person has been referred to the NRM again"),
    )
    re_referral_details = _text(_("Who referred them, and when (optional)"), rows=3)
    further_exploitation = _radios(
        _("Has the young person been exploited again?"),
        Exploitation.choices,
        _("Select whether the young person has been exploited again"),
    )
    exploitation_types = _checkboxes(
        _("Type of exploitation"),
        [(v, label) for v, label in ExploitationType.choices],
        _("Select the type of exploitation, or not known"),
        required=False,
    )
    occupation = _radios(
        _("Is the young person in education, employment or training?"),
        Occupation.choices,
        _("Select whether the young person is in education, employment or training"),
    )
    justice = _checkboxes(
        _("How has the young person been involved with criminal justice since the last review?"),
        Justice.choices,
        _("Select the young person's involvement with criminal justice, or no involvement"),
        help_text=_("Select all that apply"),
    )
    section_45_raised = _radios(
        _("Was the section 45 defence raised?"),
        Answer.choices,
        _("Select whether the section 45 defence was raised"),
        required=False,
        help_text=_(
            "The defence for victims of slavery or trafficking (Modern Slavery Act 2015, section 45; section 22 "
            "of the 2015 Act in Northern Ireland)"
        ),
    )
    section_45_result = _radios(
        _("What became of the defence?"),
        DefenceResult.choices,
        _("Select what became of the section 45 defence"),
        required=False,
        help_text=_("If it was raised"),
    )
    support = _checkboxes(
        _("What support has the young person received since the last review?"),
        Support.choices,
        _("Select the support the young person received, or none of these"),
        help_text=_("Select all that apply"),
    )
    view_given = _radios(
        _("Did the young person give their view?"),
        [("yes", _("Yes")), ("no", _("No"))],
        _("Select whether the young person gave their view"),
    )
    young_person_view = _text(
        _("The young person's view, in their words"),
        rows=6,
        help_text=_("Write what they said about how things are for them, as they said it"),
    )
    view_not_given_reason = _text(_("Why was it not given?"), rows=3)

    def __init__(self, *args, missing_recorded: int = 0, **kwargs) -> None:
        self.missing_recorded = missing_recorded
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, review) -> dict:
        initial = {name: getattr(review, name) for name in services.REVIEW_FIELDS}
        initial["view_given"] = {True: "yes", False: "no"}.get(review.view_given)
        return initial

    def answers(self) -> dict:
        data = dict(self.cleaned_data)
        data["view_given"] = {"yes": True, "no": False}.get(data.get("view_given") or "")
        return data

    def clean(self):
        super().clean()
        _, problems = services.review_answers_clean(self.answers(), missing_recorded=self.missing_recorded)
        self._add_problems(problems)
        return self.cleaned_data


class MissingEpisodeForm(OutcomesForm):
    started_on = GovukDateField(
        label=_("When did the young person go missing?"),
        what=_("The date they went missing"),
        enter=_("Enter the date the young person went missing"),
        future=_("The date they went missing must be today or in the past"),
        required=True,
        help_text=_("For example, 27 3 2026"),
    )
    ended_on = GovukDateField(
        label=_("When did they come back? (leave blank if they are still missing)"),
        what=_("The date they came back"),
        enter=_("Enter the date they came back"),
        future=_("The date they came back must be today or in the past"),
        help_text=_("For example, 29 3 2026"),
    )
    interview_offered = _radios(
        _("Was a return home interview offered within 72 hours of their return?"),
        InterviewOffered.choices,
        _("Select whether a return home interview was offered within 72 hours"),
        required=False,
    )
    interview_held = _radios(
        _("Was the return home interview held?"),
        InterviewHeld.choices,
        _("Select whether the return home interview was held"),
        required=False,
    )
    interview_on = GovukDateField(
        label=_("Date of the interview"),
        what=_("The date of the interview"),
        enter=_("Enter the date of the return home interview"),
        future=_("The date of the interview must be today or in the past"),
        help_text=_("For example, 30 3 2026"),
    )
    learned = _text(
        _("What was learned"),
        rows=6,
        help_text=_(
            "Where they were, who with, why they went and what would keep them safe. Needed when the interview was held"
        ),
    )

    def __init__(self, *args, child=None, episode=None, **kwargs) -> None:
        self.child = child
        self.episode = episode
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, episode) -> dict:
        return {name: getattr(episode, name) for name in services.EPISODE_FIELDS}

    def clean(self):
        super().clean()
        if self.child is not None:
            _, problems = services.episode_answers_clean(
                self.cleaned_data, child=self.child, episode=self.episode, today=today()
            )
            self._add_problems(problems)
        return self.cleaned_data


class ScheduleForm(OutcomesForm):
    months = forms.CharField(
        label=_("Months after the decision"),
        required=False,
        max_length=100,
        help_text=_("Separate them with commas, for example 3, 6, 12, 24"),
        error_messages={"max_length": _("The months must be 100 characters or fewer")},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    at_eighteen = forms.BooleanField(label=_("Also review at the young person's 18th birthday"), required=False)

    def clean_months(self) -> list[int]:
        text = self.cleaned_data["months"].strip()
        if not text:
            return []
        parts = [p for p in re.split(r"[,\s]+", text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(
                _("Enter the months as whole numbers separated by commas, for example 3, 6, 12")
            )
        return [int(p) for p in parts]
