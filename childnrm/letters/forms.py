"""The record of who explained the decision to the child."""

from __future__ import annotations

from django import forms

from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.letters.models import ExplainedHow


class ExplanationForm(GovukFormMixin, forms.Form):
    explained_by_name = forms.CharField(
        label="Who explained the decision to the child?",
        help_text="Their full name",
        max_length=200,
        error_messages={
            "required": "Enter the name of the person who explained the decision",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    explained_by_role = forms.CharField(
        label="What is their role?",
        help_text="For example, social worker, guardian (ICTG) or foster carer",
        max_length=200,
        error_messages={
            "required": "Enter their role, for example social worker or guardian",
            "max_length": "Role must be 200 characters or fewer",
        },
    )
    explained_on = GovukDateField(
        label="When was it explained?",
        help_text="For example, 27 3 2026",
        what="The date the decision was explained",
        enter="Enter the date the decision was explained",
        future="The date the decision was explained must be today or in the past",
        required=True,
    )
    how = forms.ChoiceField(
        label="How was it explained?",
        choices=ExplainedHow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the decision was explained",
            "invalid_choice": "Select how the decision was explained",
        },
    )
    child_response = forms.CharField(
        label="How did the child respond? (optional)",
        help_text="What the child said or asked, and anything they did not understand",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        error_messages={"max_length": "The child's response must be 5,000 characters or fewer"},
    )
