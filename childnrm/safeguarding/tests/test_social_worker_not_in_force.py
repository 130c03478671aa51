"""The child's safeguarding page told the coordinator that the lead social worker recorded with a linked account
"can open this child's record", and letters named nobody with no word why, when the account held no social worker's
role at the child's site (ADR 0002 amendments 2 and 5: their association does not count). The page now says so,
why, and what to do: record the new social worker, or ask the site administrator for the role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Membership, Role
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.people.services import lead_social_worker_record
from childnrm.safeguarding import services
from childnrm.safeguarding.tests.test_safeguarding import plain_child
from conftest import demo_user

pytestmark = pytest.mark.django_db


def lead_social_worker_section(client, child) -> str:
    page = client.get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    start = page.index(">Lead social worker</h2>")
    return page[start : page.index(">Safety map</h2>", start)]


def test_the_coordinator_is_told_the_linked_social_worker_holds_no_role_here_and_what_to_do(client_as, site):
    child = plain_child(site)
    coordinator = demo_user(Role.COORDINATOR)
    worker = demo_user(Role.PANEL_MEMBER)
    lead_social_worker_record(child=child, user=coordinator, name="Alex Social", email=worker.email)
    client = client_as(Role.COORDINATOR)
    section = lead_social_worker_section(client, child)
    assert "Linked to their account: they can open this child's record" in section
    assert 'id="social-worker-not-in-force"' not in section

    Membership.objects.filter(user=worker, site=site).update(active=False)
    section = lead_social_worker_section(client, child)
    assert "they can open this child's record" not in section  # not so any more
    assert "Alex Social" in section  # still recorded, and shown
    assert (
        "Alex Social is recorded as the child's lead social worker, but they do not hold a first responder or "
        f"panel member role at {site.name}, so this service does not treat them as the child's social worker: the "
        "child's letter will not name them." in section
    )
    change = reverse("safeguarding:social-worker", args=[child.reference])
    assert f'<a class="govuk-link" href="{change}">record the new one</a>' in section
    assert f"ask your site administrator to give them a first responder or panel member role at {site.name}" in section

    # On the page where it is changed, too.
    page = client.get(change).content.decode()
    assert 'id="social-worker-not-in-force"' in page and "record the new one below" in page

    # The guardian, who sees the child's safeguarding, is not shown the coordinator's account details.
    ChildAssociation.objects.filter(child=child, kind=AssociationKind.ICTG).delete()
    services.guardian_allocate(child=child, user=coordinator, guardian=demo_user(Role.ICTG))
    section = lead_social_worker_section(client_as(Role.ICTG), child)
    assert "Alex Social" in section and 'id="social-worker-not-in-force"' not in section


def test_a_closed_account_is_said_and_recording_the_same_details_again_names_them(client_as, site):
    child = plain_child(site)
    coordinator = demo_user(Role.COORDINATOR)
    worker = demo_user(Role.PANEL_MEMBER)
    lead_social_worker_record(child=child, user=coordinator, name="Alex Social", email=worker.email)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    client = client_as(Role.COORDINATOR)
    section = lead_social_worker_section(client, child)
    assert (
        "Alex Social is recorded as the child's lead social worker, but their account in this service is closed."
        in section
    )
    assert "Record the child's lead social worker again</a>" in section

    # What the page says to do works: the same details again are kept without the closed account.
    record = lead_social_worker_record(child=child, user=coordinator, name="Alex Social", email=worker.email)
    assert record.user_id is None
    section = lead_social_worker_section(client, child)
    assert 'id="social-worker-not-in-force"' not in section
    assert "Not linked to an account: contact details only" in section


def test_the_childs_own_page_tells_the_coordinator_too(client_as, site):
    """The child's record (people) showed the same false "they can open this child's record" for such an account."""
    child = plain_child(site)
    worker = demo_user(Role.PANEL_MEMBER)
    lead_social_worker_record(child=child, user=demo_user(Role.COORDINATOR), name="Alex Social", email=worker.email)
    Membership.objects.filter(user=worker, site=site).update(active=False)
    page = client_as(Role.COORDINATOR).get(reverse("people:detail", args=[child.reference])).content.decode()
    start = page.index(">Lead social worker</h2>")
    section = page[start : page.index("</dl>", start) + 2000]
    assert "they can open this child's record" not in section
    assert 'id="social-worker-not-in-force"' in section and "Alex Social" in section
    change = reverse("safeguarding:social-worker", args=[child.reference])
    assert f'<a class="govuk-link" href="{change}">record the new one</a>' in section
