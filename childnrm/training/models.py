"""Training and its evaluation (issue 12 item 3).

A course (`Course`) is a site's own or national (run by a library moderator of its host site, open to every
site's people). It carries its self-assessment questions (`CourseQuestion`: knowledge and confidence, each
answered on a 1-5 scale). A course has sessions (`TrainingSession`: a date, times, a place or online, a trainer,
a capacity); a person's place on a session is an `Attendance` (booked, then attended or not). Each attendee
answers the course's questions before the session, just after it and three months after it
(`SelfAssessment`, one per attendance and stage, never edited), which the evaluation pairs person by person.
Whether a person's training is current (panel membership, decisions) comes from the site's
`TrainingSetting`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site

SCALE = range(1, 6)  # every question is answered 1 (lowest) to 5 (highest)
DEFAULT_CURRENT_MONTHS = 12


class QuestionKind(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    CONFIDENCE = "confidence", _("Confidence")


class Stage(models.TextChoices):
    """When a self-assessment is answered. The values are used in addresses."""

    BEFORE = "before", _("Before the session")
    AFTER = "after", _("Just after the session")
    THREE_MONTHS = "three_months", _("Three months after")


class Course(models.Model):
    # The site that runs it; for a national course, the site whose library moderators run it (its host).
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    national = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    # Attending a session keeps a panel member's training current (the site's TrainingSetting says how long).
    counts_for_panel = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["site", "national"], name="training_course_site_idx")]

    def __str__(self) -> str:
        return self.title


class CourseQuestion(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["course_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="training_question_position_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="training_question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    online = models.BooleanField(default=False)
    place = models.CharField(max_length=300)  # a room and building, or how to join online
    trainer = models.CharField(max_length=200)  # often from outside the service: a name, not an account
    capacity = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "starts_at", "id"]
        indexes = [models.Index(fields=["on", "starts_at"], name="training_session_on_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_session_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.on.isoformat()}"


class Attendance(models.Model):
    """A person's place on a session: booked, then recorded as attended (True) or not (False)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The site the person was booked from: a site's coordinators see their own people on a national session.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(null=True, blank=True)  # None until the trainer's register is recorded
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The daily task's reminders, claimed so that each is sent once (training.reminders).
    after_reminded_on = models.DateField(null=True, blank=True)
    three_months_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="training_attendance_unique")]
        indexes = [models.Index(fields=["user", "attended"], name="training_attendance_user_idx")]

    def __str__(self) -> str:
        return f"Place on {self.session}"


class SelfAssessment(models.Model):
    """One attendee's answers at one stage. Never edited: the evaluation pairs them person by person."""

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="assessments")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attendance_id", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendance", "stage"], name="training_assessment_stage_unique"),
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="training_assessment_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"Self-assessment {self.get_stage_display().lower()}"


class SelfAssessmentAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CourseQuestion, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="training_answer_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCALE.start, score__lt=SCALE.stop), name="training_answer_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} to question {self.question_id}"


class TrainingSetting(models.Model):
    """How long a site counts a person's training as current after the last session they attended."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+")
    current_months = models.PositiveSmallIntegerField(default=DEFAULT_CURRENT_MONTHS)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(current_months__gte=1, current_months__lte=60), name="training_setting_months_range"
            )
        ]

    def __str__(self) -> str:
        return f"Training setting of {self.site}"
