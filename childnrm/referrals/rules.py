"""The rules on how a referral's answers go together, stated once for every way an answer is given.

The web journey's question pages (`forms.ChildForm`, `forms.ExploitationForm`), the API (`api.schemas`) and the
coordinator's correction of the facts at triage (`triage.forms.FactsForm`, `triage.services`) all refuse the same
combinations by asking `problems`. Each channel shows a problem against its own field and in its own way: the pages
say `Rule.says`, in the reader's language; the API answers in English in its own field names, keyed by the rule
(ADR 0023).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from childnrm.referrals.vocab import ExploitationType

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True, eq=False)  # each rule is itself (a key of the API's words), whatever the language
class Rule:
    field: str  # the referral's answer the problem is shown against
    says: _StrPromise  # what the pages say, in the reader's language


AGE_WITH_DATE_OF_BIRTH = Rule("estimated_age_years", _("Leave the estimated age blank if you know the date of birth"))
ESTIMATE_WITHOUT_DATE = Rule("date_of_birth", _("Enter the estimated date of birth, or untick ‘estimate’"))
COUNTY_LINES_WITHOUT_CRIMINAL = Rule("county_lines", _("County lines can only be selected with criminal exploitation"))
NOT_KNOWN_BESIDE_A_TYPE = Rule(
    "exploitation_types", _("Select Not known only if you do not know any type of exploitation")
)
ENDED_BEFORE_STARTED = Rule(
    "exploitation_ended", _("The date the exploitation ended must be the same as or after the date it started")
)


def _given(answers: Mapping[str, Any], name: str) -> bool:
    return answers.get(name) not in (None, "")


def problems(answers: Mapping[str, Any]) -> dict[str, Rule]:
    """The rules the answers break, keyed by the referral's field each is shown against.

    `answers` are keyed by the referral's field names, each as the record holds it; an answer left out is not
    given. `exploitation_types` left out (None) is not asked, so no rule about it applies; an empty list is
    "none selected".
    """
    broken: list[Rule] = []
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
    return {rule.field: rule for rule in broken}
