"""The versions of the guidance whose tests a panel applies, and the wording of each test, in each nation.

The reasonable grounds test has changed over time: from 30 January 2023 the statutory guidance
(following the Nationality and Borders Act 2022) required objective evidence, and from 10 July 2023
the earlier wording returned. A decision records the version in force on its date and the wording
it applied, so decisions stay comparable across panels and over time.

The nation of the decision's site decides which guidance and whose law (accounts.nations): England and Wales
apply the statutory guidance under the Modern Slavery Act 2015; Scotland and Northern Ireland the Home Office's
non-statutory guidance for them, read with their own Acts, so their tests are worded in those Acts' terms. Their
versions follow the same dates (the Home Office guidance changed for decisions across the UK); what is uncertain
about that is said on the decision pages (NationRules.guidance_help).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from childnrm.accounts import nations
from childnrm.accounts.models import Nation
from childnrm.decisions.models import Stage

_RG_GENERAL = (
    "whether there are reasonable grounds to believe, based on all available general and specific evidence but "
    "falling short of conclusive proof, that the person is {victim}"
)
_RG_OBJECTIVE = (
    "whether there are reasonable grounds to believe, based on objective factors but falling short of conclusive "
    "proof, that the person is {victim}: the decision maker must have objective evidence that "
    "supports the account"
)
_CG_BALANCE = (
    "whether, on the balance of probabilities, there is sufficient information to decide that the person is {victim}"
)
_ENGLISH_VICTIM = nations.rules(Nation.ENGLAND).victim_of
RG_GENERAL_EVIDENCE = _RG_GENERAL.format(victim=_ENGLISH_VICTIM)
RG_OBJECTIVE_EVIDENCE = _RG_OBJECTIVE.format(victim=_ENGLISH_VICTIM)
CG_BALANCE_OF_PROBABILITIES = _CG_BALANCE.format(victim=_ENGLISH_VICTIM)


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


def _tests(template: str, victim: str) -> dict[str, str]:
    return {
        Stage.REASONABLE_GROUNDS: template.format(victim=victim),
        Stage.CONCLUSIVE_GROUNDS: _CG_BALANCE.format(victim=victim),
    }


def _versions(prefix: str, guidance: str, victim: str, *, titles: tuple[str, str, str]) -> tuple[GuidanceVersion, ...]:
    return (
        GuidanceVersion(
            code=f"{prefix}-2021",
            title=titles[0] or f"{guidance} (before 30 January 2023)",
            in_force_from=date(1900, 1, 1),
            in_force_until=date(2023, 1, 29),
            tests=_tests(_RG_GENERAL, victim),
        ),
        GuidanceVersion(
            code=f"{prefix}-2023-01",
            title=titles[1] or f"{guidance}, 30 January to 9 July 2023 (objective evidence required)",
            in_force_from=date(2023, 1, 30),
            in_force_until=date(2023, 7, 9),
            tests=_tests(_RG_OBJECTIVE, victim),
        ),
        GuidanceVersion(
            code=f"{prefix}-2023-07",
            title=titles[2] or f"{guidance}, from 10 July 2023",
            in_force_from=date(2023, 7, 10),
            in_force_until=None,
            tests=_tests(_RG_GENERAL, victim),
        ),
    )


# England and Wales: the codes and titles decisions have recorded since before issue 13.
VERSIONS: tuple[GuidanceVersion, ...] = _versions(
    "sg",
    "",
    _ENGLISH_VICTIM,
    titles=(
        "Modern Slavery Statutory Guidance for England and Wales (before 30 January 2023)",
        "Modern Slavery Statutory Guidance, 30 January to 9 July 2023 (objective evidence required)",
        "Modern Slavery Statutory Guidance from 10 July 2023",
    ),
)
_SCOTLAND = nations.rules(Nation.SCOTLAND)
_NORTHERN_IRELAND = nations.rules(Nation.NORTHERN_IRELAND)
NATION_VERSIONS: dict[str, tuple[GuidanceVersion, ...]] = {
    Nation.ENGLAND: VERSIONS,
    Nation.WALES: VERSIONS,
    Nation.SCOTLAND: _versions("sct", str(_SCOTLAND.guidance), _SCOTLAND.victim_of, titles=("", "", "")),
    Nation.NORTHERN_IRELAND: _versions(
        "ni", str(_NORTHERN_IRELAND.guidance), _NORTHERN_IRELAND.victim_of, titles=("", "", "")
    ),
}
BY_CODE = {v.code: v for versions in NATION_VERSIONS.values() for v in versions}
CURRENT = VERSIONS[-1]


def versions_for(nation: str | None) -> tuple[GuidanceVersion, ...]:
    return NATION_VERSIONS.get(nation or Nation.ENGLAND, VERSIONS)


def version_on(day: date, nation: str | None = Nation.ENGLAND) -> GuidanceVersion:
    """The guidance in force on `day` in `nation` (the decision's site's)."""
    versions = versions_for(nation)
    for version in reversed(versions):
        if version.in_force_on(day):
            return version
    return versions[0]


def version_title(code: str) -> str:
    version = BY_CODE.get(code)
    return version.title if version else code
