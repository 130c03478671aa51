"""The pilot evaluation: the panel's cases beside the cases handed to the Single Competent Authority.

What the devolved decision-making pilot is meant to show: faster decisions, tied to a safeguarding plan, with
actions done and better outcomes afterwards. Each table puts the panel and the SCA side by side. The SCA's own
decisions are those it reported back (recorded in `handovers`); cases referred on or transferred to it without a
reported decision count in the cases it was sent but not in its decision times.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from childnrm.kit.disclosure import (
    Cell,
    DisclosureRules,
    protect_count,
    protect_measure,
    protect_published_rate,
    protect_table,
)
from childnrm.statistics.dimensions import NOT_KNOWN
from childnrm.statistics.measures import time_summary
from childnrm.statistics.selectors import PilotData, StatisticsFilters, plan_agreed_at_sitting
from childnrm.statistics.tables import (
    NOT_APPLICABLE,
    PLANS_TABLE,
    STAGES,
    TIME_HEADERS,
    StatRow,
    StatTable,
    Suppression,
    decisions_by_quarter,
    plans_key,
)

PANEL = "Panel"
SCA = "SCA"


def _day(value: date) -> pd.Timestamp:
    return pd.Timestamp(value)


def _between(series: pd.Series, filters: StatisticsFilters) -> pd.Series:
    return (series >= _day(filters.starts_on)) & (series <= _day(filters.ends_on))


def _time_row(labels: tuple[str, ...], days: pd.Series, rules: DisclosureRules, count: Cell | None = None) -> StatRow:
    """The times' count (`count`, as another table publishes it, or protected here) and summary."""
    summary = time_summary(days)
    cells = tuple(
        protect_measure(v, summary.n, rules)
        for v in (summary.median, summary.lower_quartile, summary.upper_quartile, summary.mean)
    )
    return StatRow(labels, (count if count is not None else protect_count(summary.n, rules), *cells))


def decision_times(
    data: PilotData, filters: StatisticsFilters, rules: DisclosureRules, *, decisions: dict[str, StatTable]
) -> StatTable:
    """Days from referral to decision, the panel's beside the SCA's. The panel's decisions in the period are the
    grand totals of the decisions by quarter (`decisions`, by stage), as protected there (as `times_by_quarter`)."""
    cases, sca = data.cases, data.sca
    rows = []
    for stage, words in STAGES.items():
        decided = cases[_between(cases[f"{stage}_on"], filters)]
        by_quarter = decisions[stage].rows
        count = by_quarter[-1].cells[-1] if by_quarter else None
        rows.append(_time_row((PANEL, f"Referral to {words}"), decided[f"{stage}_days"], rules, count))
    referred = cases.set_index("referral_id")["referred_on"]
    for stage, words in (("rg", "reasonable grounds"), ("cg", "conclusive grounds")):
        on = pd.to_datetime(sca[f"{stage}_on"], errors="coerce")
        reported = sca[_between(on, filters)]
        days = (pd.to_datetime(reported[f"{stage}_on"]) - reported["referral_id"].map(referred)).dt.days
        rows.append(_time_row((SCA, f"Referral to {words} (as reported)"), days, rules))
    notes = [
        "Panel: decisions the panel made in the period. SCA: decisions the Single Competent Authority reported on "
        "cases handed to it, dated in the period.",
        f"Times shown only where there are at least {max(rules.min_denominator, rules.threshold)} decisions.",
    ]
    if not data.sca_hook_present:
        notes.append(
            "The SCA's reported decisions are not recorded in this service yet, so its decision times are not "
            "available."
        )
    return StatTable(
        key="pilot_decision_times",
        title="Days from referral to decision: panel and SCA",
        label_headers=("Decided by", "Measure"),
        value_headers=TIME_HEADERS,
        rows=tuple(rows),
        notes=tuple(notes),
        section="pilot",
        chart="pilot_decision_times",
    )


PLAN_GROUPS = ("All reasonable grounds decisions", "Positive reasonable grounds decisions")


def plan_counts(cases: pd.DataFrame, filters: StatisticsFilters, plans: set[tuple[int, int]]) -> list[list[int]]:
    """The panel's reasonable grounds decisions in the period, all and positive (`PLAN_GROUPS`), with and without a
    plan agreed at the sitting (`plans`: `selectors.plans_agreed_at_sitting`)."""
    decided = cases[_between(cases["rg_on"], filters)]
    agreed = plan_agreed_at_sitting(decided, plans)
    groups = [pd.Series(True, index=decided.index), decided["rg_positive"].eq(True)]
    return [[int((agreed & which).sum()), int((~agreed & which).sum())] for which in groups]


def plans_at_sitting(
    data: PilotData, filters: StatisticsFilters, rules: DisclosureRules, *, suppression: Suppression | None = None
) -> StatTable:
    """The share of the panel's reasonable grounds decisions with a safeguarding plan agreed at the sitting. Its
    numbers of decisions, all and positive, are in the totals row of the reasonable grounds decisions by quarter:
    protected with it (`suppression`, from `tables.shared_suppression`). The positive decisions are some of all of
    them, so each group is protected as a table of its own: with a plan, without, and the decisions."""
    rows = []
    counted = plan_counts(data.cases, filters, data.plans_at_sitting)
    for group, (name, counts) in enumerate(zip(PLAN_GROUPS, counted, strict=True)):
        protected = protect_table([counts], rules, suppressed=(suppression or {}).get(plans_key(group), ()))
        assert protected.row_totals is not None
        with_plan, total = protected.cells[0][0], protected.row_totals[0]
        rate = protect_published_rate(counts[0], sum(counts), rules, shown_numerator=with_plan, shown_denominator=total)
        rows.append(StatRow((PANEL, name), (total, with_plan, rate)))
    rows.append(StatRow((SCA, "Decisions reported by the SCA"), (NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE)))
    return StatTable(
        key=PLANS_TABLE,
        title="Decisions with a safeguarding plan agreed at the sitting",
        label_headers=("Decided by", "Decisions"),
        value_headers=("Number of decisions", "With a plan agreed at the sitting", "Share %"),
        rows=tuple(rows),
        notes=(
            "A plan agreed at the sitting: the decision records it, or a plan for the child was agreed at the "
            "meeting that decided. The SCA makes no safeguarding plan: not applicable [x].",
        ),
        section="pilot",
    )


def _children_by_group(data: PilotData) -> dict[str, set[int]]:
    """The children a panel decided about and those whose case went to the SCA, for the tables of what came after
    (actions, reviews). A panel at any site: the actions and reviews themselves are kept to those at the chosen
    sites (`selectors.pilot_data`), so a case decided at one site and transferred to another counts its later
    actions and reviews at the site that holds it then."""
    cases = data.cases
    sca_referrals = set(data.sca["referral_id"])
    handed = cases["referral_id"].isin(sca_referrals)
    panel_children = {int(c) for c in cases.loc[cases["rg_site_id"].notna() & ~handed, "child_id"].dropna()}
    sca_children = {int(c) for c in cases.loc[handed, "child_id"].dropna()}
    return {PANEL: panel_children, SCA: sca_children}


def actions_on_time(data: PilotData, filters: StatisticsFilters, rules: DisclosureRules) -> StatTable:
    """Safeguarding plan actions due in the period: done by their due date, done late, or not done."""
    actions = data.actions[~data.actions["cancelled"] & _between(data.actions["due_on"], filters)]
    groups = _children_by_group(data)
    counts = []
    for name in (PANEL, SCA):
        mine = actions[actions["child_id"].isin(groups[name])]
        on_time = mine["done_on"].notna() & (mine["done_on"] <= mine["due_on"])
        late = mine["done_on"].notna() & ~on_time
        counts.append([int(on_time.sum()), int(late.sum()), int(mine["done_on"].isna().sum())])
    protected = protect_table(counts, rules)
    assert protected.row_totals is not None
    rows = []
    for name, raw, cells, total in zip((PANEL, SCA), counts, protected.cells, protected.row_totals, strict=True):
        rate = protect_published_rate(raw[0], sum(raw), rules, shown_numerator=cells[0], shown_denominator=total)
        rows.append(StatRow((name,), (total, *cells, rate)))
    return StatTable(
        key="pilot_actions_on_time",
        title="Safeguarding plan actions due in the period, done on time",
        label_headers=("Children decided by",),
        value_headers=("Actions due", "Done on time", "Done late", "Not done", "Done on time %"),
        rows=tuple(rows),
        notes=(
            "Actions of the safeguarding plans of children the panel decided about, and of children whose case was "
            "handed to the SCA, due in the period (cancelled actions left out). Done on time: marked done on or "
            "before the day it was due.",
        ),
        section="pilot",
    )


REVIEW_MEASURES = (
    ("stable", "Placement stable %"),
    ("missing", "Went missing %"),
    ("re_referred_answer", "Re-referred %"),
    ("exploited", "Further exploitation %"),
    ("in_eet", "In education, employment or training %"),
)


def _point_label(point: str, months: object) -> str:
    if point == "eighteen":
        return "At 18"
    return f"{int(months)} months" if not pd.isna(months) else NOT_KNOWN  # type: ignore[call-overload]


def outcomes_at_review_points(data: PilotData, filters: StatisticsFilters, rules: DisclosureRules) -> StatTable:
    """Outcome reviews due in the period at each review point, how many were recorded, and what they found."""
    reviews = data.reviews[_between(data.reviews["due_on"], filters)].copy()
    reviews["label"] = [_point_label(p, m) for p, m in zip(reviews["point"], reviews["months"], strict=True)]
    points = sorted(
        set(reviews["label"]), key=lambda label: (label == "At 18", int(label.split()[0]) if label[0].isdigit() else 0)
    )
    groups = _children_by_group(data)
    keys: list[tuple[str, str]] = [(name, point) for name in (PANEL, SCA) for point in points]
    counts = []
    selections = []
    for name, point in keys:
        mine = reviews[reviews["child_id"].isin(groups[name]) & (reviews["label"] == point)]
        selections.append(mine)
        counts.append([int(mine["recorded"].sum()), int((~mine["recorded"]).sum())])
    rows = []
    if counts:
        protected = protect_table(counts, rules)
        assert protected.row_totals is not None
        for key, mine, cells, total in zip(keys, selections, protected.cells, protected.row_totals, strict=True):
            recorded = mine[mine["recorded"]]
            rates = []
            for column, _ in REVIEW_MEASURES:
                # Out of the reviews recorded, as shown; the count of the measure is rounded on its own.
                rate = protect_published_rate(
                    int(recorded[column].sum()), len(recorded), rules, shown_denominator=cells[0]
                )
                rates.append(rate)
            rows.append(StatRow(key, (total, cells[0], *rates)))
    return StatTable(
        key="pilot_outcomes_at_review_points",
        title="Outcome reviews due in the period, by review point",
        label_headers=("Children decided by", "Review point"),
        value_headers=("Reviews due", "Reviews recorded", *(label for _, label in REVIEW_MEASURES)),
        rows=tuple(rows),
        notes=(
            "Rates are out of the reviews recorded. Follow-up starts at the panel's first final decision about a "
            "child, so children whose case went to the SCA have reviews only where the service follows them up.",
        ),
        section="pilot",
    )


def after_the_decision(data: PilotData, filters: StatisticsFilters, rules: DisclosureRules) -> StatTable:
    """Children decided in the period who were referred again, or went missing, after the decision."""
    cases = data.cases
    sca_on = data.sca.set_index("referral_id")
    sca_decided = pd.to_datetime(sca_on["rg_on"], errors="coerce").fillna(sca_on["handed_on"])
    panel = cases[_between(cases["rg_on"], filters) & ~cases["referral_id"].isin(set(sca_on.index))]
    panel_children = panel.sort_values("rg_on").drop_duplicates("child_id")[["child_id", "rg_on"]]
    sca_cases = cases[cases["referral_id"].isin(set(sca_on.index))].copy()
    sca_cases["rg_on"] = sca_cases["referral_id"].map(sca_decided)
    sca_children = sca_cases[_between(sca_cases["rg_on"], filters)]
    sca_children = sca_children.sort_values("rg_on").drop_duplicates("child_id")[["child_id", "rg_on"]]
    referrals = data.referrals_of_children
    reviews_said = set(data.reviews.loc[data.reviews["recorded"] & data.reviews["re_referred_answer"], "child_id"])
    measures: list[list[list[int]]] = [[], []]
    for children in (panel_children, sca_children):
        persons = [data.person_of.get(int(c), int(c)) for c in children["child_id"]]
        children = children.assign(person=pd.Series(persons, index=children.index, dtype="int64"))
        # Joins, not a loop per child: a referral or episode after the child's decision.
        later = children.merge(referrals, on="person")
        later_ids = set(later.loc[later["referred_on"] > later["rg_on"], "child_id"]) | (
            reviews_said & set(children["child_id"])
        )
        episodes = children.merge(data.episodes, on="child_id")
        missing_ids = set(episodes.loc[episodes["started_on"] > episodes["rg_on"], "child_id"])
        total = len(children)
        measures[0].append([len(later_ids), total - len(later_ids)])
        measures[1].append([len(missing_ids), total - len(missing_ids)])
    protected = [protect_table(m, rules) for m in measures]
    rows = []
    for i, name in enumerate((PANEL, SCA)):
        cells: list[Cell] = []
        for m, table in zip(measures, protected, strict=True):
            assert table.row_totals is not None
            if not cells:
                cells.append(table.row_totals[i])
            rate = protect_published_rate(
                m[i][0], sum(m[i]), rules, shown_numerator=table.cells[i][0], shown_denominator=table.row_totals[i]
            )
            cells += [table.cells[i][0], rate]
        rows.append(StatRow((name,), tuple(cells)))
    return StatTable(
        key="pilot_after_the_decision",
        title="Children referred again or missing after the decision",
        label_headers=("Children decided by",),
        value_headers=("Children", "Re-referred", "Re-referred %", "Went missing", "Went missing %"),
        rows=tuple(rows),
        notes=(
            "Panel: children the panel first decided about in the period. SCA: children whose case was referred on or "
            "transferred to the SCA, from its reported decision (or the day it was sent, when it has reported none) in "
            "the period.",
            "Re-referred: a later referral of the child (under any record linked to theirs as the same child), or an "
            "outcome review saying so. Went missing: a missing episode that started after the decision.",
        ),
        section="pilot",
    )


def pilot_tables(
    data: PilotData, filters: StatisticsFilters, rules: DisclosureRules, *, suppression: Suppression
) -> list[StatTable]:
    """The pilot's tables; `suppression`: the protection they share with the NRM tables (`shared_suppression`, given
    `plan_counts`), so that a count both publish is shown alike."""
    decisions = {
        stage: decisions_by_quarter(
            data.cases, filters, rules, stage=stage, suppressed=suppression.get(f"{stage}_decisions_by_quarter", ())
        )
        for stage in STAGES
    }
    tables = [
        decision_times(data, filters, rules, decisions=decisions),
        plans_at_sitting(data, filters, rules, suppression=suppression),
        actions_on_time(data, filters, rules),
        outcomes_at_review_points(data, filters, rules),
        after_the_decision(data, filters, rules),
    ]
    costs = burden_costs(filters, rules)
    if costs is not None:
        tables.append(costs)
    return tables


def burden_costs(filters: StatisticsFilters, rules: DisclosureRules) -> StatTable | None:
    """New burdens: what the panel's work cost per site in the period (burdens app), or None without it."""
    try:
        from childnrm.burdens.selectors import costs_by_site
    except ImportError:  # HOOK: the burdens app's selectors (issue 10) are not installed
        return None
    from childnrm.accounts.models import Site

    names = dict(Site.objects.filter(pk__in=filters.site_ids).values_list("pk", "name"))
    rows = []
    for cost in sorted(
        costs_by_site(filters.site_ids, filters.starts_on, filters.ends_on), key=lambda c: names.get(c.site_id, "")
    ):
        cases = int(cost.cases)
        pounds = cost.cost_pence / 100
        rows.append(
            StatRow(
                (names.get(cost.site_id, ""),),
                (
                    protect_count(cases, rules),
                    protect_measure(cost.minutes / 60, cases, rules),
                    protect_measure(pounds, cases, rules, places=0),
                    protect_measure(pounds / cases if cases else None, cases, rules, places=0),
                ),
            )
        )
    return StatTable(
        key="pilot_costs_by_site",
        title="New burdens: time and cost of the panel's work by site",
        label_headers=("Site",),
        value_headers=("Cases worked on", "Person-hours", "Cost £", "Cost per case £"),
        rows=tuple(rows),
        notes=(
            "Time at held sittings (length times the people present, shared between the cases on the agenda) and "
            "time logged against decisions, plans and information requests, costed at the site's hourly rates.",
            f"Hours and costs shown only for sites with at least {max(rules.min_denominator, rules.threshold)} cases "
            "worked on, so no one case's cost can be read off.",
        ),
        section="pilot",
    )
