"""Issue 9 item 9: files chosen on a page that comes back with an error elsewhere are kept (kit.pending).

Every form with a file input keeps them the same way: the referrer's evidence documents (one file and
what it is) and an agency's answer (several files with the answer and its lawful basis). The signed
protocol's page has no other question, but keeps a file a service refuses for another reason alike.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.information.models import InformationResponse, RequestStatus, ResponseDocument
from childnrm.information.tests.test_information import answer_form, ask, police_responder
from childnrm.kit.models import PendingUpload
from childnrm.kit.pending import size_words
from childnrm.referrals.models import Referral, ReferralDocument
from childnrm.referrals.services import referral_start
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.referrals.tests.test_documents import pdf_bytes, png_bytes
from conftest import demo_user, signed_in


@pytest.fixture(autouse=True)
def _files_in_private_storage(private_storage):
    return private_storage


@pytest.fixture
def referrer(demo) -> User:
    return demo_user(Role.FIRST_RESPONDER)


@pytest.fixture
def draft(referrer) -> Referral:
    return referral_start(user=referrer)


def documents_url(draft: Referral) -> str:
    return reverse("referrals:documents", args=[draft.reference])


def kept_ids(response) -> list[int]:
    form = response.context["form"]
    return [p.pk for rows in form.kept.values() for p in rows]


def stored_files(root) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# The referrer's evidence documents -------------------------------------------------------------------


def test_a_file_chosen_with_an_error_elsewhere_is_kept_and_attached_once_the_error_is_fixed(
    referrer, draft, private_storage
):
    client = signed_in(referrer)
    data = pdf_bytes()
    response = client.post(
        documents_url(draft), {"file": SimpleUploadedFile("statement.pdf", data), "description": "", "upload": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter what the document is" in body
    assert f"You chose statement.pdf ({size_words(len(data))}) — it will be kept." in body
    assert "Select a file" not in body
    pending = PendingUpload.objects.get()
    assert (pending.owner, pending.scope, pending.original_name) == (
        referrer,
        f"referrals:documents:{draft.pk}",
        "statement.pdf",
    )
    assert pending.file.name.startswith("pending/") and "statement" not in pending.file.name  # a random name
    assert timezone.now() + timedelta(hours=23) < pending.expires_at <= timezone.now() + timedelta(days=1)
    assert f'name="file-kept" value="{pending.pk}"' in body
    assert not ReferralDocument.objects.exists()

    # The error fixed, the file is not chosen again: the kept one is attached, checked and audited.
    response = client.post(
        documents_url(draft), {"file-kept": str(pending.pk), "description": "Police statement", "upload": ""}
    )
    assert response.status_code == 302
    document = ReferralDocument.objects.get(referral=draft)
    assert (document.original_name, document.description, document.size) == (
        "statement.pdf",
        "Police statement",
        len(data),
    )
    assert document.file.read() == data
    assert AuditEvent.objects.filter(action="create", object_type="referrals.referraldocument").count() == 1
    assert not PendingUpload.objects.exists()
    assert stored_files(private_storage) == [document.file.name]  # the kept copy is gone


def test_save_and_continue_never_drops_a_kept_file_unseen(referrer, draft):
    client = signed_in(referrer)
    client.post(
        documents_url(draft), {"file": SimpleUploadedFile("a.png", png_bytes()), "description": "", "upload": ""}
    )
    pending = PendingUpload.objects.get()
    response = client.post(documents_url(draft), {"file-kept": str(pending.pk), "description": ""})
    assert response.status_code == 200 and "Enter what the document is" in response.content.decode()
    assert kept_ids(response) == [pending.pk]
    draft.refresh_from_db()
    assert "documents" not in draft.sections_saved


def test_a_kept_file_is_removed_when_its_box_is_ticked(referrer, draft, private_storage):
    client = signed_in(referrer)
    client.post(
        documents_url(draft), {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "description": "", "upload": ""}
    )
    pending = PendingUpload.objects.get()
    response = client.post(
        documents_url(draft),
        {"file-kept": str(pending.pk), "file-kept-remove": str(pending.pk), "description": "Statement", "upload": ""},
    )
    assert response.status_code == 200
    assert "Select a file" in response.content.decode()
    assert not PendingUpload.objects.exists() and stored_files(private_storage) == []
    assert not ReferralDocument.objects.exists()


def test_a_file_chosen_again_replaces_the_one_kept(referrer, draft, private_storage):
    client = signed_in(referrer)
    client.post(
        documents_url(draft), {"file": SimpleUploadedFile("old.pdf", pdf_bytes()), "description": "", "upload": ""}
    )
    old = PendingUpload.objects.get()
    response = client.post(
        documents_url(draft),
        {"file-kept": str(old.pk), "file": SimpleUploadedFile("new.png", png_bytes()), "description": "", "upload": ""},
    )
    new = PendingUpload.objects.get()
    assert new.original_name == "new.png" and kept_ids(response) == [new.pk]
    assert "You chose new.png" in response.content.decode() and "old.pdf" not in response.content.decode()
    assert stored_files(private_storage) == [new.file.name]


def test_a_refused_file_is_not_kept_and_says_why(referrer, draft, private_storage):
    client = signed_in(referrer)
    response = client.post(
        documents_url(draft),
        {"file": SimpleUploadedFile("notes.pdf", b"just some text"), "description": "", "upload": ""},
    )
    body = response.content.decode()
    assert "Enter what the document is" in body
    assert "The selected file must be a PDF, PNG, JPEG or Word document" in body  # said now, not after a second try
    assert "it will be kept" not in body
    assert not PendingUpload.objects.exists() and stored_files(private_storage) == []


def test_another_user_cannot_claim_a_kept_file(referrer, draft, demo):
    signed_in(referrer).post(
        documents_url(draft),
        {"file": SimpleUploadedFile("statement.pdf", pdf_bytes()), "description": "", "upload": ""},
    )
    pending = PendingUpload.objects.get()
    northbridge = Site.objects.get(slug="northbridge")
    colleague = User.objects.create_user(
        "second.responder.northbridge@childnrm.example", full_name="Sam Ryder", organisation=referrer.organisation
    )
    Membership.objects.create(user=colleague, site=northbridge, role=Role.FIRST_RESPONDER)
    TOTPDevice.objects.create(user=colleague, name="Authenticator app", confirmed=True)
    their_draft = referral_start(user=colleague)
    response = signed_in(colleague).post(
        documents_url(their_draft), {"file-kept": str(pending.pk), "description": "Statement", "upload": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a file" in body and "statement.pdf" not in body
    assert not ReferralDocument.objects.exists()
    # Nor can the referrer carry it to another of their own drafts: it was chosen on this one's page.
    other_draft = referral_start(user=referrer)
    response = signed_in(referrer).post(
        documents_url(other_draft), {"file-kept": str(pending.pk), "description": "Statement", "upload": ""}
    )
    assert "Select a file" in response.content.decode()
    assert not ReferralDocument.objects.exists()
    assert PendingUpload.objects.get() == pending  # still the referrer's, for the page it was chosen on


def test_an_expired_kept_file_cannot_be_claimed_and_the_daily_clean_up_deletes_it(referrer, draft, private_storage):
    client = signed_in(referrer)
    client.post(
        documents_url(draft), {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "description": "", "upload": ""}
    )
    client.post(
        documents_url(draft), {"file": SimpleUploadedFile("b.pdf", pdf_bytes()), "description": "", "upload": ""}
    )
    expired, fresh = PendingUpload.objects.order_by("pk")
    PendingUpload.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(documents_url(draft), {"file-kept": str(expired.pk), "description": "A", "upload": ""})
    assert "Select a file" in response.content.decode()

    call_command("delete_orphan_uploads", stdout=io.StringIO())
    assert list(PendingUpload.objects.all()) == [fresh]
    assert stored_files(private_storage) == [fresh.file.name]

    # The daily run (send_daily_reminders) does the same clean-up.
    from childnrm.dashboard.tasks import send_daily_reminders

    PendingUpload.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    summary = send_daily_reminders.call(timezone.localdate().isoformat())
    assert summary["orphan_uploads_deleted"] == 1
    assert not PendingUpload.objects.exists() and stored_files(private_storage) == []


# An agency's answer with several documents ----------------------------------------------------------


def test_an_answers_documents_are_kept_through_an_error_and_shared_with_the_answer(private_storage, demo):
    info_request = ask(submitted_referral("northbridge"))
    responder = signed_in(police_responder())
    url = reverse("information:answer", args=[info_request.reference])
    first, second = pdf_bytes(), png_bytes()
    response = responder.post(
        url,
        answer_form(
            confirm="",
            documents=[
                SimpleUploadedFile("custody record.pdf", first),
                SimpleUploadedFile("photo.png", second),
                SimpleUploadedFile("notes.txt", b"just some text"),
            ],
        ),
    )
    body = response.content.decode()
    assert "Confirm the lawful basis and purpose of sharing" in body
    assert "notes.txt: The selected file must be a PDF, PNG, JPEG or Word document" in body
    assert "You chose custody record.pdf" in body and "You chose photo.png" in body
    assert "You chose notes.txt" not in body
    kept = kept_ids(response)
    assert len(kept) == 2 and not InformationResponse.objects.exists()

    response = responder.post(url, {**answer_form(), "documents-kept": [str(pk) for pk in kept]})
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.ANSWERED
    shared = ResponseDocument.objects.filter(response__request=info_request).order_by("pk")
    assert [(d.original_name, d.file.read()) for d in shared] == [("custody record.pdf", first), ("photo.png", second)]
    assert not PendingUpload.objects.exists()
    assert sorted(stored_files(private_storage)) == sorted(d.file.name for d in shared)


def test_another_organisation_cannot_share_a_kept_document(private_storage, demo):
    info_request = ask(submitted_referral("northbridge"))
    responder = signed_in(police_responder())
    url = reverse("information:answer", args=[info_request.reference])
    responder.post(url, answer_form(text="", documents=[SimpleUploadedFile("custody record.pdf", pdf_bytes())]))
    pending = PendingUpload.objects.get()
    # A colleague at the same force may answer, but not with a file someone else chose.
    colleague = User.objects.create_user(
        "second.officer.northbridge@childnrm.example",
        full_name="Ade Bello",
        organisation=police_responder().organisation,
    )
    Membership.objects.create(user=colleague, site=Site.objects.get(slug="northbridge"), role=Role.FIRST_RESPONDER)
    TOTPDevice.objects.create(user=colleague, name="Authenticator app", confirmed=True)
    response = signed_in(colleague).post(url, {**answer_form(), "documents-kept": [str(pending.pk)]})
    assert response.status_code == 302
    assert not ResponseDocument.objects.exists()  # answered, without the file
    assert PendingUpload.objects.get() == pending


# The kit piece on its own ----------------------------------------------------------------------------


def test_file_sizes_read_as_people_write_them():
    assert [size_words(n) for n in (640, 12 * 1024 + 100, 2_500_000, 10 * 1024 * 1024)] == [
        "640 bytes",
        "12 KB",
        "2.4 MB",
        "10 MB",
    ]


def test_one_question_keeps_at_most_ten_files_however_often_the_page_comes_back(referrer):
    from django import forms

    from childnrm.information.forms import MultipleFileField
    from childnrm.kit.forms import GovukFormMixin
    from childnrm.kit.pending import MAX_KEPT_PER_FIELD, KeepsUploadsMixin, UploadKeeper

    class Answer(KeepsUploadsMixin, GovukFormMixin, forms.Form):
        text = forms.CharField()
        documents = MultipleFileField(required=False)

    keeper = UploadKeeper(owner=referrer, scope="test:answer:1", check=lambda upload: "pdf")
    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 test") for n in range(MAX_KEPT_PER_FIELD + 2)]
    first = Answer({"text": ""}, {"documents": files[:6]}, keeper=keeper)
    assert not first.is_valid() and len(first.kept["documents"]) == 6
    again = Answer(
        {"text": "", "documents-kept": [str(p.pk) for p in first.kept["documents"]]},
        {"documents": files[6:]},
        keeper=keeper,
    )
    assert not again.is_valid()
    assert len(again.kept["documents"]) == MAX_KEPT_PER_FIELD == PendingUpload.objects.count()
    assert again.errors["documents"] == [f"Select {MAX_KEPT_PER_FIELD} files or fewer"]


def test_too_many_files_is_one_message_in_the_readers_language(referrer):
    """The kit's message, in Welsh too, and the one the information app's answer form gives for its own limit."""
    from django import forms
    from django.utils import translation

    from childnrm.information.forms import AnswerForm, MultipleFileField
    from childnrm.information.services import MAX_DOCUMENTS
    from childnrm.kit.forms import GovukFormMixin
    from childnrm.kit.pending import MAX_KEPT_PER_FIELD, KeepsUploadsMixin, UploadKeeper, too_many_files

    class Answer(KeepsUploadsMixin, GovukFormMixin, forms.Form):
        text = forms.CharField()  # left empty: the files are kept for the next try, at most ten
        documents = MultipleFileField(required=False)

    keeper = UploadKeeper(owner=referrer, scope="test:answer:2", check=lambda upload: "pdf")
    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 test") for n in range(MAX_KEPT_PER_FIELD + 1)]
    with translation.override("cy"):
        form = Answer({"text": ""}, {"documents": files}, keeper=keeper)
        assert not form.is_valid()
        assert form.errors["documents"] == [f"Dewiswch {MAX_KEPT_PER_FIELD} ffeil neu lai"]
        assert too_many_files(MAX_DOCUMENTS) == f"Dewiswch {MAX_DOCUMENTS} ffeil neu lai"
    pdfs = [SimpleUploadedFile(f"{n}.pdf", pdf_bytes()) for n in range(MAX_DOCUMENTS + 1)]
    answer = AnswerForm({}, {"documents": pdfs})
    answer.is_valid()
    assert too_many_files(MAX_DOCUMENTS) in answer.errors["documents"]


def test_choosing_a_kept_file_again_does_not_send_it_twice(referrer):
    from childnrm.information.forms import AnswerForm
    from childnrm.kit.pending import UploadKeeper

    keeper = UploadKeeper(owner=referrer, scope="test:answer:2", check=lambda upload: "pdf")
    data = pdf_bytes()
    first = AnswerForm({"text": ""}, {"documents": [SimpleUploadedFile("custody record.pdf", data)]}, keeper=keeper)
    assert not first.is_valid()
    kept = first.kept["documents"][0]
    again = AnswerForm(
        {"text": "", "documents-kept": [str(kept.pk)]},
        {"documents": [SimpleUploadedFile("custody record.pdf", data), SimpleUploadedFile("photo.png", png_bytes())]},
        keeper=keeper,
    )
    assert not again.is_valid()
    assert [p.original_name for p in again.kept["documents"]] == ["custody record.pdf", "photo.png"]
    assert not PendingUpload.objects.filter(pk=kept.pk).exists()  # the new choice stands in for it
