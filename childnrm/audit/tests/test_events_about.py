"""Everything recorded about a child's case, newest first: the events the child's audit page lists."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.selectors import events_about, records_about
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels.tests.factories import accepted_referral
from conftest import demo_user, signed_in

NB = "northbridge"


def test_the_events_about_a_child_are_those_of_every_record_of_the_case_newest_first(demo):
    decision = final_decision(NB, referral=accepted_referral(NB))
    child = decision.referral.child
    chair = signed_in(demo_user(Role.CHAIR, NB))
    for _ in range(3):
        assert chair.get(reverse("decisions:detail", args=[decision.pk])).status_code == 200
    other = final_decision(NB, referral=accepted_referral(NB))
    assert chair.get(reverse("decisions:detail", args=[other.pk])).status_code == 200

    records = records_about(child)
    assert str(decision.pk) in records["decisions.decision"]
    assert str(other.pk) not in records["decisions.decision"]
    expected = AuditEvent.objects.none()
    for record_type, ids in records.items():
        expected |= AuditEvent.objects.filter(object_type=record_type, object_id__in=ids)
    listed = list(events_about(child))
    assert [e.pk for e in listed] == list(expected.order_by("-seq").values_list("pk", flat=True))
    assert len(listed) == events_about(child).count() > 3
    assert not events_about(child).filter(Q(object_type="decisions.decision", object_id=str(other.pk))).exists()
    # Read again on a deeper page: the same events, in the same order.
    assert [e.pk for e in events_about(child)[2:5]] == [e.pk for e in listed[2:5]]
