"""The time and cost figures, with exact values worked out by hand.

The demo panel's sitting has six people present: the chair, three voting members (social care, police, health),
the guardian and the adviser. At the default rates an hour costs: chair £57, panel member £43, guardian £26,
adviser £35, coordinator £33 (each a 2026 salary plus 30% on-costs over 1,650 hours).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.burdens import selectors, services
from childnrm.burdens.models import TimeActivity, default_rate_pence
from childnrm.burdens.tests.factories import decided_case
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.decisions.tests.factories import sitting
from childnrm.panels import services as panel_services
from childnrm.panels.models import Meeting, MeetingStatus
from conftest import demo_user

pytestmark = pytest.mark.django_db

# Pence an hour at the defaults.
CHAIR, MEMBER, GUARDIAN, ADVISER, COORDINATOR = 57_00, 43_00, 26_00, 35_00, 33_00
# A 90-minute sitting with the demo panel present: 1.5 hours of each person.
NINETY_MINUTES_OF_EVERYONE = (CHAIR + 3 * MEMBER + GUARDIAN + ADVISER) * 3 // 2  # £370.50


def _on(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _held(meeting: Meeting, *, day: date, minutes: int | None = None) -> Meeting:
    """The sitting dated `day`; its length recorded by the coordinator when `minutes` is given."""
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_on(day))
    meeting.refresh_from_db()
    if minutes is not None:
        services.sitting_duration_record(meeting=meeting, user=demo_user(Role.COORDINATOR), minutes=minutes)
    return meeting


def test_the_default_rates_are_the_documented_salaries_with_on_costs():
    assert {role: default_rate_pence(role) for role in (Role.CHAIR, Role.PANEL_MEMBER, Role.ICTG)} == {
        Role.CHAIR: CHAIR,
        Role.PANEL_MEMBER: MEMBER,
        Role.ICTG: GUARDIAN,
    }
    assert default_rate_pence(Role.ADVISER) == ADVISER
    assert default_rate_pence(Role.COORDINATOR) == COORDINATOR
    assert default_rate_pence(Role.FIRST_RESPONDER) == 34_00


def test_a_90_minute_sitting_with_6_present_is_9_hours_on_its_one_case(demo):
    site = Site.objects.get(slug="northbridge")
    decision = decided_case()
    meeting = _held(decision.meeting, day=date(2026, 2, 10), minutes=90)
    assert meeting.attendees.filter(present=True).count() == 6

    (row,) = [c for c in selectors.cost_per_case([site.pk], date(2026, 1, 1), date(2026, 3, 31))]
    assert (row.referral_id, row.sitting_minutes, row.logged_minutes) == (decision.referral_id, 540, 0)
    assert row.minutes / 60 == 9
    assert row.cost_pence == NINETY_MINUTES_OF_EVERYONE == 370_50

    (per_site,) = selectors.costs_by_site([site.pk], date(2026, 1, 1), date(2026, 3, 31))
    assert (per_site.cases, per_site.sittings, per_site.sittings_without_length) == (1, 1, 0)
    assert (per_site.sitting_minutes, per_site.cost_pence) == (540, 370_50)

    roles = {
        r.role: (r.sitting_minutes, r.cost_pence)
        for r in selectors.time_by_role([site.pk], date(2026, 1, 1), date(2026, 3, 31))
    }
    assert roles == {
        Role.CHAIR: (90, 85_50),
        Role.PANEL_MEMBER: (270, 193_50),
        Role.ADVISER: (90, 52_50),
        Role.ICTG: (90, 39_00),
    }


def test_a_sitting_is_shared_equally_between_the_cases_on_its_agenda(demo):
    site = Site.objects.get(slug="northbridge")
    first, second = accepted_referral(), accepted_referral()
    meeting = _held(sitting("northbridge", referrals=[first, second]), day=date(2026, 2, 10), minutes=90)
    rows = {c.referral_id: c for c in selectors.cost_per_case([site.pk], date(2026, 1, 1), date(2026, 3, 31))}
    assert set(rows) == {first.pk, second.pk}
    for row in rows.values():
        assert row.sitting_minutes == 270  # 90 minutes x 6 people / 2 cases
        assert row.cost_pence == round(NINETY_MINUTES_OF_EVERYONE / 2)  # £185.25
    # Someone marked absent is not counted: five people present.
    adviser = meeting.attendees.get(user=demo_user(Role.ADVISER))
    present = set(meeting.attendees.exclude(pk=adviser.pk).values_list("pk", flat=True))
    panel_services.attendance_mark(meeting=meeting, user=demo_user(Role.COORDINATOR), present_ids=present)
    rows = {c.referral_id: c for c in selectors.cost_per_case([site.pk], date(2026, 1, 1), date(2026, 3, 31))}
    assert rows[first.pk].sitting_minutes == 225
    assert rows[first.pk].cost_pence == round((NINETY_MINUTES_OF_EVERYONE - ADVISER * 3 // 2) / 2)


def test_logged_time_is_costed_at_the_role_held_and_the_sites_rate(demo):
    site = Site.objects.get(slug="northbridge")
    decision = decided_case(decided_on=date(2026, 2, 10))
    _held(decision.meeting, day=date(2026, 2, 10), minutes=90)
    services.time_entry_log(
        referral=decision.referral,
        user=demo_user(Role.COORDINATOR),
        subject_key=f"decision-{decision.pk}",
        worked_on=date(2026, 2, 10),
        minutes=120,
        activity=TimeActivity.RECORDING,
    )
    plan = decision.safeguarding_plans.get()
    services.time_entry_log(
        referral=decision.referral,
        user=demo_user(Role.ICTG),
        subject_key=f"plan-{plan.pk}",
        worked_on=date(2026, 4, 2),  # the next quarter
        minutes=45,
        activity=TimeActivity.VISITING,
    )
    (case,) = selectors.cost_per_case([site.pk], date(2026, 1, 1), date(2026, 6, 30))
    assert (case.sitting_minutes, case.logged_minutes) == (540, 165)
    # The sitting, two hours of the coordinator (£66) and 45 minutes of the guardian (£19.50).
    assert case.cost_pence == NINETY_MINUTES_OF_EVERYONE + 2 * COORDINATOR + GUARDIAN * 3 // 4 == 456_00

    quarters = selectors.costs_by_quarter([site.pk], date(2026, 1, 1), date(2026, 6, 30))
    assert [(q.quarter, q.cases, q.sitting_minutes, q.logged_minutes, q.cost_pence) for q in quarters] == [
        (date(2026, 1, 1), 1, 540, 120, NINETY_MINUTES_OF_EVERYONE + 2 * COORDINATOR),
        (date(2026, 4, 1), 1, 0, 45, 19_50),
    ]
    assert selectors.quarter_label(date(2026, 4, 1)) == "April to June 2026"

    # The site administrator sets a panel member's rate at £50 and the coordinator's at £40: costs follow.
    services.rates_set(
        site=site, user=demo_user(Role.SITE_ADMIN), rates={Role.PANEL_MEMBER: 50_00, Role.COORDINATOR: 40_00}
    )
    (case,) = selectors.cost_per_case([site.pk], date(2026, 1, 1), date(2026, 6, 30))
    assert case.cost_pence == NINETY_MINUTES_OF_EVERYONE + 3 * (50_00 - MEMBER) * 3 // 2 + 2 * 40_00 + 19_50
    # Another site's figures are its own.
    other = Site.objects.get(slug="three-rivers")
    assert selectors.cost_per_case([other.pk], date(2026, 1, 1), date(2026, 6, 30)) == []


def test_each_persons_time_on_a_case(demo):
    decision = decided_case(decided_on=date(2026, 2, 10))
    _held(decision.meeting, day=date(2026, 2, 10), minutes=90)
    services.time_entry_log(
        referral=decision.referral,
        user=demo_user(Role.PANEL_MEMBER),
        subject_key=f"decision-{decision.pk}",
        worked_on=date(2026, 2, 9),
        minutes=30,
        activity=TimeActivity.PREPARING,
    )
    people = {p.name: p for p in selectors.time_on_case(decision.referral)}
    health = people[demo_user(Role.PANEL_MEMBER).full_name]
    assert (health.role, health.sitting_minutes, health.logged_minutes, health.cost_pence) == (
        Role.PANEL_MEMBER,
        90,
        30,
        2 * MEMBER,  # two hours at £43
    )
    chair = people[demo_user(Role.CHAIR).full_name]
    assert (chair.role, chair.minutes, chair.cost_pence) == (Role.CHAIR, 90, 85_50)
    assert len(people) == 6
    assert next(iter(selectors.time_on_case(decision.referral))).name == health.name  # most time first


def test_which_sittings_count_and_for_how_long(demo):
    site = Site.objects.get(slug="northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    day = date(2026, 2, 10)
    # Opened and closed in the service two hours apart, its length not recorded: two hours.
    closed = sitting("northbridge", referrals=[accepted_referral()])
    panel_services.meeting_close(meeting=closed, user=coordinator)
    Meeting.objects.filter(pk=closed.pk).update(starts_at=_on(day), opened_at=_on(day), closed_at=_on(day, 12))
    # Closed the next day (26 hours): not counted until its length is recorded.
    late = sitting("northbridge", referrals=[accepted_referral()])
    panel_services.meeting_close(meeting=late, user=coordinator)
    Meeting.objects.filter(pk=late.pk).update(
        starts_at=_on(day), opened_at=_on(day), closed_at=_on(day + timedelta(days=1), 12)
    )
    # Still in session with no length recorded: not held yet.
    sitting("northbridge", referrals=[accepted_referral()])
    (per_site,) = selectors.costs_by_site([site.pk], date(2026, 1, 1), date(2026, 3, 31))
    assert (per_site.sittings, per_site.sittings_without_length, per_site.sitting_minutes) == (1, 1, 120 * 6)
    late.refresh_from_db()
    services.sitting_duration_record(meeting=late, user=coordinator, minutes=60)
    (per_site,) = selectors.costs_by_site([site.pk], date(2026, 1, 1), date(2026, 3, 31))
    assert (per_site.sittings, per_site.sittings_without_length, per_site.cases) == (2, 0, 2)
    assert per_site.sitting_minutes == 120 * 6 + 60 * 6
    # A cancelled sitting is never counted, whatever is recorded.
    Meeting.objects.filter(pk=late.pk).update(status=MeetingStatus.CANCELLED)
    (per_site,) = selectors.costs_by_site([site.pk], date(2026, 1, 1), date(2026, 3, 31))
    assert (per_site.sittings, per_site.sitting_minutes) == (1, 120 * 6)


def test_quarters():
    assert selectors.quarters_between(date(2025, 11, 5), date(2026, 4, 1)) == [
        date(2025, 10, 1),
        date(2026, 1, 1),
        date(2026, 4, 1),
    ]
    assert selectors.quarter_end(date(2025, 10, 1)) == date(2025, 12, 31)
    assert selectors.quarter_label(date(2025, 10, 1)) == "October to December 2025"
