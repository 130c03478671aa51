"""The tables by first responder type and by nationality publish the totals row of the tables by quarter and
exploitation type and by quarter and gender: released together (`nrm_tables`), they suppress those counts alike,
so that no count hidden in one table is given back by subtraction across the pair (ADR 0019, amendment 3)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.statistics import dimensions as dim
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import StatTable, nrm_tables
from childnrm.statistics.tests.subtraction import given_back

# Suppression as published (counts 1 to 4, and secondary), without rounding, so that subtraction is exact.
SUPPRESSION_ONLY = DisclosureRules(threshold=5, rounding=1)

BY_QUARTER = tuple(f"referrals_by_quarter_{by}" for by in ("location", "exploitation", "gender", "county_lines"))
AGE = "referrals_by_quarter_age_at_exploitation"
RESPONDER = "referrals_by_first_responder"
NATIONALITY = "referrals_by_nationality"
# Each breakdown and the table by quarter whose totals row it publishes.
PAIRS = {RESPONDER: "referrals_by_quarter_exploitation", NATIONALITY: "referrals_by_quarter_gender"}


def _frame(records: list[dict]) -> pd.DataFrame:
    """A case frame of children's referrals (none decided) with every column the NRM tables read."""
    frame = pd.DataFrame(records)
    defaults = {
        "location": "UK",
        "gender": "Male",
        "exploitation": "Criminal",
        "county_lines_flag": dim.NOT_COUNTY_LINES,
        "first_responder_type": "Police",
        "nationality": "United Kingdom",
        "ethnic_group": "White",  # the equality monitoring's, protected with the NRM tables
        "age_band": "14 to 15",
    }
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
    frame["exploited_as"] = dim.CHILD
    frame["referral_id"] = frame["child_id"] = range(1, len(frame) + 1)
    for stage in ("rg", "cg"):
        frame[f"{stage}_quarter"] = None
        frame[f"{stage}_on"] = pd.NaT
        frame[f"{stage}_positive"] = None
        frame[f"{stage}_days"] = None
        frame[f"{stage}_site"] = None
    frame["site"] = None
    return frame


def _repeat(counts: dict[tuple, int], columns: tuple[str, ...]) -> list[dict]:
    return [dict(zip(columns, key, strict=True)) for key, n in counts.items() for _ in range(n)]


def _tables(cases: pd.DataFrame, quarters: list[Quarter], rules: DisclosureRules) -> dict[str, StatTable]:
    filters = StatisticsFilters(site_ids=(), first=quarters[0], last=quarters[-1])
    return {t.key: t for t in nrm_tables(cases, filters, rules, [], all_ages=cases)}


def _given_back(tables: dict[str, StatTable]) -> tuple[set, set]:
    """What a reader works out from the referrals tables: (counts hidden in one table but published in another,
    hidden counts given back by subtraction). Every line of a table adds up; each quarter's children is one count
    (the by-quarter tables' totals column, the age table's child column, and the breakdowns' grand totals in the
    totals row), and so is each type's (each gender's) referrals in the period, in the totals row of the table by
    quarter and exploitation type (gender) and of the table by first responder (nationality)."""
    quarters = len(tables[BY_QUARTER[0]].rows) - 1

    def key(table: StatTable, i: int, j: int) -> tuple:
        last_row, last_column = len(table.rows) - 1, len(table.value_headers) - 1
        if (table.key == AGE and j == 0) or (table.key in BY_QUARTER and j == last_column):
            return ("children", i)
        if table.key in PAIRS and i == last_row:
            return ("children", quarters) if j == last_column else (PAIRS[table.key], j)
        if table.key in PAIRS.values() and i == last_row:
            return (table.key, j)
        return (table.key, i, j)

    chosen = [t for t in tables.values() if t.key in (*BY_QUARTER, AGE, *PAIRS) and not t.is_empty]
    return given_back(chosen, key)


def test_a_type_total_the_responder_table_hides_is_hidden_in_the_table_by_quarter_too():
    # The reviewer's case: by quarter, Q1 18 Sexual, 7 Labour, 4 Domestic, 2 Criminal (31); Q2 6 Sexual, 9 Labour,
    # 1 Domestic, 3 Organ Harvesting (19). By first responder, the local authority referred 16 Sexual, 9 Labour,
    # 5 Domestic and 1 Criminal (31); the police 8 Sexual, 7 Labour, 1 Criminal and 3 Organ Harvesting (19).
    q1, q2 = Quarter(2026, 1), Quarter(2026, 2)
    la, police = "Local Authority", "Police"
    counts = {
        (q1.code, la, "Sexual"): 16,
        (q1.code, police, "Sexual"): 2,
        (q2.code, police, "Sexual"): 6,
        (q1.code, la, "Labour"): 7,
        (q2.code, la, "Labour"): 2,
        (q2.code, police, "Labour"): 7,
        (q1.code, la, "Domestic"): 4,
        (q2.code, la, "Domestic"): 1,
        (q1.code, la, "Criminal"): 1,
        (q1.code, police, "Criminal"): 1,
        (q2.code, police, "Organ Harvesting"): 3,
    }
    cases = _frame(_repeat(counts, ("quarter", "first_responder_type", "exploitation")))
    tables = _tables(cases, [q1, q2], SUPPRESSION_ONLY)
    by_quarter, by_responder = tables["referrals_by_quarter_exploitation"], tables[RESPONDER]
    # The responder table hides the 5 Domestic referrals (to cover the local authority's 1 Criminal): the table by
    # quarter, which would show them, hides them too, so 31 - 16 - 9 - 5 - 0 no longer gives the 1 back.
    assert by_responder.cell("Total", "Domestic").suppressed
    assert by_quarter.cell("Total", "Domestic").suppressed
    assert by_responder.cell(la, "Criminal").suppressed
    for column in by_quarter.value_keys:
        assert by_quarter.cell("Total", column).suppressed == by_responder.cell("Total", column).suppressed, column
    assert _given_back(tables) == (set(), set())


def test_a_gender_total_the_nationality_table_hides_is_hidden_in_the_table_by_quarter_too():
    # Q1: 1 girl, 6 boys and 3 of unknown gender; Q2: 5 girls, 9 boys and 2 of unknown gender. The nationality
    # table hides the 6 girls and 5 of unknown gender; shown in the table by quarter, they gave back the United
    # Kingdom's 5 and 5 (18 - 8 = 10) and so Vietnam's 1 girl.
    q1, q2 = Quarter(2026, 1), Quarter(2026, 2)
    uk, nk = "United Kingdom", dim.NOT_KNOWN
    counts = {
        (q1.code, "Female", uk): 1,
        (q1.code, "Male", "Albania"): 1,
        (q1.code, "Male", uk): 3,
        (q1.code, "Male", "Vietnam"): 2,
        (q1.code, nk, uk): 3,
        (q2.code, "Female", uk): 4,
        (q2.code, "Female", "Vietnam"): 1,
        (q2.code, "Male", "Albania"): 2,
        (q2.code, "Male", uk): 5,
        (q2.code, "Male", "Vietnam"): 2,
        (q2.code, nk, uk): 2,
    }
    cases = _frame(_repeat(counts, ("quarter", "gender", "nationality")))
    tables = _tables(cases, [q1, q2], SUPPRESSION_ONLY)
    by_quarter, by_nationality = tables["referrals_by_quarter_gender"], tables[NATIONALITY]
    assert by_nationality.cell("Vietnam", "Female").suppressed
    for column in ("Female", nk):
        assert by_nationality.cell("Total", column).suppressed, column
        assert by_quarter.cell("Total", column).suppressed, column
    for column in by_quarter.value_keys:
        assert by_quarter.cell("Total", column).suppressed == by_nationality.cell("Total", column).suppressed, column
    assert _given_back(tables) == (set(), set())


@pytest.mark.parametrize("rules", [SUPPRESSION_ONLY, DEFAULT_RULES], ids=["suppression", "default"])
def test_no_hidden_count_is_given_back_across_the_referrals_tables_and_their_breakdowns(rules):
    """Many small releases at random: across the tables by quarter, the age table, and the tables by first
    responder and by nationality, no count hidden in one is published in another, and none is given back."""
    quarters = [Quarter(2026, 1), Quarter(2026, 2)]
    generator = random.Random(2026)
    types = ["Sexual", "Labour", "Domestic", "Criminal", "Organ Harvesting"]
    for _ in range(120):
        records = [
            {
                "quarter": generator.choice(quarters).code,
                "exploitation": types[min(int(generator.expovariate(1.0)), 4)],
                "first_responder_type": generator.choice(dim.FIRST_RESPONDER_TYPES[:3]),
                "gender": generator.choice(["Male", "Male", "Female", dim.NOT_KNOWN]),
                "nationality": generator.choice(["United Kingdom", "United Kingdom", "Vietnam", "Albania"]),
                "location": generator.choice(["UK", "UK", "Overseas"]),
            }
            for _ in range(generator.randint(6, 45))
        ]
        tables = _tables(_frame(records), quarters, rules)
        assert _given_back(tables) == (set(), set())


def test_with_no_referrals_the_tables_are_built_and_empty_where_nothing_was_recorded():
    q1 = Quarter(2026, 1)
    cases = _frame([{"quarter": "2025Q4"}])  # outside the period
    tables = _tables(cases, [q1], SUPPRESSION_ONLY)
    assert tables[NATIONALITY].is_empty
    assert [c.value for c in tables[RESPONDER].rows[-1].cells][-1] == 0
    assert tables["referrals_by_quarter_gender"].cell("Total", "Total").value == 0
