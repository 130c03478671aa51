"""The case reviews app's part of the demo, and the builders its tests use.

- `load_demo` (core.demo's loader, on every demo load, so cheap): a site with accepted cases and no case review
  gets the demo review of its oldest accepted case. The tests' demo has no accepted case, so it does nothing.
- `load_demo_case_reviews` (`manage.py seed_demo`, after the demo cases): the same for each demo site, making an
  accepted case when the site has none. The review has learning points, recommendations and actions, one of
  them overdue so the daily reminders have something to chase. Made through the services. Idempotent.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.case_reviews import services
from childnrm.case_reviews.models import CaseReview, RecommendationStatus, ReviewAction, ReviewKind
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral, ReferralStatus

TITLE = "Missing episodes before the referral"
SUMMARY = (
    "A 15-year-old went missing four times in six weeks before anyone referred them to the NRM. Each return home "
    "interview was offered but none was held. The rapid review asks why the pattern was not seen sooner."
)
LEARNING_POINTS = (
    "Return home interviews were offered by letter only: none was held, so what the child said about who they "
    "were with was never heard.",
    "Police and children's social care each held part of the picture; no strategy discussion joined it up until "
    "the fourth episode.",
)
RECOMMENDATIONS = (
    "Offer every return home interview in person, within 72 hours, by someone the child knows.",
    "Hold a strategy discussion after a second missing episode in 30 days.",
)


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def demo_review(site_slug: str, *, referral: Referral | None = None, overdue_days: int = 0) -> CaseReview:
    """A rapid review of `referral` (default: a newly accepted case) by the site's demo coordinator, with two
    learning points, two recommendations and an action for each, owned by the demo panel member and the demo
    guardian. With `overdue_days`, the first action fell due that many days ago (for the reminders)."""
    if referral is None:
        from childnrm.panels.demo import accepted_referral  # panels' demo builds a whole accepted case

        referral = accepted_referral(site_slug)
    coordinator = _demo(Role.COORDINATOR, site_slug)
    today = timezone.localdate()
    review = services.case_review_create(
        user=coordinator,
        kind=ReviewKind.RAPID,
        title=TITLE,
        started_on=today - timedelta(days=60),
        summary=SUMMARY,
        case_references=[referral.reference],
    )
    for text in LEARNING_POINTS:
        services.learning_point_add(review=review, user=coordinator, text=text)
    owners = (_demo(Role.PANEL_MEMBER, site_slug), _demo(Role.ICTG, site_slug))
    for i, (text, owner) in enumerate(zip(RECOMMENDATIONS, owners, strict=True)):
        recommendation = services.recommendation_add(review=review, user=coordinator, text=text)
        services.recommendation_status_set(
            recommendation=recommendation, user=coordinator, status=RecommendationStatus.ACCEPTED
        )
        action = services.action_add(
            review=review,
            user=coordinator,
            description=f"Put recommendation {i + 1} into the site's missing-children protocol and brief the teams.",
            owner=owner,
            due_on=today + timedelta(days=30 * (i + 1)),
            recommendation=recommendation,
        )
        if i == 0 and overdue_days:
            # Agreed with a due date that has since passed (the service refuses a date in the past).
            ReviewAction.objects.filter(pk=action.pk).update(due_on=today - timedelta(days=overdue_days))
    return review


def _oldest_accepted(site: Site) -> Referral | None:
    return (
        Referral.objects.filter(site=site, status=ReferralStatus.ACCEPTED, child__isnull=False)
        .order_by("submitted_at", "pk")
        .first()
    )


def load_demo(*, site, site_users, organisations) -> None:
    if CaseReview.objects.filter(site=site).exists():
        return
    referral = _oldest_accepted(site)
    if referral is not None and site.slug in ("northbridge", "three-rivers"):
        demo_review(site.slug, referral=referral, overdue_days=3)


@transaction.atomic
def load_demo_case_reviews() -> int:
    """The demo review of each demo site that has none; returns how many it made."""
    made = 0
    for site in Site.objects.filter(slug__in=("northbridge", "three-rivers")).order_by("pk"):
        if CaseReview.objects.filter(site=site).exists():
            continue
        demo_review(site.slug, referral=_oldest_accepted(site), overdue_days=3)
        made += 1
    return made
