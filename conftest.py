"""Shared test fixtures: the demo sites and a signed-in client for any role at any site."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Role, Site, User
from childnrm.core.demo import demo_email, load_demo_data


@pytest.fixture
def demo(db) -> list[User]:
    """Two sites (one local authority; a consortium of two), their agencies and one user per role each."""
    return load_demo_data(children_per_site=6)


@pytest.fixture
def site(demo) -> Site:
    return Site.objects.get(slug="northbridge")


@pytest.fixture
def other_site(demo) -> Site:
    return Site.objects.get(slug="three-rivers")


def demo_user(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def signed_in(user: User) -> Client:
    """A client signed in with both factors, as after the real sign-in journey."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(demo) -> Callable[..., Client]:
    def make(role: str = Role.COORDINATOR, site_slug: str = "northbridge") -> Client:
        return signed_in(demo_user(role, site_slug))

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Creating 18 demo users with the production hasher dominates test time; the hasher is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
