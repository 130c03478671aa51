"""The allocated guardian (ICTG) opens the child's record, the safeguarding plan and the letter for the child they are
to explain, and no link the service shows them leads to a page refused or not found (issue 9, item 7).

The walk starts where a guardian starts: the home page, the child's record and every link in the emails the service
sent them (the decision's letters, a sitting's invitation, an action given to them). It follows the links of the
case's own pages and requests every link found on them, as the guardian.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions.tests.factories import final_decision
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.services import explanation_record, letters_produce
from childnrm.panels.tasks import notify_meeting_invitation
from childnrm.panels.tests.samples import sample_meeting
from childnrm.safeguarding.services import action_add, guardian_allocate
from conftest import demo_user

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)')
ADDRESS = re.compile(r"https?://\S+")
# Pages of the case whose own links are followed in turn (the rest of the service is checked one link deep).
CASE_PAGES = ("/children/", "/safeguarding/", "/letters/", "/panels/meetings/")


def _links(body: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in HREF.findall(body) if not h.startswith("/static/")}


def _case_with_a_guardian(capture):
    decision = final_decision("northbridge")
    child = decision.referral.child
    coordinator, guardian = demo_user(Role.COORDINATOR), demo_user(Role.ICTG)
    guardian_allocate(child=child, user=coordinator, guardian=guardian)
    mail.outbox.clear()
    with capture(execute=True):
        letters_produce(decision=decision, user=coordinator)  # tells the guardian by email
        action_add(
            plan=decision.safeguarding_plans.get(),
            user=coordinator,
            description="Visit the child with an interpreter",
            agency="ictg",
            organisation=None,
            owner_name=guardian.full_name,
            owner=guardian,
            due_on=timezone.localdate() + timedelta(days=7),
            review_on=None,
        )
    notify_meeting_invitation.enqueue(sample_meeting("northbridge").pk, [guardian.pk])
    explanation_record(
        decision=decision,
        user=coordinator,
        explained_by_name=guardian.full_name,
        explained_by_role="Guardian",
        explained_on=timezone.localdate(),
        how="in_person",
    )
    return decision, guardian


def test_every_link_shown_to_the_allocated_guardian_opens(client_as, django_capture_on_commit_callbacks):
    decision, guardian = _case_with_a_guardian(django_capture_on_commit_callbacks)
    child = decision.referral.child
    client = client_as(Role.ICTG)

    emailed = {urlsplit(a).path for m in mail.outbox if guardian.email in m.to for a in ADDRESS.findall(m.body)}
    assert reverse("letters:decision", args=[decision.pk]) in emailed  # told of the decision
    assert reverse("safeguarding:my-actions") in emailed  # the action given to them
    assert reverse("panels:meeting", args=[sample_meeting("northbridge").pk]) in emailed  # the invitation

    statuses: dict[str, int] = {}
    found_on: dict[str, str] = {}
    to_read = ["/", reverse("people:detail", args=[child.reference]), *sorted(emailed)]
    for start in to_read:
        found_on.setdefault(start, "an email or the start")
    while to_read:
        url = to_read.pop(0)
        if url in statuses:
            continue
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in _links(response.content.decode()):
            found_on.setdefault(link, url)
            if link in statuses or link.endswith("/sign-out/"):
                continue
            if url == "/" or url.startswith(CASE_PAGES):
                to_read.append(link)
    broken = {url: (code, found_on[url]) for url, code in statuses.items() if code not in (200, 302)}
    assert broken == {}

    # The guardian reached what they need: the child's record, the plan, the letters page and the letter to explain.
    child_letter = Letter.objects.get(decision=decision, kind=LetterKind.CHILD_FRIENDLY)
    for needed in (
        reverse("people:detail", args=[child.reference]),
        reverse("safeguarding:plan", args=[decision.safeguarding_plans.get().pk]),
        reverse("letters:decision", args=[decision.pk]),
        reverse("letters:download", args=[child_letter.pk]),
    ):
        assert statuses.get(needed) == 200, needed


def test_the_childs_record_leads_the_guardian_to_the_letter_to_explain(client_as):
    decision = final_decision("northbridge")
    child = decision.referral.child
    guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=demo_user(Role.ICTG))
    record_url = reverse("people:detail", args=[child.reference])
    guardian = client_as(Role.ICTG)

    page = guardian.get(record_url).content.decode()
    assert reverse("letters:decision", args=[decision.pk]) in page
    assert "The letter for the child has not been produced yet" in page

    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    child_letter = Letter.objects.get(decision=decision, kind=LetterKind.CHILD_FRIENDLY)
    page = guardian.get(record_url).content.decode()
    assert reverse("letters:download", args=[child_letter.pk]) in page
    # The record's case timeline is the coordinator's; the guardian is not shown its links to closed pages.
    assert reverse("triage:triage", args=[decision.referral.reference]) not in page
    # From the letters page, back to the child's record.
    letters_page = guardian.get(reverse("letters:decision", args=[decision.pk])).content.decode()
    assert f'href="{record_url}"' in letters_page


def test_a_guardian_not_allocated_is_shown_no_letters(client_as):
    decision = final_decision("northbridge")
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    guardian = client_as(Role.ICTG)
    assert guardian.get(reverse("people:detail", args=[decision.referral.child.reference])).status_code == 404
    assert guardian.get(reverse("letters:decision", args=[decision.pk])).status_code == 404
