"""What each signed-in user sees in the service navigation and on the home page, from the access policy.

The service navigation holds a few places a role visits daily; the home page lists every page the user
may use ("What you can do"), so the bar stays short for a coordinator who can do most things.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import Perm, site_permissions
from childnrm.people.labels import NATIONAL_QUEUE_DESCRIPTION, NATIONAL_QUEUE_LABEL


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    description: str = ""


@dataclass(frozen=True)
class Place:
    label: str | Promise  # marked for translation: written in the page's language when the page is drawn
    url_name: str
    perms: tuple[Perm, ...] = ()  # one of them is needed; empty = any signed-in user
    unless: tuple[Perm, ...] = ()  # hidden from users who hold any of these (they have a fuller page)
    in_bar: bool = True  # in the service navigation, or on the home page only
    description: str | Promise = ""

    def visible_with(self, held: frozenset[Perm]) -> bool:
        """Whether a user holding `held` (their permissions at any site) sees this place."""
        if self.perms and held.isdisjoint(self.perms):
            return False
        return held.isdisjoint(self.unless)


PLACES: list[Place] = [
    Place(_("Home"), "core:home"),
    Place(_("Dashboard"), "dashboard:home", (Perm.DASHBOARD_VIEW,), description=_("What is due and overdue")),
    Place(_("Referral queue"), "triage:queue", (Perm.REFERRAL_TRIAGE,), description=_("New referrals to triage")),
    Place(_("Your referrals"), "referrals:mine", (Perm.REFERRAL_CREATE,), description=_("Referrals you have made")),
    Place(_("Meetings"), "panels:meetings", (Perm.PANEL_MANAGE,), description=_("Panel sittings and their agendas")),
    Place(
        _("Your meetings"),
        "panels:my-meetings",
        (Perm.MEETING_ATTEND,),
        unless=(Perm.PANEL_MANAGE,),
        description=_("Sittings you are invited to, and their case papers"),
    ),
    Place(_("Children"), "people:list", (Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)),
    Place(
        NATIONAL_QUEUE_LABEL,
        "people:national-queue",
        (Perm.CHILD_LINK,),
        in_bar=False,
        description=NATIONAL_QUEUE_DESCRIPTION,
    ),
    Place(
        _("Information requests"),
        "information:list",
        (Perm.INFORMATION_REQUEST,),
        description=_("What the panel has asked agencies for"),
    ),
    Place(
        _("Requests for information"),
        "information:inbox",
        (Perm.INFORMATION_RESPOND,),
        unless=(Perm.INFORMATION_REQUEST,),
        description=_("Requests addressed to your organisation"),
    ),
    Place(_("Quality assurance"), "reviews:returns", (Perm.SCA_AUDIT,), description=_("Decisions sent for audit")),
    Place(
        _("Statistics"),
        "statistics:index",
        (Perm.STATISTICS_VIEW,),
        description=_("NRM tables, equality monitoring, the pilot evaluation and downloads"),
    ),
    # A coordinator's own site's statistics: on the home page, not in their (full) navigation bar.
    Place(
        _("Statistics for your site"),
        "statistics:index",
        (Perm.STATISTICS_VIEW_SITE,),
        unless=(Perm.STATISTICS_VIEW,),
        in_bar=False,
        description=_("NRM tables, equality monitoring and the pilot evaluation of your site, with downloads"),
    ),
    Place(_("Users"), "accounts:site-users", (Perm.SITE_USERS_MANAGE,)),
    Place(
        _("Retention"),
        "retention:index",
        (Perm.RETENTION_REVIEW,),
        description=_("Records past their retention date, the schedule and legal holds"),
    ),
    # On the home page only: reached from a case too.
    Place(
        _("Panel members"), "panels:members", (Perm.PANEL_MANAGE,), in_bar=False, description=_("Who sits on the panel")
    ),
    Place(
        _("Decision policy"),
        "accounts:site-policies",
        (Perm.SITE_POLICY_MANAGE,),
        in_bar=False,
        description=_("The site's clocks, recovery period, tie rule and second review, with every version"),
    ),
    Place(
        _("Decisions"),
        "decisions:index",
        (Perm.DECISION_RECORD, Perm.DECISION_SECOND_REVIEW),
        description=_("Decisions in draft, waiting for review and final"),
    ),
    Place(
        _("Reconsiderations"),
        "reviews:reconsiderations",
        (Perm.RECONSIDERATION_RECORD,),
        in_bar=False,
        description=_("Requests to reconsider a negative decision"),
    ),
    Place(
        _("Returns to the Home Office"),
        "reviews:returns",
        (Perm.DECISION_RETURN,),
        unless=(Perm.SCA_AUDIT,),
        in_bar=False,
        description=_("Decisions sent for quality assurance, and findings"),
    ),
    Place(_("Letters"), "letters:index", (Perm.LETTER_PRODUCE,), in_bar=False, description=_("Outcome letters")),
    Place(
        _("Safeguarding plans"),
        "safeguarding:plans",
        (Perm.PLAN_MANAGE,),
        in_bar=False,
        description=_("Plans, actions and safety maps"),
    ),
    Place(
        _("Your actions"),
        "safeguarding:my-actions",
        (Perm.PLAN_ACTION_UPDATE,),
        unless=(Perm.PLAN_MANAGE,),
        description=_("Safeguarding actions you own"),
    ),
    Place(
        _("Your outcome reviews"),
        "outcomes:mine",
        (Perm.OUTCOME_RECORD,),
        in_bar=False,
        description=_("Reviews of how the children you support are doing since the panel's decision"),
    ),
    Place(
        _("Outcome review schedule"),
        "outcomes:schedules",
        (Perm.SITE_POLICY_MANAGE,),
        in_bar=False,
        description=_("When each decided child's outcomes are reviewed"),
    ),
    Place(
        _("Transfers"),
        "handovers:transfers",
        (Perm.CASE_TRANSFER,),
        in_bar=False,
        description=_("Cases transferred to another site or the SCA"),
    ),
    Place(
        _("Turning 18"),
        "handovers:turning-18",
        (Perm.CASE_TRANSFER,),
        in_bar=False,
        description=_("Young people approaching 18 and their hand-over to adult support"),
    ),
    Place(
        _("Legal holds"),
        "retention:holds-index",
        (Perm.LEGAL_HOLD,),
        unless=(Perm.RETENTION_REVIEW,),
        in_bar=False,
        description=_("Keep a child's records from anonymisation while a claim or inquiry needs them"),
    ),
    Place(
        _("Evidence library"),
        "learning:library",
        (Perm.LIBRARY_READ,),
        in_bar=False,
        description=_("Guidance, research and practice notes shared by every site"),
    ),
    Place(
        _("Community of practice"),
        "learning:community",
        (Perm.LIBRARY_READ,),
        in_bar=False,
        description=_("What every site has published recently, upcoming training and each site's learning"),
    ),
    Place(
        _("What children tell us"),
        "feedback:summary",
        (Perm.FEEDBACK_VIEW_SITE, Perm.STATISTICS_VIEW),
        in_bar=False,
        description=_("Children's feedback after their decision is explained, in numbers"),
    ),
    Place(
        _("Learning log"),
        "learning:log",
        (Perm.LIBRARY_READ,),
        in_bar=False,
        description=_("What every site has learned from its case reviews, by theme"),
    ),
    Place(
        _("Case reviews"),
        "case_reviews:list",
        (Perm.CASE_REVIEW_VIEW,),
        in_bar=False,
        description=_("Your site's practice, rapid and learning reviews: learning, recommendations and actions"),
    ),
    Place(
        _("Your case review actions"),
        "case_reviews:my-actions",
        (Perm.CASE_REVIEW_ACTION_UPDATE,),
        unless=(Perm.CASE_REVIEW_VIEW,),
        in_bar=False,
        description=_("Actions from your site's case reviews that you own"),
    ),
    Place(
        _("Library moderation"),
        "learning:moderation",
        (Perm.LIBRARY_MODERATE,),
        description=_("What practitioners have sent to the evidence library"),
    ),
    Place(
        _("Data for evaluators"),
        "evaluation:index",
        (Perm.EVALUATION_EXTRACT, Perm.DATA_SHARING_APPROVE),
        in_bar=False,
        description=_("Data-sharing agreements, pseudonymised extracts and synthetic data for publication"),
    ),
    Place(
        _("Your training"),
        "training:mine",
        (Perm.TRAINING_OWN,),
        in_bar=False,
        description=_("Your places on training sessions, booking a place, and your self-assessments"),
    ),
    Place(
        _("Training courses"),
        "training:courses",
        (Perm.TRAINING_MANAGE, Perm.TRAINING_NATIONAL),
        in_bar=False,
        description=_("Courses, their sessions and registers, and each course's evaluation"),
    ),
    Place(
        _("Your time on cases"),
        "burdens:mine",
        (Perm.TIME_LOG,),
        in_bar=False,
        description=_("Log the time you spend on a case's decisions, plan and information requests"),
    ),
    Place(
        _("The cost of the panel"),
        "burdens:costs",
        (Perm.COSTS_VIEW,),
        in_bar=False,
        description=_("Time spent on cases and what it costs, by panel, quarter and role"),
    ),
    Place(
        _("Hourly rates"),
        "burdens:rates",
        (Perm.SITE_POLICY_MANAGE,),
        in_bar=False,
        description=_("What an hour of each role's time costs, for the cost of the panel"),
    ),
    Place(_("Your account"), "accounts:account"),
]


@dataclass(frozen=True)
class _Entry:
    label: str
    url: str
    description: str
    in_bar: bool
    url_name: str


@lru_cache(maxsize=512)
def _entries(held: frozenset[Perm], language: str | None, urlconf: str, script_prefix: str) -> tuple[_Entry, ...]:
    """The places a set of permissions shows, their addresses and their words in one language. Worked out once
    per combination, not per request: every page drew some forty permission checks, thirty `reverse()` calls and
    sixty translations for the same few answers. The key holds everything the answer depends on (the URLconf
    and script prefix too, as `reverse` does)."""
    with translation.override(language):
        return tuple(
            _Entry(
                str(place.label),
                reverse(place.url_name, urlconf=urlconf),
                str(place.description),
                place.in_bar,
                place.url_name,
            )
            for place in PLACES
            if place.visible_with(held)
        )


def _places_for(request: HttpRequest) -> tuple[_Entry, ...]:
    # Error pages can be drawn before the authentication middleware has run (a bad Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return ()
    # Navigation asks "anywhere": the permissions held at any site.
    held = frozenset().union(*site_permissions(user).values())
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _entries(held, translation.get_language(), urlconf, get_script_prefix())


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    visible = [entry for entry in _places_for(request) if entry.in_bar]
    # Only the longest matching prefix is current (/account/users/ is "Users", not "Your account").
    path = request.path
    matches = [e.url for e in visible if (path == e.url if e.url == "/" else path.startswith(e.url))]
    current = max(matches, key=len, default=None)
    return [NavItem(e.label, e.url, e.url == current, e.description) for e in visible]


def home_items_for(request: HttpRequest) -> list[NavItem]:
    """Every page the user may use, for the home page (Home and Your account left out)."""
    return [
        NavItem(e.label, e.url, False, e.description)
        for e in _places_for(request)
        if e.url_name not in ("core:home", "accounts:account")
    ]
