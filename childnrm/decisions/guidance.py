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

What a decision records (the version's code, and the test in the English words of its guidance) stays English: it is
what was applied, and the record sent on is read in English. Pages and letters say the title and the test in the
reader's language (`title_shown`, `test_shown`, ADR 0023): in Welsh the Welsh rendering, with the English wording
quoted beside it (marked lang="en") wherever the record quotes the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

from childnrm.accounts import nations
from childnrm.accounts.models import Nation
from childnrm.decisions.models import Stage
from childnrm.kit.dates import day_and_month, long_date

# The tests' wording. Each is also a message (the English is the msgid), so that a page or letter can say the test
# in its reader's language; the decision keeps the English.
_RG_GENERAL = gettext_noop(
    "whether there are reasonable grounds to believe, based on all available general and specific evidence but "
    "falling short of conclusive proof, that the person is %(victim)s"
)
_RG_OBJECTIVE = gettext_noop(
    "whether there are reasonable grounds to believe, based on objective factors but falling short of conclusive "
    "proof, that the person is %(victim)s: the decision maker must have objective evidence that "
    "supports the account"
)
_CG_BALANCE = gettext_noop(
    "whether, on the balance of probabilities, there is sufficient information to decide that the person is %(victim)s"
)
# Whom each nation's tests are about (accounts.nations' `victim_of`, in the same English words: a test fails if they
# drift apart), as messages. Translators: the Welsh follows "fod y person" / "bod y person", so it carries its own
# "yn" and mutation ("yn ddioddefwr ...").
VICTIM_WORDS = (
    gettext_noop("a victim of modern slavery"),
    gettext_noop(
        "a victim of human trafficking or of slavery, servitude or forced or compulsory labour, as sections 1 and 4 "
        "of the Human Trafficking and Exploitation (Scotland) Act 2015 define them"
    ),
    gettext_noop(
        "a victim of human trafficking or of slavery, servitude or forced or compulsory labour, as sections 1 and 2 "
        "of the Human Trafficking and Exploitation (Criminal Justice and Support for Victims) Act (Northern "
        "Ireland) 2015 define them"
    ),
)
_ENGLISH_VICTIM = nations.rules(Nation.ENGLAND).victim_of
RG_GENERAL_EVIDENCE = _RG_GENERAL % {"victim": _ENGLISH_VICTIM}
RG_OBJECTIVE_EVIDENCE = _RG_OBJECTIVE % {"victim": _ENGLISH_VICTIM}
CG_BALANCE_OF_PROBABILITIES = _CG_BALANCE % {"victim": _ENGLISH_VICTIM}

# The versions' titles as messages: the placeholders are the version's dates, written by kit.dates in the reader's
# language. England and Wales's titles name the statutory guidance; the other nations' name their guidance.
_TITLE_BEFORE = gettext_noop("Modern Slavery Statutory Guidance for England and Wales (before %(next)s)")
_TITLE_OBJECTIVE = gettext_noop("Modern Slavery Statutory Guidance, %(start)s to %(end)s (objective evidence required)")
_TITLE_FROM = gettext_noop("Modern Slavery Statutory Guidance from %(from)s")
_NAMED_BEFORE = gettext_noop("%(guidance)s (before %(next)s)")
_NAMED_OBJECTIVE = gettext_noop("%(guidance)s, %(start)s to %(end)s (objective evidence required)")
_NAMED_FROM = gettext_noop("%(guidance)s, from %(from)s")
_NAMED_TITLES = (_NAMED_BEFORE, _NAMED_OBJECTIVE, _NAMED_FROM)


@dataclass(frozen=True)
class GuidanceVersion:
    code: str
    title: str  # in English, as decisions record and export it
    in_force_from: date
    in_force_until: date | None  # the last day, or None while current
    tests: dict[str, str]
    # The title as a message with the version's dates as placeholders, and the guidance it names (other nations).
    title_message: str = ""
    guidance: str | Promise = ""

    def test_for(self, stage: str) -> str:
        return self.tests[stage]

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def title_shown(self) -> str:
        """The title in the active language (in English, the title as recorded)."""
        if not self.title_message:
            return self.title
        until = self.in_force_until
        values = {
            "guidance": str(self.guidance),
            "from": long_date(self.in_force_from),
            "start": day_and_month(self.in_force_from),
            "end": long_date(until),
            "next": long_date(until + timedelta(days=1)) if until else "",
        }
        return gettext(self.title_message) % values


def _tests(template: str, victim: str) -> dict[str, str]:
    return {
        Stage.REASONABLE_GROUNDS: template % {"victim": victim},
        Stage.CONCLUSIVE_GROUNDS: _CG_BALANCE % {"victim": victim},
    }


def _versions(
    prefix: str, guidance: str | Promise, victim: str, *, titles: tuple[str, str, str]
) -> tuple[GuidanceVersion, ...]:
    named = str(guidance)
    # England and Wales's titles are their own; the other nations' name their guidance.
    messages = (_TITLE_BEFORE, _TITLE_OBJECTIVE, _TITLE_FROM) if any(titles) else _NAMED_TITLES
    return (
        GuidanceVersion(
            code=f"{prefix}-2021",
            title=titles[0] or f"{named} (before 30 January 2023)",
            in_force_from=date(1900, 1, 1),
            in_force_until=date(2023, 1, 29),
            tests=_tests(_RG_GENERAL, victim),
            title_message=messages[0],
            guidance=guidance,
        ),
        GuidanceVersion(
            code=f"{prefix}-2023-01",
            title=titles[1] or f"{named}, 30 January to 9 July 2023 (objective evidence required)",
            in_force_from=date(2023, 1, 30),
            in_force_until=date(2023, 7, 9),
            tests=_tests(_RG_OBJECTIVE, victim),
            title_message=messages[1],
            guidance=guidance,
        ),
        GuidanceVersion(
            code=f"{prefix}-2023-07",
            title=titles[2] or f"{named}, from 10 July 2023",
            in_force_from=date(2023, 7, 10),
            in_force_until=None,
            tests=_tests(_RG_GENERAL, victim),
            title_message=messages[2],
            guidance=guidance,
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
    Nation.SCOTLAND: _versions("sct", _SCOTLAND.guidance, _SCOTLAND.victim_of, titles=("", "", "")),
    Nation.NORTHERN_IRELAND: _versions(
        "ni", _NORTHERN_IRELAND.guidance, _NORTHERN_IRELAND.victim_of, titles=("", "", "")
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
    """The title as recorded (English), for the decision record's exports."""
    version = BY_CODE.get(code)
    return version.title if version else code


def title_shown(code: str) -> str:
    """The title in the reader's language, for pages and letters (an unknown code as it is)."""
    version = BY_CODE.get(code)
    return version.title_shown() if version else code


# Every test a version words, in English as decisions record it -> its message and whom it is about.
_TEST_MESSAGES: dict[str, tuple[str, str]] = {
    template % {"victim": victim}: (template, victim)
    for template in (_RG_GENERAL, _RG_OBJECTIVE, _CG_BALANCE)
    for victim in VICTIM_WORDS
}


def test_shown(test_applied: str | None) -> str:
    """The test a decision applied, in the reader's language: the recorded English itself in English, or when it is
    not a wording the guidance versions hold (shown as recorded)."""
    text = (test_applied or "").strip()
    found = _TEST_MESSAGES.get(text)
    if found is None or translation.get_language() == "en-gb":
        return text
    template, victim = found
    return gettext(template) % {"victim": gettext(victim)}


def test_translated(test_applied: str | None) -> bool:
    """Whether `test_shown` says the test in words other than those recorded (then the record quotes the English)."""
    return test_shown(test_applied) != (test_applied or "").strip()
