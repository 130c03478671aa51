"""Demo cases for the running service: referrals in each site's queue, cases on the next sitting's agenda,
and a case decided with its plan and letters — so every role has something real to look at.

Loaded by `manage.py seed_demo` (and so by scripts/serve.sh) after the demo accounts; not by the test
fixture, whose tests make the cases they need. Everything is made through the services, the way people
make it, so the audit trail and the clocks are as they would be. Idempotent: a site that has referrals
already is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.decisions.demo import final_decision
from childnrm.decisions.models import Outcome, Stage
from childnrm.letters.services import letters_produce
from childnrm.panels import services as panel_services
from childnrm.panels.demo import working_day
from childnrm.panels.models import AgendaStage, Meeting, MeetingStatus
from childnrm.people.demo import demo_email
from childnrm.referrals.demo import years_ago
from childnrm.referrals.models import Referral
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator
from childnrm.safeguarding.demo import plan_at_sitting
from childnrm.safeguarding.services import action_add, plan_review_date_set
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm

# What the demo referrals are about: shaped on the national child figures (criminal exploitation and
# county lines most common; UK, Albanian, Vietnamese and Eritrean children the largest groups; most children
# referred are 14 to 17). Each case's answers agree with each other: who the child is, what happened and its signs.
CASES = (
    {
        "nationalities": ["GB"],
        "date_of_birth": years_ago(15, days=41),
        "exploitation_types": [ExploitationType.CRIMINAL],
        "county_lines": True,
    },
    {
        "nationalities": ["AL"],
        "date_of_birth": years_ago(16, days=203),
        "ethnicity": "white_other",
        "exploitation_types": [ExploitationType.LABOUR, ExploitationType.CRIMINAL],
        "county_lines": False,
        "exploitation_location": ExploitationLocation.BOTH,
        "found_location": "A cannabis grow house in a rented terrace",
        "account": "Brought to the UK in a lorry, told to tend plants in a locked house to pay back the cost of the "
        "journey; says the men kept his phone.",
        "indicators": [Indicator.DEBT_BONDAGE, Indicator.RESTRICTED_MOVEMENT, Indicator.UNACCOMPANIED_ARRIVAL],
        "languages": ["sq"],
        "interpreter_needed": True,
    },
    {
        "nationalities": ["VN"],
        "date_of_birth": years_ago(15, days=310),
        "ethnicity": "asian_other",
        "exploitation_types": [ExploitationType.LABOUR],
        "county_lines": False,
        "exploitation_location": ExploitationLocation.BOTH,
        "found_location": "A nail bar, at a police visit",
        "account": "Works in the nail bar from early morning to late at night and sleeps above it; has not been paid "
        "and says she must work off a debt for her journey.",
        "sex": "female",
        "indicators": [Indicator.WORKING_LONG_HOURS, Indicator.DEBT_BONDAGE, Indicator.NO_DOCUMENTS],
        "languages": ["vi"],
        "interpreter_needed": True,
    },
    {
        "nationalities": ["GB"],
        "date_of_birth": years_ago(14, days=122),
        "exploitation_types": [ExploitationType.SEXUAL],
        "county_lines": False,
        "sex": "female",
        "found_location": "A hotel in the town centre, reported by its staff",
        "account": "Met an older man online who gave her gifts and then took her to parties where she was made to "
        "have sex with other men.",
        "indicators": [Indicator.ONLINE_GROOMING, Indicator.GOING_MISSING, Indicator.OLDER_ASSOCIATES],
    },
    {
        "nationalities": ["ER"],
        "date_of_birth": years_ago(17, days=64),
        "ethnicity": "black_african",
        "exploitation_types": [ExploitationType.DOMESTIC_SERVITUDE],
        "county_lines": False,
        "exploitation_location": ExploitationLocation.OVERSEAS,
        "found_location": "An asylum screening interview",
        "account": "Kept in a family's house in Libya to clean and cook, not allowed out, before she crossed to "
        "the UK by boat.",
        "sex": "female",
        "indicators": [Indicator.RESTRICTED_MOVEMENT, Indicator.UNACCOMPANIED_ARRIVAL, Indicator.NO_DOCUMENTS],
        "languages": ["ti"],
        "interpreter_needed": True,
    },
    {
        "nationalities": ["GB"],
        "date_of_birth": years_ago(16, days=17),
        "ethnicity": "mixed_white_black_caribbean",
        "exploitation_types": [ExploitationType.CRIMINAL],
        "county_lines": True,
        "found_location": "A flat used to sell drugs, found at a police search",
        "account": "Missing from home for a week; was holding drugs and a phone used to take orders, and says he "
        "was beaten when money went missing.",
        "indicators": [Indicator.GOING_MISSING, Indicator.PHYSICAL_INJURIES, Indicator.FOUND_OUT_OF_AREA],
    },
)
WAITING_FOR_TRIAGE = (2, 9, 30)  # days since referral
ON_THE_AGENDA = (20, 38)  # accepted, for the next sitting's reasonable grounds decision
DECIDED_AGO = 60  # referred this many days ago, decided at a sitting a fortnight later


def accept(referral: Referral, coordinator) -> Referral:
    result = triage_confirm(
        referral=referral, user=coordinator, final_outcome=TriageOutcome.PANEL, final_site=None, reason=""
    )
    return result.referral


@transaction.atomic
def load_demo_cases() -> int:
    """Make the demo cases of each site that has none yet; returns how many referrals were made."""
    made = 0
    for site in Site.objects.filter(slug__in=("northbridge", "three-rivers")).order_by("pk"):
        if Referral.objects.filter(site=site).exists():
            continue
        today = timezone.localdate()
        answers = iter(CASES)
        for days in WAITING_FOR_TRIAGE:
            submitted_referral(site.slug, submitted_on=today - timedelta(days=days), **next(answers))
        coordinator = site.memberships.get(role=Role.COORDINATOR, user__email=demo_email(Role.COORDINATOR, site.slug))
        coordinator = coordinator.user
        upcoming = (
            Meeting.objects.filter(site=site, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        for days in ON_THE_AGENDA:
            referral = submitted_referral(site.slug, submitted_on=today - timedelta(days=days), **next(answers))
            referral = accept(referral, coordinator)
            if upcoming is not None:
                panel_services.agenda_item_add(
                    meeting=upcoming, user=coordinator, referral=referral, stage=AgendaStage.REASONABLE_GROUNDS
                )
        referral = submitted_referral(site.slug, submitted_on=today - timedelta(days=DECIDED_AGO), **next(answers))
        referral = accept(referral, coordinator)
        decision = final_decision(
            site.slug,
            stage=Stage.REASONABLE_GROUNDS,
            outcome=Outcome.POSITIVE,
            # Its sitting, like every demo sitting, on a working day.
            decided_on=working_day(today - timedelta(days=DECIDED_AGO - 14), site.nation, step=-1),
            referral=referral,
            agree_plan=plan_at_sitting,
        )
        # The plan was agreed at the sitting before the decision was signed off (issue 8, rule 6).
        plan = decision.safeguarding_plans.get()
        plan_review_date_set(plan=plan, user=coordinator, next_review_on=today + timedelta(days=14))
        action_add(
            plan=plan,
            user=coordinator,
            description="Initial health assessment",
            agency="health",
            organisation=None,
            owner_name="Health panel member",
            owner=site.memberships.get(
                role=Role.PANEL_MEMBER, user__email=demo_email(Role.PANEL_MEMBER, site.slug)
            ).user,
            due_on=today + timedelta(days=7),
            review_on=None,
        )
        letters_produce(decision=decision, user=coordinator)
        # That sitting is over: closed, so the dashboard does not flag it as left in session.
        panel_services.meeting_close(meeting=decision.meeting, user=coordinator)
        made += len(WAITING_FOR_TRIAGE) + len(ON_THE_AGENDA) + 1
    return made
