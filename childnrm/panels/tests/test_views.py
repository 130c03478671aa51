"""The panel's pages: scoped access to case papers, forms that keep what was typed, audited downloads."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels import selectors, services
from childnrm.panels.models import AgendaItem, ConflictDeclaration, Meeting, MeetingStatus, PanelMember
from childnrm.panels.tests.factories import accept, accepted_referral, meeting_in_session, scheduled_meeting
from childnrm.referrals.services import referral_document_add, referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from conftest import demo_user

NB = "northbridge"
PAPERS_PURPOSE = "Case papers for a panel meeting I attend"


def papers_url(item: AgendaItem) -> str:
    return reverse("panels:papers", args=[item.meeting_id, item.pk])


def test_an_advisers_access_to_case_papers_ends_when_the_meeting_closes(client_as):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    item = meeting.agenda_items.get()
    adviser = client_as(Role.ADVISER)

    response = adviser.get(papers_url(item))
    assert response.status_code == 200
    assert referral.child_display_name in response.content.decode()
    assert referral.account in response.content.decode()
    event = AuditEvent.objects.filter(actor=demo_user(Role.ADVISER), action="view").latest("seq")
    assert event.purpose == PAPERS_PURPOSE
    assert event.detail["meeting"] == meeting.pk
    assert (event.object_type, event.object_id) == ("referrals.referral", str(referral.pk))
    assert selectors.case_paper_referrals_for(demo_user(Role.ADVISER)).filter(pk=referral.pk).exists()

    services.meeting_close(meeting=meeting, user=demo_user(Role.COORDINATOR))

    response = adviser.get(papers_url(item))
    assert response.status_code == 404
    assert referral.child_display_name not in response.content.decode()
    # Undecided, the case was carried to the next sitting: its papers open again only through that one.
    carried = AgendaItem.objects.get(carried_from=item)
    assert carried.meeting_id != meeting.pk and carried.meeting.status == MeetingStatus.SCHEDULED
    # The meeting page still lists the meeting, without the children's names.
    page = adviser.get(reverse("panels:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert referral.child_display_name not in page.content.decode()
    # The coordinator keeps access through seeing every case of the site.
    assert client_as(Role.COORDINATOR).get(papers_url(item)).status_code == 200


def test_papers_are_only_for_those_invited(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    adviser = meeting.attendees.get(user=demo_user(Role.ADVISER))
    services.attendee_remove(attendee=adviser, user=demo_user(Role.COORDINATOR))
    assert client_as(Role.ADVISER).get(papers_url(item)).status_code == 404
    assert client_as(Role.ADVISER, "three-rivers").get(papers_url(item)).status_code in (403, 404)
    assert client_as(Role.COORDINATOR, "three-rivers").get(papers_url(item)).status_code == 404
    # A first responder never reaches meeting papers.
    assert client_as(Role.FIRST_RESPONDER).get(papers_url(item)).status_code == 403


def test_an_attendee_declares_their_own_conflict_on_the_papers_page(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    member = demo_user(Role.PANEL_MEMBER)
    own = meeting.attendees.get(user=member)
    client = client_as(Role.PANEL_MEMBER)
    prefix = f"a{own.pk}"

    response = client.post(papers_url(item), {f"{prefix}-has_conflict": "yes", f"{prefix}-details": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Describe the conflict of interest" in body

    response = client.post(
        papers_url(item), {f"{prefix}-has_conflict": "yes", f"{prefix}-details": "I treated the child"}
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(agenda_item=item, attendee=own)
    assert declaration.has_conflict and declaration.declared_by == member
    own_page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Your declaration:" in own_page and "Conflict declared" in own_page
    page = client_as(Role.COORDINATOR).get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Conflicted, cannot vote" in page and "No voting member from health" in page


def test_the_meeting_page_leads_to_the_declaration_and_the_papers_stop_offering_it_after_sign_off(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    own = meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    item.conflict_declarations.filter(attendee=own).delete()
    client = client_as(Role.PANEL_MEMBER)
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert f'href="{papers_url(item)}#declaration">Declare in the case papers' in page

    decision = final_decision(NB)
    signed_off = decision.meeting.agenda_items.get(referral=decision.referral)
    own = decision.meeting.attendees.get(user=demo_user(Role.PANEL_MEMBER))
    assert decision.meeting.status in services.LIVE_STATUSES and own.present
    body = client.get(papers_url(signed_off)).content.decode()
    assert "Save your declaration" not in body
    assert "the declarations can no longer change. If you find a conflict of interest now, tell the panel" in body


def test_the_coordinator_records_every_declaration_on_a_case_in_one_form(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    item.conflict_declarations.all().delete()
    present = list(meeting.attendees.filter(present=True).select_related("user"))
    police = next(a for a in present if a.agency == "police")
    url = reverse("panels:conflicts", args=[meeting.pk, item.pk])
    client = client_as(Role.COORDINATOR)
    page = client.get(url).content.decode()
    # One row per person present, each with its own yes/no and details.
    for a in present:
        assert f'name="a{a.pk}-has_conflict"' in page and f'name="a{a.pk}-details"' in page
    assert page.count("Save declarations") == 1

    # Police says yes without details, one person is not answered for: every error names the person, and
    # nothing is saved.
    skipped = next(a for a in present if a != police)
    answers = {f"a{a.pk}-has_conflict": "no" for a in present if a != skipped}
    answers[f"a{police.pk}-has_conflict"] = "yes"
    response = client.post(url, answers)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert f"Select whether {skipped.user.full_name} has a conflict of interest" in body
    assert f"Describe {police.user.full_name}’s conflict of interest" in body
    assert f'href="#id_a{skipped.pk}-has_conflict_0"' in body
    assert not ConflictDeclaration.objects.filter(agenda_item=item).exists()
    # What was typed is kept.
    chosen = f'id="id_a{police.pk}-has_conflict_0" name="a{police.pk}-has_conflict" type="radio" value="yes" checked'
    assert chosen in body

    answers = {f"a{a.pk}-has_conflict": "no" for a in present}
    answers.update({f"a{police.pk}-has_conflict": "yes", f"a{police.pk}-details": "Family friend"})
    audited = AuditEvent.objects.filter(object_type="panels.conflictdeclaration").count()
    response = client.post(url, answers)
    assert response.status_code == 302
    declarations = {d.attendee_id: d for d in ConflictDeclaration.objects.filter(agenda_item=item)}
    assert set(declarations) == {a.pk for a in present}
    assert declarations[police.pk].has_conflict and declarations[police.pk].details == "Family friend"
    assert declarations[police.pk].declared_by == demo_user(Role.COORDINATOR)
    assert AuditEvent.objects.filter(object_type="panels.conflictdeclaration").count() == audited + len(present)


def test_scheduling_keeps_what_was_typed_and_explains_the_problem(client_as):
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:meeting-schedule")
    assert client.get(url).status_code == 200
    chair = demo_user(Role.CHAIR)
    response = client.post(
        url,
        {
            "kind": "extra",
            "day_day": "31",
            "day_month": "2",
            "day_year": "2030",
            "start_time": "25:00",
            "location": "Room 4",
            "chair": str(chair.pk),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Date of the meeting must be a real date" in body
    assert "Enter the start time as hours and minutes" in body
    assert 'value="Room 4"' in body and 'value="31"' in body
    day = timezone.localdate() + timedelta(days=30)
    response = client.post(
        url,
        {
            "kind": "extra",
            "day_day": str(day.day),
            "day_month": str(day.month),
            "day_year": str(day.year),
            "start_time": "14:30",
            "location": "Room 4",
            "chair": str(chair.pk),
        },
    )
    meeting = Meeting.objects.filter(location="Room 4").get()
    assert response.status_code == 302 and response["Location"] == reverse("panels:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "14:30"
    assert meeting.kind == "extra" and meeting.chair == chair
    assert meeting.attendees.count() == PanelMember.objects.filter(site=meeting.site, active=True).count() + 1


def test_adding_a_suggested_case_and_running_the_sitting(client_as):
    referral = accepted_referral(NB, submitted_on=timezone.localdate() - timedelta(days=40))
    meeting = scheduled_meeting(NB)
    client = client_as(Role.COORDINATOR)
    agenda_url = reverse("panels:agenda", args=[meeting.pk])
    page = client.get(agenda_url).content.decode()
    assert referral.reference in page and "Urgent" in page
    # Two sentences of one paragraph, from two conditions: a space between them (the template trims block tags).
    assert re.search(r"requests received\. (Cases due|No later regular sitting)", page)
    response = client.post(agenda_url, {"referral": referral.pk, "stage": "reasonable_grounds", "key": "x"})
    assert response.status_code == 302
    item = meeting.agenda_items.get()
    assert item.referral == referral and item.stage == "reasonable_grounds"

    attendees = list(meeting.attendees.values_list("pk", flat=True))
    response = client.post(reverse("panels:attendance", args=[meeting.pk]), {"present": [str(pk) for pk in attendees]})
    assert response.status_code == 302
    assert meeting.attendees.filter(present=True).count() == len(attendees)
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Conflicts of interest not yet declared by" in page

    # Set for next week: the page asks to confirm meeting today, and a post without that confirmation opens nothing.
    page = client.get(reverse("panels:meeting-open", args=[meeting.pk])).content.decode()
    assert "Opening it now moves it to today" in page and 'name="move_to_today" value="yes"' in page
    response = client.post(reverse("panels:meeting-open", args=[meeting.pk]))
    assert response.status_code == 200 and "Confirm that it is meeting today instead" in response.content.decode()
    assert client.post(reverse("panels:meeting-open", args=[meeting.pk]), {"move_to_today": "yes"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    # A second click (another tab) changes nothing and says why.
    response = client.post(reverse("panels:meeting-open", args=[meeting.pk]))
    assert response.status_code == 200 and "only a scheduled meeting can be opened" in response.content.decode()
    assert meeting.status_changes.count() == 2


def test_choosing_the_childs_lead_social_worker_as_chair_is_refused_on_the_form(client_as, site):
    from childnrm.accounts.models import Membership
    from childnrm.people.demo import demo_account
    from childnrm.people.models import AssociationKind, ChildAssociation

    other = demo_account("chair-two.northbridge@childnrm.example", "Second chair", None)
    Membership.objects.create(user=other, site=site, role=Role.CHAIR)
    referral = accepted_referral(NB)
    ChildAssociation.objects.create(child=referral.child, user=other, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    meeting = scheduled_meeting(NB)
    services.agenda_item_add(
        meeting=meeting, user=demo_user(Role.COORDINATOR), referral=referral, stage="reasonable_grounds"
    )
    data = {
        "kind": meeting.kind,
        "day_day": str(timezone.localtime(meeting.starts_at).day),
        "day_month": str(timezone.localtime(meeting.starts_at).month),
        "day_year": str(timezone.localtime(meeting.starts_at).year),
        "start_time": timezone.localtime(meeting.starts_at).strftime("%H:%M"),
        "location": meeting.location,
        "chair": str(other.pk),
    }
    response = client_as(Role.COORDINATOR).post(reverse("panels:meeting-change", args=[meeting.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "is the lead social worker of a child on this agenda" in body and "There is a problem" in body
    meeting.refresh_from_db()
    assert meeting.chair == demo_user(Role.CHAIR)


def test_member_form_refuses_a_voting_adviser(client_as):
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:member-add")
    page = client.get(url).content.decode()
    analyst = demo_user(Role.ANALYST)
    assert analyst.full_name in page
    response = client.post(url, {"user": analyst.pk, "agency": "education", "attends_as": "adviser", "voting": "yes"})
    assert response.status_code == 200 and "attend without a vote" in response.content.decode()
    response = client.post(url, {"user": analyst.pk, "agency": "education", "attends_as": "adviser", "voting": "no"})
    assert response.status_code == 302
    assert PanelMember.objects.get(user=analyst).voting is False
    assert "Analyst" in client.get(reverse("panels:members")).content.decode()


def _referral_with_document(site_slug: str):
    import io

    from PIL import Image

    from childnrm.accounts.models import Site

    user = demo_user(Role.FIRST_RESPONDER, site_slug)
    draft = referral_start(user=user)
    draft = referral_save(referral=draft, user=user, data=complete_answers(Site.objects.get(slug=site_slug)))
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 20, 30)).save(out, "PDF")
    document = referral_document_add(referral=draft, user=user, data=out.getvalue(), original_name="statement.pdf")
    return accept(referral_submit(referral=draft, user=user)), document, out.getvalue()


def test_documents_download_as_audited_attachments_while_the_papers_are_open(client_as, private_storage):
    referral, document, data = _referral_with_document(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    item = meeting.agenda_items.get()
    client = client_as(Role.ICTG)
    url = reverse("panels:paper-document", args=[meeting.pk, item.pk]) + f"?document={document.pk}"
    assert "statement.pdf" in client.get(papers_url(item)).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response.getvalue() == data  # streamed from storage
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.filter(action="download").latest("seq")
    assert event.actor == demo_user(Role.ICTG) and event.purpose == PAPERS_PURPOSE
    assert event.detail == {"meeting": meeting.pk, "agenda_item": item.pk, "document": document.pk}
    # Another referral's document through this item: not found.
    _other, other_document, _ = _referral_with_document(NB)
    wrong = reverse("panels:paper-document", args=[meeting.pk, item.pk]) + f"?document={other_document.pk}"
    assert client.get(wrong).status_code == 404
    services.meeting_close(meeting=meeting, user=demo_user(Role.COORDINATOR))
    assert client.get(url).status_code == 404


def test_your_meetings_lists_sittings_in_session_first(client_as):
    meeting = meeting_in_session(NB)
    page = client_as(Role.ADVISER).get(reverse("panels:my-meetings")).content.decode()
    assert page.index(reverse("panels:meeting", args=[meeting.pk])) < page.index("Scheduled")
    page = client_as(Role.COORDINATOR).get(reverse("panels:meetings")).content.decode()
    assert reverse("panels:meeting", args=[meeting.pk]) in page


def test_a_suggested_reconsideration_is_listed_through_reviews(client_as):
    from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
    from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus, RequesterKind

    coordinator = demo_user(Role.COORDINATOR)
    referral = accepted_referral(NB)
    decision = Decision.objects.create(
        referral=referral,
        stage=Stage.REASONABLE_GROUNDS,
        status=DecisionStatus.FINAL,
        outcome=Outcome.NEGATIVE,
        decided_on=timezone.localdate() - timedelta(days=3),
        guidance_version="test",
        test_applied="test",
        created_by=coordinator,
    )
    request = ReconsiderationRequest.objects.create(
        decision=decision,
        requester_kind=RequesterKind.REFERRER,
        requester_name="A referrer",
        grounds=["new_evidence"],
        details="New evidence",
        received_on=timezone.localdate(),
        within_window=True,
        recorded_by=coordinator,
    )
    meeting = scheduled_meeting(NB)
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:agenda", args=[meeting.pk])
    assert "Reconsideration of the negative" in client.get(url).content.decode()
    response = client.post(url, {"referral": referral.pk, "stage": "reconsideration", "key": "r"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ReconsiderationStatus.LISTED and request.meeting == meeting
    assert meeting.agenda_items.get().stage == "reconsideration"


def test_any_accepted_case_can_be_added_by_reference(client_as):
    referral = accepted_referral(NB)
    elsewhere = accepted_referral("three-rivers")
    meeting = scheduled_meeting(NB)
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:agenda", args=[meeting.pk])
    response = client.post(url, {"reference": elsewhere.reference, "stage": "plan_review"})
    body = response.content.decode()
    assert response.status_code == 200 and "Enter the reference of a case accepted by this panel" in body
    assert f'value="{elsewhere.reference}"' in body
    response = client.post(url, {"reference": referral.reference.lower(), "stage": "plan_review"})
    assert response.status_code == 302
    assert meeting.agenda_items.get().stage == "plan_review"


def test_after_sign_off_the_papers_show_attendees_what_was_decided_and_the_votes_recorded(client_as):
    decision = final_decision(NB)
    item = decision.meeting.agenda_items.get(referral=decision.referral)
    votes = list(decision.votes.select_related("voter"))
    assert votes  # signed off with the sitting's votes
    member = demo_user(Role.PANEL_MEMBER)
    audited = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(item.referral_id)).count()

    body = client_as(Role.PANEL_MEMBER).get(papers_url(item)).content.decode()
    assert "What the panel decided: reasonable grounds" in body
    assert f"Outcome: {decision.get_outcome_display()}, signed off on" in body
    for vote in votes:
        assert vote.voter.full_name in body and vote.get_vote_display() in body
    if any(v.voter_id == member.pk for v in votes):
        assert f"{member.full_name} (you)" in body
    assert "tell the panel coordinator before the meeting closes" in body
    # The read of the decision is in the audit of the papers' view.
    event = (
        AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(item.referral_id))
        .order_by("-pk")
        .first()
    )
    assert event.detail["decisions"] == [decision.pk]
    assert AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(item.referral_id)).count() > (
        audited
    )

    # Before sign-off there is nothing to show.
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    body = client_as(Role.PANEL_MEMBER).get(papers_url(meeting.agenda_items.get())).content.decode()
    assert "What the panel decided" not in body
