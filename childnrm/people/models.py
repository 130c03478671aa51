"""Children the service holds records about, and the people associated with each child."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy

from childnrm.accounts.models import Organisation, Site
from childnrm.kit.i18n import LetterLanguage

# Unambiguous characters: a reference is read out on the phone and copied into letters.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def random_reference(prefix: str, length: int = 8) -> str:
    """A public reference: unguessable (records are not enumerable) and easy to read out."""
    return prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(length))


class DrawnReference(str):
    """A reference drawn at random for a new row (`drawn_reference`), not one given: a save may draw it again."""

    prefix: str
    length: int

    def __new__(cls, prefix: str, length: int) -> DrawnReference:
        drawn = super().__new__(cls, random_reference(prefix, length))
        drawn.prefix, drawn.length = prefix, length
        return drawn

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        # pickled and copied as the plain reference (an unsaved copy's save then no longer checks it)
        return str, (str(self),)


def drawn_reference(prefix: str, length: int = 8) -> str:
    """A model field's default: drawn without reading the database (a form may make a row it never saves)."""
    return DrawnReference(prefix, length)


def unused_references(
    model: type[models.Model], prefix: str, count: int, *, length: int = 8, field: str = "reference"
) -> list[str]:
    """`count` distinct random references that no row of `model` holds yet, in the order drawn (rows made in bulk,
    which `ReferenceDrawnAgainIfHeld.save` does not see). Checked 900 at a time (within SQLite's bound on a
    statement's parameters): one read for up to 900, and one more for each clash."""
    chosen: dict[str, None] = {}  # ordered: a key's order says nothing of the row it is given to
    while len(chosen) < count:
        draws = dict.fromkeys(random_reference(prefix, length) for _ in range(min(count - len(chosen), 900)))
        drawn = [r for r in draws if r not in chosen]
        taken = set(model._default_manager.filter(**{f"{field}__in": drawn}).values_list(field, flat=True))
        chosen.update((r, None) for r in drawn if r not in taken)
    return list(chosen)


class ReferenceDrawnAgainIfHeld(models.Model):
    """A model whose public reference is drawn at random, once. At a million rows about one new draw in a million
    repeats a stored reference: a new row's drawn reference is checked before it is inserted and drawn again if
    held, rather than the save failing on the unique constraint and losing what was typed. A reference given (a
    restore, a bench's numbered one) is never changed. Two saves drawing the same new reference at the same moment
    is left to the constraint: with 32^8 references, about one in a trillion."""

    reference_field: ClassVar[str] = "reference"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        field = self.reference_field
        value = self.__dict__.get(field)  # not getattr: a row read without its reference would read it
        if isinstance(value, DrawnReference):
            model = type(self)
            if self._state.adding and model._default_manager.filter(**{field: value}).exists():
                value = unused_references(model, value.prefix, 1, length=value.length, field=field)[0]
            setattr(self, field, str(value))
        super().save(*args, **kwargs)


def new_child_reference() -> str:
    return drawn_reference("CH-")


class Sex(models.TextChoices):
    FEMALE = "female", gettext_lazy("Female")
    MALE = "male", gettext_lazy("Male")
    NOT_KNOWN = "not_known", gettext_lazy("Not known")


class Child(ReferenceDrawnAgainIfHeld):
    """One child. Duplicate records of the same child are linked, never merged."""

    reference = models.CharField(max_length=12, unique=True, default=new_child_reference, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="children")
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    # ISO 3166-1 alpha-2 codes; a child may hold several nationalities.
    nationalities = models.JSONField(default=list, blank=True)
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="resident_children"
    )
    # The language the child's letters are written in (ADR 0023): English, Welsh or both. Blank until recorded:
    # then a site in Wales writes both languages and any other site English (letters.services.letter_languages).
    correspondence_language = models.CharField(max_length=8, choices=LetterLanguage.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the earliest referral of this child that their own site's panel accepted was made: empty until one is.
    # Kept by the database itself (triggers, people migration 0014; ADR 0033), whatever writes the referrals or the
    # child, so the dashboard finds the children without a guardian, longest waiting first, from one index.
    accepted_here_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["site", "family_name", "given_names"]),
            # The children list, newest first: with the id (its order's last key), a page's ids of a site's children
            # are read from the index alone, from the nearer end (people.selectors.child_list_page, issue 16).
            models.Index(fields=["site", "created_at", "id"], name="child_site_created_idx"),
            # The dashboard's turning-18 and cut-off sections: a range of birth dates at a site (issue 16). With the id,
            # the site's children under 18 (children without a guardian) are read from the index alone.
            models.Index(fields=["site", "date_of_birth", "id"], name="child_site_birth_idx"),
            # A child's site and date of birth from the index alone, by id: the dashboard's overdue actions check
            # each action's child's site, and its children without a guardian each child's site and age, without
            # reading the child's row (issue 16).
            models.Index(fields=["id"], include=["site", "date_of_birth"], name="child_site_birth_by_id_idx"),
            # The dashboard's children without a guardian: a site's children accepted here, longest waiting first,
            # with their age read from the index alone (dashboard.clocks.children_without_guardian, issue 16).
            models.Index(
                fields=["site", "accepted_here_since", "id"],
                include=["date_of_birth"],
                condition=models.Q(accepted_here_since__isnull=False),
                name="child_accepted_here_idx",
            ),
        ]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.reference

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)


class AssociationKind(models.TextChoices):
    """Why a user is connected to one child's record (the 'cases I am associated with' basis)."""

    REFERRER = "referrer", "Referrer"
    ICTG = "ictg", "Allocated guardian (ICTG)"
    LEAD_SOCIAL_WORKER = "lead_social_worker", "Lead social worker"


class ChildAssociation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="associations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="child_associations")
    kind = models.CharField(max_length=32, choices=AssociationKind.choices)
    starts_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "user", "kind"], name="child_association_unique"),
        ]
        indexes = [
            models.Index(fields=["user", "kind"]),
            # Who has a guardian (ICTG) allocated now: the dashboard's children without one look their children up
            # in it, or read it whole, instead of every association ever made (issue 16).
            models.Index(
                fields=["child"],
                condition=models.Q(kind=AssociationKind.ICTG, ends_at__isnull=True),
                name="child_association_ictg_now_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child_id}"


class SocialWorkerSource(models.TextChoices):
    REFERRAL = "referral", gettext_lazy("From the referral")
    SAFEGUARDING = "safeguarding", gettext_lazy("Recorded on the safeguarding page")


class LeadSocialWorker(models.Model):
    """The child's allocated (lead) social worker and team, over time.

    The social worker may not use this service: name, team, local authority and contact details are
    recorded as given, and `user` is set when one of our users has that email address (from a referral, only one
    plausibly the child's social worker: people.services._social_worker_from_referral). A change ends
    the current row and starts a new one, so the history stays. The database allows one current
    (not ended) row per child. Users named here also hold a LEAD_SOCIAL_WORKER ChildAssociation while
    current (see people.services.lead_social_worker_record).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="lead_social_workers")
    name = models.CharField(max_length=200)
    team = models.CharField(max_length=200, blank=True)
    local_authority = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=16, choices=SocialWorkerSource.choices)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)  # why the record changed, when changed on the safeguarding page
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(ends_at__isnull=True), name="lead_social_worker_one_current"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="lead_social_worker_named"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="lead_social_worker_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["user"], name="lead_social_worker_user_idx"),
            # The children a user leads, by the email a social worker was recorded with before they had an account
            # (`selectors.children_led_by`, read whenever a meeting's agenda or chair is shown or changed).
            models.Index(Upper("email"), condition=models.Q(ends_at__isnull=True), name="lead_social_worker_email_idx"),
        ]

    def __str__(self) -> str:
        return f"Lead social worker of {self.child_id}"

    @property
    def current(self) -> bool:
        return self.ends_at is None


# ------------------------------------------------------------------------------------------------
# Linkage: records of the same child are found by blocking keys and linked by a coordinator's
# decision. Nothing is merged: a link is a relation between two records, and every decision is kept.
# ------------------------------------------------------------------------------------------------


class ChildBlockingKey(models.Model):
    """A key a child's record is found by when looking for other records of the same child.

    Derived data (see `people.linkage_scoring.blocking_keys`), kept current when a child or one of its
    referrals is saved (receivers in `people.linkage`); rebuilt with `linkage.blocking_keys_refresh` after
    bulk writes.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="blocking_keys")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year_estimated = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "key"], name="child_blocking_key_unique")]
        # Every column the candidate search reads, so that it reads the index alone (an index-only scan on
        # PostgreSQL): at a million children the heap visits were most of the search (issue 15 item 5).
        indexes = [
            models.Index(
                fields=["site", "key", "birth_year", "birth_year_estimated", "child"], name="child_blocking_search_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.child_id}"


class LinkStatus(models.TextChoices):
    LINKED = "linked", "Linked: the same child"
    REJECTED = "rejected", "Not the same child"
    UNDONE = "undone", "Decision undone"


class ChildLinkDecision(models.Model):
    """One coordinator's decision about whether two records are of the same child.

    Append-only: a change of mind is a new row that supersedes the current one (an undo is a row
    with status "undone"), so the whole history stays. The current decision on a pair is the row
    no other row supersedes. The pair is stored in id order. The database allows one first decision
    per pair and one successor per decision, so two simultaneous clicks cannot both be recorded.
    """

    child_a = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="link_decisions_as_a")
    child_b = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="link_decisions_as_b")
    status = models.CharField(max_length=16, choices=LinkStatus.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    # The match as it was scored when decided: score and per-feature evidence (see people.linkage_scoring).
    score = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(child_a__lt=models.F("child_b")), name="child_link_pair_ordered"),
            models.UniqueConstraint(
                fields=["child_a", "child_b"],
                condition=models.Q(supersedes__isnull=True),
                name="child_link_one_first_decision",
            ),
        ]
        indexes = [models.Index(fields=["child_b", "child_a"], name="child_link_b_idx")]

    def __str__(self) -> str:
        return f"{self.child_a_id}–{self.child_b_id}: {self.status}"

    def other(self, child: Child) -> Child:
        return self.child_b if child.pk == self.child_a_id else self.child_a


class PossibleEarlierRecord(models.Model):
    """An earlier record that may be of the same child as a referral's child, with the evidence in plain words.

    Found by the candidate search (`people.linkage.possible_earlier_records_search`), run in the background
    when the referral is submitted and again when the child's identifying details change; each search
    replaces the referral's rows. Kept so the queue and the triage page read the result instead of
    scoring on every view. Whether the pair has been decided is not stored here: it is read from
    `ChildLinkDecision`, so linking or rejecting the pair anywhere (or undoing) is seen at once. A pair settled
    through other records (ADR 0034) is deleted by the decision that settles it, and kept again by the search an
    undo queues while the referral awaits triage.
    """

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="possible_earlier_records"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")  # the referral's child record
    earlier = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()  # orders the candidates; never shown (the words are)
    # The evidence in plain words, as phrases said in the language of the page reading them
    # (`linkage_scoring.Said.as_json`); records found before 2026-12-07 keep English text.
    words = models.JSONField(default=list)
    evidence = models.JSONField(default=list)  # every feature as scored (linkage_scoring.Evidence.as_dict)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "earlier"], name="possible_earlier_record_unique"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("earlier")), name="possible_earlier_record_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.earlier_id} for referral {self.referral_id}"


class LinkageModel(models.Model):
    """A linkage model trained on the service's own records (Splink's EM on DuckDB; ADR 0029).

    Each training run adds a row; the latest one's match weights replace the hand-set points in scoring
    (`people.linkage_scoring.TrainedWeights`). Kept, not overwritten, so a change in the matches shown can
    be traced to the model behind it.
    """

    trained_at = models.DateTimeField()
    records = models.PositiveIntegerField()  # child records trained on, across all sites
    # probability that two records picked at random are of the same child, among `records`
    probability_two_random_records_match = models.FloatField()
    # match weight of each comparison level ("given:same", "date_of_birth:swapped"...), and its m and u
    weights = models.JSONField(default=dict)
    training = models.JSONField(default=dict)  # the run's figures: seconds, EM iterations, blocking rules, pairs
    settings = models.JSONField(default=dict)  # the Splink settings, with trained m and u (save_model_to_json)

    class Meta:
        ordering = ["-trained_at", "-id"]
        get_latest_by = ["trained_at", "id"]

    def __str__(self) -> str:
        return f"Linkage model of {self.trained_at:%Y-%m-%d %H:%M} ({self.records} records)"


class NationalSweep(models.Model):
    """One national sweep: every child record of every site linked in one batch (Splink on DuckDB; ADR 0029)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="sweeps")
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)  # candidate links stored
    figures = models.JSONField(default=dict)  # seconds per stage, pairs compared

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = ["started_at", "id"]

    def __str__(self) -> str:
        return f"National sweep of {self.started_at:%Y-%m-%d %H:%M}"


class NationalLinkCandidate(models.Model):
    """A pair of child records a national sweep found may be of the same child, for review.

    Stored in id order. A pair at two sites is shown to each site's coordinator with minimum disclosure:
    that another site may hold a record of this child and whom to contact there, never that record.
    """

    sweep = models.ForeignKey(NationalSweep, on_delete=models.CASCADE, related_name="candidates")
    child_a = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    child_b = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    cross_site = models.BooleanField()
    match_probability = models.FloatField()
    match_weight = models.FloatField()

    class Meta:
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sweep", "child_a", "child_b"], name="national_link_candidate_unique"),
            models.CheckConstraint(
                condition=models.Q(child_a__lt=models.F("child_b")), name="national_link_candidate_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["child_a", "cross_site"], name="national_link_a_idx"),
            models.Index(fields=["child_b", "cross_site"], name="national_link_b_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_a_id}–{self.child_b_id} ({self.match_probability:.2f})"


# ------------------------------------------------------------------------------------------------
# Review of the national sweep's pairs at two sites (issue 15): each site's coordinator records what
# they found, with minimum disclosure (ADR 0029 and its amendments).
# ------------------------------------------------------------------------------------------------


def new_pair_key() -> str:
    """The pair's address in the service: unguessable, and naming neither record."""
    return drawn_reference("NL-", 10)


class NationalReviewStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Not reviewed yet")
    CONTACTED = "contacted", gettext_lazy("The other site has been contacted")
    SAME_CHILD = "same_child", gettext_lazy("Confirmed: the same child")
    NOT_SAME_CHILD = "not_same_child", gettext_lazy("Not the same child")


class NationalReviewOutcome(models.TextChoices):
    """What a coordinator records about a pair (a review is never "open")."""

    CONTACTED = "contacted", gettext_lazy("We have contacted the other site")
    SAME_CHILD = "same_child", gettext_lazy("Confirmed: the same child")
    NOT_SAME_CHILD = "not_same_child", gettext_lazy("Not the same child")


class NationalLinkPair(ReferenceDrawnAgainIfHeld):
    """Two records at two sites that a national sweep found may be of the same child, and where its review stands.

    Kept from sweep to sweep (a sweep's `NationalLinkCandidate` rows are replaced; the pair and its reviews stay),
    so a review is not lost when the next sweep runs and a pair found not to be the same child is never offered
    again. Stored in id order. `sweep` is the latest sweep that found the pair (null once a later sweep did not).
    """

    reference_field = "key"
    key = models.CharField(max_length=13, unique=True, default=new_pair_key, editable=False)
    child_a = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    child_b = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=NationalReviewStatus.choices, default=NationalReviewStatus.OPEN)
    match_probability = models.FloatField()  # as the latest sweep that found it scored it (orders; never shown)
    first_found_at = models.DateTimeField()
    sweep = models.ForeignKey(NationalSweep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-first_found_at", "-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child_a", "child_b"], name="national_link_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(child_a__lt=models.F("child_b")), name="national_link_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["child_b", "child_a"], name="national_link_pair_b_idx"),
            models.Index(fields=["status", "-first_found_at"], name="national_link_pair_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"

    def other_id(self, child: Child) -> int:
        return self.child_b_id if child.pk == self.child_a_id else self.child_a_id


class NationalLinkReview(models.Model):
    """One coordinator's outcome on a pair, with the reason, who and when. Append-only: the latest sets the status.

    `site` is the reviewer's site (the site of `child`, the record they reviewed it from). The other site's
    coordinators see the outcome, who and when, never the reason (it may describe this site's record).
    """

    pair = models.ForeignKey(NationalLinkPair, on_delete=models.CASCADE, related_name="reviews")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=NationalReviewOutcome.choices)
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="national_link_review_reason")]

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.outcome}"
