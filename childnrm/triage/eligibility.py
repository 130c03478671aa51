"""The eligibility engine: may a local panel decide this referral, and which one?

Rules (domain.md, step 3): the child is 17 or under and more than 100 days before their 18th
birthday on the day of referral; the age is neither disputed nor uncertain; no public-order
disqualification is being considered; and the child lives in, or was referred in, a site's area
(where they live wins). Anything else goes to the Single Competent Authority (SCA), or to the site
whose area it is. Every rule applied leaves a reason in plain English, and the last reason says
what the engine concluded and why. The reasons are recorded in English (the assessment's record) and each is one
message of `triage.reasons`, which says it in the reader's language where a page shows it.

Ages follow the Family Law Reform Act 1969 s9: a person attains an age at the start of the
relevant anniversary of their birth. For a child born on 29 February the anniversary in a year
without one is taken as 1 March (the common UK reading: the child is not 18 until the day after
28 February). Using 28 February instead would move the 100-day line one day earlier.

Hard exclusions (rule 7 of "Decision integrity"): a disputed or uncertain age, an age not known, 18 or
over or 100 days or fewer to the 18th birthday on the day of referral, and a public-order
disqualification send the case to the SCA. They are rules, not discretion: `hard_exclusions` lists
them and triage refuses a panel (here or at another site) while any applies. The coordinator corrects
the facts instead (triage.services.triage_correct_facts), and the engine routes again on them. Where
the area is the only obstacle, the coordinator may still override (the area rule needs local knowledge).

An estimated age that is not disputed is treated like an estimated date of birth (domain.md step 3).
Our reading of "estimated age N" for the 100-day rule: the child turned N on the day of referral, i.e.
was born on the referral day N years earlier (a referral on 29 February: 28 February, the latest day
that still makes the child N). The age a referrer gives is their age on the day they give it, and of
every date of birth consistent with "N on the day of referral" this is the latest one: the child is
taken as young as the stated age allows. That is the reading most protective of the child's access to
a local panel, and it stays faithful to the 100-day rule, which is applied unchanged to the 18th
birthday it gives (an estimated 17 is 365 or 366 days from 18, so a panel case; an estimated 18 is not).
We found no published Home Office rule that fixes a different date (an assigned "1 January of the
estimated year of birth" convention, for example, could put an estimated 17-year-old referred in
December within 100 days of 18 and so take them from the panel); the retention schedule
(retention.services._date_of_birth) already reads an estimated age this way (but for 29 February,
where it takes 1 March, one day older than the stated age allows). Where the age itself
is in doubt the referrer or coordinator marks it disputed or uncertain, a hard exclusion of its own.

Turning 18 mid-case (rule 11): a conclusive grounds decision for a young person who is 18 or over on
the decision date needs their recorded consent to remain in the NRM (`adult_consent_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from childnrm.accounts.models import Organisation, Site
from childnrm.kit.dates import long_date
from childnrm.kit.errors import Problem
from childnrm.referrals.models import (  # the 18th birthday rules, defined once beside `Referral.turns_18_on`
    AdultConsent,
    ConsentAnswer,
    Referral,
    birth_date_from_estimated_age,
    eighteenth_birthday,
)
from childnrm.triage import reasons as said
from childnrm.triage.models import TriageOutcome

# Why only the SCA may decide, as clauses. Kept in English in an assessment's reasons (the rules' record);
# clause_words puts them in the page's language.
AGE_DISPUTED = said.AGE_DISPUTED
AGE_UNCERTAIN = said.AGE_UNCERTAIN
AGE_NOT_KNOWN = said.AGE_NOT_KNOWN
ADULT_WHEN_REFERRED = said.ADULT_WHEN_REFERRED
TURNS_18_SOON = said.TURNS_18_SOON

RULES_VERSION = "2026-11"
MIN_DAYS_BEFORE_18 = 100  # "more than 100 days before their 18th birthday"


def latest_birth_date_18_by(day: date) -> date:
    """The latest date of birth of someone who is 18 on `day` (inverse of `eighteenth_birthday`)."""
    try:
        candidate = day.replace(year=day.year - 18)
    except ValueError:  # 29 February: nobody was born on 29 February 18 years earlier
        candidate = date(day.year - 18, 2, 28)
    # A 29 February birthday is 1 March in a year without one: step back while that is too late.
    while eighteenth_birthday(candidate) > day:
        candidate -= timedelta(days=1)
    return candidate


def working_birth_date(referral: Referral, on: date | None = None) -> tuple[date | None, bool]:
    """The date of birth the rules work with and whether it comes from an estimated age (None: no age known)."""
    if referral.date_of_birth is not None:
        return referral.date_of_birth, False
    if referral.estimated_age_years is not None:
        return birth_date_from_estimated_age(referral.estimated_age_years, on or referral_date(referral)), True
    return None, False


@dataclass
class Assessment:
    outcome: str
    # The site that holds the case: its coordinator confirms the outcome and sends the case on if it goes elsewhere.
    site: Site | None
    reasons: list[str] = field(default_factory=list)
    rules_version: str = RULES_VERSION
    # Where the engine says the case belongs: a site's panel, or None for the SCA.
    target_site: Site | None = None


@dataclass
class AgeFinding:
    panel_may_decide: bool
    reasons: list[str]
    # Why the SCA decides, as a clause ("the child's age is disputed"); empty when the panel may.
    why_not: list[str]


def age_finding(referral: Referral, on: date) -> AgeFinding:
    """Apply every age rule on the day of referral."""
    reasons: list[str] = []
    why_not: list[str] = []
    if referral.age_disputed:
        reasons.append(said.recorded(said.AGE_IS_DISPUTED))
        why_not.append(AGE_DISPUTED)
    if referral.age_uncertain:
        reasons.append(said.recorded(said.AGE_IS_UNCERTAIN))
        why_not.append(AGE_UNCERTAIN)
    born, from_age = working_birth_date(referral, on)
    if born is None:
        reasons.append(said.recorded(said.NO_AGE))
        why_not.append(AGE_NOT_KNOWN)
        return AgeFinding(False, reasons, why_not)
    if from_age:
        reasons.append(said.recorded(said.ESTIMATED_AGE_ONLY, age=referral.estimated_age_years, born=born))

    birthday = eighteenth_birthday(born)
    days_left = (birthday - on).days
    # Which date of birth the rule rests on: the one given, the estimated one given, or one from an estimated age.
    basis = 2 if from_age else 1 if referral.date_of_birth_estimated else 0
    dates = {"born": born, "referred": on, "birthday": birthday, "days": days_left, "min": MIN_DAYS_BEFORE_18}
    if days_left <= 0:
        reasons.append(said.recorded(said.ADULT[basis], **dates))
        why_not.append(ADULT_WHEN_REFERRED)
    elif days_left <= MIN_DAYS_BEFORE_18:
        reasons.append(said.recorded(said.TOO_CLOSE_TO_18[basis], **dates))
        why_not.append(TURNS_18_SOON % {"days": MIN_DAYS_BEFORE_18})
    else:
        reasons.append(said.recorded(said.FAR_ENOUGH_FROM_18[basis], **dates))
    return AgeFinding(not why_not, reasons, why_not)


PUBLIC_ORDER = said.PUBLIC_ORDER
NO_AREA = said.NO_AREA


def clause_words(clause: str) -> str:
    """A rule's clause, kept in English in an assessment's reasons (a record), in the page's language."""
    if clause == TURNS_18_SOON % {"days": MIN_DAYS_BEFORE_18}:
        return gettext(TURNS_18_SOON) % {"days": MIN_DAYS_BEFORE_18}
    return gettext(clause)


def hard_exclusions(referral: Referral, on: date | None = None) -> list[str]:
    """The rules that send the case to the SCA whatever anyone decides, as clauses (empty: none applies).

    Age (disputed, uncertain or not known; 18 or over, or 100 days or fewer to 18, on the day of
    referral) and a public-order disqualification. Not the area rule: that one a coordinator may override.
    """
    on = on or referral_date(referral)
    clauses = list(age_finding(referral, on).why_not)
    if referral.public_order_disqualification:
        clauses.append(PUBLIC_ORDER)
    return clauses


def hard_exclusion_message(clauses: list[str]) -> str:
    """Why no panel may decide, naming the rule, for the coordinator who tried to choose one."""
    listed = said.listed([clause_words(c) for c in clauses])
    return gettext(
        "A panel cannot decide this referral because %(reasons)s. This is a rule, not a matter of "
        "discretion: the Single Competent Authority decides. If the facts have changed, correct the facts first."
    ) % {"reasons": listed}


def site_covering(authority: Organisation | None) -> Site | None:
    """The active site whose area includes this local authority (a consortium covers several)."""
    if authority is None:
        return None
    return Site.objects.filter(active=True, local_authorities=authority).order_by("pk").first()


def area_site(referral: Referral) -> tuple[Site | None, str]:
    """The site for where the child lives, else for where they were referred, with the reason."""
    lives = referral.residence_local_authority
    found = referral.found_local_authority
    lives_site = site_covering(lives)
    if lives is not None and lives_site is not None:
        return lives_site, said.recorded(said.LIVES_IN_AREA, area=lives.name, site=lives_site.name)
    found_site = site_covering(found)
    area = {"area": lives.name} if lives is not None else {}
    if found is not None and found_site is not None:
        message = said.LIVES_OUTSIDE_REFERRED_IN_AREA if lives is not None else said.LIVES_UNKNOWN_REFERRED_IN_AREA
        return found_site, said.recorded(message, **area, found=found.name, site=found_site.name)
    if found is not None:
        message = said.LIVES_OUTSIDE_REFERRED_OUTSIDE if lives is not None else said.LIVES_UNKNOWN_REFERRED_OUTSIDE
        return None, said.recorded(message, **area, found=found.name)
    message = said.LIVES_OUTSIDE_REFERRED_UNKNOWN if lives is not None else said.LIVES_UNKNOWN_REFERRED_UNKNOWN
    return None, said.recorded(message, **area)


def referral_date(referral: Referral) -> date:
    """The day of referral in UK time (a referral at 00:30 BST is made on that day, not the UTC day before)."""
    if referral.submitted_at is None:
        return timezone.localdate()
    return timezone.localtime(referral.submitted_at).date()


def assess(referral: Referral, *, receiving_site: Site | None = None, on: date | None = None) -> Assessment:
    """Apply every rule; `receiving_site` is the site the referral was sent to, if any."""
    on = on or referral_date(referral)
    age = age_finding(referral, on)
    reasons = list(age.reasons)
    why_not = list(age.why_not)
    if referral.public_order_disqualification:
        reasons.append(said.recorded(said.PUBLIC_ORDER_CONSIDERED))
        why_not.append(PUBLIC_ORDER)
    site, why_area = area_site(referral)
    reasons.append(why_area)
    if site is None:
        why_not.append(NO_AREA)

    if why_not or site is None:  # no area site always gives a reason why not: `site` is known below
        # The SCA decides; the area's site (else the site it was sent to) confirms and sends the case on.
        reasons.append(said.recorded(said.SCA_DECIDES, reasons=said.sentence(why_not)))
        return Assessment(TriageOutcome.SCA, site or receiving_site, reasons, target_site=None)
    if receiving_site is not None and site.pk != receiving_site.pk:
        reasons.append(said.recorded(said.OTHER_SITE_DECIDES, site=site.name, receiving=receiving_site.name))
        return Assessment(TriageOutcome.OTHER_SITE, receiving_site, reasons, target_site=site)
    reasons.append(said.recorded(said.PANEL_MAY_DECIDE, site=site.name))
    return Assessment(TriageOutcome.PANEL, site, reasons, target_site=site)


def suggested_site(referral: Referral, assessment) -> Site | None:
    """The site a recorded assessment says should decide (None: the SCA)."""
    if assessment.outcome == TriageOutcome.SCA:
        return None
    if assessment.outcome == TriageOutcome.PANEL:
        return assessment.target_site or referral.site
    target = assessment.target_site
    if target is None or target.pk == referral.site_id:
        # Recorded as the site holding the case rather than the one it belongs to: apply the area rule again.
        target = area_site(referral)[0]
    return target


def differs(final_outcome: str, final_site: Site | None, outcome: str, suggested: Site | None) -> bool:
    """Whether the coordinator's decision overrides the engine's (a different outcome, or another site)."""
    if final_outcome != outcome:
        return True
    if final_outcome == TriageOutcome.OTHER_SITE:
        return suggested is None or final_site is None or final_site.pk != suggested.pk
    return False


def adult_consent_problems(referral: Referral, on: date | None) -> list[Problem]:
    """What stops a conclusive grounds decision on `on` for a young person who is 18 by then (empty: nothing).

    They must have consented to remain in the NRM, on or before the decision date, and not withdrawn it
    since (the latest answer given on or before that day counts). The decisions app asks only for a
    conclusive grounds decision (a reasonable grounds decision needs no consent); without a decision date,
    or any age, there is nothing to check yet (the completeness check asks for the date on its own).
    """
    if on is None:
        return []
    born, _ = working_birth_date(referral)
    if born is None:
        return []
    birthday = eighteenth_birthday(born)
    if birthday > on:
        return []
    answer = AdultConsent.objects.filter(referral_id=referral.pk, given_on__lte=on).first()
    # In the reader's language (the chair's completeness check): each message one whole sentence.
    dates = {"birthday": long_date(birthday), "decided_on": long_date(on)}
    if answer is None:
        return [
            Problem(
                "adult-consent-missing",
                gettext(
                    "Record the young person's consent to remain in the National Referral Mechanism: they turned 18 "
                    "on %(birthday)s, on or before the decision date (%(decided_on)s)"
                )
                % dates,
            )
        ]
    if answer.answer != ConsentAnswer.GIVEN:
        return [
            Problem(
                "adult-consent-refused",
                gettext(
                    "The young person did not consent to remain in the National Referral Mechanism (answer given on "
                    "%(answered_on)s): a conclusive grounds decision needs their consent, because they turned 18 on "
                    "%(birthday)s, on or before the decision date (%(decided_on)s)"
                )
                % {**dates, "answered_on": long_date(answer.given_on)},
            )
        ]
    return []
