"""Forms for a case review, its cases, learning points, recommendations and actions."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.case_reviews.models import RecommendationStatus, ReviewKind, ReviewStatus
from childnrm.case_reviews.services import TEXT_MAX, TITLE_MAX, references_in
from childnrm.kit.actions import ActionProgressForm
from childnrm.kit.forms import GovukDateField, GovukFormMixin, text_area


def _textarea(label, *, too_long, **kw) -> forms.CharField:
    """A free-text question of up to TEXT_MAX characters, with its "too long" message in the reader's language."""
    field = partial(text_area, max_length=TEXT_MAX)(label, **kw)
    field.error_messages["max_length"] = too_long
    return field


class CaseReviewForm(GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"


class ReviewDetailsForm(CaseReviewForm):
    kind = forms.ChoiceField(
        label=_("Kind of review"),
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of review"), "invalid_choice": _("Select the kind of review")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_(
            "A short name the site will know the review by. Refer to children by their case reference, never by name."
        ),
        error_messages={
            "required": _("Enter a title for the review"),
            "max_length": _("Title must be 200 characters or fewer"),  # TITLE_MAX
        },
    )
    started_on = GovukDateField(
        label=_("Date the review started"),
        help_text=_("For example, 27 3 2026"),
        what=_("The date the review started"),
        enter=_("Enter the date the review started"),
        future=_("The date the review started must be today or in the past"),
        required=True,
    )
    summary = _textarea(
        _("What the review is about"),
        message=_("Enter what the review is about"),
        rows=6,
        help_text=_(
            "What happened and why the site is reviewing it. Refer to children by their case reference, never by name."
        ),
        too_long=_("What the review is about must be 5,000 characters or fewer"),
    )


class ReviewCreateForm(ReviewDetailsForm):
    cases = forms.CharField(
        label=_("Case references"),
        help_text=_(
            "The reference of each case the review is about, for example NRM-7K2M9QXA. Separate them with "
            "commas or spaces."
        ),
        max_length=500,
        error_messages={
            "required": _("Enter the reference of at least one case the review is about"),
            "max_length": _("Case references must be 500 characters or fewer"),
        },
    )

    field_order = ["kind", "title", "started_on", "cases", "summary"]

    def references(self) -> list[str]:
        return references_in(self.cleaned_data.get("cases", ""))


class CasesAddForm(CaseReviewForm):
    cases = forms.CharField(
        label=_("Case references"),
        help_text=_("For example, NRM-7K2M9QXA. Separate them with commas or spaces."),
        max_length=500,
        error_messages={
            "required": _("Enter the reference of at least one case"),
            "max_length": _("Case references must be 500 characters or fewer"),
        },
    )

    def references(self) -> list[str]:
        return references_in(self.cleaned_data.get("cases", ""))


class LearningPointForm(CaseReviewForm):
    text = _textarea(
        _("Learning point"),
        message=_("Enter the learning point"),
        help_text=_(
            "What the site learned: what helped, what got in the way, what should change. Refer to children by "
            "their case reference, never by name."
        ),
        too_long=_("Learning point must be 5,000 characters or fewer"),
    )


class RecommendationForm(CaseReviewForm):
    text = _textarea(
        _("Recommendation"),
        message=_("Enter the recommendation"),
        help_text=_("Refer to children by their case reference, never by name."),
        too_long=_("Recommendation must be 5,000 characters or fewer"),
    )


class RecommendationStatusForm(CaseReviewForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=RecommendationStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the recommendation's status"),
            "invalid_choice": _("Select the recommendation's status"),
        },
    )


class ReviewStatusForm(CaseReviewForm):
    status = forms.ChoiceField(
        label=_("Status of the review"),
        choices=ReviewStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the review's status"), "invalid_choice": _("Select the review's status")},
    )


def _owner_field(label) -> forms.ChoiceField:
    """Who owns an action: a choice among the site's users who may (`selectors.owner_candidates`)."""
    return forms.ChoiceField(
        label=label,
        help_text=_(
            "Someone at the site who records the action's progress in this service. They are reminded by "
            "email when it is overdue."
        ),
        error_messages={"required": _("Select who owns the action"), "invalid_choice": _("Select who owns the action")},
    )


class OwnerForm(CaseReviewForm):
    """A form with the owner question; its choices are the site's users who may own an action: "Select an owner",
    then each with their organisation."""

    owner = _owner_field(_("Owner"))

    def owner_choices(self, owners) -> None:
        self.owners = {str(u.pk): u for u in owners}
        self.fields["owner"].choices = [("", gettext("Select an owner"))] + [
            (k, f"{u.full_name}{', ' + u.organisation.display_name if u.organisation else ''}")
            for k, u in self.owners.items()
        ]

    def chosen_owner(self):
        return self.owners.get(self.cleaned_data.get("owner") or "")


class ActionForm(OwnerForm):
    description = _textarea(
        _("What needs to be done"),
        message=_("Enter what needs to be done"),
        help_text=_(
            "One action, described so its owner knows when it is done. Refer to children by their case reference, "
            "never by name."
        ),
        too_long=_("What needs to be done must be 5,000 characters or fewer"),
    )
    recommendation = forms.ChoiceField(label=_("Recommendation it answers (optional)"), required=False)
    due_on = GovukDateField(
        label=_("Due date"),
        what=_("Due date"),
        enter=_("Enter the date the action is due"),
        required=True,
        help_text=_("For example, 27 3 2027"),
    )

    field_order = ["description", "recommendation", "owner", "due_on"]

    def __init__(self, *args, owners, recommendations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner_choices(owners)
        self.recommendations = {str(r.pk): r for r in recommendations}
        self.fields["recommendation"].choices = [("", gettext("None"))] + [
            (k, f"{i}. {r.text[:80]}{'…' if len(r.text) > 80 else ''}")
            for i, (k, r) in enumerate(self.recommendations.items(), start=1)
        ]
        if not self.recommendations:
            del self.fields["recommendation"]

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            self.fields["due_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError(gettext("The due date must be today or in the future"))
        return value

    def chosen_recommendation(self):
        return self.recommendations.get(self.cleaned_data.get("recommendation") or "")


class ActionUpdateForm(ActionProgressForm):
    note = _textarea(
        _("Progress note"),
        required=False,
        help_text=_(
            "What has been done and what is next. It is added to the action's history and cannot be changed afterwards."
        ),
        too_long=_("Progress note must be 5,000 characters or fewer"),
    )


class ActionOwnerForm(OwnerForm):
    """A new owner for an action: anyone who may own the site's actions, except its owner now."""

    owner = _owner_field(_("New owner"))

    def __init__(self, *args, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner_choices(owners)
