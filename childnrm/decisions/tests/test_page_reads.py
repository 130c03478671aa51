"""What the decision pages read per request (issue 16): the sitting's voters once per page, whole rows only where
the page shows them, and the same words and forms as before."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from markupsafe import escape

from childnrm.accounts.models import Role
from childnrm.core.tests.queries import CountedQueries
from childnrm.decisions.models import Decision, DecisionVote, Stage
from childnrm.decisions.tests.factories import demo, draft_decision, final_decision, sample_decision, sitting
from childnrm.panels import rules
from childnrm.panels.models import ConflictDeclaration, Meeting, MeetingAttendee
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.models import Referral
from conftest import demo_user, signed_in

SITE = "northbridge"


def _reads(queries: list[dict], model: type[Model]) -> int:
    """Statements reading `model`'s table first (not through a join)."""
    table = model._meta.db_table
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


def _declarations_read(queries: list[dict]) -> int:
    """Statements reading who declared no conflict on a case: `eligible_voters` runs one each time it reads."""
    return _reads(queries, ConflictDeclaration)


def test_the_task_list_reads_the_sittings_voters_once_and_shows_what_the_checks_find(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    eligible = rules.eligible_voters(decision.agenda_item)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("decisions:record", args=[decision.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    # The votes' status, completeness, quorum and the training warnings all ask; the page reads once.
    # One read of the declarations for the voters, the chair's conflict and who has not declared (six before).
    assert _declarations_read(ctx.captured_queries) == 1
    assert f"0 of {len(eligible)} eligible members recorded" in body
    assert "Record the vote of" in body and "Still needed before sign-off" in body
    # The evidence section says what the multi-agency check says: nothing supplied yet.
    assert re.search(r'id="task-evidence-status"><strong class="govuk-tag govuk-tag--blue">Not started', body)


def test_the_task_list_and_the_record_read_the_votes_once_and_the_sitting_and_case_with_the_decision(client_as):
    decision = sample_decision(SITE)  # one vote, one piece of evidence
    client = client_as(Role.COORDINATOR)
    for name in ("decisions:record", "decisions:detail"):
        with CountedQueries() as captured:
            page = client.get(reverse(name, args=[decision.pk]))
        assert page.status_code == 200
        assert _reads(captured.counted, DecisionVote) == 1, name  # the status or table, the tally and the dissent
    body = page.content.decode()
    vote = decision.votes.get()
    assert escape(vote.voter.full_name) in body
    # The task list's checks start from the agenda item: its sitting and case are the decision's, read with it.
    with CountedQueries() as captured:
        body = client.get(reverse("decisions:record", args=[decision.pk])).content.decode()
    assert _reads(captured.counted, Meeting) == 0 and _reads(captured.counted, Referral) == 0
    assert "1 of " in body and "eligible members recorded" in body


def test_the_record_shows_who_signed_it_off_and_the_version_it_corrects_from_its_versions(client_as):
    decision = final_decision(SITE)
    client = client_as(Role.COORDINATOR)
    client.post(reverse("decisions:correct", args=[decision.pk]), {"reason": "The date was wrong"})
    correction = Decision.objects.get(supersedes=decision)
    signer = decision.finalised_by
    assert signer is not None
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert f"{escape(signer.full_name)}, " in body  # Signed off: who, and when
    assert "1 (this version)" in body and "Version 2" in body and "Correction of an earlier version" in body
    assert '<td class="govuk-table__cell">Draft</td>' in body and '<td class="govuk-table__cell">Final</td>' in body
    # Who signed it off came with the versions: no read of the user table by their id.
    by_id = re.compile(rf'"accounts_user"\."id" = {signer.pk}\b')
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("SELECT") and by_id.search(q["sql"])]
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("decisions:detail", args=[correction.pk])).content.decode()
    assert "Correction of version 1:" in body and "The date was wrong" in body
    assert "2 (this version)" in body
    # The version it corrects is one of the versions read for the table: not read again (the decision, its versions).
    assert _reads(ctx.captured_queries, Decision) == 2


def test_voters_read_once_answers_from_the_first_read_only_inside_the_block(demo):
    decision = draft_decision(SITE)
    item = decision.agenda_item
    with rules.voters_read_once():
        first = rules.eligible_voters(item)
        with CaptureQueriesContext(connection) as ctx:
            again = rules.eligible_voters(item)
        assert again == first and len(ctx.captured_queries) == 0
        again.clear()  # a caller's list is its own
        assert rules.eligible_voters(item) == first
    # Outside the block every call reads afresh: a conflict declared since is seen at once.
    declaration = item.conflict_declarations.filter(attendee__user_id=first[0].user_id).get()
    declaration.has_conflict = True
    declaration.save(update_fields=["has_conflict"])
    assert first[0].user_id not in {a.user_id for a in rules.eligible_voters(item)}


def test_inside_the_block_the_sittings_checks_answer_as_outside_it_from_one_read_of_the_sitting(demo):
    decision = draft_decision(SITE)
    item = decision.agenda_item
    first, second = rules.eligible_voters(item)[:2]
    conflicted = item.conflict_declarations.get(attendee=first)
    conflicted.has_conflict = True
    conflicted.save(update_fields=["has_conflict"])
    item.conflict_declarations.filter(attendee=second).delete()  # not yet declared
    outside = (rules.eligible_voters(item), rules.conflicted_user_ids(item), rules.undeclared_attendees(item))
    assert first.user_id in outside[1] and second in outside[2]
    assert not {first, second} & set(outside[0])
    with rules.voters_read_once(), CountedQueries() as captured:
        inside = (rules.eligible_voters(item), rules.conflicted_user_ids(item), rules.undeclared_attendees(item))
        assert rules.sitting_problems(item) == rules.sitting_problems(item)
    assert inside == outside
    # One read each of the declarations and of the present attendees, however many checks ask.
    assert _reads(captured.counted, ConflictDeclaration) == 1
    assert _reads(captured.counted, MeetingAttendee) == 1


def test_decisions_at_sittings_shows_each_case_with_its_words_and_one_working_form_each(client_as):
    started, waiting = accepted_referral(SITE), accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[started, waiting])
    client = client_as(Role.COORDINATOR)
    item = meeting.agenda_items.get(referral=started)
    client.post(reverse("decisions:start"), {"agenda_item": item.pk, "stage": Stage.REASONABLE_GROUNDS})
    draft = Decision.objects.get(referral=started)
    body = client.get(reverse("decisions:index")).content.decode()
    assert f'href="{reverse("decisions:detail", args=[draft.pk])}">Reasonable grounds' in body
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in body
    assert "In session" in body and "Reasonable grounds decision" in body
    # The page's own forms: the session time-out dialog (base.html) has its own, to stay signed in or sign out.
    page = re.sub(r'<dialog class="app-timeout-dialog".*?</dialog>', "", body, flags=re.S)
    forms = re.findall(r'<form method="post" action="([^"]+)">(<input [^>]+>)', page)
    assert forms and all(action == reverse("decisions:start") for action, _ in forms)
    assert all('name="csrfmiddlewaretoken"' in field for _, field in forms)
    # The list is the one place to start the case not yet started: its form works.
    waiting_item = meeting.agenda_items.get(referral=waiting)
    response = client.post(reverse("decisions:start"), {"agenda_item": waiting_item.pk, "stage": "reasonable_grounds"})
    assert response.status_code == 302 and Decision.objects.filter(referral=waiting).exists()


def test_a_chair_who_is_not_the_coordinator_still_reaches_the_decision_and_another_site_does_not(client_as):
    decision = draft_decision(SITE)
    chair = decision.meeting.chair
    assert chair is not None and chair != demo(Role.COORDINATOR, SITE)
    assert signed_in(chair).get(reverse("decisions:detail", args=[decision.pk])).status_code == 200
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404


def test_the_votes_page_reads_the_sitting_once_however_many_attend_and_vote(client_as):
    """Who may vote and why not, for every attendee, a stray vote and someone not invited, from one read of the
    sitting: each reason as the rule gives it, and the same statements with no votes or with every vote recorded."""
    from childnrm.decisions import services
    from childnrm.decisions.models import Vote
    from childnrm.panels.models import AttendsAs

    decision = draft_decision(SITE)
    item = decision.agenda_item
    attendees = list(item.meeting.attendees.select_related("user"))
    voting = [a for a in attendees if a.voting and a.attends_as not in (AttendsAs.ADVISER, AttendsAs.ICTG)]
    police = next(a for a in voting if a.agency == "police")
    absent = next(a for a in voting if a.pk != police.pk)
    ConflictDeclaration.objects.filter(agenda_item=item, attendee=police).update(has_conflict=True, details="Knows")
    MeetingAttendee.objects.filter(pk=absent.pk).update(present=False)
    outsider = demo_user(Role.FIRST_RESPONDER)

    def expected(a: MeetingAttendee) -> str | None:
        name = a.user.full_name
        if a.attends_as == AttendsAs.ADVISER:
            return f"{name} attends as an adviser, without a vote."
        if a.attends_as == AttendsAs.ICTG:
            return f"{name} attends as the child's Independent Child Trafficking Guardian, without a vote."
        if not a.voting:
            return f"{name} attends without a vote."
        return {
            police.pk: f"{name} has declared a conflict of interest on this case and cannot vote on it.",
            absent.pk: f"{name} is not recorded as present at this sitting and cannot vote.",
        }.get(a.pk)

    voters = [a.user for a in attendees]
    together = services.vote_refusals(decision, [*voters, outsider])
    assert together == {
        **{a.user_id: expected(a) for a in attendees},
        outsider.pk: f"{outsider.full_name} is not attending this meeting and cannot vote.",
    }
    assert any(why is None for why in together.values())

    client = client_as(Role.COORDINATOR)
    url = reverse("decisions:votes", args=[decision.pk])
    client.get(url)
    with CountedQueries() as none_recorded:
        assert client.get(url).status_code == 200
    for voter in [v for v in voters if together[v.pk] is None]:
        services.vote_record(decision=decision, voter=voter, vote=Vote.POSITIVE, user=demo_user(Role.COORDINATOR))
    with CountedQueries() as all_recorded:
        body = client.get(url).content.decode()
    assert len(all_recorded) == len(none_recorded)  # 14 here; asked voter by voter, 26 and 29
    assert str(escape(together[police.user_id])) in body

    # An eligible voter whose declaration is withdrawn has not declared: their vote can no longer count.
    eligible = next(a for a in attendees if together[a.user_id] is None)
    ConflictDeclaration.objects.filter(agenda_item=item, attendee=eligible).delete()
    assert services.vote_refusals(decision, [eligible.user])[eligible.user_id] == (
        f"{eligible.user.full_name} has not yet declared whether they have a conflict of interest on this case."
    )
