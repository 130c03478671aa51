"""Issue 14 items 2 and 5: crafted uploads that got past the content checks, and request size.

Every file is made here, as an attacker would make it. Each test fails on the byte-matching checks
that came before (see the finding it names).
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.core.management import call_command
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from childnrm.accounts.models import Role
from childnrm.kit import uploads
from childnrm.referrals import documents as rules
from childnrm.referrals.documents import DocumentRefused, document_check
from childnrm.referrals.models import ReferralDocument
from childnrm.referrals.services import referral_document_add, referral_start
from childnrm.referrals.tests.test_documents import (
    DOCX_CONTENT_TYPES,
    WORD_MAIN,
    docx_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    zip_bytes,
)
from conftest import demo_user

MEGABYTE = 1024 * 1024


def refused(data: bytes) -> str:
    with pytest.raises(DocumentRefused) as caught:
        document_check(data=data)
    return caught.value.message


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# PDFs ------------------------------------------------------------------------------------------------


def pdf_with_hex_escaped_script() -> bytes:
    """A well-formed PDF whose OpenAction is JavaScript, the names written /J#61vaScript and /J#53."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    # Placeholders of the same length as the escaped names, so the cross-reference offsets still hold.
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Jxxxxxxxxxxx"), NameObject("/Jyyy"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    data = _written(writer)
    assert data.count(b"/Jxxxxxxxxxxx") == 1 and data.count(b"/Jyyy") == 1
    return data.replace(b"/Jxxxxxxxxxxx", b"/J#61vaScript").replace(b"/Jyyy", b"/J#53")


def pdf_with_object_stream(action: bytes) -> bytes:
    """A PDF 1.5 whose OpenAction (object 4) sits in a compressed object stream, listed by an xref stream."""
    header = b"4 0 "
    compressed = zlib.compress(header + action)
    parts: list[bytes] = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"]
    offsets: dict[int, int] = {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = sum(map(len, parts))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    add(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>")
    add(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    stream = b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
    add(5, stream % (len(header), len(compressed), compressed))
    xref_at = sum(map(len, parts))
    rows = [b"\x00" + bytes(4) + b"\xff\xff"]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))  # in object stream 5
        else:
            rows.append(b"\x01" + (offsets.get(number, xref_at)).to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    parts.append(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (len(table), table)
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return b"".join(parts)


def pdf_with_zip_far_from_the_end() -> bytes:
    """A ZIP inside an (uncompressed) stream, followed by more than 64KiB of page content."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    hidden = DecodedStreamObject()
    hidden.set_data(zip_bytes({"payload.exe": b"MZ" + bytes(64)}))
    writer._add_object(hidden)
    padding = DecodedStreamObject()
    padding.set_data(b"0 0 m 10 10 l S\n" * 5000)
    writer._add_object(padding)
    data = _written(writer)
    assert len(data) - data.rfind(b"PK\x05\x06") > 65536 + 22  # beyond where zipfile looks
    return data


def test_a_pdf_with_hex_escaped_javascript_names_is_refused():
    assert refused(pdf_with_hex_escaped_script()) == rules.MESSAGE_PDF_ACTIVE


def test_a_pdf_with_javascript_inside_a_compressed_object_stream_is_refused():
    assert refused(pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")) == rules.MESSAGE_PDF_ACTIVE
    assert refused(pdf_with_object_stream(b"<< /S /Launch /F (cmd.exe) >>")) == rules.MESSAGE_PDF_ACTIVE


def test_a_pdf_with_an_ordinary_object_stream_is_accepted():
    # The parser reads object streams; only what is in them decides.
    assert document_check(data=pdf_with_object_stream(b"[3 0 R /Fit]")).content_type == rules.PDF


def test_a_pdf_with_embedded_files_in_its_names_tree_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_attachment("notes.txt", b"Just a note")
    assert refused(_written(writer)) == rules.MESSAGE_PDF_ACTIVE


def test_a_malformed_pdf_is_refused_with_a_clear_message():
    # Starts and ends like a PDF, but nothing in between parses.
    assert refused(b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n") == rules.MESSAGE_DAMAGED


def test_a_pdf_with_a_zip_more_than_64kib_before_its_end_is_refused():
    assert refused(pdf_with_zip_far_from_the_end()) == rules.MESSAGE_POLYGLOT


def test_a_large_ordinary_pdf_is_accepted():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    padding = DecodedStreamObject()
    padding.set_data(os.urandom(3 * MEGABYTE))  # random bytes: a chance "PK\3\4" must not refuse it
    writer._add_object(padding)
    assert document_check(data=_written(writer)).content_type == rules.PDF


# Word ------------------------------------------------------------------------------------------------

OLE_VBA = rules._OLE_SIGNATURE + b"\x00" * 504  # what a vbaProject.bin begins with


def test_a_macro_word_file_with_utf16_content_types_and_a_renamed_vba_part_is_refused():
    content_types = (
        DOCX_CONTENT_TYPES.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .replace("{main}", "application/vnd.ms-word.document.macroEnabled.main+xml")
        .replace(
            "</Types>",
            '<Override PartName="/word/styles2.xml" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types.encode("utf-16"))
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/styles2.xml", OLE_VBA)  # the VBA project, under an innocent name
    assert refused(out.getvalue()) == rules.MESSAGE_MACROS


def test_a_macro_word_file_whose_content_types_use_character_references_is_refused():
    main = "application/vnd.ms-word.document.&#109;acro&#x45;nabled.main+xml"
    data = docx_bytes(main=main)
    assert b"macroEnabled" not in data and refused(data) == rules.MESSAGE_MACROS


def test_a_vba_project_named_in_a_relationship_is_refused():
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/&#118;baProject" '
        'Target="notes.xml"/></Relationships>'
    )
    assert refused(docx_bytes(extra={"word/_rels/document.xml.rels": rels})) == rules.MESSAGE_MACROS


def test_an_ordinary_word_document_in_utf16_is_accepted():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        types = DOCX_CONTENT_TYPES.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace("{main}", WORD_MAIN)
        z.writestr("[Content_Types].xml", types.encode("utf-16"))
        z.writestr("word/document.xml", "<w:document/>")
    assert document_check(data=out.getvalue()).content_type == rules.DOCX


def test_a_word_file_with_a_second_zip_stored_inside_is_refused():
    hidden = zip_bytes({"payload.exe": b"MZ" + b"\x00" * 64})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES.replace("{main}", WORD_MAIN))
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/image1.png", hidden, compress_type=zipfile.ZIP_STORED)
    assert refused(out.getvalue()) == rules.MESSAGE_POLYGLOT


# Storage and download --------------------------------------------------------------------------------


@pytest.fixture
def responder(client_as):
    return client_as(Role.FIRST_RESPONDER)


@pytest.fixture
def draft(demo):
    return referral_start(user=demo_user(Role.FIRST_RESPONDER))


def test_a_png_named_html_is_stored_and_downloaded_as_png(responder, draft, private_storage):
    assert upload(responder, draft, "x.html", png_bytes()).status_code == 302
    document = ReferralDocument.objects.get(referral=draft)
    assert document.file.name.endswith(".png")
    response = responder.get(reverse("referrals:document-download", args=[draft.reference, document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="x.png"'
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue() == png_bytes()


def test_uploaded_files_are_readable_by_the_service_only(responder, draft, private_storage):
    upload(responder, draft, "statement.pdf", pdf_bytes())
    stored = private_storage / ReferralDocument.objects.get(referral=draft).file.name
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_files_left_by_a_failed_request_are_deleted_once_old_and_unreferenced(draft, private_storage):
    kept = referral_document_add(referral=draft, user=draft.created_by, data=pdf_bytes(), original_name="a.pdf")
    folder = private_storage / "referrals" / str(draft.pk)
    orphan, fresh_orphan = folder / "left-by-a-crash.pdf", folder / "upload-in-progress.pdf"
    orphan.write_bytes(pdf_bytes())
    fresh_orphan.write_bytes(pdf_bytes())
    two_days_ago = time.time() - 2 * 86400
    for path in (orphan, private_storage / kept.file.name):
        os.utime(path, (two_days_ago, two_days_ago))
    call_command("delete_orphan_uploads", stdout=io.StringIO())
    assert not orphan.exists()
    assert fresh_orphan.exists()  # may belong to an upload still in progress
    assert (private_storage / kept.file.name).exists()  # a row refers to it


# Request size ----------------------------------------------------------------------------------------


class _Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = readline = read


def test_an_oversize_request_is_refused_before_its_body_is_read(responder, draft):
    response = responder.post(
        reverse("referrals:documents", args=[draft.reference]),
        data=b"",
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(200 * MEGABYTE),
        **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    assert "The files you selected are too big" in response.content.decode()
    assert not ReferralDocument.objects.exists()


class _Counting(FileUploadHandler):
    """Stands where Django's memory and temporary-file handlers stand, counting what reaches them."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        type(self).received += len(raw_data)
        return None

    def file_complete(self, file_size):
        return None


def test_a_file_over_the_limit_is_not_kept_beyond_it(rf, settings):
    settings.UPLOAD_MAX_FILE_BYTES = MEGABYTE
    body = encode_multipart(BOUNDARY, {"description": "kept", "file": _named(b"%PDF-" + b"0" * (5 * MEGABYTE))})
    request = rf.post("/", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    _Counting.received = 0
    handlers = [uploads.FileSizeLimitUploadHandler(request), _Counting(request)]
    post, files = MultiPartParser(request.META, io.BytesIO(body), handlers).parse()
    assert post["description"] == "kept"
    assert files["file"].size > MEGABYTE and files["file"].read() == b""
    assert _Counting.received <= MEGABYTE


def test_an_oversize_file_gets_the_govuk_error_and_keeps_what_was_typed(responder, draft, private_storage, settings):
    settings.UPLOAD_MAX_FILE_BYTES = rules.MAX_DOCUMENT_BYTES
    response = upload(responder, draft, "big.pdf", pdf_bytes() + b"\n" * rules.MAX_DOCUMENT_BYTES, description="Mine")
    page = response.content.decode()
    assert response.status_code == 200 and str(rules.MESSAGE_TOO_BIG) in page and 'value="Mine"' in page
    assert not ReferralDocument.objects.exists()


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("big.pdf", data)
