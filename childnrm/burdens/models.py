"""New burdens: the time people spend on each case and what it costs (issue 10, ADR 0026).

Time on a case comes from two places:
- the panel's sittings, counted without anyone logging them: a held sitting's length times the people marked
  present, shared equally between the cases on its agenda. The length is the one the coordinator records
  (`SittingDuration`), else the time between opening and closing the sitting in this service;
- time entries (`TimeEntry`) that the people working on the case log against one of its decisions, its
  safeguarding plan or one of its information requests: minutes, the day, and what the time was for.

Each person's time is costed at their role's hourly rate at the site (`HourlyRate`, set by the site
administrator; a role without one is costed at the default in `DEFAULT_SALARIES`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.roles import Role
from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.panels.models import Meeting
from childnrm.referrals.models import Referral

# The default hourly rates: a 2026 annual salary typical of the role in UK public (or, for guardians, voluntary)
# sector services, plus employer's National Insurance and pension (ON_COSTS), over the working hours of a year
# (HOURS_A_YEAR: 52 weeks of 37 hours less leave, bank holidays and training). Sites set their own rates.
ON_COSTS = 0.30
HOURS_A_YEAR = 1650
DEFAULT_SALARIES: dict[str, tuple[int, str]] = {
    Role.COORDINATOR: (42_000, _("a local authority panel coordinator")),
    Role.CHAIR: (72_000, _("a head of service or senior manager who chairs the panel")),
    Role.PANEL_MEMBER: (55_000, _("a social care team manager, police detective sergeant or named nurse")),
    Role.ADVISER: (45_000, _("an education, youth justice or specialist service practitioner")),
    Role.ICTG: (33_000, _("an Independent Child Trafficking Guardian in the voluntary sector")),
    Role.FIRST_RESPONDER: (43_000, _("a local authority social worker")),
}
# The roles whose time is costed, in the order a person holding several is costed at (the most senior first).
COSTED_ROLES: tuple[str, ...] = (
    Role.CHAIR,
    Role.COORDINATOR,
    Role.PANEL_MEMBER,
    Role.ADVISER,
    Role.ICTG,
    Role.FIRST_RESPONDER,
)


def default_salary_who(role: str, where: Site | str | None) -> str:
    """Whom a role's default salary is typical of, the guardian in the words of the site's nation (ADR 0027)."""
    law = nations.rules(where)
    if role == Role.ICTG and not law.english_law:
        return gettext("a guardian in the voluntary sector (%(service)s)") % {"service": law.guardian_service}
    return str(DEFAULT_SALARIES[role][1])


def default_rate_pence(role: str) -> int:
    """The default cost of an hour of `role`'s time, in pence (rounded to the nearest pound)."""
    salary, _ = DEFAULT_SALARIES[role]
    return round(salary * (1 + ON_COSTS) / HOURS_A_YEAR) * 100


class HourlyRate(models.Model):
    """A site's cost of an hour of one role's time. A role without a row is costed at its default."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="hourly_rates")
    role = models.CharField(max_length=32, choices=Role.choices)
    pence = models.PositiveIntegerField()  # per hour
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "role"]
        constraints = [models.UniqueConstraint(fields=["site", "role"], name="hourly_rate_once_per_role")]

    def __str__(self) -> str:
        return f"{self.role} at {self.site_id}: {self.pence}p an hour"


class SittingDuration(models.Model):
    """How long a sitting lasted, as its coordinator records it: the time between opening and closing it in the
    service is only a stand-in (it may have been opened late or closed the next day)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="burden_duration")
    minutes = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=24 * 60), name="sitting_duration_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Sitting {self.meeting_id}: {self.minutes} minutes"


class TimeSubject(models.TextChoices):
    DECISION = "decision", _("A decision")
    PLAN = "plan", _("The safeguarding plan")
    INFORMATION = "information", _("An information request")


class TimeActivity(models.TextChoices):
    PREPARING = "preparing", _("Reading the papers and preparing")
    RECORDING = "recording", _("Writing the record")
    DISCUSSING = "discussing", _("Meetings and calls outside the sitting")
    GATHERING = "gathering", _("Gathering or sharing information")
    VISITING = "visiting", _("Seeing the child, family or carers")
    TRAVELLING = "travelling", _("Travelling")
    OTHER = "other", _("Something else")


class TimeEntry(models.Model):
    """Time one person spent on one case, for one of its decisions, its safeguarding plan or one of its
    information requests. Costed at the role they held at the site when they logged it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="time_entries")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")  # where the work was done
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    role = models.CharField(max_length=32, choices=Role.choices)
    subject = models.CharField(max_length=16, choices=TimeSubject.choices)
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries"
    )
    plan = models.ForeignKey(
        "safeguarding.SafeguardingPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries"
    )
    information_request = models.ForeignKey(
        "information.InformationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField()
    activity = models.CharField(max_length=16, choices=TimeActivity.choices)
    note = models.TextField(blank=True)  # cleared when the case is anonymised (retention)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-worked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=24 * 60), name="time_entry_minutes_in_a_day"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        subject="decision",
                        decision__isnull=False,
                        plan__isnull=True,
                        information_request__isnull=True,
                    )
                    | models.Q(
                        subject="plan", decision__isnull=True, plan__isnull=False, information_request__isnull=True
                    )
                    | models.Q(
                        subject="information",
                        decision__isnull=True,
                        plan__isnull=True,
                        information_request__isnull=False,
                    )
                ),
                name="time_entry_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "worked_on"], name="time_entry_site_day_idx"),
            models.Index(fields=["referral", "worked_on"], name="time_entry_case_idx"),
            models.Index(fields=["user", "worked_on"], name="time_entry_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} minutes on {self.referral_id} by {self.user_id}"
