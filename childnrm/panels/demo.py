"""Demo panel for each site: a quorate panel (voting social care, police and health members), the
guardian and an adviser without a vote, and one regular sitting two weeks ahead (on a working day: never a
weekend or a bank holiday of the site's nation). Idempotent.

Also the makers of accepted cases and scheduled sittings, through the services as the coordinator makes
them, which the demo cases (`core.demo_cases`) and the tests (`panels.tests.factories`) use."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.panels import services
from childnrm.panels.models import Agency, AttendsAs, Meeting, MeetingKind, PanelMember
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, demo_account, demo_email
from childnrm.referrals.clocks import is_working_day
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm

DEMO_LOCATION = "Committee room 1, Civic Centre"


def working_day(day: date, nation: str, *, step: int = 1) -> date:
    """`day` if the panel could sit then, else the nearest working day after it (`step=-1`: before it), on
    the bank-holiday calendar of the site's nation that the clocks use."""
    while not is_working_day(day, nation):
        day += timedelta(days=step)
    return day


def demo_member_email(kind: str, site_slug: str) -> str:
    """`kind` is "police-member" or "social-care-member"."""
    return f"{kind}.{site_slug}@{DEMO_EMAIL_DOMAIN}"


def load_demo(*, site, site_users, organisations) -> None:
    town = site.name.split()[0]
    police = demo_account(
        demo_member_email("police-member", site.slug), f"Police panel member ({town} demo)", organisations["police"]
    )
    social_care = demo_account(
        demo_member_email("social-care-member", site.slug),
        f"Social care panel member ({town} demo)",
        organisations["la"],
    )
    for user in (police, social_care):
        Membership.objects.get_or_create(user=user, site=site, role=Role.PANEL_MEMBER)

    coordinator = site_users[Role.COORDINATOR]
    seats = (
        (social_care, Agency.SOCIAL_CARE, AttendsAs.MEMBER, True),
        (police, Agency.POLICE, AttendsAs.MEMBER, True),
        (site_users[Role.PANEL_MEMBER], Agency.HEALTH, AttendsAs.MEMBER, True),
        (site_users[Role.ICTG], Agency.ICTG, AttendsAs.ICTG, False),
        (site_users[Role.ADVISER], Agency.EDUCATION, AttendsAs.ADVISER, False),
    )
    for user, agency, attends_as, voting in seats:
        PanelMember.objects.get_or_create(
            site=site,
            user=user,
            defaults={"agency": agency, "attends_as": attends_as, "voting": voting, "added_by": coordinator},
        )

    if not Meeting.objects.filter(site=site).exists():
        day = working_day(timezone.localdate() + timedelta(days=14), site.nation)
        services.meeting_schedule(
            site=site,
            user=coordinator,
            kind=MeetingKind.REGULAR,
            starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
            location=DEMO_LOCATION,
            chair=site_users[Role.CHAIR],
            notify=False,
        )


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def accept(referral: Referral, *, reason: str = "The panel decides this case.") -> Referral:
    """Confirm triage of a submitted referral as accepted by its site's panel (whatever the engine said; an
    override needs the `reason`)."""
    if referral.status == ReferralStatus.ACCEPTED:
        return referral
    result = triage_confirm(
        referral=referral,
        user=_demo(Role.COORDINATOR, referral.site.slug),
        final_outcome=TriageOutcome.PANEL,
        final_site=None,
        reason=reason,
    )
    return result.referral


def accepted_referral(site_slug: str, **answers: Any) -> Referral:
    """A referral submitted by the site's demo first responder and accepted by its panel.

    `submitted_on=` backdates the submission (see `referrals.demo.submitted_referral`).
    """
    return accept(submitted_referral(site_slug, **answers))


def scheduled_meeting(
    site_slug: str, *, starts_at: datetime | None = None, kind: str = MeetingKind.REGULAR, chair: User | None = None
) -> Meeting:
    site = Site.objects.get(slug=site_slug)
    return services.meeting_schedule(
        site=site,
        user=_demo(Role.COORDINATOR, site_slug),
        kind=kind,
        starts_at=starts_at or timezone.now() + timedelta(days=7),
        location="Committee room 2",
        chair=chair or _demo(Role.CHAIR, site_slug),
    )
