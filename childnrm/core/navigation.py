"""What each signed-in user sees in the service navigation and on the home page, from the access policy.

The service navigation holds a few places a role visits daily; the home page lists every page the user
may use ("What you can do"), so the bar stays short for a coordinator who can do most things.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from childnrm.access.policy import Perm, has_perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    description: str = ""


@dataclass(frozen=True)
class Place:
    label: str
    url_name: str
    perms: tuple[Perm, ...] = ()  # one of them is needed; empty = any signed-in user
    unless: tuple[Perm, ...] = ()  # hidden from users who hold any of these (they have a fuller page)
    in_bar: bool = True  # in the service navigation, or on the home page only
    description: str = ""

    def visible_to(self, user) -> bool:
        if self.perms and not any(has_perm(user, p) for p in self.perms):
            return False
        return not any(has_perm(user, p) for p in self.unless)


PLACES: list[Place] = [
    Place("Home", "core:home"),
    Place("Dashboard", "dashboard:home", (Perm.DASHBOARD_VIEW,), description="What is due and overdue"),
    Place("Referral queue", "referrals:queue", (Perm.REFERRAL_TRIAGE,), description="New referrals to triage"),
    Place("Your referrals", "referrals:mine", (Perm.REFERRAL_CREATE,), description="Referrals you have made"),
    Place("Meetings", "panels:meetings", (Perm.PANEL_MANAGE,), description="Panel sittings and their agendas"),
    Place(
        "Your meetings",
        "panels:my-meetings",
        (Perm.MEETING_ATTEND,),
        unless=(Perm.PANEL_MANAGE,),
        description="Sittings you are invited to, and their case papers",
    ),
    Place("Children", "people:list", (Perm.CHILD_VIEW_SITE, Perm.CHILD_VIEW_ASSOCIATED)),
    Place(
        "Information requests",
        "information:list",
        (Perm.INFORMATION_REQUEST,),
        description="What the panel has asked agencies for",
    ),
    Place(
        "Requests for information",
        "information:inbox",
        (Perm.INFORMATION_RESPOND,),
        unless=(Perm.INFORMATION_REQUEST,),
        description="Requests addressed to your organisation",
    ),
    Place("Quality assurance", "reviews:returns", (Perm.SCA_AUDIT,), description="Decisions sent for audit"),
    Place("Statistics", "core:statistics", (Perm.STATISTICS_VIEW,)),
    Place("Users", "accounts:site-users", (Perm.SITE_USERS_MANAGE,)),
    Place(
        "Retention",
        "retention:index",
        (Perm.RETENTION_REVIEW,),
        description="Records past their retention date, the schedule and legal holds",
    ),
    # On the home page only: reached from a case too.
    Place("Panel members", "panels:members", (Perm.PANEL_MANAGE,), in_bar=False, description="Who sits on the panel"),
    Place(
        "Decision policy",
        "accounts:site-policies",
        (Perm.SITE_POLICY_MANAGE,),
        in_bar=False,
        description="The site's clocks, recovery period, tie rule and second review, with every version",
    ),
    Place(
        "Decisions",
        "decisions:index",
        (Perm.DECISION_RECORD, Perm.DECISION_SECOND_REVIEW),
        description="Decisions in draft, waiting for review and final",
    ),
    Place(
        "Reconsiderations",
        "reviews:reconsiderations",
        (Perm.RECONSIDERATION_RECORD,),
        in_bar=False,
        description="Requests to reconsider a negative decision",
    ),
    Place(
        "Returns to the Home Office",
        "reviews:returns",
        (Perm.DECISION_RETURN,),
        unless=(Perm.SCA_AUDIT,),
        in_bar=False,
        description="Decisions sent for quality assurance, and findings",
    ),
    Place("Letters", "letters:index", (Perm.LETTER_PRODUCE,), in_bar=False, description="Outcome letters"),
    Place(
        "Safeguarding plans",
        "safeguarding:plans",
        (Perm.PLAN_MANAGE,),
        in_bar=False,
        description="Plans, actions and safety maps",
    ),
    Place(
        "Your actions",
        "safeguarding:my-actions",
        (Perm.PLAN_ACTION_UPDATE,),
        unless=(Perm.PLAN_MANAGE,),
        description="Safeguarding actions you own",
    ),
    Place(
        "Your outcome reviews",
        "outcomes:mine",
        (Perm.OUTCOME_RECORD,),
        in_bar=False,
        description="Reviews of how the children you support are doing since the panel's decision",
    ),
    Place(
        "Outcome review schedule",
        "outcomes:schedules",
        (Perm.SITE_POLICY_MANAGE,),
        in_bar=False,
        description="When each decided child's outcomes are reviewed",
    ),
    Place(
        "Transfers",
        "handovers:transfers",
        (Perm.CASE_TRANSFER,),
        in_bar=False,
        description="Cases transferred to another site or the SCA",
    ),
    Place(
        "Turning 18",
        "handovers:turning-18",
        (Perm.CASE_TRANSFER,),
        in_bar=False,
        description="Young people approaching 18 and their hand-over to adult support",
    ),
    Place(
        "Legal holds",
        "retention:holds-index",
        (Perm.LEGAL_HOLD,),
        unless=(Perm.RETENTION_REVIEW,),
        in_bar=False,
        description="Keep a child's records from anonymisation while a claim or inquiry needs them",
    ),
    Place(
        "Evidence library",
        "learning:library",
        (Perm.LIBRARY_READ,),
        in_bar=False,
        description="Guidance, research and practice notes shared by every site",
    ),
    Place(
        "Library moderation",
        "learning:moderation",
        (Perm.LIBRARY_MODERATE,),
        description="What practitioners have sent to the evidence library",
    ),
    Place("Your account", "accounts:account"),
]


def _places_for(request: HttpRequest) -> list[tuple[Place, str]]:
    # Error pages can be drawn before the authentication middleware has run (a bad Host header).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return []
    return [(place, reverse(place.url_name)) for place in PLACES if place.visible_to(user)]


def nav_items_for(request: HttpRequest) -> list[NavItem]:
    visible = [(place, url) for place, url in _places_for(request) if place.in_bar]
    # Only the longest matching prefix is current (/account/users/ is "Users", not "Your account").
    matches = [url for _, url in visible if (request.path == url if url == "/" else request.path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavItem(place.label, url, url == current, place.description) for place, url in visible]


def home_items_for(request: HttpRequest) -> list[NavItem]:
    """Every page the user may use, for the home page (Home and Your account left out)."""
    return [
        NavItem(place.label, url, False, place.description)
        for place, url in _places_for(request)
        if place.url_name not in ("core:home", "accounts:account")
    ]
