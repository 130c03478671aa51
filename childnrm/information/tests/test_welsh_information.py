"""Information requests and sharing protocols in Welsh, as each role of a Welsh site that reaches them (ADR 0023,
issue 13).

Northbridge is made a Welsh site (its users see Welsh until they choose otherwise). One case is asked about four
times, so that every branch a person meets is drawn: a request relying on a protocol, overdue and chased by hand; one
answered with a document; one withdrawn; and one to an organisation with no protocol, stating its lawful basis in
full, chased with nobody to email. The site's police protocol is changed (version 2) and its signed copies uploaded
twice; its health protocol is due for review, and a lapsed one is recorded. What people typed (questions,
purposes, answers, reasons, the protocols' terms, file names) and names stay as written; everything else must be
Welsh. The emails to the organisation asked go in each reader's language.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.information import services, services_protocols
from childnrm.information.models import (
    InformationRequest,
    InformationResponse,
    LawfulBasis,
    ProtocolBasis,
    ProtocolDocument,
    SharingProtocol,
)
from childnrm.information.services import Upload
from childnrm.information.tests.test_information import pdf_bytes
from childnrm.panels.models import Agency
from childnrm.referrals.models import Referral
from conftest import demo_user, signed_in

NB = "northbridge"
# Wales offers its own statutes beside the UK GDPR's (accounts.nations): Children Act 2004 section 28.
WALES_BASIS = LawfulBasis.CHILDREN_ACT_2004_S28
BASIS_IN_FULL = "UK GDPR Article 6(1)(e) public task; Children Act 2004 section 28: the panel must safeguard the child"


@pytest.fixture(autouse=True)
def _files_in_private_storage(private_storage):
    return private_storage


def police() -> Organisation:
    return Organisation.objects.get(name="Northbridge Police")


def charity() -> Organisation:
    return Organisation.objects.get(name="Safe Futures Children's Charity")


def coordinator() -> User:
    return demo_user(Role.COORDINATOR)


def responder() -> User:
    """The demo first responder works for the site's police force: they answer its requests."""
    return demo_user(Role.FIRST_RESPONDER)


def _ask(referral: Referral, **overrides) -> InformationRequest:
    fields = dict(
        referral=referral,
        user=coordinator(),
        organisation=police(),
        agency=Agency.POLICE,
        question="What do you know about the adults he was found with?",
        purpose="To decide reasonable grounds and plan his safeguarding",
        lawful_basis=WALES_BASIS,
        due_on=timezone.localdate() + timedelta(days=10),
    )
    fields.update(overrides)
    return services.information_request_create(**fields)


@pytest.fixture
def welsh_information(welsh_site, django_capture_on_commit_callbacks) -> dict:
    referral = accepted_referral(NB)
    with django_capture_on_commit_callbacks(execute=True):
        overdue = _ask(referral)
        InformationRequest.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=4))
        overdue.refresh_from_db()
        services.information_request_chase(info_request=overdue, user=coordinator())
        answered = _ask(referral, question="Has he been reported missing before?")
        services.information_response_create(
            info_request=answered,
            user=responder(),
            text="He was reported missing three times last year.",
            lawful_basis=WALES_BASIS,
            purpose="To decide reasonable grounds",
            uploads=[Upload(name="missing-episodes.pdf", data=pdf_bytes())],
        )
        withdrawn = _ask(referral, question="Any intelligence on the address?")
        services.information_request_withdraw(
            info_request=withdrawn, user=coordinator(), reason="The police answered at the strategy meeting."
        )
        unprotected = _ask(
            referral,
            organisation=charity(),
            agency=Agency.NGO,
            question="Has he used your drop-in service?",
            lawful_basis_detail=BASIS_IN_FULL,
        )
        services.information_request_chase(info_request=unprotected, user=coordinator())
    # The police protocol: changed (version 2), with a signed copy of each version.
    protocol = SharingProtocol.objects.get(site__slug=NB, organisation=police())
    services_protocols.protocol_document_add(
        protocol=protocol, user=coordinator(), upload=Upload(name="signed-v1.pdf", data=pdf_bytes())
    )
    terms = {name: getattr(protocol, name) for name in services_protocols.PROTOCOL_FIELDS}
    terms["lawful_bases"] = [ProtocolBasis.GDPR_PUBLIC_TASK, ProtocolBasis.CHILDREN_ACT_2004_S28]
    protocol = services_protocols.protocol_change(
        protocol=protocol, user=coordinator(), **{**terms, "title": "Northbridge and its police: version two"}
    )
    services_protocols.protocol_document_add(
        protocol=protocol, user=coordinator(), upload=Upload(name="signed-v2.pdf", data=pdf_bytes())
    )
    # A lapsed protocol with the charity, never signed.
    today = timezone.localdate()
    lapsed = services_protocols.protocol_create(
        site=welsh_site,
        user=coordinator(),
        organisation=charity(),
        title="Safe Futures drop-in sharing",
        parties="Northbridge City Council\nSafe Futures Children's Charity",
        information_shared="Drop-in attendance",
        purpose="Safeguarding children at risk of exploitation",
        lawful_bases=[ProtocolBasis.GDPR_PUBLIC_TASK, ProtocolBasis.SSWB_WALES_2014_S130],
        lawful_basis_detail="",
        signatories="Head of service, Safe Futures",
        starts_on=today - timedelta(days=400),
        review_on=today - timedelta(days=30),
    )
    return {
        "referral": referral,
        "overdue": overdue,
        "answered": answered,
        "withdrawn": withdrawn,
        "unprotected": unprotected,
        "protocols": [protocol, lapsed, *SharingProtocol.objects.filter(site__slug=NB).exclude(pk=protocol.pk)],
    }


def typed_and_names() -> list[str]:
    """What an information page may show as it was written: people's, organisations', sites' and children's names,
    and what the coordinators and agencies typed."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    found += [r.child_display_name for r in Referral.objects.all()]
    for row in InformationRequest.objects.values("question", "purpose", "withdrawn_reason", "lawful_basis_detail"):
        found += row.values()
    for row in InformationResponse.objects.values("text", "purpose"):
        found += row.values()
    for protocol in SharingProtocol.objects.all():
        found += [
            protocol.title,
            protocol.parties,
            protocol.information_shared,
            protocol.purpose,
            protocol.lawful_basis_detail,
            *protocol.parties.splitlines(),
            *protocol.signatories.splitlines(),
            *protocol.information_shared.splitlines(),
        ]
    found += ProtocolDocument.objects.values_list("original_name", flat=True)
    found += ["missing-episodes.pdf"]
    return [f for f in found if f]


def found(client, paths: list[str]) -> list[str]:
    """The paths, each checked to be a page the client reaches (a 404 in Welsh would pass the walk unseen)."""
    for path in paths:
        assert client.get(path).status_code == 200, path
    return paths


def coordinator_paths(data: dict) -> list[str]:
    referral = data["referral"]
    paths = [
        reverse("information:list"),
        reverse("information:list") + "?status=all",
        reverse("information:list") + "?status=overdue&case=" + referral.reference,
        reverse("information:list") + "?status=all&case=NRM-NOSUCH1",
        reverse("information:case", args=[referral.reference]),
        reverse("information:new", args=[referral.reference]),
        reverse("information:protocols"),
        reverse("information:protocol-new"),
    ]
    for key in ("overdue", "answered", "withdrawn", "unprotected"):
        paths.append(reverse("information:detail", args=[data[key].reference]))
    paths.append(reverse("information:withdraw", args=[data["overdue"].reference]))
    for protocol in data["protocols"]:
        paths += [
            reverse("information:protocol", args=[protocol.reference]),
            reverse("information:protocol-change", args=[protocol.reference]),
            reverse("information:protocol-upload", args=[protocol.reference]),
        ]
    return paths


def test_a_welsh_sites_coordinator_sees_information_requests_and_protocols_in_welsh(welsh_information):
    client = signed_in(coordinator())
    page = client.get(reverse("information:detail", args=[welsh_information["overdue"].reference])).content.decode()
    assert "Cais am wybodaeth" in page and "Nodiadau atgoffa" in page and "diwrnod yn hwyr" in page
    assert walk_in_welsh(client, found(client, coordinator_paths(welsh_information)), names=typed_and_names()) == {}


def test_the_agency_asked_sees_its_requests_in_welsh(welsh_information):
    client = signed_in(responder())
    paths = [
        reverse("information:inbox"),
        reverse("information:inbox") + "?status=all",
        reverse("information:inbox") + "?status=withdrawn",
        reverse("information:answer", args=[welsh_information["overdue"].reference]),
    ]
    for key in ("overdue", "answered", "withdrawn"):
        paths.append(reverse("information:detail", args=[welsh_information[key].reference]))
    page = client.get(paths[0]).content.decode()
    assert "Ceisiadau am wybodaeth" in page
    assert walk_in_welsh(client, found(client, paths), names=typed_and_names()) == {}


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.ADVISER])
def test_every_agency_users_inbox_is_in_welsh(welsh_information, role):
    client = signed_in(demo_user(role))
    paths = [reverse("information:inbox"), reverse("information:inbox") + "?status=answered"]
    assert walk_in_welsh(client, found(client, paths), names=typed_and_names()) == {}


def test_information_forms_errors_and_messages_are_in_welsh(welsh_information):
    client = signed_in(coordinator())
    names = typed_and_names()
    referral = welsh_information["referral"]
    overdue = welsh_information["overdue"]
    # The request form sent empty: the error summary and each message in Welsh.
    page = client.post(reverse("information:new", args=[referral.reference]), {}).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch y sefydliad rydych chi’n ei holi" in page
    assert english_left(page, names=names) == []
    # The organisation with no protocol, and no basis stated: the service's message, in Welsh.
    due = timezone.localdate() + timedelta(days=7)
    asked = {
        "organisation": str(charity().pk),
        "agency": Agency.NGO,
        "question": "Anything on his friends?",
        "purpose": "Planning",
        "lawful_basis": WALES_BASIS,
        "due_on_day": str(due.day),
        "due_on_month": str(due.month),
        "due_on_year": str(due.year),
    }
    page = client.post(reverse("information:new", args=[referral.reference]), asked).content.decode()
    assert "nodwch y sail gyfreithlon yn llawn" in page
    assert english_left(page, names=[*names, "Anything on his friends?", "Planning"]) == []
    # Sent with the basis in full: the confirmation.
    asked["lawful_basis_detail"] = BASIS_IN_FULL
    page = client.post(reverse("information:new", args=[referral.reference]), asked, follow=True).content.decode()
    assert "Anfonwyd cais" in page
    assert english_left(page, names=[*typed_and_names(), "Anything on his friends?", "Planning"]) == []
    # The withdrawal form sent empty, then a reminder sent by hand (already chased today), then withdrawn.
    page = client.post(reverse("information:withdraw", args=[overdue.reference]), {"reason": ""}).content.decode()
    assert "Rhowch pam rydych chi’n tynnu’r cais yn ôl" in page and english_left(page, names=names) == []
    page = client.post(reverse("information:chase", args=[overdue.reference]), follow=True).content.decode()
    assert "eisoes wedi’i anfon" in page and english_left(page, names=names) == []
    reason = {"reason": "Answered at the strategy meeting"}
    page = client.post(reverse("information:withdraw", args=[overdue.reference]), reason, follow=True)
    page = page.content.decode()
    assert "Tynnwyd cais" in page
    assert english_left(page, names=[*names, reason["reason"]]) == []
    # The protocol forms sent empty.
    page = client.post(reverse("information:protocol-new"), {}).content.decode()
    assert "Dewiswch y sefydliad partner" in page and english_left(page, names=names) == []
    protocol = welsh_information["protocols"][0]
    page = client.post(reverse("information:protocol-upload", args=[protocol.reference]), {}).content.decode()
    assert "Dewiswch y protocol wedi’i lofnodi" in page and english_left(page, names=names) == []


def test_the_agency_answers_in_welsh(welsh_information):
    client = signed_in(responder())
    names = typed_and_names()
    url = reverse("information:answer", args=[welsh_information["unprotected"].reference])
    # The charity's request is not the police's: the police see nothing of it.
    assert client.get(url).status_code == 404
    url = reverse("information:answer", args=[welsh_information["overdue"].reference])
    page = client.post(url, {"text": ""}).content.decode()
    assert "Rhowch yr wybodaeth rydych chi’n ei rhannu" in page and "Os dewisoch ffeiliau" in page
    assert english_left(page, names=names) == []
    answer = {
        "text": "Nothing further is known.",
        "lawful_basis": WALES_BASIS,
        "purpose": "Reasonable grounds",
        "confirm": "on",
    }
    page = client.post(url, answer, follow=True).content.decode()
    assert "Mae eich ateb i gais" in page
    assert english_left(page, names=[*names, answer["text"], answer["purpose"]]) == []


def test_the_emails_to_the_organisation_asked_are_in_each_readers_language(welsh_information):
    """A Welsh site's police are told and reminded in Welsh; another site's in English."""
    welsh = services.request_email(welsh_information["overdue"], responder())
    assert welsh.subject.startswith("Cais am wybodaeth IR-")
    assert "Peidiwch ag ateb yr e-bost hwn." in welsh.body and "Do not reply" not in welsh.body
    reminder = services.chase_email(welsh_information["overdue"], responder())
    assert reminder.subject.startswith("Nodyn atgoffa:") and "Sign in" not in reminder.body
    english = services.request_email(welsh_information["overdue"], demo_user(Role.FIRST_RESPONDER, "three-rivers"))
    assert english.subject.startswith("Information request IR-") and "Do not reply" in english.body
    # The chase sent by hand at setting up went in Welsh too.
    sent = [m for m in mail.outbox if responder().email in m.to]
    assert sent and all("Peidiwch ag ateb" in m.body for m in sent)


def test_a_wales_site_offers_the_lawful_bases_in_welsh(welsh_information):
    page = signed_in(coordinator()).get(reverse("information:new", args=[welsh_information["referral"].reference]))
    body = page.content.decode()
    assert "Deddf Plant 2004 adran 28 (dyletswydd i ddiogelu, Cymru)" in body
    # The audit trail keeps the English label, whatever the page's language.
    with translation.override("cy"):
        detail = services.share_detail(lawful_basis=WALES_BASIS, purpose="x")
    assert detail["lawful_basis_label"] == "Children Act 2004 section 28 (duty to safeguard, Wales)"


def test_a_list_a_page_at_a_time_says_its_count_and_page_in_one_welsh_phrase(welsh_information, monkeypatch):
    """The caption is one message for each plural form, with the page in it (not ", page N of M" added on)."""
    from childnrm.information import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    for user, path in ((coordinator(), reverse("information:list")), (responder(), reverse("information:inbox"))):
        page = signed_in(user).get(path + "?status=all").content.decode()
        caption = re.search(r'<caption id="\w+-caption"[^>]*>(.*?)</caption>', page, re.S).group(1)
        count = int(caption.split()[0])
        assert count > 1 and caption == f"{count} {'gais' if count == 2 else 'cais'}, tudalen 1 o {count}", caption
