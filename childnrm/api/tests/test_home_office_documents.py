"""Documents sent with a Home Office form referral (`upload-file`): checked, stored, listed and downloadable.

Each file comes as the form's upload gives it plus its content: {"name", "content" (base64),
"content_type", "description"}. A file the document checks refuse, bad base64, an oversize file or
too many files are refused naming `upload-file`, and nothing is kept: no referral, no file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from childnrm.accounts.models import Role
from childnrm.api.home_office import MAX_FORM_DOCUMENTS, STRUCTURED
from childnrm.api.models import IdempotencyRecord
from childnrm.api.tests.test_home_office import HOME_OFFICE_FORM, IMPORT, add_form_councils, form
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from childnrm.referrals import documents as rules
from childnrm.referrals.documents import DocumentRefused
from childnrm.referrals.models import Referral, ReferralDocument
from childnrm.referrals.services import (
    ReferralStateError,
    referral_document_receive,
    referral_start,
    stored_files_removed_on_rollback,
)
from childnrm.referrals.tests.test_documents import docx_bytes, pdf_bytes
from childnrm.triage.packet import case_packet
from conftest import demo_user

PDF = pdf_bytes()
DOCX = docx_bytes()


def sent(name: str, data: bytes, **more: str) -> dict[str, str]:
    """A file as a client sends it: its name and its content in base64."""
    return {"name": name, "content": base64.b64encode(data).decode(), **more}


def pdf_with_javascript() -> bytes:
    """A well-formed PDF that runs a script when it is opened (an OpenAction of type JavaScript)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


WITH_DOCUMENTS = form(
    **{
        "upload-file": [
            sent("police-report.pdf", PDF, content_type="application/pdf", description="Police report"),
            sent("statement.docx", DOCX, content_type=rules.DOCX),
        ]
    }
)


@pytest.fixture
def form_councils(demo) -> None:
    """The councils the form's answers name (on its list of local authorities), in the demo sites."""
    add_form_councils()


@pytest.fixture
def api(api, form_councils):
    return api


def files_on_disk(storage: Path) -> list[Path]:
    return [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []


def _nothing_kept(storage: Path) -> None:
    assert not Referral.objects.exists()
    assert not ReferralDocument.objects.exists()
    assert files_on_disk(storage) == []


# --- Stored, checked, listed, downloadable -------------------------------------------------------------


def test_a_pdf_and_a_docx_sent_with_the_form_are_checked_and_stored_privately(api, private_storage, northbridge_la):
    response = api.post(IMPORT, WITH_DOCUMENTS, key="ho-docs-1")
    assert response.status_code == 201, response.content
    assert response.json()["message"].endswith("with 2 documents.")
    referral = Referral.objects.get(reference=response.json()["reference"])
    pdf, docx = referral.documents.order_by("id")
    assert (pdf.original_name, pdf.content_type, pdf.size) == ("police-report.pdf", rules.PDF, len(PDF))
    assert (docx.original_name, docx.content_type, docx.size) == ("statement.docx", rules.DOCX, len(DOCX))
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest() and docx.sha256 == hashlib.sha256(DOCX).hexdigest()
    assert (pdf.description, docx.description) == ("Police report", "")
    # No user uploaded them: where they came from is recorded instead, and shown.
    assert pdf.uploaded_by is None
    assert pdf.uploader == (f"Home Office online form, through Northbridge City Council's API token {api.token.prefix}")
    # Stored under random names with the detected type's extension, not the names sent.
    assert pdf.file.name.endswith(".pdf") and "police-report" not in pdf.file.name
    assert docx.file.name.endswith(".docx") and (private_storage / docx.file.name).read_bytes() == DOCX
    assert sorted(files_on_disk(private_storage)) == sorted(private_storage / d.file.name for d in (pdf, docx))
    # The labelled section lists the files by name, never their content.
    [documents] = [s for s in referral.form_sections if s["heading"] == "Documents or evidence"]
    uploaded = {i["label"]: i["value"] for i in documents["items"]}["Uploaded file"]
    assert uploaded == "police-report.pdf – Police report\nstatement.docx"


def test_each_stored_document_is_audited_with_where_it_came_from(api, private_storage):
    referral = Referral.objects.get(reference=api.post(IMPORT, WITH_DOCUMENTS).json()["reference"])
    events = AuditEvent.objects.filter(action=Action.CREATE, object_type="referrals.referraldocument")
    assert sorted(e.object_id for e in events) == sorted(str(d.pk) for d in referral.documents.all())
    for event in events:
        assert event.actor_id is None and event.detail["referral"] == referral.pk
        assert event.detail["received_from"].startswith("Home Office online form, through Northbridge City Council")


def test_the_coordinator_sees_the_documents_at_triage_and_downloads_them(api, client_as, private_storage):
    referral = Referral.objects.get(reference=api.post(IMPORT, WITH_DOCUMENTS).json()["reference"])
    pdf, docx = referral.documents.order_by("id")
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    page = coordinator.get(reverse("triage:triage", args=[referral.reference])).content.decode()
    for document in (pdf, docx):
        link = reverse("referrals:document-download", args=[referral.reference, document.pk])
        assert f'href="{link}"' in page
    assert "police-report.pdf: Police report" in page and "statement.docx" in page

    response = coordinator.get(reverse("referrals:document-download", args=[referral.reference, pdf.pk]))
    assert response.status_code == 200 and response.getvalue() == PDF
    assert response["Content-Disposition"] == 'attachment; filename="police-report.pdf"'
    assert AuditEvent.objects.filter(
        action=Action.DOWNLOAD, object_id=str(pdf.pk), actor=demo_user(Role.COORDINATOR, "northbridge")
    ).exists()
    # The other site's coordinator cannot reach them.
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(reverse("referrals:document-download", args=[referral.reference, pdf.pk])).status_code == 404


def test_the_case_packet_lists_the_documents_with_where_they_came_from(api, private_storage):
    referral = Referral.objects.get(reference=api.post(IMPORT, WITH_DOCUMENTS).json()["reference"])
    listed = case_packet(referral)["documents"]
    assert [(d["name"], d["sha256"]) for d in listed] == [
        ("police-report.pdf", hashlib.sha256(PDF).hexdigest()),
        ("statement.docx", hashlib.sha256(DOCX).hexdigest()),
    ]
    assert all(d["uploaded_by"].startswith("Home Office online form") for d in listed)


def test_a_single_file_may_be_sent_as_one_object(api, private_storage):
    response = api.post(IMPORT, form(**{"upload-file": sent("scan.pdf", PDF)}))
    assert response.status_code == 201, response.content
    assert [d.original_name for d in ReferralDocument.objects.all()] == ["scan.pdf"]


def test_a_file_name_alone_is_kept_under_its_label_as_before(api, private_storage):
    response = api.post(IMPORT, form(**{"upload-file": "passport-scan.pdf"}))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert not referral.documents.exists() and files_on_disk(private_storage) == []
    [documents] = [s for s in referral.form_sections if s["heading"] == "Documents or evidence"]
    assert {"field": "upload-file", "label": "Uploaded file", "value": "passport-scan.pdf"} in documents["items"]


def test_the_import_command_stores_the_documents_too(northbridge, form_councils, tmp_path, private_storage):
    path = tmp_path / "form.json"
    path.write_text(json.dumps(WITH_DOCUMENTS))
    call_command("import_home_office_form", str(path), organisation="Northbridge City Council", stdout=StringIO())
    documents = ReferralDocument.objects.order_by("id")
    assert [d.original_name for d in documents] == ["police-report.pdf", "statement.docx"]
    assert documents[0].uploader == "Home Office online form, imported by a command for Northbridge City Council"


# --- Refused: 422 naming upload-file, nothing kept ---------------------------------------------------


def test_a_file_the_document_checks_refuse_is_named_and_nothing_is_kept(api, private_storage):
    # The good file comes first, so it is written before the second is refused: it must go too.
    submission = form(**{"upload-file": [sent("report.pdf", PDF), sent("notes.pdf", pdf_with_javascript())]})
    response = api.post(IMPORT, submission, key="ho-refused")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "upload-file", "message": f"“notes.pdf” (file 2 of 2): {rules.MESSAGE_PDF_ACTIVE}"}
    ]
    _nothing_kept(private_storage)
    # A refusal is not recorded against the key: the corrected request goes through with it.
    assert not IdempotencyRecord.objects.exists()
    assert api.post(IMPORT, WITH_DOCUMENTS, key="ho-refused").status_code == 201


def test_every_refused_file_is_reported_at_once(api, private_storage):
    files = [sent("a.zip", b"PK\x05\x06" + b"\x00" * 18), sent("ok.pdf", PDF), sent("b.pdf", pdf_with_javascript())]
    response = api.post(IMPORT, form(**{"upload-file": files}))
    assert response.status_code == 422
    messages = [e["message"] for e in response.json()["errors"]]
    assert [m.split(":")[0] for m in messages] == ["“a.zip” (file 1 of 3)", "“b.pdf” (file 3 of 3)"]
    _nothing_kept(private_storage)


def test_content_that_is_not_base64_is_refused(api, private_storage):
    bad = {"name": "report.pdf", "content": "this is not base64!"}
    response = api.post(IMPORT, form(**{"upload-file": [sent("ok.pdf", PDF), bad]}))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "upload-file"
    assert error["message"].startswith("“report.pdf” (file 2 of 2): The selected file could not be read")
    assert "base64" in error["message"]
    _nothing_kept(private_storage)


def test_base64_wrapped_over_lines_is_read(api, private_storage):
    encoded = base64.encodebytes(PDF).decode()  # MIME style: a line break every 76 characters
    assert "\n" in encoded
    response = api.post(IMPORT, form(**{"upload-file": {"name": "scan.pdf", "content": encoded}}))
    assert response.status_code == 201, response.content
    assert ReferralDocument.objects.get().sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_file_over_the_upload_limit_is_refused(api, private_storage):
    # Over 10MB: the body (about 14MB in base64) is over Django's usual 2MB, yet reaches the checks.
    oversize = PDF + b"\n" * rules.MAX_DOCUMENT_BYTES
    response = api.post(IMPORT, form(**{"upload-file": [sent("big-scan.pdf", oversize)]}))
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": "upload-file", "message": f"“big-scan.pdf” (file 1 of 1): {rules.MESSAGE_TOO_BIG}"}
    ]
    _nothing_kept(private_storage)


def test_a_body_over_the_upload_limit_is_refused_unread(api, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 3 * 1024 * 1024
    response = api.post(IMPORT, form(**{"upload-file": [sent("a.pdf", PDF + b"\n" * (3 * 1024 * 1024))]}))
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"].startswith("The request is too large")  # JSON, as the API answers
    assert not Referral.objects.exists()


def test_a_lower_upload_limit_applies(api, private_storage, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    response = api.post(IMPORT, form(**{"upload-file": sent("scan.pdf", b"%PDF-" + b"0" * 2000)}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "“scan.pdf”: The selected file must be smaller than 1KB"
    _nothing_kept(private_storage)


def test_too_many_files_are_refused(api, private_storage):
    files = [sent(f"page-{n}.pdf", PDF) for n in range(MAX_FORM_DOCUMENTS + 1)]
    response = api.post(IMPORT, form(**{"upload-file": files}))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "upload-file", "message": f"Send {MAX_FORM_DOCUMENTS} files or fewer with a form: you sent 11"}
    ]
    _nothing_kept(private_storage)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"content": "JVBERi0="}, "The file: You must enter the file's name"),
        ([{"name": "a.pdf"}], "File 1 (“a.pdf”): Send the file's content, in base64"),
        ([{"name": "a.pdf", "content": "JVBERi0=", "path": "/tmp"}], "File 1: “path” is not part of a file"),
        (12, 'Send each file as {"name"'),
    ],
)
def test_a_file_in_the_wrong_shape_is_named(api, private_storage, value, expected):
    response = api.post(IMPORT, form(**{"upload-file": value}))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "upload-file" and error["message"].startswith(expected), error
    _nothing_kept(private_storage)


def test_files_stored_before_the_referral_is_refused_are_removed(api, private_storage):
    # No narrative answer: the referral has no account, so submitting it fails after the files were stored.
    narratives = {name: "" for name in HOME_OFFICE_FORM if STRUCTURED.get(name) == "account"}
    narratives["were-they-taken-somewhere-by-their-exploiter"] = "no"  # else its journey details are required
    response = api.post(IMPORT, {**WITH_DOCUMENTS, **narratives})
    assert response.status_code == 422 and "account" in response.json()["errors"][0]["message"]
    _nothing_kept(private_storage)


# --- One referral per submission, documents included -------------------------------------------------


def test_the_same_submission_with_the_same_documents_again_returns_the_existing_referral(api, private_storage):
    first = api.post(IMPORT, WITH_DOCUMENTS)
    assert first.status_code == 201
    # The same files, their base64 wrapped differently and a single object where a list was sent.
    again = dict(WITH_DOCUMENTS)
    again["upload-file"] = [
        {**item, "content": base64.encodebytes(base64.b64decode(item["content"])).decode()}
        for item in WITH_DOCUMENTS["upload-file"]
    ]
    second = api.post(IMPORT, again)
    assert second.status_code == 200, second.content
    assert second.json()["already_imported"] is True and second.json()["reference"] == first.json()["reference"]
    assert ReferralDocument.objects.count() == 2 and len(files_on_disk(private_storage)) == 2


def test_a_resubmission_with_other_documents_is_refused(api, private_storage):
    first = api.post(IMPORT, WITH_DOCUMENTS).json()
    changed = form(**{"upload-file": [sent("police-report.pdf", pdf_bytes() + b"\n")]})
    response = api.post(IMPORT, changed)
    assert response.status_code == 409
    assert first["reference"] in response.json()["errors"][0]["message"]
    assert ReferralDocument.objects.count() == 2 and len(files_on_disk(private_storage)) == 2
    # Adding documents to a form imported without them is a change too.
    assert api.post(IMPORT, form(**{"reference": "NB-2"})).status_code == 201
    assert api.post(IMPORT, {**WITH_DOCUMENTS, "reference": "NB-2"}).status_code == 409


def test_an_idempotent_retry_with_documents_replays_and_stores_nothing_more(api, private_storage):
    first = api.post(IMPORT, WITH_DOCUMENTS, key="ho-docs-retry")
    retry = api.post(IMPORT, WITH_DOCUMENTS, key="ho-docs-retry")
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert ReferralDocument.objects.count() == 2 and len(files_on_disk(private_storage)) == 2


# --- The service and the record --------------------------------------------------------------------


def test_received_documents_are_only_for_a_referral_a_system_is_making(demo, private_storage):
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER))
    with pytest.raises(ReferralStateError):
        referral_document_receive(referral=draft, original_name="a.pdf", data=PDF, received_from="Somewhere")
    with pytest.raises(DocumentRefused):
        referral_document_receive(referral=draft, original_name="a.exe", data=b"MZ" + b"\0" * 64, received_from="X")
    assert not ReferralDocument.objects.exists() and files_on_disk(private_storage) == []


def test_a_rollback_after_a_file_is_stored_removes_it(northbridge_la, private_storage):
    referral = Referral.objects.create(referrer_organisation=northbridge_la)
    with pytest.raises(RuntimeError), stored_files_removed_on_rollback(), transaction.atomic():
        referral_document_receive(referral=referral, original_name="a.pdf", data=PDF, received_from="A system")
        assert len(files_on_disk(private_storage)) == 1
        raise RuntimeError("a later step fails")
    assert not ReferralDocument.objects.exists() and files_on_disk(private_storage) == []


def test_a_document_always_records_who_or_what_gave_it(northbridge_la, private_storage):
    referral = Referral.objects.create(referrer_organisation=northbridge_la)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralDocument.objects.create(
            referral=referral, file="referrals/x.pdf", original_name="x.pdf", content_type=rules.PDF, size=1, sha256=""
        )
