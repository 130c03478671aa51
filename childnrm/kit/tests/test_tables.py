"""Tables on phones (issue 9.10): every data table scrolls inside its own named, focusable box."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[2]


def test_a_table_sits_in_a_region_named_by_its_caption_that_a_keyboard_can_reach():
    template = engines["jinja2"].from_string(
        '{% call table_scroll("queue-caption") %}<table class="govuk-table">'
        '<caption id="queue-caption">{{ what }}</caption></table>{% endcall %}'
    )
    html = template.render({"what": "3 referrals <new> & waiting"})
    assert html.startswith(
        '<div class="app-table-scroll" role="region" aria-labelledby="queue-caption" tabindex="0">\n<table'
    )
    # The table is the page's own markup, kept as it is; what it prints is escaped as everywhere else.
    assert "3 referrals &lt;new&gt; &amp; waiting</caption></table></div>" in html


def test_every_data_table_in_a_template_scrolls_in_its_own_box():
    # The page never scrolls sideways on a phone because no table can widen it (kit.jinja2.table_scroll).
    unwrapped = []
    for path in sorted(ROOT.glob("**/jinja2/**/*.html")):
        text = path.read_text()
        for match in re.finditer(r'<table class="govuk-table', text):
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            if not before.lstrip().startswith("{% call table_scroll("):
                unwrapped.append(f"{path.relative_to(ROOT)} line {text.count(chr(10), 0, match.start()) + 1}")
    assert unwrapped == []
