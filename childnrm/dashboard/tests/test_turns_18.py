"""The stored working 18th birthday (`Referral.turns_18_on`, issue 16).

The dashboard's "turned 18: waiting on consent" reads it from an index instead of working the birthday out per
estimated age in SQL. It must therefore be the birthday the rules work with (`triage.eligibility`) whenever the date
of birth, the estimated age or the day of referral is recorded or changed, and a young person must join or leave the
list as soon as a corrected age says so."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.panels.tests.factories import accept
from childnrm.referrals.models import Referral, working_eighteenth_birthday
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers, submitted_referral, years_ago
from childnrm.triage import eligibility
from childnrm.triage.services import Facts, triage_correct_facts
from conftest import demo_user

SITE = "northbridge"


def rules_birthday(referral: Referral) -> date | None:
    """The 18th birthday as the rules work it out for a referral that has been made."""
    born, _ = eligibility.working_birth_date(referral)
    return eligibility.eighteenth_birthday(born) if born else None


@pytest.mark.parametrize(
    ("date_of_birth", "estimated_age", "submitted_at"),
    [
        (date(2008, 6, 15), None, datetime(2025, 3, 1, 12, tzinfo=UTC)),
        (date(2008, 2, 29), None, datetime(2025, 3, 1, 12, tzinfo=UTC)),  # 18 on 1 March 2026, not 28 February
        (date(2008, 2, 29), None, None),  # a date of birth counts before the referral is made
        (None, 17, datetime(2024, 2, 29, 10, tzinfo=UTC)),  # referred on 29 February: taken as born on 28th
        (None, 16, datetime(2025, 6, 30, 23, 30, tzinfo=UTC)),  # 00:30 on 1 July in the UK: referred on 1 July
        (None, 16, datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),  # GMT: still 31 December
        (None, 0, datetime(2025, 8, 1, 9, tzinfo=UTC)),
        (None, 25, datetime(2026, 1, 5, 9, tzinfo=UTC)),
    ],
)
def test_the_stored_birthday_is_the_one_the_rules_work_out(date_of_birth, estimated_age, submitted_at):
    referral = Referral(date_of_birth=date_of_birth, estimated_age_years=estimated_age, submitted_at=submitted_at)
    assert working_eighteenth_birthday(date_of_birth, estimated_age, submitted_at) == rules_birthday(referral)


def test_no_birthday_is_stored_without_an_age_or_before_an_estimated_age_has_its_day_of_referral():
    assert working_eighteenth_birthday(None, None, datetime(2025, 3, 1, 12, tzinfo=UTC)) is None
    assert working_eighteenth_birthday(None, 17, None) is None


def test_a_draft_keeps_it_as_the_age_is_given_changed_and_referred(demo):
    referrer = demo_user(Role.FIRST_RESPONDER, SITE)
    draft = referral_start(user=referrer)
    assert draft.turns_18_on is None
    draft = referral_save(referral=draft, user=referrer, data={"date_of_birth": date(2010, 5, 1)})
    assert Referral.objects.get(pk=draft.pk).turns_18_on == date(2028, 5, 1)
    draft = referral_save(referral=draft, user=referrer, data={"date_of_birth": date(2009, 2, 28)})
    assert Referral.objects.get(pk=draft.pk).turns_18_on == date(2027, 2, 28)
    # Only an estimated age: not known until the day of referral, then counted from it.
    draft = referral_save(
        referral=draft,
        user=referrer,
        data={**complete_answers(Site.objects.get(slug=SITE)), "date_of_birth": None, "estimated_age_years": 15},
    )
    assert Referral.objects.get(pk=draft.pk).turns_18_on is None
    made = Referral.objects.get(pk=referral_submit(referral=draft, user=referrer).pk)
    assert made.turns_18_on == rules_birthday(made) == years_ago(-3, timezone.localtime(made.submitted_at).date())


def waiting_on_consent() -> set[str]:
    alerts = clocks.alert_list(Site.objects.get(slug=SITE), Kind.ADULT_CONSENT, timezone.localdate(), limit=10_000)
    return {a.referral_reference for a in alerts.items}


def correct(referral: Referral, reason: str, **facts) -> Referral:
    triage_correct_facts(
        referral=referral,
        user=demo_user(Role.COORDINATOR, SITE),
        facts=Facts(**{**Facts.of(referral).__dict__, **facts}),
        reason=reason,
    )
    return Referral.objects.get(pk=referral.pk)


def test_correcting_the_age_at_triage_moves_it_and_the_consent_list_follows(demo):
    today = timezone.localdate()
    referred_on = today - timedelta(days=400)
    # Thought to be 17 when referred 400 days ago: 18 since about a month ago.
    adult = submitted_referral(SITE, submitted_on=referred_on, date_of_birth=None, estimated_age_years=17)
    assert adult.turns_18_on == years_ago(-1, referred_on) == rules_birthday(adult)
    # The passport shows they are younger: 18 in two years, no longer waiting on consent.
    younger = correct(
        adult, "The passport shows the date of birth", date_of_birth=years_ago(16), estimated_age_years=None
    )
    assert younger.turns_18_on == years_ago(-2) == rules_birthday(younger)
    assert younger.reference not in waiting_on_consent() and accept(younger).reference not in waiting_on_consent()

    # And the other way: a date of birth found to be wrong, only an age known, and the young person 18 now.
    child = submitted_referral(SITE, submitted_on=referred_on, date_of_birth=years_ago(15))
    assert child.turns_18_on == years_ago(-3)
    older = correct(child, "The date of birth was mistyped", date_of_birth=None, estimated_age_years=17)
    assert older.turns_18_on == years_ago(-1, referred_on) == rules_birthday(older)
    assert accept(older).reference in waiting_on_consent()


def test_the_migration_fills_it_in_for_referrals_made_before_it(demo):
    dated = submitted_referral(SITE, date_of_birth=date(2008, 2, 29))
    estimated = submitted_referral(
        SITE, submitted_on=timezone.localdate() - timedelta(days=30), date_of_birth=None, estimated_age_years=16
    )
    expected = {r.pk: rules_birthday(r) for r in (dated, estimated)}
    Referral.objects.update(turns_18_on=None)  # as every referral was before the migration
    migration = importlib.import_module("childnrm.referrals.migrations.0010_referral_turns_18_on")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert {r.pk: r.turns_18_on for r in Referral.objects.filter(pk__in=expected)} == expected
    assert expected[dated.pk] == date(2026, 3, 1)
