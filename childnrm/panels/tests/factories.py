"""Meetings and accepted cases made the way the coordinator makes them: through the services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.core.demo import demo_email
from childnrm.panels import services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingKind
from childnrm.referrals.models import Referral, ReferralStatus, TriageOutcome
from childnrm.referrals.services_triage import triage_confirm
from childnrm.referrals.tests.factories import submitted_referral


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def accept(referral: Referral) -> Referral:
    """Confirm triage of a submitted referral as accepted by its site's panel (whatever the engine said)."""
    if referral.status == ReferralStatus.ACCEPTED:
        return referral
    coordinator = _demo(Role.COORDINATOR, referral.site.slug)
    result = triage_confirm(
        referral=referral,
        user=coordinator,
        final_outcome=TriageOutcome.PANEL,
        final_site=None,
        reason="Accepted by the panel for the test",
    )
    return result.referral


def accepted_referral(site_slug: str, **answers: Any) -> Referral:
    """A referral submitted by the site's demo first responder and accepted by its panel.

    `submitted_on=` backdates the submission (see referrals.tests.factories.submitted_referral).
    """
    return accept(submitted_referral(site_slug, **answers))


def scheduled_meeting(
    site_slug: str, *, starts_at=None, kind: str = MeetingKind.REGULAR, chair: User | None = None
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


def add_to_agenda(meeting: Meeting, referral: Referral, stage: str = AgendaStage.REASONABLE_GROUNDS) -> AgendaItem:
    return services.agenda_item_add(
        meeting=meeting, user=_demo(Role.COORDINATOR, meeting.site.slug), referral=accept(referral), stage=stage
    )


def meeting_in_session(
    site_slug: str,
    *,
    referrals: Iterable[Referral] = (),
    stage: str = AgendaStage.REASONABLE_GROUNDS,
    chair: User | None = None,
) -> Meeting:
    """A meeting of the site in session now: chaired by the demo chair (or `chair`), every active panel
    member invited and present, `referrals` (accepted if not yet) on its agenda, and every present
    attendee having declared no conflict of interest on each case."""
    coordinator = _demo(Role.COORDINATOR, site_slug)
    meeting = scheduled_meeting(site_slug, starts_at=timezone.now(), chair=chair)
    services.attendance_mark(
        meeting=meeting, user=coordinator, present_ids=set(meeting.attendees.values_list("pk", flat=True))
    )
    for referral in referrals:
        item = add_to_agenda(meeting, referral, stage)
        for attendee in meeting.attendees.filter(present=True):
            services.conflict_declare(item=item, attendee=attendee, user=coordinator, has_conflict=False, details="")
    meeting = services.meeting_open(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    return meeting
