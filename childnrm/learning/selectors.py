"""Reads of the evidence library: published items for every practitioner, submissions for their authors and
their site's moderators. The only way views reach library rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.kit import prepared
from childnrm.learning.models import (
    EXPLOITATION_CHOICES,
    LibraryItem,
    LibraryItemVersion,
    ReviewSummary,
    Theme,
    VersionStatus,
)
from childnrm.learning.search import ranked
from childnrm.referrals.vocab import ExploitationType


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


# Links from the service's pages to the library (issue 12 item 1) --------------------------------------------

# Of the newest published items on a page's themes, the ones matching most of them are shown.
_LINK_CANDIDATES = 50
_EXPLOITATION_VALUES = frozenset(value for value, _label in EXPLOITATION_CHOICES)
# A referral's exploitation types that the library also files as a theme.
_THEME_OF_EXPLOITATION = {
    ExploitationType.CRIMINAL.value: Theme.CRIMINAL_EXPLOITATION.value,
    ExploitationType.SEXUAL.value: Theme.SEXUAL_EXPLOITATION.value,
}


def published_on(
    *, themes: Iterable[str] = (), exploitation_types: Iterable[str] = (), limit: int = 3
) -> list[LibraryItemVersion]:
    """Published items on any of `themes` or `exploitation_types`, those on more of them first, then newest.

    Only published versions: a link from a case's page never leads to a submission still being moderated."""
    # In a fixed order (it changes neither the rows nor their ranking): one statement for each set of topics.
    themes = sorted({t for t in themes if t in Theme.values})
    exploitation_types = sorted({e for e in exploitation_types if e in _EXPLOITATION_VALUES})
    if not themes and not exploitation_types:
        return []
    # The topics are the statement's shape, not values (a page's fixed choices): compiled once for each set.
    candidates = prepared.rows(
        LibraryItemVersion,
        ("learning:published-on", tuple(themes), tuple(exploitation_types)),
        lambda: _link_candidates(themes, exploitation_types),
    )

    def matched(version: LibraryItemVersion) -> int:
        return len(set(themes) & set(version.themes)) + len(set(exploitation_types) & set(version.exploitation_types))

    return sorted(candidates, key=matched, reverse=True)[:limit]  # sorted() is stable: newest first within a tie


# What a link shows of a version (learning/includes/library_links.html) and what ranks it.
_LINK_FIELDS = ("item", "title", "kind", "item_date", "themes", "exploitation_types")


def _link_candidates(themes: list[str], exploitation_types: list[str]) -> QuerySet[LibraryItemVersion]:
    """The newest published versions on any of the topics, of which `published_on` ranks the links."""
    wanted = Q()
    for theme in themes:
        wanted |= _json_contains("themes", theme)
    for exploitation_type in exploitation_types:
        wanted |= _json_contains("exploitation_types", exploitation_type)
    return published_versions().filter(wanted).order_by("-item_date", "-id").only(*_LINK_FIELDS)[:_LINK_CANDIDATES]


def topics_of_referrals(referrals: Iterable) -> tuple[list[str], list[str]]:
    """(themes, exploitation types) the library may hold guidance on, from what referrals say of the children:
    a disputed or uncertain age, county lines, the kinds of exploitation."""
    themes: list[str] = []
    exploitation_types: list[str] = []
    for referral in referrals:
        if referral.age_disputed or referral.age_uncertain:
            themes.append(Theme.AGE_ASSESSMENT.value)
        if referral.county_lines:
            themes.append(Theme.COUNTY_LINES.value)
        for value in referral.exploitation_types or []:
            if value in _THEME_OF_EXPLOITATION:
                themes.append(_THEME_OF_EXPLOITATION[value])
            exploitation_types.append(value)
    return list(dict.fromkeys(themes)), list(dict.fromkeys(exploitation_types))


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


def summary_may_be_changed(user, summary: ReviewSummary) -> bool:
    """Whether the user may change this returned summary and send it again: it is its review's latest, and they
    record the site's case reviews."""
    if summary.status != VersionStatus.REJECTED or not has_perm(user, Perm.CASE_REVIEW_MANAGE, summary.site_id):
        return False
    return not ReviewSummary.objects.filter(review_id=summary.review_id, number__gt=summary.number).exists()


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
    summary = summary_moderation_queue(user).select_related("revises").filter(pk=review_summary_id).first()
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
