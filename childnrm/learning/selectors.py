"""Reads of the evidence library: published items for every practitioner, submissions for their authors and
their site's moderators. The only way views reach library rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.learning.models import LibraryItem, LibraryItemVersion, VersionStatus
from childnrm.learning.search import ranked


@dataclass(frozen=True)
class LibraryFilters:
    query: str = ""
    kind: str = ""
    theme: str = ""
    exploitation_type: str = ""
    region: str = ""
    audience: str = ""
    sort: str = "relevance"  # or "newest"


def published_versions() -> QuerySet[LibraryItemVersion]:
    return LibraryItemVersion.objects.filter(status=VersionStatus.APPROVED, published_as__isnull=False)


def _json_contains(field: str, value: str) -> Q:
    # A JSON list holds the value; `contains` on JSON lists is not supported by SQLite, so match the encoded
    # element (values are slugs from fixed choices, never user text).
    return Q(**{f"{field}__icontains": f'"{value}"'})


def library_search(filters: LibraryFilters) -> QuerySet[LibraryItemVersion]:
    versions = published_versions()
    if filters.kind:
        versions = versions.filter(kind=filters.kind)
    if filters.region:
        versions = versions.filter(region=filters.region)
    for field, value in (
        ("themes", filters.theme),
        ("exploitation_types", filters.exploitation_type),
        ("audiences", filters.audience),
    ):
        if value:
            versions = versions.filter(_json_contains(field, value))
    if filters.query.strip():
        versions = ranked(versions, filters.query)
        if filters.sort == "newest":
            versions = versions.order_by("-item_date", "-id")
        return versions
    return versions.order_by("-item_date", "-id")


def item_get(user, item_id: int) -> LibraryItem:
    """A published item (any reader), or an unpublished one for its author and its site's moderators."""
    item = LibraryItem.objects.select_related("published").filter(pk=item_id).first()
    if item is None:
        raise Http404
    if item.published_id and has_perm(user, Perm.LIBRARY_READ):
        return item
    if item.created_by_id == user.pk or has_perm(user, Perm.LIBRARY_MODERATE, item.site_id):
        return item
    raise Http404


def versions_visible(user, item: LibraryItem) -> QuerySet[LibraryItemVersion]:
    """The item's history: every version for its author and moderators; the published one for others."""
    versions = item.versions.select_related("submitted_by", "moderated_by")
    if item.created_by_id == user.pk or has_perm(user, Perm.LIBRARY_MODERATE, item.site_id):
        return versions
    return versions.filter(pk=item.published_id)


def moderation_queue(user) -> QuerySet[LibraryItemVersion]:
    return (
        LibraryItemVersion.objects.filter(
            status=VersionStatus.SUBMITTED, item__site_id__in=sites_where(user, Perm.LIBRARY_MODERATE)
        )
        .select_related("item", "submitted_by")
        .order_by("submitted_at", "id")
    )


def waiting_version_get(user, version_id: int) -> LibraryItemVersion:
    version = moderation_queue(user).filter(pk=version_id).first()
    if version is None:
        raise Http404
    return version


def submissions_of(user) -> QuerySet[LibraryItemVersion]:
    return (
        LibraryItemVersion.objects.filter(submitted_by=user)
        .select_related("item", "moderated_by")
        .order_by("-submitted_at", "-id")
    )
