"""The chair runs their own sitting (issue 9 item 4): from "Your meetings" they open the sitting they chair, mark
who is present, open it, and "Record the decision" takes them straight into that case's decision record."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.panels.models import MeetingStatus
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, submit, visit

SITE = "northbridge"


def test_the_chair_opens_their_sitting_and_records_the_decision(page: Page, demo):
    referral = accepted_referral(SITE)
    # Set for now (opening it is not early), chaired by the demo chair; the coordinator built its agenda.
    meeting = scheduled_meeting(SITE, starts_at=timezone.now() - timedelta(minutes=1))
    item = add_to_agenda(meeting, referral)

    sign_in_by_session(page, demo_email(Role.CHAIR, SITE))
    visit(page, "/panels/your-meetings/")
    submit(page, lambda: page.locator(f'a[href="/panels/meetings/{meeting.pk}/"]').click())
    expect(heading(page)).to_contain_text("Scheduled")
    main = page.locator("main")
    expect(main).to_contain_text(referral.reference)
    # Scheduling, the agenda and cancelling stay with the coordinator.
    expect(page.get_by_role("link", name="Build the agenda")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel the meeting")).to_have_count(0)

    for box in page.get_by_role("checkbox").all():
        box.check()
    click_button(page, "Save attendance")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Attendance recorded")

    click_link(page, "Open the sitting")
    expect(heading(page)).to_have_text("Open the sitting")
    click_button(page, "Open the sitting")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The sitting is open")
    expect(heading(page)).to_contain_text("In session")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN and meeting.status_changes.last().actor.email == demo_email(
        Role.CHAIR, SITE
    )

    click_button(page, f"Record the decision for referral {referral.reference}")
    expect(heading(page)).to_have_text(f"Record the reasonable grounds decision: {referral.child_display_name}")
    draft = Decision.objects.get(agenda_item=item)
    assert draft.status == DecisionStatus.DRAFT and draft.meeting_id == meeting.pk
    expect(page).to_have_url(f"{page.url.split('/decisions/')[0]}/decisions/{draft.pk}/record/")

    # Back on the meeting page, the same button opens the draft already started.
    visit(page, f"/panels/meetings/{meeting.pk}/")
    expect(main).to_contain_text("Draft started")
    click_button(page, f"Record the decision for referral {referral.reference}")
    expect(heading(page)).to_have_text(f"Record the reasonable grounds decision: {referral.child_display_name}")
    assert Decision.objects.filter(referral=referral).count() == 1
