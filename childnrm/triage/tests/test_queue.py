"""The coordinator's queue: the site's referrals with their clocks, filtered, sorted and paginated."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Membership, Nation, Organisation, OrganisationType, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.kit.dates import long_date
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.services import referral_start
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user

QUEUE = "/referrals/queue/"


def rows(response) -> list[str]:
    """The references in the queue table, in order."""
    return re.findall(r'data-reference="(NRM-[A-Z0-9]+)"', response.content.decode())


def row_html(response, reference: str) -> str:
    body = response.content.decode()
    start = body.index(f'data-reference="{reference}"')
    return body[start : body.index("</tr>", start)]


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def coordinator(client_as):
    return client_as(Role.COORDINATOR, "northbridge")


def test_the_queue_shows_the_sites_submitted_referrals_and_nothing_else(demo, coordinator):
    ours = submitted_referral("northbridge")
    theirs = submitted_referral("three-rivers")
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER, "northbridge"))
    response = coordinator.get(QUEUE)
    assert response.status_code == 200
    assert rows(response) == [ours.reference]
    body = response.content.decode()
    assert theirs.reference not in body and theirs.child_display_name not in body
    assert draft.reference not in body
    assert ours.child_display_name in body


def test_each_row_shows_age_days_since_referral_and_the_due_date(demo, coordinator):
    referral = submitted_referral("northbridge", submitted_on=ago(10))
    due = clocks.rg_due_date(ago(10), Site.objects.get(slug="northbridge"))
    row = row_html(coordinator.get(QUEUE), referral.reference)
    assert ">14<" in row  # a 14-year-old
    assert "10 days ago" in row
    assert f"Reasonable grounds by {long_date(due)}" in row
    assert f"{(due - timezone.localdate()).days} days left" in row
    assert "Awaiting confirmation" in row and "This site&#39;s panel" in row


def test_an_overdue_referral_is_tagged_and_can_be_shown_alone(demo, coordinator):
    late = submitted_referral("northbridge", submitted_on=ago(50))
    due_today = submitted_referral("northbridge", submitted_on=ago(45))
    recent = submitted_referral("northbridge", submitted_on=ago(3))
    response = coordinator.get(QUEUE)
    assert rows(response) == [late.reference, due_today.reference, recent.reference]  # due soonest first
    assert 'govuk-tag--red">Overdue by 5 days' in row_html(response, late.reference)
    assert "Due today" in row_html(response, due_today.reference)
    assert rows(coordinator.get(QUEUE, {"overdue": "on"})) == [late.reference]


def test_overdue_follows_a_working_day_policy(demo, coordinator):
    site = Site.objects.get(slug="northbridge")
    site.rg_due_basis, site.rg_due_days, site.nation = DayBasis.WORKING, 10, Nation.SCOTLAND
    site.save()
    days = list(range(8, 30))
    made = {d: submitted_referral("northbridge", submitted_on=ago(d)) for d in days}
    today = timezone.localdate()
    expected = [made[d].reference for d in sorted(days, reverse=True) if clocks.rg_due_date(ago(d), site) < today]
    assert expected and len(expected) < len(days)
    assert rows(coordinator.get(QUEUE, {"overdue": "on"})) == expected


def test_sorting(demo, coordinator):
    b = submitted_referral("northbridge", submitted_on=ago(5), family_name="Brown", given_names="Ada")
    a = submitted_referral("northbridge", submitted_on=ago(2), family_name="Adeyemi", given_names="Tolu")
    c = submitted_referral("northbridge", submitted_on=ago(9), family_name="Clarke", given_names="Sam")
    assert rows(coordinator.get(QUEUE)) == [c.reference, b.reference, a.reference]
    assert rows(coordinator.get(QUEUE, {"sort": "due"})) == [c.reference, b.reference, a.reference]
    assert rows(coordinator.get(QUEUE, {"sort": "newest"})) == [a.reference, b.reference, c.reference]
    assert rows(coordinator.get(QUEUE, {"sort": "oldest"})) == [c.reference, b.reference, a.reference]
    assert rows(coordinator.get(QUEUE, {"sort": "name"})) == [a.reference, b.reference, c.reference]


def test_filter_by_status_and_by_who_decides(demo, coordinator):
    coordinator_user = demo_user(Role.COORDINATOR, "northbridge")
    panel = submitted_referral("northbridge", submitted_on=ago(4))
    disputed = submitted_referral("northbridge", submitted_on=ago(3), age_disputed=True)
    accepted = submitted_referral("northbridge", submitted_on=ago(2))
    handed = submitted_referral("northbridge", submitted_on=ago(1), public_order_disqualification=True)
    triage_confirm(referral=accepted, user=coordinator_user, final_outcome="panel", final_site=None, reason="")
    triage_confirm(referral=handed, user=coordinator_user, final_outcome="sca", final_site=None, reason="")

    assert rows(coordinator.get(QUEUE)) == [panel.reference, disputed.reference, accepted.reference]
    assert rows(coordinator.get(QUEUE, {"status": "awaiting"})) == [panel.reference, disputed.reference]
    assert rows(coordinator.get(QUEUE, {"status": "accepted"})) == [accepted.reference]
    handed_off = coordinator.get(QUEUE, {"status": "handed_off"})
    assert rows(handed_off) == [handed.reference]
    assert "Sent to the SCA" in row_html(handed_off, handed.reference)
    assert "No decision due here" in row_html(handed_off, handed.reference)
    everything = {panel.reference, disputed.reference, accepted.reference, handed.reference}
    assert set(rows(coordinator.get(QUEUE, {"status": "all"}))) == everything
    assert rows(coordinator.get(QUEUE, {"outcome": TriageOutcome.SCA, "status": "all"})) == [
        disputed.reference,
        handed.reference,
    ]
    assert rows(coordinator.get(QUEUE, {"outcome": TriageOutcome.PANEL})) == [panel.reference, accepted.reference]


def test_a_coordinators_override_decides_the_outcome_filter(demo, coordinator):
    # Out of every site's area: the SCA, unless the coordinator knows better where the child lives.
    referral = submitted_referral(
        "northbridge",
        residence_local_authority=Organisation.objects.create(
            name="Farshire Council", type=OrganisationType.LOCAL_AUTHORITY
        ),
        found_local_authority=None,
    )
    assert referral.triage_assessments.get().outcome == TriageOutcome.SCA
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome="panel",
        final_site=None,
        reason="The child has moved to Northbridge; the form gives the old address.",
    )
    assert rows(coordinator.get(QUEUE, {"outcome": TriageOutcome.PANEL})) == [referral.reference]
    assert rows(coordinator.get(QUEUE, {"outcome": TriageOutcome.SCA})) == []


def test_nonsense_filters_fall_back_to_the_defaults(demo, coordinator):
    referral = submitted_referral("northbridge")
    accepted = submitted_referral("northbridge")
    triage_confirm(
        referral=accepted,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome="panel",
        final_site=None,
        reason="",
    )
    response = coordinator.get(QUEUE, {"status": "accepted", "sort": "id; drop", "site": "999", "page": "x"})
    assert response.status_code == 200
    assert rows(response) == [accepted.reference]  # the status filter that made sense still applies
    body = response.content.decode()
    assert "There is a problem" not in body and "id; drop" not in body
    assert referral.reference in rows(coordinator.get(QUEUE, {"status": "<script>"}))


def test_pages_of_25_keep_the_filters(demo, coordinator):
    made = [submitted_referral("northbridge", submitted_on=ago(60 - i)) for i in range(27)]
    first = coordinator.get(QUEUE, {"sort": "newest", "status": "open"})
    assert rows(first) == [r.reference for r in reversed(made)][:25]
    assert 'href="?sort=newest&amp;status=open&amp;page=2"' in first.content.decode()
    second = coordinator.get(QUEUE, {"sort": "newest", "status": "open", "page": 2})
    assert rows(second) == [made[1].reference, made[0].reference]


def test_the_list_is_audited_with_the_ids_on_the_page(demo, coordinator):
    made = [submitted_referral("northbridge") for _ in range(3)]
    coordinator.get(QUEUE)
    event = AuditEvent.objects.filter(action="list", object_type="referrals.referral").latest("seq")
    assert sorted(event.detail["ids"]) == sorted(r.pk for r in made)
    assert event.actor_id == demo_user(Role.COORDINATOR, "northbridge").pk
    assert event.purpose == "Triage and routing of referrals"


def _queries_for_queue(coordinator) -> int:
    with CountedQueries() as captured:
        assert coordinator.get(QUEUE, {"status": "all"}).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_rows(demo, coordinator, django_assert_max_num_queries):
    submitted_referral("northbridge", submitted_on=ago(2))
    one_row = _queries_for_queue(coordinator)
    for i in range(24):
        submitted_referral("northbridge", submitted_on=ago(i % 60), age_disputed=i % 3 == 0)
    triage_confirm(
        referral=Referral.objects.filter(status=ReferralStatus.SUBMITTED).first(),
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome="sca",
        final_site=None,
        reason="Test",
    )
    with django_assert_max_num_queries(one_row):
        response = coordinator.get(QUEUE, {"status": "all"})
    assert len(rows(response)) == 25
    with django_assert_max_num_queries(one_row):
        assert len(rows(coordinator.get(QUEUE, {"overdue": "on", "outcome": "panel", "sort": "name"}))) >= 0


def test_a_coordinator_of_several_sites_can_filter_by_site(demo, coordinator):
    user = demo_user(Role.COORDINATOR, "northbridge")
    three_rivers = Site.objects.get(slug="three-rivers")
    Membership.objects.create(user=user, site=three_rivers, role=Role.COORDINATOR)
    # Three Rivers gives its panel 10 working days; Northbridge 45 calendar days.
    three_rivers.rg_due_basis, three_rivers.rg_due_days = DayBasis.WORKING, 10
    three_rivers.save()
    ours = submitted_referral("northbridge", submitted_on=ago(20))  # due in 25 days
    theirs = submitted_referral("three-rivers", submitted_on=ago(7))  # due within a week or so
    response = coordinator.get(QUEUE)
    assert rows(response) == [theirs.reference, ours.reference]
    assert 'name="site"' in response.content.decode()
    assert "Three Rivers Consortium Panel" in row_html(response, theirs.reference)
    assert rows(coordinator.get(QUEUE, {"site": three_rivers.pk})) == [theirs.reference]
    # A site the coordinator does not hold is not a way in.
    Membership.objects.filter(user=user, site=three_rivers).delete()
    assert rows(coordinator.get(QUEUE, {"site": three_rivers.pk})) == [ours.reference]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_have_a_queue(demo, client_as, role):
    submitted_referral("northbridge")
    assert client_as(role, "northbridge").get(QUEUE).status_code == 403


def test_a_rows_words_follow_the_language_of_each_request(demo, coordinator):
    # The rows' words are kept once made (triage.queue_rows), by language: English, Welsh, then English again.
    referral = submitted_referral("northbridge", submitted_on=ago(3))
    english = row_html(coordinator.get(QUEUE), referral.reference)
    assert "3 days ago" in english and "Reasonable grounds by" in english
    coordinator.cookies["childnrm_language"] = "cy"
    welsh = row_html(coordinator.get(QUEUE), referral.reference)
    assert "3 diwrnod yn ôl" in welsh and "Sail resymol erbyn" in welsh and "days ago" not in welsh
    coordinator.cookies["childnrm_language"] = "en-gb"
    assert row_html(coordinator.get(QUEUE), referral.reference) == english
