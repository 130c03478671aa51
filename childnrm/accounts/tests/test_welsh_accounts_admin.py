"""The site administrator's pages in Welsh (ADR 0023, issue 13): users, adding a user, a user's roles and
security codes, the decision policy and its history, the site's language; their errors, confirmations and the
emails they send.

Northbridge is made a Welsh site. The policy is changed once first, so its history has a second version with its
changes, reason and author. People's, organisations' and sites' names, e-mail addresses and what the
administrator typed (the reason) stay as written; everything else must be Welsh.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from childnrm.accounts import policy
from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from conftest import demo_user, signed_in

NB = "northbridge"
REASON = "Strategic board, 1 December"


def typed_and_names() -> list[str]:
    found = [REASON, "demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += User.objects.exclude(job_title="").values_list("job_title", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    return [f for f in found if f]


@pytest.fixture
def welsh_admin_site(welsh_site) -> Site:
    admin = demo_user(Role.SITE_ADMIN)
    policy.policy_change(welsh_site, admin, {"recovery_period_days": 45, "negative_second_review": True}, REASON)
    return welsh_site


def admin_paths() -> list[str]:
    admin = demo_user(Role.SITE_ADMIN)
    member = demo_user(Role.PANEL_MEMBER)
    return [
        reverse("accounts:site-users"),
        reverse("accounts:site-user-list", args=[NB]),
        reverse("accounts:site-user-add", args=[NB]),
        reverse("accounts:site-user-detail", args=[NB, member.pk]),
        reverse("accounts:site-user-detail", args=[NB, admin.pk]),  # their own: nothing to change
        reverse("accounts:site-policies"),
        reverse("accounts:site-policy", args=[NB]),
        reverse("accounts:site-policy-change", args=[NB]),
        reverse("accounts:site-language", args=[NB]),
    ]


def test_a_welsh_sites_administrator_sees_their_pages_in_welsh(welsh_admin_site):
    client = signed_in(demo_user(Role.SITE_ADMIN))
    page = client.get(reverse("accounts:site-policy", args=[NB])).content.decode()
    version = policy.current_policy(welsh_admin_site).version
    assert "Polisi penderfynu" in page and f"Fersiwn {version}, mewn grym nawr" in page and "Cynt: " in page
    assert walk_in_welsh(client, admin_paths(), names=typed_and_names()) == {}


def test_the_administrators_forms_errors_and_confirmations_are_in_welsh(welsh_admin_site):
    client = signed_in(demo_user(Role.SITE_ADMIN))
    names = typed_and_names()
    member = demo_user(Role.PANEL_MEMBER)
    # Adding a user with nothing filled in.
    page = client.post(reverse("accounts:site-user-add", args=[NB]), {}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch eu henw llawn" in page and "Dewiswch o leiaf un rôl" in page
    assert english_left(page, names=names) == []
    # A policy change out of its limits, and one with no reason.
    change = reverse("accounts:site-policy-change", args=[NB])
    page = client.post(change, {"rg_due_days": "60", "recovery_period_days": "x", "reason": ""}).content.decode()
    assert "Rhowch y cyfnod adfer fel nifer o ddiwrnodau, er enghraifft 30" in page
    assert "Rhowch pam mae’r polisi’n newid" in page
    assert english_left(page, names=names) == []
    values = {
        name: ("yes" if value else "no") if name in policy.BOOLEAN_FIELDS else value
        for name, value in policy.policy_values(welsh_admin_site).items()
    }
    page = client.post(change, {**values, "reason": REASON}).content.decode()
    assert "Mae’r polisi yr un fath â’r un sydd mewn grym" in page and english_left(page, names=names) == []
    version = policy.current_policy(welsh_admin_site).version
    page = client.post(change, {**values, "information_request_days": "14", "reason": REASON}, follow=True)
    assert f"Mae fersiwn {version + 1} o’r polisi mewn grym nawr" in page.content.decode()
    assert english_left(page.content.decode(), names=names) == []
    # Changing a member's roles, then resetting their security codes.
    detail = reverse("accounts:site-user-detail", args=[NB, member.pk])
    roles = [Role.PANEL_MEMBER, Role.ADVISER]
    page = client.post(detail, {"roles": roles}, follow=True).content.decode()
    assert "Mae’r rolau ar gyfer" in page and english_left(page, names=names) == []
    reset = reverse("accounts:site-user-reset-second-factor", args=[NB, member.pk])
    page = client.post(reset, follow=True).content.decode()
    assert "wedi’i allgofnodi" in page and english_left(page, names=names) == []
    # Their own account: refused, in Welsh.
    admin = demo_user(Role.SITE_ADMIN)
    own = reverse("accounts:site-user-reset-second-factor", args=[NB, admin.pk])
    response = client.post(own)
    assert response.status_code == 403
    assert "Ni allwch ailosod eich codau diogelwch eich hun" in response.content.decode()
    assert english_left(response.content.decode(), names=names) == []


def test_a_new_user_of_a_welsh_site_is_invited_in_welsh(welsh_admin_site, django_capture_on_commit_callbacks):
    mail.outbox = []
    client = signed_in(demo_user(Role.SITE_ADMIN))
    organisation = Organisation.objects.filter(active=True).first()
    # The email is sent by the queue's task once the change is committed (at once, in the tests' queue).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:site-user-add", args=[NB]),
            {
                "full_name": "Gwen Morgan",
                "email": "gwen.morgan@example.org",
                "organisation": organisation.pk,
                "roles": [Role.ADVISER],
            },
            follow=True,
        )
    assert "Mae Gwen Morgan wedi cael gwahoddiad" in response.content.decode()
    (email,) = mail.outbox
    assert email.subject == "Paneli NRM i Blant: rydych chi wedi cael mynediad"
    assert "Dewiswch eich cyfrinair gyda’r ddolen hon:" in email.body and "Choose your password" not in email.body


def test_a_new_user_of_an_english_site_is_invited_in_english(site, django_capture_on_commit_callbacks):
    mail.outbox = []
    client = signed_in(demo_user(Role.SITE_ADMIN))
    organisation = Organisation.objects.filter(active=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:site-user-add", args=[NB]),
            {
                "full_name": "Sam Hill",
                "email": "sam.hill@example.org",
                "organisation": organisation.pk,
                "roles": [Role.ADVISER],
            },
        )
    (email,) = mail.outbox
    assert email.subject == "Child NRM Panels: you have been given access"
    assert "Choose your password with this link:" in email.body
