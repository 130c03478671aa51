"""Uploads: size limits enforced while the request arrives, and files no row refers to cleared away.

- `RequestSizeLimitMiddleware` refuses a request whose declared body is over UPLOAD_MAX_REQUEST_BYTES
  before anything reads it, with a 413 page.
- `FileSizeLimitUploadHandler` (first in FILE_UPLOAD_HANDLERS) stops keeping a file once it passes
  UPLOAD_MAX_FILE_BYTES: the form receives a placeholder of that size, with no content, so the page
  refuses it with the usual GOV.UK error and keeps everything else the user typed.
- `orphan_uploads_delete` removes stored files that no FileField refers to once they are old enough
  that no upload can still be in progress (a crash between writing a file and committing its row),
  and, first, files kept for a form that was never sent again once they expire (kit.pending).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

MEGABYTE = 1024 * 1024
ORPHAN_MIN_AGE = timedelta(days=1)


def max_file_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_FILE_BYTES", 10 * MEGABYTE)


def max_request_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", 10 * max_file_bytes() + 2 * MEGABYTE)


class RequestSizeLimitMiddleware:
    """A body declared bigger than any form of ours takes is refused unread (413), not spooled to disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return request_too_big(request)
        return self.get_response(request)


def request_too_big(request: HttpRequest) -> HttpResponse:
    if "json" in request.META.get("CONTENT_TYPE", "") or "json" in request.META.get("HTTP_ACCEPT", ""):
        # A system sending JSON (the API) gets its errors in JSON, as for every other refusal.
        message = f"The request is too large: the most the service takes is {max_request_bytes() // MEGABYTE}MB"
        refusal = JsonResponse({"errors": [{"field": None, "message": message}]}, status=413)
        refusal["Cache-Control"] = "no-store"
        return refusal
    response = render(
        request,
        "errors/413.html",
        {
            "max_file_label": f"{max_file_bytes() // MEGABYTE}MB",
            "max_request_label": f"{max_request_bytes() // MEGABYTE}MB",
        },
        status=413,
    )
    response["Cache-Control"] = "no-store"
    return response


class OversizeUpload(UploadedFile):
    """Stands in for a file that passed the limit: its size says so; it has no content to read."""

    def __init__(self, *, name: str | None, content_type: str | None, size: int) -> None:
        super().__init__(file=io.BytesIO(b""), name=name, content_type=content_type, size=size)


class FileSizeLimitUploadHandler(FileUploadHandler):
    """Passes a file's chunks on to the usual handlers only up to the per-file limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversize = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.oversize or self.received > max_file_bytes():
            # The rest of this file is read off the connection and dropped; what the next handler
            # kept so far (at most the limit) goes with its temporary file.
            self.oversize = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversize:
            return OversizeUpload(name=self.file_name, content_type=self.content_type, size=self.received)
        return None  # the next handler (memory or temporary file) gives the file


# Orphans ---------------------------------------------------------------------------------------------


def _stored_names(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_names(storage, f"{folder}/{directory}")


def _referenced_names(folder: str) -> set[str]:
    """Every stored name under `folder` that a row of any model's FileField refers to."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                rows = model._default_manager.filter(**{f"{field.name}__startswith": f"{folder}/"})
                names.update(rows.values_list(field.name, flat=True))
    return names


def orphan_uploads_delete(
    *, folders: Iterable[str], min_age: timedelta = ORPHAN_MIN_AGE, storage: Storage | None = None
) -> list[str]:
    """Delete files under `folders` that no row refers to and that are older than `min_age`.

    A file is written just before its row is committed, so one younger than `min_age` may belong
    to an upload still in progress and is left alone. Expired pending uploads (kit.pending) go
    first, and their folder is always swept: every daily run calls this. Returns the names deleted.
    """
    from childnrm.kit.models import PENDING_FOLDER
    from childnrm.kit.pending import expired_pending_uploads_delete

    storage = storage or default_storage
    cutoff = timezone.now() - min_age
    deleted: list[str] = expired_pending_uploads_delete(storage=storage)
    for folder in dict.fromkeys([*folders, PENDING_FOLDER]):
        referenced = _referenced_names(folder)
        for name in _stored_names(storage, folder):
            if name in referenced or storage.get_modified_time(name) > cutoff:
                continue
            storage.delete(name)
            deleted.append(name)
    return deleted
