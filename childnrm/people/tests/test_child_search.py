"""Finding a child on the children list: by name, by the child's or a referral's reference, only among the children
the user may see, with what was typed kept out of the audit trail (it may be a name)."""

from __future__ import annotations

import re

import pytest

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.panels.tests.factories import accepted_referral

pytestmark = pytest.mark.django_db

LIST = "/children/"


def found(response) -> set[str]:
    return set(re.findall(r'href="/children/(CH-[A-Z0-9]+)/"', response.content.decode()))


def test_a_coordinator_finds_a_child_by_name_or_reference_among_their_sites_children(client_as):
    here = accepted_referral("northbridge")
    child = here.child
    child.given_names, child.family_name = "Amira", "Khalilova"
    child.save()
    elsewhere = accepted_referral("three-rivers").child
    elsewhere.given_names, elsewhere.family_name = "Amira", "Khalilova"
    elsewhere.save()
    client = client_as(Role.COORDINATOR)

    assert found(client.get(LIST, {"q": "khalilova"})) == {child.reference}
    assert found(client.get(LIST, {"q": "amira KHAL"})) == {child.reference}
    assert found(client.get(LIST, {"q": child.reference.lower()})) == {child.reference}
    assert found(client.get(LIST, {"q": f" {here.reference} "})) == {child.reference}
    # Another site's child is never found, by name or by its reference.
    assert found(client.get(LIST, {"q": elsewhere.reference})) == set()
    page = client.get(LIST, {"q": "Zzyzx"}).content.decode()
    assert "No child you can see matches" in page and 'value="Zzyzx"' in page


def test_the_search_is_audited_without_what_was_typed(client_as):
    child = accepted_referral("northbridge").child
    client_as(Role.COORDINATOR).get(LIST, {"q": child.family_name})
    event = AuditEvent.objects.filter(object_type="people.child", action="list").latest("seq")
    assert event.detail["searched"] is True and child.pk in event.detail["ids"]
    assert child.family_name not in str(event.detail)


def test_the_next_page_keeps_the_search(client_as, monkeypatch):
    from childnrm.people import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    for _ in range(2):
        child = accepted_referral("northbridge").child
        child.family_name = "Okonkwo"
        child.save()
    page = client_as(Role.COORDINATOR).get(LIST, {"q": "okonkwo"}).content.decode()
    assert "2 children found for “okonkwo”" in page
    assert 'href="?q=okonkwo&amp;page=2"' in page
