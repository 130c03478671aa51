"""The eligibility engine: may a local panel decide this referral, and which one?

Rules (domain.md, step 3): the child is 17 or under and more than 100 days before their 18th
birthday on the day of referral; the age is neither disputed nor uncertain; no public-order
disqualification is being considered; and the child lives in, or was referred in, a site's area.
Anything else goes to the Single Competent Authority (SCA). Every rule applied leaves a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from childnrm.accounts.models import Site
from childnrm.referrals.models import Referral, TriageOutcome

RULES_VERSION = "2026-11"
MIN_DAYS_BEFORE_18 = 100  # "more than 100 days before their 18th birthday"


def eighteenth_birthday(date_of_birth: date) -> date:
    """The 18th birthday; a 29 February birthday falls on 1 March in a non-leap year (UK practice)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return date(date_of_birth.year + 18, 3, 1)


@dataclass
class Assessment:
    outcome: str
    site: Site | None  # the site whose coordinator holds the case (for SCA: who sends the hand-off)
    reasons: list[str] = field(default_factory=list)
    rules_version: str = RULES_VERSION


def age_reasons(referral: Referral, on: date) -> tuple[bool, list[str]]:
    """Whether the age rules allow a panel decision, with the reasons."""
    if referral.age_disputed:
        return False, ["The child's age is disputed, so the SCA decides."]
    if referral.age_uncertain:
        return False, ["The child's age is uncertain, so the SCA decides."]
    if referral.date_of_birth is None:
        if referral.estimated_age_years is not None and referral.estimated_age_years <= 17:
            return False, [
                f"Only an estimated age ({referral.estimated_age_years}) is known, not a date of birth: the age "
                "is uncertain, so the SCA decides."
            ]
        return False, ["No date of birth is known, so the SCA decides."]
    birthday = eighteenth_birthday(referral.date_of_birth)
    days_left = (birthday - on).days
    estimated = " (estimated date of birth)" if referral.date_of_birth_estimated else ""
    if days_left <= 0:
        return False, [f"The child was 18 or over on the day of referral{estimated}, so the SCA decides."]
    if days_left <= MIN_DAYS_BEFORE_18:
        return False, [
            f"The child turns 18 on {birthday:%-d %B %Y}, {days_left} days after referral{estimated}: a panel "
            f"may decide only more than {MIN_DAYS_BEFORE_18} days before the 18th birthday, so the SCA decides."
        ]
    return True, [
        f"The child is 17 or under and turns 18 on {birthday:%-d %B %Y}, {days_left} days after referral"
        f"{estimated}: more than {MIN_DAYS_BEFORE_18} days, so a panel may decide."
    ]


def site_for_area(referral: Referral) -> tuple[Site | None, str]:
    """The active site covering the local authority of residence, or else of where the child was referred."""
    for authority, label in (
        (referral.residence_local_authority, "lives in"),
        (referral.found_local_authority, "was referred in"),
    ):
        if authority is None:
            continue
        site = Site.objects.filter(active=True, local_authorities=authority).first()
        if site is not None:
            return site, f"The child {label} {authority.name}, which is in the area of {site.name}."
    return (
        None,
        "Neither where the child lives nor where they were referred is in a panel site's area, so the SCA decides.",
    )


def assess(referral: Referral, *, receiving_site: Site | None = None, on: date | None = None) -> Assessment:
    """Apply every rule; `receiving_site` is the site the referral was sent to, if any."""
    on = on or (referral.submitted_at.date() if referral.submitted_at else date.today())
    reasons: list[str] = []
    age_ok, why = age_reasons(referral, on)
    reasons += why
    if referral.public_order_disqualification:
        reasons.append("A public-order disqualification is being considered, so the SCA decides.")
    site, why_area = site_for_area(referral)
    reasons.append(why_area)
    if not age_ok or referral.public_order_disqualification or site is None:
        # The SCA decides, but a coordinator still confirms and sends the hand-off: the area's site,
        # else the site the referral was sent to.
        return Assessment(TriageOutcome.SCA, site or receiving_site, reasons)
    if receiving_site is not None and site.pk != receiving_site.pk:
        reasons.append(f"The case belongs to {site.name}, not {receiving_site.name}: transfer it there.")
        return Assessment(TriageOutcome.OTHER_SITE, site, reasons)
    return Assessment(TriageOutcome.PANEL, site, reasons)
