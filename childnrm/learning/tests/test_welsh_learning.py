"""The evidence library, the learning log and the community of practice in Welsh, as each role of a Welsh site
that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site. The demo library (published items at both sites, one waiting at Northbridge)
is given what draws every branch: an item with a file, a revision waiting beside its published version, a
revision returned with reasons; three case reviews whose summaries are published (with a newer one waiting),
returned and sent again, and returned. What people typed (titles, summaries, reasons, file names) and names stay
as written; everything else must be Welsh, the forms' error messages and the flash messages included.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.template import engines
from django.urls import reverse
from django.utils.text import Truncator
from jinja2.filters import do_truncate

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.case_reviews.demo import demo_review
from childnrm.case_reviews.models import CaseReview
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.learning.models import LibraryItem, LibraryItemVersion, ReviewSummary, VersionStatus
from childnrm.learning.services import (
    ItemAnswers,
    SummaryAnswers,
    library_item_revise,
    library_item_submit,
    library_version_approve,
    library_version_reject,
    review_summary_approve,
    review_summary_reject,
    review_summary_submit,
)
from childnrm.learning.tests.access_expectations import pdf_bytes
from childnrm.referrals.models import Referral
from childnrm.training.models import Course, TrainingSession
from conftest import demo_user, signed_in

NB = "northbridge"
READERS = (
    Role.FIRST_RESPONDER,
    Role.COORDINATOR,
    Role.CHAIR,
    Role.PANEL_MEMBER,
    Role.ADVISER,
    Role.ICTG,
    Role.SCA_QUALITY_ASSURER,
    Role.ANALYST,
    Role.LIBRARY_MODERATOR,
)


def _item(title: str, **overrides) -> ItemAnswers:
    fields = {
        "title": title,
        "summary": "How a panel weighs a late disclosure, with the guidance it rests on.",
        "kind": "practice_note",
        "themes": ["disclosure", "credibility"],
        "exploitation_types": ["criminal"],
        "region": "wales",
        "audiences": ["panel_members", "coordinators"],
        "item_date": date(2026, 3, 1),
        "link": "https://www.gov.uk/government/publications/modern-slavery-how-to-identify-and-support-victims",
        **overrides,
    }
    return ItemAnswers(**fields)


def _summary(title: str) -> SummaryAnswers:
    return SummaryAnswers(
        title=title,
        summary="A teenager went missing several times before a referral.",
        learning="Hold return home interviews in person, within 72 hours.\n\nAsk who the child was with.",
        themes=["missing", "criminal_exploitation"],
    )


@pytest.fixture
def welsh_learning(welsh_site) -> dict:
    """Every branch of the library's and the learning log's pages, at a Welsh Northbridge."""
    coordinator, moderator = demo_user(Role.COORDINATOR), demo_user(Role.LIBRARY_MODERATOR)
    # An item with a file, published, then a revision waiting; another published, then a revision returned.
    with_file = library_item_submit(
        user=coordinator,
        answers=_item("Late disclosure: a practice note", file=io.BytesIO(pdf_bytes()), file_name="late-note.pdf"),
    )
    library_version_approve(version=with_file, user=moderator)
    waiting = library_item_revise(
        item=with_file.item,
        user=coordinator,
        answers=_item("Late disclosure: a practice note, revised", keep_file_of=with_file),
    )
    returned_item = library_item_submit(user=coordinator, answers=_item("Interviewing children with interpreters"))
    library_version_approve(version=returned_item, user=moderator)
    returned = library_item_revise(
        item=returned_item.item, user=coordinator, answers=_item("Interviewing with interpreters, second edition")
    )
    library_version_reject(version=returned, user=moderator, reason="Link the guidance it quotes, please.")
    # Case reviews: a summary published and a newer one waiting; one returned and sent again; one returned.
    published_review = demo_review(NB)
    published = review_summary_submit(user=coordinator, review=published_review, answers=_summary("Hearing the child"))
    review_summary_approve(summary=published, user=moderator)
    newer = review_summary_submit(
        user=coordinator, review=published_review, answers=_summary("Hearing the child, updated")
    )
    again_review = demo_review(NB)
    first = review_summary_submit(user=coordinator, review=again_review, answers=_summary("Strategy discussions"))
    review_summary_reject(summary=first, user=moderator, reason="Leave out the month of the first episode.")
    resent = review_summary_submit(
        user=coordinator, review=again_review, answers=_summary("Strategy discussions, again"), revising=first
    )
    returned_review = demo_review(NB)
    rejected = review_summary_submit(user=coordinator, review=returned_review, answers=_summary("Return interviews"))
    review_summary_reject(summary=rejected, user=moderator, reason="Say which agency held the interviews.")
    return {
        "item": with_file.item,
        "waiting": waiting,
        "returned_item": returned.item,
        "published": published,
        "newer": newer,
        "resent": resent,
        "rejected": rejected,
        "reviews": (published_review, again_review, returned_review),
    }


def _pieces(text: str) -> list[str]:
    """A typed text as a page shows it: whole, line by line (linebreaksbr) and shortened (truncate filters)."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    return [
        text,
        *text.splitlines(),
        do_truncate(env, text, 240),
        Truncator(text).words(16),
    ]


def typed_and_names() -> list[str]:
    """What a page may show as it was written: names of people, organisations and sites, references, and what
    practitioners typed in the library, the case reviews and their summaries."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    found += Referral.objects.values_list("reference", flat=True)
    found += CaseReview.objects.values_list("reference", flat=True)
    texts: list[str] = []
    for row in LibraryItemVersion.objects.values("title", "summary", "moderation_reason", "file_name", "link"):
        texts += row.values()
    for row in ReviewSummary.objects.values("title", "summary", "learning", "moderation_reason"):
        texts += row.values()
    for row in CaseReview.objects.values("title", "summary"):
        texts += row.values()
    for review in CaseReview.objects.all():
        texts += [p.text for p in review.learning_points.all()]
        texts += [r.text for r in review.recommendations.all()]
        texts += [a.description for a in review.actions.all()]
    for title, description in Course.objects.values_list("title", "description"):
        texts += [title, description]
    texts += TrainingSession.objects.values_list("place", flat=True)
    for text in texts:
        if text:
            found += _pieces(text)
    return [f for f in found if f]


def reader_paths(data: dict) -> list[str]:
    library = reverse("learning:library")
    log = reverse("learning:log")
    return [
        library,
        f"{library}?q=exploitation&sort=newest",  # results of a search
        f"{library}?q=zzqx",  # no results: how to improve them
        f"{library}?kind=guidance&theme=county_lines&exploitation_type=criminal&region=uk&audience=police",
        reverse("learning:item", args=[LibraryItem.objects.filter(site__slug="three-rivers").first().pk]),
        reverse("learning:item", args=[data["item"].pk]),  # its file
        reverse("learning:submit"),
        reverse("learning:mine"),
        reverse("learning:community"),
        log,
        f"{log}?theme=missing",
        f"{log}?site={NB}",
        f"{log}?theme=missing&site={NB}",
        f"{log}?theme=age_assessment",  # nothing for this choice
        reverse("learning:summary", args=[data["published"].pk]),
    ]


@pytest.mark.parametrize("role", READERS)
def test_a_welsh_sites_practitioners_read_the_library_and_learning_log_in_welsh(welsh_learning, role):
    client = signed_in(demo_user(role))
    page = client.get(reverse("learning:library")).content.decode()
    assert "Llyfrgell dystiolaeth" in page and "Rhannu rhywbeth â’r llyfrgell" in page
    problems = walk_in_welsh(client, reader_paths(welsh_learning), names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_a_welsh_sites_moderator_moderates_in_welsh(welsh_learning):
    data = welsh_learning
    client = signed_in(demo_user(Role.LIBRARY_MODERATOR))
    paths = [
        reverse("learning:moderation"),
        reverse("learning:moderate", args=[data["waiting"].pk]),  # beside the published version
        reverse("learning:summary-moderate", args=[data["newer"].pk]),  # beside the published summary
        reverse("learning:summary-moderate", args=[data["resent"].pk]),  # sent again after being returned
        reverse("learning:summary", args=[data["rejected"].pk]),  # returned, not published
        reverse("learning:item", args=[data["returned_item"].pk]),  # its returned revision and reasons
        reverse("learning:revise", args=[data["item"].pk]),  # keeps the file
    ]
    problems = walk_in_welsh(client, paths, names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_a_welsh_sites_coordinator_follows_summaries_in_welsh(welsh_learning):
    data = welsh_learning
    client = signed_in(demo_user(Role.COORDINATOR))
    published, again, returned = data["reviews"]
    paths = [
        reverse("learning:summary", args=[data["rejected"].pk]),  # may be changed and sent again
        reverse("learning:summary", args=[data["newer"].pk]),  # waiting
        reverse("learning:summary-submit", args=[published.pk]),  # starts from the last summary
        reverse("learning:summary-submit", args=[returned.pk]),  # the moderator's reasons in view
        reverse("learning:summary-submit", args=[demo_review(NB).pk]),  # the first summary
        # The case review's section on its summaries: published and waiting, sent again, returned.
        reverse("case_reviews:detail", args=[published.pk]),
        reverse("case_reviews:detail", args=[again.pk]),
        reverse("case_reviews:detail", args=[returned.pk]),
    ]
    page = client.get(paths[-1]).content.decode()
    assert "Newid y crynodeb a’i anfon eto" in page and "Rhannu’r dysgu â phob safle" in page
    problems = walk_in_welsh(client, paths, names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_the_librarys_forms_errors_and_messages_are_in_welsh(welsh_learning):
    data = welsh_learning
    names = typed_and_names()
    author = signed_in(demo_user(Role.PANEL_MEMBER))
    # The submission form sent empty: the error summary and each question's message.
    page = author.post(reverse("learning:submit"), {"title": ""}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch deitl" in page and "Dewiswch o leiaf un thema" in page
    assert english_left(page, names=names) == []
    # A title giving a case reference is refused, in Welsh, quoting the words found.
    referral = Referral.objects.filter(child__isnull=False).select_related("child").first()
    answers = {
        "title": f"Working with {referral.reference}",
        "summary": "A summary.",
        "kind": "guidance",
        "themes": ["missing"],
        "region": "uk",
        "audiences": ["police"],
        "item_date_day": "1",
        "item_date_month": "3",
        "item_date_year": "2026",
        "link": "https://www.gov.uk/guidance",
    }
    page = author.post(reverse("learning:submit"), answers).content.decode()
    assert "Mae’r teitl yn cynnwys cyfeirnod, dyddiad geni" in page
    assert english_left(page, names=[*names, answers["title"]]) == []
    # Sent well: the confirmation on the author's submissions.
    answers["title"] = "Safe accommodation for children who go missing"
    page = author.post(reverse("learning:submit"), answers, follow=True).content.decode()
    assert "Anfonwyd “Safe accommodation for children who go missing” at gymedrolwr" in page
    assert english_left(page, names=typed_and_names()) == []
    moderator = signed_in(demo_user(Role.LIBRARY_MODERATOR))
    # Returned without reasons, then published.
    page = moderator.post(reverse("learning:reject", args=[data["waiting"].pk]), {}).content.decode()
    assert "Rhowch y rhesymau pam na ellir cyhoeddi hyn" in page
    assert english_left(page, names=typed_and_names()) == []
    page = moderator.post(reverse("learning:approve", args=[data["waiting"].pk]), follow=True).content.decode()
    assert "wedi’i gyhoeddi i bob safle" in page and english_left(page, names=typed_and_names()) == []
    # A summary returned without reasons; then one returned with them.
    url = reverse("learning:summary-reject", args=[data["newer"].pk])
    page = moderator.post(url, {}).content.decode()
    assert "Rhowch y rhesymau pam na ellir cyhoeddi hyn" in page and english_left(page, names=names) == []
    page = moderator.post(url, {"reason": "Too close to the review."}, follow=True).content.decode()
    assert "Dychwelwyd" in page and english_left(page, names=[*typed_and_names(), "Too close to the review."]) == []


def test_a_summary_form_and_its_refusals_are_in_welsh(welsh_learning):
    data = welsh_learning
    client = signed_in(demo_user(Role.COORDINATOR))
    review = data["reviews"][2]
    url = reverse("learning:summary-submit", args=[review.pk])
    page = client.post(url, {"title": ""}).content.decode()
    assert "Rhowch beth ddigwyddodd, yn fras" in page and english_left(page, names=typed_and_names()) == []
    # The child of the reviewed case named by their given name alone: refused, in Welsh.
    child = review.cases.select_related("referral__child").first().referral.child
    answers = {
        "title": "Return interviews",
        "summary": f"{child.given_names} went missing.",
        "learning": "Hold them in person.",
        "themes": ["missing"],
    }
    page = client.post(url, answers).content.decode()
    assert "Mae’r crynodeb yn enwi plentyn o’r achosion y mae’r adolygiad yn ymwneud â nhw" in page
    assert english_left(page, names=[*typed_and_names(), answers["summary"], answers["learning"]]) == []
    answers["summary"] = "A child went missing."
    page = client.post(url, answers, follow=True).content.decode()
    assert "Anfonwyd y crynodeb wedi’i newid eto at gymedrolwyr llyfrgell eich safle" in page
    assert english_left(page, names=typed_and_names()) == []
    # Its moderator publishes it to every site's learning log.
    moderator = signed_in(demo_user(Role.LIBRARY_MODERATOR))
    waiting = ReviewSummary.objects.get(review=review, status=VersionStatus.SUBMITTED)
    page = moderator.post(reverse("learning:summary-approve", args=[waiting.pk]), follow=True).content.decode()
    assert "wedi’i gyhoeddi yng nghofnod dysgu pob safle" in page and english_left(page, names=typed_and_names()) == []


def test_the_library_panel_on_a_case_page_is_in_welsh(welsh_learning):
    """The evidence library's links where a practitioner needs guidance (here on a case review's page)."""
    client = signed_in(demo_user(Role.COORDINATOR))
    review = welsh_learning["reviews"][0]
    referral = review.cases.first().referral
    Referral.objects.filter(pk=referral.pk).update(county_lines=True, exploitation_types=["criminal"])
    page = client.get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert (
        "Canllawiau o’r llyfrgell dystiolaeth" in page
        and "Dod o hyd i ragor ar y thema “llinellau sirol” yn y llyfrgell" in page
    )
    assert english_left(page, names=typed_and_names()) == []


def test_a_search_in_welsh_finds_items_by_their_themes(welsh_learning):
    """Themes and exploitation types are searched in either language (their labels are stored in both)."""
    client = signed_in(demo_user(Role.PANEL_MEMBER))
    page = client.get(reverse("learning:library"), {"q": "llinellau sirol"}).content.decode()
    assert "County lines: spotting criminal exploitation early" in page
    assert "sy’n cyfateb i “llinellau sirol”" in page
    assert english_left(page, names=typed_and_names()) == []


def test_the_learning_log_a_page_at_a_time_says_its_count_and_page_in_one_welsh_phrase(welsh_learning, monkeypatch):
    """The heading is one message for each plural form and each filter, with the page in it."""
    from childnrm.learning import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    review_summary_approve(summary=welsh_learning["resent"], user=demo_user(Role.LIBRARY_MODERATOR))
    client = signed_in(demo_user(Role.COORDINATOR))
    page = client.get(reverse("learning:log")).content.decode()
    heading = re.search(r'<h2 class="govuk-heading-m" id="results">(.*?)</h2>', page, re.S).group(1)
    count = int(heading.split()[0])
    assert count > 1 and heading == f"{count} {'grynodeb' if count == 2 else 'crynodeb'}, tudalen 1 o {count}", heading
