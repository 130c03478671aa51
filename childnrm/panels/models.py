"""Panels: who sits on a site's panel, its meetings, their agendas, and conflicts of interest.

A meeting's attendees are a snapshot of the panel taken when they are invited: a member who later
leaves the panel is still recorded as having sat on the meetings they attended, with the agency and
vote they had then. Case papers are open to an attendee through the meeting (see panels.selectors),
only while it is not closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.referrals.models import Referral


class Agency(models.TextChoices):
    """The agency a panel attendee or information provider speaks for."""

    SOCIAL_CARE = "social_care", _("Children's social care")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice")
    BORDER_FORCE = "border_force", _("Border Force")
    NGO = "ngo", _("Voluntary sector (NGO)")
    # Its own message: as an agency it begins a cell or a list ("Gwasanaeth ..." in Welsh), where the nations' same
    # words (accounts.nations.guardian_service, lowered in Welsh inside sentences) would win the shared catalogue.
    ICTG = "ictg", pgettext_lazy("agency", "Independent Child Trafficking Guardian service")
    SPECIALIST = "specialist", _("Specialist service")
    OTHER = "other", _("Other agency")


# The three statutory safeguarding partners: quorum needs a voting member of each present.
QUORUM_AGENCIES: tuple[str, ...] = (Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)


class AttendsAs(models.TextChoices):
    MEMBER = "member", _("Panel member")
    ICTG = "ictg", _("Independent Child Trafficking Guardian (no vote)")
    ADVISER = "adviser", _("Adviser (no vote)")


def attends_as_choices(where: Site | str | None) -> list[tuple[str, str]]:
    """How one attends, with the guardian named as the site's nation names them."""
    return [(code, attends_as_label(code, label, where)) for code, label in AttendsAs.choices]


def attends_as_label(code: str, label, where: Site | str | None) -> str:
    if code == AttendsAs.ICTG and not nations.rules(where).english_law:
        return gettext("%(guardian)s (no vote)") % {"guardian": nations.guardian_role_label(where)}
    return str(label)


class GuardianNamedByNation:
    """A seat's agency and way of attending as the site's nation names the guardian (ADR 0027)."""

    agency: str
    attends_as: str

    def agency_shown(self, where: Site | str | None) -> str:
        return nations.agency_label(self.agency, self.get_agency_display(), where)  # type: ignore[attr-defined]

    def attends_as_shown(self, where: Site | str | None) -> str:
        return attends_as_label(self.attends_as, self.get_attends_as_display(), where)  # type: ignore[attr-defined]


class PanelMember(GuardianNamedByNation, models.Model):
    """A person who sits on a site's panel: their agency and whether they vote."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="panel_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    attends_as = models.CharField(max_length=16, choices=AttendsAs.choices, default=AttendsAs.MEMBER)
    voting = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "agency", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="panel_member_one_seat_per_site"),
            # Guardians and advisers attend without a vote.
            models.CheckConstraint(
                condition=models.Q(voting=False) | models.Q(attends_as="member"), name="panel_member_only_members_vote"
            ),
            # Only the statutory partners have a vote; who may hold it is checked in panels.rules.seat_refusal.
            models.CheckConstraint(
                condition=models.Q(voting=False) | models.Q(agency__in=QUORUM_AGENCIES),
                name="panel_member_only_partners_vote",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_agency_display()})"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular sitting")
    EXTRA = "extra", _("Extra sitting")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings_chaired"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the sitting was opened before its day: the date and time it had been scheduled for (it then
    # moved to that day, same time), kept so the record says the sitting met earlier than planned.
    opened_early_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["site", "status", "starts_at"], name="meeting_site_status_idx")]

    def __str__(self) -> str:
        return f"Meeting {self.pk} of {self.site_id}"


class MeetingStatusChange(models.Model):
    """Each change of a meeting's status, with who made it: a new row, never an edit."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MeetingStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MeetingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.from_status} → {self.to_status}"


class MeetingAttendee(GuardianNamedByNation, models.Model):
    """Someone invited to a meeting, with the agency and vote they had when invited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendances")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    attends_as = models.CharField(max_length=16, choices=AttendsAs.choices)
    voting = models.BooleanField(default=False)
    present = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "attends_as", "agency", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attendee_unique")]
        indexes = [models.Index(fields=["user", "meeting"], name="meeting_attendee_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id}"


class AttendanceEndedReason(models.TextChoices):
    ACCESS_REMOVED = "access_removed", _("Their access to the site was removed")
    PANEL_MEMBER_ROLE_REMOVED = "panel_member_role_removed", _("Their panel member role at the site was removed")
    CHAIR_ROLE_REMOVED = "chair_role_removed", _("Their panel chair role at the site was removed")


class AttendanceEnded(GuardianNamedByNation, models.Model):
    """Someone a site administrator's change took off a live sitting's attendance list: their access to the site, or
    the panel member role they sat with, was removed (panels.access_loss). Where a decision had already been started
    at the sitting they stay on its record, marked absent (`marked_absent`), as the coordinator would have to. A row
    `as_chair` says instead that the sitting's chair lost the panel chair role (or every role): they stay named as its
    chair and on its list, but may no longer chair it (`rules.chair_refusal`). The sitting's page shows these to
    whoever runs it, so the coordinator knows who went and why."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance_ended")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # As they were invited.
    agency = models.CharField(max_length=32, choices=Agency.choices)
    attends_as = models.CharField(max_length=16, choices=AttendsAs.choices)
    voting = models.BooleanField()
    marked_absent = models.BooleanField()
    # They chaired the sitting and may no longer: nothing else about their place changed.
    as_chair = models.BooleanField(default=False)
    reason = models.CharField(max_length=32, choices=AttendanceEndedReason.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} off {self.meeting_id}: {self.reason}"


class AgendaStage(models.TextChoices):
    """What the panel is asked to do with a case at this sitting."""

    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds decision")
    CONCLUSIVE_GROUNDS = "conclusive_grounds", _("Conclusive grounds decision")
    BOTH = "both", _("Reasonable and conclusive grounds decisions")
    RECONSIDERATION = "reconsideration", _("Reconsideration")
    PLAN_REVIEW = "plan_review", _("Safeguarding plan review")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="agenda_items")
    stage = models.CharField(max_length=24, choices=AgendaStage.choices)
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # The item of an earlier sitting that closed without deciding the case and carried it here.
    carried_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to")

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "referral"], name="agenda_item_once_per_meeting")]
        indexes = [models.Index(fields=["referral", "meeting"], name="agenda_item_referral_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} at {self.meeting_id}"


class ConflictDeclaration(models.Model):
    """An attendee's declaration for one case: conflicted or not. A conflicted member cannot vote on it."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflict_declarations")
    attendee = models.ForeignKey(MeetingAttendee, on_delete=models.CASCADE, related_name="conflict_declarations")
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "attendee"], name="conflict_declared_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id} on {self.agenda_item_id}: {'conflict' if self.has_conflict else 'none'}"
