"""The child's record shows one timeline across the stages of the case, newest first, linking only where the
viewer may go, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.dashboard.timeline import case_timeline
from childnrm.decisions.models import Outcome, Stage
from childnrm.decisions.tests import factories as decisions
from childnrm.decisions.wording import outcome_words
from childnrm.handovers.models import ScaOutcome, ScaReportedDecision, TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.kit.dates import long_date
from childnrm.letters.services import letters_produce
from childnrm.panels.models import AgendaItem
from childnrm.panels.tests.factories import accepted_referral
from childnrm.reviews.tests import factories as reviews
from conftest import demo_user

pytestmark = pytest.mark.django_db


def decided_case(outcomes: int = 1):
    """An accepted referral with a final positive RG decision at a sitting (its plan agreed), letters produced;
    with outcomes=2 also a conclusive grounds decision and its letters."""
    referral = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    # A conclusive grounds decision comes after the recovery period from the reasonable grounds one.
    rg_on = timezone.localdate() - timedelta(days=45 if outcomes > 1 else 0)
    rg = decisions.final_decision("northbridge", referral=referral, decided_on=rg_on)
    letters_produce(decision=rg, user=coordinator)
    if outcomes > 1:
        cg = decisions.final_decision(
            "northbridge", stage=Stage.CONCLUSIVE_GROUNDS, referral=referral, decided_on=timezone.localdate()
        )
        letters_produce(decision=cg, user=coordinator)
    referral.refresh_from_db()
    return referral, rg


def timeline_links(body: str) -> list[str]:
    section = body.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'href="([^"]+)"', section)


def test_the_childs_record_shows_every_stage_newest_first_and_each_link_opens(client_as):
    referral, rg = decided_case()
    client = client_as(Role.COORDINATOR)
    body = client.get(reverse("people:detail", args=[referral.child.reference])).content.decode()
    assert "The case so far" in body
    timeline = body.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    # Newest first: letters, then the decision, the sitting, then triage and the referral.
    order = [
        "Letter for the child produced",
        outcome_words(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE),
        "Reasonable grounds decision on the agenda of the panel sitting",
        f"Accepted by {referral.site.name}",
        f"Referral {referral.reference} received",
    ]
    positions = [timeline.index(text.replace("'", "&#39;")) for text in order]
    assert positions == sorted(positions)
    assert "Safeguarding plan agreed" in timeline
    assert "on the agenda of the panel sitting" in timeline
    assert long_date(rg.decided_on) in timeline
    links = timeline_links(body)
    assert reverse("decisions:detail", args=[rg.pk]) in links
    assert reverse("letters:decision", args=[rg.pk]) in links
    assert reverse("triage:triage", args=[referral.reference]) in links
    for href in links:
        assert client.get(href).status_code == 200, href


def test_after_a_transfer_the_new_sites_coordinator_gets_no_link_to_the_old_sites_sitting(client_as):
    referral, _ = decided_case()
    case_transfer(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        destination=TransferDestination.SITE,
        to_site=Site.objects.get(slug="three-rivers"),
        reason="The child moved to Three Rivers",
    )
    client = client_as(Role.COORDINATOR, "three-rivers")
    body = client.get(reverse("people:detail", args=[referral.child.reference])).content.decode()
    assert "Case transferred to" in body
    meeting = AgendaItem.objects.filter(referral=referral).first().meeting
    links = timeline_links(body)
    assert reverse("panels:meeting", args=[meeting.pk]) not in links
    assert "on the agenda of the panel sitting" in body  # the event is shown, without a link
    for href in links:
        assert client.get(href).status_code == 200, href


def test_only_those_who_see_every_case_of_the_site_get_the_timeline(client_as):
    referral, _ = decided_case()
    guardian = demo_user(Role.ICTG)
    referral.child.associations.create(user=guardian, kind="ictg")
    body = client_as(Role.ICTG).get(reverse("people:detail", args=[referral.child.reference])).content.decode()
    assert "The case so far" not in body


def test_the_timeline_takes_the_same_number_of_queries_however_many_events(demo):
    small, _ = decided_case(outcomes=1)
    large, _ = decided_case(outcomes=2)
    coordinator = demo_user(Role.COORDINATOR)
    small_child, large_child = small.child, large.child
    case_timeline(small_child, coordinator)  # the viewer's permissions are read once, then cached

    with CountedQueries() as few:
        small_events = case_timeline(small_child, coordinator)
    with CountedQueries() as many:
        large_events = case_timeline(large_child, coordinator)
    assert len(large_events) > len(small_events)
    assert len(many) == len(few), [q["sql"][:150] for q in many.captured_queries]


def test_every_kind_of_event_is_read_in_one_statement_in_order_with_its_link(demo):
    """Referral, triage, sitting, decision, plan, letters, a reconsideration, a transfer to the SCA and the SCA's
    two decisions: one statement, newest first; events on the same day keep the order of their kinds (the
    reconsideration before the SCA's decisions), and of their model within a kind (conclusive grounds first)."""
    coordinator = demo_user(Role.COORDINATOR)
    referral = accepted_referral("northbridge")
    decided_on = timezone.localdate() - timedelta(days=10)
    rg = reviews.final_decision(referral=referral, decided_on=decided_on)  # negative, communicated
    request = reviews.reconsideration(decision=rg, received_on=decided_on + timedelta(days=2))
    transfer = case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    for stage in (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS):
        ScaReportedDecision.objects.create(
            referral=referral,
            transfer=transfer,
            site=referral.site,
            stage=stage,
            outcome=ScaOutcome.POSITIVE,
            decided_on=request.received_on,
            reported_on=request.received_on,
            recorded_by=coordinator,
        )
    case_timeline(referral.child, coordinator)  # the viewer's permissions are read once, then cached

    with CountedQueries() as queries:
        events = case_timeline(referral.child, coordinator)

    assert len(queries) == 1, [q["sql"][:150] for q in queries.captured_queries]
    sca = reverse("handovers:sca-decision", args=[referral.reference])
    triage = reverse("triage:triage", args=[referral.reference])
    # The referral and its triage are today's; the rest was backdated to days before.
    assert [(e.stage, e.title, e.href) for e in events] == [
        # The sending site's coordinator still opens the transfer (it holds CASE_TRANSFER there).
        (
            "Transfer",
            "Case transferred to the Single Competent Authority",
            reverse("handovers:transfer", args=[transfer.pk]),
        ),
        ("Triage", f"Accepted by {referral.site.name} (referral {referral.reference})", triage),
        ("Referral", f"Referral {referral.reference} received from {referral.referrer_organisation.name}", triage),
        (
            "Reconsideration",
            "Request to reconsider the reasonable grounds decision received (received)",
            reverse("reviews:reconsideration", args=[request.pk]),
        ),
        (
            "SCA decision",
            f"{outcome_words(Stage.CONCLUSIVE_GROUNDS, ScaOutcome.POSITIVE)} "
            "(the Single Competent Authority's conclusive grounds decision)",
            sca,
        ),
        (
            "SCA decision",
            f"{outcome_words(Stage.REASONABLE_GROUNDS, ScaOutcome.POSITIVE)} "
            "(the Single Competent Authority's reasonable grounds decision)",
            sca,
        ),
        (
            "Decision",
            outcome_words(Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE),
            reverse("decisions:detail", args=[rg.pk]),
        ),
    ]
    assert [e.on for e in events][3:] == [request.received_on] * 3 + [decided_on]
