"""Scoped reads of children's records: the only way views reach them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.people.models import Child, ChildAssociation


def children_visible_to(user) -> QuerySet[Child]:
    """All children of sites where the user sees every case, plus children they are associated with."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    site_wide = sites_where(user, Perm.CHILD_VIEW_SITE)
    associated_sites = sites_where(user, Perm.CHILD_VIEW_ASSOCIATED)
    scope = Q(site_id__in=site_wide)
    if associated_sites:
        association = ChildAssociation.objects.filter(child=OuterRef("pk"), user=user, ends_at__isnull=True)
        scope |= Q(Exists(association), site_id__in=associated_sites)
    if not site_wide and not associated_sites:
        return Child.objects.none()
    return Child.objects.filter(scope)


def child_get(user, reference: str) -> Child:
    """The child with this reference if the user may see it; otherwise 404, as if it did not exist."""
    child = children_visible_to(user).select_related("site", "local_authority").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def child_get_for_audit(user, reference: str) -> Child:
    child = Child.objects.filter(site_id__in=sites_where(user, Perm.CHILD_AUDIT_VIEW), reference=reference).first()
    if child is None:
        raise Http404
    return child
