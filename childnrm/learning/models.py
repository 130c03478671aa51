"""The evidence library shared by every site's practitioners (issue 12).

An item (`LibraryItem`) is known by a stable number; what it says is held in versions. A practitioner
submits a version; a moderator of the submitter's site approves it (it becomes the published version) or
rejects it with reasons. A published version stays published while a revision waits, so a link never breaks.
Versions are never edited once moderated: the history is the versions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.case_reviews.models import ReviewKind
from childnrm.referrals.vocab import ExploitationType


class ItemKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance")
    RESEARCH = "research", _("Research")
    PRACTICE_NOTE = "practice_note", _("Practice note")
    CASE_STUDY = "case_study", _("Case study")
    TEMPLATE = "template", _("Template")
    PRESENTATION = "presentation", _("Presentation")


class Theme(models.TextChoices):
    COUNTY_LINES = "county_lines", _("County lines")
    CRIMINAL_EXPLOITATION = "criminal_exploitation", _("Criminal exploitation")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    AGE_ASSESSMENT = "age_assessment", _("Age assessment")
    MISSING = "missing", _("Going missing")
    CREDIBILITY = "credibility", _("Trauma-informed credibility")
    DISCLOSURE = "disclosure", _("Disclosure and interviewing")
    DECISION_MAKING = "decision_making", _("Panel decision-making")
    SAFEGUARDING_PLANS = "safeguarding_plans", _("Safeguarding plans")
    IMMIGRATION = "immigration", _("Immigration and asylum")
    TRANSITION = "transition", _("Turning 18")


class Audience(models.TextChoices):
    PANEL_MEMBERS = "panel_members", _("Panel members and chairs")
    COORDINATORS = "coordinators", _("Panel coordinators")
    FIRST_RESPONDERS = "first_responders", _("First responders")
    SOCIAL_WORKERS = "social_workers", _("Social workers")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health")
    GUARDIANS = "guardians", _("Independent guardians")


def audience_choices(where: Site | str | None) -> list[tuple[str, str]]:
    """Whom an item is for, the guardians named as the reader's nation names them. The library is shared by every
    site; England and Wales keep "Independent guardians" (ADR 0027)."""
    law = nations.rules(where)
    if law.english_law:
        return list(Audience.choices)
    guardians = gettext("Guardians (%(service)s)") % {"service": law.guardian_service}
    return [(code, guardians if code == Audience.GUARDIANS else str(label)) for code, label in Audience.choices]


class Region(models.TextChoices):
    """Where the item comes from or applies: the UK nations and the English regions of the NRM statistics."""

    UK_WIDE = "uk", _("UK-wide")
    LONDON = "london", _("London")
    SOUTH_EAST = "south_east", _("South East")
    SOUTH_WEST = "south_west", _("South West")
    EAST = "east", _("East of England")
    EAST_MIDLANDS = "east_midlands", _("East Midlands")
    WEST_MIDLANDS = "west_midlands", _("West Midlands")
    NORTH_WEST = "north_west", _("North West")
    NORTH_EAST = "north_east", _("North East")
    YORKSHIRE = "yorkshire", _("Yorkshire and the Humber")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


class VersionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("status", "Waiting for moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")
    REPLACED = "replaced", _("Replaced by a later version")


EXPLOITATION_CHOICES = [c for c in ExploitationType.choices if c[0] not in ("other", "not_known")]


class LibraryItem(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")  # whose moderators decide
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a version is approved; the library shows and searches only published versions.
    published = models.OneToOneField(
        "LibraryItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="published_as"
    )

    def __str__(self) -> str:
        return f"Library item {self.pk}"


def library_file_path(version: LibraryItemVersion, filename: str) -> str:
    # The stored name never carries the uploaded name (which may say anything); it is kept on the row.
    return f"library/{version.item_id}/{version.number}-{filename}"


class LibraryItemVersion(models.Model):
    item = models.ForeignKey(LibraryItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    themes = models.JSONField(default=list)  # Theme values
    exploitation_types = models.JSONField(default=list)  # ExploitationType values
    region = models.CharField(max_length=20, choices=Region.choices)
    audiences = models.JSONField(default=list)  # Audience values
    item_date = models.DateField()  # when the item was written or published by its author
    link = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=library_file_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    # The labels of the themes and exploitation types, for full-text search (kept by the services).
    search_tags = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="library_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values), name="library_version_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(link="", file=""), name="library_version_has_link_or_file"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="library_version_queue_idx")]

    def __str__(self) -> str:
        return f"Library item {self.item_id} version {self.number}"

    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes if t in Theme.values]

    def exploitation_labels(self) -> list[str]:
        return [ExploitationType(t).label for t in self.exploitation_types if t in ExploitationType.values]

    def audience_labels(self, where: Site | str | None = None) -> list[str]:
        """Whom it is for, in the words of `where` (the reader's nation, `nations.nation_of_user`)."""
        labels = dict(audience_choices(where))
        return [labels[a] for a in self.audiences if a in labels]


class ReviewSummary(models.Model):
    """An anonymised summary of a site's case review, for every site's learning log (issue 12 item 2).

    The review itself (case_reviews) is seen only by its site. Its coordinator writes a summary with its themes;
    a library moderator of the site approves it (published to every site) or rejects it with reasons, as for a
    library item. Each submission is a new row, never edited once moderated: a newer one replaces a summary still
    waiting, and its approval replaces the one published before. A returned summary is changed and sent again as
    the next row (`revises`), so its moderator sees the reasons it answers. A published summary never links to
    the review.
    """

    review = models.ForeignKey("case_reviews.CaseReview", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")  # the review's; its moderators decide
    number = models.PositiveIntegerField()  # the nth summary of the review
    review_kind = models.CharField(max_length=16)  # case_reviews.ReviewKind, as it was when submitted
    review_year = models.PositiveSmallIntegerField()  # the year the review started: no closer date is published
    title = models.CharField(max_length=200)
    summary = models.TextField()  # what happened, in outline
    learning = models.TextField()  # what every site can learn from it
    themes = models.JSONField(default=list)  # Theme values
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)
    # The returned summary this one answers: its author changed it after the moderator's reasons and sent it again.
    revises = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["review_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="review_summary_number_unique"),
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(status="approved"), name="review_summary_one_published"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values), name="review_summary_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "moderated_at"], name="review_summary_published_idx")]

    def __str__(self) -> str:
        return f"Summary {self.number} of case review {self.review_id}"

    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes if t in Theme.values]

    def review_kind_label(self) -> str:
        return ReviewKind(self.review_kind).label if self.review_kind in ReviewKind.values else gettext("Case review")
