"""A first responder follows each referral they sent: read only, with what has happened to it, in words and with
dates, and the outcome letter addressed to them. Their "Children" list holds the children of their own
referrals, and no others (issue 9, item 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.tests.factories import final_decision
from childnrm.kit.dates import long_date
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.services import letters_produce
from childnrm.panels.models import MeetingStatus
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.referrals import progress
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_start
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user

pytestmark = pytest.mark.django_db


def page_url(referral: Referral) -> str:
    return reverse("referrals:your-referral", args=[referral.reference])


def test_the_referrer_reads_what_they_sent_what_happened_and_downloads_their_letter(client_as):
    decision = final_decision("northbridge")
    referral = decision.referral
    produced = letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    letters = {letter.kind: letter for letter in produced.letters}
    referrer = client_as(Role.FIRST_RESPONDER)

    # "Your referrals" links each sent referral to its page.
    listing = referrer.get(reverse("referrals:mine")).content.decode()
    assert f'href="{page_url(referral)}"' in listing

    response = referrer.get(page_url(referral))
    assert response.status_code == 200
    page = response.content.decode()
    # What they sent, read only: the answers, and no way to change them.
    assert referral.account in page and "What you sent" in page
    assert ">Change<" not in page and "/draft/" not in page
    # What has happened, in words and with dates, oldest first.
    steps = [(s.title, s.when) for s in response.context["steps"]]
    titles = [title for title, _ in steps]
    assert titles == ["Referral sent", "Accepted by the panel", "On the panel's agenda", "Reasonable grounds decision"]
    assert steps[0][1] == long_date(referral.submitted_at)
    assert steps[-1][1] == long_date(decision.decided_on)
    assert decision.get_outcome_display() in page
    assert long_date(decision.meeting.starts_at) in page
    # Their letter, not the child's.
    outcome_letter, child_letter = letters[LetterKind.REFERRER_OUTCOME], letters[LetterKind.CHILD_FRIENDLY]
    assert reverse("letters:download", args=[outcome_letter.pk]) in page
    assert reverse("letters:download", args=[child_letter.pk]) not in page

    download = referrer.get(reverse("letters:download", args=[outcome_letter.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert referrer.get(reverse("letters:download", args=[child_letter.pk])).status_code == 404

    # Every read is audited, as following a referral they made.
    viewed = AuditEvent.objects.get(object_type="referrals.referral", object_id=str(referral.pk), action="view")
    assert viewed.detail == {"page": "referral"} and viewed.purpose == "Following a referral I made"
    downloaded = AuditEvent.objects.get(object_type="letters.letter", object_id=str(outcome_letter.pk))
    assert downloaded.action == "download" and downloaded.purpose == "Following a referral I made"


def test_before_a_decision_the_page_says_no_letter_yet(client_as):
    referral = submitted_referral("northbridge")
    page = client_as(Role.FIRST_RESPONDER).get(page_url(referral)).content.decode()
    assert "No outcome letter yet" in page
    assert "The panel coordinator is checking who should decide" in page


def test_nobody_else_reads_it_and_a_draft_has_no_such_page(client_as):
    referral = submitted_referral("northbridge")
    assert client_as(Role.FIRST_RESPONDER, "three-rivers").get(page_url(referral)).status_code == 404
    assert client_as(Role.COORDINATOR).get(page_url(referral)).status_code == 403
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER))
    assert client_as(Role.FIRST_RESPONDER).get(page_url(draft)).status_code == 404


def test_another_referrers_outcome_letter_is_not_found(client_as):
    decision = final_decision("northbridge")
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    letter = Letter.objects.get(decision=decision, kind=LetterKind.REFERRER_OUTCOME)
    download = reverse("letters:download", args=[letter.pk])
    assert client_as(Role.FIRST_RESPONDER, "three-rivers").get(download).status_code == 404


def test_a_hand_off_and_a_cancelled_sitting_read_in_words(demo):
    referral = submitted_referral("northbridge")
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR),
        final_outcome=TriageOutcome.SCA,
        final_site=None,
        reason="Over 17 and a half.",
    )
    steps = progress.progress(progress.with_progress(Referral.objects.filter(pk=referral.pk)).get())
    assert [(s.title, s.detail) for s in steps][-1] == (
        "Sent to the Home Office",
        "The Single Competent Authority will decide.",
    )

    decided = final_decision("northbridge").referral
    item = decided.agenda_items.select_related("meeting").get()
    type(item.meeting).objects.filter(pk=item.meeting_id).update(status=MeetingStatus.CANCELLED)
    steps = progress.progress(progress.with_progress(Referral.objects.filter(pk=decided.pk)).get())
    agenda = next(s for s in steps if s.title == "On the panel's agenda")
    assert agenda.detail == f"The sitting on {long_date(item.meeting.starts_at)} was cancelled."


def test_the_referrers_children_are_the_children_of_their_own_referrals(client_as):
    responder = demo_user(Role.FIRST_RESPONDER)
    sent = submitted_referral("northbridge")
    # A record that names them as referrer without a referral they sent (the demo's) is not theirs to see.
    named_only = Child.objects.filter(
        associations__user=responder, associations__kind=AssociationKind.REFERRER, referrals__isnull=True
    ).first()
    assert named_only is not None
    client = client_as(Role.FIRST_RESPONDER)

    listed = {c.reference for c in client.get(reverse("people:list")).context["page"].object_list}
    own = set(Child.objects.filter(referrals__created_by=responder).values_list("reference", flat=True))
    assert listed == own and sent.child.reference in listed
    assert client.get(reverse("people:detail", args=[named_only.reference])).status_code == 404

    # The child's record links to their referral, which opens; the read is audited as following it.
    record = client.get(reverse("people:detail", args=[sent.child.reference])).content.decode()
    assert f'href="{page_url(sent)}"' in record
    assert client.get(page_url(sent)).status_code == 200
    viewed = AuditEvent.objects.filter(object_type="people.child", object_id=str(sent.child.pk), action="view").get()
    assert viewed.purpose == "Following a referral I made"


def test_a_lead_social_worker_who_refers_still_opens_the_child_they_work_with(client_as):
    # A local authority's social worker may be a first responder too: being the child's lead social worker opens
    # the record, whoever referred the child.
    child = Child.objects.filter(site__slug="northbridge").exclude(referrals__isnull=False).first()
    ChildAssociation.objects.create(
        child=child, user=demo_user(Role.FIRST_RESPONDER), kind=AssociationKind.LEAD_SOCIAL_WORKER
    )
    assert client_as(Role.FIRST_RESPONDER).get(reverse("people:detail", args=[child.reference])).status_code == 200


def test_after_the_case_moves_the_referrer_keeps_their_referral_and_letter_but_not_the_record(client_as):
    from childnrm.accounts.models import Site
    from childnrm.handovers.models import TransferDestination
    from childnrm.handovers.services import case_transfer

    decision = final_decision("northbridge")
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    letter = Letter.objects.get(decision=decision, kind=LetterKind.REFERRER_OUTCOME)
    case_transfer(
        child=decision.referral.child,
        user=demo_user(Role.COORDINATOR),
        destination=TransferDestination.SITE,
        to_site=Site.objects.get(slug="three-rivers"),
        reason="The child has moved to live with a relative.",
    )
    referrer = client_as(Role.FIRST_RESPONDER)
    response = referrer.get(page_url(decision.referral))
    assert response.status_code == 200
    assert [s.title for s in response.context["steps"]][-1] == "Case transferred"
    assert referrer.get(reverse("letters:download", args=[letter.pk])).status_code == 200
    assert referrer.get(reverse("people:detail", args=[decision.referral.child.reference])).status_code == 404
