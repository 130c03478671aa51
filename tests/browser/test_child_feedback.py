"""The child's voice beyond the decision (issue 12): the child's guardian records the child's views on their plan
and whether they agreed with an action, then starts a feedback session; the child, on a device without signing in
and without JavaScript, types in the code and answers with the keyboard; the link then works no more; the
coordinator sees the answer in the summary, where a count below 5 stays hidden. Every page is axe-checked."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.feedback.models import FeedbackSession
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import ChildAgreement, ChildPlanView, PlanStatus
from conftest import demo_user
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, submit, visit


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def count(page: Page, question: str, answer: str):
    return page.locator(f'table[data-question="{question}"] tr[data-answer="{answer}"] .app-count')


def test_the_childs_views_and_feedback_are_recorded_with_their_guardian_and_counted(
    page: Page, page_without_js: Page, second_page: Page, demo
):
    site = Site.objects.get(slug="northbridge")
    child = demo_child(site)
    plan = child.safeguarding_plans.get(status=PlanStatus.ACTIVE)
    action = plan.actions.order_by("pk").first()
    today = timezone.localdate()

    # The coordinator looks at what children have said so far: 4 understood "a bit" (hidden), and the 8 with it.
    coordinator = second_page
    sign_in_by_session(coordinator, demo_user(Role.COORDINATOR).email)
    click_link(coordinator, "What children tell us")
    expect(heading(coordinator)).to_have_text("What children tell us")
    expect(count(coordinator, "understood", "a_bit")).to_have_text("[c]")
    expect(count(coordinator, "understood", "yes")).to_have_text("[c]")
    expect(count(coordinator, "listened", "no")).to_have_text("[c]")

    # The guardian records the child's views on the plan, and that the child did not agree with an action.
    sign_in_by_session(page, demo_user(Role.ICTG).email)
    visit(page, f"/children/{child.reference}/")
    click_link(page, "Safeguarding plan, statutory status, guardian and safety map")
    click_link(page, "Open the plan and its actions")
    expect(page.locator("main")).to_contain_text("The child’s views on this plan have not been recorded yet.")
    click_link(page, "Record the child’s views on their plan")
    expect(heading(page)).to_have_text("Record the child’s views on their plan")
    page.get_by_label("The child's views on their plan, in their words").fill(
        "I drew me at school with my friends. I feel safe there. I don't want to go back to the bus station."
    )
    fill_date(page, "gathered_on", today)
    page.get_by_label("Through a drawing or another visual way").check()
    page.get_by_label("An interpreter helped").check()
    click_button(page, "Save the child’s views")
    expect(banner(page)).to_contain_text("The child's views are recorded with the plan")
    views = page.locator(".app-child-views")
    expect(views).to_contain_text("I feel safe there.")
    expect(views).to_contain_text("through a drawing or another visual way, with an interpreter")

    row = page.locator(f'tr[data-action="{action.pk}"]')
    expect(row.locator(".app-child-agreement")).to_contain_text("Not asked yet")
    submit(page, lambda: row.get_by_role("link", name=re.compile("^Record whether the child agreed")).click())
    expect(heading(page)).to_have_text("Did the child agree with this action?")
    page.get_by_label("No, they did not agree").check()
    page.get_by_label("What the child said, in their words (optional)").fill("I want a doctor who is a woman.")
    click_button(page, "Save")
    expect(banner(page)).to_contain_text("The child's agreement with the action is recorded")
    agreement = page.locator(f'tr[data-action="{action.pk}"] .app-child-agreement')
    expect(agreement).to_contain_text("Did not agree")
    expect(agreement).to_contain_text("I want a doctor who is a woman.")

    # After the decision is explained, the guardian starts a feedback session from the child's record.
    visit(page, f"/children/{child.reference}/")
    click_link(page, "The child’s feedback")
    expect(heading(page)).to_have_text("The child’s feedback")
    click_button(page, "Start a feedback session")
    expect(heading(page)).to_have_text("Feedback session")
    code = page.locator("#feedback-code").inner_text().strip()
    link = page.locator(".app-feedback-link a").get_attribute("href")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code), code

    # The child, on a device without signing in or JavaScript, types in the code as it sounds, and answers
    # with the keyboard: Space picks "Yes"; the arrow key moves to "A bit".
    device = page_without_js
    visit(device, "/feedback/your-say/")
    expect(heading(device)).to_have_text("Type in your code")
    device.get_by_label("Your code").fill(code.lower().replace("-", " "))
    click_button(device, "Go on")
    expect(heading(device)).to_have_text("Tell us what you think")
    main = device.locator("main")
    for private in (child.display_name, child.reference, site.name, demo_user(Role.ICTG).full_name):
        expect(main).not_to_contain_text(private)
    expect(device.get_by_role("radio", name="I'm not sure")).to_have_count(2)  # the words are the radio's name
    device.locator("#id_listened_0").focus()
    device.keyboard.press("Space")
    expect(device.locator("#id_listened_0")).to_be_checked()
    device.locator("#id_understood_0").focus()
    device.keyboard.press("ArrowDown")
    expect(device.locator("#id_understood_1")).to_be_checked()
    device.get_by_label("What would make it better?").fill("Tell me sooner.")
    device.get_by_role("button", name="Send my answers").focus()
    submit(device, lambda: device.keyboard.press("Enter"))
    expect(heading(device)).to_have_text("Thank you")

    answered = FeedbackSession.objects.get(child=child, answered_at__isnull=False, better="Tell me sooner.")
    assert (answered.listened, answered.understood) == ("yes", "a_bit")

    # The link works once: now it opens nothing.
    visit(device, link, status=404)
    expect(heading(device)).to_have_text("This link does not work")

    # The guardian sees the answer with the child's case; the coordinator sees it counted.
    visit(page, f"/children/{child.reference}/")
    click_link(page, "The child’s feedback")
    expect(page.locator(f'tr[data-feedback-session="{answered.pk}"]')).to_contain_text("Tell me sooner.")
    visit(coordinator, "/feedback/summary/")
    expect(count(coordinator, "understood", "a_bit")).to_have_text("5")  # 4 became 5: shown
    expect(count(coordinator, "understood", "yes")).to_have_text("10")
    expect(count(coordinator, "listened", "no")).to_have_text("[c]")  # still 1: hidden
    expect(count(coordinator, "listened", "total")).to_have_text("15")  # 13 children, rounded
    expect(coordinator.locator("main")).not_to_contain_text("Tell me sooner.")

    assert ChildPlanView.objects.get(plan=plan).with_interpreter
    action.refresh_from_db()
    assert action.child_agreement == ChildAgreement.DID_NOT_AGREE
