"""Guidance by date (issue 8 rule 13): a decision stores the guidance version and the test wording in force
on its date, on the day before and the day of each change in the guidance, for both stages, through the
services a panel uses (decision_start at the sitting, decision_save with the date of the decision)."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.guidance import CG_BALANCE_OF_PROBABILITIES, RG_GENERAL_EVIDENCE, RG_OBJECTIVE_EVIDENCE
from childnrm.decisions.models import Decision, Stage
from childnrm.decisions.tests.factories import draft_decision
from childnrm.panels.models import AgendaStage
from conftest import demo_user

SITE = "northbridge"

# (day, guidance version in force, reasonable grounds wording): the day before and the day of each change.
BOUNDARIES = [
    (date(2023, 1, 29), "sg-2021", RG_GENERAL_EVIDENCE),
    (date(2023, 1, 30), "sg-2023-01", RG_OBJECTIVE_EVIDENCE),
    (date(2023, 7, 9), "sg-2023-01", RG_OBJECTIVE_EVIDENCE),
    (date(2023, 7, 10), "sg-2023-07", RG_GENERAL_EVIDENCE),
]
WORDING = {Stage.REASONABLE_GROUNDS: None, Stage.CONCLUSIVE_GROUNDS: CG_BALANCE_OF_PROBABILITIES}


def expected_wording(stage: str, rg_wording: str) -> str:
    return WORDING[stage] or rg_wording


def stored(decision: Decision) -> tuple[str, str]:
    decision.refresh_from_db()
    return decision.guidance_version, decision.test_applied


def draft_at_sitting_on(day: date, stage: str) -> Decision:
    # Both stages on one agenda item, so a conclusive grounds draft needs no earlier case history.
    return draft_decision(SITE, stage=stage, on=day, agenda_stage=AgendaStage.BOTH)


@pytest.mark.parametrize("stage", [Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS])
@pytest.mark.parametrize(("day", "version", "rg_wording"), BOUNDARIES, ids=[str(b[0]) for b in BOUNDARIES])
def test_a_decision_stores_the_guidance_in_force_on_its_day(demo, stage, day, version, rg_wording):
    decision = draft_at_sitting_on(day, stage)
    # Started at a sitting on that day: the guidance of the sitting's day.
    assert stored(decision) == (version, expected_wording(stage, rg_wording))
    # Dated that day by the panel: the same, saved.
    services.decision_save(decision=decision, user=demo_user(Role.COORDINATOR, SITE), data={"decided_on": day})
    assert stored(decision) == (version, expected_wording(stage, rg_wording))


@pytest.mark.parametrize("stage", [Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS])
@pytest.mark.parametrize(
    ("before", "after"), [(BOUNDARIES[0], BOUNDARIES[1]), (BOUNDARIES[2], BOUNDARIES[3])], ids=["january", "july"]
)
def test_the_date_of_the_decision_not_the_sitting_chooses_the_guidance(demo, stage, before, after):
    """A sitting the day before a change whose decision is dated the day of it records the new guidance;
    dated back to the sitting's day, the old guidance again."""
    coordinator = demo_user(Role.COORDINATOR, SITE)
    decision = draft_at_sitting_on(before[0], stage)
    assert stored(decision) == (before[1], expected_wording(stage, before[2]))

    services.decision_save(decision=decision, user=coordinator, data={"decided_on": after[0]})
    assert stored(decision) == (after[1], expected_wording(stage, after[2]))

    services.decision_save(decision=decision, user=coordinator, data={"decided_on": before[0]})
    assert stored(decision) == (before[1], expected_wording(stage, before[2]))
