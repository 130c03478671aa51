"""A question drawn again with the same words and choices is the same HTML, kept rather than drawn again; what
someone typed, or an error about it, is always drawn afresh and never kept (issue 16: the queue's filters and the
triage page's sites are the same every time)."""

from __future__ import annotations

from django import forms
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy

from childnrm.kit.forms import GovukFormMixin


class Filters(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(label="Status", choices=[("open", "Open"), ("all", "All")], required=False)
    site = forms.ChoiceField(
        label="Which site's panel?",
        choices=[("1", "Northbridge"), ("2", "Three Rivers")],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, required=True)
    # A lazy label: the same question reads "Status" in English and its translation in Welsh.
    state = forms.ChoiceField(label=gettext_lazy("Status"), choices=[("a", "A")], required=False)


def _env():
    return engines["jinja2"].env


def _draw(form: forms.Form, name: str) -> str:
    return str(_env().from_string("{{ field(form[name]) }}").render({"form": form, "name": name}))


def _kept() -> dict:
    return getattr(_env(), "_kit_field_html", {})


def test_the_same_choices_are_the_same_html_and_a_new_choice_is_shown_chosen():
    first, again = _draw(Filters({"status": "all"}), "status"), _draw(Filters({"status": "all"}), "status")
    assert first == again
    assert '<option value="all" selected>' in first
    other = _draw(Filters({"status": "open"}), "status")
    assert '<option value="open" selected>' in other and '<option value="all" selected>' not in other
    radios = _draw(Filters({"site": "2"}), "site")
    assert 'id="id_site_1" name="site" type="radio" value="2" checked' in radios
    assert _draw(Filters({"site": "2"}), "site") == radios
    assert 'value="1" checked' in _draw(Filters({"site": "1"}), "site")


def test_typed_text_and_errors_are_drawn_each_time_and_never_kept():
    typed = _draw(Filters({"reason": "Seen with an older man in Leeds"}), "reason")
    assert "Seen with an older man in Leeds" in typed
    missing = Filters({"reason": ""})
    missing.is_valid()
    error = _draw(missing, "reason")
    assert "govuk-error-message" in error and "This field is required." in error
    assert not any("Seen with an older man" in str(html) for html in _kept().values())
    assert not any("This field is required." in str(html) for html in _kept().values())
    assert "govuk-error-message" not in _draw(Filters(), "reason")


def test_a_translated_label_is_drawn_in_the_readers_language():
    with translation.override("en-gb"):
        english = _draw(Filters(), "state")
    with translation.override("cy"):
        welsh = _draw(Filters(), "state")
        welsh_status = translation.gettext("Status")
    with translation.override("en-gb"):
        assert _draw(Filters(), "state") == english
    assert welsh_status != "Status"  # the catalogue has it
    assert "Status" in english and welsh_status not in english
    assert welsh_status in welsh and "Status" not in welsh
