"""Forms of the child's feedback: the child's own form (plain words, the visual scale), the code page and the
summary's period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup

from childnrm.feedback import wording
from childnrm.feedback.faces import face
from childnrm.feedback.models import Scale
from childnrm.feedback.services import BETTER_MAX
from childnrm.kit.forms import GovukFormMixin


def _scale(question: wording.Question) -> forms.ChoiceField:
    return forms.ChoiceField(
        # wording's English, marked there, in the page's language here
        label=_(question.text),
        help_text=_(question.hint),
        choices=[(value, _(wording.SCALE_WORDS[value])) for value in Scale.values],
        widget=forms.RadioSelect,
        error_messages={"required": _(question.missing), "invalid_choice": _(question.missing)},
    )


class ChildFeedbackForm(GovukFormMixin, forms.Form):
    listened = _scale(wording.LISTENED)
    understood = _scale(wording.UNDERSTOOD)
    better = forms.CharField(
        label=_(wording.BETTER.text),
        help_text=_(wording.BETTER.hint),
        required=False,
        max_length=BETTER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _(wording.BETTER_TOO_LONG)},
    )

    def face_items(self, name: str) -> list[dict[str, Any]]:
        """The question's options for the GOV.UK radios, each label a face beside its words."""
        bound = self[name]
        chosen = str(bound.value() or "")
        return [
            {
                "value": value,
                "html": Markup('{}<span class="app-face__words">{}</span>').format(face(value), gettext(words)),
                "id": f"{bound.auto_id}_{i}",
                "checked": chosen == value,
                "label": {"classes": "app-face__label"},
            }
            for i, (value, words) in enumerate(wording.SCALE_WORDS.items())
        ]


class CodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label=_(wording.CODE_LABEL),
        help_text=_(wording.CODE_HINT),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
        error_messages={"required": _(wording.CODE_MISSING), "max_length": _(wording.CODE_WRONG)},
    )


class NewCodeForm(CodeForm):
    """The new code the child types in on their answers, when the time ran out before they were sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _(wording.NEW_CODE_LABEL)
        code.error_messages["required"] = _(wording.NEW_CODE_MISSING)


PERIODS = [("3", _("The last 3 months")), ("12", _("The last 12 months")), ("24", _("The last 2 years"))]


class PeriodForm(GovukFormMixin, forms.Form):
    months = forms.ChoiceField(label=_("Answers given in"), choices=PERIODS, required=False)

    def chosen_months(self) -> int:
        if self.is_valid() and self.cleaned_data.get("months"):
            return int(self.cleaned_data["months"])
        return 12
