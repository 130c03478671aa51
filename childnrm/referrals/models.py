"""Referrals: how a child's case enters the system, from draft to submission (triage and routing: `triage`)."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Organisation, Site
from childnrm.people.models import Child, ReferenceDrawnAgainIfHeld, Sex, drawn_reference
from childnrm.referrals.vocab import ExploitationLocation


def new_referral_reference() -> str:
    return drawn_reference("NRM-")


def eighteenth_birthday(date_of_birth: date) -> date:
    """The 18th birthday; a 29 February birthday falls on 1 March in a non-leap year (UK practice).

    The rules' definition (`triage.eligibility` uses the same reading; a test pins the two together)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return date(date_of_birth.year + 18, 3, 1)


def birth_date_from_estimated_age(years: int, on: date) -> date:
    """The date of birth an estimated age stands for: turned `years` on `on` (see `triage.eligibility`)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February: 28 February is the latest day that makes the child `years` old
        return date(on.year - years, 2, 28)


def working_eighteenth_birthday(
    date_of_birth: date | None, estimated_age_years: int | None, submitted_at: datetime | None
) -> date | None:
    """The 18th birthday on the rules' working date of birth (`triage.eligibility.working_birth_date`): the date of
    birth, else the estimated age read as turned on the day of referral (UK time). None while no age is known, or an
    estimated age is given but the referral is not yet made (its day is not known until then)."""
    if date_of_birth is not None:
        return eighteenth_birthday(date_of_birth)
    if estimated_age_years is None or submitted_at is None:
        return None
    referred_on = timezone.localtime(submitted_at).date()
    return eighteenth_birthday(birth_date_from_estimated_age(estimated_age_years, referred_on))


# What the stored working 18th birthday is worked out from.
TURNS_18_FROM = frozenset({"date_of_birth", "estimated_age_years", "submitted_at"})

# The standing decisions a referral keeps, never written by `save()` nor by the referrer: the panel's, written only by
# the decisions service (`decisions.standing`), and who decides at triage, only by the triage services
# (`triage.standing`).
STANDING_DECISION_FIELDS = frozenset(
    {"standing_rg_decided_on", "standing_rg_outcome", "standing_cg_decided_on", "standing_triage_outcome"}
)
# When the case was anonymised: written only by retention (`Referral.anonymised_at`), never by `save()`.
RETENTION_FIELDS = frozenset({"anonymised_at"})


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted – awaiting triage")
    ACCEPTED = "accepted", _("Accepted by the panel")
    HANDED_OFF = "handed_off", _("Transferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReferralSource(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", "API"
    HOME_OFFICE_FORM = "home_office_form", _("Home Office NRM form import")


class Referral(ReferenceDrawnAgainIfHeld):
    """One referral of one child by one first responder. Drafts are saved as the referrer goes."""

    reference = models.CharField(max_length=12, unique=True, default=new_referral_reference, editable=False)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    source = models.CharField(max_length=20, choices=ReferralSource.choices, default=ReferralSource.WEB)
    # None for referrals submitted by an organisation's system through the API.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referrer_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Set by routing on submission; the site whose panel (or coordinator) now holds the case.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")

    # The child
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True)  # [{"given_names": .., "family_name": ..}]
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    estimated_age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    # Kept by save() from the three fields it is worked out from (`working_eighteenth_birthday`), so that lists of
    # who is 18 by a day are a range on an index instead of a condition per estimated age. A QuerySet.update() of
    # any of the three must set it too.
    turns_18_on = models.DateField("Working 18th birthday", null=True, blank=True, editable=False)
    age_uncertain = models.BooleanField(default=False)
    age_disputed = models.BooleanField(default=False)
    sex = models.CharField(max_length=16, choices=Sex.choices, blank=True)
    gender_identity = models.CharField(max_length=100, blank=True)
    nationalities = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2
    languages = models.JSONField(default=list, blank=True)  # ISO 639
    interpreter_needed = models.BooleanField(null=True, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    # Identifiers the referrer knows (issue 15, ADR 0029 amendment 7): the Home Office's form asks for the child's
    # Home Office references ("type of reference, reference number or both", kept as written), and a child known to
    # health has an NHS number (10 digits, kept without spaces). The search compares them (linkage_scoring).
    home_office_reference = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    address = models.TextField(blank=True)
    residence_local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_location = models.TextField(blank=True)

    # The exploitation
    exploitation_types = models.JSONField(default=list, blank=True)
    county_lines = models.BooleanField(default=False)
    exploitation_location = models.CharField(max_length=16, choices=ExploitationLocation.choices, blank=True)
    exploitation_started = models.DateField(null=True, blank=True)
    exploitation_ended = models.DateField(null=True, blank=True)
    age_at_exploitation = models.PositiveSmallIntegerField(null=True, blank=True)
    public_order_disqualification = models.BooleanField(
        default=False, help_text="A public-order disqualification is being considered"
    )

    # The account and indicators
    account = models.TextField(blank=True)
    indicators = models.JSONField(default=list, blank=True)

    # Safeguarding already in place
    ictg_referral_made = models.BooleanField(null=True, blank=True)
    child_in_need = models.BooleanField(default=False)
    child_protection_plan = models.BooleanField(default=False)
    looked_after = models.BooleanField(default=False)
    strategy_discussion_date = models.DateField(null=True, blank=True)
    safeguarding_notes = models.TextField(blank=True)
    # The child's allocated social worker, where known: becomes the child's lead social worker when
    # the referral is accepted (people.services.lead_social_worker_from_referral).
    social_worker_name = models.CharField(max_length=200, blank=True)
    social_worker_team = models.CharField(max_length=200, blank=True)
    social_worker_local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_email = models.EmailField(blank=True)
    social_worker_phone = models.CharField(max_length=40, blank=True)

    # The referrer
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_job_title = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)

    # Fields from an imported form that have no place above, kept verbatim.
    unmapped = models.JSONField(default=dict, blank=True)
    # An imported Home Office form: its own reference ("Your reference", unique per organisation), a
    # fingerprint of the answers (to tell the same submission sent again from a changed one), and every
    # answer under the form's headings and labels: [{"heading", "items": [{"field", "label", "value"}]}].
    form_reference = models.CharField(max_length=200, blank=True)
    form_fingerprint = models.CharField(max_length=64, blank=True)
    form_sections = models.JSONField(default=list, blank=True)
    # Web form sections the referrer has saved at least once: tells "Not started" from an answer of
    # "no" or "not known" on the task list (booleans and unknowns look the same before and after).
    sections_saved = models.JSONField(default=list, blank=True)

    # The decision that stands at each stage (the one final version, `decisions.Decision`): its date, and at
    # reasonable grounds its outcome; empty until one is final. Once final a stage stays decided (a correction or
    # a reconsideration replaces the version, and these with it), so "no final decision at this stage" is a
    # column here that lists such as the dashboard's read on a partial index, instead of an anti-join over every
    # decision. Kept by `decisions.standing` as a decision becomes final; never written by `save()`.
    standing_rg_decided_on = models.DateField("Reasonable grounds decided on", null=True, blank=True, editable=False)
    standing_rg_outcome = models.CharField("Reasonable grounds outcome", max_length=16, blank=True, editable=False)
    standing_cg_decided_on = models.DateField("Conclusive grounds decided on", null=True, blank=True, editable=False)
    # Who decides, as the latest triage assessment says (the latest by `assessed_at`, then id, as every reader of the
    # assessments takes it): the coordinator's outcome once confirmed, the engine's until then; empty before
    # submission. The queue's "who decides" filter is then a column on an index, instead of an anti-join over every
    # assessment. A `triage.models.TriageOutcome` value. Kept by `triage.standing` in the same transaction as the
    # triage services write an assessment; never written by `save()`.
    standing_triage_outcome = models.CharField("Triage outcome", max_length=16, blank=True, editable=False)
    # When retention anonymised the case at the end of its retention period (`retention.anonymise.case_anonymise`):
    # from then on the record is kept for the figures, not for work (`referrals.anonymised`). Written only there;
    # never by `save()`, so a copy read before cannot undo it.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["site", "status", "submitted_at"], name="referral_queue_idx"),
            models.Index(fields=["created_by", "-updated_at"], name="referral_mine_idx"),
            models.Index(fields=["status", "submitted_at"], name="referral_status_idx"),
            # The coordinator's queue, sorted by due date (= date referred) or by name, filtered by status (and by name,
            # by who decides): a page's ids from the index alone, in its order, from either end (issue 16).
            models.Index(fields=["site", "submitted_at", "id"], include=["status"], name="referral_queue_due_idx"),
            models.Index(
                fields=["site", "family_name", "given_names", "id"],
                include=["status", "standing_triage_outcome"],
                name="referral_queue_name_idx",
            ),
            # The dashboard's "turned 18: waiting on consent": the site's accepted referrals, not decided at CG, 18 by
            # today.
            models.Index(
                fields=["site", "turns_18_on"],
                condition=models.Q(status="accepted", standing_cg_decided_on__isnull=True),
                name="referral_consent_awaited_idx",
            ),
            # A child's accepted referrals at a site, in the order they were made: the earliest, which the database
            # keeps on the child (`Child.accepted_here_since`, ADR 0033) and the dashboard's children without a
            # guardian show.
            models.Index(fields=["child", "site", "status", "submitted_at", "id"], name="referral_child_site_idx"),
            # The dashboard's reasonable grounds due and overdue: the referrals whose RG clock runs, by date referred
            # (`referrals.clocks.rg_running`).
            models.Index(
                fields=["site", "submitted_at", "id"],
                condition=models.Q(status__in=["submitted", "accepted"], standing_rg_decided_on__isnull=True),
                name="referral_rg_running_idx",
            ),
            # The queue filtered by who decides, by date referred: the count and a page's ids from the index alone (the
            # status, last, is only read, never searched on: it filters the range).
            models.Index(
                fields=["site", "standing_triage_outcome", "submitted_at", "id", "status"],
                name="referral_queue_outcome_idx",
            ),
            # The dashboard's conclusive grounds in the recovery period or ready: a positive RG standing, no CG yet.
            # With the id, in the lists' whole order: decisions made at one sitting share a day, and a section of ten
            # rows read every case of that day to sort them (issue 16).
            models.Index(
                fields=["site", "standing_rg_decided_on", "id"],
                condition=models.Q(
                    status="accepted", standing_rg_outcome="positive", standing_cg_decided_on__isnull=True
                ),
                name="referral_cg_awaited_idx",
            ),
        ]
        constraints = [
            # One referral per form submission: a form's reference is unique within the referring organisation.
            models.UniqueConstraint(
                fields=["referrer_organisation", "form_reference"],
                condition=~models.Q(form_reference=""),
                name="referral_form_reference_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        stored = not self._state.adding and kwargs.get("using") in (None, self._state.db)
        if update_fields is None and stored and not kwargs.get("force_insert"):
            # Every loaded field but the standing decisions and the anonymisation's time: a copy read before a decision
            # became final (or before triage, or before retention anonymised the case) must not undo what the
            # decisions, triage or retention services stored.
            kwargs["update_fields"] = update_fields = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key
                and f.name not in STANDING_DECISION_FIELDS
                and f.name not in RETENTION_FIELDS
                and f.attname not in self.get_deferred_fields()
            ]
        if update_fields is None or TURNS_18_FROM.intersection(update_fields):
            self.turns_18_on = working_eighteenth_birthday(
                self.date_of_birth, self.estimated_age_years, self.submitted_at
            )
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "turns_18_on"}
        super().save(*args, **kwargs)

    @property
    def child_display_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p) or gettext("Name not given")


class ReferralStatusChange(models.Model):
    """Status history: a new row per change with its actor, never an edit."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


def document_path(instance: ReferralDocument, filename: str) -> str:
    # Stored under a random name: the original name may carry personal data. The extension is the
    # detected type's (the caller names the file "upload.<ext>"), never the uploader's.
    return f"referrals/{instance.referral_id}/{secrets.token_hex(16)}{PurePath(filename).suffix}"


class ReferralDocument(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)
    # Who gave the file: the user who uploaded it in the journey, or, for a file sent by an
    # organisation's system (no user), where it came from, e.g. "Home Office online form, through
    # Northbridge City Council's API token 1a2b3c4d". Exactly one source is always recorded.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_from = models.CharField(max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uploaded_by__isnull=False) | ~models.Q(received_from=""),
                name="referral_document_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"Document {self.pk} of {self.referral_id}"

    @property
    def uploader(self) -> str:
        """Who gave the file, as pages and packets show it."""
        if self.uploaded_by_id is not None and self.uploaded_by is not None:
            return self.uploaded_by.full_name
        return self.received_from


class ConsentAnswer(models.TextChoices):
    GIVEN = "given", _("Consents to remain in the NRM")
    REFUSED = "refused", _("Does not consent to remain in the NRM")


def consent_words(answer: str | None) -> str:
    """The answer in force in words ("Not yet asked" before any), as lists and the dashboard show it."""
    return str(ConsentAnswer(answer).label) if answer else gettext("Not yet asked")


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video call")
    IN_WRITING = "in_writing", _("In writing")
    # Only for answers moved from the turning-18 record, which did not ask how (handovers migration 0002).
    NOT_RECORDED = "not_recorded", _("Not recorded")


class AdultConsent(models.Model):
    """A young person's answer, at or near 18, on remaining in the NRM (domain.md step 13).

    A conclusive grounds decision for someone 18 or over on its date needs their consent. Each answer
    is a new row, never an edit: the answer in force on a day is the latest given on or before it.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="adult_consents")
    answer = models.CharField(max_length=8, choices=ConsentAnswer.choices)
    given_on = models.DateField()
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    # How it was asked and by whom when that matters (e.g. "with a Tigrinya interpreter, by their ICTG").
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer__in=ConsentAnswer.values), name="adult_consent_answer_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=ConsentMethod.values), name="adult_consent_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.referral_id}: {self.answer}"
