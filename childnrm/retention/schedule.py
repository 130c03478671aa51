"""The retention schedule: how long each type of record is kept, and when a record falls due.

Each site has its own schedule (a `RetentionRule` per record type overrides the default below). A
rule is either "until the child's Nth birthday" or "N years after the case closed". A record is due
for anonymisation on its due date (the birthday itself, or the anniversary of closure), never while
its case is open. Defaults and their basis are written out in docs/retention.md; where a default is
our judgement rather than a legal rule it says so, and the site's data protection officer must
confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    DRAFT = "draft", _("Draft referral never sent")
    REFERRAL_NOT_ACCEPTED = "referral_not_accepted", _("Referral withdrawn or referred on")
    DECIDED_CASE = "decided_case", _("Case with the panel")
    SEXUAL_EXPLOITATION_CASE = "sexual_exploitation_case", _("Case involving child sexual exploitation")
    LOOKED_AFTER_CASE = "looked_after_case", _("Case of a looked-after child")
    DOCUMENTS = "documents", _("Uploaded documents")
    INFORMATION_ANSWERS = "information_answers", _("Information requests and agencies' answers")
    LETTERS = "letters", _("Outcome letters and the record of explaining them")
    AUDIT_EVENTS = "audit_events", _("Audit trail")


class RuleBasis(models.TextChoices):
    BIRTHDAY = "birthday", _("Until the child's birthday")
    YEARS_AFTER_CLOSED = "years_after_closed", _("Years after the case closed")
    KEPT = "kept", _("Kept: never anonymised")


# Record types that are a whole case: anonymising one clears the case and everything hung from it.
CASE_TYPES = (
    RecordType.DRAFT,
    RecordType.REFERRAL_NOT_ACCEPTED,
    RecordType.DECIDED_CASE,
    RecordType.SEXUAL_EXPLOITATION_CASE,
    RecordType.LOOKED_AFTER_CASE,
)
# Parts of a case that may go earlier than the case itself.
PART_TYPES = (RecordType.DOCUMENTS, RecordType.INFORMATION_ANSWERS, RecordType.LETTERS)
# Case types whose rule governs every part of the case as well (the record is kept whole).
WHOLE_RECORD_TYPES = (RecordType.LOOKED_AFTER_CASE, RecordType.SEXUAL_EXPLOITATION_CASE)


@dataclass(frozen=True)
class Rule:
    record_type: str
    basis: str
    years: int
    legal_basis: str
    judgement: bool  # True: not set by law; the site's DPO must confirm it

    def describe(self) -> str:
        """In the active language. Welsh says the age ("until the child turns 25"), not an ordinal."""
        if self.basis == RuleBasis.BIRTHDAY:
            # Welsh writes the age, not the ordinal, so its translation leaves %(ordinal)s out:
            # xgettext:no-python-format
            return gettext("Until the child's %(ordinal)s birthday") % {
                "ordinal": ordinal(self.years),
                "years": self.years,
            }
        if self.basis == RuleBasis.YEARS_AFTER_CLOSED and self.record_type == RecordType.DRAFT:
            # A draft never closes: its clock runs from when it was last saved.
            return ngettext(
                "%(num)s year after it was last saved", "%(num)s years after it was last saved", self.years
            ) % {"num": self.years}
        if self.basis == RuleBasis.YEARS_AFTER_CLOSED:
            return ngettext("%(num)s year after the case closed", "%(num)s years after the case closed", self.years) % {
                "num": self.years
            }
        return gettext("Kept: never anonymised")


DEFAULTS: dict[str, Rule] = {
    RecordType.DRAFT: Rule(
        RecordType.DRAFT,
        RuleBasis.YEARS_AFTER_CLOSED,
        1,
        "UK GDPR Article 5(1)(e) storage limitation: a referral never sent was never acted on. "
        "One year after it was last saved is a judgement for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.REFERRAL_NOT_ACCEPTED: Rule(
        RecordType.REFERRAL_NOT_ACCEPTED,
        RuleBasis.YEARS_AFTER_CLOSED,
        6,
        "The receiving site or the Single Competent Authority keeps its own copy. Six years after the "
        "referral was withdrawn or referred on follows the Limitation Act 1980 (six years for most claims). "
        "A judgement for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.DECIDED_CASE: Rule(
        RecordType.DECIDED_CASE,
        RuleBasis.BIRTHDAY,
        25,
        "Children's social care records other than those of looked-after children are commonly kept until "
        "the 25th birthday (local authority retention guidelines): the Limitation Act 1980 s28 runs time "
        "from the 18th birthday, so a claim about the case can be brought until about 24. Not set by law: "
        "for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.SEXUAL_EXPLOITATION_CASE: Rule(
        RecordType.SEXUAL_EXPLOITATION_CASE,
        RuleBasis.BIRTHDAY,
        75,
        "The Independent Inquiry into Child Sexual Abuse (final report, 2022) recommended that records of "
        "known or alleged child sexual abuse be kept for 75 years. Not yet law: applying it as the 75th "
        "birthday is our judgement, for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.LOOKED_AFTER_CASE: Rule(
        RecordType.LOOKED_AFTER_CASE,
        RuleBasis.BIRTHDAY,
        75,
        "A looked-after child's case record is kept until the 75th anniversary of birth (Care Planning, "
        "Placement and Case Review (England) Regulations 2010, regulation 50; Children Act 1989). Sites in "
        "Wales, Scotland and Northern Ireland must check their own regulations.",
        False,
    ),
    RecordType.DOCUMENTS: Rule(
        RecordType.DOCUMENTS,
        RuleBasis.YEARS_AFTER_CLOSED,
        6,
        "Uploaded evidence is deleted before the decision record: the decision keeps its reasons. Six years "
        "after closure follows the Limitation Act 1980. A judgement for the site's data protection officer to "
        "confirm. A looked-after child's documents follow the case (75th birthday).",
        True,
    ),
    RecordType.INFORMATION_ANSWERS: Rule(
        RecordType.INFORMATION_ANSWERS,
        RuleBasis.YEARS_AFTER_CLOSED,
        6,
        "Each agency keeps its own record of what it shared (Working Together to Safeguard Children 2023: "
        "record what was shared, with whom and why; the request's lawful basis and dates stay). Six years "
        "after closure is a judgement for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.LETTERS: Rule(
        RecordType.LETTERS,
        RuleBasis.BIRTHDAY,
        25,
        "What the child and the referrer were told stays as long as the decided case (25th birthday; "
        "Limitation Act 1980 s28). A judgement for the site's data protection officer to confirm.",
        True,
    ),
    RecordType.AUDIT_EVENTS: Rule(
        RecordType.AUDIT_EVENTS,
        RuleBasis.KEPT,
        0,
        "Kept. Audit events hold record ids, field names and who acted, never a child's details; they show "
        "the service is accountable (UK GDPR Article 5(2)) and are hash-chained, so removing any would "
        "break the proof that none was changed. Anonymisation itself is recorded there.",
        False,
    ),
}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none: the day after 28 February
        return day.replace(year=day.year + years, month=3, day=1)


def due_on(rule: Rule, *, date_of_birth: date | None, closed_on: date | None) -> date | None:
    """The day the record falls due, or None if it never does (kept; open case; no date of birth)."""
    if rule.basis == RuleBasis.KEPT or closed_on is None:
        return None
    if rule.basis == RuleBasis.YEARS_AFTER_CLOSED:
        return add_years(closed_on, rule.years)
    if date_of_birth is None:
        return None
    # Never before the case closed, whatever the birthday.
    return max(add_years(date_of_birth, rule.years), closed_on)
