"""Returns sent before the list's fields were kept on the return get them from their stored export, whatever its shape
(migration reviews 0004): the list shows what it showed when it read the exports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.core.tests.migrations import migrate_to
from childnrm.reviews import export
from childnrm.reviews.models import DecisionReturn
from childnrm.reviews.tests import factories as f
from childnrm.reviews.tests.test_returns import _return_in_the_old_format
from childnrm.reviews.tests.test_returns_list_reads import _rows, shows_as_sent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reviews", "0003_reconsideration_window_and_routes")]
LISTED = ("sent_reference", "sent_stage", "sent_version", "sent_outcome")


def test_returns_sent_before_show_in_the_list_as_their_exports_say(demo, client_as):
    current = f.decision_return()
    older = f.decision_return()
    DecisionReturn.objects.filter(pk=older.pk).update(export=_return_in_the_old_format(older.decision))
    # A record with the case's reference in a `referral` section, and one anonymised under the retention schedule.
    sectioned = f.decision_return()
    data = dict(sectioned.export)
    data["referral"] = {"reference": data.pop("case_reference")}
    DecisionReturn.objects.filter(pk=sectioned.pk).update(export=data)
    anonymised = f.decision_return()
    DecisionReturn.objects.filter(pk=anonymised.pk).update(export={"anonymised": True})

    migrate_to(BEFORE)
    migrate_to()

    sent = {r.pk: r for r in DecisionReturn.objects.select_related("decision__referral")}
    for one in sent.values():
        kept = {field: getattr(one, field) for field in LISTED}
        said = export.listed(one.export)
        if one.pk == anonymised.pk:  # nothing left in the export but the case still names it
            said["sent_reference"] = one.decision.referral.reference
        assert kept == said, one.export
    for one in (current, older, sectioned, anonymised):
        assert sent[one.pk].sent_reference == one.decision.referral.reference
    for one in (current, older, sectioned):
        assert sent[one.pk].sent_version == str(one.decision.version)
    assert sent[older.pk].sent_stage == older.decision.get_stage_display()
    assert (sent[anonymised.pk].sent_stage, sent[anonymised.pk].sent_outcome) == ("", "")

    rows = _rows(client_as(Role.SCA_QUALITY_ASSURER).get(reverse("reviews:returns")).content.decode())
    for one in sent.values():
        assert shows_as_sent(rows[one.pk], one), rows[one.pk]
    assert f"Referral {anonymised.decision.referral.reference}" in rows[anonymised.pk]
