"""What a person loses at a site's panel, and with the children of the site, when a site administrator takes their
roles away (accounts.access_loss), and the change to the sittings that follows. Imported by accounts'
`autodiscover_modules("access_loss")`, which registers the reader and the effect below (accounts may not import this
app). Both use the panel's own rules, so the page says what is done: a seat held as a panel member sits and votes
only while its holder holds that role (`rules.seat_sits`, `rules.seat_refusals`), a sitting is chaired only by someone
holding the panel chair role (`rules.may_chair`), and their places at live sittings follow `selectors.place_lost_at`.
"""

from __future__ import annotations

from childnrm.accounts.access_loss import AccessLoss, Seat, Sitting, register, register_effect
from childnrm.accounts.models import Role, Site, User
from childnrm.audit.context import AuditContext
from childnrm.panels import rules, selectors, services
from childnrm.panels.models import QUORUM_AGENCIES, MeetingStatus, PanelMember
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import children_led_by


def _changes_sittings(roles_after: frozenset[str], roles_removed: frozenset[str]) -> bool:
    """Only taking away every role, the panel member role or the panel chair role changes their places at sittings
    (`selectors.place_lost_at` says how)."""
    return not roles_after or bool({Role.PANEL_MEMBER, Role.CHAIR} & roles_removed)


@register
def panel_and_children(
    loss: AccessLoss, *, site: Site, user: User, roles_after: frozenset[str], roles_removed: frozenset[str]
) -> None:
    removes_access = not roles_after
    roles_now = rules.site_roles_of(site, [user.pk]).get(user.pk, set())
    own = list(PanelMember.objects.filter(site=site, user=user, active=True).select_related("user__organisation"))
    # The seats that stop sitting with the roles taken away.
    lost = [
        s for s in own if rules.seat_sits(s.attends_as, roles_now) and not rules.seat_sits(s.attends_as, roles_after)
    ]
    if lost:
        refused_now = rules.seat_refusals(lost, site)
        loss.seats = [Seat(agency=s.agency_shown(site), voting=s.voting and s.pk not in refused_now) for s in lost]
        # The panel members page's count (panels.views.members), as it would be with their roles changed.
        current = list(PanelMember.objects.filter(site=site, active=True).select_related("user__organisation"))
        before = rules.voting_agencies(current, site)
        after = rules.voting_agencies(current, site, roles_instead={user.pk: set(roles_after)})
        labels = rules.AGENCY_LABELS
        loss.quorum_lost = [str(labels[a]) for a in QUORUM_AGENCIES if a in before and a not in after]
        loss.quorum_missing = [str(labels[a]) for a in QUORUM_AGENCIES if a not in after]
    if _changes_sittings(roles_after, roles_removed):
        loss.sittings = [
            Sitting(starts_at=a.meeting.starts_at, open=a.meeting.status == MeetingStatus.OPEN, outcome=outcome)
            for a, outcome in selectors.places_lost(site.pk, user, roles_after)
        ]
    if removes_access:
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


@register_effect
def sittings_left(
    *,
    site: Site,
    user: User,
    roles_after: frozenset[str],
    roles_removed: frozenset[str],
    by: User,
    audit: AuditContext,
) -> None:
    """Their places at live sittings, as the page said (the seat and the chair need no change: the rules read the
    roles)."""
    if _changes_sittings(roles_after, roles_removed):
        services.attendance_end_with_roles(
            site=site, user=user, roles_after=roles_after, roles_removed=roles_removed, by=by, audit=audit
        )
