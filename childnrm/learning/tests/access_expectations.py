"""Who may use the evidence library's routes (see access/tests/test_access_matrix.py), and sample records.

The sample is an item a site's coordinator has submitted, with a file, waiting for moderation: its author
and the site's moderator reach it; nobody of another site does. Published items are read at every site
(test_library.py)."""

from __future__ import annotations

import io
from datetime import date

from childnrm.access.policy import LIBRARY_PRACTITIONERS
from childnrm.accounts.models import Role
from childnrm.core.tests.samples import sample_cache

READERS = set(LIBRARY_PRACTITIONERS) | {Role.LIBRARY_MODERATOR}
MODERATOR = {Role.LIBRARY_MODERATOR}
AUTHOR_AND_MODERATOR = {Role.COORDINATOR, Role.LIBRARY_MODERATOR}


def pdf_bytes() -> bytes:
    """A small real PDF, as the document checks want."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PDF")
    return out.getvalue()


_samples: dict[str, tuple[int, int]] = sample_cache()


def _sample(site_slug: str) -> tuple[int, int]:
    """(item id, version id) of the site's sample submission, made once per test."""
    from childnrm.learning.models import LibraryItemVersion
    from childnrm.learning.services import ItemAnswers, library_item_submit
    from conftest import demo_user

    ids = _samples.get(site_slug)
    if ids is None or not LibraryItemVersion.objects.filter(pk=ids[1], item__site__slug=site_slug).exists():
        version = library_item_submit(
            user=demo_user(Role.COORDINATOR, site_slug),
            answers=ItemAnswers(
                title="Sample practice note for the access matrix",
                summary="How the panel weighs late disclosure.",
                kind="practice_note",
                themes=["disclosure"],
                exploitation_types=[],
                region="uk",
                audiences=["panel_members"],
                item_date=date(2026, 1, 5),
                file=io.BytesIO(pdf_bytes()),
                file_name="note.pdf",
            ),
        )
        ids = (version.item_id, version.pk)
        _samples[site_slug] = ids
    return ids


_summaries: dict[str, int] = sample_cache()


def _summary(site_slug: str) -> int:
    """A summary of the site's sample case review, sent by its coordinator and waiting for moderation."""
    from childnrm.case_reviews.models import CaseReview
    from childnrm.case_reviews.tests.access_expectations import sample
    from childnrm.learning.models import ReviewSummary
    from childnrm.learning.services import SummaryAnswers, review_summary_submit
    from conftest import demo_user

    summary_id = _summaries.get(site_slug)
    if summary_id is None or not ReviewSummary.objects.filter(pk=summary_id, site__slug=site_slug).exists():
        summary = review_summary_submit(
            user=demo_user(Role.COORDINATOR, site_slug),
            review=CaseReview.objects.get(pk=sample(site_slug)["review"]),
            answers=SummaryAnswers(
                title="Sample summary for the access matrix",
                summary="Several missing episodes before a referral.",
                learning="Hold return home interviews in person.",
                themes=["missing"],
            ),
        )
        summary_id = summary.pk
        _summaries[site_slug] = summary_id
    return summary_id


EXPECTED = {
    "learning:library": READERS,
    "learning:submit": READERS,
    "learning:mine": READERS,
    "learning:moderation": MODERATOR,
    "learning:moderate": MODERATOR,
    "learning:approve": MODERATOR,
    "learning:reject": MODERATOR,
    "learning:item": AUTHOR_AND_MODERATOR,
    "learning:revise": AUTHOR_AND_MODERATOR,
    "learning:version-file": AUTHOR_AND_MODERATOR,
    "learning:log": READERS,
    "learning:community": READERS,
    # The sample summary waits for moderation: its author, the site's chairs (who read its case reviews) and the
    # site's moderators see it; published, every reader would (test_case_review_summaries.py).
    "learning:summary": {Role.COORDINATOR, Role.CHAIR, Role.LIBRARY_MODERATOR},
    "learning:summary-submit": {Role.COORDINATOR},
    "learning:summary-moderate": MODERATOR,
    "learning:summary-approve": MODERATOR,
    "learning:summary-reject": MODERATOR,
}
SAMPLES = {
    "library_item_id": lambda site_slug: _sample(site_slug)[0],
    "library_version_id": lambda site_slug: _sample(site_slug)[1],
    "review_summary_id": _summary,
}
