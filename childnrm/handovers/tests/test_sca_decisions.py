"""The SCA's decision on a case handed to it: recorded by the sending site when the SCA reports it, corrected
only with a reason (never edited), audited, on the child's timeline, and read by the statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.dashboard.timeline import case_timeline
from childnrm.decisions.models import Stage
from childnrm.handovers.models import CaseTransfer, ScaOutcome, ScaReportedDecision, TransferDestination
from childnrm.handovers.selectors import (
    sca_case_get,
    sca_decisions_in_force,
    sca_decisions_of,
    sca_reported_decisions,
)
from childnrm.handovers.services import HandoverError, ScaDecisionAnswers, case_transfer, sca_decision_record
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user

pytestmark = pytest.mark.django_db

HANDED_ON = date(2026, 5, 11)
REFERRED_ON = date(2026, 4, 20)


@pytest.fixture
def transferred(demo):
    """A case referred on 20 April 2026 and transferred to the SCA on 11 May 2026."""
    referral = accepted_referral(submitted_on=REFERRED_ON)
    transfer = case_transfer(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    moment = timezone.make_aware(datetime.combine(HANDED_ON, time(11, 0)))
    CaseTransfer.objects.filter(pk=transfer.pk).update(transferred_at=moment)
    return transfer


def _record(transfer_or_case, *, user=None, **answers):
    user = user or demo_user(Role.COORDINATOR)
    reference = transfer_or_case.referral.reference
    values = {
        "stage": Stage.REASONABLE_GROUNDS,
        "outcome": ScaOutcome.POSITIVE,
        "decided_on": HANDED_ON + timedelta(days=6),
        "reported_on": HANDED_ON + timedelta(days=8),
        **answers,
    }
    return sca_decision_record(case=sca_case_get(user, reference), user=user, answers=ScaDecisionAnswers(**values))


def test_the_coordinator_records_the_scas_decisions_for_the_statistics(transferred):
    rg = _record(transferred)
    assert (rg.transfer, rg.site.slug, rg.stage, rg.outcome) == (
        transferred,
        "northbridge",
        Stage.REASONABLE_GROUNDS,
        ScaOutcome.POSITIVE,
    )
    event = AuditEvent.objects.get(object_type="handovers.scareporteddecision", object_id=str(rg.pk))
    assert event.detail["decided_on"] == "2026-05-17" and event.purpose.startswith("Recording the SCA's decision")
    cg = _record(
        transferred,
        stage=Stage.CONCLUSIVE_GROUNDS,
        decided_on=date(2026, 9, 1),
        reported_on=date(2026, 9, 3),
    )
    site = Site.objects.get(slug="northbridge")
    rows = sca_reported_decisions([site.pk])
    assert [(r.referral_id, r.referred_on, r.stage, r.outcome, r.decided_on) for r in rows] == [
        (transferred.referral_id, REFERRED_ON, Stage.REASONABLE_GROUNDS, ScaOutcome.POSITIVE, date(2026, 5, 17)),
        (transferred.referral_id, REFERRED_ON, Stage.CONCLUSIVE_GROUNDS, ScaOutcome.POSITIVE, date(2026, 9, 1)),
    ]
    assert [r.decided_on for r in sca_reported_decisions([site.pk], start=date(2026, 6, 1))] == [cg.decided_on]
    assert sca_reported_decisions([site.pk], end=date(2026, 5, 31))[0].stage == Stage.REASONABLE_GROUNDS
    assert sca_reported_decisions([Site.objects.get(slug="three-rivers").pk]) == []
    # By case, for the statistics' own scope of cases.
    assert sca_decisions_of([transferred.referral_id]) == rows
    assert sca_decisions_of(Referral.objects.filter(pk=transferred.referral_id).values("pk")) == rows


def test_a_correction_needs_a_reason_and_replaces_the_decision_in_force(transferred):
    first = _record(transferred)
    with pytest.raises(HandoverError, match="enter why you are correcting it") as refused:
        _record(transferred, outcome=ScaOutcome.NEGATIVE)
    assert refused.value.field == "correction_reason"
    second = _record(transferred, outcome=ScaOutcome.NEGATIVE, correction_reason="Misread the SCA's letter.")
    first.refresh_from_db()
    assert first.replaced_by == second and first.outcome == ScaOutcome.POSITIVE  # kept as it was
    assert sca_decisions_in_force(transferred.referral) == [second]
    (row,) = sca_reported_decisions([transferred.from_site_id])
    assert row.outcome == ScaOutcome.NEGATIVE
    # Anonymising the case keeps the decisions and clears the words.
    case_anonymise(transferred.referral)
    second.refresh_from_db()
    assert (second.correction_reason, second.outcome) == ("", ScaOutcome.NEGATIVE)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"decided_on": HANDED_ON - timedelta(days=1)}, "decided_on", "handed to it, 11 May 2026"),
        ({"reported_on": HANDED_ON + timedelta(days=5)}, "reported_on", "same as or after the date of its decision"),
        ({"decided_on": date(2099, 1, 1), "reported_on": date(2099, 1, 2)}, "decided_on", "today or in the past"),
        ({"decided_on": None}, "decided_on", "Enter the date of the SCA's decision"),
        ({"outcome": "maybe"}, "outcome", "Select the SCA's decision"),
        ({"stage": Stage.CONCLUSIVE_GROUNDS}, "stage", "only after a positive reasonable grounds decision"),
    ],
)
def test_decisions_that_do_not_fit_are_refused(transferred, answers, field, message):
    with pytest.raises(HandoverError) as refused:
        _record(transferred, **answers)
    assert refused.value.field == field and message in str(refused.value)
    assert not ScaReportedDecision.objects.exists()


def test_the_conclusive_decision_follows_a_positive_reasonable_grounds_one(transferred):
    _record(transferred, outcome=ScaOutcome.NEGATIVE)
    with pytest.raises(HandoverError, match="only after a positive reasonable grounds decision"):
        _record(transferred, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=date(2026, 9, 1), reported_on=date(2026, 9, 1))
    _record(transferred, correction_reason="It was positive.")
    with pytest.raises(HandoverError, match="on or after the reasonable grounds decision of 17 May 2026"):
        _record(
            transferred, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=date(2026, 5, 12), reported_on=date(2026, 5, 12)
        )
    _record(transferred, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=date(2026, 9, 1), reported_on=date(2026, 9, 1))
    with pytest.raises(HandoverError, match="correct that first"):
        _record(transferred, outcome=ScaOutcome.NEGATIVE, correction_reason="Wrong again.")


def test_a_case_handed_off_at_triage_is_recorded_too(demo):
    referral = submitted_referral("northbridge", submitted_on=REFERRED_ON)
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR),
        final_outcome=TriageOutcome.SCA,
        final_site=None,
        reason="The age is disputed.",
    )
    case = sca_case_get(demo_user(Role.COORDINATOR), referral.reference)
    assert case.transfer is None and case.handoff is not None and case.handed_on == timezone.localdate()
    decided = sca_decision_record(
        case=case,
        user=demo_user(Role.COORDINATOR),
        answers=ScaDecisionAnswers(Stage.REASONABLE_GROUNDS, ScaOutcome.POSITIVE, case.handed_on, case.handed_on),
    )
    assert decided.transfer is None and decided.site_id == referral.site_id


def test_the_page_from_the_transfer_records_a_decision_and_the_timeline_shows_it(transferred, client_as):
    client = client_as(Role.COORDINATOR)
    url = reverse("handovers:sca-decision", args=[transferred.referral.reference])
    transfer_page = client.get(reverse("handovers:transfer", args=[transferred.pk])).content.decode()
    assert "Not reported yet." in transfer_page and url in transfer_page
    errors = client.post(url, {"stage": Stage.REASONABLE_GROUNDS}).content.decode()
    assert "Select the SCA&#39;s decision" in errors and "Enter the date of the SCA&#39;s decision" in errors
    decided, told = HANDED_ON + timedelta(days=6), HANDED_ON + timedelta(days=9)
    response = client.post(
        url,
        {
            "stage": Stage.REASONABLE_GROUNDS,
            "outcome": ScaOutcome.POSITIVE,
            "decided_on_day": decided.day,
            "decided_on_month": decided.month,
            "decided_on_year": decided.year,
            "reported_on_day": told.day,
            "reported_on_month": told.month,
            "reported_on_year": told.year,
        },
        follow=True,
    )
    body = response.content.decode()
    assert "The SCA&#39;s reasonable grounds decision (positive) recorded" in body
    assert "Decided on 17 May 2026, reported on 20 May 2026" in body
    transfer_page = client.get(reverse("handovers:transfer", args=[transferred.pk])).content.decode()
    assert "Positive: there are reasonable grounds to believe" in transfer_page

    events = [
        e for e in case_timeline(transferred.referral.child, demo_user(Role.COORDINATOR)) if e.stage == "SCA decision"
    ]
    assert len(events) == 1 and events[0].on == decided and events[0].href == url


def test_only_the_sending_sites_coordinator_reaches_a_case_handed_to_the_sca(transferred, client_as):
    url = reverse("handovers:sca-decision", args=[transferred.referral.reference])
    assert client_as(Role.COORDINATOR, "three-rivers").get(url).status_code == 404
    assert client_as(Role.CHAIR).get(url).status_code == 403
    # A case the panel still holds is not the SCA's.
    held = accepted_referral()
    assert client_as(Role.COORDINATOR).get(reverse("handovers:sca-decision", args=[held.reference])).status_code == 404
