"""What an accepted referral said about safeguarding in place reaches the child's safeguarding record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.panels.tests.factories import accept
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding import services
from childnrm.safeguarding.models import ReferralSafeguarding, StatutoryKind, StatutoryPeriod, StrategyDiscussion
from childnrm.safeguarding.services import SafeguardingError
from childnrm.triage.services import ON_ACCEPT, triage_confirm
from conftest import demo_user

pytestmark = pytest.mark.django_db


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    from childnrm.decisions import services as decision_services

    return [p.message for p in decision_services.decision_completeness(decision)]


def said(**answers) -> dict:
    base = {"child_in_need": False, "child_protection_plan": False, "looked_after": False, "ictg_referral_made": None}
    return {**base, **answers}


def test_accepting_a_referral_brings_its_safeguarding_answers_to_the_child_to_confirm(demo):
    discussed = timezone.localdate() - timedelta(days=3)
    referral = accept(
        submitted_referral(
            "northbridge",
            **said(child_in_need=True, looked_after=True, ictg_referral_made=True, strategy_discussion_date=discussed),
        )
    )
    record = ReferralSafeguarding.objects.get(referral=referral)
    assert record.child_id == referral.child_id
    assert record.ictg_referral_made is True
    assert record.to_confirm and record.confirmed_by is None
    periods = StatutoryPeriod.objects.filter(child=referral.child)
    assert {p.kind for p in periods} == {StatutoryKind.CHILD_IN_NEED, StatutoryKind.LOOKED_AFTER}
    assert all(p.from_referral == record and p.ends_on is None for p in periods)
    assert {p.starts_on for p in periods} == {timezone.localdate(referral.submitted_at)}
    discussion = StrategyDiscussion.objects.get(child=referral.child)
    assert discussion.held_on == discussed and discussion.from_referral == record
    event = AuditEvent.objects.filter(object_id=str(referral.child_id), action="create").latest("seq")
    assert event.detail["record"] == "safeguarding from referral"
    assert sorted(event.detail["periods"]) == sorted(p.pk for p in periods)


def test_a_referral_that_said_nothing_is_in_place_records_no_period(demo):
    referral = accept(submitted_referral("northbridge", **said()))
    assert ReferralSafeguarding.objects.filter(referral=referral).exists()
    assert not StatutoryPeriod.objects.filter(child=referral.child).exists()
    assert not StrategyDiscussion.objects.filter(child=referral.child).exists()


def test_a_referral_handed_off_brings_nothing(demo):
    referral = submitted_referral("northbridge", **said(child_protection_plan=True))
    triage_confirm(
        referral=referral, user=demo_user(Role.COORDINATOR), final_outcome="sca", final_site=None, reason="SCA"
    )
    assert not ReferralSafeguarding.objects.filter(referral=referral).exists()
    assert not StatutoryPeriod.objects.filter(child=referral.child).exists()


def test_bringing_the_answers_twice_records_nothing_twice(demo):
    referral = accept(submitted_referral("northbridge", **said(child_in_need=True)))
    again = services.safeguarding_from_referral(referral=referral, user=demo_user(Role.COORDINATOR))
    assert again == ReferralSafeguarding.objects.get(referral=referral)
    assert StatutoryPeriod.objects.filter(child=referral.child).count() == 1


def test_a_second_referral_of_the_same_child_does_not_duplicate_an_open_period(demo):
    first = accept(submitted_referral("northbridge", **said(child_in_need=True)))
    second = submitted_referral("northbridge", **said(child_in_need=True, child_protection_plan=True))
    # The coordinator linked the second referral to the child already known.
    Referral.objects.filter(pk=second.pk).update(child=first.child)
    second.refresh_from_db()
    accept(second)
    kinds = list(StatutoryPeriod.objects.filter(child=first.child).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([StatutoryKind.CHILD_IN_NEED, StatutoryKind.CHILD_PROTECTION_PLAN])
    assert ReferralSafeguarding.objects.filter(child=first.child).count() == 2


def test_a_period_recorded_by_hand_is_not_added_again_from_the_referral(demo):
    referral = submitted_referral("northbridge", **said(looked_after=True))
    services.statutory_period_add(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        kind=StatutoryKind.LOOKED_AFTER,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=None,
    )
    accept(referral)
    period = StatutoryPeriod.objects.get(child=referral.child)
    assert period.from_referral is None


def test_only_an_accepted_referral_brings_its_answers(demo):
    referral = submitted_referral("northbridge", **said(child_in_need=True))
    with pytest.raises(SafeguardingError):
        services.safeguarding_from_referral(referral=referral, user=demo_user(Role.COORDINATOR))
    assert not StatutoryPeriod.objects.filter(child=referral.child).exists()


def test_the_database_keeps_one_open_period_of_a_kind(demo):
    referral = accept(submitted_referral("northbridge", **said(child_in_need=True)))
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryPeriod.objects.create(
            child=referral.child,
            kind=StatutoryKind.CHILD_IN_NEED,
            starts_on=timezone.localdate(),
            recorded_by=demo_user(Role.COORDINATOR),
        )


def test_the_hook_is_registered_once_by_the_safeguarding_app():
    assert ON_ACCEPT.count(services.safeguarding_from_referral) == 1


# The page: to confirm, then confirmed --------------------------------------------------------------


def test_the_safeguarding_page_shows_what_the_referral_said_and_the_coordinator_confirms_it(client_as):
    referral = accept(submitted_referral("northbridge", **said(child_protection_plan=True, ictg_referral_made=True)))
    client = client_as(Role.COORDINATOR)
    page_url = reverse("safeguarding:child", kwargs={"reference": referral.child.reference})
    body = client.get(page_url).content.decode()
    assert f"From referral {referral.reference}: to confirm" in body
    assert "From the referral, to confirm" in body
    assert "Child protection plan" in body
    assert "No child in need, child protection plan or looked after periods recorded" not in body

    record = ReferralSafeguarding.objects.get(referral=referral)
    response = client.post(
        reverse("safeguarding:referral-confirm", kwargs={"reference": referral.child.reference}),
        {"record": record.pk},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    coordinator = demo_user(Role.COORDINATOR)
    assert record.confirmed_by == coordinator and record.confirmed_at is not None
    event = AuditEvent.objects.filter(object_id=str(referral.child_id), action="update").latest("seq")
    assert event.detail == {
        "record": "safeguarding from referral",
        "referral": referral.pk,
        "change": "confirmed",
    }
    body = client.get(page_url).content.decode()
    assert "From the referral, to confirm" not in body
    assert f"confirmed by {coordinator.full_name}" in body


def test_confirming_twice_is_refused(demo):
    referral = accept(submitted_referral("northbridge", **said(child_in_need=True)))
    record = ReferralSafeguarding.objects.get(referral=referral)
    coordinator = demo_user(Role.COORDINATOR)
    services.referral_safeguarding_confirm(record=record, user=coordinator)
    with pytest.raises(SafeguardingError, match="already been confirmed"):
        services.referral_safeguarding_confirm(record=record, user=coordinator)


def test_only_the_childs_coordinator_confirms(demo):
    referral = accept(submitted_referral("northbridge", **said(child_in_need=True)))
    record = ReferralSafeguarding.objects.get(referral=referral)
    with pytest.raises(SafeguardingError):
        services.referral_safeguarding_confirm(record=record, user=demo_user(Role.COORDINATOR, "three-rivers"))
    with pytest.raises(SafeguardingError):
        services.referral_safeguarding_confirm(record=record, user=demo_user(Role.ICTG))
    record.refresh_from_db()
    assert record.to_confirm


# What a decision may rely on ------------------------------------------------------------------------


def test_a_decision_relies_on_a_period_from_the_referral_only_once_it_is_confirmed(demo):
    from childnrm.decisions.models import PlanBasis
    from childnrm.decisions.tests.test_decision_integrity import positive_rg

    decision = positive_rg(plan_basis=PlanBasis.ALREADY_IN_PLACE, plan_in_place_reason="The child in need plan.")
    # The factory's referral said the child is a child in need: the period is on the record, to confirm.
    record = ReferralSafeguarding.objects.get(referral=decision.referral)
    assert record.periods.filter(kind=StatutoryKind.CHILD_IN_NEED).exists()
    problems = missing(decision)
    assert any("counts once the coordinator confirms it" in p for p in problems)

    services.referral_safeguarding_confirm(record=record, user=demo_user(Role.COORDINATOR))
    assert missing(decision) == []
