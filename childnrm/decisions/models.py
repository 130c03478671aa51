"""Decisions: reasonable and conclusive grounds, with their reasons, votes, corrections and reviews.

A decision is drafted during a sitting and finalised by the chair. A finalised decision is never
edited: a correction is a new version (a new row superseding the old, with a reason), like the
link decisions in people.models. Negative decisions may need a second review before they are final
(a site setting). Reconsideration requests and the SCA's quality assurance are in `reviews`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.decisions.wording import outcome_words
from childnrm.kit.i18n import kept
from childnrm.panels.models import Agency, AgendaItem, Meeting
from childnrm.referrals.models import Referral

if TYPE_CHECKING:
    from childnrm.accounts.models import Site


def _label(record: models.Model, name: str) -> str:
    """What `get_<name>_display()` gives, from the field's labels translated once per language (kit.i18n.kept):
    Django's own hashes, and so translates, every label of the field at each call, a dozen calls a decision page."""
    labels = kept(
        ("decisions:labels", record._meta.label, name),
        lambda: {value: str(label) for value, label in cast(models.Field, record._meta.get_field(name)).flatchoices},
    )
    value = getattr(record, name)
    return labels.get(value, value)  # as Django's: a value not among the choices shown as it is


class Stage(models.TextChoices):
    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds")
    CONCLUSIVE_GROUNDS = "conclusive_grounds", _("Conclusive grounds")


class Outcome(models.TextChoices):
    # Short labels only: a decision's outcome in words depends on its stage (decisions/wording.py).
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SECOND_REVIEW = "second_review", _("Waiting for second review")
    FINAL = "final", _("Final")
    SUPERSEDED = "superseded", _("Superseded by a later version")
    # A negative decision the second reviewer did not agree with: it goes back to the panel as a new draft.
    RETURNED = "returned", _("Returned to the panel by the second reviewer")


class Act(models.TextChoices):
    """The act element of trafficking. For a child the means (force, deception) need not be shown."""

    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSPORT = "transport", _("Transport")
    TRANSFER = "transfer", _("Transfer")
    HARBOURING = "harbouring", _("Harbouring")
    RECEIPT = "receipt", _("Receipt")


class Vote(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    ABSTAIN = "abstain", _("Abstains")


class ActFinding(models.TextChoices):
    FOUND = "found", _("The panel found an act of trafficking")
    NOT_FOUND = "not_found", _("The panel found no act of trafficking")
    # Modern Slavery Act 2015 s1: slavery, servitude and forced or compulsory labour need no trafficking act.
    NOT_NEEDED = "not_needed", _("Not needed: the panel found slavery, servitude or forced or compulsory labour")


class PurposeFinding(models.TextChoices):
    FOUND = "found", _("The panel found an exploitative purpose")
    NOT_FOUND = "not_found", _("The panel found no exploitative purpose")


class SlaveryFinding(models.TextChoices):
    """Modern Slavery Act 2015 s1 (and its equivalents in Scotland and Northern Ireland)."""

    SLAVERY = "slavery", _("Slavery")
    SERVITUDE = "servitude", _("Servitude")
    FORCED_LABOUR = "forced_labour", _("Forced or compulsory labour")


class PlanBasis(models.TextChoices):
    """How a positive reasonable grounds decision is tied to the child's protection (never only a status)."""

    AGREED_AT_SITTING = "agreed_at_sitting", _("A safeguarding plan was agreed at this sitting")
    ALREADY_IN_PLACE = "already_in_place", _("A plan already in place protects the child")


# The Home Office's starting categories (negative_reasons.HOME_OFFICE_CATEGORIES) in the page's language; a
# reason an administrator adds is shown in the words they gave it.
NEGATIVE_REASON_WORDS = {
    "Insufficient information to meet the test": _("Insufficient information to meet the test"),
    "The act element was not met": _("The act element was not met"),
    "The exploitative purpose element was not met": _("The exploitative purpose element was not met"),
    "The account was not found credible": _("The account was not found credible"),
    "The exploitation found does not amount to modern slavery": _(
        "The exploitation found does not amount to modern slavery"
    ),
}


class NegativeReason(models.Model):
    """The coded reasons for a negative decision: the categories of the Home Office's record-level NRM data,
    kept as a list an administrator can extend or retire (a retired code stays on the decisions that used it)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return str(NEGATIVE_REASON_WORDS.get(self.label, self.label))


class DecisionKind(models.TextChoices):
    ORIGINAL = "original", _("Decision")
    CORRECTION = "correction", _("Correction of an earlier version")
    RECONSIDERATION = "reconsideration", _("Decision on reconsideration")


class Decision(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(max_length=24, choices=Stage.choices)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    kind = models.CharField(max_length=16, choices=DecisionKind.choices, default=DecisionKind.ORIGINAL)
    # Why this version replaces the one it supersedes (a correction, or a reconsideration's outcome).
    correction_reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )

    # The test applied, as worded by the guidance version in force (decisions.guidance).
    guidance_version = models.CharField(max_length=40)
    test_applied = models.TextField()

    act_found = models.JSONField(default=list, blank=True)  # Act codes
    act_reasoning = models.TextField(blank=True)
    purpose_found = models.JSONField(default=list, blank=True)  # exploitation type codes (referrals.vocab)
    purpose_reasoning = models.TextField(blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    credibility_reasoning = models.TextField(blank=True)

    # The child's wishes and feelings, how and by whom they were gathered, or why they could not be.
    wishes_gathered = models.BooleanField(null=True, blank=True)
    wishes_and_feelings = models.TextField(blank=True)
    wishes_how_gathered = models.TextField(blank=True)
    wishes_gathered_by = models.CharField(max_length=200, blank=True)
    wishes_not_gathered_reason = models.TextField(blank=True)

    # What the panel found on each element, stated either way (a negative decision says what was not met).
    act_finding = models.CharField(max_length=16, choices=ActFinding.choices, blank=True)
    purpose_finding = models.CharField(max_length=16, choices=PurposeFinding.choices, blank=True)
    slavery_found = models.JSONField(default=list, blank=True)  # SlaveryFinding codes
    slavery_reasoning = models.TextField(blank=True)
    negative_reason = models.ForeignKey(
        NegativeReason, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )

    # How the decision and the plan serve the child's best interests (required before sign-off).
    best_interests = models.TextField(blank=True)
    # A positive reasonable grounds decision: the plan agreed at the sitting, or the plan already in place.
    plan_basis = models.CharField(max_length=24, choices=PlanBasis.choices, blank=True)
    plan_in_place_reason = models.TextField(blank=True)
    # A negative decision: the support the child will still get.
    support_after_negative = models.TextField(blank=True)

    # Further notes of disagreement; every vote against the outcome is dissent in its own right.
    dissent = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    # A tied vote under the site's casting-vote rule: the chair's casting vote and reasons.
    casting_vote = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    casting_vote_reasons = models.TextField(blank=True)
    # The site policy in force when the decision was signed off.
    site_policy = models.ForeignKey(
        "accounts.SitePolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    # Second review of a negative decision (site setting), by someone who did not vote on it.
    second_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_reviewed_at = models.DateTimeField(null=True, blank=True)
    second_review_agrees = models.BooleanField(null=True, blank=True)
    second_review_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["referral", "stage", "version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage", "version"], name="decision_version_unique"),
            # One decision stands for each referral and stage: an earlier final version is superseded first.
            models.UniqueConstraint(
                fields=["referral", "stage"],
                condition=models.Q(status="final"),
                name="decision_one_final_per_stage",
            ),
            # Only a draft (or a version returned before it was decided) may lack an outcome.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "returned"]) | ~models.Q(outcome=""),
                name="decision_outcome_unless_draft",
            ),
        ]
        indexes = [
            models.Index(fields=["referral", "stage", "status"], name="decision_referral_idx"),
            models.Index(fields=["status", "decided_on"], name="decision_status_idx"),
            # The dashboard's final decisions without their letters or not yet explained, longest waiting first: the
            # walk in their whole order reads each decision's referral, stage and outcome from the index alone, and
            # only the site's decisions from the table (issue 16).
            models.Index(
                fields=["decided_on", "id"],
                include=["referral", "stage", "outcome"],
                condition=models.Q(status="final", decided_on__isnull=False),
                name="decision_final_walk_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} v{self.version} of {self.referral_id}"

    # Django keeps a get_FOO_display defined on the model; the stubs plugin declares its own.
    def get_outcome_display(self) -> str:  # type: ignore[no-redef]
        """The outcome in the words the law gives it at this stage (never the bare choice label)."""
        return outcome_words(self.stage, self.outcome)

    @property
    def outcome_words(self) -> str:
        return outcome_words(self.stage, self.outcome)

    @property
    def site(self) -> Site:
        """The site whose panel decides: a case is held by a site before a decision on it is started."""
        site = self.referral.site
        if site is None:
            raise ValueError(f"Decision {self.pk} is of a referral no site holds")
        return site

    @property
    def is_final(self) -> bool:
        return self.status in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)


class DecisionEvidence(models.Model):
    """One piece of evidence the panel weighed, and which agency supplied it."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="evidence")
    description = models.TextField()
    agency = models.CharField(max_length=32, choices=Agency.choices)
    supplied_by = models.CharField(max_length=200, blank=True)  # organisation name as recorded
    weight = models.TextField(blank=True)  # how the panel weighed it
    information_response = models.ForeignKey(
        "information.InformationResponse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral_document = models.ForeignKey(
        "referrals.ReferralDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"Evidence {self.pk} of {self.decision_id}"


class DecisionVote(models.Model):
    """Each voting member's vote on a decision (recorded at the sitting)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    vote = models.CharField(max_length=16, choices=Vote.choices)
    reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "agency", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "voter"], name="decision_vote_once")]

    def __str__(self) -> str:
        return f"{self.voter_id} on {self.decision_id}: {self.vote}"


class AgencyNilReturn(models.Model):
    """An agency's recorded statement that it holds nothing relevant to this decision (multi-agency input)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="nil_returns")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    statement = models.TextField()  # who in the agency confirmed it, and how
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "agency"]
        constraints = [models.UniqueConstraint(fields=["decision", "agency"], name="decision_nil_return_once")]

    def __str__(self) -> str:
        return f"{self.agency} holds nothing relevant to {self.decision_id}"


class TieDeferral(models.Model):
    """A sitting at which the votes were tied and the site's rule deferred the decision to a further sitting.
    The votes as cast there are kept here, because the draft's votes start again at the next sitting."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tie_deferrals")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    votes = models.JSONField()  # [{"voter": id, "name": ..., "agency": ..., "vote": ..., "reasons": ...}]
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "recorded_at"]

    def __str__(self) -> str:
        return f"Tie deferred at meeting {self.meeting_id} for {self.decision_id}"


def _labels_kept(model: type[models.Model], *names: str) -> None:
    """`get_<name>_display()` of each field from its labels translated once per language (`_label`)."""
    for name in names:
        setattr(model, f"get_{name}_display", lambda record, name=name: _label(record, name))


_labels_kept(Decision, "stage", "kind", "status", "act_finding", "purpose_finding", "plan_basis", "casting_vote")
_labels_kept(DecisionVote, "agency", "vote")
