"""The rules on a referral's answers, stated once for every way an answer is given.

The web journey's question pages (`forms.ChildForm`, `forms.LocationForm`, `forms.ExploitationForm`), the API
(`api.schemas`), the check before a referral is submitted (`services.missing_answers`, which every submission
passes: the pages', the API's and the Home Office form's) and the coordinator's correction of the facts at triage
(`triage.forms.FactsForm`, `triage.services`) all refuse the same answers by asking `problems`. Each channel shows a
problem against its own field and in its own way: the pages say `Rule.says`, in the reader's language; the API
answers in English in its own field names, keyed by the rule (ADR 0023); the check before submitting names what is
missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import EARLIEST_YEAR
from childnrm.referrals.models import ReferralSource
from childnrm.referrals.vocab import ExploitationType

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True, eq=False)  # each rule is itself (a key of the API's words), whatever the language
class Rule:
    field: str  # the referral's answer the problem is shown against
    says: _StrPromise  # what the pages say, in the reader's language


EARLIEST_BIRTH_YEAR = EARLIEST_YEAR  # an earlier date of birth is a mistyped year, as the date boxes say of any date
OLDEST_ESTIMATED_AGE = 25


def _age_too_high() -> str:
    return gettext("Estimated age must be %(oldest)s or less") % {"oldest": OLDEST_ESTIMATED_AGE}


# One answer on its own.
BORN_TODAY_OR_LATER = Rule("date_of_birth", _("Date of birth must be in the past"))  # a child referred is born
BORN_TOO_EARLY = Rule("date_of_birth", _("Date of birth must be a real date"))  # as the date boxes say of it
AGE_BELOW_ZERO = Rule("estimated_age_years", _("Estimated age must be 0 or more"))
AGE_TOO_HIGH = Rule("estimated_age_years", cast("_StrPromise", lazy(_age_too_high, str)()))  # its bound in words
# What a complete referral must have.
NO_AGE = Rule("date_of_birth", _("Enter the child's date of birth, or how old you think they are"))
NO_PLACE = Rule(
    "residence_local_authority", _("Select the local authority where the child lives, or where they were found")
)
# Two answers together.
AGE_WITH_DATE_OF_BIRTH = Rule("estimated_age_years", _("Leave the estimated age blank if you know the date of birth"))
ESTIMATE_WITHOUT_DATE = Rule("date_of_birth", _("Enter the estimated date of birth, or untick ‘estimate’"))
COUNTY_LINES_WITHOUT_CRIMINAL = Rule("county_lines", _("County lines can only be selected with criminal exploitation"))
NOT_KNOWN_BESIDE_A_TYPE = Rule(
    "exploitation_types", _("Select Not known only if you do not know any type of exploitation")
)
ENDED_BEFORE_STARTED = Rule(
    "exploitation_ended", _("The date the exploitation ended must be the same as or after the date it started")
)


def date_of_birth_problem(born: date) -> Rule | None:
    """The rule a date of birth breaks on its own, if any: born before today, and not before `EARLIEST_BIRTH_YEAR`."""
    if born >= timezone.localdate():
        return BORN_TODAY_OR_LATER
    if born.year < EARLIEST_BIRTH_YEAR:
        return BORN_TOO_EARLY
    return None


def estimated_age_problem(years: int) -> Rule | None:
    """The rule an estimated age breaks on its own, if any: from 0 to `OLDEST_ESTIMATED_AGE` years."""
    if years < 0:
        return AGE_BELOW_ZERO
    if years > OLDEST_ESTIMATED_AGE:
        return AGE_TOO_HIGH
    return None


def _given(answers: Mapping[str, Any], name: str) -> bool:
    return answers.get(name) not in (None, "")


def _neither(answers: Mapping[str, Any], one: str, other: str) -> bool:
    """Both answers asked (neither left out) and neither given."""
    asked = one in answers and other in answers
    return asked and not _given(answers, one) and not _given(answers, other)


def problems(answers: Mapping[str, Any], *, complete: bool = True) -> dict[str, Rule]:
    """The rules the answers break, keyed by the referral's field each is shown against (the first rule broken
    for that field, in the order above).

    `answers` are keyed by the referral's field names, each as the record holds it (a local authority as itself,
    its id or its GSS code). An answer given as None or "" is not given. An answer left out is not asked (a section
    that does not ask it, or an answer with a problem of its own): no rule needing it applies, though one on
    another answer may take it as not given. `exploitation_types` left out (None) is not asked; an empty list is
    "none selected". A date or number still in the form it was sent (API text) is not checked on its own here.
    `complete=False` (answers saved to come back to later) leaves out what a complete referral must have.
    """
    broken: list[Rule] = []
    born, age = answers.get("date_of_birth"), answers.get("estimated_age_years")
    if isinstance(born, date) and (rule := date_of_birth_problem(born)):
        broken.append(rule)
    if isinstance(age, int) and not isinstance(age, bool) and (rule := estimated_age_problem(age)):
        broken.append(rule)
    if complete:
        # The Home Office form lets a first responder leave the date of birth out (it is often not known): such a
        # referral is taken, and the eligibility rules send it to the SCA with that reason (ADR 0007).
        age_optional = answers.get("source") == ReferralSource.HOME_OFFICE_FORM
        if _neither(answers, "date_of_birth", "estimated_age_years") and not age_optional:
            broken.append(NO_AGE)
        if _neither(answers, "residence_local_authority", "found_local_authority"):
            broken.append(NO_PLACE)  # triage and routing need one of the two
    if _given(answers, "date_of_birth") and _given(answers, "estimated_age_years"):
        broken.append(AGE_WITH_DATE_OF_BIRTH)  # one or the other: an estimate is a date of birth marked as such
    if answers.get("date_of_birth_estimated") and not _given(answers, "date_of_birth"):
        broken.append(ESTIMATE_WITHOUT_DATE)  # "estimate" qualifies a date
    types: Sequence[Any] | None = answers.get("exploitation_types")
    if types is not None:
        if answers.get("county_lines") and ExploitationType.CRIMINAL not in types:
            broken.append(COUNTY_LINES_WITHOUT_CRIMINAL)  # county lines is a kind of criminal exploitation
        if ExploitationType.NOT_KNOWN in types and any(t != ExploitationType.NOT_KNOWN for t in types):
            broken.append(NOT_KNOWN_BESIDE_A_TYPE)
    started, ended = answers.get("exploitation_started"), answers.get("exploitation_ended")
    if started and ended and ended < started:
        broken.append(ENDED_BEFORE_STARTED)
    found: dict[str, Rule] = {}
    for rule in broken:
        found.setdefault(rule.field, rule)
    return found
