"""'Error: ' starts the title of every page that shows an error summary, once (base.html), in English and in Welsh.

A screen reader says the page's title first: a page with errors must say so there, and only once. The layout writes
the prefix, and only the layout: no page's title block writes it (a second one would then be doubled). These are the
pages whose summary reads something other than `form` (an `error` from a service, a form of another name), which
had none, and those whose own title wrote it. Each is reached the way a user reaches its error: a request that the
view refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site, TieRule
from childnrm.case_reviews.demo import demo_review
from childnrm.dashboard.tests.factories import accepted_referral, child_born
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Outcome, Vote
from childnrm.decisions.tests.factories import draft_decision, record_complete
from childnrm.evaluation import services as evaluation_services
from childnrm.evaluation.demo import agreement_in_force, demo_answers
from childnrm.handovers.models import TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.learning.services import ItemAnswers, SummaryAnswers, library_item_submit, review_summary_submit
from childnrm.panels.models import Agency, PanelMember
from childnrm.panels.tests.factories import meeting_in_session, scheduled_meeting
from childnrm.people.models import Child, LinkageModel, NationalLinkPair
from childnrm.referrals.demo import years_ago
from childnrm.retention.schedule import RecordType
from childnrm.retention.services import legal_hold_place
from childnrm.training.demo import booked, course_for, session_of
from childnrm.triage.demo import submitted_referral
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

NB = "northbridge"
PREFIX = {"en": "Error:", "cy": "Gwall:"}


def _as(role: str) -> Client:
    return signed_in(demo_user(role, NB))


# Each page in its error state: the response to the request that the view refuses.


def _agenda_case_not_added() -> object:
    """The agenda, after "Add" on a suggested case with nothing chosen for the panel to decide (`error`)."""
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=7))
    referral = accepted_referral(NB)
    url = reverse("panels:agenda", args=[meeting.pk])
    return _as(Role.COORDINATOR).post(url, {"referral": referral.pk, "key": "x"})


def _meeting_invitation_refused() -> object:
    """The meeting page, after inviting someone already invited (`add_form`)."""
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=7))
    invited = PanelMember.objects.filter(site__slug=NB, active=True, user__in=meeting.attendees.values("user_id"))
    return _as(Role.COORDINATOR).post(reverse("panels:attendee-add", args=[meeting.pk]), {"member": invited.first().pk})


def _meeting_opened_twice() -> object:
    """Opening a sitting that is already open (`error`)."""
    meeting = meeting_in_session(NB)
    return _as(Role.COORDINATOR).post(reverse("panels:meeting-open", args=[meeting.pk]))


def _member_removed_twice() -> object:
    """Removing a panel member who has already left (`error`)."""
    member = PanelMember.objects.filter(site__slug=NB, active=True).first()
    PanelMember.objects.filter(pk=member.pk).update(active=False)
    return _as(Role.COORDINATOR).post(reverse("panels:member-remove", args=[member.pk]))


def _decided_case_removed_from_agenda() -> object:
    """Removing a case from the agenda once a decision is recorded for it (`error`)."""
    decision = draft_decision(NB)
    item = decision.agenda_item
    return _as(Role.COORDINATOR).post(reverse("panels:agenda-remove", args=[item.meeting_id, item.pk]))


def _nil_return_without_statement() -> object:
    """A nil return with no statement of who confirmed it (`nil_form`)."""
    decision = draft_decision(NB)
    url = reverse("decisions:nil-return", args=[decision.pk])
    return _as(Role.COORDINATOR).post(url, {"nil_agency": Agency.HEALTH})


def _vote_without_answer() -> object:
    """A member's vote sent with no vote chosen (`posted_form`)."""
    decision = draft_decision(NB)
    voter = decision.meeting.attendees.filter(voting=True).first()
    return _as(Role.COORDINATOR).post(reverse("decisions:votes", args=[decision.pk]), {"voter_id": voter.user_id})


def _casting_vote_without_reasons() -> object:
    """The chair's casting vote on a tie, with no reasons (`casting_form`)."""
    Site.objects.filter(slug=NB).update(tie_rule=TieRule.CASTING_VOTE)
    decision = record_complete(draft_decision(NB), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    coordinator = demo_user(Role.COORDINATOR, NB)
    for agency, vote, reasons in ((Agency.POLICE, Vote.NEGATIVE, "Doubts"), (Agency.HEALTH, Vote.ABSTAIN, "")):
        voter = decision.meeting.attendees.select_related("user").get(agency=agency, voting=True).user
        decision_services.vote_record(decision=decision, voter=voter, vote=vote, reasons=reasons, user=coordinator)
    return _as(Role.CHAIR).post(
        reverse("decisions:casting-vote", args=[decision.pk]), {"casting_vote": Outcome.POSITIVE}
    )


def _training_place_for_nobody() -> object:
    """Giving a place on a session without choosing who (`attendee_form`)."""
    coordinator = demo_user(Role.COORDINATOR, NB)
    session = session_of(course_for(coordinator), coordinator, on=timezone.localdate() + timedelta(days=14))
    return _as(Role.COORDINATOR).post(reverse("training:attendee-add", args=[session.pk]), {"person": ""})


def _training_register_of_a_stranger() -> object:
    """A register that ticks someone not booked on the session (`register_form`)."""
    coordinator = demo_user(Role.COORDINATOR, NB)
    session = session_of(course_for(coordinator), coordinator, on=timezone.localdate() - timedelta(days=1))
    booked(session, [demo_user(Role.PANEL_MEMBER, NB)])
    return _as(Role.COORDINATOR).post(reverse("training:register", args=[session.pk]), {"attended": ["999999"]})


def _turning_18_with_an_impossible_date() -> object:
    today = timezone.localdate()
    birthday = today + timedelta(days=60)
    child = child_born(NB, birthday.replace(year=birthday.year - 18))
    return _as(Role.COORDINATOR).post(
        reverse("handovers:adult-transition", args=[child.reference]),
        {"completed_on_day": "40", "completed_on_month": "1", "completed_on_year": str(today.year)},
    )


def _transfer_without_a_site() -> object:
    referral = accepted_referral(NB)
    return _as(Role.COORDINATOR).post(
        reverse("handovers:transfer-new", args=[referral.child.reference]), {"destination": "site", "reason": "Moved"}
    )


def _sca_decision_without_an_outcome() -> object:
    referral = accepted_referral(NB, submitted_on=date.today() - timedelta(days=30))
    coordinator = demo_user(Role.COORDINATOR, NB)
    case_transfer(
        child=referral.child, user=coordinator, destination=TransferDestination.SCA, to_site=None, reason="Turns 18"
    )
    return _as(Role.COORDINATOR).post(
        reverse("handovers:sca-decision", args=[referral.reference]), {"stage": "reasonable_grounds"}
    )


def _retention_rule_without_answers() -> object:
    return _as(Role.DATA_PROTECTION_OFFICER).post(reverse("retention:rule", args=[NB, RecordType.LETTERS]), {})


def _hold_lifted_without_a_reason() -> object:
    child = accepted_referral(NB).child
    hold = legal_hold_place(user=demo_user(Role.COORDINATOR, NB), child=child, reason="Inquiry")
    return _as(Role.COORDINATOR).post(reverse("retention:hold-lift", args=[hold.pk]), {"reason": ""})


def _hold_without_a_child() -> object:
    return _as(Role.COORDINATOR).post(reverse("retention:holds", args=[NB]), {"child_reference": "", "reason": ""})


# The pages whose own title block wrote the prefix (now base.html's alone).


def _consent_at_18_without_a_date() -> object:
    """Consent at 18 recorded as given, with no date (`error_links`)."""
    today = timezone.localdate()
    referral = accepted_referral(NB, submitted_on=today - timedelta(days=200), date_of_birth=years_ago(18, today))
    return _as(Role.COORDINATOR).post(reverse("triage:adult-consent", args=[referral.reference]), {"answer": "given"})


def _facts_corrected_without_a_reason() -> object:
    """The facts of a referral awaiting triage, sent with nothing filled in (`error_links`)."""
    referral = submitted_referral(NB, age_disputed=True)
    return _as(Role.COORDINATOR).post(reverse("triage:facts", args=[referral.reference]), {})


def _agreement_refused_without_a_reason() -> object:
    """A data-sharing agreement refused by the data protection officer with no reason (`refuse_form`)."""
    site = Site.objects.get(slug=NB)
    agreement = evaluation_services.agreement_request(
        site=site, user=demo_user(Role.ANALYST, NB), answers=demo_answers()
    )
    url = reverse("evaluation:agreement-refuse", args=[agreement.pk])
    return _as(Role.DATA_PROTECTION_OFFICER).post(url, {"refuse-reason": ""})


def _agreement_revoked_without_a_reason() -> object:
    """An agreement in force, revoked with no reason (`revoke_form`)."""
    site = Site.objects.get(slug=NB)
    officer = demo_user(Role.DATA_PROTECTION_OFFICER, NB)
    agreement = agreement_in_force(site, analyst=demo_user(Role.ANALYST, NB), officer=officer)
    url = reverse("evaluation:agreement-revoke", args=[agreement.pk])
    return _as(Role.DATA_PROTECTION_OFFICER).post(url, {"revoke-reason": ""})


def _library_item_returned_without_reasons() -> object:
    """A library item waiting for moderation, returned to its author with no reasons (`error_links`)."""
    version = library_item_submit(
        user=demo_user(Role.COORDINATOR, NB),
        answers=ItemAnswers(
            title="Late disclosure: a practice note",
            summary="How a panel weighs a late disclosure.",
            kind="practice_note",
            themes=["disclosure"],
            exploitation_types=[],
            region="uk",
            audiences=["panel_members"],
            item_date=date(2026, 3, 1),
            link="https://www.gov.uk/government/publications/modern-slavery-how-to-identify-and-support-victims",
        ),
    )
    return _as(Role.LIBRARY_MODERATOR).post(reverse("learning:reject", args=[version.pk]), {})


def _review_summary_returned_without_reasons() -> object:
    """A case review summary waiting for moderation, returned with no reasons (`error_links`)."""
    summary = review_summary_submit(
        user=demo_user(Role.COORDINATOR, NB),
        review=demo_review(NB),
        answers=SummaryAnswers(
            title="Hearing the child",
            summary="A teenager went missing several times before a referral.",
            learning="Hold return home interviews in person.",
            themes=["missing"],
        ),
    )
    return _as(Role.LIBRARY_MODERATOR).post(reverse("learning:summary-reject", args=[summary.pk]), {})


def _national_review_without_an_outcome() -> object:
    """A possible record at another site, reviewed with a reason but nothing found chosen (`form`)."""
    born = date(2011, 8, 21)
    here, there = (
        Child.objects.create(
            site=Site.objects.get(slug=slug), given_names=given, family_name=family, date_of_birth=born, sex="male"
        )
        for slug, given, family in ((NB, "Filmon", "Woldemariam"), ("three-rivers", "Philmon", "Weldemariam"))
    )
    model = LinkageModel.objects.create(trained_at=timezone.now(), records=0, probability_two_random_records_match=0)
    sweep = model.sweeps.create(started_at=timezone.now(), finished_at=timezone.now())
    a, b = sorted([here, there], key=lambda c: c.pk)
    pair = NationalLinkPair.objects.create(
        child_a=a, child_b=b, match_probability=0.9, first_found_at=timezone.now(), sweep=sweep
    )
    url = reverse("people:national-review", args=[here.reference, pair.key])
    return _as(Role.COORDINATOR).post(url, {"reason": "Checked"})


PAGES: dict[str, Callable[[], object]] = {
    "panels/agenda": _agenda_case_not_added,
    "panels/meeting": _meeting_invitation_refused,
    "panels/meeting_confirm": _meeting_opened_twice,
    "panels/member_remove": _member_removed_twice,
    "panels/agenda_remove": _decided_case_removed_from_agenda,
    "decisions/evidence": _nil_return_without_statement,
    "decisions/votes (a vote)": _vote_without_answer,
    "decisions/votes (the casting vote)": _casting_vote_without_reasons,
    "training/session (a place)": _training_place_for_nobody,
    "training/session (the register)": _training_register_of_a_stranger,
    "handovers/adult_transition": _turning_18_with_an_impossible_date,
    "handovers/transfer_new": _transfer_without_a_site,
    "handovers/sca_decision": _sca_decision_without_an_outcome,
    "retention/rule": _retention_rule_without_answers,
    "retention/hold_lift": _hold_lifted_without_a_reason,
    "retention/holds": _hold_without_a_child,
    "triage/adult_consent": _consent_at_18_without_a_date,
    "triage/correct_facts": _facts_corrected_without_a_reason,
    "evaluation/agreement (refusing)": _agreement_refused_without_a_reason,
    "evaluation/agreement (revoking)": _agreement_revoked_without_a_reason,
    "learning/moderate": _library_item_returned_without_reasons,
    "learning/summary_moderate": _review_summary_returned_without_reasons,
    "people/linkage/national_review": _national_review_without_an_outcome,
}


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_with_an_error_summary_starts_its_title_with_error_once(page, language, site):
    if language == "cy":  # the site's users see Welsh (core catalogue: "Gwall:")
        Site.objects.filter(pk=site.pk).update(default_language="cy")
    response = PAGES[page]()
    assert response.status_code in (200, 400), page  # the page again, with its errors (not a redirect)
    html = response.content.decode()
    assert "govuk-error-summary" in html, f"{page}: no error summary"
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.startswith(f"{PREFIX[language]} "), title
    assert title.count("Error:") + title.count("Gwall:") == 1, title


def test_no_page_writes_the_prefix_in_its_own_title():
    """base.html writes "Error:" from `errors_shown` (or `form`, `errors`, `error`, `error_links`): a page that wrote
    it too would show it twice, and one that wrote it instead would lose it when its condition and the layout's
    differ. A page whose summary reads a form of another name sets `errors_shown` at its top level."""
    root = Path(__file__).resolve().parents[2]  # childnrm/
    layout = root / "jinja2" / "base.html"
    writes_it = re.compile(r"""_\(\s*["']Error:""")
    pages = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.html"))
        if path != layout and "jinja2" in path.parts and writes_it.search(path.read_text(encoding="utf-8"))
    ]
    assert pages == []
