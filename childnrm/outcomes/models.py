"""What happens to a child after the panel's decision: scheduled outcome reviews and missing episodes.

A decided child gets one follow-up (`OutcomeFollowUp`), started by the first decision about them that
became final; its reviews fall at the site's schedule (`OutcomeSchedule`: months after that decision, and
the 18th birthday). A review records placement and its stability, going missing, re-referral, further
exploitation, education, employment or training, criminal-justice involvement, support received and the
young person's own view. Missing episodes are recorded whenever they happen, with the return home
interview that must be offered within 72 hours of the return.

Who owns a review is not stored: it is whoever is the child's lead social worker or allocated guardian
when the review is due (people.ChildAssociation), so a change of worker hands the reviews over with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.people.models import Child

DEFAULT_SCHEDULE_MONTHS = [3, 6, 12, 24]


class OutcomeSchedule(models.Model):
    """A site's outcome review schedule. A site without a row follows the default (3, 6, 12 and 24 months
    after the decision, and at 18). A change applies to children decided after it: a follow-up keeps the
    schedule it started with, so a review already due never moves."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="outcome_schedule")
    months = models.JSONField(default=list)  # whole months after the decision, ascending
    at_eighteen = models.BooleanField(default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Outcome review schedule of {self.site_id}"


class OutcomeFollowUp(models.Model):
    """One per child: when follow-up started (the first final decision) and the schedule it follows."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="outcome_follow_up")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()  # the day the decision was taken
    months = models.JSONField(default=list)
    at_eighteen = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Outcome follow-up of {self.child_id}"


class ReviewPoint(models.TextChoices):
    MONTHS = "months", _("Months after the decision")
    EIGHTEEN = "eighteen", _("At 18")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_KNOWN = "not_known", _("Not known")


class Placement(models.TextChoices):
    FAMILY = "family", _("At home with parents or family")
    KINSHIP = "kinship", _("With relatives or friends (kinship care)")
    FOSTER = "foster", _("Foster care")
    CHILDRENS_HOME = "childrens_home", _("Children's home")
    SUPPORTED = "supported", _("Supported or semi-independent accommodation")
    SECURE = "secure", _("Secure children's home")
    CUSTODY = "custody", _("Youth custody")
    ADULT = "adult", _("Adult or independent accommodation")
    MISSING = "missing", _("Missing: whereabouts not known")
    OTHER = "other", _("Somewhere else")


class PlacementStability(models.TextChoices):
    STABLE = "stable", _("Stable")
    AT_RISK = "at_risk", _("At risk of breaking down")
    ENDED = "ended", _("Broke down or ended unplanned")


class Exploitation(models.TextChoices):
    YES = "yes", _("Yes, known")
    SUSPECTED = "suspected", _("Suspected")
    NO = "no", _("No")
    NOT_KNOWN = "not_known", _("Not known")


class Occupation(models.TextChoices):
    """Education, employment or training."""

    FULL_TIME_EDUCATION = "full_time_education", _("In full-time education")
    PART_TIME_EDUCATION = "part_time_education", _("In part-time education, including a reduced timetable")
    TRAINING = "training", _("In training or an apprenticeship")
    EMPLOYMENT = "employment", _("In work")
    NONE = "none", _("Not in education, employment or training")
    NOT_KNOWN = "not_known", _("Not known")


class Justice(models.TextChoices):
    VICTIM_OR_WITNESS = "victim_or_witness", _("As a victim or witness")
    CHARGED = "charged", _("Charged with an offence")
    NONE = "none", _("No involvement")


class DefenceResult(models.TextChoices):
    """What became of the section 45 defence (Modern Slavery Act 2015; section 22 in Northern Ireland)."""

    PENDING = "pending", _("Not decided yet")
    NOT_PROSECUTED = "not_prosecuted", _("Charge dropped or not prosecuted")
    ACQUITTED = "acquitted", _("Acquitted")
    CONVICTED = "convicted", _("Convicted")


class Support(models.TextChoices):
    GUARDIAN = "guardian", _("Independent child trafficking guardian")
    THERAPEUTIC = "therapeutic", _("Therapeutic support")
    IMMIGRATION = "immigration", _("Immigration legal advice")
    NONE = "none", _("None of these")


class OutcomeReview(models.Model):
    follow_up = models.ForeignKey(OutcomeFollowUp, on_delete=models.CASCADE, related_name="reviews")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="outcome_reviews")
    point = models.CharField(max_length=16, choices=ReviewPoint.choices)
    months = models.PositiveSmallIntegerField(null=True, blank=True)  # for a review some months after
    due_on = models.DateField()

    # The answers (blank until recorded).
    placement = models.CharField(max_length=24, choices=Placement.choices, blank=True)
    placement_other = models.CharField(max_length=200, blank=True)
    placement_moves = models.PositiveSmallIntegerField(null=True, blank=True)  # since the last review
    placement_stability = models.CharField(max_length=16, choices=PlacementStability.choices, blank=True)
    went_missing = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    missing_episodes_recorded = models.PositiveSmallIntegerField(null=True, blank=True)  # in the period, when saved
    re_referred = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    re_referral_details = models.TextField(blank=True)
    further_exploitation = models.CharField(max_length=16, choices=Exploitation.choices, blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)  # referrals.vocab.ExploitationType codes
    occupation = models.CharField(max_length=24, choices=Occupation.choices, blank=True)
    justice = models.JSONField(default=list, blank=True)  # Justice codes
    section_45_raised = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    section_45_result = models.CharField(max_length=16, choices=DefenceResult.choices, blank=True)
    support = models.JSONField(default=list, blank=True)  # Support codes
    view_given = models.BooleanField(null=True, blank=True)
    young_person_view = models.TextField(blank=True)  # in their own words
    view_not_given_reason = models.TextField(blank=True)

    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The daily reminders: the day each was last sent, claimed before sending (a second run sends nothing).
    due_reminder_on = models.DateField(null=True, blank=True)
    overdue_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "months"], condition=models.Q(point="months"), name="outcome_review_months_once"
            ),
            models.UniqueConstraint(
                fields=["follow_up"], condition=models.Q(point="eighteen"), name="outcome_review_eighteen_once"
            ),
            models.CheckConstraint(
                condition=models.Q(point="months", months__isnull=False)
                | models.Q(point="eighteen", months__isnull=True),
                name="outcome_review_months_with_point",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "due_on"], name="outcome_review_child_due_idx"),
            models.Index(fields=["recorded_at", "due_on"], name="outcome_review_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} of {self.child_id}"

    @property
    def title(self) -> str:
        if self.point == ReviewPoint.EIGHTEEN:
            return gettext("Review at 18")
        return gettext("%(months)s-month review") % {"months": self.months}

    @property
    def done(self) -> bool:
        return self.recorded_at is not None


class InterviewOffered(models.TextChoices):
    YES = "yes", _("Yes, within 72 hours")
    LATE = "late", _("Yes, but later than 72 hours")
    NO = "no", _("No")
    NOT_KNOWN = "not_known", _("Not known yet")


class InterviewHeld(models.TextChoices):
    YES = "yes", _("Yes")
    DECLINED = "declined", _("No, the young person declined")
    NO = "no", _("No, for another reason")
    NOT_YET = "not_yet", _("Not yet")


class MissingEpisode(models.Model):
    """A time the child went missing. The end is blank while they are still missing; the return home
    interview (due within 72 hours of the return) is recorded once they are back."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    interview_offered = models.CharField(max_length=16, choices=InterviewOffered.choices, blank=True)
    interview_held = models.CharField(max_length=16, choices=InterviewHeld.choices, blank=True)
    interview_on = models.DateField(null=True, blank=True)
    learned = models.TextField(blank=True)  # what the return interview or the return told us
    # The guardians (user ids) emailed that the child is missing, at once when recorded or by the daily run
    # (`reminders.missing_episodes_tell`): each guardian once per episode, a guardian allocated later too.
    guardians_told = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="missing_episode_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "started_on"], name="missing_episode_child_idx"),
            # The dashboard's and the owners' lists (`selectors.INTERVIEW_AWAITED`, `MISSING_NOW`) read only these.
            models.Index(
                fields=["ended_on"],
                name="missing_interview_awaited_idx",
                condition=models.Q(ended_on__isnull=False, interview_held="not_yet"),
            ),
            models.Index(fields=["started_on"], name="missing_now_idx", condition=models.Q(ended_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.pk} of {self.child_id}"

    @property
    def open(self) -> bool:
        return self.ended_on is None
