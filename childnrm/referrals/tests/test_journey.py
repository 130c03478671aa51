"""The first responder's journey on the web: start, save section by section, resume, check, send."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.kit.forms import today
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from childnrm.referrals.services import referral_save, referral_start
from childnrm.referrals.views import SECTIONS
from childnrm.triage.models import TriageAssessment
from conftest import demo_user

pytestmark = pytest.mark.django_db


def valid_answers(site_slug: str = "northbridge") -> dict[str, dict]:
    from childnrm.accounts.models import Site

    la = Site.objects.get(slug=site_slug).local_authorities.order_by("pk").first()
    return {
        "child": {
            "given_names": "Amara",
            "family_name": "Okafor",
            "alias_given_0": "Mara",
            "alias_family_0": "",
            "date_of_birth_day": "3",
            "date_of_birth_month": "4",
            "date_of_birth_year": str(today().year - 14),
            "sex": "female",
        },
        "background": {
            "nationality_0": "GB",
            "nationality_1": "NG",
            "language_0": "en",
            "interpreter_needed": "no",
            "ethnicity": "black_african",
        },
        "location": {"residence_local_authority": str(la.pk), "found_location": "Northbridge bus station"},
        "exploitation": {
            "exploitation_types": ["criminal", "sexual"],
            "county_lines": "on",
            "exploitation_location": "uk",
            "exploitation_started_day": "1",
            "exploitation_started_month": "6",
            "exploitation_started_year": str(today().year - 1),
            "public_order_disqualification": "no",
        },
        "account": {"account": "Found carrying drugs for older men.", "indicators": ["going_missing"]},
        "safeguarding": {"ictg_referral_made": "not_known", "in_place": ["child_in_need"]},
        "referrer": {"referrer_name": "Sam Referrer", "referrer_email": "sam@police.example"},
    }


def section_url(referral: Referral, slug: str) -> str:
    if slug == "documents":
        return reverse("referrals:documents", args=[referral.reference])
    return reverse("referrals:section", args=[referral.reference, slug])


def complete_every_section(client, referral: Referral, site_slug: str = "northbridge") -> None:
    answers = valid_answers(site_slug)
    for section in SECTIONS:
        data = answers.get(section.slug, {})
        response = client.post(section_url(referral, section.slug), {**data, "continue": ""})
        assert response.status_code == 302, (section.slug, _errors(response))


def _errors(response) -> list[str]:
    return re.findall(r'govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)


@pytest.fixture
def responder(client_as):
    return client_as(Role.FIRST_RESPONDER)


@pytest.fixture
def draft(demo) -> Referral:
    return referral_start(user=demo_user(Role.FIRST_RESPONDER))


def test_starting_a_referral_creates_a_draft_and_opens_its_task_list(responder, demo):
    response = responder.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=demo_user(Role.FIRST_RESPONDER))
    assert referral.status == ReferralStatus.DRAFT
    assert response["Location"] == reverse("referrals:task-list", args=[referral.reference])

    page = responder.get(response["Location"]).content.decode()
    assert "Refer a child" in page
    assert page.count("Not started") == len(SECTIONS)
    assert "Cannot start yet" in page
    # Starting is a POST only: a link crawler cannot create drafts.
    assert responder.get(reverse("referrals:start")).status_code == 405


def test_a_section_saves_and_the_answers_are_there_when_the_referrer_comes_back(responder, draft):
    url = section_url(draft, "child")
    response = responder.post(url, {**valid_answers()["child"], "continue": ""})
    assert response["Location"] == reverse("referrals:task-list", args=[draft.reference])

    draft.refresh_from_db()
    assert (draft.given_names, draft.family_name, draft.sex) == ("Amara", "Okafor", "female")
    assert draft.date_of_birth.year == today().year - 14
    assert draft.aliases == [{"given_names": "Mara", "family_name": ""}]
    assert "child" in draft.sections_saved

    # Coming back later: the page shows what was saved, and the task list says Completed.
    page = responder.get(url).content.decode()
    assert 'value="Amara"' in page and 'value="Okafor"' in page and 'value="Mara"' in page
    assert re.search(r'name="date_of_birth_year" type="text" value="\d{4}" inputmode="numeric"', page)
    assert re.search(r'value="female" checked', page)
    task_list = responder.get(reverse("referrals:task-list", args=[draft.reference])).content.decode()
    assert re.search(r"Name, date of birth and sex</a>.*?</div>\s*<div[^>]*>\s*Completed", task_list, re.S)


def test_save_and_come_back_later_keeps_a_half_finished_section_in_progress(responder, draft):
    response = responder.post(section_url(draft, "child"), {"given_names": "Amara", "later": ""})
    assert response["Location"] == reverse("referrals:mine")
    draft.refresh_from_db()
    assert draft.given_names == "Amara"
    task_list = responder.get(reverse("referrals:task-list", args=[draft.reference])).content.decode()
    assert "In progress" in task_list
    mine = responder.get(reverse("referrals:mine")).content.decode()
    assert "Continue" in mine and draft.reference in mine and "Amara" in mine


def test_save_and_come_back_later_with_every_answer_given_completes_the_section(responder, draft):
    responder.post(section_url(draft, "child"), {**valid_answers()["child"], "later": ""})
    draft.refresh_from_db()
    assert draft.sections_saved == ["child"]


def test_save_and_come_back_later_with_one_answer_wrong_keeps_the_others_and_the_stored_answer(responder, draft):
    url = section_url(draft, "child")
    responder.post(url, {**valid_answers()["child"], "continue": ""})
    draft.refresh_from_db()
    born = draft.date_of_birth

    # The referrer changes the name and the NHS number, mistypes the date, and leaves for later.
    response = responder.post(
        url,
        {
            **valid_answers()["child"],
            "given_names": "Amarachi",
            "nhs_number": "943 476 5919",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "later": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The page says what was kept and what was not, and shows what was typed, to correct.
    assert "Your other answers have been saved, but not these. Correct or clear them, then save again." in page
    assert 'href="#id_date_of_birth_day">Date of birth must be a real date' in page
    assert 'name="date_of_birth_day" type="text" value="31"' in page
    draft.refresh_from_db()
    assert (draft.given_names, draft.nhs_number) == ("Amarachi", "9434765919")
    assert draft.date_of_birth == born  # never overwritten by the wrong date, nor cleared
    # Not complete while an answer waits to be corrected.
    assert "child" not in draft.sections_saved
    task_list = responder.get(reverse("referrals:task-list", args=[draft.reference])).content.decode()
    assert "In progress" in task_list


def test_save_and_come_back_later_saves_nothing_when_the_problem_is_not_one_answer(responder, draft):
    # A guard for the change above (it passed before it too): keeping answers back never saves half a rule.
    # Details of a social worker with no name: the problem is between answers, so no answer alone can be kept back.
    response = responder.post(
        section_url(draft, "safeguarding"),
        {"ictg_referral_made": "yes", "social_worker_team": "Team 2", "later": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter the social worker&#39;s full name, or leave their details blank" in page
    assert "Your other answers have been saved" not in page
    draft.refresh_from_db()
    assert (draft.ictg_referral_made, draft.social_worker_team, draft.sections_saved) == (None, "", [])


def test_save_and_continue_with_an_answer_wrong_saves_nothing(responder, draft):
    # A guard (it passed before too): only "Save and come back later" keeps the valid answers of a page in error.
    responder.post(section_url(draft, "child"), {"given_names": "Amara", "later": ""})
    response = responder.post(
        section_url(draft, "child"),
        {
            "given_names": "Ada",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2012",
            "continue": "",
        },
    )
    assert response.status_code == 200
    assert "Your other answers have been saved" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.given_names == "Amara"


def test_errors_are_summarised_and_inline_and_every_value_entered_is_kept(responder, draft):
    data = {
        "given_names": "Amara",
        "alias_given_0": "Mara",
        "date_of_birth_day": "31",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2012",
        "gender_identity": "Girl",
        "continue": "",
    }
    response = responder.post(section_url(draft, "child"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'href="#id_date_of_birth_day">Date of birth must be a real date</a>' in page
    assert 'href="#id_sex_0">Select the child&#39;s sex</a>' in page
    assert '<p id="id_sex-error" class="govuk-error-message">' in page
    for value in ("Amara", "Mara", "31", "2012", "Girl"):
        assert f'value="{value}"' in page
    # Nothing was saved from an invalid page.
    draft.refresh_from_db()
    assert draft.given_names == ""


def test_the_childs_nhs_number_and_home_office_reference_are_saved_and_shown_on_check_answers(responder, draft):
    complete_every_section(responder, draft)
    identifiers = {"nhs_number": "943-476-5919", "home_office_reference": "Port reference EDD/1234567"}
    response = responder.post(section_url(draft, "child"), {**valid_answers()["child"], **identifiers, "continue": ""})
    assert response.status_code == 302, _errors(response)
    draft.refresh_from_db()
    assert (draft.nhs_number, draft.home_office_reference) == ("9434765919", "Port reference EDD/1234567")

    page = responder.get(section_url(draft, "child")).content.decode()
    assert 'value="943 476 5919"' in page and 'value="Port reference EDD/1234567"' in page
    assert 'inputmode="numeric"' in page and 'class="govuk-input govuk-input--width-10"' in page

    page = responder.get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    rows = dict(re.findall(r'__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value">([^<]*)</dd>', page))
    assert rows["NHS number"] == "943 476 5919"
    assert rows["Home Office reference"] == "Port reference EDD/1234567"


def test_without_identifiers_check_answers_says_they_were_not_given(responder, draft):
    complete_every_section(responder, draft)
    page = responder.get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    for key in ("NHS number", "Home Office reference"):
        assert re.search(rf"__key\">{key}</dt>\s*<dd[^>]*><span class=\"govuk-hint[^\"]*\">Not given</span>", page)


def test_an_invalid_nhs_number_is_explained_and_nothing_typed_is_lost(responder, draft):
    data = {
        **valid_answers()["child"],
        "nhs_number": "943 476 5918",
        "home_office_reference": "UAN 1234-5678-9012-3456",
        "gender_identity": "Girl",
        "continue": "",
    }
    response = responder.post(section_url(draft, "child"), data)
    assert response.status_code == 200
    page = response.content.decode()
    message = "Enter a valid NHS number: check it against the child&#39;s health records"
    assert f'href="#id_nhs_number">{message}</a>' in page
    assert '<p id="id_nhs_number-error" class="govuk-error-message">' in page
    for value in ("Amara", "Okafor", "Mara", "943 476 5918", "UAN 1234-5678-9012-3456", "Girl"):
        assert f'value="{value}"' in page
    draft.refresh_from_db()
    assert (draft.given_names, draft.nhs_number, draft.home_office_reference) == ("", "", "")


def test_county_lines_only_with_criminal_exploitation(responder, draft):
    data = {**valid_answers()["exploitation"], "exploitation_types": ["labour"], "continue": ""}
    page = responder.post(section_url(draft, "exploitation"), data).content.decode()
    assert "County lines can only be selected with criminal exploitation" in page
    assert 'value="labour" checked' in page


def test_another_referrers_draft_is_not_found(client_as, draft, demo):
    # Another first responder (at the other site) cannot see, change or send it.
    other = client_as(Role.FIRST_RESPONDER, "three-rivers")
    for url in (
        reverse("referrals:task-list", args=[draft.reference]),
        section_url(draft, "child"),
        section_url(draft, "documents"),
        reverse("referrals:check-answers", args=[draft.reference]),
    ):
        assert other.get(url).status_code == 404
        assert other.post(url, {"given_names": "Changed", "continue": ""}).status_code == 404
    draft.refresh_from_db()
    assert draft.given_names == "" and draft.status == ReferralStatus.DRAFT
    # A coordinator has no business with drafts at all.
    assert client_as(Role.COORDINATOR).get(reverse("referrals:task-list", args=[draft.reference])).status_code == 403


def test_an_unknown_section_is_not_found(responder, draft):
    assert responder.get(reverse("referrals:section", args=[draft.reference, "nothing"])).status_code == 404


def test_check_answers_shows_each_answer_with_a_change_link(responder, draft):
    complete_every_section(responder, draft)
    page = responder.get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    assert "Amara Okafor" in page
    assert "Criminal exploitation" in page and "Sexual exploitation" in page
    assert "Northbridge City Council" in page
    assert "Nigeria" in page and "United Kingdom" in page
    change = section_url(draft, "child") + "?return=check"
    assert f'href="{change}">Change<span class="govuk-visually-hidden"> name</span>' in page

    # A change made from check answers comes back to check answers.
    response = responder.post(change, {**valid_answers()["child"], "given_names": "Amarah", "continue": ""})
    assert response["Location"] == reverse("referrals:check-answers", args=[draft.reference])


def test_sending_an_incomplete_referral_lists_what_is_missing(responder, draft):
    responder.post(section_url(draft, "child"), {**valid_answers()["child"], "continue": ""})
    response = responder.post(reverse("referrals:check-answers", args=[draft.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="{section_url(draft, "exploitation")}">Complete the section ‘The exploitation’</a>' in page
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


def test_sending_submits_once_shows_the_reference_and_lists_the_status(responder, draft, demo):
    complete_every_section(responder, draft)
    url = reverse("referrals:check-answers", args=[draft.reference])
    response = responder.post(url)
    assert response["Location"] == reverse("referrals:confirmation", args=[draft.reference])
    page = responder.get(response["Location"]).content.decode()
    assert "Referral sent" in page and draft.reference in page and "govuk-panel--confirmation" in page

    draft.refresh_from_db()
    assert draft.status == ReferralStatus.SUBMITTED
    assert draft.nationalities == ["GB", "NG"] and draft.county_lines is True

    # A second click sends nothing twice: no second child record, status change or triage.
    again = responder.post(url)
    assert again["Location"] == reverse("referrals:confirmation", args=[draft.reference])
    assert ReferralStatusChange.objects.filter(referral=draft).count() == 1
    assert TriageAssessment.objects.filter(referral=draft).count() == 1
    assert Child.objects.filter(referrals=draft).count() == 1
    # The draft's question pages are closed now.
    assert responder.get(section_url(draft, "child")).status_code == 404

    mine = responder.get(reverse("referrals:mine")).content.decode()
    sent = mine.split('data-testid="sent"')[1]
    assert draft.reference in sent
    assert "Submitted – awaiting triage" in sent
    assert "The panel coordinator is checking who should decide" in sent


def test_your_referrals_shows_nothing_of_other_referrers(responder, client_as, demo):
    other_user = demo_user(Role.FIRST_RESPONDER, "three-rivers")
    theirs = referral_start(user=other_user)
    referral_save(referral=theirs, user=other_user, data={"given_names": "Zebedee", "family_name": "Elsewhere"})
    page = responder.get(reverse("referrals:mine")).content.decode()
    assert theirs.reference not in page and "Zebedee" not in page
    assert "You have no drafts" in page
    # Nor can they reach its confirmation page.
    assert responder.get(reverse("referrals:confirmation", args=[theirs.reference])).status_code == 404


def test_the_outcome_is_told_in_plain_words_once_triage_is_confirmed(responder, demo):
    from django.utils import timezone

    from childnrm.referrals.tests.factories import submitted_referral

    referral = submitted_referral("northbridge")
    referral.triage_assessments.update(confirmed_at=timezone.now(), final_outcome="sca")
    page = responder.get(reverse("referrals:mine")).content.decode()
    assert "The Home Office Single Competent Authority will decide" in page


def test_every_page_of_the_journey_is_audited(responder, draft):
    responder.get(reverse("referrals:task-list", args=[draft.reference]))
    responder.get(section_url(draft, "child"))
    responder.post(section_url(draft, "child"), {**valid_answers()["child"], "continue": ""})
    responder.get(reverse("referrals:mine"))
    events = AuditEvent.objects.filter(object_id=str(draft.pk), object_type="referrals.referral").order_by("seq")
    actions = [(e.action, e.detail.get("page") or ",".join(e.detail.get("fields", []))[:20]) for e in events]
    assert ("view", "task-list") in actions and ("view", "child") in actions
    assert any(a == "update" for a, _ in actions)
    assert AuditEvent.objects.filter(action="list", object_type="referrals.referral").exists()
    # No personal data in the audit detail: field names only.
    assert not AuditEvent.objects.filter(detail__icontains="Amara").exists()


def test_the_referrer_sees_the_panels_latest_final_decision(client_as):
    from childnrm.decisions.models import Stage
    from childnrm.decisions.tests.factories import final_decision

    decision = final_decision("northbridge", stage=Stage.CONCLUSIVE_GROUNDS)
    body = client_as(Role.FIRST_RESPONDER).get("/referrals/").content.decode()
    row = body[body.index(decision.referral.reference) :]
    row = row[: row.index("</tr>")]
    assert (
        f"Conclusive grounds decision on {decision.decided_on:%-d %B %Y}. "
        "Positive: on the balance of probabilities, the child is a victim of modern slavery"
    ) in row


def test_every_question_page_opens_empty_and_answered(responder, draft):
    """Each section page renders its questions, before any answer and with every answer given."""

    def pages(referral: Referral) -> dict[str, str]:
        return {
            s.slug: responder.get(reverse("referrals:section", args=[referral.reference, s.slug])).content.decode()
            for s in SECTIONS
        }

    for slug, page in pages(draft).items():
        assert 'class="govuk-form-group' in page, slug
        assert "There is a problem" not in page, slug
    for slug, answers in valid_answers().items():
        url = reverse("referrals:section", args=[draft.reference, slug])
        assert responder.post(url, {**answers, "continue": ""}).status_code == 302, slug
    answered = pages(draft)
    assert 'value="Amara"' in answered["child"]
    for slug, page in answered.items():
        assert "There is a problem" not in page, slug
