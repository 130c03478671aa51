"""Duplicate and linked referrals: found through the database, decided by a coordinator, never merged."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import Organisation, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people import linkage, linkage_scoring, selectors, services
from childnrm.people.models import Child, ChildBlockingKey, ChildLinkDecision, LinkStatus
from childnrm.referrals.models import Referral, ReferralStatus
from conftest import demo_user

URL = "/children/{}/possible-matches/"


def make_child(site: Site, given: str, family: str, dob=date(2011, 3, 4), **fields) -> Child:
    fields.setdefault("nationalities", ["AL"])
    fields.setdefault("sex", "male")
    return Child.objects.create(site=site, given_names=given, family_name=family, date_of_birth=dob, **fields)


def refer(child: Child, *, aliases=(), estimated_age=None) -> Referral:
    """A submitted referral of the child (aliases and estimated ages are recorded on referrals)."""
    return Referral.objects.create(
        status=ReferralStatus.SUBMITTED,
        referrer_organisation=Organisation.objects.order_by("pk").first(),
        site=child.site,
        child=child,
        given_names=child.given_names,
        family_name=child.family_name,
        aliases=[{"given_names": g, "family_name": f} for g, f in aliases],
        estimated_age_years=estimated_age,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def pair(site):
    """Two records of one child: a transliterated family name, day and month swapped."""
    first = make_child(site, "Ardit", "Krasniqi", date(2011, 3, 4))
    second = make_child(site, "Ardit", "Krasniqui", date(2011, 4, 3))
    return first, second


def candidates(child: Child, site_ids) -> dict[str, linkage.Candidate]:
    return {c.child.reference: c for c in linkage.candidates_for(child, site_ids=site_ids)}


# Finding ------------------------------------------------------------------------------------------


def test_keys_are_kept_current_when_a_child_or_its_referral_is_saved(site):
    child = make_child(site, "Dritan", "Shehu")
    keys = set(ChildBlockingKey.objects.filter(child=child).values_list("key", flat=True))
    assert "n:" + linkage_scoring.sound_key("dritan") in keys and "d:2011-03-04" in keys
    assert set(ChildBlockingKey.objects.filter(child=child).values_list("birth_year", "site_id")) == {(2011, site.pk)}

    refer(child, aliases=[("Besnik", "Gashi")])
    keys = set(ChildBlockingKey.objects.filter(child=child).values_list("key", flat=True))
    assert "n:" + linkage_scoring.sound_key("gashi") in keys  # the alias on the referral

    child.family_name = "Hoxha"
    child.save()
    keys = set(ChildBlockingKey.objects.filter(child=child).values_list("key", flat=True))
    assert "n:" + linkage_scoring.sound_key("hoxha") in keys and "n:" + linkage_scoring.sound_key("shehu") not in keys


def test_earlier_records_are_found_through_the_database_with_evidence(site, pair):
    first, second = pair
    found = candidates(second, [site.pk])
    assert first.reference in found
    evidence = "\n".join(e.text for e in found[first.reference].match.evidence)
    assert "Family name: 'Krasniqi' is a known transliteration of 'Krasniqui'" in evidence
    assert "Dates of birth 3 April 2011 and 4 March 2011: day and month swapped" in evidence
    assert second.reference not in found  # never itself


def test_an_alias_given_on_an_earlier_referral_finds_the_record(site):
    earlier = make_child(site, "Besnik", "Hoxha", date(2010, 7, 9))
    refer(earlier, aliases=[("Dritan", "Shehu")])
    later = make_child(site, "Dritan", "Shehu", date(2010, 7, 19))
    found = candidates(later, [site.pk])
    assert earlier.reference in found
    evidence = "\n".join(e.text for e in found[earlier.reference].match.evidence)
    assert "an alias on referral" in evidence


def test_an_estimated_age_without_a_date_of_birth_is_matched_by_birth_year(site):
    earlier = make_child(site, "Yonas", "Tesfay", date(2010, 6, 20), nationalities=["ER"])
    later = make_child(site, "Yonas", "Tesfaye", None, date_of_birth_estimated=True, nationalities=["ER"])
    refer(later, estimated_age=15)
    assert earlier.reference in candidates(later, [site.pk])


def test_other_sites_children_are_never_candidates(site, other_site, pair):
    first, _ = pair
    elsewhere = make_child(other_site, "Ardit", "Krasniqi", date(2011, 3, 4))
    found = candidates(first, [site.pk])
    assert elsewhere.reference not in found


def test_siblings_are_not_offered_and_nothing_is_linked_without_a_decision(site):
    ardit = make_child(site, "Ardit", "Hoxha", date(2011, 3, 4))
    twin = make_child(site, "Besnik", "Hoxha", date(2011, 3, 4))
    younger = make_child(site, "Elira", "Hoxha", date(2013, 9, 1), sex="female")
    found = candidates(ardit, [site.pk])
    assert twin.reference not in found and younger.reference not in found
    # scored, but below the threshold
    scored = {c.child.pk for c in linkage.candidates_for(ardit, site_ids=[site.pk], threshold=None)}
    assert twin.pk in scored
    assert not ChildLinkDecision.objects.exists()


def test_the_search_is_blocked_not_a_comparison_with_every_child(site, pair, django_assert_max_num_queries):
    first, second = pair
    # unrelated children of the same site: none share a key with the pair
    for i in range(40):
        make_child(site, f"Unrelated{i:02d}x", f"Person{i:02d}y", date(2000 + i % 5, 1 + i % 12, 1 + i % 28))
    linkage.trained_weights()  # which model scores is read once per process every few minutes, not per search
    with django_assert_max_num_queries(6):
        found = linkage.candidates_for(second, site_ids=[site.pk], threshold=None, limit=None)
    assert {c.child.pk for c in found} == {first.pk}


# Deciding -----------------------------------------------------------------------------------------


def test_link_reject_and_undo_are_new_rows_audited_on_both_children(site, pair):
    first, second = pair
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    events_before = AuditEvent.objects.count()

    linked = services.child_link_decide(child=second, other=first, status=LinkStatus.LINKED, user=coordinator)
    assert (linked.child_a, linked.child_b) == (first, second)  # stored in id order
    assert linked.score and any("day and month swapped" in e["text"] for e in linked.evidence)
    undone = services.child_link_undo(child=first, other=second, user=coordinator, reason="Linked in error")
    rejected = services.child_link_decide(
        child=second, other=first, status=LinkStatus.REJECTED, user=coordinator, reason="Cousins, confirmed by LA"
    )

    history = list(ChildLinkDecision.objects.order_by("pk"))
    assert [d.status for d in history] == [LinkStatus.LINKED, LinkStatus.UNDONE, LinkStatus.REJECTED]
    assert undone.supersedes == linked and rejected.supersedes == undone
    assert services.current_decision(first, second) == rejected
    assert all(d.decided_by == coordinator and d.decided_at for d in history)

    events = AuditEvent.objects.order_by("seq")[events_before:]
    assert len(events) == 6  # each decision on both children
    for decision in history:
        audited = {e.object_id for e in events if e.detail.get("link_decision") == decision.pk}
        assert audited == {str(first.pk), str(second.pk)}
    assert {e.purpose for e in events} == {PURPOSES[Perm.CHILD_LINK]}
    assert all(set(e.detail) == {"link_decision", "status", "other_child"} for e in events)  # ids only


def test_nothing_is_merged(site, pair):
    first, second = pair
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    services.child_link_decide(child=second, other=first, status=LinkStatus.LINKED, user=coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.family_name, first.date_of_birth) == ("Krasniqi", date(2011, 3, 4))
    assert (second.family_name, second.date_of_birth) == ("Krasniqui", date(2011, 4, 3))


def test_a_second_link_of_the_same_pair_is_refused_and_one_row_recorded(site, pair):
    first, second = pair
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    services.child_link_decide(child=second, other=first, status=LinkStatus.LINKED, user=coordinator)
    with pytest.raises(services.LinkDecisionError, match="already linked"):
        services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    assert ChildLinkDecision.objects.count() == 1


def test_the_database_allows_one_first_decision_and_one_successor_per_decision(site, pair):
    """The guard behind the service: two simultaneous first clicks, or undos, cannot both be stored."""
    first, second = pair
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    one = ChildLinkDecision.objects.create(child_a=first, child_b=second, status="linked", decided_by=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildLinkDecision.objects.create(child_a=first, child_b=second, status="linked", decided_by=coordinator)
    ChildLinkDecision.objects.create(
        child_a=first, child_b=second, status="undone", decided_by=coordinator, supersedes=one
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildLinkDecision.objects.create(
            child_a=first, child_b=second, status="undone", decided_by=coordinator, supersedes=one
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the pair is stored in id order only
        ChildLinkDecision.objects.create(child_a=second, child_b=first, status="linked", decided_by=coordinator)


def test_rejecting_and_undoing_need_a_reason(site, pair):
    first, second = pair
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    with pytest.raises(services.LinkDecisionError):
        services.child_link_decide(child=first, other=second, status=LinkStatus.REJECTED, user=coordinator)
    services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    with pytest.raises(services.LinkDecisionError):
        services.child_link_undo(child=first, other=second, user=coordinator, reason=" ")
    assert ChildLinkDecision.objects.count() == 1


def test_another_sites_coordinator_cannot_link(site, other_site, pair):
    first, second = pair
    with pytest.raises(PermissionError):
        services.child_link_decide(
            child=first, other=second, status=LinkStatus.LINKED, user=demo_user(Role.COORDINATOR, "three-rivers")
        )
    elsewhere = make_child(other_site, "Ardit", "Krasniqi")
    with pytest.raises(PermissionError):  # not across sites either, unless they coordinate both
        services.child_link_decide(
            child=first, other=elsewhere, status=LinkStatus.LINKED, user=demo_user(Role.COORDINATOR, "northbridge")
        )
    assert not ChildLinkDecision.objects.exists()


# Pages --------------------------------------------------------------------------------------------


def test_coordinator_sees_candidates_with_evidence_and_links_them(client_as, pair):
    first, second = pair
    client = client_as(Role.COORDINATOR)
    page = client.get(URL.format(second.reference))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'id="match-{first.reference}"' in body
    assert "is a known transliteration of" in body and "day and month swapped" in body
    assert "Records are never merged" in body

    response = client.post(URL.format(second.reference), {"other": first.reference, "action": "link", "reason": ""})
    assert response.status_code == 302
    decision = ChildLinkDecision.objects.get()
    assert decision.status == LinkStatus.LINKED and decision.decided_by == demo_user(Role.COORDINATOR)

    page = client.get(response["Location"]).content.decode()
    assert f"{second.reference} and {first.reference} are linked as records of the same child" in page
    assert f'id="decision-{first.reference}"' in page and f'id="match-{first.reference}"' not in page
    assert "Undo this decision" in page

    detail = client.get(f"/children/{first.reference}/").content.decode()
    assert "Linked records" in detail and second.reference in detail


def test_viewing_candidates_is_audited_on_every_record_shown(client_as, pair):
    first, second = pair
    client_as(Role.COORDINATOR).get(URL.format(second.reference))
    for child in (first, second):
        event = AuditEvent.objects.filter(object_type="people.child", object_id=str(child.pk)).latest("seq")
        assert event.action == "view" and event.detail["page"] == "possible-matches"
        assert event.purpose == PURPOSES[Perm.CHILD_LINK]


def test_rejecting_without_a_reason_shows_an_error_and_records_nothing(client_as, pair):
    first, second = pair
    response = client_as(Role.COORDINATOR).post(
        URL.format(second.reference), {"other": first.reference, "action": "reject", "reason": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert f'href="#reason-{first.reference}"' in body
    assert f'id="reason-{first.reference}-error"' in body
    assert "<title>Error: " in body
    assert not ChildLinkDecision.objects.exists()


def test_undo_from_the_page_keeps_history_and_offers_the_match_again(client_as, pair):
    first, second = pair
    client = client_as(Role.COORDINATOR)
    client.post(URL.format(second.reference), {"other": first.reference, "action": "link"})
    missing = client.post(URL.format(second.reference), {"other": first.reference, "action": "undo", "reason": ""})
    assert f'href="#undo-reason-{first.reference}"' in missing.content.decode()
    client.post(URL.format(second.reference), {"other": first.reference, "action": "undo", "reason": "Wrong child"})
    assert [d.status for d in ChildLinkDecision.objects.order_by("pk")] == ["linked", "undone"]
    page = client.get(URL.format(second.reference)).content.decode()
    assert f'id="match-{first.reference}"' in page


def test_a_double_click_records_one_link(client_as, pair):
    first, second = pair
    client = client_as(Role.COORDINATOR)
    data = {"other": first.reference, "action": "link"}
    assert client.post(URL.format(second.reference), data).status_code == 302
    again = client.post(URL.format(second.reference), data)
    assert again.status_code == 200 and "These records are already linked." in again.content.decode()
    assert ChildLinkDecision.objects.count() == 1


def test_another_sites_coordinator_can_neither_see_nor_link(client_as, site, other_site, pair):
    first, second = pair
    outsider = client_as(Role.COORDINATOR, "three-rivers")
    assert outsider.get(URL.format(second.reference)).status_code == 404
    response = outsider.post(URL.format(second.reference), {"other": first.reference, "action": "link"})
    assert response.status_code == 404
    # nor reach into this site from a record of their own
    theirs = make_child(other_site, "Ardit", "Krasniqi")
    response = outsider.post(URL.format(theirs.reference), {"other": first.reference, "action": "link"})
    assert response.status_code == 404
    assert first.reference not in outsider.get(URL.format(theirs.reference)).content.decode()
    assert not ChildLinkDecision.objects.exists()


def test_roles_other_than_coordinator_are_refused(client_as, pair):
    _, second = pair
    for role in (Role.FIRST_RESPONDER, Role.ICTG, Role.PANEL_MEMBER, Role.CHAIR):
        assert client_as(role).get(URL.format(second.reference)).status_code == 403


# Links are transitive: a chain of links makes one child -------------------------------------------


@pytest.fixture
def three(site):
    """Three records of one child, each pair close enough to be offered."""
    return (
        make_child(site, "Ardit", "Krasniqi", date(2011, 3, 4)),
        make_child(site, "Ardit", "Krasniqui", date(2011, 3, 4)),
        make_child(site, "Ardit", "Krasniqi", date(2011, 4, 3)),
    )


def test_a_record_linked_through_another_is_not_offered_again_and_is_listed_with_the_link_it_comes_through(
    client_as, three
):
    first, second, third = three
    coordinator = demo_user(Role.COORDINATOR)
    client = client_as(Role.COORDINATOR)
    assert f'id="match-{third.reference}"' in client.get(URL.format(first.reference)).content.decode()
    services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    services.child_link_decide(child=second, other=third, status=LinkStatus.LINKED, user=coordinator)

    assert selectors.linked_group(first.pk) == {second.pk: {second.pk}, third.pk: {second.pk}}
    body = client.get(URL.format(first.reference)).content.decode()
    assert f'id="match-{third.reference}"' not in body  # the same child already: not a possible match
    assert f'id="through-{third.reference}"' in body
    assert f"Ardit Krasniqi, the same child through the link with {second.reference}" in body
    viewed = AuditEvent.objects.filter(object_type="people.child", object_id=str(third.pk)).latest("seq")
    assert viewed.detail == {"page": "possible-matches", "for_child": first.pk}
    # The record's page lists it with its linked records, by reference.
    record = client.get(f"/children/{first.reference}/").content.decode()
    assert f'id="linked-through-{third.reference}"' in record
    assert f": the same child, through the link with {second.reference}" in record

    # Undoing the link in the middle ends the chain: the third record is offered again.
    services.child_link_undo(child=second, other=third, user=coordinator, reason="Wrong child")
    body = client.get(URL.format(first.reference)).content.decode()
    assert f'id="match-{third.reference}"' in body and 'id="linked-through"' not in body


@pytest.mark.parametrize("action", ["reject", "link"])
def test_records_linked_through_another_are_neither_marked_not_the_same_child_nor_linked_again(
    client_as, three, action
):
    """Linking them again (a stale page, a crafted post) would keep them linked when the link that is wrong is
    undone."""
    first, second, third = three
    coordinator = demo_user(Role.COORDINATOR)
    services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    services.child_link_decide(child=second, other=third, status=LinkStatus.LINKED, user=coordinator)
    response = client_as(Role.COORDINATOR).post(
        URL.format(first.reference), {"other": third.reference, "action": action, "reason": "Different child"}
    )
    assert response.status_code == 200
    assert (
        f"{first.reference} and {third.reference} are already linked as the same child, through {second.reference}"
        in response.content.decode()
    )
    assert ChildLinkDecision.objects.count() == 2


def test_records_cannot_be_linked_while_their_chains_hold_records_marked_not_the_same_child(three):
    first, second, third = three
    coordinator = demo_user(Role.COORDINATOR)
    services.child_link_decide(
        child=first, other=third, status=LinkStatus.REJECTED, user=coordinator, reason="Another child"
    )
    services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    with pytest.raises(services.LinkDecisionError) as refused:
        services.child_link_decide(child=second, other=third, status=LinkStatus.LINKED, user=coordinator)
    assert (
        f"{second.reference} and {third.reference} cannot be linked: {first.reference} and {third.reference}, among "
        "their linked records, are recorded as not the same child" in str(refused.value)
    )
    assert ChildLinkDecision.objects.count() == 2
    # Once the rejection is undone, the link can be made.
    services.child_link_undo(child=first, other=third, user=coordinator, reason="They are the same child")
    services.child_link_decide(child=second, other=third, status=LinkStatus.LINKED, user=coordinator)
    assert selectors.linked_group(third.pk) == {second.pk: {second.pk}, first.pk: {second.pk}}


def test_a_chain_through_a_record_the_coordinator_cannot_see_is_kept_without_naming_it(
    client_as, site, other_site, three
):
    first, second, third = three
    elsewhere = make_child(other_site, "Ardit", "Krasniqi", date(2011, 3, 4))
    # Linked by someone who coordinates both sites (written directly: no demo user does).
    decider = demo_user(Role.COORDINATOR)
    for a, b in ((first, elsewhere), (third, elsewhere)):
        ChildLinkDecision.objects.create(child_a=a, child_b=b, status=LinkStatus.LINKED, decided_by=decider)
    with pytest.raises(services.LinkDecisionError) as refused:
        services.child_link_decide(
            child=first, other=third, status=LinkStatus.REJECTED, user=decider, reason="Different child"
        )
    assert "already linked as the same child, through other links" in str(refused.value)
    assert elsewhere.reference not in str(refused.value)
    # Nor linked again, in the same words.
    with pytest.raises(services.LinkDecisionError) as refused:
        services.child_link_decide(child=first, other=third, status=LinkStatus.LINKED, user=decider)
    assert str(refused.value) == (
        f"{first.reference} and {third.reference} are already linked as the same child, through other links."
    )
    # The pages list the third record as linked through other links, naming none they may not open.
    assert selectors.linked_through_visible_to(decider, first) == [(third, None)]
    client = client_as(Role.COORDINATOR)
    body = client.get(URL.format(first.reference)).content.decode()
    assert "Ardit Krasniqi, the same child through other links" in body and elsewhere.reference not in body
    # The record page too, though its only direct link is to a record the user may not open.
    record = client.get(f"/children/{first.reference}/").content.decode()
    assert f'id="linked-through-{third.reference}"' in record and ": the same child, through other links" in record
    assert elsewhere.reference not in record and "No other records are linked to this one" not in record

    # A link refused for a rejection between records the user may not open names neither.
    other_rejects = make_child(other_site, "Ardit", "Krasniqi", date(2011, 3, 4))
    ChildLinkDecision.objects.create(
        child_a=elsewhere, child_b=other_rejects, status=LinkStatus.REJECTED, decided_by=decider
    )
    ChildLinkDecision.objects.create(
        child_a=second, child_b=other_rejects, status=LinkStatus.LINKED, decided_by=decider
    )
    with pytest.raises(services.LinkDecisionError) as refused:
        services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=decider)
    assert "two of their linked records are recorded as not the same child" in str(refused.value)
    assert elsewhere.reference not in str(refused.value) and other_rejects.reference not in str(refused.value)


def test_the_chain_is_named_through_a_record_the_coordinator_can_see_when_there_is_one(site, other_site, three):
    first, second, third = three
    hidden = make_child(other_site, "Ardit", "Krasniqi", date(2011, 3, 4))
    decider = demo_user(Role.COORDINATOR)
    # The first record is linked to the second and to a hidden one; both are linked to the third.
    for a, b in ((first, hidden), (first, second), (hidden, third), (second, third)):
        a, b = sorted((a, b), key=lambda c: c.pk)
        ChildLinkDecision.objects.create(child_a=a, child_b=b, status=LinkStatus.LINKED, decided_by=decider)
    assert selectors.linked_group(first.pk)[third.pk] == {second.pk, hidden.pk}
    assert selectors.linked_through_visible_to(decider, first) == [(third, second)]


def test_a_record_marked_not_the_same_child_as_a_linked_record_is_not_offered(client_as, site, three):
    first, second, third = three
    coordinator = demo_user(Role.COORDINATOR)
    services.child_link_decide(
        child=second, other=first, status=LinkStatus.REJECTED, user=coordinator, reason="Another child"
    )
    referral = refer(third)
    kept = linkage.possible_earlier_records_search(referral_id=referral.pk, child_id=third.pk)
    assert {r.earlier_id for r in kept} == {first.pk, second.pk}
    services.child_link_decide(child=third, other=second, status=LinkStatus.LINKED, user=coordinator)
    assert selectors.settled_ids(third.pk) == {second.pk, first.pk}
    assert first.reference in candidates(third, [site.pk])  # the search itself still finds it
    body = client_as(Role.COORDINATOR).get(URL.format(third.reference)).content.decode()
    assert f'id="match-{first.reference}"' not in body  # linking it would be refused
    assert linkage.possible_earlier_records_for(coordinator, referral.pk) == []
    # Searched again, the record decided on directly is kept (hidden while decided), the one settled through it not.
    again = linkage.possible_earlier_records_search(referral_id=referral.pk, child_id=third.pk)
    assert [r.earlier_id for r in again] == [second.pk]
    assert linkage.possible_earlier_records_for(coordinator, referral.pk) == []
