"""Meetings and accepted cases made the way the coordinator makes them: through the services.

Accepted cases and scheduled sittings are made by `panels.demo` (the demo cases use them too); this adds
what only tests need.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from childnrm.accounts.models import Role, User
from childnrm.panels import services
from childnrm.panels.demo import accept, scheduled_meeting
from childnrm.panels.demo import accepted_referral as accepted_referral
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


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
