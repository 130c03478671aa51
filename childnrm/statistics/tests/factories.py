"""Cases for the statistics tests, made the way the service makes them: referrals submitted by first responders,
triaged by the coordinator, decided at sittings and signed off by the chair (the other apps' makers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from childnrm.accounts.models import Membership, OrganisationType, Role, Site, User
from childnrm.decisions.models import Outcome, Stage
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels.demo import accept
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, demo_account, demo_email
from childnrm.referrals.demo import complete_answers
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.triage.demo import backdate
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm


@dataclass(frozen=True)
class CaseSpec:
    """One referral of the known dataset and what became of it."""

    site: str
    submitted_on: date
    sex: str = "male"
    nationality: str = "GB"
    ethnicity: str = "white_british"
    exploitation: tuple[str, ...] = ("criminal",)
    location: str = "uk"
    age: int = 15  # at referral
    ngo: bool = False  # referred by an NGO's first responder (else the demo police first responder)
    rg: tuple[str, date] | None = None  # (outcome, decided on)
    cg: tuple[str, date] | None = None
    to_sca: bool = False  # handed to the SCA at triage
    extra: dict[str, Any] = field(default_factory=dict)


def ngo_first_responder(site_slug: str) -> User:
    from childnrm.accounts.models import Organisation

    site = Site.objects.get(slug=site_slug)
    organisation, _ = Organisation.objects.get_or_create(
        name="Safe Futures Children's Charity", defaults={"type": OrganisationType.NGO}
    )
    user = demo_account(f"ngo-first-responder.{site_slug}@{DEMO_EMAIL_DOMAIN}", "NGO first responder", organisation)
    Membership.objects.get_or_create(user=user, site=site, role=Role.FIRST_RESPONDER)
    return user


def born_for(age: int, on: date) -> date:
    """A date of birth that makes the child `age` on `on`, their next birthday five months away (so a 17-year-old is
    more than 100 days from 18 and the panel may decide)."""
    birthday = on + timedelta(days=150)
    try:
        return birthday.replace(year=birthday.year - age - 1)
    except ValueError:
        return birthday.replace(year=birthday.year - age - 1, day=28)


def make_case(spec: CaseSpec) -> Referral:
    site = Site.objects.get(slug=spec.site)
    if spec.ngo:
        user = ngo_first_responder(spec.site)
    else:
        user = User.objects.get(email=demo_email(Role.FIRST_RESPONDER, spec.site))
    answers = {
        **complete_answers(site),
        "sex": spec.sex,
        "nationalities": [spec.nationality] if spec.nationality else [],
        "ethnicity": spec.ethnicity,
        "exploitation_types": list(spec.exploitation),
        "exploitation_location": spec.location,
        "date_of_birth": born_for(spec.age, spec.submitted_on),
        **spec.extra,
    }
    referral = referral_start(user=user)
    referral = referral_save(referral=referral, user=user, data=answers)
    referral = referral_submit(referral=referral, user=user)
    referral = backdate(referral, spec.submitted_on)
    if spec.to_sca:
        triage_confirm(
            referral=referral,
            user=User.objects.get(email=demo_email(Role.COORDINATOR, spec.site)),
            final_outcome=TriageOutcome.SCA,
            final_site=None,
            reason="The child's age is disputed: the SCA decides.",
        )
        return Referral.objects.get(pk=referral.pk)
    if spec.rg is None:
        return referral
    referral = accept(referral)
    outcome, on = spec.rg
    final_decision(spec.site, stage=Stage.REASONABLE_GROUNDS, outcome=outcome, decided_on=on, referral=referral)
    if spec.cg is not None:
        outcome, on = spec.cg
        final_decision(spec.site, stage=Stage.CONCLUSIVE_GROUNDS, outcome=outcome, decided_on=on, referral=referral)
    return Referral.objects.get(pk=referral.pk)


POSITIVE, NEGATIVE = Outcome.POSITIVE, Outcome.NEGATIVE
