"""The pilot evaluation against the known facts of a few cases (exact rules: the true figures), and the
consistency model's flags."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.decisions.models import Stage
from childnrm.handovers.selectors import sca_case_get
from childnrm.handovers.services import ScaDecisionAnswers, sca_decision_record
from childnrm.kit.disclosure import DisclosureRules
from childnrm.outcomes.demo import allocate_guardian, missing_episode, record_review
from childnrm.outcomes.models import Answer, OutcomeReview
from childnrm.panels.models import Agency
from childnrm.people.demo import demo_email
from childnrm.safeguarding.models import ActionStatus, PlanActionUpdate, SafeguardingPlan
from childnrm.safeguarding.services import action_add, action_update
from childnrm.statistics import report
from childnrm.statistics.consistency import fit_consistency
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day

EXACT = DisclosureRules(threshold=0, rounding=1, min_denominator=1, protect_rate_complement=False)


def _values(table, labels):
    row = next(r for r in table.rows if r.labels == labels)
    return [cell.value for cell in row.cells]


def test_pilot_tables_count_the_panel_beside_the_sca(demo):
    today = timezone.localdate()
    quarter = Quarter.of(today).previous()
    coordinator = User.objects.get(email=demo_email(Role.COORDINATOR, "northbridge"))
    guardian = User.objects.get(email=demo_email(Role.ICTG, "northbridge"))
    positive = make_case(CaseSpec("northbridge", _day(quarter, 1), rg=(POSITIVE, _day(quarter, 5))))
    negative = make_case(CaseSpec("northbridge", _day(quarter, 2), rg=(NEGATIVE, _day(quarter, 8))))
    sca = make_case(CaseSpec("northbridge", _day(quarter, 3), to_sca=True))
    # The SCA reports its reasonable grounds decision today; the coordinator records it (handovers).
    sca_decision_record(
        case=sca_case_get(coordinator, sca.reference),
        user=coordinator,
        answers=ScaDecisionAnswers(
            stage=Stage.REASONABLE_GROUNDS, outcome="positive", decided_on=today, reported_on=today
        ),
    )

    # The positive decision's plan: one action done before it was due, one not done.
    plan = SafeguardingPlan.objects.get(child=positive.child)
    due = _day(quarter, 20)
    common = dict(plan=plan, user=coordinator, agency=Agency.SOCIAL_CARE, organisation=None, owner=None, review_on=None)
    done = action_add(description="School place", owner_name="A. Teacher", due_on=due, **common)
    action_add(description="Health check", owner_name="A. Nurse", due_on=due, **common)
    action_update(action=done, user=coordinator, to_status=ActionStatus.DONE, note="")
    done_at = timezone.make_aware(datetime.combine(due - timedelta(days=2), time(10, 0)))
    PlanActionUpdate.objects.filter(action=done, to_status=ActionStatus.DONE).update(at=done_at)
    # After the decision the positive child went missing; the negative child's 3-month review says re-referred.
    allocate_guardian(positive.child, guardian)
    allocate_guardian(negative.child, guardian)
    missing_episode(
        positive.child,
        guardian,
        started_on=_day(quarter, 10),
        ended_on=_day(quarter, 11),
        interview_on=_day(quarter, 12),
    )
    review = OutcomeReview.objects.get(child=negative.child, months=3)
    record_review(review, guardian, re_referred=Answer.YES, re_referral_details="Referred again by the police.")

    sites = (Site.objects.get(slug="northbridge").pk,)
    filters = StatisticsFilters(site_ids=sites, first=quarter, last=quarter.next())
    release = report.build(filters, EXACT, sections=("pilot",))

    times = release.get("pilot_decision_times")
    decided = pd.Series([(_day(quarter, 5) - _day(quarter, 1)).days, (_day(quarter, 8) - _day(quarter, 2)).days])
    assert _values(times, ("Panel", "Referral to reasonable grounds")) == [
        2,
        round(decided.median(), 1),
        round(decided.quantile(0.25), 1),
        round(decided.quantile(0.75), 1),
        round(decided.mean(), 1),
    ]
    sca_days = (today - _day(quarter, 3)).days
    assert _values(times, ("SCA", "Referral to reasonable grounds (as reported)")) == [1, *[float(sca_days)] * 4]
    assert _values(times, ("SCA", "Referral to conclusive grounds (as reported)"))[0] == 0
    plans = release.get("pilot_plans_at_sitting")
    assert _values(plans, ("Panel", "All reasonable grounds decisions")) == [2, 1, 50.0]
    assert _values(plans, ("Panel", "Positive reasonable grounds decisions")) == [1, 1, 100.0]
    assert str(plans.rows[-1].cells[0]) == "[x]"  # the SCA makes no plan
    actions = release.get("pilot_actions_on_time")
    assert _values(actions, ("Panel",)) == [2, 1, 0, 1, 50.0]
    assert _values(actions, ("SCA",))[0] == 0
    after = release.get("pilot_after_the_decision")
    assert _values(after, ("Panel",)) == [2, 1, 50.0, 1, 50.0]
    assert _values(after, ("SCA",))[:2] == [1, 0]  # decided by the SCA today, nothing after it yet
    outcomes = release.get("pilot_outcomes_at_review_points")
    three = _values(outcomes, ("Panel", "3 months"))
    assert three[:2] == [2, 1]
    headers = outcomes.value_headers
    assert three[headers.index("Re-referred %")] == 100.0 and three[headers.index("Went missing %")] == 0.0


def _decisions(site: str, n: int, positives: int, mix: str = "criminal") -> list[dict]:
    return [
        {
            "site": site,
            "rg_positive": i < positives,
            "age_band": "14 to 15" if i % 2 else "16 to 17",
            "gender": "Male" if i % 3 else "Female",
            "exploitation_group": "Criminal" if i % 4 else "Sexual",
            "nationality_group": "UK national" if i % 5 else "Other nationality",
        }
        for i in range(n)
    ]


def test_consistency_flags_a_site_far_from_the_others_and_only_as_a_prompt():
    # Seven sites deciding about half positively, one far more often, one too small to compare.
    usual = [("A", 30), ("B", 32), ("E", 31), ("F", 30), ("G", 30), ("H", 31), ("I", 29)]
    rows = [d for site, positives in usual for d in _decisions(site, 60, positives)]
    frame = pd.DataFrame(rows + _decisions("C", 60, 56) + _decisions("D", 5, 1))
    model = fit_consistency(frame, min_decisions=10)
    assert model.fitted
    effects = {e.site: e for e in model.effects}
    assert set(effects) == {s for s, _ in usual} | {"C"}  # D has too few decisions to be compared
    assert effects["C"].flagged and effects["C"].odds_ratio > 1
    assert not any(effects[s].flagged for s, _ in usual)
    assert effects["C"].adjusted_rate > effects["A"].adjusted_rate
    # Everyone decided alike: nothing to model, said plainly.
    same = pd.DataFrame(_decisions("A", 20, 20) + _decisions("B", 20, 20))
    assert not fit_consistency(same, min_decisions=10).fitted
