"""Logging time, sittings' lengths and hourly rates: who may, what is refused, what is audited, what retention
clears, and the demo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.burdens import selectors, services
from childnrm.burdens.demo import load_demo_time
from childnrm.burdens.models import HourlyRate, SittingDuration, TimeActivity, TimeEntry, default_rate_pence
from childnrm.burdens.tests.factories import decided_case
from childnrm.information.models import InformationRequest, LawfulBasis
from childnrm.panels.demo import demo_member_email, scheduled_meeting
from childnrm.panels.models import Agency
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _log(decision, user, **changes):
    answers = {
        "referral": decision.referral,
        "user": user,
        "subject_key": f"decision-{decision.pk}",
        "worked_on": decision.decided_on,
        "minutes": 60,
        "activity": TimeActivity.PREPARING,
        **changes,
    }
    return services.time_entry_log(**answers)


def _ask_police(referral) -> InformationRequest:
    police = User.objects.get(email=demo_member_email("police-member", "northbridge"))
    return InformationRequest.objects.create(
        referral=referral,
        organisation=police.organisation,
        agency=Agency.POLICE,
        question="What do you know of the adults the child was found with?",
        purpose="To decide the case.",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        lawful_basis_detail="UK GDPR Article 6(1)(e) with DPA 2018 Schedule 1 paragraph 18",
        due_on=timezone.localdate() + timedelta(days=10),
        requested_by=demo_user(Role.COORDINATOR),
    )


def test_those_working_on_the_case_log_time_costed_at_their_role(demo):
    decision = decided_case(decided_on=date(2026, 3, 2))
    chair = demo_user(Role.CHAIR)
    entry = _log(decision, chair, minutes=75, note="  Read the police report twice.  ")
    assert (entry.role, entry.minutes, entry.site.slug, entry.note) == (
        Role.CHAIR,
        75,
        "northbridge",
        "Read the police report twice.",
    )
    assert entry.decision == decision and entry.plan is None
    event = AuditEvent.objects.get(object_type="burdens.timeentry", object_id=str(entry.pk))
    assert event.detail["minutes"] == 75 and event.detail["subject"] == f"decision-{decision.pk}"
    assert "Read the police" not in str(event.detail)  # the note stays in the record
    # The panel member, the guardian and the adviser sat on it; the coordinator works on every case of the site.
    for role in (Role.PANEL_MEMBER, Role.ICTG, Role.ADVISER, Role.COORDINATOR):
        assert _log(decision, demo_user(role)).role == role


def test_nobody_else_logs_time_on_the_case(demo):
    decision = decided_case(decided_on=date(2026, 3, 2))
    for user in (demo_user(Role.FIRST_RESPONDER), demo_user(Role.ANALYST), demo_user(Role.COORDINATOR, "three-rivers")):
        with pytest.raises(PermissionError):
            _log(decision, user)
        assert not selectors.may_log_time(user, decision.referral)
    assert not TimeEntry.objects.exists()


def test_an_agency_logs_time_on_the_request_to_it_only(demo):
    decision = decided_case(decided_on=date(2026, 3, 2))
    asked = _ask_police(decision.referral)
    police = User.objects.get(email=demo_member_email("police-member", "northbridge"))
    keys = [s.key for s in selectors.subjects_for(police, decision.referral)]
    assert f"information-{asked.pk}" in keys
    entry = _log(decision, police, subject_key=f"information-{asked.pk}", activity=TimeActivity.GATHERING)
    assert entry.information_request == asked and entry.role == Role.PANEL_MEMBER
    # The social care member (of the local authority) is not offered the request to the police.
    social_care = User.objects.get(email=demo_member_email("social-care-member", "northbridge"))
    assert f"information-{asked.pk}" not in [s.key for s in selectors.subjects_for(social_care, decision.referral)]
    # The coordinator is offered every request of the case.
    coordinator_keys = [s.key for s in selectors.subjects_for(demo_user(Role.COORDINATOR), decision.referral)]
    assert f"information-{asked.pk}" in coordinator_keys


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject_key": "decision-0"}, "subject", "Select what the time was for"),
        ({"worked_on": None}, "worked_on", "Enter the date you did the work"),
        ({"worked_on": date(2099, 1, 1)}, "worked_on", "must be today or in the past"),
        ({"worked_on": date(2026, 2, 1)}, "worked_on", "on or after the day the case was referred, 16 February 2026"),
        ({"minutes": 0}, "hours", "between 1 minute and 12 hours"),
        ({"minutes": 12 * 60 + 1}, "hours", "between 1 minute and 12 hours"),
        ({"activity": "napping"}, "activity", "Select what you were doing"),
        ({"note": "x" * 1001}, "note", "1,000 characters or fewer"),
    ],
)
def test_time_that_does_not_add_up_is_refused(demo, changes, field, message):
    decision = decided_case(decided_on=date(2026, 3, 2))
    with pytest.raises(services.BurdenError) as refused:
        _log(decision, demo_user(Role.COORDINATOR), **changes)
    assert refused.value.field == field and message in str(refused.value)


def test_a_subject_of_another_case_is_refused(demo):
    decision, other = decided_case(decided_on=date(2026, 3, 2)), decided_case(decided_on=date(2026, 3, 2))
    with pytest.raises(services.BurdenError):
        _log(decision, demo_user(Role.COORDINATOR), subject_key=f"decision-{other.pk}")


def test_anonymising_the_case_clears_the_notes_and_keeps_the_time(demo):
    decision = decided_case(decided_on=date(2026, 3, 2))
    entry = _log(decision, demo_user(Role.ICTG), note="Saw Jamal at his aunt's.")
    case_anonymise(decision.referral)
    entry.refresh_from_db()
    assert (entry.note, entry.minutes) == ("", 60)


def test_the_coordinator_records_how_long_a_held_sitting_lasted(demo):
    decision = decided_case(decided_on=date(2026, 3, 2))
    coordinator = demo_user(Role.COORDINATOR)
    services.sitting_duration_record(meeting=decision.meeting, user=coordinator, minutes=100)
    services.sitting_duration_record(meeting=decision.meeting, user=coordinator, minutes=95)
    assert SittingDuration.objects.get(meeting=decision.meeting).minutes == 95
    events = AuditEvent.objects.filter(object_type="panels.meeting", object_id=str(decision.meeting_id))
    assert [e.detail for e in events.filter(detail__record="sitting length").order_by("seq")] == [
        {"record": "sitting length", "old_minutes": None, "new_minutes": 100},
        {"record": "sitting length", "old_minutes": 100, "new_minutes": 95},
    ]
    with pytest.raises(services.BurdenError, match="between 1 minute and 12 hours"):
        services.sitting_duration_record(meeting=decision.meeting, user=coordinator, minutes=0)
    with pytest.raises(services.BurdenError, match="that was held"):
        services.sitting_duration_record(meeting=scheduled_meeting("northbridge"), user=coordinator, minutes=60)
    with pytest.raises(PermissionError):
        services.sitting_duration_record(meeting=decision.meeting, user=demo_user(Role.PANEL_MEMBER), minutes=60)


def test_the_site_administrator_sets_the_rates(demo):
    site = Site.objects.get(slug="northbridge")
    admin = demo_user(Role.SITE_ADMIN)
    rates = services.rates_set(site=site, user=admin, rates={Role.CHAIR: 60_00, Role.ICTG: None})
    assert rates[Role.CHAIR] == 60_00 and rates[Role.ICTG] == default_rate_pence(Role.ICTG)
    event = AuditEvent.objects.filter(object_type="burdens.hourlyrate").get()
    assert event.detail == {"record": "hourly rates", "changed": {Role.CHAIR: {"old": 57_00, "new": 60_00}}}
    with pytest.raises(services.BurdenError, match="rates in force already"):
        services.rates_set(site=site, user=admin, rates={Role.CHAIR: 60_00})
    # Back to the default: the site's own rate goes.
    services.rates_set(site=site, user=admin, rates={Role.CHAIR: None})
    assert not HourlyRate.objects.filter(site=site).exists()
    with pytest.raises(services.BurdenError, match=r"between £0\.01 and £500"):
        services.rates_set(site=site, user=admin, rates={Role.CHAIR: 600_00})
    with pytest.raises(PermissionError):
        services.rates_set(site=site, user=demo_user(Role.COORDINATOR), rates={Role.CHAIR: 40_00})
    with pytest.raises(PermissionError):
        services.rates_set(site=Site.objects.get(slug="three-rivers"), user=admin, rates={Role.CHAIR: 40_00})


def test_the_demo_time(demo):
    assert HourlyRate.objects.filter(site__slug="three-rivers").count() == 2  # the demo loader's own rates
    decision = decided_case(decided_on=timezone.localdate() - timedelta(days=20))
    _ask_police(decision.referral)
    made = load_demo_time()
    assert made == 4 + 2 + 2  # four people on the decision, two on the plan, two on the request
    assert SittingDuration.objects.filter(meeting=decision.meeting).exists()
    assert load_demo_time() == 0
    (case,) = selectors.cost_per_case(
        [decision.referral.site_id], timezone.localdate() - timedelta(days=60), timezone.localdate()
    )
    assert case.logged_minutes == 150 + 60 + 45 + 30 + 105 + 40 + 30 + 75 and case.sitting_minutes > 0
