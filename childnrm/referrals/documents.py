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
3. No second format inside. The whole file is scanned, in chunks: refused if a ZIP local file
   header or end-of-central-directory record (with plausible fields, so compressed data does not
   trip it) appears anywhere other than as a .docx's own entries; if a RAR or 7-Zip signature
   appears anywhere; if HTML or script markup (``<html``, ``<script``,
   ``<!doctype html``, ``<svg``, ``<iframe``, ``<body``) appears in the first kilobyte, where
   browsers sniff; or if another accepted format's signature (``%PDF-``) appears in the first
   kilobyte of a file that is not a PDF.
4. Archives and executables by name. ZIP (that is not a valid .docx), RAR, 7z, gzip, bzip2, xz,
   tar and executables are named in the refusal, so the referrer knows what to do.
5. Word without macros. A .docx is a ZIP whose entries include ``[Content_Types].xml`` and
   ``word/document.xml``, has no ``vbaProject`` part (or any ``.bin`` part: macros, ActiveX and
   OLE objects), no part that is an OLE compound file whatever its name, no executable entry, no
   macro, ActiveX or OLE content type or relationship (the XML is parsed, so UTF-16 and character
   references change nothing); it is not encrypted and
   unpacks to no more than MAX_DOCX_UNPACKED_BYTES in MAX_DOCX_ENTRIES entries (zip bombs). A .doc
   must have the Word file information block signature and a ``WordDocument`` stream, and no
   ``_VBA_PROJECT`` or ``Macros`` storage (directory names are UTF-16LE in the file).
6. Images must decode. Pillow opens and verifies PNG and JPEG files (and refuses decompression
   bombs), so a file that only starts like an image is refused.
7. PDFs without active content. The PDF is parsed (pypdf) and every object, including those in
   compressed object streams, is walked: JavaScript, Launch, embedded files, RichMedia, XFA,
   form submission and import actions are refused wherever they are (OpenAction, AA, the Names
   tree, annotations), with names read after ``#xx`` escapes. The raw bytes are also scanned for
   those names (escapes decoded), for objects a reader might find that the cross-reference table
   hides. A PDF that cannot be parsed, or is encrypted, is refused.

Files are checked from a stream (an uploaded file stays in its temporary file), never read whole
into memory. Stored files go to the default storage (private: never under a public URL, mode
0600) at a random path ending in the detected type's extension, with their SHA-256, size,
detected type and original name; see services.referral_document_add. Downloads are named with the
detected type's extension (kit.downloads).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import filetype
from defusedxml import ElementTree
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_SIZE_LABEL = "10MB"
MAX_DOCX_ENTRIES = 2000
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_DOCX_XML_BYTES = 5 * 1024 * 1024  # [Content_Types].xml and each .rels part: tiny in real files
MAX_PDF_NODES = 2_000_000  # objects and values walked in one PDF: a bound, not a real file's size

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
_CHUNK = 1024 * 1024
_OVERLAP = 512  # longer than any signature, ZIP header or PDF name (at most 127 bytes) we look for
_MARKUP = re.compile(rb"<\s*(?:html|script|!doctype\s+html|svg|iframe|body)\b", re.IGNORECASE)
_EXECUTABLE_ENTRY = re.compile(
    r"\.(?:bin|exe|dll|com|scr|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|jar|msi|lnk)$", re.IGNORECASE
)
_ARCHIVE_NAMES = {
    "zip": _("a ZIP archive"),
    "rar": _("a RAR archive"),
    "7z": _("a 7-Zip archive"),
    "gz": _("a gzip archive"),
    "bz2": _("a bzip2 archive"),
    "xz": _("an xz archive"),
    "tar": _("a tar archive"),
    "cab": _("a cabinet archive"),
    "zst": _("a Zstandard archive"),
}
_EXECUTABLES = {"exe", "elf", "wasm", "swf", "crx", "deb", "rpm"}

# PDF: names that mean active content, as a dictionary key or as an action's or annotation's type.
_PDF_ACTIVE_KEYS = {
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFile",
    "EmbeddedFiles",
    "EF",
    "RichMedia",
    "RichMediaContent",
    "RichMediaSettings",
    "XFA",
}
_PDF_ACTIVE_TYPES = {
    "JavaScript",
    "Launch",
    "EmbeddedFile",
    "RichMedia",
    "RichMediaExecute",
    "FileAttachment",
    "ImportData",
    "SubmitForm",
    "GoToE",
}
# In the raw bytes only names long enough not to turn up by chance in compressed data (a random
# "/JS" is likely in 10MB of it; a random "/Launch" is not). The parsed walk sees the short ones.
_PDF_RAW_NAMES = {n for n in _PDF_ACTIVE_KEYS | _PDF_ACTIVE_TYPES if len(n) >= 6}
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2}){6,127})")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ZIP_METHODS = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99}

# Word: content types and relationship types that carry programs.
_DOCX_ACTIVE = ("macroenabled", "vbaproject", "vbadata", "ms-office.vba", "activex", "oleobject")

# The messages the referrer sees (GOV.UK file upload error wording).
MESSAGE_EMPTY = _("The selected file is empty")
MESSAGE_TOO_BIG = format_lazy(_("The selected file must be smaller than {size}"), size=MAX_DOCUMENT_SIZE_LABEL)
MESSAGE_WRONG_TYPE = _("The selected file must be a PDF, PNG, JPEG or Word document")
MESSAGE_POLYGLOT = _(
    "The selected file contains another kind of file hidden inside it. Save it again as a PDF, PNG, JPEG "
    "or Word document and upload that"
)
MESSAGE_MACROS = _("The selected Word document contains macros or embedded programs. Save it as a .docx without them")
MESSAGE_PDF_ACTIVE = _("The selected PDF contains scripts or embedded files. Print it to a new PDF and upload that")
MESSAGE_PDF_ENCRYPTED = _("The selected PDF is protected with a password. Save it without a password and upload that")
MESSAGE_DAMAGED = _("The selected file could not be read. Save it again and upload that")
MESSAGE_EXECUTABLE = _("The selected file is a program. Upload a PDF, PNG, JPEG or Word document")


def message_archive(kind: str) -> str:
    return gettext("The selected file is %(kind)s. Upload each document in it separately") % {"kind": kind}


class DocumentRefused(ValueError):
    """The file may not be stored; `message` says why, in words the referrer can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)  # in the language of the request that refused it


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int
    sha256: str


def document_check(*, data: bytes | None = None, file: IO[bytes] | None = None) -> CheckedDocument:
    """Decide from its content whether a file may be stored; raise DocumentRefused if not.

    Give `file` (any seekable binary file, e.g. an uploaded file) to check it in chunks without
    holding it in memory, or `data` for bytes already in hand.
    """
    stream: IO[bytes] = file if file is not None else io.BytesIO(data or b"")
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    if size == 0:
        raise DocumentRefused(MESSAGE_EMPTY)
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(MESSAGE_TOO_BIG)
    head = _read_at(stream, 0, _SNIFF_WINDOW)
    tail = _content_end(_read_at(stream, max(0, size - 4096), 4096))
    content_type = _detect(stream, head)
    scan = _scan(stream)
    _refuse_hidden_formats(stream, head, content_type, scan)
    if content_type == PDF:
        _check_pdf(stream, tail, scan)
    elif content_type in (PNG, JPEG):
        _check_image(stream, tail, content_type, scan)
    elif content_type == DOCX:
        _check_docx(stream, size)
    elif content_type == DOC:
        _check_doc(stream, scan)
    stream.seek(0)
    return CheckedDocument(content_type=content_type, extension=EXTENSIONS[content_type], size=size, sha256=scan.sha256)


def _read_at(stream: IO[bytes], offset: int, length: int) -> bytes:
    stream.seek(offset)
    return stream.read(length)


def _detect(stream: IO[bytes], head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_LOCAL):
        return _zip_kind(stream)
    if head.startswith(_OLE_SIGNATURE):
        return DOC  # verified as Word (not Excel, Outlook…) by _check_doc
    kind = filetype.guess(_read_at(stream, 0, 8192))
    if kind is not None and kind.extension in _ARCHIVE_NAMES:
        raise DocumentRefused(message_archive(_ARCHIVE_NAMES[kind.extension]))
    if (kind is not None and kind.extension in _EXECUTABLES) or head.startswith(b"MZ"):
        raise DocumentRefused(MESSAGE_EXECUTABLE)
    raise DocumentRefused(MESSAGE_WRONG_TYPE)


def _zip_kind(stream: IO[bytes]) -> str:
    """A ZIP is accepted only as a Word document; any other ZIP is an archive."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentRefused(MESSAGE_DAMAGED)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and any(n.startswith(("xl/", "ppt/")) for n in names):
        raise DocumentRefused(MESSAGE_WRONG_TYPE)  # Excel or PowerPoint
    raise DocumentRefused(message_archive(_ARCHIVE_NAMES["zip"]))


# One pass over the whole file ----------------------------------------------------------------------


@dataclass
class _Scan:
    sha256: str = ""
    zip_local_headers: set[int] = field(default_factory=set)
    zip_ends: set[int] = field(default_factory=set)
    other_archive: bool = False
    pdf_active_names: set[str] = field(default_factory=set)
    ole_names: set[str] = field(default_factory=set)


def _windows(stream: IO[bytes]) -> Iterator[tuple[int, bytes, bool, bytes]]:
    """(offset, window, last, new bytes) in chunks that overlap, so nothing is missed across a boundary."""
    stream.seek(0)
    offset, carry = 0, b""
    chunk = stream.read(_CHUNK)
    while True:
        following = stream.read(_CHUNK) if chunk else b""
        window = carry + chunk
        yield offset, window, not following, chunk
        if not following:
            return
        carry = window[-_OVERLAP:]
        offset += len(window) - len(carry)
        chunk = following


def _scan(stream: IO[bytes]) -> _Scan:
    scan, digest = _Scan(), hashlib.sha256()
    ole_names = {name: name.encode("utf-16-le") for name in ("WordDocument", "_VBA_PROJECT", "Macros")}
    for offset, window, last, chunk in _windows(stream):
        digest.update(chunk)
        limit = len(window) if last else len(window) - _OVERLAP // 2  # the rest is seen again, whole
        for match in re.finditer(re.escape(_ZIP_LOCAL), window):
            if match.start() < limit and _plausible_local_header(window[match.start() : match.start() + 30]):
                scan.zip_local_headers.add(offset + match.start())
        for match in re.finditer(re.escape(_ZIP_END), window):
            at = offset + match.start()
            if match.start() < limit and _plausible_end(window[match.start() : match.start() + 22], at):
                scan.zip_ends.add(at)
        if _RAR_SIGNATURE in window or _7Z_SIGNATURE in window:
            scan.other_archive = True
        for match in _PDF_NAME.finditer(window):
            if match.end() < len(window) or last:  # a name cut at the window's end is read whole next time
                name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
                if name.decode("latin-1") in _PDF_RAW_NAMES:
                    scan.pdf_active_names.add(name.decode("latin-1"))
        scan.ole_names |= {name for name, encoded in ole_names.items() if encoded in window}
    scan.sha256 = digest.hexdigest()
    return scan


def _plausible_local_header(header: bytes) -> bool:
    """A ZIP local file header, not four bytes of compressed data that happen to read "PK\\3\\4"."""
    if len(header) < 30:
        return False
    version, flags, method = struct.unpack_from("<HHH", header, 4)
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    return (
        version <= 63 and flags < 0x1000 and method in _ZIP_METHODS and 0 < name_length <= 1024 and extra_length <= 4096
    )


def _plausible_end(record: bytes, at: int) -> bool:
    if len(record) < 22:
        return False
    disk, directory_disk, on_disk, total, directory_size, directory_offset = struct.unpack_from("<HHHHII", record, 4)
    return disk == 0 and directory_disk == 0 and on_disk == total and directory_offset + directory_size <= at


def _refuse_hidden_formats(stream: IO[bytes], head: bytes, content_type: str, scan: _Scan) -> None:
    if _MARKUP.search(head):
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if content_type != PDF and b"%PDF-" in head:
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if scan.other_archive:
        raise DocumentRefused(MESSAGE_POLYGLOT)
    if content_type == DOCX:
        _refuse_zip_inside_docx(stream, scan)
    elif scan.zip_local_headers or scan.zip_ends or zipfile.is_zipfile(stream):
        raise DocumentRefused(MESSAGE_POLYGLOT)


def _refuse_zip_inside_docx(stream: IO[bytes], scan: _Scan) -> None:
    """A .docx's own entries are ZIP headers; any other header is a second archive hidden in it."""
    try:
        with zipfile.ZipFile(stream) as archive:
            own = {entry.header_offset for entry in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentRefused(MESSAGE_DAMAGED)
    if not scan.zip_local_headers <= own or len(scan.zip_ends) > 1:
        raise DocumentRefused(MESSAGE_POLYGLOT)


def _content_end(data: bytes) -> bytes:
    return data.rstrip(b"\x00\r\n\t ")


# Each accepted type ---------------------------------------------------------------------------------


def _check_pdf(stream: IO[bytes], tail: bytes, scan: _Scan) -> None:
    if not tail.endswith(b"%%EOF"):
        raise DocumentRefused(MESSAGE_POLYGLOT if _contains(stream, b"%%EOF") else MESSAGE_DAMAGED)
    if scan.pdf_active_names:
        raise DocumentRefused(MESSAGE_PDF_ACTIVE)
    _check_pdf_objects(stream)


def _contains(stream: IO[bytes], needle: bytes) -> bool:
    return any(needle in window for _offset, window, _last, _chunk in _windows(stream))


def _check_pdf_objects(stream: IO[bytes]) -> None:
    """Parse the PDF and walk every object it lists, those in compressed object streams too."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    try:
        stream.seek(0)
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise DocumentRefused(MESSAGE_PDF_ENCRYPTED)
        budget = [MAX_PDF_NODES]
        _walk_pdf(reader.trailer, budget)
        numbers = {(num, gen) for gen, objects in reader.xref.items() for num in objects}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        for num, gen in sorted(numbers):
            _walk_pdf(reader.get_object(IndirectObject(num, gen, reader)), budget)
    except DocumentRefused:
        raise
    except Exception:  # pypdf raises many kinds of error on a malformed file; each means "cannot read"
        raise DocumentRefused(MESSAGE_DAMAGED)


def _walk_pdf(root: Any, budget: list[int]) -> None:
    """Refuse active content in one object and what it holds directly (references are walked on their own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    pending = [root]
    while pending:
        value = pending.pop()
        budget[0] -= 1
        if budget[0] < 0:
            raise DocumentRefused(MESSAGE_DAMAGED)
        if isinstance(value, IndirectObject):
            continue
        if isinstance(value, DictionaryObject):
            for key, item in value.items():
                name = str(key).lstrip("/")
                if name in _PDF_ACTIVE_KEYS:
                    raise DocumentRefused(MESSAGE_PDF_ACTIVE)
                is_type = name in ("S", "Subtype", "Type") and isinstance(item, NameObject)
                if is_type and str(item).lstrip("/") in _PDF_ACTIVE_TYPES:
                    raise DocumentRefused(MESSAGE_PDF_ACTIVE)
                pending.append(item)
        elif isinstance(value, ArrayObject):
            pending.extend(value)


def _check_image(stream: IO[bytes], tail: bytes, content_type: str, scan: _Scan) -> None:
    end = _PNG_END if content_type == PNG else b"\xff\xd9"
    if not tail.endswith(end):
        raise DocumentRefused(MESSAGE_POLYGLOT if _contains(stream, end) else MESSAGE_DAMAGED)
    try:
        stream.seek(0)
        with Image.open(stream) as image:
            if image.format != ("PNG" if content_type == PNG else "JPEG"):
                raise DocumentRefused(MESSAGE_DAMAGED)
            image.verify()
    except DocumentRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DocumentRefused(MESSAGE_DAMAGED)


def _check_docx(stream: IO[bytes], size: int) -> None:
    tail = _read_at(stream, max(0, size - 65536 - 22), 65536 + 22)
    end = tail.rfind(_ZIP_END)
    comment_length = int.from_bytes(tail[end + 20 : end + 22], "little") if end >= 0 else -1
    if end < 0 or end + 22 + comment_length != len(tail):
        raise DocumentRefused(MESSAGE_POLYGLOT)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_DOCX_ENTRIES or sum(e.file_size for e in entries) > MAX_DOCX_UNPACKED_BYTES:
                raise DocumentRefused(MESSAGE_DAMAGED)
            if any(e.flag_bits & 0x1 for e in entries):
                raise DocumentRefused(MESSAGE_DAMAGED)  # encrypted entries cannot be checked
            for entry in entries:
                _check_docx_part(archive, entry)
    except DocumentRefused:
        raise
    except (zipfile.BadZipFile, OSError, NotImplementedError, ValueError, EOFError):
        raise DocumentRefused(MESSAGE_DAMAGED)


def _check_docx_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    name = entry.filename
    if _EXECUTABLE_ENTRY.search(name) or any(word in name.lower() for word in _DOCX_ACTIVE):
        raise DocumentRefused(MESSAGE_MACROS)
    with archive.open(entry) as part:
        if part.read(len(_OLE_SIGNATURE)) == _OLE_SIGNATURE:
            raise DocumentRefused(MESSAGE_MACROS)  # a VBA project or OLE object under another name
    if name == "[Content_Types].xml" or name.endswith(".rels"):
        if entry.file_size > MAX_DOCX_XML_BYTES:
            raise DocumentRefused(MESSAGE_DAMAGED)
        _check_docx_xml(archive.read(entry))


def _check_docx_xml(xml: bytes) -> None:
    """Content types and relationships, read by an XML parser: any encoding, any character references."""
    try:
        root = ElementTree.fromstring(xml)  # defusedxml: no DTDs, entities or external references
    except Exception:  # ParseError, or defusedxml's refusal of a DTD or entity
        raise DocumentRefused(MESSAGE_DAMAGED)
    for element in root.iter():
        values = [element.get(a, "") for a in ("ContentType", "PartName", "Type", "Target", "Extension")]
        if any(word in value.lower() for value in values for word in _DOCX_ACTIVE):
            raise DocumentRefused(MESSAGE_MACROS)
        if element.get("Type", "").endswith("/attachedTemplate") and element.get("TargetMode") == "External":
            raise DocumentRefused(MESSAGE_MACROS)  # a template fetched from elsewhere brings its macros


def _check_doc(stream: IO[bytes], scan: _Scan) -> None:
    kind = filetype.guess(_read_at(stream, 0, 4096))
    if kind is None or kind.extension != "doc" or "WordDocument" not in scan.ole_names:
        raise DocumentRefused(MESSAGE_WRONG_TYPE)  # an Excel, PowerPoint or Outlook file, or not Word
    if "_VBA_PROJECT" in scan.ole_names or "Macros" in scan.ole_names:
        raise DocumentRefused(MESSAGE_MACROS)


__all__ = [
    "ACCEPTED_TYPES",
    "ACCEPT_ATTRIBUTE",
    "EXTENSIONS",
    "MAX_DOCUMENT_BYTES",
    "CheckedDocument",
    "DocumentRefused",
    "document_check",
]
