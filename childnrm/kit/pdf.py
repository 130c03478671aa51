"""One way to make a PDF: WeasyPrint from our own HTML, with nothing fetched from outside.

`render_pdf(html)` makes the bytes. A download that renders a PDF while the user waits goes through
`pdf_download(...)`, which also limits how many such PDFs one user may have in progress and how many
in a minute: a handful of case packets rendered at once can otherwise tie up every worker (issue
14, item 7). Over the limit, the user gets a 429 page and nothing is rendered.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from childnrm.kit.counters import count_down, count_up
from childnrm.kit.downloads import download_response

# Defaults, each overridable in settings: enough for a coordinator's ordinary work, far below what
# ties up the workers.
PDF_RENDERS_AT_ONCE = 2
PDF_RENDERS_PER_MINUTE = 10
# A slot held by a worker that died (gunicorn's timeout) is given back at most this long after the first of the
# user's renders in progress was counted, however often they try meanwhile.
_SLOT_SECONDS = 120


class PdfResourceRefused(ValueError):
    """The HTML asked for something from outside the service."""


def _static_file(url: str) -> Path:
    """Only our own static files, by their /static/ URL; anything else (web, file:, data:) is refused."""
    if url.startswith(settings.STATIC_URL) and ".." not in url:
        found = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
        if isinstance(found, str):
            return Path(found)
    raise PdfResourceRefused("A PDF is made from our own HTML and static files only")


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = _static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticOnly()


def render_pdf(html: str) -> bytes:
    """The PDF of `html` (rendered by the caller from our own templates)."""
    from weasyprint import HTML

    # Tagged (headings, reading order, table headers, each part's language): the child and their guardian get their
    # letter only as a PDF, and an untagged one is a flat page to a screen reader.
    return HTML(string=html, url_fetcher=_url_fetcher()).write_pdf(pdf_tags=True)


# The per-user limit --------------------------------------------------------------------------------


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "PDF_RENDERS_AT_ONCE", PDF_RENDERS_AT_ONCE),
        getattr(settings, "PDF_RENDERS_PER_MINUTE", PDF_RENDERS_PER_MINUTE),
    )


@contextmanager
def pdf_render_slot(user_id: int) -> Iterator[bool]:
    """Yields True while the user holds one of their PDF slots, False if they are over the limit.

    Counted in the database every worker shares (kit.counters): at most PDF_RENDERS_AT_ONCE in progress and
    PDF_RENDERS_PER_MINUTE started in a minute, whichever worker renders them.
    """
    at_once, per_minute = _limits()
    running = f"kit.pdf.running.{user_id}"
    minute = f"kit.pdf.minute.{user_id}.{int(time.time() // 60)}"
    in_progress = count_up(running, _SLOT_SECONDS)
    try:
        allowed = in_progress <= at_once and count_up(minute, 120) <= per_minute
        yield allowed
    finally:
        count_down(running)


def too_many_pdfs(request: HttpRequest) -> HttpResponse:
    response = render(request, "errors/429.html", status=429)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def pdf_download(
    request: HttpRequest,
    *,
    build: Callable[[], bytes],
    filename: str,
    audit: Callable[[], None],
) -> HttpResponse:
    """Render a PDF for the signed-in user and hand it over as an attachment, within their limit.

    `build` renders it (usually through render_pdf); `audit` records the download, only once it is made.
    """
    if not request.user.is_authenticated:  # the limit is per user; views reach here signed in
        raise PermissionDenied
    with pdf_render_slot(request.user.pk) as allowed:
        if not allowed:
            return too_many_pdfs(request)
        data = build()
    audit()
    return download_response(content=data, filename=filename, extension="pdf", content_type="application/pdf")
