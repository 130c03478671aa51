"""Data for evaluators (issue 10 item 3): an analyst, without JavaScript, asks for a data-sharing agreement and is
refused the extract while it waits for approval; the site's data protection officer approves it; the analyst then
downloads the pseudonymised extract, and the release is listed on the agreement with its fingerprint."""

from __future__ import annotations

import csv
import hashlib
from datetime import timedelta

import pandas as pd
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.evaluation import synthetic
from childnrm.evaluation.extract import case_sources
from childnrm.evaluation.models import DataSharingAgreement, ExtractRelease, FieldGroup, LegalBasis, SyntheticRelease
from childnrm.evaluation.tests.factories import many_cases
from conftest import demo_user
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_an_analyst_downloads_an_extract_only_under_an_agreement_in_force(page_without_js: Page, page: Page, demo):
    many_cases("northbridge", 3)
    today = timezone.localdate()
    analyst, officer = page_without_js, page

    sign_in_by_session(analyst, demo_user(Role.ANALYST).email)
    click_link(analyst, "Data for evaluators")
    expect(heading(analyst)).to_have_text("Data for evaluators")
    click_button(analyst, "Request a data-sharing agreement")
    click_button(analyst, "Send for approval")
    expect(error_summary(analyst)).to_contain_text("Enter the organisation that will receive the data")
    expect(error_summary(analyst)).to_contain_text("Select the files the agreement covers")

    analyst.get_by_label("Organisation that will receive the data").fill("Eastfield Evaluation Partnership")
    analyst.get_by_label("Named contact at that organisation").fill("Dr Robin Analyst")
    analyst.get_by_label("Contact's email address").fill("robin@eastfield.example")
    analyst.get_by_label("What the data will be used for").fill("Decision times, panel and SCA side by side.")
    # The labels are translatable (lazy): the page's English words, as text.
    analyst.get_by_label(str(LegalBasis.PUBLIC_TASK_RESEARCH.label), exact=True).check()
    analyst.get_by_label("Record-level evaluation extract (pseudonymised)").check()
    analyst.get_by_label(str(FieldGroup.CASE.label), exact=True).check()
    analyst.get_by_label(str(FieldGroup.DECISIONS.label), exact=True).check()
    fill_date(analyst, "starts_on", today)
    fill_date(analyst, "expires_on", today + timedelta(days=90))
    click_button(analyst, "Send for approval")
    agreement = DataSharingAgreement.objects.get(organisation_name="Eastfield Evaluation Partnership")
    expect(heading(analyst)).to_have_text(f"Data-sharing agreement {agreement.reference}")
    expect(banner(analyst)).to_contain_text(f"Agreement {agreement.reference} sent to the data protection officer")
    # Waiting for approval: refused, and no download is offered.
    expect(analyst.locator('[data-refusal="evaluation_extract"]')).to_contain_text(
        "This agreement has not been approved yet: no data can be released under it"
    )
    expect(analyst.get_by_role("button", name="Download the evaluation extract (CSV)")).to_have_count(0)

    # The site's data protection officer approves it.
    sign_in_by_session(officer, demo_user(Role.DATA_PROTECTION_OFFICER).email)
    visit(officer, f"/evaluation/agreements/{agreement.pk}/")
    expect(officer.locator("main")).to_contain_text("Eastfield Evaluation Partnership")
    click_button(officer, "Approve the agreement")
    expect(banner(officer)).to_contain_text(f"Agreement {agreement.reference} approved")
    expect(officer.locator("[data-state]")).to_have_text("In force")

    # Now in force: the analyst downloads the extract.
    visit(analyst, f"/evaluation/agreements/{agreement.pk}/")
    expect(analyst.locator("[data-state]")).to_have_text("In force")
    with analyst.expect_download() as info:
        analyst.get_by_role("button", name="Download the evaluation extract (CSV)").click()
    download = info.value
    # A form posted for a file: the browser turns the navigation into the download and reports the navigation as
    # aborted. That is the download working, not a page failing to load.
    problems = analyst._childnrm_problems  # type: ignore[attr-defined]
    problems[:] = [p for p in problems if not (p.endswith("/extract/ (net::ERR_ABORTED)") and "request failed" in p)]
    assert download.suggested_filename == f"{agreement.reference}-evaluation-extract-{today:%Y-%m-%d}.csv"
    with open(download.path(), "rb") as file:
        data = file.read()
    rows = list(csv.DictReader(data.decode().splitlines()))
    assert len(rows) == 3
    assert list(rows[0])[:3] == ["child_pseudonym", "case_pseudonym", "site"]
    assert "ethnicity" not in rows[0] and "sex" not in rows[0]  # not in the agreement's fields
    release = ExtractRelease.objects.get(agreement=agreement)
    assert release.sha256 == hashlib.sha256(data).hexdigest() and release.row_count == 3

    visit(analyst, f"/evaluation/agreements/{agreement.pk}/")
    row = analyst.locator(f'tr[data-release="{release.pk}"]')
    expect(row).to_contain_text(demo_user(Role.ANALYST).full_name)
    expect(row).to_contain_text(release.sha256)


def test_the_synthetic_dataset_page(page: Page, demo):
    """The page for analysts, before and after a synthetic dataset is made (its report as the command keeps it;
    the synthesiser itself is tested in evaluation/tests/test_synthetic.py)."""
    sign_in_by_session(page, demo_user(Role.ANALYST).email)
    visit(page, "/evaluation/synthetic/")
    expect(page.locator("main")).to_contain_text("No synthetic dataset has been made yet")

    real = synthetic.synthetic_source_frame(case_sources([s.pk for s in Site.objects.all()]))
    real = pd.concat([real, pd.DataFrame([dict.fromkeys(synthetic.COLUMNS, "x")] * 3)], ignore_index=True)
    made = synthetic.Synthesis(frame=real.copy(), epsilon=4.0, delta=0.0012, dp_records=3)
    report = synthetic.report(made, real, generated_at=timezone.now().isoformat())
    content = real.to_csv(index=False).encode()
    digest = hashlib.sha256(content).hexdigest()
    kept = SyntheticRelease(epsilon=4.0, delta=0.0012, rows=3, sha256=digest, report=report)
    kept.file.save("synthetic.csv", ContentFile(content), save=False)
    kept.save()
    visit(page, "/evaluation/synthetic/")
    expect(page.locator('[data-figure="epsilon"]')).to_have_text("4.0")
    expect(page.locator('[data-figure="one-way"]')).to_have_text("mean 0.000, worst 0.000")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the synthetic dataset (CSV)").click()
    with open(info.value.path(), "rb") as file:
        assert file.read() == content
