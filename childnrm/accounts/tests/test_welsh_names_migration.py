"""Wales's councils already recorded get their Welsh names from the table of GSS codes (migration accounts 0008);
other organisations keep no Welsh name."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Organisation
from childnrm.core.tests.migrations import migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0007_user_language_site_default_language_nation")]


def test_welsh_councils_get_their_welsh_names_and_other_organisations_none():
    old = migrate_to(BEFORE).get_model("accounts", "Organisation")
    for name, code in (
        ("Cardiff Council", "W06000015"),
        ("Isle of Anglesey County Council", "W06000001"),
        ("Newport City Council", "W06000022"),
        ("Northbridge City Council", "E08900001"),
        ("South Wales Police", ""),
    ):
        old.objects.create(name=name, type="local_authority" if code else "police", gss_code=code)
    migrate_to()
    names = dict(Organisation.objects.values_list("name", "name_cy"))
    assert names["Cardiff Council"] == "Cyngor Caerdydd"
    assert names["Isle of Anglesey County Council"] == "Cyngor Sir Ynys Môn"
    assert names["Newport City Council"] == "Cyngor Dinas Casnewydd"
    assert names["Northbridge City Council"] == "" and names["South Wales Police"] == ""
