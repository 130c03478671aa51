"""The child's feedback walked in Welsh (ADR 0023, issue 13): the child's own pages, which a child of a Welsh
site reads on a device without signing in (plain Welsh, "ti"), and the pages of those who gather and oversee it
at a Welsh site: the guardian, the coordinator and the analyst.

Fails on English left on a page, other than names, references, what the children wrote and the allowed terms
(core/tests/welsh.py).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.feedback.demo import DEMO_ANSWERS, open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user, signed_in

WRITTEN = [better for _, _, better in DEMO_ANSWERS if better]  # the children's own words, shown as written


def names_on(user: User, site: Site) -> list[str]:
    child = demo_child(site)
    starters = {s.started_by.full_name for s in FeedbackSession.objects.filter(child__site=site)}
    return [
        user.full_name,
        user.email,
        user.organisation.name if user.organisation else "",
        site.name,
        child.display_name,
        *starters,
        *WRITTEN,
    ]


def in_welsh() -> Client:
    """A device with Welsh chosen by the language switch (the child's pages have no sign-in)."""
    client = Client()
    client.get(reverse("accounts:language"), {"language": "cy"})
    return client


def test_the_childs_own_pages_are_in_welsh(welsh_site):
    started = open_session(demo_child(welsh_site), demo_user(Role.ICTG))
    child = in_welsh()
    form = reverse("feedback:form", args=[started.token])
    assert walk_in_welsh(child, [reverse("feedback:code"), form]) == {}
    page = child.get(form).content.decode()
    assert "Dweda wrthon ni beth rwyt ti’n ei feddwl" in page and "Dw i ddim yn siŵr" in page

    # Sent with nothing chosen: each question named in Welsh, in the error summary and by the question.
    unanswered = child.post(form, {"better": ""}).content.decode()
    assert "Edrycha eto ar dy atebion" in unanswered and "Dewisa ateb i: wnest ti ddeall" in unanswered
    assert english_left(unanswered) == []

    wrong = child.post(reverse("feedback:code"), {"code": "ZZZZ-ZZZZ"}).content.decode()
    assert "Dydy’r cod yna ddim yn gweithio" in wrong and english_left(wrong) == []

    sent = child.post(form, {"listened": "yes", "understood": "not_sure", "better": "Mwy o amser."}, follow=True)
    assert "Diolch" in sent.content.decode() and english_left(sent.content.decode()) == []
    # Used: the link is gone, in Welsh.
    assert walk_in_welsh(child, [form]) == {}


# The one-time link and the code page's address are shown as they are; the link's signature changes every second.
ADDRESS = re.compile(r'http://testserver/feedback/your-say/[^\s<"]*')


@pytest.mark.parametrize("role", [Role.ICTG, Role.COORDINATOR])
def test_the_childs_feedback_page_is_in_welsh_for_a_welsh_site(welsh_site, role):
    user = demo_user(role)
    client = signed_in(user)
    child = demo_child(welsh_site)
    paths = [reverse("feedback:child", args=[child.reference])]
    if role == Role.ICTG:
        started = client.post(reverse("feedback:start", args=[child.reference]))
        paths.append(started.url)  # the new session, with its code and link
        cancelled = open_session(child, user).session
        client.post(reverse("feedback:cancel", args=[cancelled.pk]))
        paths.append(reverse("feedback:session", args=[cancelled.pk]))
    for path in paths:
        page = client.get(path).content.decode()
        assert '<html lang="cy"' in page, path
        assert english_left(ADDRESS.sub(" ", page), names=names_on(user, welsh_site)) == [], path


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST])
def test_the_feedback_summary_is_in_welsh_for_a_welsh_site(welsh_site, role):
    user = demo_user(role)
    client = signed_in(user)
    paths = [reverse("feedback:summary"), reverse("feedback:summary") + "?months=24"]
    assert walk_in_welsh(client, paths, names=names_on(user, welsh_site)) == {}
