"""The invitation email names the site, the roles given and who gave them, and says how to check it is genuine,
so a person can tell it from an imitation. It carries no child's data."""

from __future__ import annotations

from django.core import mail

from childnrm.accounts.models import Membership, Organisation, Role
from childnrm.people.models import Child
from conftest import demo_user, signed_in

SERVICE_ADDRESS = "https://panels.example.gov.uk"


def _invite(client_as, site, on_commit, **extra):
    police = Organisation.objects.get(name="Northbridge Police")
    # The email is sent by the queue's task once the change is committed (at once, in the tests' queue).
    with on_commit(execute=True):
        response = client_as(Role.SITE_ADMIN).post(
            f"/account/users/{site.slug}/add/",
            {
                "full_name": "Priya Shah",
                "email": "priya.shah@police.example",
                "organisation": police.pk,
                "job_title": "Detective Sergeant",
                "roles": [Role.PANEL_MEMBER, Role.FIRST_RESPONDER],
                **extra,
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_invitation_names_the_site_the_roles_and_who_invited_them(
    client_as, site, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    admin = demo_user(Role.SITE_ADMIN)
    message = _invite(client_as, site, django_capture_on_commit_callbacks)
    body = message.body
    organisation = f" of {admin.organisation.name}" if admin.organisation_id else ""
    assert f"{admin.full_name}{organisation} has given you access to Child NRM Panels at {site.name}." in body
    assert f"Your roles at {site.name}:\n- First responder\n- Panel member\n" in body
    assert "Check this email is genuine" in body
    assert f"The link must start with {SERVICE_ADDRESS}/." in body
    assert (
        f"If you were not expecting this email, do not use the link. Tell {admin.full_name} ({admin.email}), "
        "who invited you" in body
    )
    assert "Use contact details you already know, not a reply to this email." in body
    # No child's data: no reference or name of any child of the site.
    for child in Child.objects.filter(site=site)[:50]:
        assert child.reference not in body
        assert not child.family_name or child.family_name not in body
    assert "Priya" not in message.subject and site.name not in message.subject


def test_the_invitation_is_in_welsh_for_a_welsh_site(
    client_as, welsh_site, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    admin = demo_user(Role.SITE_ADMIN)
    body = _invite(client_as, welsh_site, django_capture_on_commit_callbacks).body
    assert "Paneli NRM i Blant" in body and welsh_site.name in body and admin.email in body
    assert "Gwiriwch fod yr e-bost hwn yn ddilys" in body
    assert "has given you access" not in body and "Check this email is genuine" not in body


def _give_roles_to_existing(client, site, member, roles, on_commit):
    police = Organisation.objects.get(name="Northbridge Police")
    with on_commit(execute=True):  # the email's task runs once the change is committed
        return client.post(
            f"/account/users/{site.slug}/add/",
            {"full_name": "Ignored", "email": member.email, "organisation": police.pk, "roles": roles},
        )


def _administering_both(site, other_site):
    admin = demo_user(Role.SITE_ADMIN)
    Membership.objects.create(user=admin, site=other_site, role=Role.SITE_ADMIN)
    return admin


def test_an_existing_account_given_roles_at_another_site_is_told(
    site, other_site, settings, django_capture_on_commit_callbacks
):
    """An account given roles at a second site got no email at all: its holder could not notice a grant they did
    not expect. They are told as an invited person is, without a link: they sign in as they already do."""
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    admin = _administering_both(site, other_site)
    member = demo_user(Role.PANEL_MEMBER, "three-rivers")
    password = member.password
    response = _give_roles_to_existing(
        signed_in(admin), site, member, [Role.CHAIR, Role.PANEL_MEMBER], django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    body = message.body
    organisation = f" of {admin.organisation.name}" if admin.organisation_id else ""
    assert f"{admin.full_name}{organisation} has given you new roles in Child NRM Panels at {site.name}." in body
    assert f"Your roles at {site.name}:\n- Panel chair\n- Panel member\n" in body
    assert "You already have an account: sign in as you usually do" in body
    assert "Check this email is genuine" in body
    assert f"This email has no link. To sign in, type {SERVICE_ADDRESS}/ into your browser yourself." in body
    assert f"Tell {admin.full_name} ({admin.email}), who gave you the roles" in body
    assert "password-reset" not in body and "Choose your password" not in body
    assert message.subject == "Child NRM Panels: you have been given new roles"
    assert member.email not in message.subject and site.name not in message.subject
    # Their password still works: nothing about their sign-in changed.
    member.refresh_from_db()
    assert member.password == password and member.has_usable_password()


def test_a_role_ticked_on_their_own_page_is_told_too_and_one_taken_away_is_not(
    client_as, site, settings, django_capture_on_commit_callbacks
):
    """The administrator's other way of giving roles (ticking them on the person's page) told nobody either."""
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    member = demo_user(Role.PANEL_MEMBER)
    client = client_as(Role.SITE_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/account/users/{site.slug}/{member.pk}/", {"roles": [Role.PANEL_MEMBER, Role.CHAIR]})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert f"Your roles at {site.name}:\n- Panel chair\n- Panel member\n" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Child NRM Panels: you have been given new roles"
    # Taking the new role away again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/account/users/{site.slug}/{member.pk}/", {"roles": [Role.PANEL_MEMBER]})
    assert len(mail.outbox) == 1


def test_giving_roles_already_held_sends_nothing(client_as, site, django_capture_on_commit_callbacks):
    member = demo_user(Role.PANEL_MEMBER)
    response = _give_roles_to_existing(
        client_as(Role.SITE_ADMIN), site, member, [Role.PANEL_MEMBER], django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_roles_email_is_in_welsh_for_a_welsh_site(
    welsh_site, other_site, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    admin = _administering_both(welsh_site, other_site)
    member = demo_user(Role.PANEL_MEMBER, "three-rivers")
    _give_roles_to_existing(signed_in(admin), welsh_site, member, [Role.CHAIR], django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    body = message.body
    assert "Paneli NRM i Blant" in message.subject and "Paneli NRM i Blant" in body
    assert welsh_site.name in body and admin.email in body and SERVICE_ADDRESS in body
    assert "Gwiriwch fod yr e-bost hwn yn ddilys" in body
    assert "has given you new roles" not in body and "This email has no link" not in body
