"""Writes for panels: membership, meetings and their sittings, agendas and conflict declarations.

Every change checks the acting user's permission at the record's site, re-reads the row it changes
under `select_for_update()` inside a transaction, checks its state first and records an audit event
last, in the same transaction. A refusal raises `PanelError` with a message the page shows as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, may_run_sitting
from childnrm.accounts.access_loss import SittingOutcome
from childnrm.accounts.models import Membership, OrganisationType, Role, Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_date
from childnrm.kit.errors import Problem, ServiceError
from childnrm.panels import rules
from childnrm.panels.models import (
    Agency,
    AgendaItem,
    AgendaStage,
    AttendanceEnded,
    AttendanceEndedReason,
    AttendsAs,
    ConflictDeclaration,
    Meeting,
    MeetingAttendee,
    MeetingKind,
    MeetingStatus,
    MeetingStatusChange,
    PanelMember,
)
from childnrm.people.selectors import children_led_by
from childnrm.referrals.models import Referral, ReferralStatus

MANAGE = PURPOSES[Perm.PANEL_MANAGE]
ATTEND = PURPOSES[Perm.MEETING_ATTEND]

# Meetings whose attendees, agenda and declarations may still change.
LIVE_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)
# Rules of the stages above panels on what a meeting may take onto its agenda: (meeting, referral, stage) ->
# a refusal or None. Registered by those apps (panels may not import them), e.g. the reconsideration chair rule.
AGENDA_CHECKS: list = []
# Stages whose listing an app above panels owns: stage -> lister(meeting=, user=, referral=, audit=) that lists
# the case itself and returns True, returns False when it has nothing to list, or refuses with a PanelError.
# Registered by those apps, e.g. reviews lists a reconsideration request received.
AGENDA_LISTERS: dict[str, Callable[..., bool]] = {}
# Told when a case leaves a sitting's agenda undecided: (item, the item it was carried to or None, user, audit).
# Called in the transaction, the item still in place: removed, its sitting cancelled, or carried on closing (a
# hook may refuse the carry with a PanelError). Registered by apps above panels, e.g. reviews, whose listed
# reconsideration request follows its case.
AGENDA_ITEM_LEFT_HOOKS: list[Callable[..., None]] = []


def _agenda_item_left(item: AgendaItem, to: AgendaItem | None, user, audit: AuditContext | None) -> None:
    for hook in AGENDA_ITEM_LEFT_HOOKS:
        hook(item, to, user, audit)


ORGANISATION_AGENCY = {
    OrganisationType.LOCAL_AUTHORITY: Agency.SOCIAL_CARE,
    OrganisationType.POLICE: Agency.POLICE,
    OrganisationType.HEALTH: Agency.HEALTH,
    OrganisationType.NGO: Agency.NGO,
    OrganisationType.ICTG_SERVICE: Agency.ICTG,
}


class PanelError(ServiceError, ValueError):
    """A change the panel's rules refuse; `field` names the form field to show it against, if any."""


def _require_manage(user, site_id: int) -> None:
    if not has_perm(user, Perm.PANEL_MANAGE, site_id):
        raise PermissionDenied


def _require_run(user, meeting: Meeting) -> None:
    """Opening, attendance and closing: the coordinator, or this sitting's own chair (read from the locked row,
    so a chair replaced meanwhile no longer runs it)."""
    if not may_run_sitting(user, site_id=meeting.site_id, chair_id=meeting.chair_id):
        raise PermissionDenied


def may_give_seat(user, site_id: int, member_user) -> bool:
    """Whoever runs the panel gives any seat; a site administrator gives one to someone holding the panel member
    role at the site (giving the role offers the seat, issue 9)."""
    if has_perm(user, Perm.PANEL_MANAGE, site_id):
        return True
    return (
        has_perm(user, Perm.PANEL_SEAT_GIVE, site_id)
        and Membership.objects.filter(site_id=site_id, user=member_user, role=Role.PANEL_MEMBER, active=True).exists()
    )


# --- Membership ---------------------------------------------------------------------------------


def users_with_role(site: Site, role: str):
    from childnrm.accounts.models import User

    return (
        User.objects.filter(is_active=True, memberships__site=site, memberships__role=role, memberships__active=True)
        .distinct()
        .order_by("full_name")
    )


def site_users(site: Site):
    """Users holding any active role at the site: who may be given a seat on its panel."""
    from childnrm.accounts.models import User

    return User.objects.filter(is_active=True, memberships__site=site, memberships__active=True).distinct()


def _check_seat(*, agency: str, attends_as: str, voting: bool) -> None:
    if agency not in Agency.values:
        raise PanelError(gettext("Select the agency they speak for"), "agency")
    if attends_as not in AttendsAs.values:
        raise PanelError(gettext("Select how they attend"), "attends_as")
    if voting and attends_as != AttendsAs.MEMBER:
        raise PanelError(gettext("Guardians and advisers attend without a vote: select ‘No’ for voting"), "voting")


def _check_vote(*, site: Site | int, member_user, agency: str, voting: bool) -> None:
    """A voting seat only for someone of that statutory partner, never a guardian (rules.seat_refusal)."""
    refusal = rules.seat_refusal(member_user, agency, site) if voting else None
    if refusal:
        raise PanelError(refusal, "voting")


def panel_member_add(
    *,
    site: Site,
    user,
    member_user,
    agency: str,
    attends_as: str,
    voting: bool,
    audit: AuditContext | None = None,
) -> PanelMember:
    """Give a user of the site a seat on its panel (or give a former member their seat back)."""
    if not may_give_seat(user, site.pk, member_user):
        raise PermissionDenied
    _check_seat(agency=agency, attends_as=attends_as, voting=voting)
    roles = rules.site_roles_of(site, [member_user.pk]).get(member_user.pk, set())
    if not roles:
        raise PanelError(gettext("Select someone who holds a role at this site"), "user")
    if not rules.seat_sits(attends_as, roles):
        raise PanelError(
            gettext("Select someone who holds the panel member role at this site to sit as a member"), "user"
        )
    _check_vote(site=site, member_user=member_user, agency=agency, voting=voting)
    with transaction.atomic():
        existing = PanelMember.objects.select_for_update().filter(site=site, user=member_user).first()
        if existing is not None and existing.active:
            raise PanelError(gettext("%(name)s already sits on this panel") % {"name": member_user.full_name}, "user")
        if existing is not None:
            existing.agency, existing.attends_as, existing.voting, existing.active = agency, attends_as, voting, True
            existing.save(update_fields=["agency", "attends_as", "voting", "active"])
            member = existing
        else:
            member = PanelMember.objects.create(
                site=site, user=member_user, agency=agency, attends_as=attends_as, voting=voting, added_by=user
            )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=member,
            site_id=site.pk,
            purpose=MANAGE if has_perm(user, Perm.PANEL_MANAGE, site.pk) else PURPOSES[Perm.PANEL_SEAT_GIVE],
            detail={"user": member_user.pk, "agency": agency, "attends_as": attends_as, "voting": voting},
        )
    return member


def panel_member_change(
    *,
    member: PanelMember,
    user,
    agency: str,
    attends_as: str,
    voting: bool,
    audit: AuditContext | None = None,
) -> PanelMember:
    """Change a seat. Meetings already scheduled keep the snapshot taken when their attendees were invited."""
    _require_manage(user, member.site_id)
    _check_seat(agency=agency, attends_as=attends_as, voting=voting)
    with transaction.atomic():
        locked = PanelMember.objects.select_for_update().get(pk=member.pk)
        if not locked.active:
            raise PanelError(gettext("This person no longer sits on the panel"))
        _check_vote(site=locked.site_id, member_user=locked.user, agency=agency, voting=voting)
        # Changed to attend in a way its holder's roles do not allow (a member's seat without the panel member role),
        # the seat would not sit: refused as giving it would be. Left as it is, it waits for the role to come back.
        if attends_as != locked.attends_as:
            refusal = rules.seat_not_sitting(locked.user, attends_as, locked.site_id)
            if refusal:
                raise PanelError(refusal, "attends_as")
        locked.agency, locked.attends_as, locked.voting = agency, attends_as, voting
        locked.save(update_fields=["agency", "attends_as", "voting"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"agency": agency, "attends_as": attends_as, "voting": voting},
        )
    return locked


def panel_member_remove(*, member: PanelMember, user, audit: AuditContext | None = None) -> PanelMember:
    """Take a seat away (kept, inactive: the meetings they sat on still show them)."""
    _require_manage(user, member.site_id)
    with transaction.atomic():
        locked = PanelMember.objects.select_for_update().get(pk=member.pk)
        if not locked.active:
            raise PanelError(gettext("This person has already left the panel"))
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.DELETE,
            obj=locked,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"user": locked.user_id},
        )
    return locked


# --- Meetings -----------------------------------------------------------------------------------


def _lead_social_worker_children(meeting: Meeting, chair) -> list[AgendaItem]:
    """Agenda items whose child has `chair` as their current lead social worker, on any of its linked records (the
    rule sign-off applies, `rules.chair_problems`)."""
    if chair is None or meeting.pk is None:
        return []
    child_ids = children_led_by(chair)
    if not child_ids:
        return []
    return list(meeting.agenda_items.filter(referral__child_id__in=child_ids).select_related("referral"))


def _check_chair(site: Site, chair, meeting: Meeting | None = None) -> None:
    if chair is None:
        raise PanelError(gettext("Select the chair"), "chair")
    if not rules.may_chair(rules.site_roles_of(site, [chair.pk]).get(chair.pk, set())):
        raise PanelError(gettext("Select a chair who holds the panel chair role at this site"), "chair")
    if meeting is not None:
        clashes = _lead_social_worker_children(meeting, chair)
        if clashes:
            refs = ", ".join(item.referral.reference for item in clashes)
            raise PanelError(
                gettext(
                    "%(name)s is the lead social worker of a child on this agenda (%(references)s) "
                    "and may not chair this meeting"
                )
                % {"name": chair.full_name, "references": refs},
                "chair",
            )


def _change_status(meeting: Meeting, to_status: str, user) -> None:
    MeetingStatusChange.objects.create(meeting=meeting, from_status=meeting.status, to_status=to_status, actor=user)
    meeting.status = to_status


def _invite(meeting: Meeting, member_user, *, agency: str, attends_as: str, voting: bool) -> MeetingAttendee:
    # A seat from before the voting-seat rule that its holder may not hold is invited without its vote.
    voting = voting and rules.seat_refusal(member_user, agency, meeting.site_id) is None
    return MeetingAttendee.objects.create(
        meeting=meeting, user=member_user, agency=agency, attends_as=attends_as, voting=voting
    )


def _invite_chair(meeting: Meeting, chair) -> None:
    """The chair attends (and declares conflicts like everyone else); their seat's vote if they have one."""
    if meeting.attendees.filter(user=chair).exists():
        return
    seat = PanelMember.objects.filter(site_id=meeting.site_id, user=chair, active=True).first()
    if seat is not None:
        _invite(meeting, chair, agency=seat.agency, attends_as=seat.attends_as, voting=seat.voting)
    else:
        org_type = chair.organisation.type if chair.organisation_id else ""
        agency = ORGANISATION_AGENCY.get(org_type, Agency.OTHER)
        _invite(meeting, chair, agency=agency, attends_as=AttendsAs.MEMBER, voting=False)


def meeting_schedule(
    *,
    site: Site,
    user,
    kind: str,
    starts_at: datetime,
    location: str,
    chair,
    notify: bool = True,
    audit: AuditContext | None = None,
) -> Meeting:
    """Schedule a sitting: its attendees are a snapshot of the active panel, plus the chair.

    Once committed, each attendee is emailed an invitation (unless `notify` is False, as for demo data)."""
    _require_manage(user, site.pk)
    if kind not in MeetingKind.values:
        raise PanelError(gettext("Select whether this is a regular or an extra sitting"), "kind")
    _check_chair(site, chair)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            site=site, kind=kind, starts_at=starts_at, location=location.strip(), chair=chair, created_by=user
        )
        MeetingStatusChange.objects.create(
            meeting=meeting, from_status="", to_status=MeetingStatus.SCHEDULED, actor=user
        )
        # Only seats whose holders still hold what the seat needs (the panel member role for a member's seat):
        # taking that away leaves the seat on the panel, without a vote and not invited, until it is given back.
        for seat in rules.seats_that_sit(site).select_related("user"):
            _invite(meeting, seat.user, agency=seat.agency, attends_as=seat.attends_as, voting=seat.voting)
        _invite_chair(meeting, chair)
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=meeting,
            site_id=site.pk,
            purpose=MANAGE,
            detail={"meeting": meeting.pk, "kind": kind, "starts_at": starts_at.isoformat(), "chair": chair.pk},
        )
        if notify:
            transaction.on_commit(lambda: _notify_invitation(meeting.pk))
    return meeting


def _notify_invitation(meeting_id: int, user_ids: list[int] | None = None, changed: bool = False) -> None:
    from childnrm.panels.tasks import notify_meeting_invitation

    notify_meeting_invitation.enqueue(meeting_id, user_ids, changed)


def _notify_cancelled(meeting_id: int) -> None:
    from childnrm.panels.tasks import notify_meeting_cancelled

    notify_meeting_cancelled.enqueue(meeting_id)


def _sittings_lock(*meeting_ids: int | None) -> None:
    """Sittings' rows, in id order: the first step of the one order of a case's locks (ADR 0035), taken here directly
    because `decisions.locks` is in a layer above this app."""
    wanted = sorted({pk for pk in meeting_ids if pk is not None})
    if wanted:
        list(Meeting.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))


def _lock_live(meeting: Meeting, user, *, chair_may: bool = False) -> Meeting:
    """The meeting locked, if still live and the user runs the panel (or, with `chair_may`, chairs it)."""
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("site").get(pk=meeting.pk)
    if chair_may:
        _require_run(user, locked)
    else:
        _require_manage(user, locked.site_id)
    return _still_live(locked)


def _still_live(locked: Meeting) -> Meeting:
    if locked.status not in LIVE_STATUSES:
        raise PanelError(
            gettext("This meeting is %(status)s: it can no longer be changed")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def meeting_change(
    *,
    meeting: Meeting,
    user,
    kind: str,
    starts_at: datetime,
    location: str,
    chair,
    audit: AuditContext | None = None,
) -> Meeting:
    """Change a meeting's details or chair; refuse a chair who is the lead social worker of a child on its agenda."""
    _require_manage(user, meeting.site_id)
    if kind not in MeetingKind.values:
        raise PanelError(gettext("Select whether this is a regular or an extra sitting"), "kind")
    with transaction.atomic():
        locked = _lock_live(meeting, user)
        _check_chair(locked.site, chair, locked)
        moved = locked.starts_at != starts_at or locked.location != location.strip()
        locked.kind, locked.starts_at, locked.location, locked.chair = kind, starts_at, location.strip(), chair
        locked.save(update_fields=["kind", "starts_at", "location", "chair"])
        _invite_chair(locked, chair)
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"meeting": locked.pk, "kind": kind, "starts_at": starts_at.isoformat(), "chair": chair.pk},
        )
        if moved:
            transaction.on_commit(lambda: _notify_invitation(locked.pk, None, True))
    return locked


def _transition(
    meeting: Meeting,
    user,
    *,
    allowed_from: tuple[str, ...],
    to_status: str,
    audit: AuditContext | None,
    refuse: str,
    detail: dict | None = None,
    chair_may: bool = False,
) -> Meeting:
    """Move the sitting to `to_status`; `chair_may`: its own chair may do this too (opening and closing)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if chair_may:
            _require_run(user, locked)
        else:
            _require_manage(user, locked.site_id)
        if locked.status not in allowed_from:
            raise PanelError(refuse % {"status": locked.get_status_display().lower()})
        from_status = locked.status
        _change_status(locked, to_status, user)
        now = timezone.now()
        fields = ["status"]
        if to_status == MeetingStatus.OPEN:
            locked.opened_at = now
            fields.append("opened_at")
        if to_status == MeetingStatus.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"meeting": locked.pk, "from": from_status, "to": to_status, **(detail or {})},
        )
    return locked


class OpenEarly(PanelError):
    """The sitting is set for a later day: opening it today needs the coordinator's confirmation."""


def opens_early(meeting: Meeting) -> bool:
    return timezone.localtime(meeting.starts_at).date() > timezone.localdate()


def meeting_open(*, meeting: Meeting, user, audit: AuditContext | None = None, move_to_today: bool = False) -> Meeting:
    """Open the sitting. Before its day only with `move_to_today`: the date moves to today at the same time,
    the day it was set for is kept (opened_early_from), so decisions and clocks date from when it met."""
    if meeting.chair_id is None:
        raise PanelError(gettext("Choose a chair before opening the sitting"))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        early = locked.status == MeetingStatus.SCHEDULED and opens_early(locked)
        moved_from = locked.starts_at
        moved_to = timezone.make_aware(datetime.combine(timezone.localdate(), timezone.localtime(moved_from).time()))
        # The transition checks who may open it and from what status first; a refusal below rolls it back.
        opened = _transition(
            locked,
            user,
            allowed_from=(MeetingStatus.SCHEDULED,),
            to_status=MeetingStatus.OPEN,
            audit=audit,
            refuse=gettext("This meeting is %(status)s: only a scheduled meeting can be opened"),
            detail={"moved_from": moved_from.isoformat(), "starts_at": moved_to.isoformat()} if early else {},
            chair_may=True,
        )
        # Opened with a chair who may no longer chair it, no decision could be signed off there.
        if refusal := rules.chair_refusal(opened):
            raise PanelError(refusal)
        if early:
            if not move_to_today:
                raise OpenEarly(
                    gettext("This sitting is set for %(day)s. Confirm that it is meeting today instead")
                    % {"day": long_date(timezone.localtime(moved_from).date())},
                    "move_to_today",
                )
            opened.starts_at, opened.opened_early_from = moved_to, moved_from
            opened.save(update_fields=["starts_at", "opened_early_from"])
    return opened


def meeting_close(
    *, meeting: Meeting, user, carry_to: Meeting | None = None, audit: AuditContext | None = None
) -> Meeting:
    """Close the sitting: attendees' access to its case papers ends, and each case it was asked to decide
    and did not goes on the agenda of `carry_to` (default: the site's next scheduled sitting) through
    agenda_item_add, so every agenda rule applies. All or nothing: a case that cannot go there keeps the
    sitting open, with the reason, for the coordinator to choose another sitting or take the case off."""
    from childnrm.panels import selectors

    with transaction.atomic():
        # This sitting and the one its undecided cases go to, in id order (ADR 0035: sittings first, each kind in id
        # order), so closing a sitting carrying to another never waits, holding it, for a write holding the other.
        # Found before the lock: a sitting scheduled in between that comes sooner is locked after, the rare exception.
        goes_to = carry_to if carry_to is not None else selectors.later_sittings(meeting).first()
        _sittings_lock(meeting.pk, goes_to.pk if goes_to is not None else None)
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        # Whoever may close the sitting (its chair too) carries its undecided cases: that is part of closing it.
        _require_run(user, locked)
        undecided = selectors.undecided_items(locked) if locked.status == MeetingStatus.OPEN else []
        carried = []
        if undecided:
            if carry_to is None:
                carry_to = selectors.later_sittings(locked).first()
            if carry_to is None:
                raise PanelError(
                    ngettext(
                        "No later sitting is scheduled to carry the %(count)s undecided case to: "
                        "schedule the next sitting first",
                        "No later sitting is scheduled to carry the %(count)s undecided cases to: "
                        "schedule the next sitting first",
                        len(undecided),
                    )
                    % {"count": len(undecided)},
                    "carry_to",
                )
            if carry_to.pk == locked.pk or carry_to.site_id != locked.site_id:
                raise PanelError(gettext("Select a later sitting of this panel"), "carry_to")
            for item in undecided:
                carried.append(_carry(item, carry_to, user, audit))
        return _transition(
            locked,
            user,
            allowed_from=(MeetingStatus.OPEN,),
            to_status=MeetingStatus.CLOSED,
            audit=audit,
            refuse=gettext("This meeting is %(status)s: only a meeting in session can be closed"),
            detail={"carried": carried} if carried else {},
            chair_may=True,
        )


def _carry(item: AgendaItem, to: Meeting, user, audit: AuditContext | None) -> dict:
    """Put an undecided case on `to`'s agenda (or mark it carried there if already listed)."""
    from childnrm.panels import selectors

    when = long_date(timezone.localtime(to.starts_at).date())
    existing = to.agenda_items.filter(referral_id=item.referral_id).first()
    try:
        if existing is not None:
            if existing.carried_from_id is None:
                existing.carried_from = item
                existing.save(update_fields=["carried_from"])
            new = existing
        else:
            # Every agenda rule applies; the permission is the closing one, checked by meeting_close.
            live_to = Meeting.objects.select_for_update(of=("self",)).select_related("site").get(pk=to.pk)
            locked_to = _still_live(live_to)
            # For what is still to decide: conclusive grounds alone once reasonable grounds are settled, which the
            # agenda would not take again.
            stage = selectors.still_asked(item) or item.stage
            new = _agenda_add(locked_to, user=user, referral=item.referral, stage=stage, audit=audit, carried_from=item)
        _agenda_item_left(item, new, user, audit)
    except PanelError as problem:
        raise PanelError(
            gettext("Referral %(reference)s cannot be carried to the sitting on %(day)s: %(problem)s")
            % {"reference": item.referral.reference, "day": when, "problem": problem},
            "carry_to",
        ) from problem
    return {"item": item.pk, "referral": item.referral_id, "to_meeting": to.pk, "to_item": new.pk}


def meeting_cancel(*, meeting: Meeting, user, audit: AuditContext | None = None) -> Meeting:
    """Cancel a scheduled sitting; its attendees are told once it is committed."""
    with transaction.atomic():
        cancelled = _transition(
            meeting,
            user,
            allowed_from=(MeetingStatus.SCHEDULED,),
            to_status=MeetingStatus.CANCELLED,
            audit=audit,
            refuse=gettext("This meeting is %(status)s: only a scheduled meeting can be cancelled"),
        )
        for item in cancelled.agenda_items.all():
            _agenda_item_left(item, None, user, audit)
        transaction.on_commit(lambda: _notify_cancelled(cancelled.pk))
    return cancelled


# --- Attendees ----------------------------------------------------------------------------------


def attendee_add(*, meeting: Meeting, user, member: PanelMember, audit: AuditContext | None = None) -> MeetingAttendee:
    """Invite a panel member who was not on the panel (or not invited) when the meeting was scheduled."""
    with transaction.atomic():
        locked = _lock_live(meeting, user)
        if member.site_id != locked.site_id or not member.active:
            raise PanelError(gettext("Select a current member of this panel"), "member")
        if locked.attendees.filter(user_id=member.user_id).exists():
            raise PanelError(gettext("%(name)s is already invited") % {"name": member.user.full_name}, "member")
        # A seat held as a panel member sits only with that role, with a vote or without (as meeting_schedule invites).
        not_sitting = rules.seat_not_sitting(member.user, member.attends_as, locked.site_id)
        if not_sitting:
            raise PanelError(
                gettext("%(refusal)s. Ask the site administrator to give them the role before inviting them")
                % {"refusal": not_sitting},
                "member",
            )
        refusal = rules.seat_refusal(member.user, member.agency, locked.site_id) if member.voting else None
        if refusal:
            raise PanelError(
                gettext("%(refusal)s. Change their seat on the panel before inviting them") % {"refusal": refusal},
                "member",
            )
        attendee = _invite(
            locked, member.user, agency=member.agency, attends_as=member.attends_as, voting=member.voting
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=attendee,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"meeting": locked.pk, "user": member.user_id},
        )
        transaction.on_commit(lambda: _notify_invitation(locked.pk, [member.user_id]))
    return attendee


def attendee_remove(*, attendee: MeetingAttendee, user, audit: AuditContext | None = None) -> None:
    with transaction.atomic():
        locked = _lock_live(attendee.meeting, user)
        if locked.chair_id == attendee.user_id:
            raise PanelError(gettext("The chair cannot be removed: choose another chair first"))
        if locked.decisions.exists() and attendee.voting:
            raise PanelError(gettext("A decision has been started at this meeting: mark the member absent instead"))
        row = MeetingAttendee.objects.select_for_update().get(pk=attendee.pk)
        detail = {"meeting": locked.pk, "user": row.user_id}
        row.delete()
        audit_record(
            context=audit,
            actor=user,
            action=Action.DELETE,
            object_type="panels.meetingattendee",
            object_id=str(attendee.pk),
            site_id=locked.site_id,
            purpose=MANAGE,
            detail=detail,
        )


def attendance_mark(
    *, meeting: Meeting, user, present_ids: set[int], audit: AuditContext | None = None
) -> list[MeetingAttendee]:
    """Record who is present: attendees whose ids are in `present_ids`; everyone else invited is absent."""
    with transaction.atomic():
        locked = _lock_live(meeting, user, chair_may=True)
        attendees = list(locked.attendees.select_for_update())
        unknown = set(present_ids) - {a.pk for a in attendees}
        if unknown:
            raise PanelError(gettext("Select only people invited to this meeting"), "present")
        for a in attendees:
            a.present = a.pk in present_ids
        MeetingAttendee.objects.bulk_update(attendees, ["present"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=MANAGE,
            detail={"meeting": locked.pk, "present": sorted(present_ids)},
        )
    return attendees


def attendance_end_with_roles(
    *,
    site: Site,
    user,
    roles_after: frozenset[str],
    by,
    audit: AuditContext | None = None,
    roles_removed: frozenset[str] = frozenset(),
) -> list[AttendanceEnded]:
    """A site administrator has left `user` with `roles_after` at the site, taking away every role, the panel member
    role or the panel chair role (accounts.access_loss calls this in the same transaction), as
    `selectors.place_lost_at` says, which the confirmation page read: off the attendance list of each live sitting they
    may no longer attend, or marked absent where a decision has been started there; a sitting they chair and may no
    longer chair (`rules.may_chair`) keeps them named as its chair, the record unchanged, while its chair rule refuses
    them until the coordinator chooses another. Sittings closed or cancelled keep their record. Each is recorded for
    the sitting's page and audited (a chair's only when this change took the chair role: once is enough)."""
    from childnrm.panels import selectors

    if not has_perm(by, Perm.SITE_USERS_MANAGE, site.pk):
        raise PermissionDenied
    reason = (
        AttendanceEndedReason.ACCESS_REMOVED if not roles_after else AttendanceEndedReason.PANEL_MEMBER_ROLE_REMOVED
    )
    chair_reason = AttendanceEndedReason.ACCESS_REMOVED if not roles_after else AttendanceEndedReason.CHAIR_ROLE_REMOVED
    chair_taken = not roles_after or Role.CHAIR in roles_removed
    ended: list[AttendanceEnded] = []
    with transaction.atomic():
        meeting_ids = MeetingAttendee.objects.filter(
            user=user, meeting__site=site, meeting__status__in=LIVE_STATUSES
        ).values_list("meeting_id", flat=True)
        for meeting_id in sorted(meeting_ids):  # locked in one order, as every writer of a sitting
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
            attendee = MeetingAttendee.objects.select_for_update().filter(meeting=meeting, user=user).first()
            if meeting.status not in LIVE_STATUSES or attendee is None:
                continue
            outcome = selectors.place_lost_at(meeting, attendee, roles_after)
            if outcome == SittingOutcome.CHAIRS and chair_taken:
                ended.append(_chair_lost(meeting, attendee, reason=chair_reason, by=by, audit=audit))
            if outcome not in (SittingOutcome.TAKEN_OFF, SittingOutcome.MARKED_ABSENT):
                continue
            marked_absent = outcome == SittingOutcome.MARKED_ABSENT
            attendee_id = attendee.pk
            if marked_absent:
                attendee.present = False
                attendee.save(update_fields=["present"])
            else:
                attendee.delete()  # with any declarations made ahead: no decision at the sitting relies on them
            record = _attendance_ended(
                meeting,
                attendee,
                reason=reason,
                by=by,
                audit=audit,
                marked_absent=marked_absent,
                action=Action.UPDATE if marked_absent else Action.DELETE,
                object_type="panels.meetingattendee",
                object_id=str(attendee_id),
            )
            ended.append(record)
    return ended


def _chair_lost(
    meeting: Meeting, attendee: MeetingAttendee, *, reason: str, by, audit: AuditContext | None
) -> AttendanceEnded:
    """Record, for the sitting's page, that its chair may no longer chair it; audited against the sitting. Nothing
    else changes: they stay named as its chair and on its list, which the coordinator changes by choosing another."""
    return _attendance_ended(
        meeting, attendee, reason=reason, by=by, audit=audit, as_chair=True, action=Action.UPDATE, obj=meeting
    )


def _attendance_ended(
    meeting: Meeting,
    attendee: MeetingAttendee,
    *,
    reason: str,
    by,
    audit: AuditContext | None,
    marked_absent: bool = False,
    as_chair: bool = False,
    **audited_on: Any,
) -> AttendanceEnded:
    """The record of a place lost at a sitting (for the sitting's page) and its audit event, on what `audited_on`
    names: the attendance (taken off or marked absent) or the sitting (its chair)."""
    record = AttendanceEnded.objects.create(
        meeting=meeting,
        user_id=attendee.user_id,
        agency=attendee.agency,
        attends_as=attendee.attends_as,
        voting=attendee.voting,
        marked_absent=marked_absent,
        as_chair=as_chair,
        reason=reason,
        by=by,
    )
    how = {"as_chair": True} if as_chair else {"marked_absent": marked_absent}
    audit_record(
        context=audit,
        actor=by,
        site_id=meeting.site_id,
        purpose=PURPOSES[Perm.SITE_USERS_MANAGE],
        detail={"meeting": meeting.pk, "user": attendee.user_id, "reason": reason, **how}
        | {"attendance_ended": record.pk},
        **audited_on,
    )
    return record


# --- Agenda -------------------------------------------------------------------------------------


def agenda_item_add(
    *,
    meeting: Meeting,
    user,
    referral: Referral,
    stage: str,
    audit: AuditContext | None = None,
    carried_from: AgendaItem | None = None,
) -> AgendaItem:
    """Put a case on a live meeting's agenda; `carried_from` is the item of a sitting that closed undecided."""
    with transaction.atomic():
        return _agenda_add(
            _lock_live(meeting, user),
            user=user,
            referral=referral,
            stage=stage,
            audit=audit,
            carried_from=carried_from,
        )


def _agenda_add(
    locked: Meeting,
    *,
    user,
    referral: Referral,
    stage: str,
    audit: AuditContext | None,
    carried_from: AgendaItem | None = None,
) -> AgendaItem:
    """The agenda's rules and the write, on a live meeting locked by the caller, who has checked the permission."""
    if stage not in AgendaStage.values:
        raise PanelError(gettext("Select what the panel is asked to decide"), "stage")
    # The case's row after the sitting's (ADR 0035), and its site and status read under that lock: a transfer or a
    # hand-over to the SCA under way waits for this, or this for it, and is not listed on a stale copy.
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.site_id != locked.site_id or referral.status != ReferralStatus.ACCEPTED:
        raise PanelError(gettext("Only a case accepted by this panel can go on its agenda"), "referral")
    if locked.agenda_items.filter(referral=referral).exists():
        raise PanelError(
            gettext("%(reference)s is already on this agenda") % {"reference": referral.reference}, "referral"
        )
    if refusal := _decided_refusal(referral, stage):
        raise PanelError(refusal, "stage")
    for check in AGENDA_CHECKS:
        if refusal := check(locked, referral, stage):
            raise PanelError(refusal, "referral")
    position = (locked.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=locked, referral=referral, stage=stage, position=position, added_by=user, carried_from=carried_from
    )
    detail = {"meeting": locked.pk, "referral": referral.pk, "stage": stage}
    if carried_from is not None:
        detail.update(carried_from_meeting=carried_from.meeting_id, carried_from_item=carried_from.pk)
    audit_record(
        context=audit,
        actor=user,
        action=Action.CREATE,
        obj=item,
        site_id=locked.site_id,
        purpose=MANAGE,
        detail=detail,
    )
    return item


def _decided_refusal(referral: Referral, stage: str) -> str | None:
    """Why the agenda may not ask a panel for a decision the case already has (`selectors.decided_stages`: signed off
    at any sitting, with no draft of it open), or None. A reconsideration has its own rules (decisions.reconsideration,
    an agenda check), and a plan review asks for no decision."""
    from childnrm.panels import selectors

    stages_asked: dict[str, set[str]] = {
        AgendaStage.REASONABLE_GROUNDS: {AgendaStage.REASONABLE_GROUNDS},
        AgendaStage.CONCLUSIVE_GROUNDS: {AgendaStage.CONCLUSIVE_GROUNDS},
        AgendaStage.BOTH: {AgendaStage.REASONABLE_GROUNDS, AgendaStage.CONCLUSIVE_GROUNDS},
    }
    asked = stages_asked.get(stage)
    if not asked:
        return None
    decided = selectors.decided_stages(referral) & asked
    if not decided:
        return None
    if AgendaStage.CONCLUSIVE_GROUNDS in decided:
        return gettext("Both decisions on %(reference)s have been made: no decision waits for a sitting") % {
            "reference": referral.reference
        }
    return gettext(
        "The reasonable grounds decision on %(reference)s has already been signed off: select the conclusive "
        "grounds decision"
    ) % {"reference": referral.reference}


def agenda_case_add(
    *, meeting: Meeting, user, referral: Referral, stage: str, audit: AuditContext | None = None
) -> None:
    """The coordinator puts a case on the agenda: through the app that owns the stage when it has something
    to list for the case (`AGENDA_LISTERS`), else straight on."""
    lister = AGENDA_LISTERS.get(stage)
    if lister is not None and lister(meeting=meeting, user=user, referral=referral, audit=audit):
        return
    agenda_item_add(meeting=meeting, user=user, referral=referral, stage=stage, audit=audit)


def agenda_next_sitting_add(
    *, referral: Referral, meeting: Meeting, user, audit: AuditContext | None = None
) -> AgendaItem:
    """From triage: put the accepted case on `meeting`, the site's next sitting the coordinator was shown, asking
    the panel for the decision the case waits for (panels.selectors.next_agenda_stage). Every agenda rule applies."""
    from childnrm.panels import selectors

    _require_manage(user, referral.site_id)
    if meeting.site_id != referral.site_id:
        raise PanelError(gettext("Select a sitting of the panel that accepted the case"), "meeting")
    stage = selectors.next_agenda_stage(referral)
    if stage is None:
        raise PanelError(
            gettext("Both decisions on %(reference)s have been made: no decision waits for a sitting")
            % {"reference": referral.reference}
        )
    return agenda_item_add(meeting=meeting, user=user, referral=referral, stage=stage, audit=audit)


def agenda_item_remove(*, item: AgendaItem, user, audit: AuditContext | None = None) -> None:
    with transaction.atomic():
        locked = _lock_live(item.meeting, user)
        row = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=locked)
        if row.decisions.exists():
            raise PanelError(
                gettext("A decision has been recorded for this case at this meeting: it cannot be removed")
            )
        detail = {"meeting": locked.pk, "referral": row.referral_id}
        _agenda_item_left(row, None, user, audit)
        row.delete()
        audit_record(
            context=audit,
            actor=user,
            action=Action.DELETE,
            object_type="panels.agendaitem",
            object_id=str(item.pk),
            site_id=locked.site_id,
            purpose=MANAGE,
            detail=detail,
        )


# --- Conflicts of interest ----------------------------------------------------------------------


def declarations_closed(meeting: Meeting, item: AgendaItem) -> str:
    """Why declarations on this case can no longer be made or changed; "" while they can. The papers page and
    both services ask here, so the page offers the form exactly when a declaration would be taken."""
    if meeting.status not in LIVE_STATUSES:
        return gettext("This meeting is %(status)s: declarations are closed") % {
            "status": meeting.get_status_display().lower()
        }
    if item.decisions.filter(status__in=("final", "second_review", "superseded")).exists():
        return gettext("A decision on this case has been signed off: the declarations can no longer change")
    return ""


def conflict_declare(
    *,
    item: AgendaItem,
    attendee: MeetingAttendee,
    user,
    has_conflict: bool,
    details: str,
    audit: AuditContext | None = None,
) -> ConflictDeclaration:
    """An attendee's declaration on one case, made by themselves or recorded for them by the coordinator.

    Anyone invited may declare before they are marked present (reading the papers ahead of the sitting): the
    declaration counts for the sitting's rules once they are (`rules` reads only those present), and a conflict
    closes the papers to them at once (`selectors.papers_closed_by_conflict`). Someone not invited cannot declare.
    A later declaration replaces an earlier one while the meeting is live and no decision on the case is signed off
    (`declarations_closed`; who and when are kept on the row; every declaration is in the audit trail).
    """
    details = (details or "").strip()
    if has_conflict is None:
        raise PanelError(gettext("Select whether there is a conflict of interest"), "has_conflict")
    if has_conflict and not details:
        raise PanelError(gettext("Describe the conflict of interest"), "details")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        own = attendee.user_id == user.pk
        if not own and not has_perm(user, Perm.PANEL_MANAGE, meeting.site_id):
            raise PermissionDenied
        if own and not has_perm(user, Perm.MEETING_ATTEND, meeting.site_id):
            raise PermissionDenied
        if attendee.meeting_id != meeting.pk:
            raise PanelError(gettext("Select someone invited to this meeting"), "attendee")
        closed = declarations_closed(meeting, item)
        if closed:
            raise PanelError(closed)
        existing = ConflictDeclaration.objects.select_for_update().filter(agenda_item=item, attendee=attendee).first()
        return _declaration_write(
            meeting, item, attendee, user, has_conflict, details if has_conflict else "", existing, audit
        )


class ConflictsInvalid(PanelError):
    """Some rows of the case's declarations form are wrong: `errors` maps each form field to its message,
    naming the person, so the page shows every problem at once. Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors

    def form_errors(self) -> list[tuple[str | None, str]]:
        return list(self.errors.items())


def conflict_field(attendee: MeetingAttendee, name: str) -> str:
    """The form field of one attendee's row: `a<attendee id>-has_conflict` or `a<attendee id>-details`."""
    return f"a{attendee.pk}-{name}"


def conflicts_record(
    *,
    item: AgendaItem,
    user,
    answers: dict[int, tuple[bool | None, str]],
    audit: AuditContext | None = None,
) -> list[ConflictDeclaration]:
    """The coordinator records every present attendee's declaration on one case from one form: `answers`
    maps attendee id to (has conflict, details). All or nothing: every present attendee must be answered
    for, a conflict must be described, and any problem refuses the whole form with every error named.

    A row that says what is already recorded is left as it is (who declared it and when stay true).
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        if not has_perm(user, Perm.PANEL_MANAGE, meeting.site_id):
            raise PermissionDenied
        closed = declarations_closed(meeting, item)
        if closed:
            raise PanelError(closed)
        attendees = {a.pk: a for a in meeting.attendees.select_related("user")}
        if set(answers) - set(attendees):
            raise PanelError(gettext("Select only people invited to this meeting"))
        present = [a for a in attendees.values() if a.present]
        errors: dict[str, str] = {}
        rows: list[tuple[MeetingAttendee, bool, str]] = []
        for attendee in sorted(present, key=lambda a: (a.attends_as, a.agency, a.pk)):
            has_conflict, details = answers.get(attendee.pk, (None, ""))
            details = (details or "").strip()
            name = attendee.user.full_name
            if has_conflict is None:
                errors[conflict_field(attendee, "has_conflict")] = gettext(
                    "Select whether %(name)s has a conflict of interest"
                ) % {"name": name}
            elif has_conflict and not details:
                errors[conflict_field(attendee, "details")] = gettext("Describe %(name)s’s conflict of interest") % {
                    "name": name
                }
            else:
                rows.append((attendee, has_conflict, details if has_conflict else ""))
        if errors:
            raise ConflictsInvalid(errors)
        existing = {d.attendee_id: d for d in ConflictDeclaration.objects.select_for_update().filter(agenda_item=item)}
        saved = []
        for attendee, has_conflict, details in rows:
            declaration = existing.get(attendee.pk)
            if declaration is not None and (declaration.has_conflict, declaration.details) == (has_conflict, details):
                saved.append(declaration)
                continue
            saved.append(_declaration_write(meeting, item, attendee, user, has_conflict, details, declaration, audit))
    return saved


def _declaration_write(
    meeting: Meeting,
    item: AgendaItem,
    attendee: MeetingAttendee,
    user,
    has_conflict: bool,
    details: str,
    declaration: ConflictDeclaration | None,
    audit: AuditContext | None,
) -> ConflictDeclaration:
    """Create or replace one declaration, audited (the caller holds the meeting's lock and checked the rules)."""
    own = attendee.user_id == user.pk
    if declaration is None:
        declaration = ConflictDeclaration.objects.create(
            agenda_item=item, attendee=attendee, has_conflict=has_conflict, details=details, declared_by=user
        )
        created = True
    else:
        declaration.has_conflict, declaration.details = has_conflict, details
        declaration.declared_by, declaration.declared_at = user, timezone.now()
        declaration.save(update_fields=["has_conflict", "details", "declared_by", "declared_at"])
        created = False
    audit_record(
        context=audit,
        actor=user,
        action=Action.CREATE if created else Action.UPDATE,
        obj=declaration,
        site_id=meeting.site_id,
        purpose=ATTEND if own else MANAGE,
        detail={
            "meeting": meeting.pk,
            "referral": item.referral_id,
            "attendee": attendee.user_id,
            "has_conflict": has_conflict,
        },
    )
    return declaration


def item_problems(item: AgendaItem) -> list[Problem]:
    """What the meeting page shows against a case: the chair rule, missing declarations and quorum."""
    return rules.sitting_problems(item)
