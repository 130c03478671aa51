"""Evidence documents: what is accepted (from content, not name), stored privately, downloaded only through policy."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.referrals import documents as rules
from childnrm.referrals.documents import DocumentRefused, document_check
from childnrm.referrals.models import ReferralDocument, ReferralStatus
from childnrm.referrals.services import referral_document_add, referral_start, referral_submit
from childnrm.referrals.tests.test_journey import complete_every_section
from conftest import demo_user

# Files made here, as a referrer's computer would make them ---------------------------------------


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt)
    return out.getvalue()


def pdf_bytes() -> bytes:
    return image_bytes("PDF")


def png_bytes() -> bytes:
    return image_bytes("PNG")


def jpeg_bytes() -> bytes:
    return image_bytes("JPEG")


DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(*, extra: dict[str, bytes] | None = None, main: str = WORD_MAIN) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES.replace("{main}", main))
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Statement</w:t></w:r></w:p></w:body></w:document>",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in (files or {"statement.txt": b"hello"}).items():
            z.writestr(name, data)
    return out.getvalue()


def doc_bytes(*, macros: bool = False) -> bytes:
    """A Word 97-2003 file as far as the checks look: OLE header, Word's FIB at sector 1, directory names."""
    header = rules._OLE_SIGNATURE + b"\x00" * (512 - 8)
    fib = b"\xec\xa5\xc1\x00" + b"\x00" * 508
    directory = "WordDocument".encode("utf-16-le") + b"\x00" * 52
    if macros:
        directory += "Macros".encode("utf-16-le") + b"\x00" * 52 + "_VBA_PROJECT".encode("utf-16-le")
    return header + fib + directory.ljust(512, b"\x00")


# The rules, file by file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (pdf_bytes, "application/pdf", "pdf"),
        (png_bytes, "image/png", "png"),
        (jpeg_bytes, "image/jpeg", "jpg"),
        (docx_bytes, rules.DOCX, "docx"),
        (doc_bytes, "application/msword", "doc"),
    ],
    ids=["pdf", "png", "jpeg", "docx", "doc"],
)
def test_accepted_types_are_recognised_from_their_content(make, content_type, extension):
    data = make()
    checked = document_check(data=data)
    assert checked.content_type == content_type
    assert checked.extension == extension
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def refused(data: bytes) -> str:
    with pytest.raises(DocumentRefused) as caught:
        document_check(data=data)
    return caught.value.message


def test_a_word_document_with_macros_is_refused():
    assert refused(docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 64})) == rules.MESSAGE_MACROS
    assert refused(docx_bytes(main=MACRO_MAIN)) == rules.MESSAGE_MACROS
    assert refused(docx_bytes(extra={"word/embeddings/oleObject1.bin": b"\x00"})) == rules.MESSAGE_MACROS
    assert refused(docx_bytes(extra={"word/media/run.exe": b"MZ"})) == rules.MESSAGE_MACROS
    assert refused(doc_bytes(macros=True)) == rules.MESSAGE_MACROS


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (zip_bytes(), "a ZIP archive"),
        (gzip.compress(b"statement" * 100), "a gzip archive"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 200, "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 200, "a 7-Zip archive"),
    ],
    ids=["zip", "gzip", "rar", "7z"],
)
def test_archives_are_refused_and_named(data, kind):
    assert refused(data) == rules.message_archive(kind)


def test_a_zip_that_only_contains_word_parts_in_name_is_still_an_archive():
    # A .docx is a ZIP with Word's parts; a ZIP with other things in it is an archive.
    assert refused(zip_bytes({"[Content_Types].xml": b"<Types/>", "evil.js": b"alert(1)"})) == rules.message_archive(
        "a ZIP archive"
    )


def test_oversize_and_empty_files_are_refused():
    big = pdf_bytes()
    big = big[:-6] + b" " * (rules.MAX_DOCUMENT_BYTES - len(big) + 1) + b"%%EOF\n"
    assert len(big) > rules.MAX_DOCUMENT_BYTES
    assert refused(big) == "The selected file must be smaller than 10MB"
    assert refused(b"") == "The selected file is empty"


@pytest.mark.parametrize(
    "data",
    [
        jpeg_bytes() + zip_bytes(),  # a JPEG with a ZIP appended
        png_bytes() + zip_bytes(),  # a PNG with a ZIP appended
        pdf_bytes() + zip_bytes(),  # a PDF with a ZIP appended
        pdf_bytes() + b"<html><script>alert(1)</script></html>",  # data after %%EOF
        # A ZIP whose comment ends the file with %%EOF: a PDF reader and a ZIP reader both open it.
        pdf_bytes()[:-6] + zip_bytes()[:-2] + (len(b"\n%%EOF\n")).to_bytes(2, "little") + b"\n%%EOF\n",
        b"%PDF-1.4\n<script>alert(1)</script>\n" + pdf_bytes()[9:],  # script markup where browsers sniff
        png_bytes()[:33] + b"\x00\x00\x00\x10tEXt%PDF-1.7 hidden" + png_bytes()[33:],  # a PDF header inside a PNG
        jpeg_bytes() + b"Rar!\x1a\x07\x00" + b"\x00" * 20 + b"\xff\xd9",  # a RAR inside a JPEG
        docx_bytes() + b"trailing data",  # data after a Word document's ZIP directory
    ],
    ids=[
        "jpeg+zip",
        "png+zip",
        "pdf+zip",
        "pdf+html",
        "pdf-zip-comment",
        "pdf-script",
        "png-with-pdf",
        "jpeg-with-rar",
        "docx+trailer",
    ],
)
def test_polyglots_are_refused(data):
    assert refused(data) == rules.MESSAGE_POLYGLOT


def test_the_name_does_not_decide_the_type():
    assert refused(b"MZ\x90\x00" + b"\x00" * 200) == rules.MESSAGE_EXECUTABLE
    assert (
        refused(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>") == rules.MESSAGE_WRONG_TYPE
    )
    assert refused(b"Just some text that claims to be a PDF") == rules.MESSAGE_WRONG_TYPE
    assert refused(image_bytes("GIF")) == rules.MESSAGE_WRONG_TYPE


def test_files_that_only_start_like_an_accepted_type_are_refused():
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100 + b"IEND\xaeB`\x82") == rules.MESSAGE_DAMAGED
    assert refused(b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9") == rules.MESSAGE_DAMAGED
    assert refused(b"%PDF-1.4\n1 0 obj\n") == rules.MESSAGE_DAMAGED  # no end
    assert refused(rules._OLE_SIGNATURE + b"\x00" * 2000) == rules.MESSAGE_WRONG_TYPE  # OLE, but not Word


def test_a_pdf_with_scripts_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"
    assert refused(pdf) == rules.MESSAGE_PDF_ACTIVE


# Upload, storage, download ------------------------------------------------------------------------


@pytest.fixture
def responder(client_as):
    return client_as(Role.FIRST_RESPONDER)


@pytest.fixture
def draft(demo):
    return referral_start(user=demo_user(Role.FIRST_RESPONDER))


def upload(client, draft, name: str, data: bytes, description: str = "Police statement", button: str = "upload"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("referrals:documents", args=[draft.reference]),
        {"file": SimpleUploadedFile(name, data), "description": description, button: ""},
    )


def test_an_uploaded_pdf_is_stored_privately_under_a_random_name(responder, draft, private_storage):
    data = pdf_bytes()
    response = upload(responder, draft, "Statement of Amara Okafor.pdf", data)
    assert response.status_code == 302
    document = ReferralDocument.objects.get(referral=draft)
    assert document.original_name == "Statement of Amara Okafor.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(data) and document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.description == "Police statement"
    # The stored path is random and says nothing about the child; the file is under the private root.
    assert "Amara" not in document.file.name and document.file.name.startswith(f"referrals/{draft.pk}/")
    stored = private_storage / document.file.name
    assert stored.read_bytes() == data
    # The upload is audited without the file's name.
    event = AuditEvent.objects.get(action="create", object_type="referrals.referraldocument")
    assert "Amara" not in str(event.detail)
    page = responder.get(reverse("referrals:documents", args=[draft.reference])).content.decode()
    assert "Statement of Amara Okafor.pdf" in page and "Police statement" in page


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("evidence.docm", lambda: docx_bytes(extra={"word/vbaProject.bin": b"\x00"}), rules.MESSAGE_MACROS),
        ("photos.zip", zip_bytes, rules.message_archive("a ZIP archive")),
        ("photo.jpg", lambda: jpeg_bytes() + zip_bytes(), rules.MESSAGE_POLYGLOT),
        ("statement.pdf", lambda: b"MZ" + b"\x00" * 100, rules.MESSAGE_EXECUTABLE),
    ],
    ids=["docx-macros", "zip", "polyglot", "renamed-exe"],
)
def test_a_refused_upload_says_why_and_keeps_the_description(responder, draft, private_storage, name, make, message):
    response = upload(responder, draft, name, make(), description="Photos of messages")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_file">{message}</a>'.replace("'", "&#39;") in page
    assert 'value="Photos of messages"' in page
    assert not ReferralDocument.objects.exists()
    assert not any(private_storage.rglob("*")) or not any(p.is_file() for p in private_storage.rglob("*"))


def test_an_oversize_upload_is_refused_before_it_is_read(responder, draft, private_storage):
    response = upload(responder, draft, "big.pdf", b"%PDF-" + b"0" * rules.MAX_DOCUMENT_BYTES)
    assert "The selected file must be smaller than 10MB" in response.content.decode()
    assert not ReferralDocument.objects.exists()


def test_no_file_chosen_asks_for_one(responder, draft, private_storage):
    response = responder.post(
        reverse("referrals:documents", args=[draft.reference]), {"description": "Statement", "upload": ""}
    )
    page = response.content.decode()
    assert '<a href="#id_file">Select a file</a>' in page and 'value="Statement"' in page


@pytest.mark.parametrize("make", [png_bytes, jpeg_bytes, docx_bytes], ids=["png", "jpeg", "docx"])
def test_images_and_word_documents_upload(responder, draft, private_storage, make):
    assert upload(responder, draft, "file.bin", make()).status_code == 302
    assert ReferralDocument.objects.filter(referral=draft).count() == 1


def test_save_and_continue_with_a_chosen_file_uploads_it_too(responder, draft, private_storage):
    response = upload(responder, draft, "statement.pdf", pdf_bytes(), button="continue")
    assert response["Location"] == reverse("referrals:task-list", args=[draft.reference])
    assert ReferralDocument.objects.filter(referral=draft).count() == 1
    draft.refresh_from_db()
    assert "documents" in draft.sections_saved


def test_removing_a_document_deletes_the_file(responder, draft, private_storage, django_capture_on_commit_callbacks):
    upload(responder, draft, "statement.pdf", pdf_bytes())
    document = ReferralDocument.objects.get()
    path = private_storage / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = responder.post(reverse("referrals:documents", args=[draft.reference]), {"remove": document.pk})
    assert response.status_code == 302
    assert not ReferralDocument.objects.exists() and not path.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(document.pk)).exists()


def _download(client, referral, document):
    return client.get(reverse("referrals:document-download", args=[referral.reference, document.pk]))


def test_download_is_an_audited_attachment_with_the_stored_type(responder, draft, private_storage):
    data = pdf_bytes()
    document = referral_document_add(
        referral=draft, user=draft.created_by, data=data, original_name="statement.pdf", description="Statement"
    )
    response = _download(responder, draft, document)
    assert response.status_code == 200
    assert response.getvalue() == data  # streamed from storage
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="download")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "referrals.referraldocument",
        str(document.pk),
        draft.created_by_id,
    )


def test_download_scope_referrer_and_the_sites_coordinator_after_submission(client_as, demo, private_storage):
    user = demo_user(Role.FIRST_RESPONDER)
    referral = referral_start(user=user)
    referrer = client_as(Role.FIRST_RESPONDER)
    complete_every_section(referrer, referral)
    document = referral_document_add(referral=referral, user=user, data=png_bytes(), original_name="message.png")
    coordinator = client_as(Role.COORDINATOR)

    # Before submission the draft is the referrer's alone.
    assert _download(coordinator, referral, document).status_code == 404
    referral_submit(referral=referral, user=user)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and referral.site.slug == "northbridge"

    assert _download(referrer, referral, document).status_code == 200
    assert _download(coordinator, referral, document).status_code == 200
    # Another referrer, the other site's coordinator and roles without a part in referrals: nothing.
    assert _download(client_as(Role.FIRST_RESPONDER, "three-rivers"), referral, document).status_code == 404
    assert _download(client_as(Role.COORDINATOR, "three-rivers"), referral, document).status_code == 404
    assert _download(client_as(Role.PANEL_MEMBER), referral, document).status_code == 403
    assert AuditEvent.objects.filter(action="download").count() == 2
    # A document id from another referral never answers under this reference.
    other = referral_start(user=user)
    stray = referral_document_add(referral=other, user=user, data=pdf_bytes(), original_name="x.pdf")
    assert _download(referrer, referral, stray).status_code == 404


def test_documents_cannot_be_added_after_submission(demo, private_storage):
    from childnrm.referrals.services import ReferralStateError
    from childnrm.referrals.tests.factories import submitted_referral

    referral = submitted_referral("northbridge")
    with pytest.raises(ReferralStateError):
        referral_document_add(referral=referral, user=referral.created_by, data=pdf_bytes(), original_name="a.pdf")
    assert not any(p.is_file() for p in private_storage.rglob("*"))
