"""Information requests: asking an agency, its answer with documents, scope, withdrawal and chasing."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from childnrm.accounts import nations
from childnrm.accounts.models import Membership, Organisation, Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.information import services
from childnrm.information.models import (
    InformationChase,
    InformationRequest,
    InformationResponse,
    LawfulBasis,
    RequestStatus,
    ResponseDocument,
)
from childnrm.panels.models import Agency
from childnrm.people.demo import demo_email
from childnrm.referrals.models import ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user, signed_in

# For organisations the site has no information-sharing protocol with.
BASIS_IN_FULL = "UK GDPR Article 6(1)(e) public task; Children Act 2004 section 11: the panel must safeguard the child"


@pytest.fixture(autouse=True)
def _files_in_private_storage(private_storage):
    """Every test here stores files in its own folder (root conftest)."""
    return private_storage


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PDF")
    return out.getvalue()


def police(site_slug: str = "northbridge") -> Organisation:
    return Organisation.objects.get(
        name={"northbridge": "Northbridge Police"}.get(site_slug, "Three Rivers Constabulary")
    )


def coordinator(site_slug: str = "northbridge") -> User:
    return demo_user(Role.COORDINATOR, site_slug)


def police_responder(site_slug: str = "northbridge") -> User:
    # The demo first responder works for the site's police force.
    return demo_user(Role.FIRST_RESPONDER, site_slug)


def police_answerers(site_slug: str = "northbridge") -> list[str]:
    """Everyone at the site's police force who holds a role that answers requests there."""
    roles = [Role.FIRST_RESPONDER, Role.PANEL_MEMBER, Role.ADVISER]
    users = User.objects.filter(
        organisation=police(site_slug), memberships__site__slug=site_slug, memberships__role__in=roles
    )
    return sorted(set(users.values_list("email", flat=True)))


@pytest.fixture
def referral(demo):
    return submitted_referral("northbridge")


def ask(referral, *, organisation=None, due_on=None, **overrides) -> InformationRequest:
    fields = dict(
        referral=referral,
        user=coordinator(),
        organisation=organisation or police(),
        agency=Agency.POLICE,
        question="What do you know about the adults he was found with?",
        purpose="To decide reasonable grounds and plan his safeguarding",
        lawful_basis=LawfulBasis.CHILDREN_ACT_2004_S11,
        due_on=due_on or timezone.localdate() + timedelta(days=10),
    )
    fields.update(overrides)
    return services.information_request_create(**fields)


def make_overdue(info_request: InformationRequest, days: int = 1) -> None:
    InformationRequest.objects.filter(pk=info_request.pk).update(due_on=timezone.localdate() - timedelta(days=days))
    info_request.refresh_from_db()


def request_form(**overrides) -> dict:
    due = timezone.localdate() + timedelta(days=7)
    data = {
        "organisation": str(Organisation.objects.get(name="Northbridge Police").pk),
        "agency": Agency.POLICE,
        "question": "Any intelligence on the address where he was found?",
        "purpose": "Reasonable grounds decision",
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "due_on_day": str(due.day),
        "due_on_month": str(due.month),
        "due_on_year": str(due.year),
    }
    data.update(overrides)
    return data


def police_answer(info_request, text: str, uploads: list | None = None):
    """The police force's answer to the request, on the request's own lawful basis and purpose."""
    return services.information_response_create(
        info_request=info_request,
        user=police_responder(),
        text=text,
        lawful_basis=info_request.lawful_basis,
        purpose=info_request.purpose,
        uploads=uploads or [],
    )


def answer_form(**overrides) -> dict:
    data = {
        "text": "He was arrested twice with older men from outside the area.",
        "lawful_basis": LawfulBasis.CHILDREN_ACT_2004_S11,
        "purpose": "To decide reasonable grounds and plan his safeguarding",
        "confirm": "on",
    }
    data.update(overrides)
    return data


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# Asking -------------------------------------------------------------------------------------------


def test_the_form_offers_the_sites_default_due_date_and_the_lawful_bases(client_as, referral):
    Site.objects.filter(slug="northbridge").update(information_request_days=14)
    response = client_as(Role.COORDINATOR).get(reverse("information:new", args=[referral.reference]))
    assert response.status_code == 200
    due = timezone.localdate() + timedelta(days=14)
    body = response.content.decode()
    assert f'name="due_on_day" type="text" value="{due.day}" inputmode="numeric"' in body
    assert f'value="{due.year}"' in body
    # The bases of the site's nation (accounts.nations): in England, England's and the UK GDPR's.
    for code in nations.rules(referral.site).request_bases:
        assert str(LawfulBasis(code).label) in body
    assert "Scotland" not in body
    assert "Three Rivers Constabulary" in body  # any active organisation may be asked


def test_asking_records_the_share_and_tells_the_organisation_without_personal_data(
    client_as, referral, django_capture_on_commit_callbacks
):
    client = client_as(Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("information:new", args=[referral.reference]), request_form())
    info_request = InformationRequest.objects.get(referral=referral)
    assert response.status_code == 302
    assert response["Location"] == reverse("information:detail", args=[info_request.reference])
    assert info_request.status == RequestStatus.OPEN
    assert info_request.organisation.name == "Northbridge Police"
    assert info_request.lawful_basis == LawfulBasis.PUBLIC_TASK_SAFEGUARDING
    event = AuditEvent.objects.filter(object_type="information.informationrequest", action="create").get()
    assert event.detail["lawful_basis"] == LawfulBasis.PUBLIC_TASK_SAFEGUARDING
    assert event.detail["purpose"] == "Reasonable grounds decision"
    assert event.purpose == "Gathering agency information for a panel decision"
    # Everyone at the police force who may answer at this site, and nobody else.
    assert police_responder().email in police_answerers()
    assert sorted(m.to[0] for m in mail.outbox) == police_answerers()
    message = mail.outbox[0]
    assert info_request.reference in message.subject
    # The link is absolute (settings.SERVICE_BASE_URL): an email is read away from the service.
    assert f"http://127.0.0.1:8000{reverse('information:detail', args=[info_request.reference])}" in message.body
    for personal in (referral.given_names, referral.family_name, referral.reference, "arrested"):
        assert personal not in message.subject + message.body


def test_validation_errors_keep_everything_typed(client_as, referral):
    client = client_as(Role.COORDINATOR)
    data = request_form(question="", lawful_basis="", due_on_day="31", due_on_month="2", purpose="Keep me")
    response = client.post(reverse("information:new", args=[referral.reference]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter what you want to know" in body
    assert "Select the lawful basis for sharing" in body
    assert "The due date must be a real date" in body
    assert "Keep me</textarea>" in body
    assert 'value="31"' in body and f'value="{data["due_on_year"]}"' in body
    assert f'<option value="{data["organisation"]}" selected>' in body
    assert not InformationRequest.objects.exists()


def test_a_due_date_in_the_past_is_refused(client_as, referral):
    past = timezone.localdate() - timedelta(days=1)
    data = request_form(due_on_day=str(past.day), due_on_month=str(past.month), due_on_year=str(past.year))
    response = client_as(Role.COORDINATOR).post(reverse("information:new", args=[referral.reference]), data)
    assert "The date the answer is due must be today or in the future" in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_only_cases_with_the_panel_can_be_asked_about(referral):
    from childnrm.referrals.models import Referral

    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.HANDED_OFF)
    with pytest.raises(services.InformationError, match="only about cases with the panel"):
        ask(referral)


def test_an_accepted_case_can_be_asked_about(referral):
    triage_confirm(referral=referral, user=coordinator(), final_outcome=TriageOutcome.PANEL, final_site=None, reason="")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert ask(referral).status == RequestStatus.OPEN


def test_another_sites_coordinator_cannot_see_or_ask_about_the_case(referral):
    client = signed_in(coordinator("three-rivers"))
    assert client.get(reverse("information:case", args=[referral.reference])).status_code == 404
    assert client.post(reverse("information:new", args=[referral.reference]), request_form()).status_code == 404
    info_request = ask(referral)
    assert client.get(reverse("information:detail", args=[info_request.reference])).status_code == 404
    assert client.post(reverse("information:chase", args=[info_request.reference])).status_code == 404
    assert (
        client.post(reverse("information:withdraw", args=[info_request.reference]), {"reason": "x"}).status_code == 404
    )
    assert info_request.reference not in client.get(reverse("information:list")).content.decode()


# Answering ----------------------------------------------------------------------------------------


def test_the_organisation_asked_answers_with_a_document_and_the_coordinator_downloads_it(client_as, referral):
    info_request = ask(referral)
    responder = signed_in(police_responder())
    inbox = responder.get(reverse("information:inbox")).content.decode()
    assert info_request.reference in inbox and referral.child_display_name in inbox

    page = responder.get(reverse("information:detail", args=[info_request.reference])).content.decode()
    # The minimum about the child: name, date of birth, reference; not the referral's account.
    assert referral.child_display_name in page and referral.reference in page
    assert referral.date_of_birth.strftime("%B %Y") in page
    assert referral.account not in page
    assert "Children Act 2004 section 11" in page

    form = responder.get(reverse("information:answer", args=[info_request.reference])).content.decode()
    assert "To decide reasonable grounds and plan his safeguarding</textarea>" in form  # prefilled
    assert f'value="{LawfulBasis.CHILDREN_ACT_2004_S11}" checked' in form

    pdf = pdf_bytes()
    data = answer_form(documents=[upload("custody record.pdf", pdf)])
    response = responder.post(reverse("information:answer", args=[info_request.reference]), data)
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.ANSWERED
    answer = InformationResponse.objects.get(request=info_request)
    assert answer.organisation.name == "Northbridge Police"
    assert answer.lawful_basis == LawfulBasis.CHILDREN_ACT_2004_S11
    document = ResponseDocument.objects.get(response=answer)
    assert document.content_type == "application/pdf" and document.original_name == "custody record.pdf"
    assert "custody" not in document.file.name  # stored at a random name
    share = AuditEvent.objects.get(object_type="information.informationresponse", action="create")
    assert share.detail["lawful_basis"] == LawfulBasis.CHILDREN_ACT_2004_S11
    assert share.detail["purpose"] == answer.purpose
    assert share.purpose == "Sharing agency information with the panel"

    coordinator_page = client_as(Role.COORDINATOR).get(reverse("information:detail", args=[info_request.reference]))
    body = coordinator_page.content.decode()
    assert "He was arrested twice" in body and "custody record.pdf" in body
    assert "Children Act 2004 section 11 (duty to safeguard)" in body

    url = reverse("information:document", args=[info_request.reference, document.pk])
    download = client_as(Role.COORDINATOR).get(url)
    assert download.status_code == 200
    assert download.getvalue() == pdf  # streamed from storage
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.filter(action="download", object_type="information.responsedocument").get()
    assert event.actor_id == coordinator().pk and event.detail["lawful_basis"] == LawfulBasis.CHILDREN_ACT_2004_S11
    # The organisation that shared it may download it too.
    assert responder.get(url).status_code == 200
    # Nobody may answer twice.
    again = responder.post(reverse("information:answer", args=[info_request.reference]), answer_form())
    assert again.status_code == 302
    assert InformationResponse.objects.filter(request=info_request).count() == 1


def test_another_organisations_user_gets_404(referral):
    info_request = ask(referral)
    health = signed_in(demo_user(Role.PANEL_MEMBER))  # a panel member of the site's health board
    for name in ("information:detail", "information:answer"):
        assert health.get(reverse(name, args=[info_request.reference])).status_code == 404
    assert health.post(reverse("information:answer", args=[info_request.reference]), answer_form()).status_code == 404
    assert info_request.reference not in health.get(reverse("information:inbox")).content.decode()
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.OPEN


def test_the_same_organisation_at_another_site_gets_404(referral):
    # The adviser's organisation serves both demo sites; a request from one site is not the other's.
    shared = Organisation.objects.get(name="Regional Schools and Youth Justice Service")
    info_request = ask(referral, organisation=shared, agency=Agency.EDUCATION, lawful_basis_detail=BASIS_IN_FULL)
    elsewhere = demo_user(Role.ADVISER, "three-rivers")
    assert elsewhere.organisation == shared
    client = signed_in(elsewhere)
    assert client.get(reverse("information:detail", args=[info_request.reference])).status_code == 404
    assert info_request.reference not in client.get(reverse("information:inbox")).content.decode()
    here = signed_in(demo_user(Role.ADVISER, "northbridge"))
    assert here.get(reverse("information:detail", args=[info_request.reference])).status_code == 200


def test_the_shared_documents_are_only_the_requests_own(client_as, referral):
    first = ask(referral)
    police_answer(first, "Answer", uploads=[services.Upload(name="a.pdf", data=pdf_bytes())])
    document = ResponseDocument.objects.get()
    second = ask(referral)
    url = reverse("information:document", args=[second.reference, document.pk])
    assert client_as(Role.COORDINATOR).get(url).status_code == 404
    health = signed_in(demo_user(Role.PANEL_MEMBER))
    assert health.get(reverse("information:document", args=[first.reference, document.pk])).status_code == 404


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evidence.zip", zip_bytes(), "is a ZIP archive"),
        ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>\n%%EOF", "contains another kind of file hidden"),
        ("page.pdf", b"<html><body>hello</body></html>", "must be a PDF, PNG, JPEG or Word document"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "is a program"),
        ("notes.txt", b"just some text", "must be a PDF, PNG, JPEG or Word document"),
        ("polyglot.pdf", None, "contains another kind of file hidden inside it"),
    ],
)
def test_documents_are_refused_by_their_content_and_the_answer_is_kept(referral, private_storage, name, data, message):
    if data is None:
        data = pdf_bytes() + zip_bytes()  # a PDF with an archive appended
    info_request = ask(referral)
    responder = signed_in(police_responder())
    form = answer_form(text="Keep this answer", documents=[upload("fine.pdf", pdf_bytes()), upload(name, data)])
    response = responder.post(reverse("information:answer", args=[info_request.reference]), form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "Keep this answer</textarea>" in body
    assert 'name="confirm" type="checkbox" value="on" checked' in body
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.OPEN
    assert not ResponseDocument.objects.exists() and not InformationResponse.objects.exists()
    # Nothing is shared; the file that passed is kept for this user's next try (kit.pending), the refused one is not.
    assert "You chose fine.pdf" in body and f"You chose {name}" not in body
    assert [p.parent.name for p in private_storage.rglob("*") if p.is_file()] == ["pending"]


def test_the_answer_must_confirm_the_basis_of_sharing(referral):
    info_request = ask(referral)
    responder = signed_in(police_responder())
    data = answer_form(text="", confirm="", purpose="Narrower purpose")
    body = responder.post(reverse("information:answer", args=[info_request.reference]), data).content.decode()
    assert "Enter the information you are sharing" in body
    assert "Confirm the lawful basis and purpose of sharing" in body
    assert "Narrower purpose</textarea>" in body
    assert not InformationResponse.objects.exists()


def test_a_withdrawn_request_cannot_be_answered(referral):
    info_request = ask(referral)
    services.information_request_withdraw(info_request=info_request, user=coordinator(), reason="Decided already")
    with pytest.raises(services.InformationError, match="already been withdrawn"):
        police_answer(info_request, "Late answer")


# Withdrawing --------------------------------------------------------------------------------------


def test_the_coordinator_withdraws_with_a_reason(client_as, referral):
    info_request = ask(referral)
    client = client_as(Role.COORDINATOR)
    url = reverse("information:withdraw", args=[info_request.reference])
    empty = client.post(url, {"reason": ""})
    assert "Enter why you are withdrawing the request" in empty.content.decode()
    response = client.post(url, {"reason": "The panel has the information from the strategy discussion"})
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.WITHDRAWN
    assert info_request.withdrawn_by == coordinator() and info_request.withdrawn_at is not None
    page = signed_in(police_responder()).get(reverse("information:detail", args=[info_request.reference]))
    assert "from the strategy discussion" in page.content.decode()
    assert "Answer this request" not in page.content.decode()


# Lists --------------------------------------------------------------------------------------------


def test_the_site_list_filters_open_overdue_and_answered(client_as, referral):
    waiting = ask(referral)
    late = ask(referral, agency=Agency.BORDER_FORCE)
    make_overdue(late, days=4)
    answered = ask(referral)
    police_answer(answered, "A")
    elsewhere = ask(
        submitted_referral("three-rivers"), user=coordinator("three-rivers"), organisation=police("three-rivers")
    )
    client = client_as(Role.COORDINATOR)

    def listed(**params) -> set[str]:
        body = client.get(reverse("information:list"), params).content.decode()
        assert elsewhere.reference not in body
        return {r.reference for r in (waiting, late, answered) if f'data-reference="{r.reference}"' in body}

    assert listed() == {waiting.reference, late.reference}
    assert listed(status="overdue") == {late.reference}
    assert listed(status="answered") == {answered.reference}
    assert listed(status="all") == {waiting.reference, late.reference, answered.reference}
    assert listed(status="all", agency=Agency.BORDER_FORCE) == {late.reference}
    assert listed(status="nonsense") == {waiting.reference, late.reference}  # an edited URL falls back
    assert listed(status="all", case=referral.reference.lower()) == {
        waiting.reference,
        late.reference,
        answered.reference,
    }
    overdue_row = client.get(reverse("information:list"), {"status": "overdue"}).content.decode()
    assert "4 days late" in overdue_row and "Overdue" in overdue_row
    case_page = client.get(reverse("information:case", args=[referral.reference])).content.decode()
    assert all(r.reference in case_page for r in (waiting, late, answered))


# Chasing ------------------------------------------------------------------------------------------


def test_overdue_requests_are_chased_once_every_three_days(referral, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    late = ask(referral)
    make_overdue(late, days=2)
    not_due = ask(referral)
    due_today = ask(referral, due_on=today)
    withdrawn = ask(referral)
    make_overdue(withdrawn)
    services.information_request_withdraw(info_request=withdrawn, user=coordinator(), reason="No longer needed")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.chase_overdue(today) == 1
    late.refresh_from_db()
    assert late.chase_count == 1 and late.last_chased_at is not None
    chase = InformationChase.objects.get()
    assert chase.request == late and chase.chased_by is None and chase.recipients == len(police_answerers())
    assert sorted(m.to[0] for m in mail.outbox) == police_answerers()
    message = mail.outbox[0]
    assert late.reference in message.subject and "overdue" in message.subject
    for personal in (referral.given_names, referral.family_name, referral.reference, late.question):
        assert personal not in message.subject + message.body
    assert not InformationChase.objects.filter(request__in=[not_due, due_today, withdrawn]).exists()
    for other in (not_due, due_today):  # out of the way of the days below
        services.information_request_withdraw(info_request=other, user=coordinator(), reason="Not needed")

    # Not again the same day, nor the next two; again on the third day after.
    for days_later in (0, 1, 2):
        assert services.chase_overdue(today + timedelta(days=days_later)) == 0
    assert services.chase_overdue(today + timedelta(days=3)) == 1
    late.refresh_from_db()
    assert late.chase_count == 2
    # Once answered, never chased.
    police_answer(late, "At last")
    assert services.chase_overdue(today + timedelta(days=9)) == 0


def test_a_chase_emails_everyone_at_the_organisation_who_may_answer_at_the_site(
    referral, django_capture_on_commit_callbacks
):
    site = Site.objects.get(slug="northbridge")
    member = User.objects.create_user("officer@police.example", "x", full_name="Officer", organisation=police())
    Membership.objects.create(user=member, site=site, role=Role.PANEL_MEMBER)
    chair = User.objects.create_user("chair@police.example", "x", full_name="Chair", organisation=police())
    Membership.objects.create(user=chair, site=site, role=Role.CHAIR)  # a chair cannot answer
    gone = User.objects.create_user("gone@police.example", "x", full_name="Gone", organisation=police())
    Membership.objects.create(user=gone, site=site, role=Role.ADVISER, active=False)
    expected = sorted(set(police_answerers()) - {"gone@police.example", "chair@police.example"})
    assert "officer@police.example" in expected
    late = ask(referral)
    make_overdue(late)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.chase_overdue(timezone.localdate())
    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert InformationChase.objects.get().recipients == len(expected)


def test_the_daily_command_and_task_chase(referral):
    from childnrm.information.tasks import chase_overdue_information_requests

    late = ask(referral)
    make_overdue(late)
    out = io.StringIO()
    call_command("chase_information_requests", stdout=out)
    assert "Chased 1 overdue information request." in out.getvalue()
    assert InformationChase.objects.count() == 1
    later = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert chase_overdue_information_requests.call(later) == 1
    assert InformationChase.objects.count() == 2


def test_the_coordinator_chases_by_hand_once_a_day(client_as, referral):
    info_request = ask(referral)
    client = client_as(Role.COORDINATOR)
    url = reverse("information:chase", args=[info_request.reference])
    assert client.get(url).status_code == 405
    first = client.post(url, follow=True)
    assert "Reminder sent for request" in first.content.decode()
    second = client.post(url, follow=True)
    assert "already been chased today" in second.content.decode()
    chase = InformationChase.objects.get()
    assert chase.chased_by == coordinator()
    assert client.get(reverse("information:detail", args=[info_request.reference])).status_code == 200


def test_a_chase_with_nobody_to_email_is_recorded_and_shown(client_as, referral):
    nobody = Organisation.objects.create(name="Eastshire Youth Offending Team", type="other_agency")
    info_request = ask(referral, organisation=nobody, agency=Agency.YOUTH_JUSTICE, lawful_basis_detail=BASIS_IN_FULL)
    client = client_as(Role.COORDINATOR)
    response = client.post(reverse("information:chase", args=[info_request.reference]), follow=True)
    body = response.content.decode()
    assert "nobody at Eastshire Youth Offending Team can answer" in body
    assert InformationChase.objects.get().recipients == 0


def test_demo_data_is_idempotent(demo):
    from childnrm.demo.compose import load_demo_data

    before = InformationRequest.objects.count()
    load_demo_data(children_per_site=6)
    assert InformationRequest.objects.count() == before
    assert User.objects.filter(email=demo_email(Role.COORDINATOR, "northbridge")).exists()


def test_lists_take_the_same_number_of_queries_however_many_rows(client_as, referral, settings):

    # The session is renewed at most once a minute: a minute turning between two counts is not a query per row.
    settings.SESSION_RENEW_SECONDS = 3600

    client = client_as(Role.COORDINATOR)
    responder = signed_in(police_responder())
    ask(referral)

    def queries(c, url) -> int:
        with CountedQueries() as captured:
            assert c.get(url).status_code == 200
        return len(captured)

    urls = [(client, reverse("information:list")), (responder, reverse("information:inbox"))]
    urls.append((client, reverse("information:case", args=[referral.reference])))
    for c, url in urls:  # a session's first page looks up its site's language and renews the session, once
        c.get(url)
    before = [queries(c, url) for c, url in urls]
    for _ in range(5):
        ask(submitted_referral("northbridge"))
        ask(referral)
    assert [queries(c, url) for c, url in urls] == before


def test_answers_for_case_lists_what_was_shared(referral):
    from childnrm.information.selectors import answers_for_case

    first = ask(referral)
    police_answer(first, "Shared", uploads=[services.Upload(name="a.pdf", data=pdf_bytes())])
    ask(referral)  # not answered yet
    answers = list(answers_for_case(referral))
    assert [a.text for a in answers] == ["Shared"]
    assert [d.original_name for d in answers[0].documents.all()] == ["a.pdf"]


def test_a_request_reference_already_held_is_drawn_again(referral, reference_draws):
    # The request's reference is drawn in its own save (not a field default): the save that draws again sees it.
    held = ask(referral)
    reference_draws += [held.reference, "IR-ZZZZ7777"]
    again = ask(referral, question="Has he been seen with the same adults since?")
    again.refresh_from_db()
    assert again.reference == "IR-ZZZZ7777" and again.question == "Has he been seen with the same adults since?"


# A request ends with the case ---------------------------------------------------------------------


def _hand_off(referral, how: str):
    """The case leaves the panel that asked: at triage (to the SCA or another site), or by a transfer after it."""
    from childnrm.handovers.services import case_transfer

    three_rivers = Site.objects.get(slug="three-rivers")
    if how.startswith("triage"):
        triage_confirm(
            referral=referral,
            user=coordinator(),
            final_outcome=TriageOutcome.SCA if how == "triage_sca" else TriageOutcome.OTHER_SITE,
            final_site=None if how == "triage_sca" else three_rivers,
            reason="Lives in the Three Rivers area" if how == "triage_site" else "Turns 18 within 100 days",
        )
    else:
        case_transfer(
            child=referral.child,
            user=coordinator(),
            destination="sca" if how == "transfer_sca" else "site",
            to_site=None if how == "transfer_sca" else three_rivers,
            reason="Moved away",
        )
    referral.refresh_from_db()


WHY = {
    "triage_sca": "handed to the Home Office Single Competent Authority",
    "transfer_sca": "handed to the Home Office Single Competent Authority",
    "triage_site": "moved to another site's panel",
    "transfer_site": "moved to another site's panel",
}


@pytest.mark.parametrize("how", ["triage_sca", "triage_site", "transfer_sca", "transfer_site"])
def test_a_request_ends_with_the_case_it_is_no_longer_chased_or_answered_and_answers_stay(
    referral, how, django_capture_on_commit_callbacks
):
    if how.startswith("transfer"):
        triage_confirm(
            referral=referral, user=coordinator(), final_outcome=TriageOutcome.PANEL, final_site=None, reason=""
        )
    answered, waiting = ask(referral), ask(referral)
    police_answer(answered, "Known to us since March.")
    make_overdue(waiting, days=5)
    _hand_off(referral, how)
    mail.outbox.clear()
    if how.endswith("site"):  # the force answers at the receiving site too (else the case is out of its reach)
        Membership.objects.create(user=police_responder(), site=referral.site, role=Role.ADVISER)

    # Not chased, by the daily chase or by hand.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.chase_overdue(timezone.localdate()) == 0
    assert not InformationChase.objects.exists() and not mail.outbox
    holder = demo_user(Role.COORDINATOR, referral.site.slug)
    with pytest.raises(services.InformationError, match="ended with the case"):
        services.information_request_chase(info_request=waiting, user=holder)
    # Not answered: the agency is told why, and what to do instead.
    with pytest.raises(services.InformationError, match="ended with the case") as refused:
        police_answer(waiting, "Late answer")
    assert WHY[how] in refused.value.message
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.OPEN and not waiting.responses.exists() and not waiting.chases.exists()
    # What was shared before stays.
    assert answered.responses.get().text == "Known to us since March."
    assert services.ended_with_case(waiting) and not services.ended_with_case(answered)


def test_the_pages_say_a_request_ended_with_the_case(client_as, referral):
    answered, waiting = ask(referral), ask(referral)
    police_answer(answered, "Known to us since March.")
    make_overdue(waiting, days=5)
    _hand_off(referral, "triage_sca")
    client = client_as(Role.COORDINATOR)

    page = client.get(reverse("information:detail", args=[waiting.reference])).content.decode()
    assert "This request ended with the case" in page and WHY["triage_sca"] in page
    assert "Ended with the case" in page and "Overdue" not in page
    assert "Send a reminder now" not in page and "Withdraw this request" not in page
    chased = client.post(reverse("information:chase", args=[waiting.reference]), follow=True).content.decode()
    assert "ended with the case" in chased and not InformationChase.objects.exists()
    withdrawn = client.get(reverse("information:withdraw", args=[waiting.reference]), follow=True).content.decode()
    assert "ended with the case" in withdrawn
    answered_page = client.get(reverse("information:detail", args=[answered.reference])).content.decode()
    assert "Known to us since March." in answered_page and "ended with the case" not in answered_page

    # The lists: no longer open or overdue; among all, marked as ended.
    def listed(c, url, **params) -> set[str]:
        body = c.get(url, params).content.decode()
        return {r.reference for r in (answered, waiting) if f'data-reference="{r.reference}"' in body}

    assert listed(client, reverse("information:list")) == set()
    assert listed(client, reverse("information:list"), status="overdue") == set()
    assert listed(client, reverse("information:list"), status="all") == {answered.reference, waiting.reference}
    assert "Ended with the case" in client.get(reverse("information:list"), {"status": "all"}).content.decode()
    case_page = client.get(reverse("information:case", args=[referral.reference])).content.decode()
    assert "Ended with the case" in case_page

    agency = signed_in(police_responder())
    assert listed(agency, reverse("information:inbox")) == set()
    assert listed(agency, reverse("information:inbox"), status="all") == {answered.reference, waiting.reference}
    page = agency.get(reverse("information:detail", args=[waiting.reference])).content.decode()
    assert "Answer this request" not in page and WHY["triage_sca"] in page
    refused = agency.get(reverse("information:answer", args=[waiting.reference]), follow=True).content.decode()
    assert "ended with the case" in refused and WHY["triage_sca"] in refused
    posted = agency.post(reverse("information:answer", args=[waiting.reference]), answer_form(), follow=True)
    assert "ended with the case" in posted.content.decode() and not waiting.responses.exists()


def test_a_request_made_before_a_transfer_names_the_site_that_asked(client_as, referral):
    triage_confirm(referral=referral, user=coordinator(), final_outcome=TriageOutcome.PANEL, final_site=None, reason="")
    waiting = ask(referral)
    assert waiting.asking_site.slug == "northbridge"
    _hand_off(referral, "transfer_site")
    page = client_as(Role.COORDINATOR, "three-rivers").get(reverse("information:detail", args=[waiting.reference]))
    body = page.content.decode()
    assert "Northbridge" in body and "This request ended with the case" in body
