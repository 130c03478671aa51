"""Organisations, sites, users and the roles they hold at a site."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Roles are the access policy's (`access.roles`); a membership records who holds one at a site.
from childnrm.access.roles import Role
from childnrm.kit import i18n
from childnrm.kit.i18n import Language
from childnrm.kit.welsh_mutation import WelshName


class OrganisationType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police force"
    HEALTH = "health", "Health body"
    NGO = "ngo", "First responder NGO"
    HOME_OFFICE = "home_office", "Home Office competent authority"
    ICTG_SERVICE = "ictg_service", "Independent Child Trafficking Guardian service"
    OTHER_AGENCY = "other_agency", "Other agency"


class Nation(models.TextChoices):
    """The UK nation a site is in: its bank holidays (for working-day clocks) and, as issue 13 goes on, the
    law and guidance that differ by nation. England and Wales share their bank holidays."""

    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


class DayBasis(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class TieRule(models.TextChoices):
    """What a site's panel does when the votes cast are tied (domain.md step 7)."""

    CASTING_VOTE = "casting_vote", _("The chair gives a casting vote, with reasons")
    DEFER = "defer", _("The decision is deferred to a further sitting")


def name_shown(name: str, name_cy: str) -> str:
    """A site's or organisation's name in the active language: the Welsh name in Welsh where one is set, else the
    English name (`display_name`, for a name read as values). The Welsh name is marked as one (`WelshName`), so a
    Welsh message mutates it after a preposition ("gan Gyngor Caerdydd": kit.welsh_mutation)."""
    return WelshName(name_cy) if name_cy and i18n.is_welsh() else name


# The same, said in the language active where it is shown (a letter or an email written in its own language, a
# page), for a name read before that language is known. A name only: never kept as a record.
name_shown_later = lazy(name_shown, str)


class WelshNamed:
    """A name shown in the reader's language (ADR 0023): `name` is the English name and what identifies the record
    (statistics, audit, exports and file names keep it); `name_cy` the Welsh name, shown on Welsh pages and in Welsh
    letters. Show `display_name` (or the record itself) to people, never `name`."""

    name: str
    name_cy: str

    @property
    def display_name(self) -> str:
        """The name in the active language: the Welsh name in Welsh where one is set, else the English name."""
        return name_shown(self.name, self.name_cy)

    def __str__(self) -> str:
        return self.display_name


class Organisation(WelshNamed, models.Model):
    name = models.CharField(max_length=200, unique=True)
    name_cy = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=32, choices=OrganisationType.choices)
    # ONS/GSS code for local authorities (e.g. E08000025), used to route referrals by area.
    gss_code = models.CharField(max_length=9, blank=True, db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]


class Site(WelshNamed, models.Model):
    """A devolved decision-making site: one local authority or a consortium of several."""

    name = models.CharField(max_length=200, unique=True)
    name_cy = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(unique=True)
    nation = models.CharField(max_length=32, choices=Nation.choices, default=Nation.ENGLAND)
    # The language of the service for this site's users until they choose one with the language switch.
    default_language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    local_authorities = models.ManyToManyField(
        Organisation, related_name="sites", limit_choices_to={"type": OrganisationType.LOCAL_AUTHORITY}
    )
    active = models.BooleanField(default=True)
    # Site policy: the reasonable grounds decision is due this many days after referral.
    rg_due_days = models.PositiveSmallIntegerField(default=45)
    rg_due_basis = models.CharField(max_length=16, choices=DayBasis.choices, default=DayBasis.CALENDAR)
    # Site policy for decisions (domain.md steps 5, 11, 12, 13). The national minimum recovery period
    # is 30 calendar days between a positive reasonable grounds and the conclusive grounds decision;
    # a site may allow both at one sitting when the evidence is sufficient.
    recovery_period_days = models.PositiveSmallIntegerField(default=30)
    rg_and_cg_at_one_sitting = models.BooleanField(
        default=False, help_text="Both decisions may be taken at one sitting (the recovery period does not apply)"
    )
    negative_second_review = models.BooleanField(
        default=True, help_text="Negative decisions go to a second review before they are final"
    )
    reconsideration_window_days = models.PositiveSmallIntegerField(default=30)
    information_request_days = models.PositiveSmallIntegerField(default=10)
    turning_18_warning_days = models.PositiveSmallIntegerField(default=180)
    tie_rule = models.CharField(max_length=16, choices=TieRule.choices, default=TieRule.CASTING_VOTE)

    class Meta:
        ordering = ["name"]

    @property
    def is_consortium(self) -> bool:
        return self.local_authorities.count() > 1


class SitePolicy(models.Model):
    """One version of a site's decision policy. Never edited: a change is a new version, so each decision
    can say which policy it was made under. The site's own fields hold the current values for fast reads."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="policies")
    version = models.PositiveIntegerField()
    values = models.JSONField()  # the policy fields of Site, as set in this version
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "-version"]
        constraints = [models.UniqueConstraint(fields=["site", "version"], name="site_policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.site} policy v{self.version}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who signs in. Identified by work email; belongs to one organisation."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users", null=True)
    job_title = models.CharField(max_length=200, blank=True)
    # The language the user chose with the language switch; blank until they choose (their site's default then).
    language = models.CharField(max_length=8, choices=Language.choices, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """A role a user holds at a site. Permissions come only from active memberships."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "site", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.site}"

    def role_shown(self) -> str:
        """The role as the site's nation names it (the guardian's differs by nation: accounts.nations)."""
        from childnrm.accounts import nations  # nations reads this module's Site

        return nations.role_label(self.role, self.site)
