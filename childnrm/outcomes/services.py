"""Outcome follow-up: scheduling a decided child's reviews, recording them, missing episodes and the site's
schedule. Every change is audited against the record changed (each reaches the child by a foreign key, so it
is on the child's audit page).

When follow-up starts: at the first decision about the child that becomes final (reasonable or conclusive
grounds, positive or negative: "every decided child"), from the day that decision was taken. Later decisions
(a conclusive grounds decision, a correction, a second referral) do not restart it: the reviews measure what
happened after the panel first decided, and a re-referral is one of the things a review records.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import locks
from childnrm.kit.dates import long_date
from childnrm.kit.errors import Problem, ServiceError
from childnrm.kit.words import and_list
from childnrm.outcomes import selectors
from childnrm.outcomes.models import (
    DEFAULT_SCHEDULE_MONTHS,
    Answer,
    DefenceResult,
    Exploitation,
    InterviewHeld,
    InterviewOffered,
    Justice,
    MissingEpisode,
    Occupation,
    OutcomeFollowUp,
    OutcomeReview,
    OutcomeSchedule,
    Placement,
    PlacementStability,
    ReviewPoint,
    Support,
)
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised, child_anonymised_at, child_anonymised_message
from childnrm.triage.eligibility import eighteenth_birthday

RECORD_PURPOSE = PURPOSES[Perm.OUTCOME_RECORD]
SCHEDULE_PURPOSE = "Outcome follow-up scheduled when a decision became final"
SETTING_PURPOSE = PURPOSES[Perm.SITE_POLICY_MANAGE]

REVIEW_OPENS_DAYS = 28  # a review can be recorded (and its owners are reminded) from four weeks before it is due
OVERDUE_REMINDER_EVERY_DAYS = 7
MAX_SCHEDULE_MONTHS = 120
MAX_SCHEDULE_POINTS = 12
TEXT_MAX = 5_000


class OutcomeError(ServiceError, ValueError):
    """A change the service refuses; `field` names the form field it is about."""


class OutcomeInvalid(OutcomeError):
    """Answers that do not fit together: every problem at once, each against its question."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, first.field, first.code)
        self.problems = problems

    def form_errors(self) -> list[tuple[str | None, str]]:
        return [(p.field, p.message) for p in self.problems]


def _require(user, perm: Perm, site_id: int) -> None:
    if not has_perm(user, perm, site_id):
        raise PermissionError(f"{perm} needed at site {site_id}")


def _require_owner(user, child: Child) -> None:
    """Every write of a child's follow-up and missing episodes asks this, under its lock: the child's owner records
    them, while the child's record is not anonymised (then it is kept for the figures, and nobody writes new words
    into it: `referrals.anonymised`)."""
    if not selectors.may_record(user, child):
        raise PermissionError(gettext("Only the child's lead social worker or allocated guardian records outcomes."))
    anonymised_at = child_anonymised_at(child.pk)
    if anonymised_at is not None:
        raise OutcomeError(child_anonymised_message(child.reference, anonymised_at), code="anonymised")


# --- The schedule ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 August + 6 months: 28 or 29
    February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def site_schedule(site: Site) -> tuple[list[int], bool]:
    """(months after the decision, whether there is a review at 18) for the site: its setting, or the default."""
    setting = OutcomeSchedule.objects.filter(site=site).first()
    if setting is None:
        return list(DEFAULT_SCHEDULE_MONTHS), True
    return list(setting.months), setting.at_eighteen


def describe_schedule(months: list[int], at_eighteen: bool) -> str:
    """'3, 6, 12 and 24 months after the decision, and at 18'."""
    parts = [str(m) for m in months]
    text = ""
    if parts:
        listed = and_list(parts)
        if parts == ["1"]:
            text = gettext("%(months)s month after the decision") % {"months": listed}
        else:
            text = gettext("%(months)s months after the decision") % {"months": listed}
    if at_eighteen:
        text = gettext("%(schedule)s, and at 18") % {"schedule": text} if text else gettext("At 18")
    return text or gettext("No reviews")


def planned_reviews(starts_on: date, months: list[int], at_eighteen: bool, born: date | None) -> list[dict[str, Any]]:
    """The reviews a follow-up starting on `starts_on` has: one per month point, and the 18th birthday when the
    date of birth is known and the birthday comes after the decision."""
    planned: list[dict[str, Any]] = [
        {"point": ReviewPoint.MONTHS, "months": m, "due_on": add_months(starts_on, m)} for m in sorted(set(months))
    ]
    if at_eighteen and born is not None:
        birthday = eighteenth_birthday(born)
        if birthday > starts_on:
            planned.append({"point": ReviewPoint.EIGHTEEN, "months": None, "due_on": birthday})
    return planned


def follow_up_start(*, decision, user=None, audit: AuditContext | None = None) -> OutcomeFollowUp | None:
    """Start the child's follow-up from this final decision, unless it has one already. Returns the new one.

    Runs inside the decision's sign-off (decisions.checks.register_on_final) and from the daily task for any
    decided child without one. A savepoint keeps a race with another decision about the same child (the unique
    child) from undoing the sign-off: the other one's follow-up stands.
    """
    referral = decision.referral
    child = referral.child if referral.child_id else None
    if child is None or decision.decided_on is None or OutcomeFollowUp.objects.filter(child=child).exists():
        return None
    if child_anonymised(child.pk):  # nobody is chased about a record kept only for the figures
        return None
    months, at_eighteen = site_schedule(child.site)
    try:
        with transaction.atomic():
            follow_up = OutcomeFollowUp.objects.create(
                child=child,
                decision=decision,
                starts_on=decision.decided_on,
                months=sorted(set(months)),
                at_eighteen=at_eighteen,
                created_by=user,
            )
    except IntegrityError:
        return None
    reviews = OutcomeReview.objects.bulk_create(
        OutcomeReview(follow_up=follow_up, child=child, **planned)
        for planned in planned_reviews(follow_up.starts_on, follow_up.months, at_eighteen, child.date_of_birth)
    )
    audit_record(
        context=audit,
        actor=user,
        action=Action.CREATE,
        obj=follow_up,
        site_id=child.site_id,
        purpose=SCHEDULE_PURPOSE,
        detail={
            "decision": decision.pk,
            "starts_on": follow_up.starts_on.isoformat(),
            "reviews": [{"review": r.title, "due_on": r.due_on.isoformat()} for r in reviews],
        },
    )
    return follow_up


def on_decision_final(*, decision, user, audit: AuditContext | None = None) -> None:
    """The hook decisions runs when a decision becomes final."""
    follow_up_start(decision=decision, user=user, audit=audit)


def follow_ups_ensure() -> list[OutcomeFollowUp]:
    """Start the follow-up of every decided child that has none (decided before this app, or a hook that did
    not run), from their first final decision. Called by the daily task."""
    from childnrm.decisions.models import Decision, DecisionStatus

    first_final: dict[int, Any] = {}
    decided = (
        Decision.objects.filter(
            status__in=(DecisionStatus.FINAL, DecisionStatus.SUPERSEDED),
            decided_on__isnull=False,
            referral__child__isnull=False,
            referral__child__outcome_follow_up__isnull=True,
        )
        .select_related("referral", "referral__child", "referral__child__site")
        .order_by("referral__child_id", "decided_on", "id")
    )
    for decision in decided:
        first_final.setdefault(decision.referral.child_id, decision)
    started = []
    for decision in first_final.values():
        with transaction.atomic():
            follow_up = follow_up_start(decision=decision)
        if follow_up is not None:
            started.append(follow_up)
    return started


class ReviewState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"


STATE_LABELS = {
    ReviewState.DONE: (gettext_lazy("Recorded"), "govuk-tag--green"),
    ReviewState.OVERDUE: (gettext_lazy("Overdue"), "govuk-tag--red"),
    ReviewState.DUE: (gettext_lazy("Due"), "govuk-tag--yellow"),
    ReviewState.UPCOMING: (gettext_lazy("Not due yet"), "govuk-tag--grey"),
}


def opens_on(review: OutcomeReview) -> date:
    return review.due_on - timedelta(days=REVIEW_OPENS_DAYS)


def review_state(review: OutcomeReview, today: date) -> ReviewState:
    if review.recorded_at is not None:
        return ReviewState.DONE
    if review.due_on < today:
        return ReviewState.OVERDUE
    if opens_on(review) <= today:
        return ReviewState.DUE
    return ReviewState.UPCOMING


# --- Recording a review ---------------------------------------------------------------------------


def period_start(review: OutcomeReview) -> date:
    """Where 'since the last review' starts: the day the previous recorded review was recorded, or the
    decision."""
    previous = (
        OutcomeReview.objects.filter(
            follow_up_id=review.follow_up_id, recorded_at__isnull=False, due_on__lt=review.due_on
        )
        .order_by("-due_on", "-id")
        .first()
    )
    if previous is not None and previous.recorded_at is not None:
        return timezone.localtime(previous.recorded_at).date()
    return review.follow_up.starts_on


def period_end(review: OutcomeReview, today: date) -> date:
    """Where the review's period ends: for a review recorded, the day it was recorded (where the next review's
    period starts; a correction does not move it), so correcting the 3-month review later never counts an episode
    of the 6-month period as its own; for one not yet recorded, today."""
    if review.recorded_at is not None:
        return timezone.localtime(review.recorded_at).date()
    return today


def episodes_in_period(review: OutcomeReview, today: date) -> list[MissingEpisode]:
    """Missing episodes recorded for the child that fall (at least partly) in the review's period: since the last
    review, up to `period_end`."""
    start = period_start(review)
    return list(
        MissingEpisode.objects.filter(child_id=review.child_id, started_on__lte=period_end(review, today))
        .exclude(ended_on__lt=start)
        .order_by("started_on", "id")
    )


REVIEW_FIELDS = (
    "placement",
    "placement_other",
    "placement_moves",
    "placement_stability",
    "went_missing",
    "re_referred",
    "re_referral_details",
    "further_exploitation",
    "exploitation_types",
    "occupation",
    "justice",
    "section_45_raised",
    "section_45_result",
    "support",
    "view_given",
    "young_person_view",
    "view_not_given_reason",
)


def _text(value: Any) -> str:
    return str(value or "").strip()


def review_answers_clean(answers: dict[str, Any], *, missing_recorded: int) -> tuple[dict[str, Any], list[Problem]]:
    """The answers as they will be stored (follow-up answers that do not apply are cleared) and every problem
    with them: the rules a page, a test or any other caller meets alike."""
    a = {name: answers.get(name) for name in REVIEW_FIELDS}
    problems: list[Problem] = []

    def problem(field: str, message: str, code: str) -> None:
        problems.append(Problem(code=code, message=message, field=field))

    if a["placement"] not in Placement.values:
        problem("placement", gettext("Select where the young person lives now"), "placement")
    a["placement_other"] = _text(a["placement_other"]) if a["placement"] == Placement.OTHER else ""
    if a["placement"] == Placement.OTHER and not a["placement_other"]:
        problem("placement_other", gettext("Enter where the young person lives now"), "placement_other")
    moves = a["placement_moves"]
    if moves is None or not isinstance(moves, int) or not 0 <= moves <= 99:
        problem(
            "placement_moves",
            gettext("Enter how many times they have moved since the last review, as a number"),
            "moves",
        )
    if a["placement_stability"] not in PlacementStability.values:
        problem("placement_stability", gettext("Select how stable the placement is"), "stability")
    if a["went_missing"] not in Answer.values:
        problem(
            "went_missing", gettext("Select whether the young person has gone missing since the last review"), "missing"
        )
    elif a["went_missing"] == Answer.NO and missing_recorded:
        problem(
            "went_missing",
            ngettext(
                "%(count)s missing episode is recorded since the last review: select yes, or correct the episodes",
                "%(count)s missing episodes are recorded since the last review: select yes, or correct the episodes",
                missing_recorded,
            )
            % {"count": missing_recorded},
            "missing_recorded",
        )
    if a["re_referred"] not in Answer.values:
        problem(
            "re_referred", gettext("Select whether the young person has been referred to the NRM again"), "re_referred"
        )
    a["re_referral_details"] = _text(a["re_referral_details"]) if a["re_referred"] == Answer.YES else ""
    if a["further_exploitation"] not in Exploitation.values:
        problem(
            "further_exploitation", gettext("Select whether the young person has been exploited again"), "exploited"
        )
    types = list(a["exploitation_types"] or [])
    if a["further_exploitation"] in (Exploitation.YES, Exploitation.SUSPECTED):
        if not types:
            problem(
                "exploitation_types", gettext("Select the type of exploitation, or not known"), "exploitation_types"
            )
    else:
        types = []
    a["exploitation_types"] = types
    if a["occupation"] not in Occupation.values:
        problem(
            "occupation",
            gettext("Select whether the young person is in education, employment or training"),
            "occupation",
        )
    justice = list(a["justice"] or [])
    if not justice:
        problem(
            "justice",
            gettext("Select the young person's involvement with criminal justice, or no involvement"),
            "justice",
        )
    elif Justice.NONE in justice and len(justice) > 1:
        problem("justice", gettext("Select no involvement, or the ways they were involved, not both"), "justice_none")
    a["justice"] = justice
    if Justice.CHARGED in justice:
        if a["section_45_raised"] not in Answer.values:
            problem("section_45_raised", gettext("Select whether the section 45 defence was raised"), "s45")
        if a["section_45_raised"] == Answer.YES and a["section_45_result"] not in DefenceResult.values:
            problem("section_45_result", gettext("Select what became of the section 45 defence"), "s45_result")
    else:
        a["section_45_raised"] = ""
    if a["section_45_raised"] != Answer.YES:
        a["section_45_result"] = ""
    support = list(a["support"] or [])
    if not support:
        problem("support", gettext("Select the support the young person received, or none of these"), "support")
    elif Support.NONE in support and len(support) > 1:
        problem("support", gettext("Select none of these, or the support they received, not both"), "support_none")
    a["support"] = support
    if a["view_given"] is None:
        problem("view_given", gettext("Select whether the young person gave their view"), "view_given")
    a["young_person_view"] = _text(a["young_person_view"]) if a["view_given"] else ""
    a["view_not_given_reason"] = _text(a["view_not_given_reason"]) if a["view_given"] is False else ""
    if a["view_given"] and not a["young_person_view"]:
        problem("young_person_view", gettext("Enter the young person's view, in their words"), "view")
    if a["view_given"] is False and not a["view_not_given_reason"]:
        problem("view_not_given_reason", gettext("Enter why the young person's view was not given"), "view_reason")
    for name in ("re_referral_details", "young_person_view", "view_not_given_reason"):
        if len(a[name]) > TEXT_MAX:
            problem(
                name, gettext("The answer must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX:,}"}, "too_long"
            )
    return a, problems


def review_record(
    *,
    review: OutcomeReview,
    user,
    answers: dict[str, Any],
    audit: AuditContext | None = None,
    today: date | None = None,
) -> OutcomeReview:
    """The owner records the review (or corrects one recorded). Refused before it opens (four weeks before it is
    due); answers that do not fit together are refused with every problem at once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # The child before the child's own records, the review and its follow-up (ADR 0035): retention locks the child
        # before anonymising them, and a sign-off holds it while it starts a follow-up.
        child = locks.child_lock(OutcomeReview.objects.values_list("child_id", flat=True).get(pk=review.pk))
        locked = (
            OutcomeReview.objects.select_for_update(of=("self", "follow_up"))
            .select_related("follow_up", "child")
            .filter(pk=review.pk)
            .first()
        )
        if locked is None:
            # Not recorded, and gone with the child's record, anonymised while this waited for the child's lock.
            anonymised_at = child_anonymised_at(child.pk)
            if anonymised_at is None:
                raise OutcomeReview.DoesNotExist
            raise OutcomeError(child_anonymised_message(child.reference, anonymised_at), code="anonymised")
        _require_owner(user, locked.child)
        if opens_on(locked) > today:
            raise OutcomeError(
                gettext("This review can be recorded from %(day)s.") % {"day": long_date(opens_on(locked))},
                code="not_open",
            )
        episodes = episodes_in_period(locked, today)
        clean, problems = review_answers_clean(answers, missing_recorded=len(episodes))
        if problems:
            raise OutcomeInvalid(problems)
        changed = [name for name in REVIEW_FIELDS if getattr(locked, name) != clean[name]]
        correcting = locked.recorded_at is not None
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.missing_episodes_recorded = len(episodes)
        if not correcting:
            # When it was first recorded ends its period and starts the next one's: a correction (audited, with
            # who made it) leaves both where they were.
            locked.recorded_at = timezone.now()
            locked.recorded_by = user
        locked.save()
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.child.site_id,
            purpose=RECORD_PURPOSE,
            # Field names only: the answers are about the child and stay in the record.
            detail={"review": locked.title, "corrected": correcting, "changed": changed},
        )
    return locked


# --- Missing episodes -----------------------------------------------------------------------------

EPISODE_FIELDS = ("started_on", "ended_on", "interview_offered", "interview_held", "interview_on", "learned")


def _overlapping_episode(
    child: Child, episode: MissingEpisode | None, started: date | None, ended: date | None, today: date
) -> MissingEpisode | None:
    """Another episode of the child that these dates overlap (an open one runs to today): the same episode entered
    twice (a double click, or a second worker recording it) would count twice in the outcome reviews and the site's
    figures. Episodes may share a day: back in the morning, missing again that night."""
    if started is None:
        return None
    last = ended or today
    # An open episode recorded runs to today: it clashes with another open one whenever it started, and with an
    # earlier episode only if it started before that one ended (the same day is back, then missing again).
    still_missing = Q(started_on__lte=last) if ended is None else Q(started_on__lt=last)
    others = MissingEpisode.objects.filter(child=child).filter(
        Q(started_on=started)
        | Q(started_on__lt=last, ended_on__gt=started)
        | (still_missing & Q(ended_on__isnull=True))
    )
    if episode is not None:
        others = others.exclude(pk=episode.pk)
    return others.order_by("started_on", "pk").first()


def episode_answers_clean(
    data: dict[str, Any], *, child: Child, episode: MissingEpisode | None, today: date
) -> tuple[dict[str, Any], list[Problem]]:
    a = {name: data.get(name) for name in EPISODE_FIELDS}
    a["learned"] = _text(a["learned"])
    problems: list[Problem] = []

    def problem(field: str, message: str, code: str) -> None:
        problems.append(Problem(code=code, message=message, field=field))

    started, ended = a["started_on"], a["ended_on"]
    if started is None:
        problem("started_on", gettext("Enter the date the young person went missing"), "started")
    elif started > today:
        problem("started_on", gettext("The date they went missing must be today or in the past"), "started_future")
    if ended is not None:
        if ended > today:
            problem("ended_on", gettext("The date they came back must be today or in the past"), "ended_future")
        elif started is not None and ended < started:
            problem(
                "ended_on",
                gettext("The date they came back must be the same as or after the date they went missing"),
                "ended",
            )
    clash = _overlapping_episode(child, episode, started, ended, today) if not problems else None
    if clash is not None and clash.ended_on is None and ended is None:
        problem(
            "ended_on",
            gettext(
                "The young person is already recorded as missing since %(day)s: record their return on that "
                "episode first, or enter the date they came back"
            )
            % {"day": long_date(clash.started_on)},
            "open_episode",
        )
    elif clash is not None and clash.ended_on is None:
        problem(
            "started_on",
            gettext(
                "The young person is already recorded as missing since %(day)s: record their return on that "
                "episode, or check the dates"
            )
            % {"day": long_date(clash.started_on)},
            "open_episode",
        )
    elif clash is not None:
        problem(
            "started_on",
            gettext(
                "The young person is already recorded as missing from %(start)s to %(end)s: change that episode, "
                "or check the dates"
            )
            % {"start": long_date(clash.started_on), "end": long_date(clash.ended_on)},
            "overlap",
        )
    if ended is None:
        if a["interview_offered"] or a["interview_held"] or a["interview_on"]:
            problem(
                "interview_offered",
                gettext("Enter the date they came back before recording the return home interview"),
                "interview_before_return",
            )
        a["interview_offered"], a["interview_held"], a["interview_on"] = "", "", None
    else:
        if a["interview_offered"] not in InterviewOffered.values:
            problem(
                "interview_offered",
                gettext("Select whether a return home interview was offered within 72 hours"),
                "offered",
            )
        if a["interview_held"] not in InterviewHeld.values:
            problem("interview_held", gettext("Select whether the return home interview was held"), "held")
        elif a["interview_held"] == InterviewHeld.YES:
            if a["interview_offered"] == InterviewOffered.NO:
                problem(
                    "interview_held",
                    gettext("An interview that was held was offered: check the answer about the offer"),
                    "held_not_offered",
                )
            when = a["interview_on"]
            if when is None:
                problem("interview_on", gettext("Enter the date of the return home interview"), "interview_on")
            elif when > today:
                problem(
                    "interview_on",
                    gettext("The date of the interview must be today or in the past"),
                    "interview_future",
                )
            elif when < ended:
                problem(
                    "interview_on",
                    gettext("The interview must be on or after the day they came back"),
                    "interview_early",
                )
            if not a["learned"]:
                problem("learned", gettext("Enter what was learned from the return home interview"), "learned")
        if a["interview_held"] != InterviewHeld.YES:
            a["interview_on"] = None
    if len(a["learned"]) > TEXT_MAX:
        problem(
            "learned",
            gettext("What was learned must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX:,}"},
            "too_long",
        )
    return a, problems


def missing_episode_record(
    *,
    child: Child,
    user,
    data: dict[str, Any],
    episode: MissingEpisode | None = None,
    audit: AuditContext | None = None,
    today: date | None = None,
) -> MissingEpisode:
    """Record a missing episode, or update one (the return, the return home interview). A child recorded as missing
    now: their guardians are told at once, once it is saved (`tasks.missing_guardians_tell_at_once`), not the next
    morning; a past episode, recorded once the child is back, tells nobody."""
    today = today or timezone.localdate()
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)  # two episodes at once queue up
        _require_owner(user, child)
        if episode is not None:
            episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk, child=child)
        clean, problems = episode_answers_clean(data, child=child, episode=episode, today=today)
        if problems:
            raise OutcomeInvalid(problems)
        if episode is None:
            episode = MissingEpisode.objects.create(child=child, recorded_by=user, updated_by=user, **clean)
            action, changed = Action.CREATE, list(EPISODE_FIELDS)
            if episode.ended_on is None:
                _guardians_tell_once_saved(episode.pk)
        else:
            changed = [name for name in EPISODE_FIELDS if getattr(episode, name) != clean[name]]
            for name, value in clean.items():
                setattr(episode, name, value)
            episode.updated_by = user
            episode.save()
            action = Action.UPDATE
        audit_record(
            context=audit,
            actor=user,
            action=action,
            obj=episode,
            site_id=child.site_id,
            purpose=RECORD_PURPOSE,
            detail={"record": "missing episode", "changed": changed, "returned": episode.ended_on is not None},
        )
    return episode


def _guardians_tell_once_saved(episode_id: int) -> None:
    """Queue telling the episode's guardians once it is committed: the task reads it, and a change undone tells no
    one. Imported here: the task's module imports the reminders, which import this one."""
    from childnrm.outcomes.tasks import missing_guardians_tell_at_once

    transaction.on_commit(lambda: missing_guardians_tell_at_once.enqueue(episode_id))


def interview_due_by(episode: MissingEpisode) -> date | None:
    """A return home interview is due within 72 hours of the return: by the third day after it."""
    return episode.ended_on + timedelta(days=3) if episode.ended_on else None


# --- The site's schedule --------------------------------------------------------------------------


def schedule_set(
    *, site: Site, user, months: list[int], at_eighteen: bool, audit: AuditContext | None = None
) -> OutcomeSchedule:
    """The site administrator sets the schedule for children decided from now on. Audited with old and new."""
    _require(user, Perm.SITE_POLICY_MANAGE, site.pk)
    months = sorted(set(months))
    if not months and not at_eighteen:
        raise OutcomeError(gettext("Enter at least one review point, or keep the review at 18"), "months", "empty")
    if any(m < 1 or m > MAX_SCHEDULE_MONTHS for m in months):
        raise OutcomeError(
            gettext("Each review must be between 1 and %(max)s months after the decision")
            % {"max": MAX_SCHEDULE_MONTHS},
            "months",
            "range",
        )
    if len(months) > MAX_SCHEDULE_POINTS:
        raise OutcomeError(
            gettext("Enter %(max)s review points or fewer") % {"max": MAX_SCHEDULE_POINTS}, "months", "too_many"
        )
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)  # two changes at once queue up
        before = site_schedule(site)
        if (months, at_eighteen) == before:
            raise OutcomeError(gettext("This is the schedule already in force: change it to save"), "months", "same")
        setting, _ = OutcomeSchedule.objects.update_or_create(
            site=site, defaults={"months": months, "at_eighteen": at_eighteen, "updated_by": user}
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=setting,
            site_id=site.pk,
            purpose=SETTING_PURPOSE,
            detail={
                "record": "outcome review schedule",
                "old": {"months": before[0], "at_eighteen": before[1]},
                "new": {"months": months, "at_eighteen": at_eighteen},
            },
        )
    return setting
