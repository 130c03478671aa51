"""The retention pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site, with a case past its retention date listed for the data protection officer and
a legal hold in place, so each table is drawn. References and names stay as written, and so do two stored or
legal texts, marked `lang="en"`: each rule's legal basis (it cites UK statutes and guidance by their English
names) and the rule a listed record was due under (stored, in English, when the review listed it).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.people.models import Child
from childnrm.retention.models import LegalHold
from childnrm.retention.schedule import RecordType, add_years
from childnrm.retention.services import legal_hold_place
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user, signed_in


@pytest.fixture
def welsh_retention(site, private_storage):
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    referral = decided_case()
    listed(referral, add_years(BORN, 25))
    # The pages review as of today: the child is made older, so the listed record is past its date now.
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=date(1990, 1, 1))
    other = Child.objects.filter(site=site).exclude(pk=referral.child_id).order_by("pk").first()
    legal_hold_place(user=demo_user(Role.DATA_PROTECTION_OFFICER), child=other, reason="A claim has been brought.")
    return site


def names() -> list[str]:
    found = ["demo", "A claim has been brought."]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    return [f for f in found if f]


def test_the_data_protection_officer_sees_retention_in_welsh(welsh_retention):
    slug = welsh_retention.slug
    hold = LegalHold.objects.get(child__site=welsh_retention)
    paths = [
        reverse("retention:index"),
        reverse("retention:list", args=[slug]),
        reverse("retention:schedule", args=[slug]),
        reverse("retention:rule", args=[slug, RecordType.DECIDED_CASE]),
        reverse("retention:holds-index"),
        reverse("retention:holds", args=[slug]),
        reverse("retention:hold-lift", args=[hold.pk]),
    ]
    client = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))
    assert walk_in_welsh(client, paths, names=names()) == {}
    page = client.get(reverse("retention:schedule", args=[slug])).content.decode()
    assert "Tan i’r plentyn droi’n 25 oed" in page and "Amserlen gadw" in page


def test_a_coordinator_places_holds_in_welsh(welsh_retention):
    slug = welsh_retention.slug
    hold = LegalHold.objects.get(child__site=welsh_retention)
    client = signed_in(demo_user(Role.COORDINATOR))
    paths = [reverse("retention:holds", args=[slug]), reverse("retention:hold-lift", args=[hold.pk])]
    assert walk_in_welsh(client, paths, names=names()) == {}
    page = client.post(reverse("retention:holds", args=[slug]), {"child_reference": "CH-NONE0000"}).content.decode()
    assert "Mae problem wedi codi" in page and "Rhowch pam mae’n rhaid cadw’r cofnodion" in page
    assert english_left(page, names=names()) == []
    page = client.post(reverse("retention:hold-lift", args=[hold.pk]), {"reason": "Settled."}, follow=True)
    body = page.content.decode()
    assert f"Codwyd yr ataliad cyfreithiol ar gofnodion {hold.child.reference}" in body
    assert english_left(body, names=names()) == []


def test_retention_errors_are_in_welsh(welsh_retention):
    slug = welsh_retention.slug
    client = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))
    page = client.post(reverse("retention:approve", args=[slug]), {}, follow=True).content.decode()
    assert english_left(page, names=names()) == []
    url = reverse("retention:rule", args=[slug, RecordType.LOOKED_AFTER_CASE])
    page = client.post(url, {"basis": "birthday", "years": "30"}).content.decode()
    assert "Rhaid cadw achos plentyn sy’n derbyn gofal o leiaf tan i’r plentyn droi’n 75 oed" in page
    assert english_left(page, names=names()) == []


def test_approving_says_what_was_anonymised_in_welsh(welsh_retention):
    """The messages after approving: how many were anonymised and, for those refused, why, in Welsh."""
    from childnrm.retention.models import ItemStatus, RetentionItem

    item = RetentionItem.objects.get(site=welsh_retention, status=ItemStatus.LISTED)
    client = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))
    approve = reverse("retention:approve", args=[welsh_retention.slug])
    body = client.post(approve, {"items": [item.pk]}, follow=True).content.decode()
    assert "1 cofnod wedi’i ddienwi" in body
    assert english_left(body, names=names()) == []
    # Listed again and held in the meantime: refused, and the reason said in Welsh.
    RetentionItem.objects.filter(pk=item.pk).update(status=ItemStatus.LISTED)
    legal_hold_place(user=demo_user(Role.DATA_PROTECTION_OFFICER), child=item.child, reason="A claim has been brought.")
    body = client.post(approve, {"items": [item.pk]}, follow=True).content.decode()
    assert "Ni chafodd 1 cofnod ei ddienwi: o dan ataliad cyfreithiol" in body
    assert english_left(body, names=names()) == []
