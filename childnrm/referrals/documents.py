"""Evidence documents: what may be uploaded, checked from the file's content, never its name.

Accepted: PDF, PNG, JPEG and Word (.docx; legacy .doc only with a verified OLE header), up to
MAX_DOCUMENT_BYTES. Everything else is refused with a message the referrer can act on.

The rules, each tested in tests/test_documents.py:

1. Type from content. The file must begin, at byte 0, with its format's signature: ``%PDF-``,
   the PNG signature, JPEG's ``FF D8 FF``, a ZIP local header (``PK\\x03\\x04``) for .docx or the
   OLE compound file header (``D0 CF 11 E0 A1 B1 1A E1``) for .doc. A PDF reader accepts ``%PDF-``
   anywhere in the first kilobyte; we do not, so nothing can hide in front of it.
2. Nothing after the end. Data after a format's end is how most polyglots are made (a JPEG with a
   ZIP appended). After trailing whitespace and NUL padding are set aside, a PNG must end with its
   IEND chunk, a JPEG with the EOI marker ``FF D9`` and a PDF with ``%%EOF``; a .docx must end
   with its ZIP end-of-central-directory record (and its comment, if any).
3. No second format inside. Refused if, other than as a .docx, a ZIP reader would open the file
   (``zipfile.is_zipfile``, which finds an end-of-central-directory record from the end); if a
   RAR or 7-Zip signature appears anywhere; if HTML or script markup (``<html``, ``<script``,
   ``<!doctype html``, ``<svg``, ``<iframe``, ``<body``) appears in the first kilobyte, where
   browsers sniff; or if another accepted format's signature (``%PDF-``) appears in the first
   kilobyte of a file that is not a PDF.
4. Archives and executables by name. ZIP (that is not a valid .docx), RAR, 7z, gzip, bzip2, xz,
   tar and executables are named in the refusal, so the referrer knows what to do.
5. Word without macros. A .docx is a ZIP whose entries include ``[Content_Types].xml`` and
   ``word/document.xml``, has no ``vbaProject.bin`` (or any ``.bin`` part: macros, ActiveX and
   OLE objects), no executable entry and no macro-enabled content type; it is not encrypted and
   unpacks to no more than MAX_DOCX_UNPACKED_BYTES in MAX_DOCX_ENTRIES entries (zip bombs). A .doc
   must have the Word file information block signature and a ``WordDocument`` stream, and no
   ``_VBA_PROJECT`` or ``Macros`` storage (directory names are UTF-16LE in the file).
6. Images must decode. Pillow opens and verifies PNG and JPEG files (and refuses decompression
   bombs), so a file that only starts like an image is refused.
7. PDFs without active content: ``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile`` and
   ``/RichMedia`` are refused.

Stored files go to the default storage (private: never under a public URL) at a random path, with
their SHA-256, size, detected type and original name; see services.referral_document_add.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import filetype
from PIL import Image

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_SIZE_LABEL = "10MB"
MAX_DOCX_ENTRIES = 2000
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
ACCEPTED_TYPES = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image", DOCX: "Word document", DOC: "Word document"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", DOC: "doc"}
# For the file input's `accept` attribute: a hint to the browser only; the content decides.
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.docx,.doc,application/pdf,image/png,image/jpeg," + DOCX + "," + DOC

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
_RAR_SIGNATURE = b"Rar!\x1a\x07"
_7Z_SIGNATURE = b"7z\xbc\xaf\x27\x1c"
_SNIFF_WINDOW = 1024
_MARKUP = re.compile(rb"<\s*(?:html|script|!doctype\s+html|svg|iframe|body)\b", re.IGNORECASE)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
_EXECUTABLE_ENTRY = re.compile(
    r"\.(?:bin|exe|dll|com|scr|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|jar|msi|lnk)$", re.IGNORECASE
)
_ARCHIVE_NAMES = {
    "zip": "a ZIP archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "gz": "a gzip archive",
    "bz2": "a bzip2 archive",
    "xz": "an xz archive",
    "tar": "a tar archive",
    "cab": "a cabinet archive",
    "zst": "a Zstandard archive",
}
_EXECUTABLES = {"exe", "elf", "wasm", "swf", "crx", "deb", "rpm"}

# The messages the referrer sees (GOV.UK file upload error wording).
MESSAGE_EMPTY = "The selected file is empty"
MESSAGE_TOO_BIG = f"The selected file must be smaller than {MAX_DOCUMENT_SIZE_LABEL}"
MESSAGE_WRONG_TYPE = "The selected file must be a PDF, PNG, JPEG or Word document"
MESSAGE_POLYGLOT = (
    "The selected file contains another kind of file hidden inside it. Save it again as a PDF, PNG, JPEG "
    "or Word document and upload that"
)
MESSAGE_MACROS = "The selected Word document contains macros or embedded programs. Save it as a .docx without them"
MESSAGE_PDF_ACTIVE = "The selected PDF contains scripts or embedded files. Print it to a new PDF and upload that"
MESSAGE_DAMAGED = "The selected file could not be read. Save it again and upload that"
MESSAGE_EXECUTABLE = "The selected file is a program. Upload a PDF, PNG, JPEG or Word document"


def message_archive(kind: str) -> str:
    return f"The selected file is {kind}. Upload each document in it separately"


class DocumentRefused(ValueError):
    """The file may not be stored; `message` says why, in words the referrer can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


def document_check(*, data: bytes) -> CheckedDocument:
    """Decide from its bytes whether a file may be stored; raise DocumentRefused if not."""
    if not data:
        raise DocumentRefused(MESSAGE_EMPTY)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(MESSAGE_TOO_BIG)
    content_type = _detect(data)
    _refuse_hidden_formats(data, content_type)
    if content_type == PDF:
        _check_pdf(data)
    elif content_type in (PNG, JPEG):
        _check_image(data, content_type)
    elif content_type == DOCX:
        _check_docx(data)
    elif content_type == DOC:
        _check_doc(data)
    return CheckedDocument(
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _detect(data: bytes) -> str:
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_LOCAL):
        return _zip_kind(data)
    if head.startswith(_OLE_SIGNATURE):
        return DOC  # verified as Word (not Excel, Outlook…) by _check_doc
    kind = filetype.guess(data[:8192])
    if kind is not None and kind.extension in _ARCHIVE_NAMES:
        raise DocumentRefused(message_archive(_ARCHIVE_NAMES[kind.extension]))
    if (kind is not None and kind.extension in _EXECUTABLES) or data.startswith(b"MZ"):
        raise DocumentRefused(MESSAGE_EXECUTABLE)
    raise DocumentRefused(MESSAGE_WRONG_TYPE)


def _zip_kind(data: bytes) -> str:
    """A ZIP is accepted only as a Word document; any other ZIP is an archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentRefused(MESSAGE_DAMAGED)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and any(n.startswith(("xl/", "ppt/")) for n in names):
        raise DocumentRefused(MESSAGE_WRONG_TYPE)  # Excel or PowerPoint
    raise DocumentRefused(message_archive(_ARCHIVE_NAMES["zip"]))


def _refuse_hidden_formats(data: bytes, content_type: str) -> None:
    head = data[:_SNIFF_WINDOW]
    if _MARKUP.search(head):
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if content_type != PDF and b"%PDF-" in head:
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if _RAR_SIGNATURE in data or _7Z_SIGNATURE in data:
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if content_type != DOCX and zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentRefused(MESSAGE_POLYGLOT)


def _content_end(data: bytes) -> bytes:
    return data.rstrip(b"\x00\r\n\t ")


def _check_pdf(data: bytes) -> None:
    if not _content_end(data).endswith(b"%%EOF"):
        raise DocumentRefused(MESSAGE_POLYGLOT if b"%%EOF" in data else MESSAGE_DAMAGED)
    if _PDF_ACTIVE.search(data):
        raise DocumentRefused(MESSAGE_PDF_ACTIVE)


def _check_image(data: bytes, content_type: str) -> None:
    end = _PNG_END if content_type == PNG else b"\xff\xd9"
    if not _content_end(data).endswith(end):
        raise DocumentRefused(MESSAGE_POLYGLOT if end in data else MESSAGE_DAMAGED)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != ("PNG" if content_type == PNG else "JPEG"):
                raise DocumentRefused(MESSAGE_DAMAGED)
            image.verify()
    except DocumentRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DocumentRefused(MESSAGE_DAMAGED)


def _check_docx(data: bytes) -> None:
    end = data.rfind(_ZIP_END)
    comment_length = int.from_bytes(data[end + 20 : end + 22], "little") if end >= 0 else -1
    if end < 0 or end + 22 + comment_length != len(data):
        raise DocumentRefused(MESSAGE_POLYGLOT)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_DOCX_ENTRIES or sum(e.file_size for e in entries) > MAX_DOCX_UNPACKED_BYTES:
            raise DocumentRefused(MESSAGE_DAMAGED)
        if any(e.flag_bits & 0x1 for e in entries):
            raise DocumentRefused(MESSAGE_DAMAGED)  # encrypted entries cannot be checked
        if any(_EXECUTABLE_ENTRY.search(e.filename) or "vbaData" in e.filename for e in entries):
            raise DocumentRefused(MESSAGE_MACROS)
        try:
            content_types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, NotImplementedError):
            raise DocumentRefused(MESSAGE_DAMAGED)
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise DocumentRefused(MESSAGE_MACROS)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _check_doc(data: bytes) -> None:
    kind = filetype.guess(data[:4096])
    if kind is None or kind.extension != "doc" or _utf16("WordDocument") not in data:
        raise DocumentRefused(MESSAGE_WRONG_TYPE)  # an Excel, PowerPoint or Outlook file, or not Word
    if _utf16("_VBA_PROJECT") in data or _utf16("Macros") in data:
        raise DocumentRefused(MESSAGE_MACROS)


__all__ = [
    "ACCEPTED_TYPES",
    "ACCEPT_ATTRIBUTE",
    "MAX_DOCUMENT_BYTES",
    "CheckedDocument",
    "DocumentRefused",
    "document_check",
]
