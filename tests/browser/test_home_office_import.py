"""A referral imported from the Home Office online NRM form reads, on the triage page, as the form wrote it.

The coordinator sees each answer under the form's own headings and labels (options by their labels,
never the form's field names or raw JSON); `visit` checks the page with axe.
"""

from __future__ import annotations

import json

from django.core.management import call_command
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.api.tests.test_home_office import HOME_OFFICE_FORM, add_form_councils
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from tests.browser.support import sign_in_by_session, visit


def test_the_imported_forms_answers_are_shown_with_the_forms_labels(page: Page, demo, tmp_path):
    add_form_councils()  # the form names real councils (its own list); the demo's are synthetic
    path = tmp_path / "form.json"
    path.write_text(json.dumps(HOME_OFFICE_FORM))
    call_command("import_home_office_form", str(path), organisation="Northbridge City Council")
    referral = Referral.objects.get(form_reference=HOME_OFFICE_FORM["reference"])

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{referral.reference}/triage/")
    main = page.locator("main")
    expect(page.get_by_role("heading", name="From the Home Office form")).to_be_visible()
    expect(page.get_by_role("heading", name="What did they say happened?")).to_be_visible()
    expect(page.get_by_role("heading", name="Who exploited them?")).to_be_visible()
    exploiters = page.locator("h3:has-text('Who exploited them?') + dl")
    expect(exploiters).to_contain_text("When were the potential victim and exploiters last in contact?")
    expect(exploiters).to_contain_text("Within the last 6-12 months")
    account = page.locator("h3:has-text('What did they say happened?') + dl")
    expect(account).to_contain_text("How they came to be exploited")
    expect(account).to_contain_text("An older man offered her money and a phone.")
    expect(main).to_contain_text("Crime or CAD reference")
    expect(main).to_contain_text("CR/123/24")
    expect(main).to_contain_text("Greater Manchester Police")  # an answer from the form's list, by its label
    expect(main).to_contain_text("Forced to commit a crime, such as growing cannabis, drug dealing or begging")
    # The form's keys and encodings never reach the page.
    text = main.inner_text()
    for raw in ("when-last-contact", "within-the-last-6-12-month", "types-of-exploitation", '"true"', "{"):
        assert raw not in text
