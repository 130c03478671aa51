"""Every kind of question renders through the GOV.UK Frontend macros, wired to its error summary."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import engines

from childnrm.kit.forms import GovukDateField, GovukFormMixin


class Questions(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Child's name",
        help_text="As they give it",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    account = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 8}))
    sex = forms.ChoiceField(label="Sex", choices=[("f", "Female"), ("m", "Male")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Exploitation",
        choices=[("criminal", "Criminal"), ("sexual", "Sexual")],
        widget=forms.CheckboxSelectMultiple,
    )
    agency = forms.ChoiceField(label="Agency", choices=[("", "Choose"), ("police", "Police")])
    born = GovukDateField(label="Date of birth", what="Date of birth", enter="Enter the date of birth", required=True)
    document = forms.FileField(label="Upload a document")
    consented = forms.BooleanField(label="The young person agreed")


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_each_widget_renders_as_its_gov_uk_component_with_label_hint_and_value():
    form = Questions(initial={"name": "Amina", "sex": "f", "kinds": ["sexual"]})
    html = render("{% for f in form %}{{ field(f) }}{% endfor %}", form=form)
    assert re.search(
        r'<input class="govuk-input govuk-input--width-20" id="id_name" name="name" type="text" value="Amina"'
        r'[^>]*aria-describedby="id_name-hint"',
        html,
    )
    assert '<div id="id_name-hint" class="govuk-hint">' in html
    assert re.search(r'<textarea class="govuk-textarea" id="id_account" name="account" rows="8"', html)
    # Options keep Django's ids, which the error summary links to.
    assert re.search(
        r'<input class="govuk-radios__input" id="id_sex_0" name="sex" type="radio" value="f" checked', html
    )
    assert re.search(
        r'<input class="govuk-checkboxes__input" id="id_kinds_1" name="kinds" type="checkbox" value="sexual" checked',
        html,
    )
    assert '<select class="govuk-select" id="id_agency" name="agency"' in html
    assert re.search(r'id="id_born_day" name="born_day" type="text"[^>]*inputmode="numeric"', html)
    assert '<input class="govuk-file-upload" id="id_document" name="document" type="file"' in html
    assert re.search(r'id="id_consented" name="consented" type="checkbox" value="on"', html)


def test_an_answer_with_an_error_shows_it_and_the_summary_links_to_the_box_to_fix():
    form = Questions(data={"born_day": "31", "born_month": "2", "born_year": "2012"})
    form.is_valid()
    html = render(
        "{{ error_summary(form) }}{{ field(form.born) }}{{ field(form.sex, size='m', heading=true) }}", form=form
    )
    assert '<h2 class="govuk-error-summary__title">' in html and "There is a problem" in html
    # The day is out of range for February: the link goes to the day box, which is marked.
    assert '<a href="#id_born_day">Date of birth must be a real date</a>' in html
    assert re.search(
        r'class="govuk-input govuk-date-input__input govuk-input--width-2 govuk-input--error" id="id_born_day"', html
    )
    assert '<a href="#id_sex_0">This field is required.</a>' in html
    assert re.search(
        r'<p id="id_born-error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span> Date of birth must be a real date',
        html,
    )
    assert '<h1 class="govuk-fieldset__heading">' in html and "govuk-fieldset__legend--m" in html


@pytest.mark.parametrize("day", ["²", "٣", "1.5"])
def test_a_date_typed_with_other_digits_is_not_a_real_date_and_not_a_server_error(day):
    """`isdigit()` took "²" and Arabic-Indic digits as numbers, and `int()` then failed: a server error on any form
    with a date."""
    form = Questions(data={"born_day": day, "born_month": "2", "born_year": "2012"})
    assert not form.is_valid()
    assert form.errors["born"] == ["Date of birth must be a real date"]


def test_a_character_count_says_the_limit_as_people_write_it():
    form = Questions()
    html = render("{{ field(form.account, maxlength=10000, maxlength_label='10,000') }}", form=form)
    assert 'data-module="govuk-character-count"' in html and 'data-maxlength="10000"' in html
    assert "You can enter up to 10,000 characters" in html


def test_no_summary_without_errors_and_a_link_to_another_page_is_kept_as_a_path():
    assert render("{{ error_summary(Questions()) }}", Questions=Questions).strip() == ""
    html = render("{{ error_summary(links=[('/referrals/1/child/', 'Add the child')]) }}")
    assert '<a href="/referrals/1/child/">Add the child</a>' in html


def test_a_template_that_prints_a_method_instead_of_calling_it_fails():
    form = Questions()
    with pytest.raises(TypeError, match="call it"):
        render("{{ form.non_field_errors }}", form=form)
    assert render("{{ form.non_field_errors() }}{{ missing.attribute }}", form=form) == ""


def test_text_emails_are_not_html_escaped():
    engine = engines["jinja2"]
    assert engine.env.autoescape("message.txt") is False
    assert engine.env.autoescape("page.html") is True


def test_options_can_carry_hints_a_revealed_question_a_divider_and_an_exclusive_none():
    form = Questions()
    html = render(
        "{{ field(form.kinds, item_hints={'sexual': 'Including online'}, divider_before='sexual', exclusive='sexual',"
        " conditionals={'criminal': '<p>Which county lines?</p>'|safe}) }}",
        form=form,
    )
    assert '<div class="govuk-checkboxes__divider">or</div>' in html
    assert "Including online" in html and 'data-behaviour="exclusive"' in html
    assert 'data-aria-controls="conditional-id_kinds_0"' in html and "<p>Which county lines?</p>" in html


def test_a_password_typed_is_never_sent_back_in_the_page():
    class SignIn(GovukFormMixin, forms.Form):
        password = forms.CharField(label="Password", widget=forms.PasswordInput)

    form = SignIn(data={"password": "correct horse"})
    html = render("{{ field(form.password) }}", form=form)
    assert 'type="password"' in html and "correct horse" not in html
