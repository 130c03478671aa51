"""What the learning app shows on other apps' pages, through template functions registered in apps.py.

The apps whose pages these are sit below this app (.importlinter), so they never import it: their templates call
`{{ review_summary_panel(review) }}`, `{{ library_links("credibility") }}` or `{{ case_library_links(referral) }}`.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils.http import urlencode
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.kit.jinja2 import render_include, url
from childnrm.learning.models import Theme, VersionStatus
from childnrm.learning.selectors import may_follow_summaries, published_on, summaries_of_review, topics_of_referrals


@jinja2.pass_context
def review_summary_panel(context: jinja2.runtime.Context, review: Any) -> Markup:
    """The case review page's section on sharing its learning: the review's summaries for the learning log."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not may_follow_summaries(user, review.site_id):
        return Markup("")
    summaries = list(summaries_of_review(review.pk))
    latest = summaries[0] if summaries else None
    data = {
        "review": review,
        "latest": latest,
        "published": next((s for s in summaries if s.status == VersionStatus.APPROVED), None),
        "may_write": has_perm(user, Perm.CASE_REVIEW_MANAGE, review.site_id),
    }
    return render_include(context, "learning/includes/review_summary_panel.html", data)


@jinja2.pass_context
def library_links(context: jinja2.runtime.Context, *themes: str, exploitation_types: Any = ()) -> Markup:
    """Links to published library items on `themes` (Theme values) or `exploitation_types`, where a practitioner
    needs guidance; nothing when none is published or the user does not read the library."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not has_perm(user, Perm.LIBRARY_READ):
        return Markup("")
    versions = published_on(themes=themes, exploitation_types=exploitation_types)
    if not versions:
        return Markup("")
    theme = next((t for t in themes if t in Theme.values), None)
    data = {
        "versions": versions,
        "theme_label": Theme(theme).label if theme else "",
        "search_url": f"{url('learning:library')}?{urlencode({'theme': theme})}" if theme else url("learning:library"),
    }
    return render_include(context, "learning/includes/library_links.html", data)


@jinja2.pass_context
def case_library_links(context: jinja2.runtime.Context, *referrals: Any) -> Markup:
    """`library_links` on what the referrals say of the children: age assessment, county lines, exploitation."""
    themes, exploitation_types = topics_of_referrals(referrals)
    return library_links(context, *themes, exploitation_types=exploitation_types)
