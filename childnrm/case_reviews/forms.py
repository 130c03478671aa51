"""Forms for a case review, its cases, learning points, recommendations and actions."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils import timezone

from childnrm.case_reviews.models import RecommendationStatus, ReviewKind, ReviewStatus
from childnrm.case_reviews.services import TEXT_MAX, TITLE_MAX, references_in
from childnrm.kit.actions import ActionProgressForm
from childnrm.kit.forms import GovukDateField, GovukFormMixin, text_area

NOT_NAMED = "Refer to children by their case reference, never by name."


_textarea = partial(text_area, max_length=TEXT_MAX)


class CaseReviewForm(GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"


class ReviewDetailsForm(CaseReviewForm):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of review", "invalid_choice": "Select the kind of review"},
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text=f"A short name the site will know the review by. {NOT_NAMED}",
        error_messages={
            "required": "Enter a title for the review",
            "max_length": f"Title must be {TITLE_MAX} characters or fewer",
        },
    )
    started_on = GovukDateField(
        label="Date the review started",
        help_text="For example, 27 3 2026",
        what="The date the review started",
        enter="Enter the date the review started",
        future="The date the review started must be today or in the past",
        required=True,
    )
    summary = _textarea(
        "What the review is about",
        message="Enter what the review is about",
        rows=6,
        help_text=f"What happened and why the site is reviewing it. {NOT_NAMED}",
    )


class ReviewCreateForm(ReviewDetailsForm):
    cases = forms.CharField(
        label="Case references",
        help_text="The reference of each case the review is about, for example NRM-7K2M9QXA. Separate them with "
        "commas or spaces.",
        max_length=500,
        error_messages={
            "required": "Enter the reference of at least one case the review is about",
            "max_length": "Case references must be 500 characters or fewer",
        },
    )

    field_order = ["kind", "title", "started_on", "cases", "summary"]

    def references(self) -> list[str]:
        return references_in(self.cleaned_data.get("cases", ""))


class CasesAddForm(CaseReviewForm):
    cases = forms.CharField(
        label="Case references",
        help_text="For example, NRM-7K2M9QXA. Separate them with commas or spaces.",
        max_length=500,
        error_messages={
            "required": "Enter the reference of at least one case",
            "max_length": "Case references must be 500 characters or fewer",
        },
    )

    def references(self) -> list[str]:
        return references_in(self.cleaned_data.get("cases", ""))


class LearningPointForm(CaseReviewForm):
    text = _textarea(
        "Learning point",
        message="Enter the learning point",
        help_text=f"What the site learned: what helped, what got in the way, what should change. {NOT_NAMED}",
    )


class RecommendationForm(CaseReviewForm):
    text = _textarea("Recommendation", message="Enter the recommendation", help_text=NOT_NAMED)


class RecommendationStatusForm(CaseReviewForm):
    status = forms.ChoiceField(
        label="Status",
        choices=RecommendationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the recommendation's status",
            "invalid_choice": "Select the recommendation's status",
        },
    )


class ReviewStatusForm(CaseReviewForm):
    status = forms.ChoiceField(
        label="Status of the review",
        choices=ReviewStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the review's status", "invalid_choice": "Select the review's status"},
    )


class ActionForm(CaseReviewForm):
    description = _textarea(
        "What needs to be done",
        message="Enter what needs to be done",
        help_text=f"One action, described so its owner knows when it is done. {NOT_NAMED}",
    )
    recommendation = forms.ChoiceField(label="Recommendation it answers (optional)", required=False)
    owner = forms.ChoiceField(
        label="Owner",
        help_text="Someone at the site who records the action's progress in this service. They are reminded by "
        "email when it is overdue.",
        error_messages={"required": "Select who owns the action", "invalid_choice": "Select who owns the action"},
    )
    due_on = GovukDateField(
        label="Due date",
        what="Due date",
        enter="Enter the date the action is due",
        required=True,
        help_text="For example, 27 3 2027",
    )

    def __init__(self, *args, owners, recommendations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners}
        self.recommendations = {str(r.pk): r for r in recommendations}
        self.fields["owner"].choices = [("", "Select an owner")] + [
            (k, f"{u.full_name}{', ' + u.organisation.name if u.organisation else ''}") for k, u in self.owners.items()
        ]
        self.fields["recommendation"].choices = [("", "None")] + [
            (k, f"{i}. {r.text[:80]}{'…' if len(r.text) > 80 else ''}")
            for i, (k, r) in enumerate(self.recommendations.items(), start=1)
        ]
        if not self.recommendations:
            del self.fields["recommendation"]

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            self.fields["due_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError("The due date must be today or in the future")
        return value

    def chosen_owner(self):
        return self.owners.get(self.cleaned_data.get("owner") or "")

    def chosen_recommendation(self):
        return self.recommendations.get(self.cleaned_data.get("recommendation") or "")


class ActionUpdateForm(ActionProgressForm):
    note = _textarea(
        "Progress note",
        required=False,
        help_text="What has been done and what is next. It is added to the action's history and cannot be changed "
        "afterwards.",
    )
