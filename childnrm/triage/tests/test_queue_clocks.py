"""The queue's clocks stop when they are met, and the queue and the dashboard agree on every clock (issue 9.2).

Boundary days: the RG due date (the day before, of and after), the end of the recovery period (the
day before the earliest CG date, the day itself and the day after), and a site that takes both
decisions at one sitting.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.dashboard import clocks as dashboard_clocks
from childnrm.dashboard.clocks import Kind
from childnrm.dashboard.tests.factories import accepted_referral, final_decision
from childnrm.decisions.models import DecisionStatus, Outcome, Stage
from childnrm.kit.dates import long_date
from childnrm.referrals import clocks
from childnrm.referrals.clocks import Phase
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.selectors import clock_for, with_clock_state
from childnrm.triage.services import triage_confirm
from conftest import demo_user

QUEUE = "/referrals/queue/"


@pytest.fixture
def northbridge(demo) -> Site:
    return Site.objects.get(slug="northbridge")


@pytest.fixture
def coordinator(client_as):
    return client_as(Role.COORDINATOR, "northbridge")


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def rows(response) -> list[str]:
    return re.findall(r'data-reference="(NRM-[A-Z0-9]+)"', response.content.decode())


def row_html(response, reference: str) -> str:
    body = response.content.decode()
    start = body.index(f'data-reference="{reference}"')
    return body[start : body.index("</tr>", start)]


def clock_of(referral: Referral, today: date | None = None) -> clocks.CaseClock:
    """The clock as the queue computes it, from the queue's own annotation."""
    annotated = with_clock_state(Referral.objects.select_related("site").filter(pk=referral.pk)).get()
    return clock_for(annotated, today or timezone.localdate())


def overdue_in_queue(client) -> set[str]:
    return set(rows(client.get(QUEUE, {"overdue": "on", "status": "all"})))


def overdue_on_dashboard(site: Site) -> tuple[int, set[str]]:
    alerts = dashboard_clocks.site_alerts(site, limit=1000)[Kind.RG_OVERDUE]
    return alerts.count, {a.referral_reference for a in alerts.items}


def test_the_decision_values_named_in_referrals_are_those_decisions_stores():
    # referrals may not import decisions (ADR 0005): the values it filters on must not drift.
    assert clocks.RG_STAGE == Stage.REASONABLE_GROUNDS and clocks.CG_STAGE == Stage.CONCLUSIVE_GROUNDS
    assert clocks.FINAL == DecisionStatus.FINAL
    assert set(clocks.DECIDED_STATUSES) == {DecisionStatus.FINAL, DecisionStatus.SUPERSEDED}
    assert clocks.POSITIVE == Outcome.POSITIVE


def test_a_final_rg_stops_the_clock_and_the_case_leaves_only_overdue(northbridge, coordinator):
    # The case: referred 60 days ago (due 15 days ago), decided 18 days ago.
    decided = accepted_referral(submitted_on=ago(60))
    final_decision(decided, decided_on=ago(18))
    waiting = accepted_referral(submitted_on=ago(60))
    assert overdue_in_queue(coordinator) >= {waiting.reference}
    assert decided.reference not in overdue_in_queue(coordinator)

    row = row_html(coordinator.get(QUEUE), decided.reference)
    assert "Overdue" not in row
    earliest_cg = ago(18) + timedelta(days=30)
    assert f"Conclusive grounds from {long_date(earliest_cg)}" in row
    assert "Recovery period: 12 days left" in row
    assert "Overdue by 15 days" in row_html(coordinator.get(QUEUE), waiting.reference)


def test_only_a_final_decision_stops_the_rg_clock(northbridge, coordinator):
    draft = accepted_referral(submitted_on=ago(50))
    final_decision(draft, status=DecisionStatus.DRAFT)
    second_review = accepted_referral(submitted_on=ago(50))
    final_decision(second_review, outcome=Outcome.NEGATIVE, status=DecisionStatus.SECOND_REVIEW)
    corrected = accepted_referral(submitted_on=ago(50))
    final_decision(corrected, decided_on=ago(10), status=DecisionStatus.SUPERSEDED)
    final_decision(corrected, decided_on=ago(8))

    overdue = overdue_in_queue(coordinator)
    assert {draft.reference, second_review.reference} <= overdue
    assert corrected.reference not in overdue
    assert clock_of(draft).phase == Phase.RG and clock_of(draft).overdue_by == 5
    # A correction does not restart anything: the standing version's date counts.
    assert clock_of(corrected).cg_from == ago(8) + timedelta(days=30)


@pytest.mark.parametrize(
    ("referred_days_ago", "overdue"),
    [(44, False), (45, False), (46, True)],  # due tomorrow, due today, overdue by a day
)
def test_the_rg_clock_on_its_boundary_days_in_the_queue_and_on_the_dashboard(
    northbridge, coordinator, referred_days_ago, overdue
):
    referral = accepted_referral(submitted_on=ago(referred_days_ago))
    assert (referral.reference in overdue_in_queue(coordinator)) is overdue
    assert (referral.reference in overdue_on_dashboard(northbridge)[1]) is overdue
    # The day it is decided, the clock stops, whichever side of the due date.
    final_decision(referral, decided_on=timezone.localdate())
    assert referral.reference not in overdue_in_queue(coordinator)
    assert referral.reference not in overdue_on_dashboard(northbridge)[1]


@pytest.mark.parametrize(
    ("decided_days_ago", "phase", "dashboard_kind"),
    [
        (29, Phase.RECOVERY, Kind.CG_RECOVERY),  # the day before the earliest CG date
        (30, Phase.CG_DUE, Kind.CG_READY),  # the earliest CG date
        (31, Phase.CG_DUE, Kind.CG_READY),  # the day after
    ],
)
def test_the_recovery_period_on_its_boundary_days_in_the_queue_and_on_the_dashboard(
    northbridge, coordinator, decided_days_ago, phase, dashboard_kind
):
    referral = accepted_referral(submitted_on=ago(80))
    final_decision(referral, decided_on=ago(decided_days_ago))
    clock = clock_of(referral)
    assert clock.phase == phase
    assert clock.cg_from == ago(decided_days_ago - 30)
    alerts = dashboard_clocks.site_alerts(northbridge, limit=1000)
    listed = {kind for kind in (Kind.CG_RECOVERY, Kind.CG_READY) if referral.reference in _refs(alerts[kind])}
    assert listed == {dashboard_kind}
    (alert,) = [a for a in alerts[dashboard_kind].items if a.referral_reference == referral.reference]
    assert alert.date == clock.cg_from

    row = row_html(coordinator.get(QUEUE), referral.reference)
    if phase == Phase.RECOVERY:
        assert f"Conclusive grounds from {long_date(clock.cg_from)}" in row
        assert "Recovery period: 1 day left" in row
    else:
        assert "Conclusive grounds due" in row and f"Can be decided since {long_date(clock.cg_from)}" in row
    assert referral.reference not in overdue_in_queue(coordinator)  # the CG has no target: never overdue


def _refs(alert_list) -> set[str]:
    return {a.referral_reference for a in alert_list.items}


def test_a_site_that_takes_both_decisions_at_one_sitting_has_the_cg_due_at_once(northbridge, coordinator):
    northbridge.rg_and_cg_at_one_sitting = True
    northbridge.save()
    referral = accepted_referral(submitted_on=ago(20))
    final_decision(referral, decided_on=timezone.localdate())
    clock = clock_of(referral)
    assert clock.phase == Phase.CG_DUE and clock.cg_from == timezone.localdate()
    assert referral.reference in _refs(dashboard_clocks.site_alerts(northbridge)[Kind.CG_READY])
    assert "Conclusive grounds due" in row_html(coordinator.get(QUEUE), referral.reference)


def test_every_clock_stops_at_the_last_decision(northbridge, coordinator):
    negative = accepted_referral(submitted_on=ago(60))
    final_decision(negative, outcome=Outcome.NEGATIVE, decided_on=ago(18))
    concluded = accepted_referral(submitted_on=ago(120))
    final_decision(concluded, decided_on=ago(80))
    final_decision(concluded, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=ago(2))

    assert clock_of(negative).phase == Phase.NEGATIVE_RG
    assert clock_of(concluded).phase == Phase.CG_DECIDED
    response = coordinator.get(QUEUE)
    assert f"Negative reasonable grounds decision on {long_date(ago(18))}" in row_html(response, negative.reference)
    assert f"Conclusive grounds decided on {long_date(ago(2))}" in row_html(response, concluded.reference)
    alerts = dashboard_clocks.site_alerts(northbridge, limit=1000)
    for kind in (Kind.RG_OVERDUE, Kind.RG_DUE_SOON, Kind.CG_RECOVERY, Kind.CG_READY):
        assert not {negative.reference, concluded.reference} & _refs(alerts[kind])


def test_the_queues_overdue_filter_and_the_dashboards_overdue_count_give_the_same_set(northbridge, coordinator):
    coordinator_user = demo_user(Role.COORDINATOR, "northbridge")
    made = {
        "untriaged, overdue": submitted_referral("northbridge", submitted_on=ago(50)),
        "untriaged, due today": submitted_referral("northbridge", submitted_on=ago(45)),
        "accepted, overdue": accepted_referral(submitted_on=ago(46)),
        "accepted, decided": accepted_referral(submitted_on=ago(60)),
        "accepted, negative": accepted_referral(submitted_on=ago(60)),
        "accepted, draft decision": accepted_referral(submitted_on=ago(70)),
        "accepted, not yet due": accepted_referral(submitted_on=ago(10)),
        "handed off": submitted_referral("northbridge", submitted_on=ago(90), public_order_disqualification=True),
    }
    final_decision(made["accepted, decided"], decided_on=ago(18))
    final_decision(made["accepted, negative"], outcome=Outcome.NEGATIVE, decided_on=ago(18))
    final_decision(made["accepted, draft decision"], status=DecisionStatus.DRAFT)
    triage_confirm(
        referral=made["handed off"], user=coordinator_user, final_outcome="sca", final_site=None, reason="SCA"
    )
    assert Referral.objects.get(pk=made["handed off"].pk).status == ReferralStatus.HANDED_OFF

    queue = overdue_in_queue(coordinator)
    count, dashboard = overdue_on_dashboard(northbridge)
    assert queue == dashboard and count == len(queue)  # demo data's overdue cases included
    mine = {made[k].reference for k in ("untriaged, overdue", "accepted, overdue", "accepted, draft decision")}
    assert queue & {r.reference for r in made.values()} == mine


def test_a_referral_awaiting_triage_past_its_due_date_is_overdue_on_the_dashboard(northbridge):
    # The RG clock runs from referral, before triage too: the dashboard counts it as the queue does.
    waiting = submitted_referral("northbridge", submitted_on=ago(46))
    assert waiting.reference in {r.reference for r in dashboard_clocks.rg_overdue(northbridge, timezone.localdate())}


def test_the_queue_with_decided_cases_takes_no_more_queries_than_with_one_row(northbridge, coordinator):
    accepted_referral(submitted_on=ago(2))

    def queries() -> int:
        with CountedQueries() as captured:
            assert coordinator.get(QUEUE, {"status": "all"}).status_code == 200
        return len(captured)

    one_row = queries()
    for i, decided_days_ago in enumerate([None, 5, 29, 30, 31, 40]):
        referral = accepted_referral(submitted_on=ago(60 + i))
        if decided_days_ago is not None:
            final_decision(referral, decided_on=ago(decided_days_ago))
    concluded = accepted_referral(submitted_on=ago(100))
    final_decision(concluded, decided_on=ago(70))
    final_decision(concluded, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=ago(1))
    assert queries() <= one_row
    with CountedQueries() as captured:
        coordinator.get(QUEUE, {"overdue": "on"})
    assert len(captured) <= one_row
