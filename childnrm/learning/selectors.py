"""Reads of the evidence library: published items for every practitioner, submissions for their authors and
their site's moderators. The only way views reach library rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.learning.models import LibraryItem, LibraryItemVersion, ReviewSummary, VersionStatus
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


# Case review summaries and the learning log -------------------------------------------------------------


def published_summaries() -> QuerySet[ReviewSummary]:
    return ReviewSummary.objects.filter(status=VersionStatus.APPROVED)


def learning_log(*, theme: str = "", site_id: int | None = None) -> QuerySet[ReviewSummary]:
    """Published summaries of every site's case reviews, newest first, of one theme or site if asked."""
    summaries = published_summaries().select_related("site")
    if theme:
        summaries = summaries.filter(_json_contains("themes", theme))
    if site_id is not None:
        summaries = summaries.filter(site_id=site_id)
    return summaries.order_by("-moderated_at", "-id")


def theme_counts() -> dict[str, int]:
    """Theme value -> how many published summaries carry it (one query over the published themes)."""
    counts: dict[str, int] = {}
    for themes in published_summaries().values_list("themes", flat=True):
        for theme in themes:
            counts[theme] = counts.get(theme, 0) + 1
    return counts


def summary_get(user, review_summary_id: int) -> ReviewSummary:
    """A published summary (any reader of the library); one not published for its author, the site's library
    moderators and those who read the site's case reviews."""
    summary = ReviewSummary.objects.select_related("site", "submitted_by").filter(pk=review_summary_id).first()
    if summary is None:
        raise Http404
    if summary.status == VersionStatus.APPROVED and has_perm(user, Perm.LIBRARY_READ):
        return summary
    if may_follow_summaries(user, summary.site_id) or summary.submitted_by_id == user.pk:
        return summary
    raise Http404


def may_follow_summaries(user, site_id: int) -> bool:
    """Whether the user sees a site's summaries before they are published (and why they were not)."""
    return has_perm(user, Perm.LIBRARY_MODERATE, site_id) or has_perm(user, Perm.CASE_REVIEW_VIEW, site_id)


def summaries_of_review(review_id: int) -> QuerySet[ReviewSummary]:
    return ReviewSummary.objects.filter(review_id=review_id).select_related("submitted_by", "moderated_by")


def summary_moderation_queue(user) -> QuerySet[ReviewSummary]:
    return (
        ReviewSummary.objects.filter(
            status=VersionStatus.SUBMITTED, site_id__in=sites_where(user, Perm.LIBRARY_MODERATE)
        )
        .select_related("submitted_by")
        .order_by("submitted_at", "id")
    )


def waiting_summary_get(user, review_summary_id: int) -> ReviewSummary:
    summary = summary_moderation_queue(user).filter(pk=review_summary_id).first()
    if summary is None:
        raise Http404
    return summary


# The community of practice's home -----------------------------------------------------------------------


def recently_published_items(limit: int) -> list[LibraryItemVersion]:
    return list(published_versions().order_by("-moderated_at", "-id")[:limit])


def recently_published_summaries(limit: int) -> list[ReviewSummary]:
    return list(published_summaries().select_related("site").order_by("-moderated_at", "-id")[:limit])


@dataclass(frozen=True)
class SiteLearning:
    site: Site
    library_items: int
    review_summaries: int


def learning_by_site() -> list[SiteLearning]:
    """Each active site with what it has published: library items and case review summaries (three queries)."""
    items = dict(
        published_versions()
        .order_by()
        .values("item__site_id")
        .annotate(n=Count("id"))
        .values_list("item__site_id", "n")
    )
    summaries = dict(
        published_summaries().order_by().values("site_id").annotate(n=Count("id")).values_list("site_id", "n")
    )
    return [
        SiteLearning(site, items.get(site.pk, 0), summaries.get(site.pk, 0))
        for site in Site.objects.filter(active=True).order_by("name")
    ]
