"""Forms of the child's feedback: the child's own form (plain words, the visual scale), the code page and the
summary's period."""

from __future__ import annotations

from typing import Any

from django import forms
from markupsafe import Markup

from childnrm.feedback import wording
from childnrm.feedback.faces import face
from childnrm.feedback.models import Scale
from childnrm.feedback.services import BETTER_MAX
from childnrm.kit.forms import GovukFormMixin


def _scale(question: wording.Question) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question.text,
        help_text=question.hint,
        choices=[(value, wording.SCALE_WORDS[value]) for value in Scale.values],
        widget=forms.RadioSelect,
        error_messages={"required": question.missing, "invalid_choice": question.missing},
    )


class ChildFeedbackForm(GovukFormMixin, forms.Form):
    listened = _scale(wording.LISTENED)
    understood = _scale(wording.UNDERSTOOD)
    better = forms.CharField(
        label=wording.BETTER.text,
        help_text=wording.BETTER.hint,
        required=False,
        max_length=BETTER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": wording.BETTER_TOO_LONG},
    )

    def face_items(self, name: str) -> list[dict[str, Any]]:
        """The question's options for the GOV.UK radios, each label a face beside its words."""
        bound = self[name]
        chosen = str(bound.value() or "")
        return [
            {
                "value": value,
                "html": Markup('{}<span class="app-face__words">{}</span>').format(face(value), words),
                "id": f"{bound.auto_id}_{i}",
                "checked": chosen == value,
                "label": {"classes": "app-face__label"},
            }
            for i, (value, words) in enumerate(wording.SCALE_WORDS.items())
        ]


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label=wording.CODE_LABEL,
        help_text=wording.CODE_HINT,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
        error_messages={"required": wording.CODE_MISSING, "max_length": wording.CODE_WRONG},
    )


PERIODS = [("3", "The last 3 months"), ("12", "The last 12 months"), ("24", "The last 2 years")]


class PeriodForm(GovukFormMixin, forms.Form):
    months = forms.ChoiceField(label="Answers given in", choices=PERIODS, required=False)

    def chosen_months(self) -> int:
        if self.is_valid() and self.cleaned_data.get("months"):
            return int(self.cleaned_data["months"])
        return 12
