"""The panel's rules for deciding one case at a sitting: voting seats, chair, conflicts of interest and quorum.

Pure reads: each returns the problems in plain English (empty when the rule is met), so the
decision's completeness check, the meeting page and the finalise service all say the same thing.

Voting seats (domain.md step 7): a seat votes only for a statutory safeguarding partner and only in the
hands of someone from that kind of organisation who holds the panel member role at the site (a seat is held as a
panel member); a guardian (the ICTG role at the site, or anyone from an ICTG service) never votes. The services
refuse such seats, and the counting below ignores any that exist from before or whose holder has since lost the
role, so a bad seat can neither vote nor make quorum. `seat_refusals` is the one rule: the meeting page, the
panel members page, the decision's voters, quorum and the site administrator's warning before taking roles away
(panels.access_loss) all ask it. Likewise a seat sits (is invited to sittings) only while its holder holds what it is
held with (`seat_sits`, in words `seat_not_sitting`), and a sitting is chaired only by someone holding the panel chair
role at its site (`may_chair`, and `chair_refusal` for a live sitting's chair, which the chair rule reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from childnrm.accounts import nations
from childnrm.accounts.models import Membership, OrganisationType, Role, Site, User
from childnrm.kit import prepared
from childnrm.kit.errors import Problem
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.panels.models import (
    QUORUM_AGENCIES,
    Agency,
    AgendaItem,
    AttendsAs,
    ConflictDeclaration,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PanelMember,
)

AGENCY_LABELS = dict(Agency.choices)

# Who may hold each voting seat: the organisation type its holder must work for. Only the statutory
# partners have voting seats; everyone else (education, youth justice, guardians...) advises.
SEAT_ORGANISATION_TYPE: dict[str, str] = {
    Agency.SOCIAL_CARE: OrganisationType.LOCAL_AUTHORITY,
    Agency.POLICE: OrganisationType.POLICE,
    Agency.HEALTH: OrganisationType.HEALTH,
}


def _site_id(site: Site | int) -> int:
    return site.pk if isinstance(site, Site) else site


def site_roles_of(site: Site | int, user_ids: Iterable[int]) -> dict[int, set[str]]:
    """The active roles each of `user_ids` holds at the site, their account active (absent: none)."""
    ids = sorted(set(user_ids))
    if not ids:  # as the ORM does for an empty `__in`: no statement
        return {}
    # Compiled once per length (kit.prepared), the ids padded to a power of two: a few statements for every sitting.
    length = max(8, 1 << (len(ids) - 1).bit_length())
    roles: dict[int, set[str]] = {}
    for user_id, role in prepared.rows(
        Membership,
        ("panels:site-roles", length),
        lambda site_id, *users: Membership.objects.filter(
            site_id=site_id, user_id__in=list(users), active=True, user__is_active=True
        ).values_list("user_id", "role"),
        _site_id(site),
        *ids,
        *[ids[-1]] * (length - len(ids)),
    ):
        roles.setdefault(user_id, set()).add(role)
    return roles


def ictg_role_holder_ids(site: Site | int, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` hold the guardian (ICTG) role at the site."""
    return {user_id for user_id, roles in site_roles_of(site, user_ids).items() if Role.ICTG in roles}


def _site(site: Site | int | None) -> Site | None:
    """The site, to name the guardian as its nation does (read only when a refusal names the guardian)."""
    return site if isinstance(site, Site) or site is None else Site.objects.filter(pk=site).first()


def _refusal(user, agency: str, *, roles: set[str], site: Site | int | None = None) -> str | None:
    name = user.full_name
    organisation = user.organisation if user.organisation_id else None
    if not roles:
        # A seat is given to someone with a role at the site (`panel_member_add`); removing their roles, or their
        # account, takes its vote with them, at sittings already scheduled too.
        return gettext("%(name)s no longer holds a role at this site: their seat has no vote") % {"name": name}
    if Role.ICTG in roles:
        law = nations.rules(_site(site))
        if not law.english_law:
            return gettext("%(name)s holds the guardian role at this site (%(service)s): a guardian never votes") % {
                "name": name,
                "service": law.guardian_service,
            }
        return gettext(
            "%(name)s holds the Independent Child Trafficking Guardian role at this site: a guardian never votes"
        ) % {"name": name}
    if organisation is not None and organisation.type == OrganisationType.ICTG_SERVICE:
        return welsh_format(
            gettext("%(name)s works for %(organisation)s, a guardian service: a guardian never votes"),
            {"name": name, "organisation": organisation.display_name},
        )
    if Role.PANEL_MEMBER not in roles:
        # A seat is held as a panel member: another role at the site (chair, adviser...) does not keep its vote.
        return gettext("%(name)s does not hold the panel member role at this site: their seat has no vote") % {
            "name": name
        }
    required = SEAT_ORGANISATION_TYPE.get(agency)
    label = AGENCY_LABELS.get(agency, agency)
    if required is None:
        if agency == Agency.ICTG and not nations.rules(where := _site(site)).english_law:  # a name: not lowered
            shown = nations.agency_label(agency, label, where)
        else:
            shown = label.lower()
        return gettext("Only children’s social care, police and health have a vote: %(agency)s attends without one") % {
            "agency": shown
        }
    if organisation is None or organisation.type != required:
        kind = OrganisationType(required).label.lower()
        if organisation is None:
            return gettext(
                "Only someone from a %(kind)s can hold the %(agency)s vote: %(name)s has no organisation recorded"
            ) % {"kind": kind, "agency": label.lower(), "name": name}
        return welsh_format(
            gettext("Only someone from a %(kind)s can hold the %(agency)s vote: %(name)s works for %(organisation)s"),
            {"kind": kind, "agency": label.lower(), "name": name, "organisation": organisation.display_name},
        )
    return None


def seat_refusal(user, agency: str, site: Site | int) -> str | None:
    """Why `user` may not hold a voting seat for `agency` on the site's panel, or None when they may."""
    roles = site_roles_of(site, [user.pk]).get(user.pk, set())
    return _refusal(user, agency, roles=roles, site=site)


def seat_refusals(
    seats: Iterable[MeetingAttendee | PanelMember],
    site: Site | int,
    *,
    roles_instead: dict[int, set[str]] | None = None,
) -> dict[int, str]:
    """The refusal for each voting seat (a panel member or a meeting attendee) that may not vote, by pk.

    One query for the site roles, whatever the number of seats: the meeting page counts every case.
    `roles_instead` (user pk -> roles) reads the rule as it would be with those users' roles changed: what the
    site administrator is told before taking roles away (panels.access_loss)."""
    voting = [s for s in seats if s.voting]
    roles = site_roles_of(site, {s.user_id for s in voting})
    roles.update(roles_instead or {})
    refusals = {s.pk: _refusal(s.user, s.agency, roles=roles.get(s.user_id, set()), site=site) for s in voting}
    return {pk: why for pk, why in refusals.items() if why}


def voting_agencies(
    seats: Iterable[MeetingAttendee | PanelMember],
    site: Site | int,
    *,
    roles_instead: dict[int, set[str]] | None = None,
) -> set[str]:
    """The statutory partners with a seat among `seats` that may vote (`seat_refusals`): what makes the panel
    able to be quorate (its members page, and the warning before someone's roles are taken away)."""
    seats = list(seats)
    refused = seat_refusals(seats, site, roles_instead=roles_instead)
    return {s.agency for s in seats if s.voting and s.pk not in refused}


def seat_sits(attends_as: str, roles: set[str]) -> bool:
    """Whether a seat's holder, holding `roles` at the site, is invited with it to the panel's sittings: a seat held
    as a panel member needs that role (it also has no vote without it, `seat_refusal`); a guardian's or an
    adviser's seat needs a role at the site."""
    if attends_as == AttendsAs.MEMBER:
        return Role.PANEL_MEMBER in roles
    return bool(roles)


def seat_not_sitting(user, attends_as: str, site: Site | int) -> str | None:
    """Why a seat attending as `attends_as` does not sit in `user`'s hands (`seat_sits`, with their roles at the site
    now), or None when it does: what refuses an invitation to a sitting or a change of seat that would seat them."""
    roles = site_roles_of(site, [user.pk]).get(user.pk, set())
    if seat_sits(attends_as, roles):
        return None
    if not roles:
        return gettext("%(name)s no longer holds a role at this site: their seat does not sit") % {
            "name": user.full_name
        }
    return gettext(
        "%(name)s does not hold the panel member role at this site: a seat as a panel member does not sit without it"
    ) % {"name": user.full_name}


def seats_that_sit(site: Site) -> QuerySet[PanelMember]:
    """The site's active seats whose holders are invited to its sittings (`seat_sits`, as one query)."""
    roles = Membership.objects.filter(user_id=OuterRef("user_id"), site=site, active=True)
    return PanelMember.objects.filter(site=site, active=True, user__is_active=True).filter(
        (Q(attends_as=AttendsAs.MEMBER) & Exists(roles.filter(role=Role.PANEL_MEMBER)))
        | (~Q(attends_as=AttendsAs.MEMBER) & Exists(roles))
    )


# Sittings whose chair may still change (as services.LIVE_STATUSES): a closed sitting's record stands as it was.
_LIVE = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)


def may_chair(roles: set[str]) -> bool:
    """Whether someone holding `roles` at a site (`site_roles_of`: their account active) may chair its panel's
    sittings: the panel chair role, since the chair checks quorum and conflicts and signs decisions off (domain.md).
    Choosing a chair, the chair rule of a sitting and the site administrator's warning all ask here."""
    return Role.CHAIR in roles


def chairs_at(site: Site) -> QuerySet[User]:
    """Who may be chosen to chair the site's sittings (`may_chair`, as one query), by name."""
    held = Membership.objects.filter(user_id=OuterRef("pk"), site=site, role=Role.CHAIR, active=True)
    return User.objects.filter(Exists(held), is_active=True).order_by("full_name")


def chair_refusal(meeting: Meeting) -> str | None:
    """Why a live sitting's chair may not chair it, now that they no longer hold the panel chair role at its site
    (`may_chair`); None when they may, when it has no chair or when it is closed or cancelled. They stay named as its
    chair (the record is not rewritten) until the coordinator chooses another: the chair rule (`chair_problems`, so the
    sitting's decisions), opening it and its page all read this."""
    if meeting.chair_id is None or meeting.status not in _LIVE:
        return None
    if may_chair(site_roles_of(meeting.site_id, [meeting.chair_id]).get(meeting.chair_id, set())):
        return None
    return gettext("%(name)s no longer holds the panel chair role at this site: choose another chair") % {
        "name": meeting.chair.full_name  # type: ignore[union-attr]  # its id was checked above
    }


def present_voters(meeting: Meeting) -> QuerySet[MeetingAttendee]:
    """Present attendees invited with a vote (whether their seat may use it is `eligible_voters`' business)."""
    return meeting.attendees.filter(present=True, voting=True).select_related("user", "user__organisation")


@dataclass
class _Sitting:
    """What the checks read of one case at its sitting, once per page inside `voters_read_once()`."""

    declarations: list[tuple[int, bool, int]]  # (attendee pk, has a conflict, the attendee's user pk)
    present: list[MeetingAttendee]  # with their users and organisations, in the meeting's order of attendees
    eligible: list[MeetingAttendee] | None = None  # `_eligible_voters`, once asked
    # Read for the whole agenda by `sittings_read` (None when this case was read alone): the refused voting seats
    # among those present, and whether the chair is this child's lead social worker.
    refused: dict[int, str] | None = None
    chair_leads: bool | None = None
    # `chair_refusal` of the sitting, once read (`chair_read`).
    chair_refused: str | None = None
    chair_read: bool = False


# Agenda item pk -> what the checks read of it, while a page reads them in `voters_read_once()`; None otherwise.
_sittings: ContextVar[dict[int, _Sitting] | None] = ContextVar("sittings_read_once", default=None)


@contextmanager
def voters_read_once() -> Iterator[None]:
    """Within the block, each agenda item's conflict declarations, present attendees and eligible voters are read
    once however often the checks ask: a decision's task list asks for the voters four times (the votes' status,
    completeness, quorum, training warnings) and for the declarations three (the voters, the chair's conflict, who
    has not declared). Only for reading a page: nothing in the block may change attendance, declarations or
    memberships."""
    token = _sittings.set({})
    try:
        yield
    finally:
        _sittings.reset(token)


def _sitting(agenda_item: AgendaItem) -> _Sitting | None:
    """The agenda item's sitting as read once in `voters_read_once()` (two queries), or None outside the block."""
    memo = _sittings.get()
    if memo is None:
        return None
    if agenda_item.pk not in memo:
        memo[agenda_item.pk] = _read_sitting(agenda_item)
    return memo[agenda_item.pk]


def _read_sitting(agenda_item: AgendaItem) -> _Sitting:
    """The case's declarations and the sitting's present attendees: the same two statements for every case, compiled
    once (kit.prepared): building them was a tenth of the task list's CPU."""
    declarations = prepared.rows(
        ConflictDeclaration,
        ("panels:sitting-declarations",),
        lambda item_id: (
            ConflictDeclaration.objects.filter(agenda_item_id=item_id)
            .order_by()
            .values_list("attendee_id", "has_conflict", "attendee__user_id")
        ),
        agenda_item.pk,
    )
    meeting = agenda_item.meeting
    # The model's order of attendees: within one meeting, its first key (the meeting) is the same for all.
    present = prepared.rows(
        MeetingAttendee,
        ("panels:sitting-present",),
        lambda meeting_id: (
            MeetingAttendee.objects.filter(meeting_id=meeting_id, present=True)
            .order_by("attends_as", "agency", "id")
            .select_related("user", "user__organisation")
        ),
        meeting.pk,
    )
    for attendee in present:  # as the meeting's related manager would: no read for `attendee.meeting`
        attendee.meeting = meeting
    return _Sitting(declarations=declarations, present=present)


def sittings_read(meeting: Meeting, items: Sequence[AgendaItem]) -> None:
    """Inside `voters_read_once()`, read what the checks need of every case on the agenda at once: the declarations
    of all of them, the present attendees, the refused seats and the chair's children, a few statements whatever the
    number of cases (the meeting and agenda pages check every case; per case they took a dozen statements each).
    `items` are the meeting's own, with their referrals loaded."""
    from childnrm.people.selectors import children_led_by

    memo = _sittings.get()
    if memo is None:
        raise RuntimeError("sittings_read is for a page's reads inside voters_read_once()")
    by_item: dict[int, list[tuple[int, bool, int]]] = {item.pk: [] for item in items}
    if not by_item:
        return
    rows = ConflictDeclaration.objects.filter(agenda_item_id__in=list(by_item)).order_by()
    for item_id, attendee_id, conflicted, user_id in rows.values_list(
        "agenda_item_id", "attendee_id", "has_conflict", "attendee__user_id"
    ):
        by_item[item_id].append((attendee_id, conflicted, user_id))
    present = list(
        meeting.attendees.filter(present=True)
        .order_by("attends_as", "agency", "id")
        .select_related("user", "user__organisation")
    )
    for attendee in present:
        attendee.meeting = meeting
    refused = seat_refusals(present, meeting.site_id)
    led = children_led_by(meeting.chair) if meeting.chair_id is not None else set()
    chair_refused = chair_refusal(meeting)
    for item in items:
        child_id = item.referral.child_id
        memo[item.pk] = _Sitting(
            declarations=by_item[item.pk],
            present=present,
            refused=refused,
            chair_leads=child_id in led,
            chair_refused=chair_refused,
            chair_read=True,
        )


def declarations_of(agenda_item: AgendaItem) -> dict[int, bool]:
    """Each declaring attendee's pk and whether they declared a conflict on this case."""
    if (sitting := _sitting(agenda_item)) is not None:
        return {attendee_id: conflicted for attendee_id, conflicted, _ in sitting.declarations}
    return dict(agenda_item.conflict_declarations.values_list("attendee_id", "has_conflict"))


def conflicted_user_ids(agenda_item: AgendaItem) -> set[int]:
    if (sitting := _sitting(agenda_item)) is not None:
        return {user_id for _, conflicted, user_id in sitting.declarations if conflicted}
    return set(agenda_item.conflict_declarations.filter(has_conflict=True).values_list("attendee__user_id", flat=True))


def undeclared_attendees(agenda_item: AgendaItem) -> list[MeetingAttendee]:
    """Present attendees who have not yet declared whether they have a conflict on this case, and the chair whether
    marked present or not: the chair checks everyone's conflicts and signs the decision off, so their own declaration
    is always needed (domain.md step 7)."""
    meeting = agenda_item.meeting
    if (sitting := _sitting(agenda_item)) is not None:
        declared = {attendee_id for attendee_id, _, _ in sitting.declarations}
        declared_users = {user_id for _, _, user_id in sitting.declarations}
        undeclared = [a for a in sitting.present if a.pk not in declared]
        present_users = {a.user_id for a in sitting.present}
    else:
        rows = list(agenda_item.conflict_declarations.values_list("attendee_id", "attendee__user_id"))
        declared, declared_users = {a for a, _ in rows}, {u for _, u in rows}
        present = list(meeting.attendees.filter(present=True).select_related("user"))
        undeclared = [a for a in present if a.pk not in declared]
        present_users = {a.user_id for a in present}
    chair_id = meeting.chair_id
    if chair_id is not None and chair_id not in present_users and chair_id not in declared_users:
        # Read only when the chair, not marked present, has not declared: the usual page reads nothing more.
        chair = meeting.attendees.filter(user_id=chair_id).select_related("user").first()
        if chair is not None:
            undeclared.insert(0, chair)
    return undeclared


def eligible_voters(agenda_item: AgendaItem) -> list[MeetingAttendee]:
    """Who may vote on this case: present voting members who declared no conflict on it and whose seat
    they may hold (a seat refused by `seat_refusal` never counts, even if it was recorded before the rule)."""
    sitting = _sitting(agenda_item)
    if sitting is None:
        declared_clear = set(
            agenda_item.conflict_declarations.filter(has_conflict=False).values_list("attendee_id", flat=True)
        )
        return _eligible_voters(agenda_item.meeting, present_voters(agenda_item.meeting), declared_clear)
    if sitting.eligible is None:
        declared_clear = {attendee_id for attendee_id, conflicted, _ in sitting.declarations if not conflicted}
        voting = [a for a in sitting.present if a.voting]
        if sitting.refused is None:
            sitting.eligible = _eligible_voters(agenda_item.meeting, voting, declared_clear)
        else:
            sitting.eligible = [a for a in voting if a.pk in declared_clear and a.pk not in sitting.refused]
    return list(sitting.eligible)  # a copy: callers may filter it in place


def _eligible_voters(
    meeting: Meeting, voting: Iterable[MeetingAttendee], declared_clear: set[int]
) -> list[MeetingAttendee]:
    clear = [a for a in voting if a.pk in declared_clear]
    refused = seat_refusals(clear, meeting.site_id)
    return [a for a in clear if a.pk not in refused]


def quorum_problems(agenda_item: AgendaItem) -> list[Problem]:
    """Quorum: a voting member from each statutory partner (local authority, police, health) present
    and free of conflict on this case."""
    agencies = {a.agency for a in eligible_voters(agenda_item)}
    return [
        Problem(
            "quorum",
            gettext("No voting member from %(agency)s is present and free of conflict on this case")
            % {"agency": AGENCY_LABELS[agency].lower()},
        )
        for agency in QUORUM_AGENCIES
        if agency not in agencies
    ]


def lead_social_worker_ids(agenda_item: AgendaItem) -> set[int]:
    """Users who are the child's lead social worker on this or any record linked to it (may not chair)."""
    from childnrm.people.selectors import lead_social_worker_user_ids

    child_id = agenda_item.referral.child_id
    if child_id is None:
        return set()
    return lead_social_worker_user_ids(child_id)


def chair_problems(agenda_item: AgendaItem) -> list[Problem]:
    meeting = agenda_item.meeting
    if meeting.chair_id is None:
        return [Problem("no-chair", gettext("The meeting has no chair"))]
    sitting = _sitting(agenda_item)
    if sitting is not None:
        if not sitting.chair_read:
            sitting.chair_refused, sitting.chair_read = chair_refusal(meeting), True
        refused = sitting.chair_refused
    else:
        refused = chair_refusal(meeting)
    if refused:
        # Put right where a missing chair is (the code the decision pages link to the meeting's page with).
        return [Problem("no-chair", refused)]
    if sitting is not None and sitting.chair_leads is not None:
        chair_leads = sitting.chair_leads
    else:
        chair_leads = meeting.chair_id in lead_social_worker_ids(agenda_item)
    if chair_leads:
        return [
            Problem(
                "chair-lead-social-worker",
                gettext("The chair is the child's lead social worker and may not chair this case"),
            )
        ]
    if meeting.chair_id in conflicted_user_ids(agenda_item):
        return [Problem("chair-conflicted", gettext("The chair has declared a conflict of interest on this case"))]
    return []


def chair_absent_problems(agenda_item: AgendaItem) -> list[Problem]:
    """The chair runs the sitting, checks quorum and conflicts and signs its decisions off: a chair not marked present
    signs nothing off there. The coordinator marks them present, or chooses another chair who is."""
    meeting = agenda_item.meeting
    if meeting.chair_id is None:
        return []  # `chair_problems` says so
    if (sitting := _sitting(agenda_item)) is not None:
        present = any(a.user_id == meeting.chair_id for a in sitting.present)
    else:
        present = meeting.attendees.filter(user_id=meeting.chair_id, present=True).exists()
    if present:
        return []
    # Put right where a missing chair is (the code the decision pages link to the meeting's page with).
    return [
        Problem(
            "no-chair",
            gettext("The chair, %(name)s, is not marked present: mark them present or choose another chair")
            % {"name": meeting.chair.full_name},  # type: ignore[union-attr]  # its id was checked above
        )
    ]


def sitting_problems(agenda_item: AgendaItem) -> list[Problem]:
    """Everything about the sitting that stops a decision on this case being finalised."""
    problems = chair_problems(agenda_item) or chair_absent_problems(agenda_item)
    undeclared = undeclared_attendees(agenda_item)
    if undeclared:
        names = ", ".join(a.user.full_name for a in undeclared)
        problems.append(
            Problem(
                "conflicts-undeclared",
                gettext("Conflicts of interest not yet declared by: %(names)s") % {"names": names},
            )
        )
    return problems + quorum_problems(agenda_item)
