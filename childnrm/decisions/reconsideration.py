"""Reconsideration rules that belong to the decision itself: its window's last day and who may not sit again.

- The window (site setting `reconsideration_window_days`, calendar days) runs from the later of the day the
  decision became final (after a second review, the day the reviewer agreed) and the day it was communicated
  to the referrer. `last_day` is the one computation of its last day: letters, the request page, the request
  service and the SCA return all use it (through reviews.ReconsiderationWindow, which keeps what was printed).
- A differently constituted panel reconsiders: none of the original decision's voters, and not its chair. The
  original chair may not vote, may not chair the sitting that finalises the reconsideration, and a meeting
  they chair may not take the reconsideration onto its agenda.

Nothing here imports the apps above decisions (reviews, letters): they call in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.kit.errors import Problem
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.referrals.models import Referral

if TYPE_CHECKING:
    from childnrm.accounts.models import User

# Versions that were taken at a sitting (a draft was not: its chair has not decided anything yet).
TAKEN = (DecisionStatus.SECOND_REVIEW, DecisionStatus.FINAL, DecisionStatus.SUPERSEDED, DecisionStatus.RETURNED)


# The window ----------------------------------------------------------------------------------------


def final_on(decision: Decision) -> date | None:
    """The day the decision became final: the second reviewer's agreement if it waited for one, else sign-off."""
    if decision.status not in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED):
        return None
    if decision.second_review_agrees and decision.second_reviewed_at is not None:
        return timezone.localdate(decision.second_reviewed_at)
    if decision.finalised_at is not None:
        return timezone.localdate(decision.finalised_at)
    return decision.decided_on


def last_day(*, final_on: date | None, communicated_on: date | None, window_days: int) -> date | None:
    """The last day a reconsideration request is in time (that day included), or None while the window has
    not started: it starts only once the decision is both final and communicated to the referrer."""
    if final_on is None or communicated_on is None:
        return None
    return max(final_on, communicated_on) + timedelta(days=window_days)


# The differently constituted panel ------------------------------------------------------------------


def _earlier_versions(referral_id: int, stage: str, before_version: int):
    return Decision.objects.filter(
        referral_id=referral_id, stage=stage, version__lt=before_version, status__in=TAKEN
    ).select_related("meeting")


def reconsidered_version(decision: Decision) -> int:
    """The version a reconsideration reconsiders: the newest earlier version that stood (final, or superseded
    since). Versions between, a reconsideration the second reviewer returned, are the reconsidering panel's own:
    its members may decide the case again."""
    found = (
        Decision.objects.filter(
            referral_id=decision.referral_id,
            stage=decision.stage,
            version__lt=decision.version,
            status__in=(DecisionStatus.FINAL, DecisionStatus.SUPERSEDED),
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return found if found is not None else decision.version - 1


def original_chair_ids(decision: Decision) -> set[int]:
    """On reconsideration, who chaired (or signed off) the decision it reconsiders, any earlier version.
    Empty for other decisions."""
    if decision.kind != DecisionKind.RECONSIDERATION:
        return set()
    ids: set[int] = set()
    for earlier in _earlier_versions(decision.referral_id, decision.stage, reconsidered_version(decision) + 1):
        ids |= {i for i in (earlier.meeting.chair_id if earlier.meeting else None, earlier.finalised_by_id) if i}
    return ids


def panel_problems(decision: Decision) -> list[Problem]:
    """Why a reconsideration cannot be finalised at its sitting: it is chaired by the original decision's chair."""
    if decision.kind != DecisionKind.RECONSIDERATION or decision.meeting is None or decision.meeting.chair_id is None:
        return []
    if decision.meeting.chair_id not in original_chair_ids(decision):
        return []
    chair = cast("User", decision.meeting.chair)  # its id was checked above
    return [
        Problem(
            "original-chair",
            gettext(
                "%(name)s chaired the decision being reconsidered, so may not chair the sitting that reconsiders "
                "it: a differently constituted panel must reconsider. Put the case before a meeting with another "
                "chair"
            )
            % {"name": chair.full_name},
        )
    ]


def reconsidered_decisions(referral: Referral) -> list[Decision]:
    """The decisions a reconsideration of this case would reconsider: its standing final negative decisions."""
    return list(Decision.objects.filter(referral=referral, status=DecisionStatus.FINAL, outcome=Outcome.NEGATIVE))


def original_chairs(referral: Referral) -> set[int]:
    """Who chaired or signed off a standing negative decision of the case (or an earlier version of one): none of
    them may chair its reconsideration. Read once for a list of meetings to choose from."""
    ids: set[int] = set()
    for standing in reconsidered_decisions(referral):
        for v in _earlier_versions(referral.pk, standing.stage, standing.version + 1):
            ids |= {i for i in (v.meeting.chair_id if v.meeting else None, v.finalised_by_id) if i}
    return ids


def chaired_original(meeting: Meeting, referral: Referral) -> bool:
    """Whether the meeting's chair chaired a standing negative decision of the case (or an earlier version)."""
    return meeting.chair_id is not None and meeting.chair_id in original_chairs(referral)


def agenda_refusal(meeting: Meeting, referral: Referral, stage: str) -> str | None:
    """Why a meeting may not take this case's reconsideration onto its agenda, or None. Called by
    panels.services.agenda_item_add (registered in reviews.apps)."""
    if stage != AgendaStage.RECONSIDERATION:
        return None
    standing = reconsidered_decisions(referral)
    if not standing:
        return gettext("This case has no negative decision standing to reconsider")
    # A correction still open (a draft, or waiting for its second review), wherever it sits in the chain of versions:
    # one returned by the second reviewer, whose draft was abandoned since, no longer holds the case.
    if Decision.objects.filter(
        referral=referral,
        stage__in={d.stage for d in standing},
        kind=DecisionKind.CORRECTION,
        status__in=(DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW),
    ).exists():
        return gettext(
            "A correction of this case's negative decision is being drafted. The chair signs the correction off "
            "before the panel reconsiders the decision"
        )
    chair_id = meeting.chair_id
    if chair_id is None or not chaired_original(meeting, referral):
        return None
    chair = get_user_model().objects.get(pk=chair_id)
    return gettext(
        "%(name)s chaired the decision being reconsidered and chairs this meeting. A differently constituted "
        "panel must reconsider: choose a meeting with another chair, or change this meeting's chair"
    ) % {"name": chair.full_name}
