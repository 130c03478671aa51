"""Demo panel for each site: a quorate panel (voting social care, police and health members), the
guardian and an adviser without a vote, and one regular sitting two weeks ahead (on a working day: never a
weekend or a bank holiday of the site's nation). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from childnrm.accounts.models import Membership, Role
from childnrm.core.demo import DEMO_EMAIL_DOMAIN, _demo_user
from childnrm.panels.models import Agency, AttendsAs, Meeting, MeetingKind, PanelMember
from childnrm.referrals.clocks import is_working_day

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
    police = _demo_user(
        demo_member_email("police-member", site.slug), f"Police panel member ({town} demo)", organisations["police"]
    )
    social_care = _demo_user(
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
        from childnrm.panels.services import meeting_schedule

        day = working_day(timezone.localdate() + timedelta(days=14), site.nation)
        meeting_schedule(
            site=site,
            user=coordinator,
            kind=MeetingKind.REGULAR,
            starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
            location=DEMO_LOCATION,
            chair=site_users[Role.CHAIR],
            notify=False,
        )
