"""The burdens app's part of the demo.

- `load_demo` (core.demo's loader, on every demo load, so cheap): Three Rivers, a consortium, has set its own
  hourly rates for its coordinators and chairs; Northbridge uses the defaults.
- `load_demo_time` (`manage.py seed_demo`, after the demo cases and follow-ups): in each demo site, how long each
  held sitting lasted, and the time people logged on the decided cases (the coordinator writing the record, the
  chair and members reading the papers, the guardian seeing the child about the plan) and on the information
  requests (the coordinator chasing, the police member gathering the answer). Made through the services, as
  people make them. Idempotent: a site with time logged already is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.burdens import services
from childnrm.burdens.models import HourlyRate, SittingDuration, TimeActivity, TimeEntry
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.information.models import InformationRequest
from childnrm.panels.demo import demo_member_email
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.people.demo import demo_email

# Three Rivers' own rates (pence an hour): its coordinators are on a higher grade, its chair a director.
THREE_RIVERS_RATES = {Role.COORDINATOR: 36_00, Role.CHAIR: 62_00}

# Who logs what on each decided case: (role, minutes, what they were doing, days after the decision).
DECISION_TIME = (
    (Role.COORDINATOR, 150, TimeActivity.RECORDING, 0),
    (Role.CHAIR, 60, TimeActivity.PREPARING, -1),
    (Role.PANEL_MEMBER, 45, TimeActivity.PREPARING, -1),
    (Role.ADVISER, 30, TimeActivity.PREPARING, -2),
)
PLAN_TIME = ((Role.ICTG, 105, TimeActivity.VISITING, 3), (Role.COORDINATOR, 40, TimeActivity.DISCUSSING, 7))


def load_demo(*, site, site_users, organisations) -> None:
    if site.slug != "three-rivers":
        return
    admin = site_users[Role.SITE_ADMIN]
    for role, pence in THREE_RIVERS_RATES.items():
        HourlyRate.objects.get_or_create(site=site, role=role, defaults={"pence": pence, "updated_by": admin})


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def sitting_length(meeting: Meeting) -> int:
    """A plausible length for a demo sitting: 1 hour 15 minutes to 2 hours 30, the same every time."""
    return 75 + (meeting.pk * 37) % 6 * 15


def _day(decided_on: date, days: int, earliest: date, today: date) -> date:
    return min(max(decided_on + timedelta(days=days), earliest), today)


@transaction.atomic
def load_demo_time() -> int:
    """The demo time of each demo site that has none logged yet; returns how many entries it made."""
    made = 0
    today = timezone.localdate()
    for site in Site.objects.filter(slug__in=("northbridge", "three-rivers")).order_by("pk"):
        if TimeEntry.objects.filter(site=site).exists():
            continue
        coordinator = _demo(Role.COORDINATOR, site.slug)
        for meeting in Meeting.objects.filter(site=site, opened_at__isnull=False).exclude(
            status=MeetingStatus.CANCELLED
        ):
            if not SittingDuration.objects.filter(meeting=meeting).exists():
                services.sitting_duration_record(meeting=meeting, user=coordinator, minutes=sitting_length(meeting))
        decisions = Decision.objects.filter(referral__site=site, status=DecisionStatus.FINAL).select_related("referral")
        for decision in decisions:
            referral = decision.referral
            decided_on = decision.decided_on or today
            earliest = timezone.localtime(referral.submitted_at).date() if referral.submitted_at else decided_on
            for role, minutes, activity, days in DECISION_TIME:
                services.time_entry_log(
                    referral=referral,
                    user=_demo(role, site.slug),
                    subject_key=f"decision-{decision.pk}",
                    worked_on=_day(decided_on, days, earliest, today),
                    minutes=minutes,
                    activity=activity,
                )
                made += 1
            for plan in decision.safeguarding_plans.all():
                for role, minutes, activity, days in PLAN_TIME:
                    services.time_entry_log(
                        referral=referral,
                        user=_demo(role, site.slug),
                        subject_key=f"plan-{plan.pk}",
                        worked_on=_day(decided_on, days, earliest, today),
                        minutes=minutes,
                        activity=activity,
                        note="Explained the plan to the young person and their carer at home."
                        if role == Role.ICTG
                        else "",
                    )
                    made += 1
        police = User.objects.filter(email=demo_member_email("police-member", site.slug)).first()
        for asked in InformationRequest.objects.filter(referral__site=site).select_related("referral"):
            referral = asked.referral
            earliest = timezone.localtime(referral.submitted_at).date() if referral.submitted_at else today
            worked_on = _day(earliest, 2, earliest, today)
            entries = [(coordinator, 30, TimeActivity.GATHERING)]
            if police is not None and asked.organisation_id == police.organisation_id:
                entries.append((police, 75, TimeActivity.GATHERING))
            for user, minutes, activity in entries:
                services.time_entry_log(
                    referral=referral,
                    user=user,
                    subject_key=f"information-{asked.pk}",
                    worked_on=worked_on,
                    minutes=minutes,
                    activity=activity,
                )
                made += 1
    return made
