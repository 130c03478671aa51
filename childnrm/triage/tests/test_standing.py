"""Who decides, as the referral keeps it (`triage.standing`, issue 16).

The queue's "who decides" filter and its rows' "Triage" column read `Referral.standing_triage_outcome` (on an index)
instead of looking through every assessment, so after every path that writes an assessment it must say what the
latest assessment says, the one the triage page shows: submission, confirming, overriding, referring on to the SCA,
transferring to another site (assessed again there) and correcting the facts, and the demo's backdating. Nothing else
may change it: a hand-over after the panel's decision, anonymisation, or saving a copy of the referral read before
triage; and the referrer cannot set it."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.handovers.models import TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_save, referral_start
from childnrm.referrals.tests.factories import submitted_referral, years_ago
from childnrm.retention.anonymise import case_anonymise
from childnrm.triage.models import TriageAssessment, TriageOutcome
from childnrm.triage.selectors import QueueFilters, queue_for
from childnrm.triage.services import Facts, latest_assessment, triage_confirm, triage_correct_facts
from childnrm.triage.standing import outcome_of, refresh_outcomes
from conftest import demo_user

pytestmark = pytest.mark.django_db

PANEL, OTHER_SITE, SCA = TriageOutcome.PANEL, TriageOutcome.OTHER_SITE, TriageOutcome.SCA


def stored(referral: Referral) -> str:
    return Referral.objects.values_list("standing_triage_outcome", flat=True).get(pk=referral.pk)


def in_step(referral: Referral) -> str:
    """What the referral keeps, checked against the latest assessment as the triage page reads it, and the queue of
    the site holding the referral filtered by each outcome (every status)."""
    kept = stored(referral)
    latest = latest_assessment(Referral.objects.get(pk=referral.pk))
    assert kept == (outcome_of(latest) if latest else "")
    holding = Referral.objects.select_related("site").get(pk=referral.pk).site
    if holding is None:  # a draft: on no queue
        return kept
    coordinator = demo_user(Role.COORDINATOR, holding.slug)
    found = {
        outcome
        for outcome in TriageOutcome.values
        if queue_for(coordinator, QueueFilters(status="all", outcome=outcome)).filter(pk=referral.pk).exists()
    }
    assert found == ({kept} if kept else set())
    return kept


def eastwick() -> Organisation:
    return Organisation.objects.get(name="Eastwick Borough Council")


def test_submission_keeps_the_engines_outcome_and_a_draft_none(demo):
    assert in_step(submitted_referral("northbridge")) == PANEL
    assert in_step(submitted_referral("northbridge", age_disputed=True)) == SCA
    assert in_step(submitted_referral("northbridge", residence_local_authority=eastwick())) == OTHER_SITE
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER, "northbridge"))
    assert stored(draft) == ""


def test_the_referrer_cannot_set_it(demo):
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER, "northbridge"))
    with pytest.raises(ValueError, match="standing_triage_outcome"):
        referral_save(referral=draft, user=draft.created_by, data={"standing_triage_outcome": SCA})
    assert stored(draft) == ""


def test_confirming_overriding_and_referring_on_keep_the_coordinators_outcome(demo):
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    confirmed = submitted_referral("northbridge")
    result = triage_confirm(referral=confirmed, user=coordinator, final_outcome=PANEL, final_site=None, reason="")
    assert result.referral.standing_triage_outcome == PANEL  # the copy in hand says the same
    assert in_step(confirmed) == PANEL

    overridden = submitted_referral("northbridge", residence_local_authority=eastwick())
    triage_confirm(
        referral=overridden, user=coordinator, final_outcome=PANEL, final_site=None, reason="The child moved here."
    )
    assert in_step(overridden) == PANEL

    referred_on = submitted_referral("northbridge")
    triage_confirm(referral=referred_on, user=coordinator, final_outcome=SCA, final_site=None, reason="Over 18 now.")
    assert in_step(referred_on) == SCA


def test_a_transfer_keeps_the_receiving_sites_assessment_then_its_coordinators_outcome(demo):
    referral = submitted_referral("northbridge", residence_local_authority=eastwick())
    three_rivers = Site.objects.get(slug="three-rivers")
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome=OTHER_SITE,
        final_site=three_rivers,
        reason="",
    )
    # Assessed again as received at Three Rivers (its panel may decide), not yet confirmed there.
    assert in_step(referral) == PANEL
    assert referral.triage_assessments.count() == 2
    assert not queue_for(demo_user(Role.COORDINATOR, "northbridge"), QueueFilters(status="all", outcome=OTHER_SITE))

    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, "three-rivers"),
        final_outcome=SCA,
        final_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    assert in_step(referral) == SCA


def test_correcting_the_facts_keeps_the_new_assessments_outcome(demo):
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    referral = submitted_referral("northbridge", age_disputed=True)
    assert in_step(referral) == SCA
    facts = Facts(**{**Facts.of(referral).__dict__, "age_disputed": False})
    triage_correct_facts(referral=referral, user=coordinator, facts=facts, reason="The age assessment concluded.")
    assert in_step(referral) == PANEL


def test_a_backdated_demo_case_keeps_the_outcome_of_that_day(demo):
    # Turns 18 in 60 days: submitted today, the SCA decides (18 within 100 days of referral, a hard exclusion);
    # backdated 50 days, 110 days before 18 then, the panel may decide.
    today = timezone.localdate()
    born = years_ago(18, today + timedelta(days=60))
    assert in_step(submitted_referral("northbridge", date_of_birth=born)) == SCA
    referral = submitted_referral("northbridge", date_of_birth=born, submitted_on=today - timedelta(days=50))
    assert referral.standing_triage_outcome == PANEL  # the copy in hand says the same
    assert in_step(referral) == PANEL


def test_a_later_hand_over_anonymising_or_saving_an_old_copy_change_nothing(demo):
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    stale = submitted_referral("northbridge", age_disputed=True)
    copy = Referral.objects.get(pk=stale.pk)  # read before triage
    triage_confirm(referral=stale, user=coordinator, final_outcome=SCA, final_site=None, reason="")
    copy.social_worker_name = "Sam Patel"
    copy.save()
    assert stored(stale) == SCA

    referral = submitted_referral("northbridge")
    triage_confirm(referral=referral, user=coordinator, final_outcome=PANEL, final_site=None, reason="")
    case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    assert stored(referral) == PANEL  # the panel accepted it at triage; the hand-over is the handovers' record
    case_anonymise(Referral.objects.get(pk=referral.pk))
    assert stored(referral) == PANEL


def test_the_latest_is_the_latest_assessed_as_the_triage_page_reads_it(demo):
    """An assessment written later may carry an earlier time (a backfill, an imported or backdated row): the latest
    is the latest by `assessed_at`, as the triage page and the services' lock read it, then by id."""
    referral = submitted_referral("northbridge")
    first = referral.triage_assessments.get()
    TriageAssessment.objects.create(
        referral=referral, outcome=SCA, reasons=[], rules_version=first.rules_version
    )  # the higher id...
    TriageAssessment.objects.filter(pk=first.pk).update(assessed_at=timezone.now() + timedelta(minutes=5))
    refresh_outcomes(Referral.objects.filter(pk=referral.pk))  # ...assessed before the first one
    assert latest_assessment(referral) == first
    assert in_step(referral) == PANEL

    TriageAssessment.objects.filter(referral=referral).update(assessed_at=first.assessed_at)  # the same time: by id
    refresh_outcomes(Referral.objects.filter(pk=referral.pk))
    assert in_step(referral) == SCA


def test_the_migration_and_refresh_fill_it_in_from_the_assessments(demo):
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    waiting = submitted_referral("northbridge", age_disputed=True)
    overridden = submitted_referral("northbridge", residence_local_authority=eastwick())
    triage_confirm(referral=overridden, user=coordinator, final_outcome=SCA, final_site=None, reason="Over 18.")
    transferred = submitted_referral("northbridge", residence_local_authority=eastwick())
    triage_confirm(
        referral=transferred,
        user=coordinator,
        final_outcome=OTHER_SITE,
        final_site=Site.objects.get(slug="three-rivers"),
        reason="",
    )
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER, "northbridge"))
    cases = [waiting, overridden, transferred, draft]
    expected = {r.pk: in_step(r) for r in cases}
    assert list(expected.values()) == [SCA, SCA, PANEL, ""]

    mine = Referral.objects.filter(pk__in=expected)
    mine.update(standing_triage_outcome="")  # as before the migration
    migration = importlib.import_module("childnrm.referrals.migrations.0013_referral_standing_triage_outcome")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert {r.pk: stored(r) for r in cases} == expected

    mine.update(standing_triage_outcome="")
    assert refresh_outcomes(mine) == 4
    assert {r.pk: stored(r) for r in cases} == expected
