"""The versions of the guidance whose tests a panel applies, and the wording of each test.

The reasonable grounds test has changed over time: from 30 January 2023 the statutory guidance
(following the Nationality and Borders Act 2022) required objective evidence, and from 10 July 2023
the earlier wording returned. A decision records the version in force on its date and the wording
it applied, so decisions stay comparable across panels and over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from childnrm.decisions.models import Stage

RG_GENERAL_EVIDENCE = (
    "whether there are reasonable grounds to believe, based on all available general and specific evidence but "
    "falling short of conclusive proof, that the person is a victim of modern slavery"
)
RG_OBJECTIVE_EVIDENCE = (
    "whether there are reasonable grounds to believe, based on objective factors but falling short of conclusive "
    "proof, that the person is a victim of modern slavery: the decision maker must have objective evidence that "
    "supports the account"
)
CG_BALANCE_OF_PROBABILITIES = (
    "whether, on the balance of probabilities, there is sufficient information to decide that the person is a "
    "victim of modern slavery"
)


@dataclass(frozen=True)
class GuidanceVersion:
    code: str
    title: str
    in_force_from: date
    in_force_until: date | None  # the last day, or None while current
    tests: dict[str, str]

    def test_for(self, stage: str) -> str:
        return self.tests[stage]

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)


VERSIONS: tuple[GuidanceVersion, ...] = (
    GuidanceVersion(
        code="sg-2021",
        title="Modern Slavery Statutory Guidance for England and Wales (before 30 January 2023)",
        in_force_from=date(1900, 1, 1),
        in_force_until=date(2023, 1, 29),
        tests={Stage.REASONABLE_GROUNDS: RG_GENERAL_EVIDENCE, Stage.CONCLUSIVE_GROUNDS: CG_BALANCE_OF_PROBABILITIES},
    ),
    GuidanceVersion(
        code="sg-2023-01",
        title="Modern Slavery Statutory Guidance, 30 January to 9 July 2023 (objective evidence required)",
        in_force_from=date(2023, 1, 30),
        in_force_until=date(2023, 7, 9),
        tests={Stage.REASONABLE_GROUNDS: RG_OBJECTIVE_EVIDENCE, Stage.CONCLUSIVE_GROUNDS: CG_BALANCE_OF_PROBABILITIES},
    ),
    GuidanceVersion(
        code="sg-2023-07",
        title="Modern Slavery Statutory Guidance from 10 July 2023",
        in_force_from=date(2023, 7, 10),
        in_force_until=None,
        tests={Stage.REASONABLE_GROUNDS: RG_GENERAL_EVIDENCE, Stage.CONCLUSIVE_GROUNDS: CG_BALANCE_OF_PROBABILITIES},
    ),
)
BY_CODE = {v.code: v for v in VERSIONS}
CURRENT = VERSIONS[-1]


def version_on(day: date) -> GuidanceVersion:
    """The guidance in force on `day`."""
    for version in reversed(VERSIONS):
        if version.in_force_on(day):
            return version
    return VERSIONS[0]


def version_title(code: str) -> str:
    version = BY_CODE.get(code)
    return version.title if version else code
