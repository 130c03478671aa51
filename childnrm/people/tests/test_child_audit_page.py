"""The child's "who has seen or changed this" page: every event about the child's case, not only the
record itself (security finding 14.4), paged, without a query per row, for the coordinator only."""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.decisions.tests.factories import final_decision
from childnrm.information.models import ResponseDocument
from childnrm.information.tests.test_information import answer_form, ask, upload
from childnrm.letters.services import letters_produce
from childnrm.letters.tests.factories import allocate
from childnrm.panels.tests.factories import accept, accepted_referral
from childnrm.people.models import Child
from childnrm.referrals.services import referral_document_add, referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from childnrm.safeguarding.models import SafeguardingPlan
from conftest import demo_user, signed_in

NB = "northbridge"


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(out, "PDF")
    return out.getvalue()


def referral_with_document():
    user = demo_user(Role.FIRST_RESPONDER, NB)
    draft = referral_start(user=user)
    draft = referral_save(referral=draft, user=user, data=complete_answers(Site.objects.get(slug=NB)))
    document = referral_document_add(referral=draft, user=user, data=pdf(), original_name="statement.pdf")
    return accept(referral_submit(referral=draft, user=user)), document


def audit_page(reference: str, page: int = 1):
    client = signed_in(demo_user(Role.COORDINATOR, NB))
    return client.get(reverse("people:audit", args=[reference]) + f"?page={page}")


def seen(response) -> set[tuple[int | None, str, str, str]]:
    return {
        (row["event"].actor_id, row["event"].action, row["event"].object_type, row["event"].object_id)
        for row in response.context["page"].object_list
    }


def test_the_page_lists_every_access_to_the_childs_case_by_others_and_nothing_of_another_child(demo, private_storage):
    referral, document = referral_with_document()
    decision = final_decision(NB, referral=referral)  # at a sitting in session, the case on its agenda
    child = referral.child
    chair, guardian, responder = (demo_user(r, NB) for r in (Role.CHAIR, Role.ICTG, Role.FIRST_RESPONDER))
    coordinator = demo_user(Role.COORDINATOR, NB)
    allocate(referral, guardian)

    # The chair reads the decision record.
    assert signed_in(chair).get(reverse("decisions:detail", args=[decision.pk])).status_code == 200
    # The guardian downloads a case paper at the sitting, then the outcome letter.
    item = decision.agenda_item
    paper = reverse("panels:paper-document", args=[item.meeting_id, item.pk]) + f"?document={document.pk}"
    assert signed_in(guardian).get(paper).status_code == 200
    letter = letters_produce(decision=decision, user=coordinator).letters[0]
    assert signed_in(guardian).get(reverse("letters:download", args=[letter.pk])).status_code == 200
    # The guardian reads the safeguarding plan agreed at the sitting (before the decision was signed off).
    plan = SafeguardingPlan.objects.get(child=child, agreed_at_meeting=decision.meeting)
    assert signed_in(guardian).get(reverse("safeguarding:plan", args=[plan.pk])).status_code == 200
    # The police answer a request for information, with a document, and download it again.
    info_request = ask(referral)
    answering = signed_in(responder)
    answered = answering.post(
        reverse("information:answer", args=[info_request.reference]),
        answer_form(documents=[upload("custody record.pdf", pdf())]),
    )
    assert answered.status_code == 302
    answer_document = ResponseDocument.objects.get(response__request=info_request)
    url = reverse("information:document", args=[info_request.reference, answer_document.pk])
    assert answering.get(url).status_code == 200

    # Another child's case, seen by the same chair: not on this child's page.
    other = final_decision(NB, referral=accepted_referral(NB))
    assert other.referral.child != child
    assert signed_in(chair).get(reverse("decisions:detail", args=[other.pk])).status_code == 200

    response = audit_page(child.reference)
    assert response.status_code == 200
    listed = seen(response)
    answer = answer_document.response
    for expected in (
        (chair.pk, "view", "decisions.decision", str(decision.pk)),
        (guardian.pk, "download", "referrals.referral", str(referral.pk)),  # the case paper
        (guardian.pk, "download", "letters.letter", str(letter.pk)),
        (guardian.pk, "view", "people.child", str(child.pk)),  # the plan
        (responder.pk, "create", "information.informationresponse", str(answer.pk)),
        (responder.pk, "download", "information.responsedocument", str(answer_document.pk)),
        (coordinator.pk, "create", "information.informationrequest", str(info_request.pk)),
    ):
        assert expected in listed, expected
    theirs = {str(other.pk), str(other.referral_id), str(other.referral.child_id)}
    others = [e for e in listed if e[1:3] in {("view", "decisions.decision")} and e[3] in theirs]
    assert not others
    other_child_events = AuditEvent.objects.filter(object_type="decisions.decision", object_id=str(other.pk))
    assert other_child_events.exists()
    assert not {e.pk for e in other_child_events} & {r["event"].pk for r in response.context["page"].object_list}

    # Who, with their organisation and role, what, and why.
    body = response.content.decode()
    assert f"{chair.full_name}, {chair.organisation.name}" in body
    assert "Panel chair" in body and "Decision: " in body and "Letter" in body and "Referral: case papers" in body
    chair_view = AuditEvent.objects.filter(actor=chair, object_type="decisions.decision", object_id=str(decision.pk))
    assert chair_view.latest("seq").purpose in body


def test_the_page_is_paged_and_costs_the_same_queries_however_much_the_case_holds(demo, private_storage):
    referral, _document = referral_with_document()
    busy = referral.child
    quiet = Child.objects.filter(site__slug=NB).exclude(pk=busy.pk).order_by("pk").first()
    decision = final_decision(NB, referral=referral)
    chair = signed_in(demo_user(Role.CHAIR, NB))
    for _ in range(60):  # more than a page
        chair.get(reverse("decisions:detail", args=[decision.pk]))

    def queries(reference: str, page: int = 1) -> int:
        with CountedQueries() as captured:
            assert audit_page(reference, page).status_code == 200
        return len(captured)

    audit_page(quiet.reference)  # warm: sessions, the first write of the page's own event
    assert queries(busy.reference) == queries(quiet.reference)
    # Page 2 first: reading page 1 adds the reader's own event at the top, shifting what follows.
    second, first = audit_page(busy.reference, 2), audit_page(busy.reference)
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count >= 60
    assert not {r["event"].pk for r in first.context["page"].object_list} & {
        r["event"].pk for r in second.context["page"].object_list
    }


def test_only_the_sites_coordinator_sees_the_page(demo):
    child = Child.objects.filter(site__slug=NB).order_by("pk").first()
    url = reverse("people:audit", args=[child.reference])
    assert signed_in(demo_user(Role.ICTG, NB)).get(url).status_code == 403
    assert signed_in(demo_user(Role.COORDINATOR, "three-rivers")).get(url).status_code == 404
