"""Turning 18 mid-case (issue 8 rule 11): a conclusive grounds decision for a young person who is 18 on its
date needs their recorded consent to remain in the NRM; the dashboard flags the cases waiting on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import draft_decision, final_decision, record_complete
from childnrm.kit.dates import long_date
from childnrm.kit.errors import Problem
from childnrm.panels.tests.factories import accept
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod, Referral
from childnrm.referrals.services import ReferralStateError
from childnrm.referrals.tests.factories import submitted_referral, years_ago
from childnrm.triage import eligibility
from childnrm.triage.services import TriageInvalid, adult_consent_record
from conftest import demo_user

SITE = "northbridge"


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    return [p.message for p in decision_services.decision_completeness(decision)]


def today() -> date:
    return timezone.localdate()


def coordinator():
    return demo_user(Role.COORDINATOR, SITE)


def turning_18_on(birthday: date, *, referred_days_ago: int = 200, **answers) -> Referral:
    """An accepted referral of a child referred well before 18 (a panel case) whose 18th birthday is `birthday`."""
    referral = submitted_referral(
        SITE, submitted_on=today() - timedelta(days=referred_days_ago), date_of_birth=years_ago(18, birthday), **answers
    )
    return accept(referral)


def consent(referral: Referral, answer: str = ConsentAnswer.GIVEN, given_on: date | None = None) -> AdultConsent:
    return adult_consent_record(
        referral=referral,
        user=coordinator(),
        answer=answer,
        given_on=given_on or today(),
        method=ConsentMethod.IN_PERSON,
        notes="Asked by her social worker with an interpreter.",
    )


# The rule, in eligibility ------------------------------------------------------------------------


def test_consent_is_needed_from_the_18th_birthday_on(demo):
    birthday = today() - timedelta(days=10)
    referral = turning_18_on(birthday)
    assert eligibility.adult_consent_problems(referral, birthday - timedelta(days=1)) == []
    assert eligibility.adult_consent_problems(referral, birthday) == [
        Problem(
            "adult-consent-missing",
            "Record the young person's consent to remain in the National Referral Mechanism: they turned 18 on "
            f"{long_date(birthday)}, on or before the decision date ({long_date(birthday)})",
        )
    ]
    # A decision without a date yet has nothing to check (reasonable grounds needs none: tested below).
    assert eligibility.adult_consent_problems(referral, None) == []


def test_what_is_missing_is_said_in_the_readers_language_each_as_one_sentence(demo):
    """The chair reads the completeness check in their language: each problem one whole message (ADR 0023)."""
    birthday = today() - timedelta(days=10)
    referral = turning_18_on(birthday)
    with translation.override("cy"):
        [problem] = eligibility.adult_consent_problems(referral, today())
        assert problem.message == (
            "Cofnodwch gydsyniad y person ifanc i aros yn y Mecanwaith Atgyfeirio Cenedlaethol: trodd yn 18 oed ar "
            f"{long_date(birthday)}, ar ddyddiad y penderfyniad neu cyn hynny ({long_date(today())})"
        )
    consent(referral, ConsentAnswer.REFUSED, given_on=today() - timedelta(days=2))
    with translation.override("cy"):
        [problem] = eligibility.adult_consent_problems(referral, today())
        assert problem.message == (
            "Ni chydsyniodd y person ifanc i aros yn y Mecanwaith Atgyfeirio Cenedlaethol (ateb a roddwyd ar "
            f"{long_date(today() - timedelta(days=2))}): mae angen ei gydsyniad ar benderfyniad sail derfynol, "
            f"oherwydd trodd yn 18 oed ar {long_date(birthday)}, ar ddyddiad y penderfyniad neu cyn hynny "
            f"({long_date(today())})"
        )


def test_consent_counts_from_the_day_it_was_given_and_a_later_refusal_withdraws_it(demo):
    birthday = today() - timedelta(days=10)
    referral = turning_18_on(birthday)
    consent(referral, given_on=today() - timedelta(days=5))
    assert eligibility.adult_consent_problems(referral, today() - timedelta(days=6)) != []  # not given yet then
    assert eligibility.adult_consent_problems(referral, today() - timedelta(days=5)) == []
    consent(referral, ConsentAnswer.REFUSED, given_on=today() - timedelta(days=2))
    assert eligibility.adult_consent_problems(referral, today() - timedelta(days=3)) == []
    problems = eligibility.adult_consent_problems(referral, today())
    assert problems == [
        Problem(
            "adult-consent-refused",
            "The young person did not consent to remain in the National Referral Mechanism (answer given on "
            f"{long_date(today() - timedelta(days=2))}): a conclusive grounds decision needs their consent, because "
            f"they turned 18 on {long_date(birthday)}, on or before the decision date ({long_date(today())})",
        )
    ]


def test_an_estimated_age_counts_from_the_day_of_referral(demo):
    # Thought to be 17 when referred 370 days ago: taken to have turned 17 that day, so 18 five days ago.
    referral = accept(
        submitted_referral(SITE, submitted_on=today() - timedelta(days=370), date_of_birth=None, estimated_age_years=17)
    )
    born, from_age = eligibility.working_birth_date(referral)
    referred_on = today() - timedelta(days=370)
    assert from_age and born == years_ago(17, referred_on)
    assert eligibility.eighteenth_birthday(born) == years_ago(-1, referred_on)  # a year after the referral
    assert eligibility.adult_consent_problems(referral, today()) != []


# The completeness check refuses sign-off -----------------------------------------------------------


def test_a_reasonable_grounds_decision_needs_no_consent_at_18(demo):
    referral = turning_18_on(today() - timedelta(days=3))
    rg = draft_decision(SITE, stage=Stage.REASONABLE_GROUNDS, referral=referral, on=today())
    rg = record_complete(rg, outcome=Outcome.POSITIVE, decided_on=today())
    assert not [p for p in missing(rg) if "consent" in p]


def test_a_conclusive_grounds_decision_for_an_18_year_old_cannot_be_finalised_without_consent(demo):
    birthday = today() - timedelta(days=3)
    referral = turning_18_on(birthday)
    site = Site.objects.get(slug=SITE)
    final_decision(
        SITE,
        stage=Stage.REASONABLE_GROUNDS,
        outcome=Outcome.POSITIVE,
        decided_on=today() - timedelta(days=site.recovery_period_days),
        referral=referral,
    )
    cg = draft_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral, on=today())
    cg = record_complete(cg, outcome=Outcome.POSITIVE, decided_on=today())
    problems = missing(cg)
    assert problems == [
        "Record the young person's consent to remain in the National Referral Mechanism: they turned 18 on "
        f"{long_date(birthday)}, on or before the decision date ({long_date(today())})"
    ]  # the one thing missing
    with pytest.raises(decision_services.DecisionIncomplete):
        decision_services.decision_finalise(decision=cg, user=cg.meeting.chair)
    cg.refresh_from_db()
    assert cg.status == DecisionStatus.DRAFT

    consent(referral, given_on=today())
    assert missing(cg) == []
    cg = decision_services.decision_finalise(decision=cg, user=cg.meeting.chair)
    assert cg.status == DecisionStatus.FINAL


def test_a_conclusive_grounds_decision_before_the_18th_birthday_needs_no_consent(demo):
    referral = turning_18_on(today() + timedelta(days=1))
    cg = final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral, decided_on=today())
    assert cg.status == DecisionStatus.FINAL


# Recording consent -------------------------------------------------------------------------------


def test_recording_consent_is_audited_without_the_notes(demo):
    referral = turning_18_on(today() - timedelta(days=1))
    answer = consent(referral)
    assert (answer.answer, answer.given_on, answer.recorded_by) == ("given", today(), coordinator())
    event = AuditEvent.objects.filter(action="create", object_id=str(referral.pk)).latest("seq")
    assert event.detail == {
        "adult_consent": answer.pk,
        "answer": "given",
        "given_on": today().isoformat(),
        "method": "in_person",
    }
    assert event.purpose == "Transfer or hand-over of a case"


@pytest.mark.parametrize(
    ("answer", "given_on", "method", "field"),
    [
        ("maybe", date(2026, 1, 1), ConsentMethod.PHONE, "answer"),
        (ConsentAnswer.GIVEN, None, ConsentMethod.PHONE, "given_on"),
        (ConsentAnswer.GIVEN, date(2999, 1, 1), ConsentMethod.PHONE, "given_on"),
        (ConsentAnswer.GIVEN, date(2026, 1, 1), "telepathy", "method"),
    ],
)
def test_a_consent_answer_must_be_complete(demo, answer, given_on, method, field):
    referral = turning_18_on(today() - timedelta(days=1))
    with pytest.raises(TriageInvalid) as problem:
        adult_consent_record(referral=referral, user=coordinator(), answer=answer, given_on=given_on, method=method)
    assert problem.value.field == field
    assert not AdultConsent.objects.exists()


def test_the_database_refuses_an_answer_that_is_not_one_of_the_choices(demo):
    referral = turning_18_on(today() - timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AdultConsent.objects.create(
            referral=referral, answer="maybe", given_on=today(), method=ConsentMethod.PHONE, recorded_by=coordinator()
        )


def test_only_the_sites_coordinator_records_consent_and_only_for_an_accepted_referral(demo):
    referral = turning_18_on(today() - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        adult_consent_record(
            referral=referral,
            user=demo_user(Role.COORDINATOR, "three-rivers"),
            answer=ConsentAnswer.GIVEN,
            given_on=today(),
            method=ConsentMethod.PHONE,
        )
    waiting = submitted_referral(SITE)
    with pytest.raises(ReferralStateError):
        consent(waiting)


def test_the_consent_page(demo, client_as):
    referral = turning_18_on(today() - timedelta(days=1))
    client = client_as(Role.COORDINATOR, SITE)
    url = f"/referrals/{referral.reference}/consent-at-18/"
    page = client.get(url).content.decode()
    assert "Consent to remain in the NRM at 18" in page
    assert f"{(today() - timedelta(days=1)).day} {(today() - timedelta(days=1)):%B %Y}" in page
    body = client.post(url, {"answer": "given"}).content.decode()
    assert "There is a problem" in body
    assert "Enter the date the young person gave their answer" in body
    assert "Select how the young person gave their answer" in body
    response = client.post(
        url,
        {
            "answer": "given",
            "given_on_day": str(today().day),
            "given_on_month": str(today().month),
            "given_on_year": str(today().year),
            "method": "phone",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Consents to remain in the NRM" in page and "By phone" in page
    assert AuditEvent.objects.filter(action="view", object_id=str(referral.pk), detail__page="adult consent").exists()
    triage = client.get(f"/referrals/{referral.reference}/triage/").content.decode()
    assert f'href="/referrals/{referral.reference}/consent-at-18/"' in triage


# The dashboard -----------------------------------------------------------------------------------


def consent_alerts(site_slug: str = SITE) -> list[clocks.Alert]:
    return clocks.site_alerts(Site.objects.get(slug=site_slug))[Kind.ADULT_CONSENT].items


def waiting(site_slug: str = SITE) -> set[str]:
    return {a.referral_reference for a in consent_alerts(site_slug)}


def test_the_dashboard_flags_cases_waiting_on_consent(demo, client_as):
    eighteen_today = turning_18_on(today())
    eighteen_tomorrow = turning_18_on(today() + timedelta(days=1))
    refused = turning_18_on(today() - timedelta(days=20))
    consented = turning_18_on(today() - timedelta(days=20))
    consent(refused, ConsentAnswer.REFUSED)
    consent(consented)
    assert waiting() == {eighteen_today.reference, refused.reference}
    alerts = {a.referral_reference: a for a in consent_alerts()}
    assert alerts[refused.reference].note == f"Refused on {long_date(today())}"
    assert alerts[eighteen_today.reference].note == "No answer recorded"
    assert alerts[eighteen_today.reference].date == today()
    assert eighteen_tomorrow.reference not in alerts

    page = client_as(Role.COORDINATOR, SITE).get("/dashboard/").content.decode()
    assert "Turned 18: waiting on consent to remain in the NRM (2)" in page
    assert f'href="/referrals/{eighteen_today.reference}/consent-at-18/"' in page


def test_a_case_decided_at_conclusive_grounds_no_longer_waits(demo):
    referral = turning_18_on(today() - timedelta(days=1))
    consent(referral)
    final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral, decided_on=today())
    AdultConsent.objects.filter(referral=referral).delete()  # even were the answer lost, the case is decided
    assert referral.reference not in waiting()


def test_the_dashboard_counts_an_estimated_age_as_the_rules_do(demo):
    # Thought to be 17 when referred: 18 a year after the referral day, not before.
    year_ago = today() - timedelta(days=366)
    older = accept(submitted_referral(SITE, submitted_on=year_ago, date_of_birth=None, estimated_age_years=17))
    younger = accept(
        submitted_referral(SITE, submitted_on=today() - timedelta(days=300), date_of_birth=None, estimated_age_years=17)
    )
    assert older.reference in waiting()
    assert younger.reference not in waiting()
