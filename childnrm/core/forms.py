"""GOV.UK Design System classes and error wiring for Django forms."""

from __future__ import annotations

from django import forms

_INPUT_CLASSES: dict[type, str] = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovukFormMixin:
    """Adds GOV.UK classes, hint/error `aria-describedby` and error states to every widget."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            css = next((c for t, c in _INPUT_CLASSES.items() if isinstance(field.widget, t)), "govuk-input")
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{css} {existing}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_errors()

    def add_error(self, field, error) -> None:
        # Errors a view adds after validation (a wrong code) must be wired to the field as well.
        super().add_error(field, error)  # type: ignore[misc]
        self._mark_errors()

    def _mark_errors(self) -> None:
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
