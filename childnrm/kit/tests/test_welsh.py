"""Dates, times and form messages in Welsh (ADR 0023), and the catalogues complete."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.template import engines
from django.utils.translation import gettext_lazy as _

from childnrm.kit import catalogues
from childnrm.kit.dates import long_date, long_datetime, time_of_day
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.kit.i18n import language


def test_dates_in_welsh_have_welsh_months_and_days():
    with language("cy"):
        assert long_date(date(2026, 3, 7)) == "7 Mawrth 2026"
        assert long_date(date(2026, 12, 3), weekday=True) == "Dydd Iau 3 Rhagfyr 2026"
        assert [long_date(date(2026, month, 1)).split()[1] for month in range(1, 13)] == [
            "Ionawr",
            "Chwefror",
            "Mawrth",
            "Ebrill",
            "Mai",
            "Mehefin",
            "Gorffennaf",
            "Awst",
            "Medi",
            "Hydref",
            "Tachwedd",
            "Rhagfyr",
        ]
        # Monday 7 December 2026 to Sunday 13 December.
        assert [long_date(date(2026, 12, d), weekday=True).rsplit(" ", 3)[0] for d in range(7, 14)] == [
            "Dydd Llun",
            "Dydd Mawrth",
            "Dydd Mercher",
            "Dydd Iau",
            "Dydd Gwener",
            "Dydd Sadwrn",
            "Dydd Sul",
        ]
        # UK time, as in English: 13:05 UTC on a summer day is 2:05pm in London.
        assert long_datetime(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 Gorffennaf 2026 am 2:05yh"
        assert long_datetime(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), weekday=True) == (
            "Dydd Iau 3 Rhagfyr 2026 am hanner dydd"
        )
        assert long_date("2026-12-03") == "3 Rhagfyr 2026"


def test_times_in_welsh_use_yb_and_yh():
    at = lambda hour, minute: time_of_day(datetime(2026, 12, 3, hour, minute, tzinfo=UTC))  # noqa: E731
    with language("cy"):
        assert [at(10, 0), at(10, 30), at(9, 5), at(12, 30), at(17, 45), at(0, 15)] == [
            "10yb",
            "10:30yb",
            "9:05yb",
            "12:30yh",
            "5:45yh",
            "12:15yb",
        ]
        assert at(12, 0) == "hanner dydd"
        assert at(0, 0) == "hanner nos"
    # And back in English afterwards: the language is the request's, never left switched.
    assert at(10, 30) == "10:30am"
    assert long_date(date(2026, 3, 7)) == "7 March 2026"


class _BornForm(GovukFormMixin, forms.Form):
    born = GovukDateField(
        label=_("Date of birth"), what=_("Date of birth"), enter=_("Enter the date of birth"), required=True
    )


@pytest.mark.parametrize(
    ("data", "english", "welsh"),
    [
        (
            {"born_day": "3", "born_month": "", "born_year": ""},
            "must include a month and year",
            "rhaid iddo gynnwys mis a blwyddyn",
        ),
        (
            {"born_day": "31", "born_month": "2", "born_year": "2010"},
            "must be a real date",
            "rhaid iddo fod yn ddyddiad go iawn",
        ),
        (
            {"born_day": "3", "born_month": "2", "born_year": "10"},
            "Year must include 4 numbers",
            "Rhaid i’r flwyddyn gynnwys 4 rhif",
        ),
    ],
)
def test_date_field_errors_follow_the_language(data, english, welsh):
    assert english in _BornForm(data).errors["born"][0]
    with language("cy"):
        assert welsh in _BornForm(data).errors["born"][0]


def test_the_error_summary_and_date_boxes_are_welsh():
    page = engines["jinja2"].from_string("{{ error_summary(form) }}{{ field(form.born) }}")
    with language("cy"):
        html = page.render({"form": _BornForm({"born_day": "", "born_month": "", "born_year": ""})})
    assert "Mae problem wedi codi" in html and "There is a problem" not in html
    assert all(box in html for box in ("Diwrnod", "Mis", "Blwyddyn", "Gwall:"))


@pytest.mark.parametrize("app", catalogues.translated_apps())
def test_every_message_of_a_translated_app_is_in_welsh(app):
    """An app with a Welsh catalogue keeps it complete: a new or changed message of its code or templates fails
    here until `manage.py translations update` and a Welsh translation (ADR 0023)."""
    assert catalogues.problems(app) == []


def test_no_message_is_translated_two_ways():
    """Django merges the apps' catalogues and the first app wins, so a message two apps translate differently shows
    one app's Welsh in the other's pages: triage's reasons, joined with semicolons, read "a … a mae …" once kit
    translated the same "%(list)s and %(last)s" with "a". Agree the words, or give one its own context."""
    assert catalogues.clashes() == []


def test_a_template_message_with_a_context_is_its_own_message(tmp_path):
    """`pgettext("verb", "Record")` in a template is "Record" in the context "verb", in the catalogue and on the
    page: the verb of a link ("Cofnodi") and the noun of a column ("Cofnod") are two messages."""
    wanted = catalogues.read(catalogues.template_pot("safeguarding", tmp_path))
    assert ("verb", "Record") in {(m.context, m.msgid) for m in wanted}
    assert not [m for m in wanted if m.msgid == "verb"]
    page = engines["jinja2"].from_string('{{ pgettext("verb", "Record") }}|{{ _("Record") }}')
    with language("cy"):
        assert page.render({}) == "Cofnodi|Cofnod"


def test_a_template_message_is_in_the_language_of_each_render_however_often_it_is_asked():
    # Template translations are kept by language (kit.jinja2._gettext): switching back and forth must not mix them.
    template = engines["jinja2"].from_string('{{ _("There is a problem") }}|{% trans %}Sign out{% endtrans %}')
    for _round in range(2):
        with language("cy"):
            welsh = template.render({})
        with language("en-gb"):
            assert template.render({}) == "There is a problem|Sign out"
        assert welsh == "Mae problem wedi codi|Allgofnodi"


def test_a_page_count_is_one_message_with_what_it_counts():
    """A count with its page ("%(num)s requests, page %(page)s of %(pages)s") is one message for each plural form
    (ADR 0023: a sentence is never glued from pieces): a caption never adds ", page N of M" as a message of its own."""
    from pathlib import Path

    import childnrm

    root = Path(childnrm.__file__).parent
    glued = re.compile(r"""_\(\s*["'],\s*page %\(page\)s of %\(pages\)s""")
    found = [str(p.relative_to(root)) for p in sorted(root.rglob("*.html")) if glued.search(p.read_text())]
    assert found == []


def test_no_message_is_a_piece_that_goes_on_from_the_one_before():
    """A message that starts with ", ", ": " or "; " goes on from words printed before it ("Referral R1" then
    ", sent 3 March: accepted"): the sentence is glued from pieces, in English word order, which Welsh cannot
    follow (ADR 0023). The whole sentence is one message, with placeholders (a link as %(link_start)s and
    %(link_end)s, a nested count as a placeholder of its own)."""
    from pathlib import Path

    import childnrm

    root = Path(childnrm.__file__).parent
    piece = re.compile(r"""\b(?:_|gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext)\(\s*(["'])([,;:] [^"']*)\1""")
    found = [
        (str(path.relative_to(root)), match.group(2))
        for path in sorted([*root.rglob("*.html"), *root.rglob("*.py"), *root.rglob("*.txt")])
        if "tests" not in path.parts
        for match in piece.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
