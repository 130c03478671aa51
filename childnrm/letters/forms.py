"""The record of who explained the decision to the child."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.kit.i18n import LetterLanguage
from childnrm.letters.models import ExplainedHow


class ExplanationForm(GovukFormMixin, forms.Form):
    explained_by_name = forms.CharField(
        label=_("Who explained the decision to the child?"),
        help_text=_("Their full name"),
        max_length=200,
        error_messages={
            "required": _("Enter the name of the person who explained the decision"),
            "max_length": _("Name must be 200 characters or fewer"),
        },
    )
    explained_by_role = forms.CharField(
        label=_("What is their role?"),
        help_text=_("For example, social worker, guardian (ICTG) or foster carer"),
        max_length=200,
        error_messages={
            "required": _("Enter their role, for example social worker or guardian"),
            "max_length": _("Role must be 200 characters or fewer"),
        },
    )
    explained_on = GovukDateField(
        label=_("When was it explained?"),
        help_text=_("For example, 27 3 2026"),
        what=_("The date the decision was explained"),
        enter=_("Enter the date the decision was explained"),
        future=_("The date the decision was explained must be today or in the past"),
        required=True,
    )
    how = forms.ChoiceField(
        label=_("How was it explained?"),
        choices=ExplainedHow.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the decision was explained"),
            "invalid_choice": _("Select how the decision was explained"),
        },
    )
    child_response = forms.CharField(
        label=_("How did the child respond? (optional)"),
        help_text=_("What the child said or asked, and anything they did not understand"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        error_messages={"max_length": _("The child's response must be 5,000 characters or fewer")},
    )


class LetterLanguageForm(GovukFormMixin, forms.Form):
    correspondence_language = forms.ChoiceField(
        label=_("What language should the child's letters be in?"),
        help_text=_("Welsh and English letters have the Welsh first, as Welsh public bodies send them"),
        choices=LetterLanguage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the language of the child's letters"),
            "invalid_choice": _("Select the language of the child's letters"),
        },
    )
