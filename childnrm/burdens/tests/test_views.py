"""The burdens pages: logging time, a case's time, the links from the pages time is logged on, sittings'
lengths, the hourly rates and the cost of the panel with its disclosure control."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.burdens import services
from childnrm.burdens.models import HourlyRate, SittingDuration, TimeActivity, TimeEntry
from childnrm.burdens.tests.factories import decided_case
from childnrm.burdens.tests.test_services import _ask_police
from childnrm.burdens.views import protect_rows
from conftest import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(demo):
    return decided_case(decided_on=timezone.localdate() - timedelta(days=10))


def _body(response) -> str:
    return response.content.decode()


def test_a_panel_member_logs_time_from_your_time_on_cases(decided, client_as):
    client = client_as(Role.PANEL_MEMBER)
    reference = decided.referral.reference
    mine = _body(client.get(reverse("burdens:mine")))
    assert reference in mine and reverse("burdens:log", args=[reference]) in mine

    url = reverse("burdens:log", args=[reference])
    page = _body(client.get(url, {"for": f"decision-{decided.pk}"}))
    assert "Reasonable grounds decision of" in page and f'value="decision-{decided.pk}" checked' in page

    # Nothing filled in: every question says what is missing, and nothing is saved.
    errors = _body(client.post(url, {}))
    for message in (
        "Select what the time was for",
        "Enter how long you spent",
        "Select what you were doing",
        "Enter the date you did the work",
    ):
        assert message in errors
    assert not TimeEntry.objects.exists()

    day = decided.decided_on
    response = client.post(
        url,
        {
            "subject": f"decision-{decided.pk}",
            "hours": "1",
            "minutes": "30",
            "activity": TimeActivity.PREPARING,
            "worked_on_day": str(day.day),
            "worked_on_month": str(day.month),
            "worked_on_year": str(day.year),
            "note": "",
        },
        follow=True,
    )
    assert "1 hour 30 minutes logged on case" in _body(response)
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.minutes, entry.decision, entry.worked_on) == (
        demo_user(Role.PANEL_MEMBER),
        90,
        decided,
        day,
    )


def test_the_case_page_shows_everyones_time_to_the_coordinator_and_your_own_to_others(decided, client_as):
    services.sitting_duration_record(meeting=decided.meeting, user=demo_user(Role.COORDINATOR), minutes=90)
    for role, minutes in ((Role.PANEL_MEMBER, 20), (Role.ICTG, 35)):
        services.time_entry_log(
            referral=decided.referral,
            user=demo_user(role),
            subject_key=f"decision-{decided.pk}",
            worked_on=decided.decided_on,
            minutes=minutes,
            activity=TimeActivity.PREPARING,
        )
    url = reverse("burdens:case", args=[decided.referral.reference])
    coordinator = _body(client_as(Role.COORDINATOR).get(url))
    assert "Everyone's time, and what it cost" in coordinator
    assert demo_user(Role.ICTG).full_name in coordinator and "20 minutes" in coordinator and "35 minutes" in coordinator
    member = _body(client_as(Role.PANEL_MEMBER).get(url))
    assert "Everyone's time" not in member and "20 minutes" in member and "35 minutes" not in member
    event = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(decided.referral_id)).last()
    assert event.detail["page"] == "time on the case"


def test_the_decision_plan_and_request_pages_link_to_logging_time(decided, client_as):
    coordinator = client_as(Role.COORDINATOR)
    link = reverse("burdens:log", args=[decided.referral.reference])
    body = _body(coordinator.get(reverse("decisions:detail", args=[decided.pk])))
    assert f"{link}?for=decision-{decided.pk}" in body
    plan = decided.safeguarding_plans.get()
    body = _body(coordinator.get(reverse("safeguarding:plan", args=[plan.pk])))
    assert f"{link}?for=plan-{plan.pk}" in body
    # The guardian sees the plan and sat on the case: linked too.
    assert f"{link}?for=plan-{plan.pk}" in _body(client_as(Role.ICTG).get(reverse("safeguarding:plan", args=[plan.pk])))
    asked = _ask_police(decided.referral)
    body = _body(coordinator.get(reverse("information:detail", args=[asked.reference])))
    assert f"{link}?for=information-{asked.pk}" in body
    # The chair chaired the case's sitting: linked too.
    assert "Log time you spent on this decision" in _body(
        client_as(Role.CHAIR).get(reverse("decisions:detail", args=[decided.pk]))
    )


def test_the_coordinator_records_a_sittings_length(decided, client_as):
    client = client_as(Role.COORDINATOR)
    listing = _body(client.get(reverse("burdens:sittings")))
    assert "Not known" in listing and reverse("burdens:sitting", args=[decided.meeting_id]) in listing
    url = reverse("burdens:sitting", args=[decided.meeting_id])
    assert "Enter how long the sitting lasted" in _body(client.post(url, {"hours": "", "minutes": ""}))
    assert "The minutes must be 59 or fewer" in _body(client.post(url, {"hours": "1", "minutes": "75"}))
    response = client.post(url, {"hours": "2", "minutes": "15"})
    assert response.status_code == 302
    assert SittingDuration.objects.get(meeting_id=decided.meeting_id).minutes == 135
    assert "2 hours 15 minutes (recorded)" in _body(client.get(reverse("burdens:sittings")))


def test_the_site_administrator_sets_rates_on_the_page(demo, client_as):
    client = client_as(Role.SITE_ADMIN)
    url = reverse("burdens:site-rates", args=["northbridge"])
    assert client.get(reverse("burdens:rates")).url == url
    page = _body(client.get(url))
    assert "£57.00" in page and "£72,000 a year" in page and "Default" in page
    errors = _body(client.post(url, {f"rate_{Role.CHAIR}": "lots"}))
    assert "Enter the rate for a panel chair in pounds, for example 45.50" in errors
    # A screen reader hears the error first, once (the layout adds "Error:" for any page with form errors).
    title = re.search(r"<title>(.*?)</title>", errors, re.S).group(1).strip()
    assert title.startswith("Error: Hourly rates") and title.count("Error:") == 1
    response = client.post(url, {f"rate_{Role.CHAIR}": "£61.50", f"rate_{Role.COORDINATOR}": "35"})
    assert response.status_code == 302
    site = Site.objects.get(slug="northbridge")
    assert dict(HourlyRate.objects.filter(site=site).values_list("role", "pence")) == {
        Role.CHAIR: 61_50,
        Role.COORDINATOR: 35_00,
    }
    assert "£61.50" in _body(client.get(url))


def test_small_numbers_are_withheld_and_no_total_gives_them_away():
    rows, total = protect_rows(
        [("Northbridge", 12, 600.0, 1_200_00), ("Three Rivers", 3, 90.0, 150_00), ("Eastshire", 20, 900.0, 2_000_00)],
        ("All panels", 35, 1590.0, 3_350_00),
    )
    shown = {r.label: r for r in rows}
    # Three cases: withheld, with their hours and cost.
    assert str(shown["Three Rivers"].cases) == "[c]" and str(shown["Three Rivers"].cost) == "[c]"
    assert shown["Three Rivers"].hours.value is None
    # The total is shown, so the next smallest row is withheld too: subtraction gives nothing away.
    assert str(shown["Northbridge"].cases) == "[c]" and shown["Northbridge"].cost.value is None
    assert (shown["Eastshire"].cases.value, shown["Eastshire"].hours.value, shown["Eastshire"].cost.value) == (
        20,
        15.0,
        2_000,
    )
    assert shown["Eastshire"].per_case.value == 100.0  # £2,000 over 20 cases
    assert (total.cases.value, total.cost.value) == (35, 3_350)
    # An average of fewer than 10 cases is not shown.
    (row,), _ = protect_rows([("A", 7, 60.0, 700_00)], ("All", 7, 60.0, 700_00))
    assert row.cases.value == 5 and str(row.per_case) == "[low]"


def test_the_cost_page_for_the_coordinator_and_the_analyst(decided, client_as):
    services.sitting_duration_record(meeting=decided.meeting, user=demo_user(Role.COORDINATOR), minutes=90)
    for role in (Role.COORDINATOR, Role.ANALYST):
        response = client_as(role).get(reverse("burdens:costs"))
        body = _body(response)
        assert response.status_code == 200 and "The cost of the panel" in body
        # One case: its count, hours and cost are withheld; no child or case is named.
        assert "[c]" in body and "£371" not in body
        assert decided.referral.reference not in body and decided.referral.child.display_name not in body
    event = AuditEvent.objects.filter(object_type="burdens.costs").last()
    assert event.detail["sites"] == [decided.referral.site_id]


def test_the_cost_page_filters_by_quarter(decided, client_as):
    today = timezone.localdate()
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    body = _body(client_as(Role.COORDINATOR).get(reverse("burdens:costs"), {"from": this_quarter.isoformat()}))
    assert f'value="{this_quarter.isoformat()}" selected' in body
    # Nonsense in the address is ignored.
    assert client_as(Role.ANALYST).get(reverse("burdens:costs"), {"from": "soon", "site": "nowhere"}).status_code == 200


def test_your_time_on_cases_leaves_out_a_case_you_were_conflicted_on_or_not_present_for(decided, client_as):
    """Those refused the papers (a conflict declared on the case, or never marked present at a sitting that has
    happened) did not work on the case: it is not named to them. Those who sat on it keep it after the decision."""
    from childnrm.burdens import selectors
    from childnrm.panels.models import ConflictDeclaration, Meeting, MeetingAttendee, MeetingStatus

    referral = decided.referral
    child_name = referral.child.display_name
    member, adviser, guardian = demo_user(Role.PANEL_MEMBER), demo_user(Role.ADVISER), demo_user(Role.ICTG)

    def named_to(role) -> bool:
        body = _body(client_as(role).get(reverse("burdens:mine")))
        return referral.reference in body or child_name in body

    assert all(named_to(role) for role in (Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG))

    # The panel member declared a conflict on the case: refused its papers, so not working on it.
    ConflictDeclaration.objects.filter(agenda_item=decided.agenda_item, attendee__user=member).update(
        has_conflict=True, details="Knows the family"
    )
    assert not named_to(Role.PANEL_MEMBER)
    assert not selectors.may_log_time(member, referral)
    assert client_as(Role.PANEL_MEMBER).get(reverse("burdens:log", args=[referral.reference])).status_code == 404

    # The sitting has happened: the adviser, invited but never marked present, did not sit on the case.
    Meeting.objects.filter(pk=decided.meeting_id).update(status=MeetingStatus.CLOSED, closed_at=timezone.now())
    MeetingAttendee.objects.filter(meeting=decided.meeting_id, user=adviser).update(present=False)
    assert not named_to(Role.ADVISER)
    assert not selectors.may_log_time(adviser, referral)

    # The guardian was there: the decided case stays theirs to log time on (ADR 0026), as it does the chair's.
    assert named_to(Role.ICTG) and selectors.may_log_time(guardian, referral)
    assert selectors.may_log_time(demo_user(Role.CHAIR), referral)
    # The conflicted member stays out after the sitting too.
    assert not named_to(Role.PANEL_MEMBER)
