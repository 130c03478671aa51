"""Scoped reads of outcome follow-up: the only way views reach reviews and missing episodes.

Who sees a child's outcome reviews and missing episodes:
- the child's owners: the current lead social worker (when they hold an account) and the allocated guardian,
  each a people.ChildAssociation in force (`associations_in_force`: its holder still holds the guardian's or a
  social worker's role at the child's site), holding OUTCOME_RECORD there. They record them.
- the site's coordinator (OUTCOME_VIEW_SITE), read-only: they see what is overdue and who owns it.
Everything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.outcomes.models import InterviewHeld, MissingEpisode, OutcomeFollowUp, OutcomeReview
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force

# A return home interview is awaited once the young person is back (domain step 15: due within 72 hours of the
# return, `services.interview_due_by`) while it is answered "not yet": held, declined or not held for another reason
# settles it.
INTERVIEW_AWAITED = Q(ended_on__isnull=False, interview_held=InterviewHeld.NOT_YET)
MISSING_NOW = Q(ended_on__isnull=True)

# The associations that make someone an owner of a child's outcome reviews.
OWNER_KINDS = (AssociationKind.LEAD_SOCIAL_WORKER, AssociationKind.ICTG)
# What each owner is to the child, in the reader's language; "allocated guardian" in every nation (the kind's own
# label names England and Wales's ICTG).
OWNER_WORDS = {
    AssociationKind.LEAD_SOCIAL_WORKER: gettext_lazy("lead social worker"),
    AssociationKind.ICTG: gettext_lazy("allocated guardian"),
}


def _owner_of(user, child_ref: str = "pk") -> Exists:
    # Only while they hold the guardian's or a social worker's role at the child's site (people.selectors).
    return Exists(
        ChildAssociation.objects.filter(associations_in_force(OWNER_KINDS), child=OuterRef(child_ref), user=user)
    )


def owned_children(user) -> QuerySet[Child]:
    """Children whose outcome reviews and missing episodes the user records."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    sites = sites_where(user, Perm.OUTCOME_RECORD)
    if not sites:
        return Child.objects.none()
    return Child.objects.filter(_owner_of(user), site_id__in=sites)


def followed_children(user) -> QuerySet[Child]:
    """Children whose outcome follow-up the user may see: those they own, and every child of a site they oversee."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    scope = Q(site_id__in=sites_where(user, Perm.OUTCOME_VIEW_SITE))
    record_sites = sites_where(user, Perm.OUTCOME_RECORD)
    if record_sites:
        scope |= Q(_owner_of(user), site_id__in=record_sites)
    return Child.objects.filter(scope)


def may_record(user, child: Child) -> bool:
    return owned_children(user).filter(pk=child.pk).exists()


def purpose_for(user, child: Child) -> str:
    """Why the user is looking at this child's outcomes: recorded as the audit purpose."""
    if may_record(user, child):
        return PURPOSES[Perm.OUTCOME_RECORD]
    return PURPOSES[Perm.OUTCOME_VIEW_SITE]


def child_get(user, reference: str) -> Child:
    child = followed_children(user).select_related("site").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def child_for_recording(user, reference: str) -> Child:
    child = owned_children(user).select_related("site").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def review_get(user, review_id: int) -> OutcomeReview:
    review = (
        OutcomeReview.objects.select_related("child", "child__site", "follow_up", "recorded_by")
        .filter(child__in=followed_children(user), pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    return review


def episode_for_recording(user, episode_id: int) -> MissingEpisode:
    episode = (
        MissingEpisode.objects.select_related("child", "child__site")
        .filter(child__in=owned_children(user), pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def follow_up_of(child: Child) -> OutcomeFollowUp | None:
    return OutcomeFollowUp.objects.select_related("decision").filter(child=child).first()


def reviews_of(child: Child) -> QuerySet[OutcomeReview]:
    return OutcomeReview.objects.filter(child=child).select_related("recorded_by").order_by("due_on", "id")


def episodes_of(child: Child) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(child=child).select_related("recorded_by").order_by("-started_on", "-id")


def open_reviews_owned_by(user) -> QuerySet[OutcomeReview]:
    """'Your outcome reviews': reviews not yet recorded of the children the user owns, soonest due first."""
    return (
        OutcomeReview.objects.filter(child__in=owned_children(user), recorded_at__isnull=True)
        .select_related("child")
        .order_by("due_on", "id")
    )


def episodes_to_follow_up_owned_by(user) -> QuerySet[MissingEpisode]:
    """'Your outcome reviews' also lists the missing episodes its owner has to act on: children missing now (record
    their return), longest missing first, then return home interviews awaited, soonest due first."""
    return (
        MissingEpisode.objects.filter(MISSING_NOW | INTERVIEW_AWAITED, child__in=owned_children(user))
        .select_related("child")
        .order_by(F("ended_on").asc(nulls_first=True), "started_on", "id")
    )


def owners_of(child: Child) -> list:
    """The users who own the child's outcome reviews now (lead social worker first, then the guardian), active
    and holding the permission at the child's site."""
    in_force = ChildAssociation.objects.filter(associations_in_force(OWNER_KINDS), child=child)
    users = get_user_model().objects.filter(is_active=True, pk__in=in_force.values("user_id")).order_by("full_name")
    return [u for u in users if has_perm(u, Perm.OUTCOME_RECORD, child.site_id)]


def owner_labels(child: Child) -> list[tuple[str, str]]:
    """(name, what they are to the child) for the child's page."""
    rows = (
        ChildAssociation.objects.filter(associations_in_force(OWNER_KINDS), child=child)
        .select_related("user")
        .order_by("kind", "user__full_name")
    )
    owners = {u.pk for u in owners_of(child)}
    return [(a.user.full_name, str(OWNER_WORDS[a.kind])) for a in rows if a.user_id in owners]
