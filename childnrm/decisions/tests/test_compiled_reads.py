"""The decision pages' reads compiled to SQL once (issue 16, `decisions.compiled`): each gives the rows the
queryset it stands for gives, for every decision after the first, with the related rows read alongside."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Model
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.decisions.selectors import (
    agenda_items_for,
    decision_get,
    decision_index,
    decisions_visible_to,
    evidence_of,
    nil_returns_of,
    versions_of,
)
from childnrm.decisions.tests.factories import demo, draft_decision, sample_decision, sitting
from childnrm.panels.models import Agency
from childnrm.panels.tests.factories import accepted_referral

SITE = "northbridge"
RELATED = ("referral", "referral__site", "referral__child", "meeting", "meeting__chair", "agenda_item")


def _fields(row: Model | None) -> dict | None:
    return None if row is None else {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


@pytest.mark.usefixtures("demo")
def test_a_decision_is_read_as_the_orm_reads_it_with_its_case_and_sitting_in_one_statement():
    coordinator = demo(Role.COORDINATOR, SITE)
    sites_where(coordinator, Perm.DECISION_RECORD)  # the user's memberships, read once per request
    first, second = sample_decision(SITE), draft_decision(SITE)
    for decision in (first, second, first):  # the statement compiled for the first serves the others
        expected = Decision.objects.select_related(*RELATED).get(pk=decision.pk)
        with CaptureQueriesContext(connection) as ctx:
            found = decision_get(coordinator, decision.pk)
            chair, item = found.meeting.chair, found.agenda_item
            case = (found.referral.site, found.referral.child)
        assert len(ctx.captured_queries) == 1
        assert _fields(found) == _fields(expected)  # JSON lists and dates as the ORM converts them
        assert _fields(found.referral) == _fields(expected.referral)
        assert [_fields(r) for r in case] == [_fields(expected.referral.site), _fields(expected.referral.child)]
        assert _fields(chair) == _fields(expected.meeting.chair) and _fields(item) == _fields(expected.agenda_item)
        assert item.meeting is found.meeting  # shared, as before: the sitting's checks read it no more
    # Another site's coordinator, and an id no decision has (however large), find nothing.
    with pytest.raises(Http404):
        decision_get(demo(Role.COORDINATOR, "three-rivers"), first.pk)
    for missing in (first.pk + second.pk + 1000, 2**70):
        with pytest.raises(Http404):
            decision_get(coordinator, missing)


@pytest.mark.usefixtures("demo")
def test_the_records_rows_are_its_related_managers_rows():
    decision = sample_decision(SITE)  # one piece of evidence, health's nil return and one vote
    services.evidence_add(
        decision=decision, user=demo(Role.COORDINATOR, SITE), description="School report", agency=Agency.SOCIAL_CARE
    )
    votes = services.votes_with_voters(decision)
    assert [_fields(v) for v in votes] == [
        _fields(v) for v in decision.votes.select_related("voter").order_by("agency", "pk")
    ]
    evidence, nil_returns = evidence_of(decision), nil_returns_of(decision)
    assert [_fields(e) for e in evidence] == [_fields(e) for e in decision.evidence.all()]
    assert [_fields(n) for n in nil_returns] == [_fields(n) for n in decision.nil_returns.all()]
    versions = versions_of(decision)
    assert [v.pk for v in versions] == list(
        Decision.objects.filter(referral=decision.referral, stage=decision.stage)
        .order_by("-version")
        .values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as ctx:  # what the pages show of them is read with them
        assert votes[0].voter.full_name and votes[0].decision is decision
        assert evidence[0].decision is decision and nil_returns[0].decision is decision and nil_returns[0].statement
        # What the table of versions shows of each: its kind, status, outcome and when it was signed off.
        assert all(v.get_kind_display() and v.get_status_display() and v.get_outcome_display() for v in versions)
        assert all(v.finalised_at is None and v.finalised_by is None for v in versions)
    assert len(ctx.captured_queries) == 0
    assert not services.deferred_here(decision)


@pytest.mark.usefixtures("demo")
def test_decisions_at_sittings_lists_for_the_coordinator_what_the_scope_gives():
    referrals = [accepted_referral(SITE) for _ in range(3)]
    sitting(SITE, referrals=referrals)
    coordinator = demo(Role.COORDINATOR, SITE)
    started = draft_decision(SITE)  # at a sitting of its own
    for _ in range(2):  # compiled on the first request, sent again on the second
        items, drafts, pending = decision_index(coordinator)
        expected = list(agenda_items_for(coordinator)[:200])
        assert [i.pk for i in items] == [i.pk for i in expected] and len(items) >= 4
        assert [i.referral.reference for i in items] == [i.referral.reference for i in expected]
        scope = decisions_visible_to(coordinator)
        assert {d.pk for d in drafts} == set(
            scope.filter(agenda_item__in=expected).exclude(status=DecisionStatus.RETURNED).values_list("pk", flat=True)
        )
        assert started.pk in {d.pk for d in drafts} and drafts[0].stage == Stage.REASONABLE_GROUNDS
        assert {d.pk for d in pending} == set(
            scope.filter(status=DecisionStatus.SECOND_REVIEW).values_list("pk", flat=True)
        ) | set(scope.filter(status=DecisionStatus.DRAFT, agenda_item__isnull=True).values_list("pk", flat=True))
    # Another site's coordinator sees none of it.
    elsewhere = decision_index(demo(Role.COORDINATOR, "three-rivers"))
    assert not {i.pk for i in elsewhere[0]} & {i.pk for i in items}
    assert started.pk not in {d.pk for d in elsewhere[1] + elsewhere[2]}
