"""Scoped reads of case reviews: the only way views reach them.

Who sees a site's case reviews (never anyone of another site):
- its coordinators (CASE_REVIEW_MANAGE) record them and see everything;
- its chairs (CASE_REVIEW_VIEW) read them, with the cases they are about;
- whoever owns one of a review's actions (CASE_REVIEW_ACTION_UPDATE at the site) sees that action, the review's
  title and the recommendation it answers, and records its progress; not the cases, nor the rest of the review.
Everything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where, users_holding
from childnrm.case_reviews.models import CaseReview, Recommendation, ReviewAction, ReviewedCase
from childnrm.referrals.anonymised import live
from childnrm.referrals.models import Referral, ReferralStatus


def reviews_visible(user) -> QuerySet[CaseReview]:
    if not getattr(user, "is_authenticated", False):
        return CaseReview.objects.none()
    return CaseReview.objects.filter(site_id__in=sites_where(user, Perm.CASE_REVIEW_VIEW))


def review_get(user, case_review_id: int) -> CaseReview:
    review = reviews_visible(user).select_related("site", "created_by").filter(pk=case_review_id).first()
    if review is None:
        raise Http404
    return review


def review_for_managing(user, case_review_id: int) -> CaseReview:
    review = (
        CaseReview.objects.select_related("site")
        .filter(pk=case_review_id, site_id__in=sites_where(user, Perm.CASE_REVIEW_MANAGE))
        .first()
    )
    if review is None:
        raise Http404
    return review


def may_manage(user, review: CaseReview) -> bool:
    return has_perm(user, Perm.CASE_REVIEW_MANAGE, review.site_id)


def purpose_for(user, review: CaseReview) -> str:
    if may_manage(user, review):
        return PURPOSES[Perm.CASE_REVIEW_MANAGE]
    if has_perm(user, Perm.CASE_REVIEW_VIEW, review.site_id):
        return PURPOSES[Perm.CASE_REVIEW_VIEW]
    return PURPOSES[Perm.CASE_REVIEW_ACTION_UPDATE]


def cases_of(review: CaseReview) -> QuerySet[ReviewedCase]:
    return review.cases.select_related("referral", "referral__child").order_by("added_at", "id")


def recommendation_for_managing(user, recommendation_id: int) -> Recommendation:
    found = (
        Recommendation.objects.select_related("review")
        .filter(pk=recommendation_id, review__site_id__in=sites_where(user, Perm.CASE_REVIEW_MANAGE))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _actions_reachable(user) -> Q:
    """Every action of a review the user reads, and the actions they own at a site where they may update them."""
    return Q(review__site_id__in=sites_where(user, Perm.CASE_REVIEW_VIEW)) | Q(
        owner=user, review__site_id__in=sites_where(user, Perm.CASE_REVIEW_ACTION_UPDATE)
    )


def action_get(user, action_id: int) -> ReviewAction:
    if not getattr(user, "is_authenticated", False):
        raise Http404
    action = (
        ReviewAction.objects.select_related("review", "review__site", "recommendation", "owner", "owner__organisation")
        .filter(_actions_reachable(user), pk=action_id)
        .first()
    )
    if action is None:
        raise Http404
    return action


def may_update_action(user, action: ReviewAction) -> bool:
    """The site's coordinator, or the action's owner while they may update actions at the site."""
    site_id = action.review.site_id
    if has_perm(user, Perm.CASE_REVIEW_MANAGE, site_id):
        return True
    return action.owner_id == getattr(user, "pk", None) and has_perm(user, Perm.CASE_REVIEW_ACTION_UPDATE, site_id)


def action_for_update(user, action_id: int) -> ReviewAction:
    action = action_get(user, action_id)
    if not may_update_action(user, action):
        raise Http404
    return action


def action_for_managing(user, action_id: int) -> ReviewAction:
    """An action of a review the user records (the coordinator's), else 404."""
    action = action_get(user, action_id)
    if not may_manage(user, action.review):
        raise Http404
    return action


def actions_owned_by(user) -> QuerySet[ReviewAction]:
    if not getattr(user, "is_authenticated", False):
        return ReviewAction.objects.none()
    return ReviewAction.objects.filter(
        owner=user, review__site_id__in=sites_where(user, Perm.CASE_REVIEW_ACTION_UPDATE)
    ).select_related("review")


def may_own_actions(user, site_id: int) -> bool:
    """Whether the user may own the site's case review actions: they may update them in the service, and the
    reminders can reach them (an email address). The daily reminders send an action whose owner fails this to the
    coordinators; a new owner must pass it."""
    return bool(user.email) and has_perm(user, Perm.CASE_REVIEW_ACTION_UPDATE, site_id)


def owner_candidates(site_id: int):
    """Users of the site who may own a case review action (and update it themselves): `may_own_actions`, for
    every user of the site at once."""
    return (
        users_holding(Perm.CASE_REVIEW_ACTION_UPDATE, site_id)
        .exclude(email="")
        .select_related("organisation")
        .order_by("full_name")
    )


def reviewable_cases(site_ids: list[int], references: list[str]) -> QuerySet[Referral]:
    """Cases of these sites with these references that a review may be about (submitted, never drafts; not one
    retention anonymised, kept for the figures only: `referrals.anonymised`)."""
    return (
        Referral.objects.filter(live(), site_id__in=site_ids, reference__in=references)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("child")
    )


def anonymised_cases(site_ids: list[int], references: list[str]) -> QuerySet[Referral]:
    """Cases of these sites with these references that retention anonymised (a review is told why it cannot take
    them)."""
    return (
        Referral.objects.filter(site_id__in=site_ids, reference__in=references)
        .exclude(live())
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("reference")
    )


def anonymised_cases_of(review: CaseReview) -> list[Referral]:
    """The review's cases that retention anonymised (the review is kept, and so is its link to them)."""
    return [
        reviewed.referral
        for reviewed in review.cases.exclude(live("referral__")).select_related("referral").order_by("added_at", "id")
    ]
