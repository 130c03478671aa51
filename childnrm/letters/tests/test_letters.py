"""Letters about a final decision: what they say, who may produce and read them, the guardian's notice,
the record of explaining the decision to the child, and the audit of each."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import Membership, Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.letters import content, services
from childnrm.letters.models import DecisionExplanation, GuardianNotice, Letter, LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.pdftext import pdf_text, pdf_title
from childnrm.people.models import AssociationKind

pytestmark = pytest.mark.django_db


def page_url(decision) -> str:
    return reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})


def html_of(letter: Letter) -> str:
    """The letter's HTML as it was rendered into its PDF (the same function makes both)."""
    referral = letter.decision.referral
    return services.letter_html(
        letter.content,
        kind=letter.kind,
        reference=referral.reference,
        site_name=referral.site.name,
        produced_on=timezone.localtime(letter.produced_at).date(),
    )


def produce(decision, role=Role.COORDINATOR) -> services.Produced:
    return services.letters_produce(decision=decision, user=staff(role, decision.referral.site.slug))


def by_kind(produced: services.Produced) -> dict[str, Letter]:
    return {letter.kind: letter for letter in produced.letters}


def test_a_positive_reasonable_grounds_decision_gets_both_letters_as_real_pdfs_with_the_facts(demo):
    decided = timezone.localdate() - timedelta(days=2)
    decision = final_decision("northbridge", decided_on=decided)
    referral = decision.referral
    letters = by_kind(produce(decision))

    assert set(letters) == {LetterKind.REFERRER_OUTCOME, LetterKind.CHILD_FRIENDLY}
    for letter in letters.values():
        stored = Letter.objects.get(pk=letter.pk)
        pdf = bytes(stored.pdf)
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
        assert stored.sha256 == hashlib.sha256(pdf).hexdigest()
        assert b"/URI" not in pdf  # nothing in it points outside

    formal = content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    html = html_of(letters[LetterKind.REFERRER_OUTCOME])
    printed = pdf_text(bytes(letters[LetterKind.REFERRER_OUTCOME].pdf))
    assert pdf_title(bytes(letters[LetterKind.REFERRER_OUTCOME].pdf)) == (
        f"Outcome of the reasonable grounds decision on referral {referral.reference}"
    )
    coordinator = staff(Role.COORDINATOR)
    for fact in (
        referral.reference,
        referral.child.reference,
        "Reasonable grounds, positive: there are reasonable grounds to believe that the child is a victim",
        content.long_date(decided),
        # The guidance by its title, not its code (the Cardiff walk of issue 13).
        "Modern Slavery Statutory Guidance from 10 July 2023",
        "reasonable grounds to believe, based on all available general and specific evidence",
        "Recruitment, Transport",
        "Criminal exploitation",
        "gaps in dates are expected after trauma",
        "recovery period of at least 30 calendar days",
        f"will not be made before {content.long_date(decided + timedelta(days=30))}",
        f"{coordinator.full_name}, panel coordinator, Northbridge Child Panel",
        coordinator.email,
    ):
        assert fact in formal, fact
        assert fact.replace("'", "&#39;") in html, fact
        assert fact in printed, fact
    assert decision.guidance_version not in formal
    # The referrer follows the case by its reference: the formal letter does not name the child.
    assert referral.child.display_name not in formal and referral.child.display_name not in printed
    assert "judicial review" not in formal

    child_text = content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)
    child_printed = pdf_text(bytes(letters[LetterKind.CHILD_FRIENDLY].pdf))
    for paragraph in (
        p for section in letters[LetterKind.CHILD_FRIENDLY].content["sections"] for p in section["paragraphs"]
    ):
        assert paragraph in child_printed, paragraph
    assert f"Dear {referral.child.given_names.split()[0]}" in child_text
    assert "This is the first step" in child_text and "not your fault" in child_text
    assert "font-size: 18pt" in html_of(letters[LetterKind.CHILD_FRIENDLY])  # large type


def test_a_negative_decision_letter_gives_the_reconsideration_deadline_and_judicial_review(demo, site):
    site.reconsideration_window_days = 21
    site.save()
    decided = timezone.localdate() - timedelta(days=5)
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE, decided_on=decided)
    # Final 5 days ago, at the sitting; communicated today, when the letter is produced: the window starts today.
    Decision.objects.filter(pk=decision.pk).update(finalised_at=timezone.now() - timedelta(days=5))
    letter = by_kind(produce(decision))[LetterKind.REFERRER_OUTCOME]
    formal = content.letter_text(letter.content)
    printed = pdf_text(bytes(letter.pdf))
    last_day = content.long_date(timezone.localdate() + timedelta(days=21))
    assert "Reasonable grounds, negative: there are not reasonable grounds to believe that the child" in formal
    assert f"by {last_day}" in printed and "judicial review" in printed
    assert f"reconsider this decision by {last_day} (the window runs from the day the decision was final" in formal
    assert content.long_date(decided + timedelta(days=21)) not in formal  # not from the sitting date
    assert "not an appeal" in formal and "judicial review" in formal
    assert "recovery period" not in formal


def test_both_letters_print_the_true_last_day_and_a_later_letter_prints_the_same_day(demo, site, client_as):
    """The window opens when the referrer's letter is first produced: the referrer's and the child's letters,
    the letters page and the request page all give its last day, and producing the letters again does not move it."""
    from childnrm.reviews import services as review_services
    from childnrm.reviews.models import ReconsiderationWindow

    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    assert review_services.window_closes_on(decision) is None  # not yet communicated: not started
    page = client_as(Role.COORDINATOR).get(page_url(decision)).content.decode()
    assert "Not started: the window opens when the referrer" in page
    letters = by_kind(produce(decision))
    window = ReconsiderationWindow.objects.get(decision=decision)
    assert window.communicated_on == timezone.localdate()
    assert window.last_day == timezone.localdate() + timedelta(days=site.reconsideration_window_days)
    last_day = content.long_date(window.last_day)
    assert f"by {last_day}" in content.letter_text(letters[LetterKind.REFERRER_OUTCOME].content)
    assert f"They have until {last_day} to ask." in content.letter_text(letters[LetterKind.CHILD_FRIENDLY].content)
    assert last_day in pdf_text(bytes(letters[LetterKind.CHILD_FRIENDLY].pdf))
    page = client_as(Role.COORDINATOR).get(page_url(decision)).content.decode()
    assert f'id="reconsideration-ends">{last_day}<' in page

    # The site's setting changes, then the letters are produced again: the window and its last day stand.
    site.reconsideration_window_days = 45
    site.save()
    again = by_kind(services.letters_produce(decision=decision, user=staff(Role.COORDINATOR), letters_seen=2))
    assert f"by {last_day}" in content.letter_text(again[LetterKind.REFERRER_OUTCOME].content)
    assert ReconsiderationWindow.objects.filter(decision=decision).count() == 1


def test_a_positive_decision_opens_no_reconsideration_window(demo):
    from childnrm.reviews.models import ReconsiderationWindow

    decision = final_decision("northbridge", outcome=Outcome.POSITIVE)
    formal = content.letter_text(by_kind(produce(decision))[LetterKind.REFERRER_OUTCOME].content)
    assert "reconsider" not in formal
    assert not ReconsiderationWindow.objects.filter(decision=decision).exists()


def test_a_conclusive_grounds_letter_and_a_site_deciding_both_at_one_sitting(demo, site):
    positive_cg = final_decision("northbridge", stage=Stage.CONCLUSIVE_GROUNDS)
    formal = content.letter_text(by_kind(produce(positive_cg))[LetterKind.REFERRER_OUTCOME].content)
    assert "Conclusive grounds, positive: on the balance of probabilities, the child is a victim" in formal
    assert "recognised as a victim of modern slavery" in formal

    site.rg_and_cg_at_one_sitting = True
    site.save()
    rg = final_decision("northbridge")
    formal = content.letter_text(by_kind(produce(rg))[LetterKind.REFERRER_OUTCOME].content)
    assert "can be at the same sitting" in formal and "will not be made before" not in formal


@pytest.mark.parametrize("status", [DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW, DecisionStatus.SUPERSEDED])
def test_no_letters_or_explanations_for_a_decision_that_is_not_final(demo, client_as, status):
    decision = final_decision("northbridge", status=status)
    with pytest.raises(services.LetterError):
        produce(decision)
    with pytest.raises(services.LetterError):
        services.explanation_record(
            decision=decision,
            user=demo_user_coordinator(),
            explained_by_name="Sam Jones",
            explained_by_role="Social worker",
            explained_on=timezone.localdate(),
            how="in_person",
        )

    client = client_as(Role.COORDINATOR)
    page = client.get(page_url(decision)).content.decode()
    assert "Produce both letters" not in page and "Record who explained" not in page
    response = client.post(reverse("letters:produce", kwargs={"letters_decision_id": decision.pk}), follow=True)
    assert response.status_code == 200
    expected = "superseded by a later version" if status == DecisionStatus.SUPERSEDED else "not final yet"
    assert expected in response.content.decode()
    assert not Letter.objects.filter(decision=decision).exists()
    add = client.get(reverse("letters:explanation-add", kwargs={"letters_decision_id": decision.pk}))
    assert add.status_code == 302
    assert not DecisionExplanation.objects.exists()


def demo_user_coordinator():
    return staff(Role.COORDINATOR)


def test_producing_tells_each_allocated_guardian_once_by_reference_only(demo, django_capture_on_commit_callbacks):
    decision = final_decision("northbridge")
    referral = decision.referral
    guardian = staff(Role.ICTG)
    allocate(referral, guardian)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        produced = produce(decision)
    assert [n.guardian for n in produced.notices] == [guardian]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [guardian.email]
    assert email.subject == f"Panel decision on referral {referral.reference}"
    assert page_url(decision) in email.body and referral.child.reference in email.body
    for personal in (referral.child.display_name, referral.child.given_names, "positive", "victim"):
        assert personal not in email.subject and personal not in email.body

    # Producing the pair again keeps both pairs but does not tell the guardian twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = produce(decision)
    assert again.notices == [] and mail.outbox == []
    assert Letter.objects.filter(decision=decision).count() == 4
    assert GuardianNotice.objects.filter(decision=decision).count() == 1


@pytest.mark.parametrize(
    ("language", "guardians", "said"),
    [
        ("en", 0, "Letters produced for referral {reference}"),
        ("en", 1, "Letters produced for referral {reference}. 1 guardian told"),
        ("en", 2, "Letters produced for referral {reference}. 2 guardians told"),
        ("cy", 1, "Crëwyd llythyrau ar gyfer atgyfeiriad {reference}. Rhoddwyd gwybod i 1 gwarcheidwad"),
        ("cy", 2, "Crëwyd llythyrau ar gyfer atgyfeiriad {reference}. Rhoddwyd gwybod i 2 warcheidwad"),
    ],
)
def test_producing_says_how_many_guardians_were_told_in_one_sentence_of_the_readers_language(
    demo, site, client_as, language, guardians, said
):
    """One whole message for each number (Welsh has four forms, and mutates the noun after 2), not pieces glued."""
    from childnrm.people.models import ChildAssociation

    if language == "cy":
        site.default_language = "cy"
        site.save(update_fields=["default_language"])
    decision = final_decision("northbridge")
    ChildAssociation.objects.filter(child=decision.referral.child).delete()
    for role in (Role.ICTG, Role.ADVISER)[:guardians]:
        # A second guardian: the demo adviser, given the guardian role (letters tell only guardians of the site).
        Membership.objects.get_or_create(user=staff(role), site=site, role=Role.ICTG)
        allocate(decision.referral, staff(role))
    url = reverse("letters:produce", kwargs={"letters_decision_id": decision.pk})
    response = client_as(Role.COORDINATOR).post(url, {"letters_seen": "0"}, follow=True)
    banner = re.search(r'<p class="govuk-notification-banner__heading">(.*?)</p>', response.content.decode(), re.S)
    assert banner and banner.group(1).strip() == said.format(reference=decision.referral.reference)


def test_the_tell_the_guardian_action_for_a_guardian_allocated_later(
    demo, client_as, django_capture_on_commit_callbacks
):
    decision = final_decision("northbridge")
    produce(decision)
    client = client_as(Role.COORDINATOR)
    url = reverse("letters:tell-guardian", kwargs={"letters_decision_id": decision.pk})
    response = client.post(url, follow=True)
    assert "No guardian is allocated to this child" in response.content.decode()

    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    assert "Tell the guardian" in client.get(page_url(decision)).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    body = response.content.decode()
    assert f"Guardian told: {guardian.full_name}" in body
    assert GuardianNotice.objects.filter(decision=decision, guardian=guardian).count() == 1
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    assert "Tell the guardian</button>" not in body
    response = client.post(url, follow=True)
    assert "already been told" in response.content.decode()
    event = AuditEvent.objects.filter(action=Action.CREATE, object_id=str(decision.pk)).latest("seq")
    assert event.detail["guardian_notices"] and event.purpose == "Communicating a decision"


def test_a_guardian_whose_allocation_ended_is_not_told(demo):
    decision = final_decision("northbridge")
    association = allocate(decision.referral, staff(Role.ICTG))
    association.ends_at = timezone.now()
    association.save()
    assert produce(decision).notices == []


def test_download_is_an_attachment_named_by_reference_kept_as_produced_and_audited(demo, client_as):
    decision = final_decision("northbridge")
    letters = by_kind(produce(decision))
    letter = letters[LetterKind.CHILD_FRIENDLY]
    response = client_as(Role.COORDINATOR).get(reverse("letters:download", kwargs={"letter_id": letter.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{decision.referral.reference}-letter-for-the-child-{letter.pk}.pdf"'
    assert decision.referral.child.given_names not in disposition
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.content).hexdigest() == letter.sha256
    event = AuditEvent.objects.filter(action=Action.DOWNLOAD).latest("seq")
    assert (event.object_type, event.object_id) == ("letters.letter", str(letter.pk))
    assert event.actor == demo_user_coordinator() and event.purpose == "Communicating a decision"


def test_producing_is_audited_and_refused_to_anyone_without_the_permission(demo):
    decision = final_decision("northbridge")
    before = AuditEvent.objects.count()
    produced = produce(decision)
    event = AuditEvent.objects.filter(action=Action.CREATE, object_type="decisions.decision").latest("seq")
    assert AuditEvent.objects.count() == before + 1
    assert event.object_id == str(decision.pk) and event.site_id == decision.referral.site_id
    assert event.detail["letters"] == [letter.pk for letter in produced.letters]
    assert event.detail["sha256"] == [letter.sha256 for letter in produced.letters]
    for role in (Role.CHAIR, Role.ICTG, Role.FIRST_RESPONDER):
        with pytest.raises(PermissionDenied):
            produce(decision, role)
    other_site_coordinator = staff(Role.COORDINATOR, "three-rivers")
    with pytest.raises(PermissionDenied):
        services.letters_produce(decision=decision, user=other_site_coordinator)


def test_the_page_lists_the_letters_and_shows_them_only_to_the_coordinator_and_the_childs_guardian(demo, client_as):
    decision = final_decision("northbridge")
    letters = produce(decision).letters
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(page_url(decision)).content.decode()
    for letter in letters:
        assert reverse("letters:download", kwargs={"letter_id": letter.pk}) in page
    assert "Produce the letters again" in page
    view = AuditEvent.objects.filter(action=Action.VIEW, object_id=str(decision.pk)).latest("seq")
    assert view.detail == {"page": "letters"}

    guardian = client_as(Role.ICTG)
    assert guardian.get(page_url(decision)).status_code == 404
    allocate(decision.referral, staff(Role.ICTG))
    page = guardian.get(page_url(decision)).content.decode()
    # The guardian usually explains the decision to the child: they record it (test_guardian_explains.py).
    assert "Outcome letter to the referrer" in page and "Produce the letters" not in page and "Record who" in page
    download = reverse("letters:download", kwargs={"letter_id": letters[1].pk})
    assert guardian.get(download).status_code == 200
    # Audited with the guardian's purpose, as their reading of the page is, not the coordinator's.
    event = AuditEvent.objects.filter(action=Action.DOWNLOAD, object_id=str(letters[1].pk)).latest("seq")
    assert event.purpose == PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]
    assert guardian.post(reverse("letters:produce", kwargs={"letters_decision_id": decision.pk})).status_code == 403

    # The case's lead social worker association alone does not open the letters.
    member = client_as(Role.PANEL_MEMBER)
    allocate(decision.referral, staff(Role.PANEL_MEMBER), kind=AssociationKind.LEAD_SOCIAL_WORKER)
    assert member.get(page_url(decision)).status_code == 404
    assert client_as(Role.COORDINATOR, "three-rivers").get(page_url(decision)).status_code == 404
    assert client_as(Role.COORDINATOR, "three-rivers").get(download).status_code == 404


def test_the_childs_letter_names_the_guardian_and_social_worker(demo):
    decision = final_decision("northbridge")
    allocate(decision.referral, staff(Role.ICTG))
    allocate(decision.referral, staff(Role.PANEL_MEMBER), kind=AssociationKind.LEAD_SOCIAL_WORKER)
    text = content.letter_text(by_kind(produce(decision))[LetterKind.CHILD_FRIENDLY].content)
    assert f"{staff(Role.ICTG).full_name} is your guardian" in text
    assert f"{staff(Role.PANEL_MEMBER).full_name}, your social worker" in text
    assert f"ask {staff(Role.COORDINATOR).full_name} about this letter" in text


def test_index_lists_the_sites_final_decisions_and_what_is_done(demo, client_as):
    done = final_decision("northbridge")
    produce(done)
    waiting = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    draft = final_decision("northbridge", status=DecisionStatus.DRAFT)
    elsewhere = final_decision("three-rivers")
    page = client_as(Role.COORDINATOR).get(reverse("letters:index")).content.decode()
    assert done.referral.reference in page and waiting.referral.reference in page
    assert draft.referral.reference not in page and elsewhere.referral.reference not in page
    assert f'data-decision="{done.pk}"' in page
    assert AuditEvent.objects.filter(action=Action.LIST, object_type="decisions.decision").exists()


def explanation_post(client, decision, **overrides):
    today = timezone.localdate()
    data = {
        "explained_by_name": "Sam Jones",
        "explained_by_role": "Social worker",
        "explained_on_day": str(today.day),
        "explained_on_month": str(today.month),
        "explained_on_year": str(today.year),
        "how": "in_person_interpreter",
        "child_response": "Asked whether he can stay at his aunt's. Understood the letter.",
        **overrides,
    }
    return client.post(reverse("letters:explanation-add", kwargs={"letters_decision_id": decision.pk}), data)


def test_recording_who_explained_the_decision_to_the_child(demo, client_as):
    decision = final_decision("northbridge", decided_on=timezone.localdate() - timedelta(days=3))
    client = client_as(Role.COORDINATOR)
    response = explanation_post(client, decision)
    assert response.status_code == 302 and response["Location"] == page_url(decision)
    explanation = DecisionExplanation.objects.get(decision=decision)
    assert (explanation.explained_by_name, explanation.how) == ("Sam Jones", "in_person_interpreter")
    assert explanation.recorded_by == demo_user_coordinator()
    event = AuditEvent.objects.filter(action=Action.CREATE, object_type="letters.decisionexplanation").get()
    assert event.object_id == str(explanation.pk)

    page = client.get(page_url(decision)).content.decode()
    assert "Sam Jones, Social worker: in person, with an interpreter" in page
    detail = client.get(reverse("letters:explanation", kwargs={"explanation_id": explanation.pk})).content.decode()
    assert "Asked whether he can stay at his aunt&#39;s" in detail


def test_explanation_errors_are_shown_and_nothing_typed_is_lost(demo, client_as):
    decision = final_decision("northbridge", decided_on=timezone.localdate() - timedelta(days=3))
    client = client_as(Role.COORDINATOR)

    response = explanation_post(client, decision, explained_by_name="", how="")
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Enter the name of the person who explained the decision" in body
    assert "Select how the decision was explained" in body
    assert 'href="#id_explained_by_name"' in body and 'href="#id_how_0"' in body
    assert "Social worker" in body and "Asked whether he can stay" in body  # what was typed is kept

    tomorrow = timezone.localdate() + timedelta(days=1)
    body = explanation_post(
        client,
        decision,
        explained_on_day=str(tomorrow.day),
        explained_on_month=str(tomorrow.month),
        explained_on_year=str(tomorrow.year),
    ).content.decode()
    assert "must be today or in the past" in body

    before = decision.decided_on - timedelta(days=1)
    body = explanation_post(
        client,
        decision,
        explained_on_day=str(before.day),
        explained_on_month=str(before.month),
        explained_on_year=str(before.year),
    ).content.decode()
    assert "must be on or after the decision&#39;s date" in body
    assert 'href="#id_explained_on_day"' in body
    assert not DecisionExplanation.objects.exists()


def test_a_second_click_on_produce_does_not_produce_the_letters_twice(demo, client_as):
    decision = final_decision("northbridge")
    client = client_as(Role.COORDINATOR)
    url = reverse("letters:produce", kwargs={"letters_decision_id": decision.pk})
    assert 'name="letters_seen" value="0"' in client.get(page_url(decision)).content.decode()
    client.post(url, {"letters_seen": "0"})
    response = client.post(url, {"letters_seen": "0"}, follow=True)
    assert "The letters were produced a moment ago" in response.content.decode()
    assert Letter.objects.filter(decision=decision).count() == 2
    client.post(url, {"letters_seen": "2"})
    assert Letter.objects.filter(decision=decision).count() == 4


def test_the_decisions_letters_page_lists_the_letters_without_reading_their_pdfs(demo, client_as):
    """The page lists each letter produced (kind, when, by whom, its hash); the PDFs, tens of kilobytes each and a set
    more with every production, are read only by a download."""
    from childnrm.core.tests.queries import CountedQueries

    decision = final_decision()
    produce(decision)
    produce(decision)
    client = client_as(Role.COORDINATOR)
    with CountedQueries() as captured:
        page = client.get(page_url(decision)).content.decode()
    letters = Letter.objects.filter(decision=decision)
    assert letters.count() >= 4
    assert all(f'data-letter="{letter.pk}"' in page for letter in letters)
    table = Letter._meta.db_table
    assert not [q["sql"] for q in captured.counted if f'"{table}"."pdf"' in q["sql"]]
    download = client.get(reverse("letters:download", args=[letters.first().pk]))
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(b"%PDF")
