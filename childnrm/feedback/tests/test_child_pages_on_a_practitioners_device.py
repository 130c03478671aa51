"""ADR 0022: the child's feedback pages name no practitioner and lead nowhere into the service, even when opened on
the guardian's own device while they are signed in (the guardian hands their tablet to the child)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.feedback.demo import open_session
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_the_childs_form_on_a_signed_in_practitioners_device_names_no_practitioner_and_no_service(site):
    guardian = demo_user(Role.ICTG)
    started = open_session(demo_child(site), guardian)
    device = signed_in(guardian)
    page = device.get(reverse("feedback:form", args=[started.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert guardian.full_name not in html
    assert guardian.organisation is None or guardian.organisation.display_name not in html
    # No menu into the caseload, no sign-out button, and no time-out warning that would sign the guardian out.
    assert "govuk-service-navigation" not in html
    assert "app-signed-in" not in html and reverse("accounts:sign-out") not in html
    assert "session-timeout" not in html and "data-session-idle-seconds" not in html
    # The service's own pages still show all of it to the same user.
    home = device.get(reverse("core:home")).content.decode()
    assert guardian.full_name in home and "govuk-service-navigation" in home and "session-timeout" in home
