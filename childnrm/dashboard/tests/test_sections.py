"""The dashboard's sections (issue 9 item 12): communicating the outcome, guardians, sittings left in session,
about ten rows each with a link to the full list, each shown only to those who act on it, in a number of
queries that does not grow with the number of cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.dashboard import clocks, views
from childnrm.dashboard.clocks import Kind
from childnrm.decisions.models import DecisionStatus, Outcome, Stage
from childnrm.letters import services as letter_services
from childnrm.letters.models import ExplainedHow
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding import services as safeguarding_services
from conftest import demo_user

from .factories import accepted_referral, child_born, days_ago, final_decision, information_request, plan_with_action

NB = "northbridge"


@pytest.fixture
def northbridge(demo) -> Site:
    return Site.objects.get(slug=NB)


def listed(site: Site, kind: str) -> set[str]:
    """Every object of the kind on the site's full list today (all of it: the limit is past any test's rows)."""
    return {a.object_id for a in clocks.alert_list(site, kind, timezone.localdate(), limit=10_000).items}


def section(body: str, slug: str) -> str:
    """The HTML of one section of the dashboard page."""
    start = body.index(f'<section class="govuk-!-margin-bottom-8" id="{slug}"')
    return body[start : body.index("</section>", start)]


# Communicating the outcome -----------------------------------------------------------------------


def test_a_final_decision_waits_for_its_letters_and_for_its_explanation_to_the_child(northbridge, client_as):
    coordinator = demo_user(Role.COORDINATOR, NB)
    decided = final_decision(accepted_referral(), decided_on=days_ago(4))
    draft = final_decision(accepted_referral(), status=DecisionStatus.DRAFT)
    elsewhere = final_decision(accepted_referral("three-rivers"), decided_on=days_ago(4))
    mine = {str(decided.pk), str(draft.pk)}
    assert listed(northbridge, Kind.LETTERS_NOT_PRODUCED) & mine == {str(decided.pk)}
    assert listed(northbridge, Kind.NOT_EXPLAINED) & mine == {str(decided.pk)}
    assert str(elsewhere.pk) not in listed(northbridge, Kind.LETTERS_NOT_PRODUCED)

    body = client_as(Role.COORDINATOR).get("/dashboard/").content.decode()
    letters = section(body, "letters-not-produced")
    assert f'href="/letters/decisions/{decided.pk}/"' in letters and "4 days ago" in letters
    assert f'Produce the letters<span class="govuk-visually-hidden"> for {decided.referral.reference}' in letters
    explain = section(body, "not-explained")
    assert f'href="/letters/decisions/{decided.pk}/explanations/add/"' in explain
    assert "letter for the child not produced yet" in explain
    assert elsewhere.referral.reference not in body

    # Producing the letters takes it off the first list; the second now knows the child's letter exists.
    letter_services.letters_produce(decision=decided, user=coordinator)
    assert str(decided.pk) not in listed(northbridge, Kind.LETTERS_NOT_PRODUCED)
    (item,) = [
        a
        for a in clocks.alert_list(northbridge, Kind.NOT_EXPLAINED, timezone.localdate(), limit=10_000).items
        if a.object_id == str(decided.pk)
    ]
    assert item.note == "Reasonable grounds: positive"

    letter_services.explanation_record(
        decision=decided,
        user=coordinator,
        explained_by_name="Sam Patel",
        explained_by_role="Social worker",
        explained_on=timezone.localdate(),
        how=ExplainedHow.IN_PERSON,
    )
    assert str(decided.pk) not in listed(northbridge, Kind.NOT_EXPLAINED)


def test_a_superseded_decision_is_not_listed_but_its_replacement_is(northbridge):
    referral = accepted_referral()
    first = final_decision(referral, decided_on=days_ago(10), status=DecisionStatus.SUPERSEDED)
    second = final_decision(referral, decided_on=days_ago(2), outcome=Outcome.NEGATIVE)
    waiting = listed(northbridge, Kind.LETTERS_NOT_PRODUCED)
    assert str(second.pk) in waiting and str(first.pk) not in waiting


# Guardians -------------------------------------------------------------------------------------------


def test_children_of_accepted_cases_without_a_guardian(northbridge, client_as):
    coordinator = demo_user(Role.COORDINATOR, NB)
    guardian = demo_user(Role.ICTG, NB)
    waiting = accepted_referral(submitted_on=days_ago(6))
    not_accepted = submitted_referral(NB)  # awaiting triage: not the panel's case yet
    adult = accepted_referral(submitted_on=days_ago(6))
    adult.child.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 19)
    adult.child.save()
    elsewhere = accepted_referral("three-rivers")
    mine = {str(r.child_id) for r in (waiting, not_accepted, adult) if r.child_id}
    assert listed(northbridge, Kind.WITHOUT_GUARDIAN) & mine == {str(waiting.child_id)}
    assert str(elsewhere.child_id) not in listed(northbridge, Kind.WITHOUT_GUARDIAN)

    body = client_as(Role.COORDINATOR).get("/dashboard/").content.decode()
    part = section(body, "without-guardian")
    assert f'href="/safeguarding/children/{waiting.child.reference}/guardian/"' in part
    assert f'href="/referrals/{waiting.reference}/triage/"' in part and "6 days ago" in part
    assert elsewhere.child.reference not in body

    association = safeguarding_services.guardian_allocate(child=waiting.child, user=coordinator, guardian=guardian)
    assert str(waiting.child_id) not in listed(northbridge, Kind.WITHOUT_GUARDIAN)
    # An allocation that ends leaves the child without a guardian again.
    safeguarding_services.guardian_allocation_end(child=waiting.child, user=coordinator, association_id=association.pk)
    assert str(waiting.child_id) in listed(northbridge, Kind.WITHOUT_GUARDIAN)


def test_a_child_with_no_date_of_birth_is_counted_as_a_child(northbridge):
    child = child_born(NB, None)
    referral = accepted_referral()
    referral.child.date_of_birth = None
    referral.child.save()
    assert str(referral.child_id) in listed(northbridge, Kind.WITHOUT_GUARDIAN)
    assert str(child.pk) not in listed(northbridge, Kind.WITHOUT_GUARDIAN)  # no accepted referral


# About ten rows, and the full list ------------------------------------------------------------------


def test_each_section_shows_about_ten_rows_and_links_to_its_full_list_paged(northbridge, client_as):
    for _ in range(views.PAGE_SIZE + 1 - clocks.alert_list(northbridge, Kind.RG_OVERDUE, timezone.localdate()).count):
        accepted_referral(submitted_on=days_ago(50))
    total = clocks.alert_list(northbridge, Kind.RG_OVERDUE, timezone.localdate()).count
    assert total > views.PAGE_SIZE
    client = client_as(Role.COORDINATOR)

    part = section(client.get("/dashboard/").content.decode(), "rg-overdue")
    assert part.count('<tr class="govuk-table__row" data-object=') == views.SECTION_ROWS
    assert f'<a class="govuk-link app-full-list" href="/dashboard/northbridge/rg-overdue/">See all {total}' in part

    first = client.get("/dashboard/northbridge/rg-overdue/")
    assert first.status_code == 200
    assert len(first.context["rows"]) == views.PAGE_SIZE
    assert "Reasonable grounds decisions overdue" in first.content.decode()
    second = client.get("/dashboard/northbridge/rg-overdue/?page=2")
    on_second = [row.alert.referral_reference for row in second.context["rows"]]
    assert len(on_second) == total - views.PAGE_SIZE
    assert not set(on_second) & {row.alert.referral_reference for row in first.context["rows"]}
    assert 'href="?page=1"' in second.content.decode()
    event = AuditEvent.objects.filter(action="list", object_type="accounts.site").last()
    assert event.detail["kind"] == Kind.RG_OVERDUE and event.detail["page_number"] == 2
    assert len(event.detail["shown"]) == len(on_second)


def test_a_long_section_is_counted_up_to_the_cap_and_its_full_list_counts_all(northbridge, client_as, monkeypatch):
    # At national scale the dashboard stops counting a long list (its full list counts every row).
    today = timezone.localdate()
    for _ in range(views.SECTION_ROWS + 3 - clocks.alert_list(northbridge, Kind.RG_OVERDUE, today).count):
        accepted_referral(submitted_on=days_ago(50))
    total = clocks.alert_list(northbridge, Kind.RG_OVERDUE, today).count
    capped = clocks.alert_list(northbridge, Kind.RG_OVERDUE, today, limit=views.SECTION_ROWS, count_cap=11)
    assert (capped.count, capped.capped) == (11, True)
    assert clocks.alert_list(northbridge, Kind.RG_OVERDUE, today, count_cap=total).capped is False

    monkeypatch.setattr(views, "COUNT_CAP", 11)
    body = client_as(Role.COORDINATOR).get("/dashboard/").content.decode()
    part = section(body, "rg-overdue")
    assert "Reasonable grounds decisions overdue (more than 11)" in part
    assert "See the full list" in part and "(more than 11 in all)" in part
    assert "More than 11</td>" in body
    full = client_as(Role.COORDINATOR).get("/dashboard/northbridge/rg-overdue/")
    assert full.context["page"].paginator.count == total


def test_a_section_with_all_its_rows_shown_has_no_link_and_an_empty_one_says_none(northbridge, client_as):
    body = client_as(Role.COORDINATOR).get("/dashboard/").content.decode()
    stale = section(body, "sittings-stale")
    assert "None." in stale and "See all" not in stale


# Who sees which section -------------------------------------------------------------------------------


def test_the_chair_sees_the_decision_clocks_and_the_sittings_they_chair(northbridge, client_as):
    chair = demo_user(Role.CHAIR, NB)
    coordinator = demo_user(Role.COORDINATOR, NB)
    yesterday = timezone.now() - timedelta(days=1)
    theirs = Meeting.objects.create(
        site=northbridge, starts_at=yesterday, status=MeetingStatus.OPEN, chair=chair, created_by=coordinator
    )
    anothers = Meeting.objects.create(
        site=northbridge, starts_at=yesterday, status=MeetingStatus.OPEN, chair=None, created_by=coordinator
    )
    final_decision(accepted_referral(), decided_on=days_ago(3))

    response = client_as(Role.CHAIR).get("/dashboard/")
    kinds = [s.spec.kind for s in response.context["sections"]]
    assert kinds == [
        Kind.RG_OVERDUE,
        Kind.RG_DUE_SOON,
        Kind.CG_READY,
        Kind.CG_RECOVERY,
        Kind.TURNING_18_CUT_OFF,
        Kind.SITTING_STALE,
    ]
    body = response.content.decode()
    stale = section(body, "sittings-stale")
    assert f'href="/panels/meetings/{theirs.pk}/"' in stale
    assert f'href="/panels/meetings/{anothers.pk}/"' not in stale and f'"panels.meeting:{anothers.pk}"' not in stale
    assert "letters-not-produced" not in body and "without-guardian" not in body
    assert client_as(Role.CHAIR).get("/dashboard/northbridge/letters-not-produced/").status_code == 403
    assert client_as(Role.CHAIR).get("/dashboard/northbridge/sittings-stale/").status_code == 200

    coordinator_body = client_as(Role.COORDINATOR).get("/dashboard/").content.decode()
    both = section(coordinator_body, "sittings-stale")
    assert f'href="/panels/meetings/{theirs.pk}/"' in both and f'href="/panels/meetings/{anothers.pk}/"' in both


def test_another_sites_lists_are_not_found(northbridge, client_as):
    client = client_as(Role.COORDINATOR, "three-rivers")
    for spec in views.SECTIONS:
        assert client.get(reverse(f"dashboard:{spec.slug}", args=[NB])).status_code == 404


# Queries -----------------------------------------------------------------------------------------------


def _cases(count: int) -> None:
    """`count` more cases in each of the busiest sections: RG overdue, CG ready, letters, explanations,
    guardians, overdue actions and information requests."""
    for _ in range(count):
        overdue = accepted_referral(submitted_on=days_ago(50))
        plan_with_action(overdue.child, due_on=days_ago(2))
        information_request(overdue, due_on=days_ago(2))
        decided = accepted_referral(submitted_on=days_ago(80))
        final_decision(decided, stage=Stage.REASONABLE_GROUNDS, decided_on=days_ago(40))


def _queries(client, path: str) -> int:
    with CountedQueries() as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(northbridge, client_as):
    # Past a section's ten rows its count is asked too; from there on the number stays the same.
    _cases(views.SECTION_ROWS + 1)
    client = client_as(Role.COORDINATOR)
    client.get("/")  # a session's first page looks up its site's language and renews the session, once
    dashboard = _queries(client, "/dashboard/")
    full_list = _queries(client, "/dashboard/northbridge/letters-not-produced/")
    _cases(3)
    assert _queries(client, "/dashboard/") == dashboard
    assert _queries(client, "/dashboard/northbridge/letters-not-produced/") == full_list
