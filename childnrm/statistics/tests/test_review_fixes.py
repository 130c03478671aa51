"""Rules from the review of the statistics (ADR 0019, amendment 1): rates that cannot undo rounding, exploitation
combinations in the published words, children counted by age at exploitation, and decisions dated along their
correction chain."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from django.utils import timezone, translation

from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Stage
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.panels.demo import working_day
from childnrm.referrals.models import Referral
from childnrm.statistics import dimensions as dim
from childnrm.statistics import report, selectors, words
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.measures import wilson_interval
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import (
    disproportionality_table,
    referrals_by_quarter,
    referrals_by_quarter_tables,
)
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


def _referrals(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A case frame of referrals only (none decided): `counts[(quarter code, gender)]` referrals each."""
    rows = []
    for (quarter, gender), n in counts.items():
        rows += [{"quarter": quarter, "gender": gender} for _ in range(n)]
    frame = pd.DataFrame(rows)
    frame["child_id"] = range(1, len(frame) + 1)
    for stage in ("rg", "cg"):
        frame[f"{stage}_quarter"] = None
        frame[f"{stage}_on"] = pd.NaT
        frame[f"{stage}_positive"] = None
    return frame


def _filters(first: Quarter, last: Quarter) -> StatisticsFilters:
    return StatisticsFilters(site_ids=(), first=first, last=last)


NO_REVIEWS = pd.DataFrame(columns=["child_id", "missing", "exploited"])


def test_a_rate_is_worked_out_from_the_rounded_counts_so_two_periods_give_back_no_suppressed_count():
    # Female 9 in Q1 and 3 in Q2, male 6 and 5: the gender table hides Q2's 3 girls.
    cases = _referrals({("2026Q1", "Female"): 9, ("2026Q2", "Female"): 3, ("2026Q1", "Male"): 6, ("2026Q2", "Male"): 5})
    by_gender = referrals_by_quarter(cases, _filters(Q1, Q2), DEFAULT_RULES, by="gender")
    assert by_gender.cell(("2026", "Q2"), "Female").suppressed

    shown = {}
    for first, last in ((Q1, Q2), (Q1, Q1), (Q2, Q2)):
        table = disproportionality_table(cases, _filters(first, last), DEFAULT_RULES, NO_REVIEWS, by="gender")
        for row in table.rows:
            number, base, rate, lower, upper = row.cells
            if rate.value is None:
                continue
            # The rate and its interval say no more than the rounded counts beside them.
            assert rate.value == round(100 * number.value / base.value, 1), (first, last, row.labels)
            interval = wilson_interval(number.value, base.value)
            assert (lower.value, upper.value) == (round(interval[0], 1), round(interval[1], 1))
        female = next(r for r in table.rows if r.labels == ("Female", "Share of referrals"))
        shown[(first, last)] = [str(c) for c in female.cells[:3]]
    # Q1-Q2: 12 of 23 girls shows as 10 of 25, 40.0% (the true 52.2% fitted only 12 of 23); Q1: 9 of 15 as 10 of
    # 15, 66.7% (the true 60.0% fitted only 9 of 15). Nothing pins Q2's girls to 3.
    assert shown[(Q1, Q2)] == ["10", "25", "40.0"]
    assert shown[(Q1, Q1)] == ["10", "15", "66.7"]


PUBLISHED = Path(__file__).resolve().parents[4] / "shared" / "data" / "nrm-statistics"
CODES = {
    "Sexual": "sexual",
    "Labour": "labour",
    "Domestic": "domestic_servitude",
    "Criminal": "criminal",
    "Organ Harvesting": "organ_harvesting",
    "Other": "other",
}


def _published_combinations() -> set[str]:
    labels = set()
    for path in sorted(PUBLISHED.glob("nrm_referrals_*_2023_q4.csv")):
        with path.open(newline="") as handle:
            labels |= {row["Exploitation type"] for row in csv.DictReader(handle)}
    # "Labour, Domestic, Organ Harvesting" (no "&") is one table's slip: the others write the last with "&".
    return {label for label in labels if " & " in label}


def test_exploitation_combinations_are_written_as_the_published_tables_write_them():
    assert dim.exploitation_label(["criminal", "labour", "sexual"]) == "Sexual, Labour & Criminal"
    assert dim.exploitation_label(["criminal", "domestic_servitude", "labour", "sexual"]) == (
        "Sexual, Labour, Domestic & Criminal"
    )
    assert dim.exploitation_label(["criminal", "sexual"]) == "Sexual & Criminal"
    assert dim.exploitation_group(["criminal", "labour", "sexual"]) == "Multiple types"
    if not PUBLISHED.exists():
        pytest.skip("The published NRM tables are not beside the project (../shared/data/nrm-statistics).")
    published = _published_combinations()
    assert {"Sexual, Labour & Criminal", "Sexual, Labour, Domestic & Criminal"} <= published
    for label in published:
        codes = [CODES[word] for word in re.split(r", | & ", label)]
        assert dim.exploitation_label(list(reversed(codes))) == label


def test_a_combination_of_three_types_is_shown_in_welsh():
    with translation.override("cy"):
        welsh = words.say("Sexual, Labour & Criminal")
        assert welsh == f"{words.say('Sexual')}, {words.say('Labour')} & {words.say('Criminal')}"
        assert welsh != "Sexual, Labour & Criminal"
        assert words.say("Sexual, Labour, Domestic & Criminal").count(", ") == 2


# --- With the database: who is counted as a child, and when a decision was made -----------------------------

EXACT = DisclosureRules(threshold=0, rounding=1, min_denominator=1, protect_rate_complement=False)


def _site_filters(quarter: Quarter) -> StatisticsFilters:
    site = Site.objects.get(slug="northbridge")
    return StatisticsFilters(site_ids=(site.pk,), first=quarter, last=quarter)


def _quarter_day(quarter: Quarter, offset: int):
    nation = Site.objects.filter(slug="northbridge").values_list("nation", flat=True).first()
    return working_day(quarter.first_day + timedelta(days=offset), nation)


def test_the_child_tables_count_those_exploited_as_children_and_the_age_table_counts_everyone(demo):
    quarter = Quarter.of(timezone.localdate()).previous()
    for i in range(6):  # children at referral, no age at exploitation recorded: children when exploited
        make_case(CaseSpec(site="northbridge", submitted_on=_quarter_day(quarter, i), extra={"county_lines": i < 2}))
    adults, unknown, child_now_adult = [], [], []
    for i in range(2):
        adults.append(make_case(CaseSpec(site="northbridge", submitted_on=_quarter_day(quarter, 10 + i))))
        unknown.append(make_case(CaseSpec(site="northbridge", submitted_on=_quarter_day(quarter, 20 + i))))
    child_now_adult.append(make_case(CaseSpec(site="northbridge", submitted_on=_quarter_day(quarter, 30))))
    # Set as a referral of a young adult could hold them (the form takes an age at exploitation up to 25).
    Referral.objects.filter(pk__in=[r.pk for r in adults]).update(age_at_exploitation=19)
    Referral.objects.filter(pk__in=[r.pk for r in unknown]).update(date_of_birth=None, estimated_age_years=None)
    Referral.objects.filter(pk__in=[r.pk for r in child_now_adult]).update(
        age_at_exploitation=16, date_of_birth=None, estimated_age_years=20
    )

    release = report.build(_site_filters(quarter), EXACT, sections=("nrm",))
    row = (str(quarter.year), f"Q{quarter.number}")
    location = release.get("referrals_by_quarter_location")
    assert location.cell(row, "Total").value == 7  # six children, and the 20-year-old exploited at 16
    assert any("17 or under" in note for note in location.notes)
    by_age = release.get("referrals_by_quarter_age_at_exploitation")
    assert by_age.value_headers == ("Child (17 or under)", "Adult (18 or over)", "Not specified or unknown", "Total")
    assert [c.value for c in by_age.rows[0].cells] == [7, 2, 2, 11]
    county_lines = release.get("referrals_by_quarter_county_lines")
    # complete_answers flags county lines: the six set 2 of them, the rest keep the flag.
    assert [c.value for c in county_lines.rows[0].cells] == [3, 4, 7]
    assert set(release.cases["exploited_as"]) == {dim.CHILD}


def test_the_age_table_suppresses_what_the_child_tables_suppressed():
    cases = _referrals({("2026Q1", "Female"): 12, ("2026Q2", "Female"): 3})
    cases["exploited_as"] = dim.CHILD
    cases["location"] = "UK"
    adults = _referrals({("2026Q1", "Female"): 7, ("2026Q2", "Female"): 20})
    adults["exploited_as"] = dim.ADULT
    adults["location"] = "UK"
    for frame in (cases, adults):
        frame["exploitation"] = "Criminal"
        frame["county_lines_flag"] = dim.NOT_COUNTY_LINES
    filters = _filters(Q1, Q2)
    tables = referrals_by_quarter_tables(cases, filters, DEFAULT_RULES, all_ages=pd.concat([cases, adults]))
    by_age, location = tables[0], tables[1]
    assert (by_age.key, location.key) == ("referrals_by_quarter_age_at_exploitation", "referrals_by_quarter_location")
    children_shown = [str(row.cells[-1]) for row in location.rows]
    assert children_shown == ["[c]", "[c]", "15"]  # 3 in Q2, and Q1 with it
    assert [str(row.cells[0]) for row in by_age.rows] == children_shown


def _correct(decision: Decision, *, kind: str, decided_on, outcome: str | None = None) -> Decision:
    """A new final version superseding `decision` (as decision_correct and a reconsideration leave them)."""
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.SUPERSEDED)
    newer = Decision.objects.get(pk=decision.pk)
    newer.pk = None
    newer.id = None
    newer.version = decision.version + 1
    newer.kind = kind
    newer.supersedes = decision
    newer.status = DecisionStatus.FINAL
    newer.decided_on = decided_on
    newer.outcome = outcome or decision.outcome
    newer.correction_reason = "The date was recorded wrongly."
    newer.save()
    return newer


def test_a_corrected_decision_date_moves_the_decision_and_a_reconsideration_does_not(demo):
    c = Quarter.of(timezone.localdate()).previous()
    b = c.previous()
    a = b.previous()
    corrected = make_case(
        CaseSpec(site="northbridge", submitted_on=_quarter_day(a, 5), rg=(POSITIVE, _quarter_day(b, 80)))
    )
    reconsidered = make_case(
        CaseSpec(site="northbridge", submitted_on=_quarter_day(a, 6), rg=(NEGATIVE, _quarter_day(b, 10)))
    )
    first = Decision.objects.get(referral=corrected, stage=Stage.REASONABLE_GROUNDS)
    # The decision was recorded as made late in quarter B; it was in fact made early in quarter C.
    _correct(first, kind=DecisionKind.CORRECTION, decided_on=_quarter_day(c, 3))
    # The negative decision is reconsidered in C and found positive, then that reconsideration's date corrected.
    original = Decision.objects.get(referral=reconsidered, stage=Stage.REASONABLE_GROUNDS)
    again = _correct(original, kind=DecisionKind.RECONSIDERATION, decided_on=_quarter_day(c, 20), outcome=POSITIVE)
    _correct(again, kind=DecisionKind.CORRECTION, decided_on=_quarter_day(c, 21))

    site = Site.objects.get(slug="northbridge")
    cases = selectors.case_frame(StatisticsFilters(site_ids=(site.pk,), first=a, last=c)).set_index("referral_id")
    assert cases.loc[corrected.pk, "rg_quarter"] == c.code
    assert cases.loc[corrected.pk, "rg_on"] == pd.Timestamp(_quarter_day(c, 3))
    assert cases.loc[corrected.pk, "rg_days"] == (_quarter_day(c, 3) - _quarter_day(a, 5)).days
    assert cases.loc[reconsidered.pk, "rg_quarter"] == b.code  # first made in B
    assert bool(cases.loc[reconsidered.pk, "rg_positive"]) is True  # with the outcome that stands now
