"""Forms the GOV.UK way, once for every app: widget classes and error wiring (GovukFormMixin), the
three-box date field (GovukDateField), the error summary's links (error_links) and the parameters
that make a bound field render itself through the GOV.UK Frontend Jinja macros (field_macro).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from childnrm.kit.errors import ServiceError, add_to_form
from childnrm.kit.ids import whole_number

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The three boxes of a date, as their labels say and as error messages name them.
# A year before this in any date box is a mistyped year: every date the service records falls in a living
# child's life, or a referral's (referrals.rules.EARLIEST_BIRTH_YEAR and the API's dates take it too).
EARLIEST_YEAR = 1900
PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
PART_WORDS = {"day": _("day"), "month": _("month"), "year": _("year")}


def today() -> date:
    return timezone.localdate()


class DateParts(forms.MultiWidget):
    """GOV.UK date input: day, month and year boxes, named <name>_day, <name>_month, <name>_year."""

    parts = ("day", "month", "year")

    def __init__(self, attrs=None) -> None:
        super().__init__([forms.TextInput(attrs={"inputmode": "numeric"}) for _ in self.parts], attrs)
        self.widgets_names = [f"_{p}" for p in self.parts]

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""


class DateBoundField(forms.BoundField):
    """Gives templates the three boxes with their names, ids, values and error states."""

    field: GovukDateField

    @property
    def parts(self) -> list[dict[str, Any]]:
        value = self.value()
        if isinstance(value, date):
            values = DateParts().decompress(value)
        elif isinstance(value, list | tuple):
            values = [str(v or "") for v in value]
        else:
            values = ["", "", ""]
        error_parts = self.field.error_parts if self.errors else []
        return [
            {
                "name": f"{self.html_name}_{part}",
                "id": f"{self.auto_id}_{part}",
                "label": str(PART_LABELS[part]),
                "value": part_value,
                "error": part in error_parts,
                "width": 4 if part == "year" else 2,
            }
            for part, part_value in zip(DateParts.parts, values, strict=True)
        ]


class GovukDateField(forms.Field):
    """A date entered in three boxes, with the GOV.UK error messages for each way it can be wrong.

    `what` starts the messages ("Date of birth must be a real date"); `enter` is the message when
    a required date is missing. After cleaning, `error_parts` names the boxes to highlight. Pass them as
    gettext_lazy strings, so they are in the page's language (ADR 0023).
    """

    widget = DateParts

    def __init__(
        self,
        *,
        what: _StrOrPromise,
        enter: _StrOrPromise,
        future: _StrOrPromise = "",
        allow_today: bool = True,
        **kwargs,
    ) -> None:
        self.what = what
        self.enter = enter
        self.future = future  # "" allows future dates; otherwise the message for one
        self.allow_today = allow_today
        self.error_parts: list[str] = []
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name) -> DateBoundField:
        return DateBoundField(form, self, field_name)

    def clean(self, value) -> date | None:
        self.error_parts = []
        if isinstance(value, date):  # a stored answer (a disabled field cleans its initial value)
            value = DateParts().decompress(value)
        day, month, year = (str(v or "").strip() for v in (value or ["", "", ""]))
        given = {"day": day, "month": month, "year": year}
        missing = [p for p in DateParts.parts if not given[p]]
        if len(missing) == 3:
            if self.required:
                self.error_parts = list(DateParts.parts)
                raise forms.ValidationError(self.enter, code="required")
            return None
        if missing:
            self.error_parts = missing
            raise forms.ValidationError(self._must_include(missing), code="incomplete")
        not_numbers = [p for p in DateParts.parts if whole_number(given[p]) is None]
        if not_numbers:
            self.error_parts = not_numbers
            raise forms.ValidationError(self._not_real(), code="invalid")
        if len(year) != 4:
            self.error_parts = ["year"]
            raise forms.ValidationError(gettext("Year must include 4 numbers"), code="year")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = [p for p in ("day", "month") if not _part_in_range(p, given)] or ["day"]
            raise forms.ValidationError(self._not_real(), code="invalid")
        if result.year < EARLIEST_YEAR:
            self.error_parts = ["year"]
            raise forms.ValidationError(self._not_real(), code="invalid")
        if self.future and (result > today() or (result == today() and not self.allow_today)):
            self.error_parts = list(DateParts.parts)
            raise forms.ValidationError(self.future, code="future")
        return result

    def _must_include(self, missing: list[str]) -> str:
        words = [str(PART_WORDS[p]) for p in missing]
        if len(words) == 1:
            parts = words[0]
        else:
            # A context of its own: people's "%(first)s and %(second)s" joins two descriptions with a semicolon.
            parts = pgettext("parts of a date", "%(first)s and %(second)s") % {"first": words[0], "second": words[1]}
        # Translators: "Date of birth must include a day and month" (what, then the missing parts).
        return gettext("%(what)s must include a %(parts)s") % {"what": self.what, "parts": parts}

    def _not_real(self) -> str:
        return gettext("%(what)s must be a real date") % {"what": self.what}


def _part_in_range(part: str, given: dict[str, str]) -> bool:
    number = int(given[part])
    return 1 <= number <= (31 if part == "day" else 12)


# Widget classes and error wiring ---------------------------------------------------------------------

_INPUT_CLASSES: dict[type, str] = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}
# Classes the macros add themselves; anything else in a widget's "class" (a width) is passed on.
_MACRO_CLASSES = {
    "govuk-input",
    "govuk-select",
    "govuk-textarea",
    "govuk-file-upload",
    "govuk-checkboxes__input",
    "govuk-radios__input",
    "govuk-input--error",
    "govuk-select--error",
    "govuk-textarea--error",
    "govuk-file-upload--error",
}


class GovukFormMixin:
    """GOV.UK classes on every widget, and the error summary's links (`error_links`).

    `non_field_anchor`: where a form-wide error links to; None means the first question.
    """

    non_field_anchor: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            css = next((c for t, c in _INPUT_CLASSES.items() if isinstance(field.widget, t)), "govuk-input")
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {existing}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        # Errors a view adds after validation (a wrong code) must be wired to the field as well.
        super().add_error(field, error)  # type: ignore[misc]
        self._mark_errors()

    def _mark_errors(self) -> None:
        """Error classes and aria-describedby for widgets a template renders by hand ({{ form.x }})."""
        for name in self.errors:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is None:
                continue
            css = field.widget.attrs.get("class", "")
            for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                if base in css.split() and f"{base}--error" not in css:
                    css += f" {base}--error"
            field.widget.attrs["class"] = css
            described = [f"id_{name}-error"]
            if field.help_text:
                described.insert(0, f"id_{name}-hint")
            field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_links(self) -> list[tuple[str, str]]:
        return error_links(self)  # type: ignore[arg-type]

    def add_service_error(self, problem: ServiceError) -> None:
        """A service's refusal on the form, each problem on its question; against a date every box is marked,
        since the service judged the whole date."""
        for name, _message in problem.form_errors():
            field = self.fields.get(name) if name else None  # type: ignore[attr-defined]
            if isinstance(field, GovukDateField):
                field.error_parts = ["day", "month", "year"]
        add_to_form(self, problem)  # type: ignore[arg-type]


def text_area(
    label: str, *, required: bool = True, message: str = "", max_length: int = 5_000, rows: int = 4, **kw: Any
) -> forms.CharField:
    """A free-text question: its length limit and the GOV.UK error messages that name it."""
    errors = {"max_length": f"{label.split(' (')[0]} must be {max_length:,} characters or fewer"}
    if message:
        errors["required"] = message
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=errors,
        **kw,
    )


def anchor_for(form: forms.BaseForm, name: str) -> str:
    """The id of the box or option an error about `name` should take the user to."""
    field = form.fields[name]
    auto_id = form[name].auto_id
    if isinstance(field, GovukDateField):
        return f"{auto_id}_{(field.error_parts or ['day'])[0]}"
    if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{auto_id}_0"
    return auto_id


def error_links(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary, in the order of the questions."""
    if not form.is_bound or not form.errors:
        return []
    anchor = getattr(form, "non_field_anchor", None) or (
        anchor_for(form, next(iter(form.fields))) if form.fields else "main-content"
    )
    links = [(anchor, str(e)) for e in form.non_field_errors()]
    for name in form.fields:
        links += [(anchor_for(form, name), str(e)) for e in form.errors.get(name, [])]
    return links


# A bound field as a GOV.UK Frontend macro call -------------------------------------------------------


def _label_classes(label_class: str, size: str) -> str:
    return label_class or (f"govuk-label--{size}" if size else "")


def _common(bf: forms.BoundField, opts: dict[str, Any], id_: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    hint = opts.get("hint", bf.help_text)
    if hint:
        params["hint"] = {"text": str(hint)}
    if bf.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in bf.errors), "visuallyHiddenText": gettext("Error")}
    return params


def _legend(bf: forms.BoundField, opts: dict[str, Any]) -> dict[str, Any]:
    legend: dict[str, Any] = {"text": str(bf.label), "classes": f"govuk-fieldset__legend--{opts.get('size') or 's'}"}
    if opts.get("heading"):
        legend["isPageHeading"] = True
    return {"legend": legend}


def _extra(widget: forms.Widget) -> tuple[str, dict[str, Any]]:
    """A widget's own classes (a width) and attributes, less those the macro writes itself."""
    attrs = dict(widget.attrs)
    classes = " ".join(c for c in str(attrs.pop("class", "")).split() if c not in _MACRO_CLASSES)
    for written in ("aria-describedby", "id", "name", "type", "value", "rows"):
        attrs.pop(written, None)
    return classes, {k: v for k, v in attrs.items() if v is not None and v is not False}


def _options(bf: forms.BoundField) -> list[dict[str, Any]]:
    return [
        {
            "value": str(option.data["value"]),
            "text": str(option.choice_label),
            "id": option.id_for_label,
            "selected": bool(option.data["selected"]),
        }
        for option in bf
    ]


def field_macro(bf: forms.BoundField, **opts: Any) -> tuple[str, dict[str, Any]]:
    """(macro name, parameters) that render `bf` as the GOV.UK component for its widget.

    Options: label_class, size (s, m, l), heading (the question is the page's h1), inline, small,
    maxlength (a character count), maxlength_label, hint (instead of the help text), rows; for radios
    and checkboxes item_hints and conditionals ({value: text or html}), item_lang ({value: language code} for
    an option in another language), divider_before (a value: "or" goes before it) and exclusive (the "none of
    these" value); `params` overrides any macro parameter.
    """
    name, params = _field_macro(bf, opts)
    if "items" in params and name in ("govukRadios", "govukCheckboxes"):
        params["items"] = _items_with_options(params["items"], opts)
    params.update(opts.get("params") or {})
    return name, params


def _items_with_options(items: list[dict[str, Any]], opts: dict[str, Any]) -> list[dict[str, Any]]:
    hints, conditionals = opts.get("item_hints") or {}, opts.get("conditionals") or {}
    langs = opts.get("item_lang") or {}
    shaped: list[dict[str, Any]] = []
    for item in items:
        value = item["value"]
        if value == opts.get("divider_before"):
            shaped.append({"divider": gettext("or")})
        if value in hints:
            item["hint"] = {"text": hints[value]}
        if value in conditionals:
            item["conditional"] = {"html": conditionals[value]}
        if value in langs:  # an option in another language than the page's (a language's own name)
            item["label"] = {"attributes": {"lang": langs[value]}}
        if value == opts.get("exclusive"):
            item["behaviour"] = "exclusive"
        shaped.append(item)
    return shaped


def _field_macro(bf: forms.BoundField, opts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    widget = bf.field.widget
    classes, attributes = _extra(widget)
    if isinstance(bf.field, GovukDateField):
        return "govukDateInput", _date_params(bf, opts)
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        radios = not isinstance(widget, forms.CheckboxSelectMultiple)  # Django's checkboxes subclass its radios
        modifier = "govuk-radios" if radios else "govuk-checkboxes"
        params = {
            "name": bf.html_name,
            "idPrefix": bf.auto_id,
            "fieldset": _legend(bf, opts),
            "classes": " ".join(
                c
                for c, on in ((f"{modifier}--inline", opts.get("inline")), (f"{modifier}--small", opts.get("small")))
                if on
            ),
            "items": [
                {"value": o["value"], "text": o["text"], "id": o["id"], "checked": o["selected"]} for o in _options(bf)
            ],
            **_common(bf, opts, bf.auto_id),
        }
        return ("govukRadios" if radios else "govukCheckboxes"), params
    id_ = bf.id_for_label or bf.auto_id
    label: dict[str, Any] = {
        "text": str(bf.label),
        "classes": _label_classes(opts.get("label_class", ""), opts.get("size", "")),
    }
    if opts.get("heading"):
        label["isPageHeading"] = True
    base = {"id": id_, "name": bf.html_name, "label": label, **_common(bf, opts, id_)}
    if isinstance(widget, forms.CheckboxInput):
        # "on" is what a browser sends for a box with no value: a GET form's address reads as it always did.
        item = {"value": "on", "text": str(bf.label), "id": id_, "checked": bool(bf.value())}
        small = "govuk-checkboxes--small" if opts.get("small") else ""
        params = {"name": bf.html_name, "idPrefix": id_, "items": [item], "classes": small, **_common(bf, opts, id_)}
        return "govukCheckboxes", params
    if isinstance(widget, forms.Select):
        return "govukSelect", {
            **base,
            "classes": classes,
            "attributes": attributes,
            "items": [{"value": o["value"], "text": o["text"], "selected": o["selected"]} for o in _options(bf)],
        }
    if isinstance(widget, forms.FileInput):
        params = {**base, "classes": classes, "attributes": attributes}
        if getattr(widget, "allow_multiple_selected", False):  # Django adds it at render time, not in attrs
            params["multiple"] = True
        return "govukFileUpload", params
    value = bf.value()
    if isinstance(widget, forms.Textarea):
        params = {**base, "value": "" if value is None else str(value), "classes": classes, "attributes": attributes}
        params["rows"] = opts.get("rows") or widget.attrs.get("rows") or 5
        if opts.get("maxlength"):
            params["maxlength"] = opts["maxlength"]
            if opts.get("maxlength_label"):  # "10,000" reads better than the macro's "10000"
                params["textareaDescriptionText"] = gettext("You can enter up to %(count)s characters") % {
                    "count": opts["maxlength_label"]
                }
            if translation.get_language() != "en-gb":
                params.update(_character_count_messages(opts))
            return "govukCharacterCount", params
        return "govukTextarea", params
    # A password is never sent back to the browser (Django's PasswordInput does the same).
    hidden = isinstance(widget, forms.PasswordInput) and not widget.render_value
    formatted = None if hidden else widget.format_value(value)
    params = {
        **base,
        "type": getattr(widget, "input_type", "text"),
        "value": "" if formatted is None else str(formatted),
        "classes": classes,
    }
    if isinstance(widget, forms.NumberInput):
        # GOV.UK: a whole number is a text box with the numeric keypad, not type="number"
        params.update(type="text", inputmode="numeric", spellcheck=False)
        attributes = {k: v for k, v in attributes.items() if k not in ("min", "max", "step")}
    for key in ("autocomplete", "inputmode", "spellcheck"):
        if key in attributes:
            params[key] = attributes.pop(key)
    if isinstance(params.get("spellcheck"), str):  # the macro takes a boolean
        params["spellcheck"] = params["spellcheck"] == "true"
    params["attributes"] = attributes
    return "govukInput", params


def _character_count_messages(opts: dict[str, Any]) -> dict[str, Any]:
    """What GOV.UK Frontend's character count says as the user types, in the page's language (its own script
    puts the number in for %{count}); English pages keep the component's own words."""
    label = opts.get("maxlength_label") or str(opts["maxlength"])
    return {
        "textareaDescriptionText": gettext("You can enter up to %(count)s characters") % {"count": label},
        "charactersUnderLimitText": {
            "one": gettext("You have %{count} character remaining"),
            "other": gettext("You have %{count} characters remaining"),
        },
        "charactersAtLimitText": gettext("You have 0 characters remaining"),
        "charactersOverLimitText": {
            "one": gettext("You have %{count} character too many"),
            "other": gettext("You have %{count} characters too many"),
        },
    }


def _date_params(bf: forms.BoundField, opts: dict[str, Any]) -> dict[str, Any]:
    items = [
        {
            "id": part["id"],
            "name": part["name"],
            "label": part["label"],
            "value": part["value"],
            "classes": f"govuk-input--width-{part['width']}" + (" govuk-input--error" if part["error"] else ""),
        }
        for part in bf.parts  # type: ignore[attr-defined]
    ]
    return {"id": bf.auto_id, "fieldset": _legend(bf, opts), "items": items, **_common(bf, opts, bf.auto_id)}
