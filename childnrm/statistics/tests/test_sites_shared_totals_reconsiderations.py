"""Rules from the second review of the statistics (ADR 0019, amendment 2): a transferred case's history counts
where it happened, tables that share a totals line suppress it alike in both directions, and reconsiderations are
counted by quarter."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pandas as pd
import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Stage
from childnrm.decisions.tests.factories import final_decision
from childnrm.handovers.models import CaseTransfer, TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.panels.demo import working_day
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus
from childnrm.reviews.tests.factories import reconsideration
from childnrm.statistics import dimensions as dim
from childnrm.statistics import report
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import StatTable, nrm_tables
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.subtraction import given_back

# No suppression, no rounding: the tables hold the true figures.
EXACT = DisclosureRules(threshold=0, rounding=1, min_denominator=1, protect_rate_complement=False)
# Suppression as published (counts 1 to 4, and secondary), without rounding, so that subtraction is exact.
SUPPRESSION_ONLY = DisclosureRules(threshold=5, rounding=1)


def _day(quarter: Quarter, offset: int):
    nation = Site.objects.filter(slug="northbridge").values_list("nation", flat=True).first()
    return working_day(quarter.first_day + timedelta(days=offset), nation)


def _total(table: StatTable, quarter: Quarter) -> int | float | None:
    return table.cell((str(quarter.year), f"Q{quarter.number}"), table.value_headers[-1]).value


# --- 1. A transferred case counts where each thing happened ------------------------------------------------


def _transfer(referral: Referral, to_site: Site, on) -> None:
    """Transfer the case as the sending site's coordinator does, dated `on` (the service dates it now)."""
    coordinator = User.objects.get(email=demo_email(Role.COORDINATOR, referral.site.slug))
    transfer = case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SITE,
        to_site=to_site,
        reason="The family moved to the other area.",
    )
    moment = timezone.make_aware(datetime.combine(on, time(12)))
    CaseTransfer.objects.filter(pk=transfer.pk).update(transferred_at=moment)


def test_a_transferred_case_counts_where_it_was_received_and_where_each_decision_was_made(demo):
    c = Quarter.of(timezone.localdate()).previous()
    b = c.previous()
    a = b.previous()
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    # Received at Northbridge in A, its panel's RG decision at a sitting in B; transferred in C to Three Rivers,
    # whose panel made the CG decision.
    sat = make_case(CaseSpec(site="northbridge", submitted_on=_day(a, 5), rg=(POSITIVE, _day(b, 10))))
    # Received at Northbridge in A, its RG decision in B recorded without a sitting: where it was that day is read
    # from the transfers.
    unsat = make_case(CaseSpec(site="northbridge", submitted_on=_day(a, 6), rg=(NEGATIVE, _day(b, 12))))
    Decision.objects.filter(referral=unsat).update(meeting=None)
    for referral in (sat, unsat):
        _transfer(referral, three_rivers, _day(c, 2))
    final_decision(
        "three-rivers",
        stage=Stage.CONCLUSIVE_GROUNDS,
        outcome=POSITIVE,
        decided_on=_day(c, 40),
        referral=Referral.objects.get(pk=sat.pk),
    )
    assert set(Referral.objects.filter(pk__in=[sat.pk, unsat.pk]).values_list("site", flat=True)) == {three_rivers.pk}

    def nrm(*sites: Site) -> report.Release:
        filters = StatisticsFilters(site_ids=tuple(s.pk for s in sites), first=a, last=c)
        return report.build(filters, EXACT, sections=("nrm",))

    # Northbridge received both and decided both at RG; Three Rivers decided one at CG.
    mine = nrm(northbridge)
    assert _total(mine.get("referrals_by_quarter_location"), a) == 2
    assert _total(mine.get("rg_decisions_by_quarter"), b) == 2
    assert _total(mine.get("cg_decisions_by_quarter"), c) == 0
    theirs = nrm(three_rivers)
    assert _total(theirs.get("referrals_by_quarter_location"), a) == 0
    assert _total(theirs.get("rg_decisions_by_quarter"), b) == 0
    assert _total(theirs.get("cg_decisions_by_quarter"), c) == 1
    assert theirs.get("cg_times_by_quarter").cell((str(c.year), f"Q{c.number}"), "Decisions").value == 1

    # Both sites: the national totals as before, split by the site where each thing happened.
    both = nrm(northbridge, three_rivers)
    assert _total(both.get("referrals_by_quarter_location"), a) == 2
    assert _total(both.get("rg_decisions_by_quarter"), b) == 2
    assert _total(both.get("cg_decisions_by_quarter"), c) == 1
    by_site = both.get("decisions_by_site")
    assert [c.value for c in by_site.rows[0].cells] == [1, 1, 0, 0, 2]  # Northbridge: RG negative, positive
    assert [c.value for c in by_site.rows[1].cells] == [0, 0, 0, 1, 1]  # Three Rivers: CG positive
    frame = both.cases.set_index("referral_id")
    assert list(frame.loc[[sat.pk, unsat.pk], "site"]) == [northbridge.name] * 2
    assert list(frame.loc[[sat.pk, unsat.pk], "rg_site"]) == [northbridge.name] * 2
    assert frame.loc[sat.pk, "cg_site"] == three_rivers.name

    # The Home Office return counts each site's own work too.
    for quarter, measure, site, expected in (
        (a, "Referrals by gender", northbridge, 2),
        (a, "Referrals by gender", three_rivers, 0),
        (b, "Reasonable grounds decisions", northbridge, 2),
        (b, "Reasonable grounds decisions", three_rivers, 0),
        (c, "Conclusive grounds decisions", three_rivers, 1),
        (c, "Conclusive grounds decisions", northbridge, 0),
    ):
        filters = StatisticsFilters(site_ids=(northbridge.pk, three_rivers.pk), first=quarter, last=quarter)
        rows = report.home_office_return(filters, EXACT).rows
        values = {(r.labels[0], *r.labels[3:]): r.cells[0].value for r in rows}
        assert values[(site.name, measure, "Total")] == expected, (quarter, measure, site.name)


# --- 2. Tables that share a totals line suppress it alike, both ways ---------------------------------------

CHILD_TABLES = tuple(f"referrals_by_quarter_{by}" for by in ("location", "exploitation", "gender", "county_lines"))
AGE_TABLE = "referrals_by_quarter_age_at_exploitation"


def _frame(rows: list[dict]) -> pd.DataFrame:
    """A case frame of referrals (none decided) with every column the NRM tables read."""
    frame = pd.DataFrame(rows)
    frame["referral_id"] = frame["child_id"] = range(1, len(frame) + 1)
    frame["first_responder_type"] = "Police"
    frame["nationality"] = "United Kingdom"
    frame["ethnic_group"] = "White"  # the equality monitoring's, protected with the NRM tables
    frame["age_band"] = "14 to 15"
    for stage in ("rg", "cg"):
        frame[f"{stage}_quarter"] = None
        frame[f"{stage}_on"] = pd.NaT
        frame[f"{stage}_positive"] = None
        frame[f"{stage}_days"] = None
        frame[f"{stage}_site"] = None
    frame["site"] = None
    return frame


def _referral(quarter: str, exploited_as: str, **categories: str) -> dict:
    return {
        "quarter": quarter,
        "exploited_as": exploited_as,
        "location": categories.get("location", "UK"),
        "gender": categories.get("gender", "Male"),
        "exploitation": categories.get("exploitation", "Criminal"),
        "county_lines_flag": categories.get("county_lines_flag", dim.NOT_COUNTY_LINES),
    }


def _quarter_tables(all_ages: pd.DataFrame, quarters: list[Quarter], rules: DisclosureRules) -> dict[str, StatTable]:
    filters = StatisticsFilters(site_ids=(), first=quarters[0], last=quarters[-1])
    cases = all_ages[all_ages["exploited_as"] == dim.CHILD]
    tables = nrm_tables(cases, filters, rules, [], all_ages=all_ages)
    return {t.key: t for t in tables if t.key in (*CHILD_TABLES, AGE_TABLE)}


def _given_back(tables: dict[str, StatTable]) -> tuple[set, set]:
    """What a reader works out from the tables: (counts hidden in one table but published in another, hidden
    counts given back by subtraction). Every line of a table (a row with its total, a column with its total) adds
    up, and each quarter's children (the children tables' totals column, the age table's child column) is one
    count; a line with a single count not published anywhere gives it back, and so on while any does."""

    def key(table: StatTable, i: int, j: int) -> tuple:
        if (table.key == AGE_TABLE and j == 0) or (table.key in CHILD_TABLES and j == len(table.value_headers) - 1):
            return ("children", i)
        return (table.key, i, j)

    return given_back(tables.values(), key)


def test_a_child_count_the_age_table_hides_is_hidden_in_the_child_tables_too():
    # One quarter: 12 children, 20 adults, 3 whose age at exploitation is not known.
    q1 = Quarter(2026, 1)
    rows = (
        [_referral("2026Q1", dim.CHILD) for _ in range(12)]
        + [_referral("2026Q1", dim.ADULT) for _ in range(20)]
        + [_referral("2026Q1", dim.NOT_KNOWN) for _ in range(3)]
    )
    tables = _quarter_tables(_frame(rows), [q1], SUPPRESSION_ONLY)
    by_age = tables[AGE_TABLE]
    # The age table hides the 3, and with them the 12 children (the smallest other figure of the row) ...
    assert [str(c) for c in by_age.rows[0].cells] == ["[c]", "20", "[c]", "35"]
    # ... which the child tables would publish, giving the 3 back: 35 - 20 - 12. They hide the 12 too.
    for key in CHILD_TABLES:
        assert all(str(row.cells[-1]) == "[c]" for row in tables[key].rows), key
    assert _given_back(tables) == (set(), set())


def test_a_child_count_one_child_table_hides_is_hidden_in_the_others_and_the_age_table_too():
    # Q1: 6 girls; Q2: 3 girls and 10 boys; 8 adults a quarter. The gender table hides Q2's 3 girls, and with them
    # Q1's 6 girls (the other figure of their column), and so Q1's total (its row's only other figure not 0).
    q1, q2 = Quarter(2026, 1), Quarter(2026, 2)
    rows = (
        [_referral("2026Q1", dim.CHILD, gender="Female") for _ in range(6)]
        + [_referral("2026Q2", dim.CHILD, gender="Female") for _ in range(3)]
        + [_referral("2026Q2", dim.CHILD, gender="Male") for _ in range(10)]
        + [_referral(q, dim.ADULT) for q in ("2026Q1", "2026Q2") for _ in range(8)]
    )
    tables = _quarter_tables(_frame(rows), [q1, q2], SUPPRESSION_ONLY)
    assert [str(c) for c in tables["referrals_by_quarter_gender"].rows[0].cells] == ["[c]", "0", "0", "[c]"]
    # Published in the location and age tables, Q1's 6 children would give back Q1's 6 girls (6 - 0 - 0). They hide
    # it too.
    assert str(tables["referrals_by_quarter_location"].rows[0].cells[-1]) == "[c]"
    assert str(tables[AGE_TABLE].rows[0].cells[0]) == "[c]"
    assert _given_back(tables) == (set(), set())


@pytest.mark.parametrize("rules", [SUPPRESSION_ONLY, DEFAULT_RULES], ids=["suppression", "default"])
def test_no_hidden_count_is_given_back_across_the_tables_that_share_a_totals_line(rules):
    """Many small releases at random: across the children tables and the age table, no count hidden in one is
    published in another, and none is given back by subtracting published counts."""
    quarters = [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]
    generator = random.Random(19)
    for _ in range(150):
        rows = []
        for quarter in quarters:
            for exploited_as, most in ((dim.CHILD, 14), (dim.ADULT, 12), (dim.NOT_KNOWN, 6)):
                for _ in range(generator.randint(0, most)):
                    rows.append(
                        _referral(
                            quarter.code,
                            exploited_as,
                            location=generator.choice(["UK", "UK", "UK", "Overseas"]),
                            gender=generator.choice(["Male", "Male", "Female"]),
                            exploitation=generator.choice(["Criminal", "Criminal", "Sexual"]),
                            county_lines_flag=generator.choice([dim.COUNTY_LINES, dim.NOT_COUNTY_LINES]),
                        )
                    )
        if not rows:
            continue
        tables = _quarter_tables(_frame(rows), quarters, rules)
        assert _given_back(tables) == (set(), set())


# --- 3. Reconsiderations by quarter ------------------------------------------------------------------------


def _reconsidered(original: Decision, *, on, outcome: str) -> Decision:
    """The reconsidering panel's final decision, superseding the original (as the reviews app leaves it)."""
    Decision.objects.filter(pk=original.pk).update(status=DecisionStatus.SUPERSEDED)
    again = Decision.objects.get(pk=original.pk)
    again.pk = again.id = None
    again.version = original.version + 1
    again.kind = DecisionKind.RECONSIDERATION
    again.supersedes = original
    again.status = DecisionStatus.FINAL
    again.decided_on = on
    again.outcome = outcome
    again.correction_reason = "New evidence: a school report."
    again.save()
    return again


def test_reconsiderations_are_counted_by_quarter_protected_shown_and_downloaded(demo, client_as):
    c = Quarter.of(timezone.localdate()).previous()
    b = c.previous()
    northbridge = Site.objects.get(slug="northbridge")
    cases = [
        make_case(CaseSpec(site="northbridge", submitted_on=_day(b, i), rg=(NEGATIVE, _day(b, 20 + i))))
        for i in range(4)
    ]
    originals = [Decision.objects.get(referral=case, stage=Stage.REASONABLE_GROUNDS) for case in cases]
    asked = [reconsideration("northbridge", decision=d, received_on=_day(b, 40)) for d in originals]
    # Three reconsidered: two made positive in C; one still negative, recorded as decided late in B and then
    # corrected to C (a reconsideration is dated as its corrections last put it). The fourth request is waiting.
    for request, outcome, on in zip(
        asked[:3], (POSITIVE, POSITIVE, NEGATIVE), (_day(c, 10), _day(c, 11), _day(b, 80)), strict=False
    ):
        decided = _reconsidered(request.decision, on=on, outcome=outcome)
        ReconsiderationRequest.objects.filter(pk=request.pk).update(
            status=ReconsiderationStatus.DECIDED, reconsidered_decision=decided
        )
    reconsidered = Decision.objects.get(referral=cases[2], stage=Stage.REASONABLE_GROUNDS, status=DecisionStatus.FINAL)
    Decision.objects.filter(pk=reconsidered.pk).update(status=DecisionStatus.SUPERSEDED)
    corrected = Decision.objects.get(pk=reconsidered.pk)
    corrected.pk = corrected.id = None
    corrected.version = reconsidered.version + 1
    corrected.kind = DecisionKind.CORRECTION
    corrected.supersedes = reconsidered
    corrected.status = DecisionStatus.FINAL
    corrected.decided_on = _day(c, 5)
    corrected.correction_reason = "The date was recorded wrongly."
    corrected.save()

    filters = StatisticsFilters(site_ids=(northbridge.pk,), first=b, last=c)
    exact = report.build(filters, EXACT, sections=("nrm",)).get("reconsiderations_by_quarter")
    assert exact.value_headers == ("Requested", "Decided", "Outcome changed")
    assert [[cell.value for cell in row.cells] for row in exact.rows] == [[4, 0, 0], [0, 3, 2], [4, 3, 2]]
    # With the default rules every one of these small counts is suppressed (and nothing gives them back).
    protected = report.build(filters, DEFAULT_RULES, sections=("nrm",)).get("reconsiderations_by_quarter")
    assert [[str(cell) for cell in row.cells] for row in protected.rows] == [
        ["[c]", "0", "0"],
        ["0", "[c]", "[c]"],
        ["[c]", "[c]", "[c]"],
    ]

    client = client_as(Role.COORDINATOR)
    period = f"quarter_from={b.code}&quarter_to={c.code}"
    page = client.get(f"/statistics/?{period}").content.decode()
    assert 'id="reconsiderations_by_quarter"' in page and "Reconsiderations by quarter" in page
    download = client.get(f"/statistics/download/?table=reconsiderations_by_quarter&format=csv&{period}")
    assert download.status_code == 200
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Year,Quarter,Requested,Decided,Outcome changed"
    assert lines[-1] == "Total,,[c],[c],[c]"
