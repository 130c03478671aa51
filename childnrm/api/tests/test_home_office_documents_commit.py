"""Stored files follow their transaction: kept once committed, removed when it rolls back.

Apart from test_home_office_documents.py because this test commits: a module whose tests all roll back loads the
demo once."""

from __future__ import annotations

import pytest
from django.db import transaction

from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.referrals.models import Referral, ReferralDocument
from childnrm.referrals.services import referral_document_receive, stored_files_removed_on_rollback

from .test_home_office_documents import DOCX, PDF, files_on_disk


@pytest.mark.django_db(transaction=True)
def test_files_are_kept_once_committed_and_removed_when_their_transaction_rolls_back(private_storage):
    # Real commits here (no test transaction around): the guard sees what was committed and what was not.
    council = Organisation.objects.create(name="Testshire Council", type=OrganisationType.LOCAL_AUTHORITY)
    referral = Referral.objects.create(referrer_organisation=council)
    with stored_files_removed_on_rollback():
        kept = referral_document_receive(referral=referral, original_name="a.pdf", data=PDF, received_from="A system")
    # Its row was saved in a savepoint that the enclosing transaction then rolled back, the error handled
    # before it reached the guard: the file goes with the row.
    with stored_files_removed_on_rollback():
        try:
            with transaction.atomic():
                referral_document_receive(referral=referral, original_name="b.pdf", data=DOCX, received_from="X")
                raise RuntimeError("a later step fails")
        except RuntimeError:
            pass
    assert list(ReferralDocument.objects.values_list("original_name", flat=True)) == ["a.pdf"]
    assert files_on_disk(private_storage) == [private_storage / kept.file.name]
