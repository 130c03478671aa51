"""Who may use the evidence library's routes (see access/tests/test_access_matrix.py), and sample records.

The sample is an item a site's coordinator has submitted, with a file, waiting for moderation: its author
and the site's moderator reach it; nobody of another site does. Published items are read at every site
(test_library.py)."""

from __future__ import annotations

import io
from datetime import date

from childnrm.access.policy import LIBRARY_PRACTITIONERS
from childnrm.accounts.models import Role

READERS = set(LIBRARY_PRACTITIONERS) | {Role.LIBRARY_MODERATOR}
MODERATOR = {Role.LIBRARY_MODERATOR}
AUTHOR_AND_MODERATOR = {Role.COORDINATOR, Role.LIBRARY_MODERATOR}


def pdf_bytes() -> bytes:
    """A small real PDF, as the document checks want."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PDF")
    return out.getvalue()


_samples: dict[str, tuple[int, int]] = {}


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
}
SAMPLES = {
    "library_item_id": lambda site_slug: _sample(site_slug)[0],
    "library_version_id": lambda site_slug: _sample(site_slug)[1],
}
