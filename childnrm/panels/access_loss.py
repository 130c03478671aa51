"""What a person loses at a site's panel, and with the children of the site, when a site administrator takes their
roles away (accounts.access_loss): read only, with the panel's own quorum and seat rules. Imported by accounts'
`autodiscover_modules("access_loss")`, which registers the reader below (accounts may not import this app).
"""

from __future__ import annotations

from childnrm.accounts.access_loss import AccessLoss, Seat, Sitting, register
from childnrm.accounts.models import Role, Site, User
from childnrm.panels import rules
from childnrm.panels.models import QUORUM_AGENCIES, MeetingAttendee, MeetingStatus, PanelMember
from childnrm.panels.services import LIVE_STATUSES
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import children_led_by


def _voting_agencies(seats: list[PanelMember], refused: dict[int, str], *, without_user: int | None) -> set[str]:
    return {s.agency for s in seats if s.voting and s.pk not in refused and s.user_id != without_user}


@register
def panel_and_children(
    loss: AccessLoss, *, site: Site, user: User, roles_after: frozenset[str], roles_removed: frozenset[str]
) -> None:
    removes_access = not roles_after
    if removes_access or Role.PANEL_MEMBER in roles_removed:
        own = [s for s in PanelMember.objects.filter(site=site, user=user, active=True)]
        loss.seats = [Seat(agency=s.agency_shown(site), voting=s.voting) for s in own]
        if own:
            # The panel members page's count (panels.views.members): voting seats whose holder may vote.
            current = list(PanelMember.objects.filter(site=site, active=True).select_related("user__organisation"))
            refused = rules.seat_refusals(current, site)
            before = _voting_agencies(current, refused, without_user=None)
            after = _voting_agencies(current, refused, without_user=user.pk)
            labels = rules.AGENCY_LABELS
            loss.quorum_lost = [str(labels[a]) for a in QUORUM_AGENCIES if a in before and a not in after]
            loss.quorum_missing = [str(labels[a]) for a in QUORUM_AGENCIES if a not in after]
    if removes_access:
        listed = (
            MeetingAttendee.objects.filter(user=user, meeting__site=site, meeting__status__in=LIVE_STATUSES)
            .select_related("meeting")
            .order_by("meeting__starts_at", "meeting_id")
        )
        loss.sittings = [
            Sitting(starts_at=a.meeting.starts_at, open=a.meeting.status == MeetingStatus.OPEN) for a in listed
        ]
        led = children_led_by(user)
        loss.lead_social_worker_of = Child.objects.filter(site=site, pk__in=led).count() if led else 0
        loss.guardian_of = (
            ChildAssociation.objects.filter(
                user=user, kind=AssociationKind.ICTG, ends_at__isnull=True, child__site=site
            )
            .values("child_id")
            .distinct()
            .count()
        )
