"""The panel's rules for deciding one case at a sitting: chair, conflicts of interest and quorum.

Pure reads: each returns the problems in plain English (empty when the rule is met), so the
decision's completeness check, the meeting page and the finalise service all say the same thing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from childnrm.panels.models import QUORUM_AGENCIES, Agency, AgendaItem, Meeting, MeetingAttendee
from childnrm.people.models import AssociationKind, ChildAssociation

AGENCY_LABELS = dict(Agency.choices)


def present_voters(meeting: Meeting) -> QuerySet[MeetingAttendee]:
    return meeting.attendees.filter(present=True, voting=True).select_related("user")


def conflicted_user_ids(agenda_item: AgendaItem) -> set[int]:
    return set(agenda_item.conflict_declarations.filter(has_conflict=True).values_list("attendee__user_id", flat=True))


def undeclared_attendees(agenda_item: AgendaItem) -> list[MeetingAttendee]:
    """Present attendees who have not yet declared whether they have a conflict on this case."""
    declared = set(agenda_item.conflict_declarations.values_list("attendee_id", flat=True))
    return [
        a for a in agenda_item.meeting.attendees.filter(present=True).select_related("user") if a.pk not in declared
    ]


def eligible_voters(agenda_item: AgendaItem) -> list[MeetingAttendee]:
    """Who may vote on this case: present voting members who declared no conflict on it."""
    declared_clear = set(
        agenda_item.conflict_declarations.filter(has_conflict=False).values_list("attendee_id", flat=True)
    )
    return [a for a in present_voters(agenda_item.meeting) if a.pk in declared_clear]


def quorum_problems(agenda_item: AgendaItem) -> list[str]:
    """Quorum: a voting member from each statutory partner (local authority, police, health) present
    and free of conflict on this case."""
    agencies = {a.agency for a in eligible_voters(agenda_item)}
    return [
        f"No voting member from {AGENCY_LABELS[agency].lower()} is present and free of conflict on this case"
        for agency in QUORUM_AGENCIES
        if agency not in agencies
    ]


def lead_social_worker_ids(agenda_item: AgendaItem) -> set[int]:
    child_id = agenda_item.referral.child_id
    if child_id is None:
        return set()
    return set(
        ChildAssociation.objects.filter(
            child_id=child_id, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at__isnull=True
        ).values_list("user_id", flat=True)
    )


def chair_problems(agenda_item: AgendaItem) -> list[str]:
    meeting = agenda_item.meeting
    if meeting.chair_id is None:
        return ["The meeting has no chair"]
    if meeting.chair_id in lead_social_worker_ids(agenda_item):
        return ["The chair is the child's lead social worker and may not chair this case"]
    if meeting.chair_id in conflicted_user_ids(agenda_item):
        return ["The chair has declared a conflict of interest on this case"]
    return []


def sitting_problems(agenda_item: AgendaItem) -> list[str]:
    """Everything about the sitting that stops a decision on this case being finalised."""
    problems = chair_problems(agenda_item)
    undeclared = undeclared_attendees(agenda_item)
    if undeclared:
        names = ", ".join(a.user.full_name for a in undeclared)
        problems.append(f"Conflicts of interest not yet declared by: {names}")
    return problems + quorum_problems(agenda_item)
