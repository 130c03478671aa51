"""One download response for every file the service hands out: streamed, attachment, never rendered.

Callers audit the download themselves (each app knows its purpose and record) and then return
`download_response(...)`. A stored file is streamed from storage by FileResponse, never read whole
into memory; bytes the service has just produced (a PDF, a JSON export) are sent as they are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO, cast, overload

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# The file's own extension is set aside only when it looks like one (a few letters or digits).
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')
MAX_FILENAME_LENGTH = 120


def safe_filename(name: str, *, extension: str) -> str:
    """A download name that cannot pick its own type: the given name's stem, the detected extension.

    `extension` comes from the content (e.g. "png" for a PNG someone named "photo.html"), so the
    file opens in what it is, not what its name claims. Path parts, control and shell characters go.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    stem = _EXTENSION.sub("", name.strip().rstrip(". "))
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    suffix = "." + extension.lstrip(".").lower()
    return stem[: MAX_FILENAME_LENGTH - len(suffix)] + suffix


@overload
def download_response(*, content: bytes, filename: str, extension: str, content_type: str) -> HttpResponse: ...
@overload
def download_response(*, content: IO[bytes], filename: str, extension: str, content_type: str) -> FileResponse: ...
def download_response(
    *,
    content: IO[bytes] | bytes,
    filename: str,
    extension: str,
    content_type: str,
) -> HttpResponse | FileResponse:
    """An attachment named `filename` with `extension`; `content` an open binary file (streamed) or bytes.

    The file is closed when the response is.
    """
    name = safe_filename(filename, extension=extension)
    response: HttpResponse | FileResponse
    if isinstance(content, bytes | bytearray):
        # Already in memory (just produced): nothing to stream, the same headers.
        response = HttpResponse(bytes(content), content_type=content_type)
        # A str for an attachment (None only for an inline response without a filename).
        response["Content-Disposition"] = cast(str, content_disposition_header(as_attachment=True, filename=name))
    else:
        response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    # Never rendered by the browser (nosniff, sandbox), never kept in a cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def stored_file_open(field_file: FieldFile) -> IO[bytes]:
    """Open a stored file to stream it; a file missing from storage is a 404, not a 500."""
    if not field_file.name:
        raise Http404  # no file was ever stored
    try:
        return field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404
