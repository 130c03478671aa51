"""Site administrators manage their own site's users through the service's pages."""

from __future__ import annotations

from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Membership, Organisation, Role, User
from childnrm.audit.models import AuditEvent
from conftest import demo_user


def test_admin_adds_a_user_with_roles_and_they_get_a_set_password_email(client_as, site):
    client = client_as(Role.SITE_ADMIN)
    police = Organisation.objects.get(name="Northbridge Police")
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
    client.post(f"/account/users/{site.slug}/{member.pk}/", {})
    assert not Membership.objects.filter(user=member, site=site, active=True).exists()
    assert client.get(f"/account/users/{site.slug}/{member.pk}/").status_code == 404  # no longer at this site


def test_admin_cannot_remove_their_own_admin_role(client_as, site):
    admin = demo_user(Role.SITE_ADMIN)
    response = client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{admin.pk}/", {"roles": [Role.ANALYST]})
    assert "You cannot remove your own site administrator role" in response.content.decode()
    assert Membership.objects.filter(user=admin, site=site, role=Role.SITE_ADMIN, active=True).exists()


def test_admin_resets_a_users_second_factor(client_as, site):
    member = demo_user(Role.ICTG)
    client_as(Role.SITE_ADMIN).post(f"/account/users/{site.slug}/{member.pk}/reset-second-factor/")
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_admin_of_one_site_cannot_manage_another(client_as, other_site):
    client = client_as(Role.SITE_ADMIN, "northbridge")
    other_member = demo_user(Role.PANEL_MEMBER, "three-rivers")
    assert client.get(f"/account/users/{other_site.slug}/").status_code == 404
    assert client.post(f"/account/users/{other_site.slug}/{other_member.pk}/", {}).status_code == 404
    assert Membership.objects.filter(user=other_member, site=other_site, active=True).exists()
