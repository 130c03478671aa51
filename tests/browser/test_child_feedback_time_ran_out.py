"""The child takes longer than the session's time, on a device without JavaScript: the form said how long they had;
when they send their answers after it ran out, the page shows them back with a plain notice, and the new code the
person helping them gives sends them (ADR 0022, amendment 4). Every page is axe-checked."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user
from tests.browser.support import click_button, heading, visit


def test_a_child_whose_time_ran_out_keeps_their_answers_and_sends_them_with_a_new_code(page_without_js: Page, demo):
    child = demo_child(Site.objects.get(slug="northbridge"))
    started = open_session(child, demo_user(Role.ICTG))
    device = page_without_js
    # The live server's first page (its templates compiled) may be slow on a loaded machine: not a page checked.
    device.goto("/feedback/your-say/", timeout=60_000)
    visit(device, f"/feedback/your-say/{started.token}/")
    expect(device.locator("[data-time-limit]")).to_contain_text("You have 30 minutes to send your answers.")
    device.locator("#id_listened_2").check()
    device.locator("#id_understood_1").check()
    device.get_by_label("What would make it better?").fill("Not so many people in the room.")

    # 31 minutes on the form.
    FeedbackSession.objects.filter(pk=started.session.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    click_button(device, "Send my answers")
    expect(device.locator("[data-time-ran-out]")).to_contain_text(
        "Your time ran out, so we have not got your answers yet."
    )
    expect(device.locator("#id_listened_2")).to_be_checked()
    expect(device.locator("#id_understood_1")).to_be_checked()
    expect(device.get_by_label("What would make it better?")).to_have_value("Not so many people in the room.")
    assert FeedbackSession.objects.get(pk=started.session.pk).answered_at is None

    again = open_session(child, demo_user(Role.ICTG))
    device.get_by_label("Your new code").fill(f"{again.code[:4]}-{again.code[4:]}")
    click_button(device, "Send my answers")
    expect(heading(device)).to_have_text("Thank you")
    answered = FeedbackSession.objects.get(pk=again.session.pk)
    assert (answered.listened, answered.understood) == ("no", "a_bit")
    assert answered.better == "Not so many people in the room."
