"""The outcomes app's part of the demo, and the builders its tests use.

- `load_demo` (core.demo's loader, on every demo load, so cheap): starts the follow-up of any decided child of
  the site that has none. The tests' demo has no decided child, so it does nothing there.
- `load_demo_follow_ups` (`manage.py seed_demo`, after the demo cases): in each demo site, two decided cases
  whose guardian is the demo guardian: one decided about 200 days ago, with its 3-month review recorded, its
  6-month review overdue and a missing episode with its return home interview; one decided about 80 days ago,
  whose 3-month review is due. Made through the services, as people make them. Idempotent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.decisions.demo import final_decision
from childnrm.decisions.models import Decision
from childnrm.outcomes import services
from childnrm.outcomes.models import (
    Answer,
    Exploitation,
    InterviewHeld,
    InterviewOffered,
    Justice,
    MissingEpisode,
    Occupation,
    OutcomeReview,
    Placement,
    PlacementStability,
    Support,
)
from childnrm.panels.demo import accepted_referral, working_day
from childnrm.people.demo import demo_email
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.safeguarding.demo import plan_at_sitting

# A review as an owner might record it: settled in foster care, back at school, no new harm.
REVIEW_ANSWERS: dict[str, Any] = {
    "placement": Placement.FOSTER,
    "placement_moves": 0,
    "placement_stability": PlacementStability.STABLE,
    "went_missing": Answer.NO,
    "re_referred": Answer.NO,
    "further_exploitation": Exploitation.NO,
    "occupation": Occupation.FULL_TIME_EDUCATION,
    "justice": [Justice.VICTIM_OR_WITNESS],
    "support": [Support.GUARDIAN, Support.THERAPEUTIC],
    "view_given": True,
    "young_person_view": "I like my foster carers. School is hard but I have a mentor. I don't see them lot any more.",
}
OLDER_DECISION_DAYS = 200  # its 3-month review is done and its 6-month review overdue
RECENT_DECISION_DAYS = 80  # its 3-month review is due (within four weeks)


def load_demo(*, site, site_users, organisations) -> None:
    services.follow_ups_ensure()


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def allocate_guardian(child: Child, guardian: User) -> ChildAssociation:
    """The guardian's allocation, as the safeguarding page records it (one row per child, user and kind)."""
    association, created = ChildAssociation.objects.get_or_create(child=child, user=guardian, kind=AssociationKind.ICTG)
    if not created and association.ends_at is not None:
        ChildAssociation.objects.filter(pk=association.pk).update(ends_at=None)
    return association


def decided_child(site_slug: str, *, decided_on: date | None = None, guardian: User | None = None) -> Decision:
    """A final positive reasonable grounds decision about a newly referred child, taken on `decided_on` (a working
    day; default today), whose allocated guardian is `guardian` (default the site's demo guardian). The
    decision's sign-off starts the child's follow-up."""
    site = Site.objects.get(slug=site_slug)
    decided_on = working_day(decided_on or timezone.localdate(), site.nation, step=-1)
    referral = accepted_referral(site_slug, submitted_on=decided_on - timedelta(days=14))
    decision = final_decision(site_slug, decided_on=decided_on, referral=referral, agree_plan=plan_at_sitting)
    allocate_guardian(decision.referral.child, guardian or _demo(Role.ICTG, site_slug))
    return decision


def record_review(review: OutcomeReview, user: User, **answers: Any) -> OutcomeReview:
    """Record `review` with the demo answers (and any changed), on the day it opens if it is not open yet."""
    today = max(timezone.localdate(), services.opens_on(review))
    return services.review_record(review=review, user=user, answers={**REVIEW_ANSWERS, **answers}, today=today)


@transaction.atomic
def load_demo_follow_ups() -> int:
    """The demo follow-ups of each demo site that has none recorded yet; returns how many decided cases it made."""
    made = 0
    today = timezone.localdate()
    for site in Site.objects.filter(slug__in=("northbridge", "three-rivers")).order_by("pk"):
        if OutcomeReview.objects.filter(child__site=site, recorded_at__isnull=False).exists():
            continue
        guardian = _demo(Role.ICTG, site.slug)
        older = decided_child(site.slug, decided_on=today - timedelta(days=OLDER_DECISION_DAYS), guardian=guardian)
        child = older.referral.child
        first = OutcomeReview.objects.filter(child=child, months=3).get()
        # Between the decision and the 3-month review he went missing for two nights; the interview was held.
        went, back = older.decided_on + timedelta(days=40), older.decided_on + timedelta(days=42)
        services.missing_episode_record(
            child=child,
            user=guardian,
            data={
                "started_on": went,
                "ended_on": back,
                "interview_offered": InterviewOffered.YES,
                "interview_held": InterviewHeld.YES,
                "interview_on": back + timedelta(days=1),
                "learned": "He went to see his older cousin in the city. Nobody asked him to run drugs. He wants to "
                "see his cousin at weekends, with his carers knowing where he is.",
            },
            today=today,
        )
        services.review_record(
            review=first,
            user=guardian,
            answers={**REVIEW_ANSWERS, "went_missing": Answer.YES},
            today=first.due_on,
        )
        # Recorded on the day it was due (the service stamps now): the next review covers the time since then.
        recorded = timezone.make_aware(datetime.combine(first.due_on, time(11, 0)))
        OutcomeReview.objects.filter(pk=first.pk).update(recorded_at=recorded)
        decided_child(site.slug, decided_on=today - timedelta(days=RECENT_DECISION_DAYS), guardian=guardian)
        made += 2
    return made


def missing_episode(child: Child, user: User, **data: Any) -> MissingEpisode:
    """A returned missing episode with its interview held (for tests): `data` changes any answer."""
    today = timezone.localdate()
    answers = {
        "started_on": today - timedelta(days=5),
        "ended_on": today - timedelta(days=3),
        "interview_offered": InterviewOffered.YES,
        "interview_held": InterviewHeld.YES,
        "interview_on": today - timedelta(days=2),
        "learned": "Stayed with a friend's family; no sign of exploitation.",
        **data,
    }
    return services.missing_episode_record(child=child, user=user, data=answers)
