"""Known datasets for the evaluation tests, made through the services as people make them (decisions for the
larger synthetic dataset are written as rows, as the dashboard's factories do, to keep it quick)."""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions.demo import final_decision as panel_decision
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.evaluation.demo import agreement_in_force
from childnrm.evaluation.extract import CaseSource
from childnrm.evaluation.models import DataSharingAgreement
from childnrm.outcomes.models import OutcomeReview
from childnrm.outcomes.tests.factories import decided_child, missing_episode, record_review
from childnrm.panels.demo import working_day
from childnrm.people.models import LinkStatus, Sex
from childnrm.people.services import child_link_decide
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral, years_ago
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user


@dataclass
class KnownCases:
    decided: Referral  # RG and CG positive, its 3-month review recorded and a missing episode
    rg: Decision
    cg: Decision
    sca: Referral  # handed to the Single Competent Authority
    waiting: Referral  # awaiting triage: a girl of 16 from Albania, sexual and labour exploitation
    duplicate: Referral  # another referral of the waiting girl, linked as the same child


def known_cases(site_slug: str = "northbridge") -> KnownCases:
    today = timezone.localdate()
    guardian = demo_user(Role.ICTG, site_slug)
    coordinator = demo_user(Role.COORDINATOR, site_slug)
    rg = decided_child(site_slug, decided_on=today - timedelta(days=200), guardian=guardian)
    decided = rg.referral
    site = decided.site
    cg = panel_decision(
        site_slug,
        stage=Stage.CONCLUSIVE_GROUNDS,
        outcome=Outcome.POSITIVE,
        decided_on=working_day(rg.decided_on + timedelta(days=site.recovery_period_days + 5), site.nation),
        referral=decided,
    )
    child = decided.child
    review = OutcomeReview.objects.get(child=child, months=3)
    record_review(review, guardian)
    missing_episode(child, guardian)

    sca = submitted_referral(
        site_slug,
        sex=Sex.FEMALE,
        nationalities=["VN"],
        date_of_birth=years_ago(15),
        exploitation_types=[ExploitationType.DOMESTIC_SERVITUDE],
        county_lines=False,
        exploitation_location=ExploitationLocation.BOTH,
        indicators=[Indicator.NO_DOCUMENTS, Indicator.RESTRICTED_MOVEMENT],
    )
    triage_confirm(
        referral=sca,
        user=coordinator,
        final_outcome=TriageOutcome.SCA,
        final_site=None,
        reason="Her age is being assessed; the SCA decides.",
    )
    waiting_answers = {
        "sex": Sex.FEMALE,
        "nationalities": ["AL"],
        "date_of_birth": years_ago(16) - timedelta(days=40),
        "exploitation_types": [ExploitationType.SEXUAL, ExploitationType.LABOUR],
        "county_lines": False,
        "ethnicity": "white_other",
    }
    waiting = submitted_referral(site_slug, **waiting_answers)
    duplicate = submitted_referral(site_slug, **waiting_answers)
    child_link_decide(child=waiting.child, other=duplicate.child, status=LinkStatus.LINKED, user=coordinator)
    for referral in (decided, sca, waiting, duplicate):
        referral.refresh_from_db()
    rg.refresh_from_db()
    return KnownCases(decided=decided, rg=rg, cg=cg, sca=sca, waiting=waiting, duplicate=duplicate)


def many_cases(site_slug: str, count: int, *, seed: int = 7) -> list[Referral]:
    """`count` submitted cases of varied children; a third accepted by the panel with a final reasonable grounds
    decision (a few with a conclusive grounds decision too), a sixth handed to the SCA."""
    from childnrm.dashboard.tests.factories import final_decision

    rng = random.Random(seed)
    coordinator = demo_user(Role.COORDINATOR, site_slug)
    today = timezone.localdate()
    made = []
    for i in range(count):
        referral = submitted_referral(
            site_slug,
            sex=rng.choice([Sex.MALE, Sex.MALE, Sex.MALE, Sex.FEMALE]),
            nationalities=[rng.choice(["GB", "GB", "GB", "AL", "VN", "ER"])],
            date_of_birth=years_ago(rng.choice([11, 13, 14, 15, 16])) - timedelta(days=rng.randint(0, 300)),
            exploitation_types=rng.choice(
                [
                    [ExploitationType.CRIMINAL],
                    [ExploitationType.CRIMINAL],
                    [ExploitationType.SEXUAL],
                    [ExploitationType.LABOUR, ExploitationType.CRIMINAL],
                ]
            ),
            county_lines=rng.random() < 0.5,
        )
        if i % 3 == 0:
            triage_confirm(
                referral=referral, user=coordinator, final_outcome=TriageOutcome.PANEL, final_site=None, reason=""
            )
            referral.refresh_from_db()
            decided_on = today - timedelta(days=rng.randint(5, 60))
            final_decision(
                referral, outcome=Outcome.POSITIVE if rng.random() < 0.7 else Outcome.NEGATIVE, decided_on=decided_on
            )
            if i % 9 == 0:
                final_decision(referral, stage=Stage.CONCLUSIVE_GROUNDS, outcome=Outcome.POSITIVE, decided_on=today)
        elif i % 6 == 1:
            triage_confirm(
                referral=referral,
                user=coordinator,
                final_outcome=TriageOutcome.SCA,
                final_site=None,
                reason="Sent to the SCA.",
            )
        made.append(referral)
    return made


def another_agreement(site_slug: str = "northbridge", **changes) -> DataSharingAgreement:
    from childnrm.accounts.models import Site

    return agreement_in_force(
        Site.objects.get(slug=site_slug),
        analyst=demo_user(Role.ANALYST, site_slug),
        officer=demo_user(Role.DATA_PROTECTION_OFFICER, site_slug),
        **changes,
    )


def demo_agreement(site_slug: str = "northbridge") -> DataSharingAgreement:
    return DataSharingAgreement.objects.filter(site__slug=site_slug).order_by("pk").first()


def pseudonym(salt: str, kind: str, record_id: int, dataset: str = "evaluation_extract") -> str:
    """docs/evaluation-extract.md: HMAC-SHA256 under a key derived from the secret, the agreement's salt and the
    kind of file (the extract's from the salt alone, as first released; the HTCDS export's from "<salt>:htcds")."""
    secret = getattr(settings, "EVALUATION_PSEUDONYM_KEY", "") or settings.SECRET_KEY
    master = hashlib.sha256(("childnrm-evaluation:" + secret).encode()).digest()
    message = salt if dataset == "evaluation_extract" else f"{salt}:{dataset}"
    key = hmac.new(master, message.encode(), hashlib.sha256).digest()
    return hmac.new(key, f"{kind}:{record_id}".encode(), hashlib.sha256).hexdigest()


def case_source(
    referral_id: int, *, child_id: int | None = None, person_id: int | None = None, **changes
) -> CaseSource:
    """One case as the extract and the HTCDS export read it, without the database: a British boy of 15, referred by
    the police on the web form, accepted by the panel. Its child and person ids are the referral's unless given."""
    values = dict(
        referral_id=referral_id,
        child_id=referral_id if child_id is None else child_id,
        person_id=referral_id if person_id is None else person_id,
        site="northbridge",
        referred_on=date(2026, 1, 5),
        source="web",
        referrer_type="police",
        route="panel",
        status="accepted",
        sex="male",
        age=15,
        nationality="GB",
        ethnicity="white_british",
        exploitation_types=["criminal"],
        county_lines=True,
        exploitation_location="uk",
        indicators=[],
    )
    return CaseSource(**{**values, **changes})
