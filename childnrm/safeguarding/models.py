"""The child's safeguarding: the plan agreed at the sitting, statutory status and contextual safeguarding.

A decision is not a bare status: the same meeting agrees a plan of actions, each owned by an agency
and a named person with a due date, linked to the child's statutory status (child in need, child
protection plan, looked after; strategy discussions), the guardian's allocation, and the places,
peer groups and online spaces where the child is at risk or safe.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Organisation
from childnrm.kit.actions import OPEN_ACTION_STATUSES as OPEN_ACTION_STATUSES  # the apps that import it from here
from childnrm.kit.actions import ActionStatus
from childnrm.panels.models import Agency, Meeting
from childnrm.people.models import Child


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class SafeguardingPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="safeguarding_plans")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    agreed_at_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="safeguarding_plans"
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="safeguarding_plans"
    )
    summary = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="active"), name="safeguarding_plan_one_active"
            )
        ]
        indexes = [
            # The active plans with their children, from the index alone: the dashboard's overdue actions join them
            # without reading each plan's row (issue 16).
            models.Index(
                fields=["id"],
                include=["child"],
                condition=models.Q(status="active"),
                name="safeguarding_plan_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} of {self.child_id}"

    @property
    def agreed_on(self) -> date:
        """The day the plan was agreed: its sitting's day (UK time), as the plan's page says it ("Agreed at"), not the
        day it was recorded, often days later. A plan recorded before plans named their sitting: the day it was
        recorded (as the decision's next steps say it). Load `agreed_at_meeting` with the plan."""
        meeting = self.agreed_at_meeting
        return timezone.localdate(meeting.starts_at if meeting is not None else self.created_at)


# Shared with the other app whose actions are followed up (kit.actions).


class ChildAgreement(models.TextChoices):
    """Whether the child agreed with a plan action, as they told the person who asked them."""

    NOT_ASKED = "not_asked", _("Not asked yet")
    AGREED = "agreed", _("Agreed")
    DID_NOT_AGREE = "did_not_agree", _("Did not agree")


class PlanAction(models.Model):
    plan = models.ForeignKey(SafeguardingPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    agency = models.CharField(max_length=32, choices=Agency.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_actions"
    )
    due_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Whether the child agreed with the action, and what they said (in their words); who recorded it and when.
    # Each change is an audit event with the answer before and after (services.action_child_agreement_set).
    child_agreement = models.CharField(max_length=16, choices=ChildAgreement.choices, default=ChildAgreement.NOT_ASKED)
    child_agreement_note = models.TextField(blank=True)
    child_agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_agreement_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="plan_action_due_idx"),
            # The open actions in the order they fall due (the dashboard's overdue actions walk it and stop at the
            # rows they show, instead of sorting every overdue action of every site), with their plans: counted from
            # the index alone (issue 16).
            models.Index(
                fields=["due_on", "id"],
                include=["plan"],
                condition=models.Q(status__in=OPEN_ACTION_STATUSES),
                name="plan_action_open_due_idx",
            ),
            # "Your actions": an owner's open actions in due order, without reading every active plan (issue 16).
            models.Index(
                fields=["owner", "due_on", "id"],
                condition=models.Q(status__in=OPEN_ACTION_STATUSES),
                name="plan_action_owner_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} of plan {self.plan_id}"


class PlanActionUpdate(models.Model):
    """A change of an action's status or a progress note: a new row with its actor."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status} → {self.to_status}"


class ViewsGatheredHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO_OR_PHONE = "video_or_phone", _("By video or phone call")
    DRAWING = "drawing", _("Through a drawing or another visual way")
    WRITTEN = "written", _("Written by the child")


class ChildPlanView(models.Model):
    """The child's views on their safeguarding plan, in their own words: who gathered them, when and how.

    Several over time (the plan changes, and so may what the child thinks of it), shown newest first. Never
    edited: a changed view is a new record."""

    plan = models.ForeignKey(SafeguardingPlan, on_delete=models.PROTECT, related_name="child_views")
    in_their_words = models.TextField()
    gathered_by_name = models.CharField(max_length=200)
    gathered_by_role = models.CharField(max_length=200)
    gathered_on = models.DateField()
    how = models.CharField(max_length=16, choices=ViewsGatheredHow.choices)
    with_interpreter = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-gathered_on", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Child's views {self.pk} on plan {self.plan_id}"

    def how_described(self) -> str:
        text = self.get_how_display()
        return gettext("%(how)s, with an interpreter") % {"how": text} if self.with_interpreter else str(text)


class ReferralSafeguarding(models.Model):
    """What an accepted referral said about safeguarding already in place, brought to the child's record.

    Its statutory periods and strategy discussion are recorded with it (`from_referral`) and shown as
    "from the referral, to confirm" until the coordinator confirms them (by whom and when) or corrects
    them with the usual changes. One per referral: accepting it again brings nothing twice.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referral_safeguarding")
    referral = models.OneToOneField("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    # The referral's answer to "Has a referral been made to the guardian service (ICTG)?" (None: not known).
    ictg_referral_made = models.BooleanField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | models.Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="referral_safeguarding_confirmed_by_and_at",
            )
        ]

    def __str__(self) -> str:
        return f"Safeguarding from referral {self.referral_id}"

    @property
    def to_confirm(self) -> bool:
        return self.confirmed_at is None


class StatutoryKind(models.TextChoices):
    """Every nation's statutory categories; a site offers its own nation's (accounts.nations)."""

    # England and Wales
    CHILD_IN_NEED = nations.CHILD_IN_NEED, _("Child in need (Children Act 1989 s17)")
    CHILD_PROTECTION_PLAN = nations.CHILD_PROTECTION_PLAN, _("Child protection plan")
    LOOKED_AFTER = nations.LOOKED_AFTER, _("Looked after (in care)")
    # Scotland
    CP_REGISTER_SCOTLAND = nations.CP_REGISTER_SCOTLAND, _("On the child protection register (Scotland)")
    COMPULSORY_SUPERVISION_ORDER = (
        nations.COMPULSORY_SUPERVISION_ORDER,
        _("Compulsory supervision order (Children's Hearings (Scotland) Act 2011 s83)"),
    )
    INTERIM_SUPERVISION_ORDER = (
        nations.INTERIM_SUPERVISION_ORDER,
        _("Interim compulsory supervision order (Children's Hearings (Scotland) Act 2011 s86)"),
    )
    CHILD_PROTECTION_ORDER_SCOTLAND = (
        nations.CHILD_PROTECTION_ORDER_SCOTLAND,
        _("Child protection order (Children's Hearings (Scotland) Act 2011 s37)"),
    )
    LOOKED_AFTER_SCOTLAND = nations.LOOKED_AFTER_SCOTLAND, _("Looked after (Children (Scotland) Act 1995 s17(6))")
    # Northern Ireland
    CP_REGISTER_NI = nations.CP_REGISTER_NI, _("On the child protection register (Northern Ireland)")
    LOOKED_AFTER_NI = nations.LOOKED_AFTER_NI, _("Looked after (Children (Northern Ireland) Order 1995 Article 25)")


class StatutoryPeriod(models.Model):
    """A period of statutory status in one nation's categories: in England and Wales child in need, child
    protection plan or looked after; in Scotland and Northern Ireland their own (accounts.nations)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="statutory_periods")
    kind = models.CharField(max_length=32, choices=StatutoryKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set when the period came from a referral's answers (to confirm until that record is confirmed).
    from_referral = models.ForeignKey(
        ReferralSafeguarding, on_delete=models.PROTECT, null=True, blank=True, related_name="periods"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            # Periods of one kind do not overlap (statutory_period_add); at least, only one is open at a time.
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=models.Q(ends_on__isnull=True),
                name="statutory_period_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.child_id}"


class StrategyDiscussion(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField()
    agencies = models.JSONField(default=list, blank=True)  # Agency codes present
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    from_referral = models.ForeignKey(
        ReferralSafeguarding, on_delete=models.PROTECT, null=True, blank=True, related_name="discussions"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.pk} of {self.child_id}"


class ContextKind(models.TextChoices):
    PLACE = "place", _("Place")
    PEER_GROUP = "peer_group", _("Peer group")
    ONLINE_SPACE = "online_space", _("Online space")


class Risk(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")
    SAFE = "safe", _("Safe: a protective place or group")


class ContextualLink(models.Model):
    """A place, peer group or online space linked to the child, with a risk rating (the safety map)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contextual_links")
    kind = models.CharField(max_length=16, choices=ContextKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    risk = models.CharField(max_length=16, choices=Risk.choices)
    active = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "risk", "name", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.child_id}"
