"""A date question that takes only today or earlier never gives a later date as its example: a hint the form then
refuses ("For example, 27 3 2027" under "When did the young person go missing?") misleads."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import date

from django import forms

import childnrm
from childnrm.kit.forms import GovukDateField, today

_EXAMPLE = re.compile(r"(\d{1,2}) (\d{1,2}) (\d{4})")


def _forms_modules() -> None:
    for found in pkgutil.walk_packages(childnrm.__path__, "childnrm."):
        if found.name.endswith(".forms"):
            importlib.import_module(found.name)


def _all_subclasses(cls: type) -> set[type]:
    return {*cls.__subclasses__(), *(s for c in cls.__subclasses__() for s in _all_subclasses(c))}


def test_every_past_only_date_question_gives_a_past_example():
    _forms_modules()
    checked, wrong = 0, []
    for form_class in _all_subclasses(forms.BaseForm):
        for name, field in getattr(form_class, "base_fields", {}).items():
            if not isinstance(field, GovukDateField) or not field.future:
                continue
            example = _EXAMPLE.search(str(field.help_text))
            if example is None:
                continue
            day, month, year = (int(part) for part in example.groups())
            checked += 1
            if date(year, month, day) > today():
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: {field.help_text}")
    assert checked >= 5  # the outcomes, letters, reviews, burdens and handovers questions at least
    assert wrong == []
