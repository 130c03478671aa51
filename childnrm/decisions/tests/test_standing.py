"""The decisions that stand, as their referral keeps them (`decisions.standing`, issue 16).

The dashboard's lists of cases still to decide read `Referral.standing_rg_decided_on`, `standing_rg_outcome` and
`standing_cg_decided_on` from an index instead of looking through every decision, so after every path that makes a
decision final or replaces it they must say what the decisions table says: sign-off, a second review (agreeing, or
returning it to the panel), a correction and a reconsideration (`reviews/tests/test_reconsideration_with_decisions.py`).
Nothing else may change them: the SCA's decisions on a case handed to it, anonymisation, or saving a copy of the
referral read before a decision became final."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.dashboard.tests import factories as dashboard_factories
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.selectors import latest_final
from childnrm.decisions.standing import refresh_standing
from childnrm.decisions.tests.factories import draft_decision, final_decision, record_complete, second_reviewer
from childnrm.handovers.models import ScaOutcome, TransferDestination
from childnrm.handovers.selectors import sca_case_get
from childnrm.handovers.services import ScaDecisionAnswers, case_transfer, sca_decision_record
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals import clocks as referral_clocks
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db

SITE = "northbridge"
NOTHING = (None, "", None)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def stored(referral: Referral) -> tuple[date | None, str, date | None]:
    r = Referral.objects.get(pk=referral.pk)
    return r.standing_rg_decided_on, r.standing_rg_outcome, r.standing_cg_decided_on


def in_step(referral: Referral) -> tuple[date | None, str, date | None]:
    """What the referral keeps, checked against the decisions table and the clocks' own definition of decided."""
    rg, cg = latest_final(referral, Stage.REASONABLE_GROUNDS), latest_final(referral, Stage.CONCLUSIVE_GROUNDS)
    kept = stored(referral)
    assert kept == (rg.decided_on if rg else None, rg.outcome if rg else "", cg.decided_on if cg else None)
    this = Referral.objects.filter(pk=referral.pk)
    assert this.filter(referral_clocks.decided(referral_clocks.RG_STAGE)).exists() == (kept[0] is not None)
    assert this.filter(referral_clocks.decided(referral_clocks.CG_STAGE)).exists() == (kept[2] is not None)
    return kept


def listed(kind: str) -> set[str]:
    alerts = clocks.alert_list(Site.objects.get(slug=SITE), kind, timezone.localdate(), limit=1000)
    return {a.referral_reference for a in alerts.items}


def finalise(decision: Decision) -> Decision:
    return services.decision_finalise(decision=decision, user=decision.meeting.chair)


def test_signing_off_each_stage_keeps_its_date_and_outcome_and_the_dashboard_follows(demo):
    referral = dashboard_factories.accepted_referral(SITE, submitted_on=days_ago(50))
    assert in_step(referral) == NOTHING
    assert referral.reference in listed(Kind.RG_OVERDUE)

    final_decision(SITE, referral=referral, decided_on=days_ago(40))
    assert in_step(referral) == (days_ago(40), Outcome.POSITIVE, None)
    assert referral.reference not in listed(Kind.RG_OVERDUE)
    assert referral.reference in listed(Kind.CG_READY)  # the recovery period (30 days) is over

    final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral)
    assert in_step(referral) == (days_ago(40), Outcome.POSITIVE, days_ago(0))
    assert referral.reference not in listed(Kind.CG_READY)


def test_a_negative_decision_stands_only_once_the_second_reviewer_agrees(demo):
    decision = finalise(record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=days_ago(0)))
    assert decision.status == DecisionStatus.SECOND_REVIEW
    assert in_step(decision.referral) == NOTHING  # the RG clock still runs

    services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)
    assert in_step(decision.referral) == (days_ago(0), Outcome.NEGATIVE, None)


def test_a_decision_the_second_reviewer_returns_to_the_panel_does_not_stand(demo):
    decision = finalise(record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=days_ago(0)))
    services.decision_second_review(
        decision=decision, user=second_reviewer(SITE), agrees=False, reasons="The police evidence was not weighed"
    )
    assert in_step(decision.referral) == NOTHING
    assert clocks.rg_pending(decision.referral.site).filter(pk=decision.referral_id).exists()  # the clock runs on


def test_a_correction_stands_in_place_of_the_original_once_final(demo):
    original = final_decision(SITE, decided_on=days_ago(10))
    coordinator = demo_user(Role.COORDINATOR, SITE)
    correction = services.decision_correct(decision=original, user=coordinator, reason="The wrong day was recorded")
    correction = services.decision_save(decision=correction, user=coordinator, data={"decided_on": days_ago(8)})
    assert in_step(original.referral) == (days_ago(10), Outcome.POSITIVE, None)  # the original stands until then

    finalise(correction)
    assert in_step(original.referral) == (days_ago(8), Outcome.POSITIVE, None)


def test_the_scas_decisions_on_a_case_handed_to_it_and_anonymising_it_change_nothing(demo):
    referral = accepted_referral(SITE)
    final_decision(SITE, referral=referral, decided_on=days_ago(40))
    coordinator = demo_user(Role.COORDINATOR, SITE)
    case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    for stage in (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS):
        sca_decision_record(
            case=sca_case_get(coordinator, referral.reference),
            user=coordinator,
            answers=ScaDecisionAnswers(stage, ScaOutcome.POSITIVE, days_ago(0), days_ago(0)),
        )
    # The SCA's decision is its own, not the panel's: the panel's standing decisions are as they were.
    assert in_step(referral) == (days_ago(40), Outcome.POSITIVE, None)

    case_anonymise(Referral.objects.get(pk=referral.pk))
    assert in_step(referral) == (days_ago(40), Outcome.POSITIVE, None)


def test_saving_a_copy_read_before_the_decision_was_final_keeps_it(demo):
    referral = accepted_referral(SITE)
    copy = Referral.objects.get(pk=referral.pk)
    final_decision(SITE, referral=referral, decided_on=days_ago(3))
    copy.social_worker_name = "Sam Patel"
    copy.save()
    assert in_step(referral) == (days_ago(3), Outcome.POSITIVE, None)
    assert Referral.objects.get(pk=referral.pk).social_worker_name == "Sam Patel"


def test_the_migration_and_refresh_fill_them_in_from_the_decisions(demo):
    decided = accepted_referral(SITE)
    final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=decided, decided_on=days_ago(2))
    negative = final_decision(SITE, outcome=Outcome.NEGATIVE, decided_on=days_ago(5)).referral
    waiting = accepted_referral(SITE)
    cases = [decided, negative, waiting]
    expected = {r.pk: in_step(r) for r in cases}

    mine = Referral.objects.filter(pk__in=expected)
    mine.update(
        standing_rg_decided_on=None, standing_rg_outcome="", standing_cg_decided_on=None
    )  # as before the migration
    migration = importlib.import_module("childnrm.referrals.migrations.0012_referral_standing_decisions")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert {r.pk: stored(r) for r in cases} == expected

    mine.update(standing_rg_decided_on=None, standing_rg_outcome="", standing_cg_decided_on=None)
    assert refresh_standing(mine) == 3
    assert {r.pk: stored(r) for r in cases} == expected
    assert expected[negative.pk] == (days_ago(5), Outcome.NEGATIVE, None)
