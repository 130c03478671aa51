"""Possible earlier records of a referred child, seen where triage is decided (issue 9 item 3).

The search runs in the background when a referral is submitted and when the child's details change; the
queue tags referrals with one still to decide about; the triage page shows the best few with the evidence
in plain words, and the coordinator links or rejects them there.
"""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Role, Site
from childnrm.api.services import api_referral_submit
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.people.linkage_scoring import Said
from childnrm.people.models import ChildLinkDecision, LinkStatus, PossibleEarlierRecord
from childnrm.referrals.models import Referral, ReferralSource
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.services import Facts, triage_confirm, triage_correct_facts
from conftest import demo_user

QUEUE = "/referrals/queue/"
KNOWN = {
    "given_names": "Ardit",
    "family_name": "Krasniqi",
    "date_of_birth": date(2011, 3, 4),
    "nationalities": ["AL"],
}
EVIDENCE = "Same date of birth; same given name; surname spelt differently (transliteration); same nationality"


@pytest.fixture
def refer(demo, django_capture_on_commit_callbacks):
    """Submit a referral and run what its submission queued once committed (the background tasks, at once)."""

    def make(site_slug: str = "northbridge", **answers) -> Referral:
        with django_capture_on_commit_callbacks(execute=True):
            return submitted_referral(site_slug, **{**KNOWN, **answers})

    return make


@pytest.fixture
def known_and_again(refer):
    """A child already known at Northbridge, referred again with the surname spelt another way."""
    return refer(), refer(family_name="Krasniqui")


@pytest.fixture
def coordinator(client_as):
    return client_as(Role.COORDINATOR, "northbridge")


def triage_url(referral: Referral) -> str:
    return f"/referrals/{referral.reference}/triage/"


def decide_url(referral: Referral, other_reference: str) -> str:
    return f"/referrals/{referral.reference}/triage/earlier-records/{other_reference}/"


def queue_row(response, reference: str) -> str:
    body = response.content.decode()
    start = body.index(f'data-reference="{reference}"')
    return body[start : body.index("</tr>", start)]


# The search ------------------------------------------------------------------------------------------


def test_submitting_queues_the_search_which_keeps_the_earlier_record_with_its_evidence(
    refer, django_capture_on_commit_callbacks
):
    first = refer()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = submitted_referral("northbridge", **{**KNOWN, "family_name": "Krasniqui"})
    # Nothing is scored in the submission itself: the search waits for the commit, then runs as a task.
    assert not PossibleEarlierRecord.objects.filter(referral=again).exists()
    for callback in queued:
        callback()
    kept = PossibleEarlierRecord.objects.get(referral=again)
    assert (kept.child_id, kept.earlier_id) == (again.child_id, first.child_id)
    assert [Said.from_json(p).english() for p in kept.words] == [
        "same date of birth",
        "same given name",
        "surname spelt differently (transliteration)",
        "same nationality",
    ]
    assert any("known transliteration" in e["text"] for e in kept.evidence)
    # The first referral had no earlier record to find; a later record is found from its own referral.
    assert not PossibleEarlierRecord.objects.filter(referral=first).exists()


def test_a_referral_through_the_api_is_searched_too(refer, django_capture_on_commit_callbacks):
    first = refer()
    organisation = Site.objects.get(slug="northbridge").local_authorities.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        again = api_referral_submit(
            organisation=organisation,
            fields={
                **KNOWN,
                "family_name": "Krasniqui",
                "sex": "male",
                "residence_local_authority": organisation,
                "exploitation_types": ["criminal"],
                "account": "Referred again by the local authority's system.",
                "referrer_name": "Duty Social Worker",
                "referrer_phone": "0100 000 0000",
            },
            audit_detail={"api_token": "test"},
        )
    assert again.source == ReferralSource.API
    assert PossibleEarlierRecord.objects.get(referral=again).earlier_id == first.child_id


def test_correcting_the_date_of_birth_runs_the_search_again(refer, django_capture_on_commit_callbacks):
    first = refer()
    # Referred again with a mistaken year: too far apart to be the same child.
    again = refer(date_of_birth=date(2008, 6, 20))
    assert not PossibleEarlierRecord.objects.filter(referral=again).exists()
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    facts = Facts(**{**Facts.of(again).__dict__, "date_of_birth": date(2011, 3, 4)})
    with django_capture_on_commit_callbacks(execute=True):
        triage_correct_facts(referral=again, user=coordinator, facts=facts, reason="The passport shows 4 March 2011")
    kept = PossibleEarlierRecord.objects.get(referral=again)
    assert kept.earlier_id == first.child_id and "same date of birth" in [
        Said.from_json(p).english() for p in kept.words
    ]
    # Corrected again, away from the earlier record: the search keeps nothing now.
    again.refresh_from_db()
    facts = Facts(**{**Facts.of(again).__dict__, "date_of_birth": date(2007, 1, 30)})
    with django_capture_on_commit_callbacks(execute=True):
        triage_correct_facts(referral=again, user=coordinator, facts=facts, reason="Mistyped: it is 30 January 2007")
    assert not PossibleEarlierRecord.objects.filter(referral=again).exists()


def test_a_referral_sent_on_to_another_site_is_searched_there(refer, django_capture_on_commit_callbacks):
    known_there = refer("three-rivers")
    again = refer("northbridge", family_name="Krasniqui")
    assert not PossibleEarlierRecord.objects.filter(referral=again).exists()  # Northbridge does not know the child
    with django_capture_on_commit_callbacks(execute=True):
        triage_confirm(
            referral=again,
            user=demo_user(Role.COORDINATOR, "northbridge"),
            final_outcome="other_site",
            final_site=Site.objects.get(slug="three-rivers"),
            reason="The child now lives in the Three Rivers area.",
        )
    assert PossibleEarlierRecord.objects.get(referral=again).earlier_id == known_there.child_id


# The queue -------------------------------------------------------------------------------------------


def test_the_queue_tags_a_referral_with_a_possible_earlier_record(known_and_again, coordinator):
    first, again = known_and_again
    response = coordinator.get(QUEUE)
    assert "Possible earlier record" in queue_row(response, again.reference)
    assert "Possible earlier record" not in queue_row(response, first.reference)


def test_the_tag_adds_no_query_per_row(refer, coordinator):
    refer()

    def queries() -> int:
        with CountedQueries() as captured:
            assert coordinator.get(QUEUE, {"status": "all"}).status_code == 200
        return len(captured)

    one_row = queries()
    flagged = [refer(family_name=name) for name in ("Krasniqui", "Krasniqe", "Krasnici", "Krasniqi", "Krasnichi")]
    assert all(PossibleEarlierRecord.objects.filter(referral=r).exists() for r in flagged)
    assert queries() <= one_row
    assert coordinator.get(QUEUE).content.decode().count("Possible earlier record") == len(flagged)


# The triage page -------------------------------------------------------------------------------------


def test_triage_shows_the_earlier_record_with_plain_evidence_and_no_score(known_and_again, coordinator):
    first, again = known_and_again
    response = coordinator.get(triage_url(again))
    body = response.content.decode()
    assert "Possible earlier records of this child" in body
    assert f"{first.child.reference}: Ardit Krasniqi" in body
    assert EVIDENCE in body
    kept = PossibleEarlierRecord.objects.get(referral=again)
    assert "score" not in body.lower() and f"{kept.score:.1f}" not in body
    assert f'action="{decide_url(again, first.child.reference)}"' in body
    assert f'href="/children/{again.child.reference}/possible-matches/"' in body
    # Part of the earlier record is shown: a view of that record, for linking.
    event = AuditEvent.objects.filter(action="view", object_id=str(first.child_id)).latest("seq")
    assert event.purpose == "Linking records of the same child"
    assert event.detail == {"page": "triage", "referral": again.pk, "for_child": again.child_id}


def test_triage_shows_the_best_three(refer, coordinator):
    for family_name in ("Krasniqi", "Krasniqui", "Krasnici", "Krasniqe"):
        refer(family_name=family_name)
    again = refer(family_name="Krasnichi")
    assert PossibleEarlierRecord.objects.filter(referral=again).count() == 4
    body = coordinator.get(triage_url(again)).content.decode()
    assert body.count('class="govuk-summary-card app-earlier-record"') == 3
    assert "1 more possible earlier record of this child" in body


def test_names_show_exactly_as_entered_hyphens_included(refer, coordinator):
    first = refer(given_names="Anna-Maria", family_name="Smith-Jones", sex="female")
    again = refer(given_names="Anna-Maria", family_name="Smith Jones", sex="female")
    body = coordinator.get(triage_url(again)).content.decode()
    assert f"{first.child.reference}: Anna-Maria Smith-Jones" in body
    assert "Triage: Anna-Maria Smith Jones" in body


def test_linking_at_triage_records_the_decision_audits_it_and_the_tag_goes(known_and_again, coordinator):
    first, again = known_and_again
    response = coordinator.post(decide_url(again, first.child.reference), {"decision": "link", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == triage_url(again) + "#possible-earlier-records"
    decision = ChildLinkDecision.objects.get()
    assert decision.status == LinkStatus.LINKED
    assert {decision.child_a_id, decision.child_b_id} == {first.child_id, again.child_id}
    assert decision.decided_by == demo_user(Role.COORDINATOR, "northbridge")
    assert decision.evidence  # the match as scored when decided, kept with the decision
    audited = AuditEvent.objects.filter(action="update", detail__link_decision=decision.pk)
    assert sorted(int(e.object_id) for e in audited) == sorted([first.child_id, again.child_id])
    page = coordinator.get(triage_url(again)).content.decode()
    assert f"{first.child.reference} is linked as an earlier record of the child referred in {again.reference}" in page
    assert 'app-earlier-record"' not in page
    # Listed as linked, opening the other record.
    linked = page.split("Linked as records of the same child", 1)[1].split("</ul>", 1)[0]
    assert f'<a class="govuk-link" href="/children/{first.child.reference}/">{first.child.reference}</a>' in linked
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), again.reference)


def test_records_linked_through_another_are_listed_as_the_same_child(known_and_again, refer, coordinator):
    from childnrm.people.services import child_link_decide

    first, again = known_and_again
    third = refer(family_name="Krasniqy")
    user = demo_user(Role.COORDINATOR, "northbridge")
    child_link_decide(child=again.child, other=first.child, status=LinkStatus.LINKED, user=user)
    child_link_decide(child=first.child, other=third.child, status=LinkStatus.LINKED, user=user)
    page = coordinator.get(triage_url(again)).content.decode()
    linked = page.split("Linked as records of the same child", 1)[1].split("</ul>", 1)[0]
    assert first.child.reference in linked and third.child.reference in linked


def test_a_record_linked_through_another_loses_the_tag_and_undoing_the_link_brings_it_back(
    known_and_again, refer, coordinator, django_capture_on_commit_callbacks
):
    from childnrm.people.services import child_link_decide, child_link_undo

    first, again = known_and_again
    third = refer(family_name="Krasniqy")
    kept = set(PossibleEarlierRecord.objects.filter(referral=third).values_list("earlier_id", flat=True))
    assert kept == {first.child.pk, again.child.pk}
    user = demo_user(Role.COORDINATOR, "northbridge")
    with django_capture_on_commit_callbacks(execute=True):
        child_link_decide(child=again.child, other=first.child, status=LinkStatus.LINKED, user=user)
        child_link_decide(child=third.child, other=again.child, status=LinkStatus.LINKED, user=user)
    # The third record is the first's child through the second: nothing is left to decide on its referral.
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), third.reference)
    assert not PossibleEarlierRecord.objects.filter(referral=third, earlier=first.child).exists()

    with django_capture_on_commit_callbacks(execute=True):
        child_link_undo(child=first.child, other=again.child, user=user, reason="Linked in error")
    assert "Possible earlier record" in queue_row(coordinator.get(QUEUE), third.reference)
    page = coordinator.get(triage_url(third)).content.decode()
    assert decide_url(third, first.child.reference) in page


def test_a_pair_decided_directly_is_kept_through_a_new_search_so_undoing_shows_it_at_once(
    known_and_again, coordinator, django_capture_on_commit_callbacks
):
    """Searched again after the decision (a correction of the facts), the pair is kept, hidden while decided: undone
    later, once the case is no longer searched, it is there to decide again."""
    first, again = known_and_again
    coordinator.post(decide_url(again, first.child.reference), {"decision": "reject", "reason": "Cousins"})
    facts = Facts(**{**Facts.of(again).__dict__, "date_of_birth_estimated": not again.date_of_birth_estimated})
    with django_capture_on_commit_callbacks(execute=True):
        triage_correct_facts(
            referral=again, user=demo_user(Role.COORDINATOR, "northbridge"), facts=facts, reason="Recorded wrongly"
        )
    assert PossibleEarlierRecord.objects.filter(referral=again, earlier=first.child).exists()
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), again.reference)
    coordinator.post(
        f"/children/{again.child.reference}/possible-matches/",
        {"action": "undo", "other": first.child.reference, "reason": "Rejected by mistake"},
    )
    assert "Possible earlier record" in queue_row(coordinator.get(QUEUE), again.reference)


def test_a_record_marked_not_the_same_child_as_one_of_a_group_loses_the_tag(
    known_and_again, refer, coordinator, django_capture_on_commit_callbacks
):
    from childnrm.people.services import child_link_decide

    first, again = known_and_again
    third = refer(family_name="Krasniqy")
    user = demo_user(Role.COORDINATOR, "northbridge")
    with django_capture_on_commit_callbacks(execute=True):
        child_link_decide(child=third.child, other=first.child, status=LinkStatus.REJECTED, user=user, reason="Cousins")
    assert "Possible earlier record" in queue_row(coordinator.get(QUEUE), third.reference)  # the second is open
    with django_capture_on_commit_callbacks(execute=True):
        child_link_decide(child=again.child, other=first.child, status=LinkStatus.LINKED, user=user)
    # The second is now the first's child, whom the third is not.
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), third.reference)


def test_rejecting_needs_a_reason_then_is_recorded_and_the_tag_goes(known_and_again, coordinator):
    first, again = known_and_again
    url = decide_url(again, first.child.reference)
    refused = coordinator.post(url, {"decision": "reject", "reason": "  "})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "There is a problem" in body and "Enter why this is not the same child" in body
    assert 'href="#id_reason"' in body and EVIDENCE in body
    assert body.count("<title>Error: ") == 1
    assert not ChildLinkDecision.objects.exists()

    done = coordinator.post(url, {"decision": "reject", "reason": "Cousins: the school knows them both"})
    assert done.status_code == 302
    decision = ChildLinkDecision.objects.get()
    assert (decision.status, decision.reason) == (LinkStatus.REJECTED, "Cousins: the school knows them both")
    assert AuditEvent.objects.filter(action="update", detail__link_decision=decision.pk).count() == 2
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), again.reference)
    assert 'app-earlier-record"' not in coordinator.get(triage_url(again)).content.decode()
    # A second click on the same answer is refused in words, and records nothing more.
    twice = coordinator.post(url, {"decision": "link"})
    assert "already been marked as not the same child" in twice.content.decode()
    assert ChildLinkDecision.objects.count() == 1


def test_undoing_on_the_possible_matches_page_brings_the_tag_back(known_and_again, coordinator):
    first, again = known_and_again
    coordinator.post(decide_url(again, first.child.reference), {"decision": "link"})
    coordinator.post(
        f"/children/{again.child.reference}/possible-matches/",
        {"action": "undo", "other": first.child.reference, "reason": "Linked by mistake"},
    )
    assert "Possible earlier record" in queue_row(coordinator.get(QUEUE), again.reference)


# Who may see and decide ------------------------------------------------------------------------------


def test_only_the_sites_coordinator_may_decide(known_and_again, client_as):
    first, again = known_and_again
    url = decide_url(again, first.child.reference)
    assert client_as(Role.COORDINATOR, "three-rivers").post(url, {"decision": "link"}).status_code == 404
    assert client_as(Role.FIRST_RESPONDER, "northbridge").post(url, {"decision": "link"}).status_code == 403
    assert client_as(Role.COORDINATOR, "northbridge").get(url).status_code == 405
    assert not ChildLinkDecision.objects.exists()


def test_an_earlier_record_now_held_by_another_site_is_not_shown(known_and_again, coordinator, client_as):
    first, again = known_and_again
    # The earlier referral is sent on to Three Rivers, with its child record.
    triage_confirm(
        referral=first,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome="other_site",
        final_site=Site.objects.get(slug="three-rivers"),
        reason="The child now lives in the Three Rivers area.",
    )
    assert PossibleEarlierRecord.objects.filter(referral=again).exists()  # kept, but no longer ours to see
    assert "Possible earlier record" not in queue_row(coordinator.get(QUEUE), again.reference)
    body = coordinator.get(triage_url(again)).content.decode()
    assert first.child.reference not in body and 'app-earlier-record"' not in body
    assert coordinator.post(decide_url(again, first.child.reference), {"decision": "link"}).status_code == 404
    assert not ChildLinkDecision.objects.exists()


def test_a_record_that_is_not_a_kept_candidate_cannot_be_decided_through_triage(refer, coordinator):
    unrelated = refer(given_names="Jayden", family_name="Okafor", date_of_birth=date(2010, 8, 1), nationalities=["GB"])
    again = refer()
    response = coordinator.post(decide_url(again, unrelated.child.reference), {"decision": "link"})
    assert response.status_code == 404
    assert not ChildLinkDecision.objects.exists()
