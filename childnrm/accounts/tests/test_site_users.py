"""Site administrators manage their own site's users through the service's pages."""

from __future__ import annotations

import re

from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Membership, Organisation, Role, User
from childnrm.accounts.tests.test_sign_in import current_code
from childnrm.audit.models import AuditEvent
from childnrm.people.demo import DEMO_PASSWORD
from conftest import demo_user, signed_in

# The service's configured address (CHILDNRM_BASE_URL), unlike the test client's host ("testserver"): an account
# email must link to the service, whatever host the administrator's request came to.
SERVICE_ADDRESS = "https://panels.example.gov.uk"


def _set_password_link(body: str) -> str:
    """The path of the one-time link in an account email; fails unless the link is to the service's address."""
    found = re.search(rf"{re.escape(SERVICE_ADDRESS)}(/account/password-reset/\S+)", body)
    assert found, body
    assert "testserver" not in body
    return found.group(1)


def test_admin_adds_a_user_with_roles_and_they_get_a_set_password_email(
    client_as, site, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    client = client_as(Role.SITE_ADMIN)
    police = Organisation.objects.get(name="Northbridge Police")
    # The email is sent by the queue's task once the change is committed (at once, in the tests' queue).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/account/users/{site.slug}/add/",
            {
                "full_name": "Priya Shah",
                "email": "Priya.Shah@police.example",
                "organisation": police.pk,
                "job_title": "Detective Sergeant",
                "roles": [Role.PANEL_MEMBER, Role.FIRST_RESPONDER],
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="priya.shah@police.example")
    assert not user.has_usable_password()
    assert set(Membership.objects.filter(user=user, site=site).values_list("role", flat=True)) == {
        Role.PANEL_MEMBER,
        Role.FIRST_RESPONDER,
    }
    assert len(mail.outbox) == 1 and "Priya" not in mail.outbox[0].subject
    # The link opens the page where they choose their password.
    set_password = Client().get(_set_password_link(mail.outbox[0].body))
    assert set_password.status_code == 302 and set_password["Location"].startswith("/account/password-reset/")
    assert AuditEvent.objects.filter(action="create", object_type="accounts.user", object_id=str(user.pk)).exists()
    assert "Priya Shah" in client.get(f"/account/users/{site.slug}/").content.decode()


def test_add_user_form_errors_keep_what_was_entered(client_as, site):
    response = client_as(Role.SITE_ADMIN).post(
        f"/account/users/{site.slug}/add/", {"full_name": "Sam Lee", "email": "not-an-email"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in body and "Choose at least one role" in body
    assert 'value="Sam Lee"' in body


def test_admin_changes_and_removes_roles(client_as, site):
    member = demo_user(Role.PANEL_MEMBER)
    client = client_as(Role.SITE_ADMIN)
    client.post(f"/account/users/{site.slug}/{member.pk}/", {"roles": [Role.PANEL_MEMBER, Role.CHAIR]})
    active = set(Membership.objects.filter(user=member, site=site, active=True).values_list("role", flat=True))
    assert active == {Role.PANEL_MEMBER, Role.CHAIR}
    # Taking every role away asks first (test_site_user_removal.py), then is done once confirmed.
    assert client.post(f"/account/users/{site.slug}/{member.pk}/", {}).status_code == 200
    assert Membership.objects.filter(user=member, site=site, active=True).exists()
    client.post(f"/account/users/{site.slug}/{member.pk}/", {"confirmed": "yes"})
    assert not Membership.objects.filter(user=member, site=site, active=True).exists()
    assert client.get(f"/account/users/{site.slug}/{member.pk}/").status_code == 404  # no longer at this site


def test_admin_cannot_remove_their_own_admin_role(client_as, site):
    admin = demo_user(Role.SITE_ADMIN)
    response = client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{admin.pk}/", {"roles": [Role.ANALYST]})
    assert response.status_code == 403
    assert "You cannot change your own roles" in response.content.decode()
    assert Membership.objects.filter(user=admin, site=site, role=Role.SITE_ADMIN, active=True).exists()


def test_admin_cannot_give_themselves_more_roles(client_as, site):
    """Regression (issue 14, item 3): an administrator could widen their own access alone."""
    admin = demo_user(Role.SITE_ADMIN)
    client = client_as(Role.SITE_ADMIN)
    response = client.post(f"/account/users/{site.slug}/{admin.pk}/", {"roles": [Role.SITE_ADMIN, Role.COORDINATOR]})
    assert response.status_code == 403
    assert "You cannot change your own roles. Ask another site administrator" in response.content.decode()
    assert not Membership.objects.filter(user=admin, site=site, role=Role.COORDINATOR).exists()
    # Their own page offers neither the roles form nor a reset of their own security codes.
    page = client.get(f"/account/users/{site.slug}/{admin.pk}/").content.decode()
    assert "Save roles" not in page and "Reset security codes" not in page
    # Another administrator of the site can change them.
    second_admin = User.objects.create_user("second.admin@childnrm.example", full_name="Second Admin")
    Membership.objects.create(user=second_admin, site=site, role=Role.SITE_ADMIN)
    TOTPDevice.objects.create(user=second_admin, name="Authenticator app", confirmed=True)
    response = signed_in(second_admin).post(
        f"/account/users/{site.slug}/{admin.pk}/", {"roles": [Role.SITE_ADMIN, Role.COORDINATOR]}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=admin, site=site, role=Role.COORDINATOR, active=True).exists()


def test_admin_cannot_reset_their_own_second_factor(client_as, site):
    admin = demo_user(Role.SITE_ADMIN)
    response = client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{admin.pk}/reset-second-factor/")
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_admin_resets_a_users_second_factor(client_as, site):
    member = demo_user(Role.ICTG)
    client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{member.pk}/reset-second-factor/")
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_reset_signs_the_user_out_everywhere_and_needs_the_emailed_link(
    client_as, site, settings, django_capture_on_commit_callbacks
):
    """Regression (issue 14, item 3): after a reset the password alone enrolled a new authenticator."""
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    member = demo_user(Role.ICTG)
    laptop = Client()  # the real journey on one device, a second session on another
    laptop.post("/account/sign-in/", {"email": member.email, "password": DEMO_PASSWORD})
    laptop.post("/account/sign-in/security-code/", {"code": current_code(member)})
    phone = signed_in(member)
    assert laptop.get("/").status_code == 200 and phone.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{member.pk}/reset-second-factor/")
    assert response.status_code == 302

    # Every session of theirs has ended.
    for client in (laptop, phone):
        assert client.get("/")["Location"].startswith("/account/sign-in/")
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)]
    event = AuditEvent.objects.filter(action="update", object_id=str(member.pk)).latest("seq")
    assert event.detail["second_factor"] == "reset" and event.detail["sessions_ended"] == 2

    # They are emailed a one-time link; the subject names nobody.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert member.full_name not in message.subject and member.email not in message.subject

    # Whoever knows only the old password can no longer reach the enrolment page.
    attacker = Client()
    response = attacker.post("/account/sign-in/", {"email": member.email, "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "Enter a correct email address and password" in response.content.decode()
    assert attacker.get("/account/sign-in/set-up-authenticator/")["Location"].startswith("/account/sign-in/")

    # The user follows the link, chooses a password, and then sets up their authenticator again.
    link = _set_password_link(message.body)
    client = Client()
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "a brand new password 7", "new_password2": "a brand new password 7"})
    response = client.post("/account/sign-in/", {"email": member.email, "password": "a brand new password 7"})
    assert response["Location"] == "/account/sign-in/set-up-authenticator/"


def _shared_user(site, other_site) -> User:
    """The Three Rivers coordinator, who also sits on the Northbridge panel."""
    user = demo_user(Role.COORDINATOR, "three-rivers")
    Membership.objects.create(user=user, site=site, role=Role.PANEL_MEMBER)
    return user


def test_admin_cannot_reset_the_second_factor_of_someone_another_site_relies_on(
    client_as, site, other_site, django_capture_on_commit_callbacks
):
    """Regression (issue 14, item 3): a Northbridge administrator removed a Three Rivers coordinator's
    authenticator."""
    shared = _shared_user(site, other_site)
    client = client_as(Role.SITE_ADMIN, "northbridge")
    page = client.get(f"/account/users/{site.slug}/{shared.pk}/").content.decode()
    assert "Reset security codes" not in page and "roles at a site you do not administer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/account/users/{site.slug}/{shared.pk}/reset-second-factor/")
    assert response.status_code == 403
    assert "you cannot reset this person" in response.content.decode().lower()
    assert TOTPDevice.objects.filter(user=shared, confirmed=True).exists()
    assert shared.__class__.objects.get(pk=shared.pk).has_usable_password()
    assert mail.outbox == []
    # The Three Rivers administrator does not administer Northbridge either.
    response = client_as(Role.SITE_ADMIN, "three-rivers").post(
        f"/account/users/{other_site.slug}/{shared.pk}/reset-second-factor/"
    )
    assert response.status_code == 403
    # An administrator of both sites may.
    both = demo_user(Role.SITE_ADMIN, "northbridge")
    Membership.objects.create(user=both, site=other_site, role=Role.SITE_ADMIN)
    response = signed_in(both).post(f"/account/users/{site.slug}/{shared.pk}/reset-second-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=shared).exists()


def test_admin_cannot_attach_someone_from_another_site_by_email(
    client_as, site, other_site, django_capture_on_commit_callbacks
):
    """Regression (issue 14, item 3): adding an existing address attached that account and showed its name."""
    outsider = demo_user(Role.COORDINATOR, "three-rivers")
    police = Organisation.objects.get(name="Northbridge Police")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(Role.SITE_ADMIN, "northbridge").post(
            f"/account/users/{site.slug}/add/",
            {
                "full_name": "Anyone",
                "email": outsider.email.upper(),
                "organisation": police.pk,
                "roles": [Role.SITE_ADMIN],
            },
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This email address cannot be given roles from here" in body
    assert outsider.full_name not in body
    assert not Membership.objects.filter(user=outsider, site=site).exists()
    assert mail.outbox == []


def test_admin_can_add_a_role_to_someone_already_at_their_site(client_as, site):
    member = demo_user(Role.PANEL_MEMBER)
    police = Organisation.objects.get(name="Northbridge Police")
    response = client_as(Role.SITE_ADMIN).post(
        f"/account/users/{site.slug}/add/",
        {"full_name": "X", "email": member.email, "organisation": police.pk, "roles": [Role.CHAIR]},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=member, site=site, role=Role.CHAIR, active=True).exists()


def test_admin_of_one_site_cannot_manage_another(client_as, other_site):
    client = client_as(Role.SITE_ADMIN, "northbridge")
    other_member = demo_user(Role.PANEL_MEMBER, "three-rivers")
    assert client.get(f"/account/users/{other_site.slug}/").status_code == 404
    assert client.post(f"/account/users/{other_site.slug}/{other_member.pk}/", {}).status_code == 404
    assert Membership.objects.filter(user=other_member, site=other_site, active=True).exists()


def test_the_users_list_comes_a_page_at_a_time_by_name(client_as, site, monkeypatch):
    """First responders hold roles too, so a site has hundreds of users: a page at a time, in name order, every user
    on exactly one page, and only the page's users recorded as seen."""
    from childnrm.accounts import views
    from childnrm.accounts.selectors import site_users

    monkeypatch.setattr(views, "SITE_USERS_PER_PAGE", 3)
    everyone = list(site_users(site))
    assert len(everyone) > 3
    client = client_as(Role.SITE_ADMIN)
    url = f"/account/users/{site.slug}/"
    first = client.get(url).content.decode()
    assert f"{len(everyone)} users with a role at this site: 1 to 3, by name" in first
    shown = []
    for number in range(1, (len(everyone) + 2) // 3 + 1):
        page = client.get(f"{url}?page={number}").content.decode()
        shown += [int(pk) for pk in re.findall(rf'href="/account/users/{site.slug}/(\d+)/"', page)]
        seen = AuditEvent.objects.filter(actor=demo_user(Role.SITE_ADMIN), object_type="accounts.user").latest("seq")
        assert seen.detail["ids"] == shown[-len(seen.detail["ids"]) :] and seen.detail["count"] == len(everyone)
    assert shown == [u.pk for u in everyone]
