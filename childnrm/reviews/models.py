"""Reviews of decisions: reconsideration requests and the Home Office SCA's quality assurance.

Reconsideration is not an appeal (the formal remedy is judicial review): within 30 calendar days of a
negative decision the referrer or a support provider may ask, on new evidence or because the guidance
was not followed, and a differently constituted panel reconsiders. Its decision is a new version of
the decision (decisions.Decision, kind "reconsideration"). Decisions are returned to the SCA for
audit, kept exactly as sent; its findings come back and the panel answers them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision
from childnrm.panels.models import Meeting


class RequesterKind(models.TextChoices):
    """Who may ask: the first responder, or the child's social worker, guardian or support provider. Anyone else
    asks through one of them (`OTHER`, with `routed_through` and `routed_through_name` recorded)."""

    REFERRER = "referrer", _("The referrer (first responder)")
    SOCIAL_WORKER = "social_worker", _("The child's social worker")
    ICTG = "ictg", _("The child's guardian (ICTG)")
    SUPPORT_PROVIDER = "support_provider", _("A support provider")
    OTHER = "other", _("Someone else, through one of these")


# Who may bring a request from someone else (every kind but OTHER).
ROUTES = [
    (RequesterKind.REFERRER.value, _("Through the referrer (first responder)")),
    (RequesterKind.SOCIAL_WORKER.value, _("Through the child's social worker")),
    (RequesterKind.ICTG.value, _("Through the child's guardian (ICTG)")),
    (RequesterKind.SUPPORT_PROVIDER.value, _("Through a support provider")),
]


def requester_choices(where: Site | str | None) -> list[tuple[str, str]]:
    """Who asked (RequesterKind), the guardian's service named as the site's nation names it (ADR 0027)."""
    law = nations.rules(where)
    if law.english_law:
        return list(RequesterKind.choices)
    guardian = gettext("The child's guardian (%(service)s)") % {"service": law.guardian_short}
    return [(code, guardian if code == RequesterKind.ICTG else str(label)) for code, label in RequesterKind.choices]


def route_choices(where: Site | str | None) -> list[tuple[str, str]]:
    """Who brought a request for someone else (ROUTES), the guardian named as the site's nation names them."""
    law = nations.rules(where)
    if law.english_law:
        return list(ROUTES)
    guardian = gettext("Through the child's guardian (%(service)s)") % {"service": law.guardian_short}
    return [(code, guardian if code == RequesterKind.ICTG else str(label)) for code, label in ROUTES]


class ReconsiderationGround(models.TextChoices):
    NEW_EVIDENCE = "new_evidence", _("New evidence")
    GUIDANCE_NOT_FOLLOWED = "guidance_not_followed", _("The guidance was not followed")


class ReconsiderationStatus(models.TextChoices):
    # Welsh agrees these with the reconsideration (ailystyriaeth, feminine): those whose English other apps use too
    # ("Decided" of a date, "Withdrawn" of a referral) take a context of their own.
    RECEIVED = "received", _("Received")
    LISTED = "listed", _("Listed before a panel")
    DECIDED = "decided", pgettext_lazy("of a reconsideration", "Decided")
    REFUSED = "refused", _("Not accepted (late)")
    WITHDRAWN = "withdrawn", pgettext_lazy("of a reconsideration", "Withdrawn")


class ReconsiderationRequest(models.Model):
    """A request to reconsider a negative decision. Not an appeal: judicial review is the formal remedy."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reconsideration_requests")
    requester_kind = models.CharField(max_length=24, choices=RequesterKind.choices)
    requester_name = models.CharField(max_length=200)
    requester_organisation = models.CharField(max_length=200, blank=True)
    # When someone else asked (requester_kind OTHER): who brought the request for them, and in what role. The
    # requester_name is then the original requester.
    routed_through = models.CharField(max_length=24, choices=ROUTES, blank=True)
    routed_through_name = models.CharField(max_length=200, blank=True)
    grounds = models.JSONField(default=list)  # ReconsiderationGround codes
    details = models.TextField()
    received_on = models.DateField()
    within_window = models.BooleanField()
    late_reason_accepted = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ReconsiderationStatus.choices, default=ReconsiderationStatus.RECEIVED
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The decision the reconsidering panel took (a new version of the original's stage).
    reconsidered_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="answers_reconsideration"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    outcome_communicated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            # Someone else's request is recorded with who brought it; a direct request has no go-between.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        requester_kind=RequesterKind.OTHER,
                        routed_through__in=[k for k, _ in ROUTES],
                        routed_through_name__gt="",
                    )
                    | (
                        ~models.Q(requester_kind=RequesterKind.OTHER)
                        & models.Q(routed_through="", routed_through_name="")
                    )
                ),
                name="reconsideration_request_route",
            ),
        ]

    def __str__(self) -> str:
        return f"Reconsideration {self.pk} of {self.decision_id}"


class ReconsiderationWindow(models.Model):
    """The reconsideration window of a final negative decision, opened when it was communicated to the referrer
    (the referrer's letter produced). Kept as opened, so the last day printed in the letters is the one the
    request is judged against even if the site's setting changes later."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="reconsideration_window")
    final_on = models.DateField()  # the day the decision became final (after any second review)
    communicated_on = models.DateField()  # the day the referrer's letter was produced
    window_days = models.PositiveSmallIntegerField()  # the site's setting when the window opened
    last_day = models.DateField()  # decisions.reconsideration.last_day of the three above
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("final_on")), name="reconsideration_window_after_final"
            ),
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("communicated_on")), name="reconsideration_window_last_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Reconsideration window of {self.decision_id} to {self.last_day}"


class DecisionReturn(models.Model):
    """A finalised decision as sent to the SCA for audit: kept exactly as sent."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="returns")
    # The site that sent it: the SCA's scope. Kept even if the case later moves to another site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="decision_returns")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    export = models.JSONField()
    sha256 = models.CharField(max_length=64)
    # What the list of returns shows of the export (`export.summary`), as text, kept when it is sent so that the list
    # reads none of the exports (each a whole decision record); filled for returns sent before (migration 0004).
    sent_reference = models.TextField(blank=True, default="", editable=False)
    sent_stage = models.TextField(blank=True, default="", editable=False)
    sent_version = models.TextField(blank=True, default="", editable=False)
    sent_outcome = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sent_at"], name="decision_return_sent_idx"),
            models.Index(fields=["site", "-sent_at"], name="decision_return_site_idx"),
        ]

    def __str__(self) -> str:
        return f"Return {self.pk} of {self.decision_id}"


class FindingRating(models.TextChoices):
    SOUND = "sound", _("Sound: no concerns")
    MINOR = "minor", _("Minor concerns")
    SERIOUS = "serious", _("Serious concerns")


class QualityFinding(models.Model):
    """The SCA quality assurer's finding on a returned decision; the panel sees and answers it."""

    decision_return = models.ForeignKey(DecisionReturn, on_delete=models.PROTECT, related_name="findings")
    rating = models.CharField(max_length=16, choices=FindingRating.choices)
    finding = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    panel_response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Finding {self.pk} on {self.decision_return_id}"
