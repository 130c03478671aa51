"""A panel sitting: the coordinator schedules it, lists a suggested case, opens it; an adviser reads the
case papers while it sits; once the coordinator closes it the adviser's papers are gone (404)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit


def test_a_sitting_from_scheduling_to_closing(page: Page, second_page: Page, demo):
    referral = accepted_referral("northbridge", submitted_on=timezone.localdate() - timedelta(days=50))

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/panels/meetings/")
    expect(heading(page)).to_have_text("Panel meetings")
    click_link(page, "Schedule a meeting")

    # A mistake first: nothing typed is lost.
    page.get_by_label("Extra sitting").check()
    page.get_by_label("Where").fill("Committee room 3")
    page.get_by_label("Start time").fill("9.30")
    click_button(page, "Schedule meeting")
    expect(error_summary(page)).to_contain_text("Enter the date of the meeting")
    expect(page.get_by_label("Where")).to_have_value("Committee room 3")

    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Chair").select_option(label="Panel chair (Northbridge demo)")
    click_button(page, "Schedule meeting")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting scheduled")
    expect(heading(page)).to_contain_text("Scheduled")
    meeting = Meeting.objects.get(location="Committee room 3")
    expect(page.locator("main")).to_contain_text("Adviser")

    click_link(page, "Build the agenda")
    suggested = page.locator("tr", has_text=referral.reference)
    expect(suggested).to_contain_text("Urgent")
    expect(suggested).to_contain_text("Overdue by 5 days")
    click_button(page, f"Add referral {referral.reference}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{referral.reference} added")
    click_link(page, "Back to the meeting")

    for box in page.get_by_role("checkbox").all():
        box.check()
    click_button(page, "Save attendance")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Attendance recorded")
    expect(page.locator("main")).to_contain_text("Conflicts of interest not yet declared by")
    # Set for three days ahead: opening it now asks to confirm, and moves it to today at the same time.
    click_link(page, "Open the sitting")
    expect(page.locator("main")).to_contain_text("Opening it now moves it to today")
    click_button(page, "Open the sitting today")
    expect(heading(page)).to_contain_text("In session")
    expect(page.locator("main")).to_contain_text("Opened early")
    today = timezone.localdate()

    # The adviser reads the papers from their meetings and declares.
    coordinator, page = page, second_page
    sign_in_by_session(page, demo_email(Role.ADVISER, "northbridge"))
    visit(page, "/panels/your-meetings/")
    click_link(page, f"{today.day} {today:%B %Y} at 9:30am")
    click_link(page, f"Case papers for referral {referral.reference}")
    expect(heading(page)).to_have_text(f"Case papers: {referral.child_display_name}")
    expect(page.locator("main")).to_contain_text(referral.account)
    papers = page.url
    page.get_by_label("No conflict of interest").check()
    click_button(page, "Save your declaration")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your declaration has been recorded")

    visit(coordinator, f"/panels/meetings/{meeting.pk}/")
    click_link(coordinator, "Close the meeting")
    # Not decided here: closing lists the case and carries it to the next sitting's agenda.
    expect(coordinator.locator("main")).to_contain_text("Cases not decided at this sitting")
    click_button(coordinator, "Close the meeting and carry the cases")
    expect(heading(coordinator)).to_contain_text("Closed")
    expect(coordinator.locator(".govuk-notification-banner--success")).to_contain_text("1 undecided case carried")
    expect(coordinator.locator("main")).to_contain_text("Carried to a later sitting when this one closed")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED

    visit(page, papers, status=404)
    expect(page.locator("body")).not_to_contain_text(referral.child_display_name)


def test_the_coordinator_manages_the_panel_and_records_declarations(page: Page, demo):
    from childnrm.panels.tests.factories import meeting_in_session

    referral = accepted_referral("northbridge")
    meeting = meeting_in_session("northbridge", referrals=[referral])
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))

    visit(page, "/panels/members/")
    expect(heading(page)).to_have_text("Panel members")
    click_link(page, "Add a panel member")
    page.get_by_label("Who is joining the panel?").select_option(
        label="Analyst (Northbridge demo), Northbridge City Council"
    )
    # A member's seat is held as a panel member: the analyst does not hold that role here.
    page.get_by_label("Agency they speak for").select_option(label="Police")
    page.get_by_label("Panel member", exact=True).check()
    page.get_by_label("Yes").check()
    click_button(page, "Add to the panel")
    expect(error_summary(page)).to_contain_text("Select someone who holds the panel member role at this site")
    # Given the role, a council officer still cannot hold the police vote: the refusal is shown against the vote.
    analyst = User.objects.get(email=demo_email(Role.ANALYST, "northbridge"))
    Membership.objects.create(user=analyst, site=Site.objects.get(slug="northbridge"), role=Role.PANEL_MEMBER)
    click_button(page, "Add to the panel")
    expect(error_summary(page)).to_contain_text("Only someone from a police force can hold the police vote")
    expect(page.locator("#id_voting-error")).to_contain_text("works for Northbridge City Council")
    page.get_by_label("Agency they speak for").select_option(label="Education")
    page.get_by_label("Adviser (no vote)").check()
    page.get_by_label("Yes").check()
    click_button(page, "Add to the panel")
    expect(error_summary(page)).to_contain_text("Guardians and advisers attend without a vote")
    page.get_by_label("No", exact=True).check()
    click_button(page, "Add to the panel")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has joined the panel")
    click_link(page, "Remove Analyst (Northbridge demo)")
    click_button(page, "Remove from the panel")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has left the panel")

    visit(page, f"/panels/meetings/{meeting.pk}/")
    click_link(page, f"Record declarations for referral {referral.reference}")
    # One form for the case, one row per person present; the error names the person.
    police = meeting.attendees.select_related("user").get(agency="police")
    name = police.user.full_name
    section = page.locator(f"section[aria-labelledby='who-{police.pk}']")
    section.get_by_label("Yes", exact=True).check()
    click_button(page, "Save declarations")
    expect(error_summary(page)).to_contain_text(f"Describe {name}’s conflict of interest")
    section = page.locator(f"section[aria-labelledby='who-{police.pk}']")
    section.get_by_label(f"If yes, describe {name}’s conflict").fill("Knows the family")
    click_button(page, "Save declarations")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Declarations recorded")
    expect(page.locator("main")).to_contain_text("No voting member from police is present and free of conflict")

    # A guardian given the health vote before the voting-seat rule is refused on the meeting page.
    seat = _guardian_in_the_health_seat()
    visit(page, f"/panels/meetings/{meeting.pk}/")
    page.get_by_label("Invite a panel member").select_option(label=f"{seat.user.full_name} (Health)")
    click_button(page, "Invite")
    expect(error_summary(page)).to_contain_text("a guardian never votes")
    expect(page.locator("#id_member-error")).to_contain_text("Change their seat on the panel")

    visit(page, f"/panels/meetings/{meeting.pk}/change/")
    expect(heading(page)).to_have_text("Change meeting details")
    visit(page, f"/panels/meetings/{meeting.pk}/agenda/")
    click_link(page, f"Remove referral {referral.reference}")
    click_button(page, "Remove from the agenda")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("removed from the agenda")


def _guardian_in_the_health_seat():
    """A voting health seat held by someone from a guardian service, written as the old services allowed."""
    from childnrm.accounts.models import Membership, Organisation, OrganisationType, Site, User
    from childnrm.panels.models import AttendsAs, PanelMember

    site = Site.objects.get(slug="northbridge")
    guardian = User.objects.create_user(
        "old-guardian@childnrm.example",
        None,
        full_name="Old guardian",
        organisation=Organisation.objects.get(type=OrganisationType.ICTG_SERVICE),
    )
    Membership.objects.create(user=guardian, site=site, role=Role.PANEL_MEMBER)
    coordinator = User.objects.get(email=demo_email(Role.COORDINATOR, "northbridge"))
    return PanelMember.objects.create(
        site=site, user=guardian, agency="health", attends_as=AttendsAs.MEMBER, voting=True, added_by=coordinator
    )


def test_an_attendee_reads_papers_and_declares_without_javascript(page_without_js: Page, demo):
    from childnrm.panels.tests.factories import meeting_in_session

    page = page_without_js
    referral = accepted_referral("northbridge")
    meeting = meeting_in_session("northbridge", referrals=[referral])
    item = meeting.agenda_items.get()
    sign_in_by_session(page, demo_email(Role.ICTG, "northbridge"))
    visit(page, f"/panels/meetings/{meeting.pk}/")
    click_link(page, f"Case papers for referral {referral.reference}")
    expect(page.locator("main")).to_contain_text("Safeguarding already in place")
    page.get_by_label("Yes, a conflict of interest").check()
    click_button(page, "Save your declaration")
    expect(error_summary(page)).to_contain_text("Describe the conflict of interest")
    page.get_by_label("Describe the conflict (if there is one)").fill("I am the child's guardian's line manager")
    click_button(page, "Save your declaration")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your declaration has been recorded")
    assert item.conflict_declarations.get(attendee__user__email=demo_email(Role.ICTG, "northbridge")).has_conflict
