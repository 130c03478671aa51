"""The quarterly release command: every table in three formats, the charts, the methodology, the return."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.core.management import call_command
from openpyxl import load_workbook

from childnrm.audit.models import AuditEvent
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day


def test_the_release_writes_every_table_chart_note_and_the_return(demo, tmp_path):
    quarter = Quarter.of(date.today()).previous()
    for i in range(7):
        outcome = POSITIVE if i < 5 else NEGATIVE
        make_case(CaseSpec("northbridge", _day(quarter, 1 + i), rg=(outcome, _day(quarter, 30 + 2 * i))))
    make_case(CaseSpec("three-rivers", _day(quarter, 3), sex="female"))
    out = tmp_path / "release"
    stdout = io.StringIO()
    call_command("statistics_release", quarter=quarter.code, out=str(out), stdout=stdout)
    assert f"for {quarter.label}" in stdout.getvalue()

    tables = sorted(p.stem for p in (out / "tables").glob("*.csv"))
    assert "rg_decisions_by_quarter" in tables and "disproportionality_by_ethnicity" in tables
    assert "pilot_decision_times" in tables and "consistency_between_panels" in tables
    for stem in tables:
        for suffix in (".xlsx", ".ods"):
            assert (out / "tables" / f"{stem}{suffix}").stat().st_size > 0
    charts = list((out / "charts").glob("*.svg"))
    assert {c.stem for c in charts} >= {"referrals_by_quarter", "rg_decisions_by_quarter", "rg_times_by_quarter"}
    for chart in charts:
        text = chart.read_text()
        assert text.startswith("<?xml") and 'role="img"' in text and "style=" not in text
    note = (out / "methodology.md").read_text()
    assert "nearest 5" in note and "1 to 4" in note and "Wilson" in note and "never a verdict" in note

    # The quarter's row: 7 referrals and 7 decisions (5 positive, 2 negative), rounded and suppressed.
    rows = list(csv.reader(io.StringIO((out / "tables" / "rg_decisions_by_quarter.csv").read_text("utf-8-sig"))))
    assert rows[0] == ["Year", "Quarter", "Negative reasonable grounds", "Positive reasonable grounds", "Total"]
    last = next(r for r in rows if r[:2] == [str(quarter.year), f"Q{quarter.number}"])
    assert last[2:] == ["[c]", "[c]", "5"]  # 2 negative: suppressed, and the positives with them; 7 -> 5
    # Each table's sheet says what it covers under its title: every pilot site, and the release's period.
    sheet = load_workbook(out / "tables" / "rg_decisions_by_quarter.xlsx").active
    assert sheet["A2"].value.startswith("All pilot sites (Northbridge Child Panel, Three Rivers Consortium Panel), ")
    assert sheet["A2"].value.endswith(f" to {quarter.label}.")
    ho = load_workbook(out / f"home_office_return_{quarter.code}.xlsx").active
    values = [row for row in ho.iter_rows(values_only=True)]
    assert values[0][0].startswith("Devolved decision-making pilot: quarterly return to the Home Office")
    # Three Rivers' one referral is suppressed, and Northbridge's 7 with it, or All sites less Northbridge would
    # give it back (the sites are protected together).
    totals = {v[0]: v[5] for v in values if v[3:5] == ("Referrals by gender", "Total")}
    assert totals == {"Northbridge Child Panel": "[c]", "Three Rivers Consortium Panel": "[c]", "All sites": 10}
    assert (out / f"home_office_return_{quarter.code}.csv").exists()
    assert (out / f"nrm_statistics_{quarter.code}.xlsx").exists() and (
        out / f"nrm_statistics_{quarter.code}.ods"
    ).exists()
    assert AuditEvent.objects.filter(object_type="statistics.release", object_id=quarter.code).exists()


def test_release_rules_can_be_set_for_one_release(demo, tmp_path):
    quarter = Quarter.of(date.today()).previous()
    for i in range(3):
        make_case(CaseSpec("northbridge", _day(quarter, 1 + i)))
    call_command(
        "statistics_release", quarter=quarter.code, out=str(tmp_path), threshold=3, rounding=1, stdout=io.StringIO()
    )
    rows = list(
        csv.reader(io.StringIO((tmp_path / "tables" / "referrals_by_quarter_gender.csv").read_text("utf-8-sig")))
    )
    last = next(r for r in rows if r[:2] == [str(quarter.year), f"Q{quarter.number}"])
    assert last[-1] == "3"
    assert "nearest" not in (tmp_path / "methodology.md").read_text().split("## Disclosure control")[1].split("\n")[2]
