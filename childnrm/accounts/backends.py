"""How a signed-in user is read on every request (issue 16).

Django's ModelBackend reads the user alone; the header of every page then reads the user's organisation
(`Signed in as …, <organisation>.`) in a statement of its own, and django_otp's middleware reads the device that
verified the session in a third. This backend reads the user with their organisation, and with that device when
the request names it (`reading_with_device`, used by `accounts.middleware.SecondFactorMiddleware`): one statement
instead of three. The device read is only an earlier read of the same row: the middleware still decides, as
django_otp does, whether it verifies the session (its user, confirmed). Signing in (password checks,
permissions) is ModelBackend's, unchanged.

The statements are compiled once per process (kit.prepared): only the ids change from one request to the next.

The backend's path is stored in each session at sign-in, so sessions made under ModelBackend's path end when
this is deployed: everyone signs in again once (ADR 0004, amendment of 2026-12-05).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django_otp.models import Device

from childnrm.kit import prepared

# The device the session being read names, as (model, id): set only around the read of request.user, so a user
# read anywhere else (a task, a test) reads the user alone.
_SESSION_DEVICE: ContextVar[tuple[type[Device], int] | None] = ContextVar("childnrm_session_device", default=None)
# Where the device read with the user is kept on it, for the middleware to take (once).
DEVICE_READ_ATTR = "_childnrm_device_read"


def device_named(persistent_id: str | None) -> tuple[type[Device], int] | None:
    """The device model and id a session's `otp_device_id` names (as django_otp parses it); None if it names none."""
    if not persistent_id:
        return None
    try:
        label, device_id = persistent_id.rsplit("/", 1)
        model = apps.get_model(*label.split("."))
        return (model, int(device_id)) if issubclass(model, Device) else None
    except (ValueError, LookupError, TypeError):
        return None


@contextmanager
def reading_with_device(persistent_id: str | None) -> Iterator[None]:
    """A user read inside the block also reads the device the session names, in the same statement."""
    token = _SESSION_DEVICE.set(device_named(persistent_id))
    try:
        yield
    finally:
        _SESSION_DEVICE.reset(token)


def take_device_read(user: Any, persistent_id: str) -> Device | None:
    """The device read with the user, if it is the one the session names (else None: read it apart). Taken once:
    `user` may be request.user's lazy wrapper, so through getattr/delattr, which reach the user inside."""
    device = getattr(user, DEVICE_READ_ATTR, None)
    if device is None:
        return None
    delattr(user, DEVICE_READ_ATTR)
    return device if device.persistent_id == persistent_id else None


def _user_with_organisation(user_id: int) -> Any:
    model = get_user_model()
    return prepared.first(
        model,
        ("accounts:signed-in-user",),
        lambda pk: model._default_manager.select_related("organisation").filter(pk=pk)[:1],
        user_id,
    )


def _device_with_user(device_model: type[Device], device_id: int, user_id: int) -> Device | None:
    """The device, if it is this user's, with the user and their organisation."""
    # `pk__in`, not `pk=`: django_otp's ids are 32-bit, and Django compiles an exact match with kit.prepared's
    # stand-in id (beyond that range) as matching nothing; an `__in` item is passed on as it is.
    return prepared.first(
        device_model,
        ("accounts:session-device-with-user",),
        lambda pk, owner: device_model._default_manager.select_related("user__organisation").filter(
            pk__in=[pk], user_id=owner
        )[:1],
        device_id,
        user_id,
    )


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        named = _SESSION_DEVICE.get()
        device = _device_with_user(*named, user_id) if named is not None else None
        if device is not None:
            user = device.user
            setattr(user, DEVICE_READ_ATTR, device)
        else:  # no device named, or not this user's: the user alone (the middleware reads the device as before)
            user = _user_with_organisation(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
