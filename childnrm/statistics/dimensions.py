"""The categories statistics are counted in: quarters, and the Home Office's published groupings.

The Home Office's NRM tables (../shared/data/nrm-statistics) count referrals by quarter, age at exploitation,
gender, nationality, exploitation type (single types and combinations such as "Sexual & Criminal"), location
of exploitation and first-responder type. Our records hold codes; these functions turn them into the labels of
those tables, plus the groupings the equality monitoring needs (ONS 2021 ethnic groups, age bands).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from childnrm.accounts.models import OrganisationType
from childnrm.people.models import Sex
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, country_name

NOT_KNOWN = "Not specified or unknown"  # the Home Office's words for a missing answer


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, as the Home Office publishes them: "2026 Q3" is July to September 2026."""

    year: int
    number: int

    _PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = cls._PATTERN.match(text or "")
        if match is None:
            raise ValueError(f"A quarter is written like 2026Q3, not {text!r}.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self) -> str:
        return self.label


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last`, both included (none when `last` is before `first`)."""
    result = []
    quarter = first
    while quarter <= last:
        result.append(quarter)
        quarter = quarter.next()
    return result


# Gender, as the Home Office heads the column; our referral records the child's sex.
GENDER_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.NOT_KNOWN: NOT_KNOWN, "": NOT_KNOWN}
GENDERS = ["Female", "Male", NOT_KNOWN]


def gender_label(sex: str) -> str:
    return GENDER_LABELS.get(sex, NOT_KNOWN)


# Age at referral, in bands wide enough to count (the published tables only split child and adult).
AGE_BANDS = ["Under 12", "12 to 13", "14 to 15", "16 to 17", "18 or over", NOT_KNOWN]


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return NOT_KNOWN
    if age < 12:
        return "Under 12"
    if age < 14:
        return "12 to 13"
    if age < 16:
        return "14 to 15"
    if age < 18:
        return "16 to 17"
    return "18 or over"


# Age at exploitation, in the Home Office's groups: the published child figures are those exploited as children.
CHILD = "Child (17 or under)"
ADULT = "Adult (18 or over)"
AGES_AT_EXPLOITATION = [CHILD, ADULT, NOT_KNOWN]


def exploited_as(age_at_exploitation: int | None, age_at_referral: int | None) -> str:
    """Child, adult or not known at exploitation: the age the referral records for when the exploitation started,
    or, where none is recorded, a child when under 18 at referral (the exploitation began before the referral, so
    they were a child then). Without either the age is not known: the Home Office counts those apart from
    children, and so do the child tables."""
    if age_at_exploitation is not None and age_at_exploitation >= 0:
        return CHILD if age_at_exploitation < 18 else ADULT
    if age_at_referral is not None and 0 <= age_at_referral < 18:
        return CHILD
    return NOT_KNOWN


# The county lines flag a referral of criminal exploitation may carry.
COUNTY_LINES = "Flagged as county lines"
NOT_COUNTY_LINES = "Not flagged as county lines"
COUNTY_LINES_FLAGS = [COUNTY_LINES, NOT_COUNTY_LINES]


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ONS 2021 ethnic groups at their top level (the detailed codes are referrals.vocab.ONS_2021_ETHNICITY): the
# detail would leave almost every cell suppressed at a site's scale.
ETHNIC_GROUPS = ["Asian", "Black", "Mixed", "White", "Other", NOT_KNOWN]
_ETHNIC_PREFIX = {"asian": "Asian", "black": "Black", "mixed": "Mixed", "white": "White", "other": "Other"}


def ethnic_group(code: str) -> str:
    """The top-level ONS group of a referral's ethnicity code ("not known", "prefer not to say" and blank: not
    known)."""
    return _ETHNIC_PREFIX.get((code or "").split("_", 1)[0], NOT_KNOWN)


def ethnicity_codes_of(group: str) -> list[str]:
    """The detailed codes in a top-level group (for filtering in the database)."""
    from childnrm.referrals.vocab import ONS_2021_ETHNICITY

    return [code for code, _ in ONS_2021_ETHNICITY if ethnic_group(code) == group]


def nationality_label(codes: list[str] | None) -> str:
    """The first nationality recorded, by country name (the published tables name one nationality)."""
    if not codes:
        return NOT_KNOWN
    return country_name(codes[0])


def nationality_group(codes: list[str] | None) -> str:
    """UK, another nationality, or not known: a grouping coarse enough for the consistency model."""
    if not codes:
        return NOT_KNOWN
    return "UK national" if codes[0] == "GB" else "Other nationality"


# Exploitation types in the Home Office's words and order: a combination of two is written "Sexual & Criminal",
# of more with commas and a last "&", "Sexual, Labour & Criminal" (as nrm_referrals_*_2023_q4.csv write them).
_EXPLOITATION_WORDS = {
    ExploitationType.SEXUAL: "Sexual",
    ExploitationType.LABOUR: "Labour",
    ExploitationType.DOMESTIC_SERVITUDE: "Domestic",
    ExploitationType.CRIMINAL: "Criminal",
    ExploitationType.ORGAN_HARVESTING: "Organ Harvesting",
    ExploitationType.OTHER: "Other",
}
_EXPLOITATION_ORDER = list(_EXPLOITATION_WORDS)
EXPLOITATION_WORDS = tuple(_EXPLOITATION_WORDS.values())


def exploitation_label(types: list[str] | None) -> str:
    """ "Criminal", "Sexual & Criminal", "Sexual, Labour & Criminal" or "Not specified or unknown", as the published
    tables write them."""
    known = sorted({t for t in (types or []) if t in _EXPLOITATION_WORDS}, key=lambda t: _EXPLOITATION_ORDER.index(t))
    if not known:
        return NOT_KNOWN
    names = [_EXPLOITATION_WORDS[t] for t in known]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} & {names[-1]}"


def exploitation_group(types: list[str] | None) -> str:
    """One type, or "Multiple types": coarse enough for the consistency model."""
    label = exploitation_label(types)
    return "Multiple types" if " & " in label else label


EXPLOITATION_FILTER_CHOICES = [(code, label) for code, label in ExploitationType.choices]

LOCATION_LABELS = {
    ExploitationLocation.UK: "UK",
    ExploitationLocation.OVERSEAS: "Overseas",
    ExploitationLocation.BOTH: "UK and Overseas",
}
LOCATIONS = ["UK", "Overseas", "UK and Overseas", NOT_KNOWN]


def location_label(code: str) -> str:
    return LOCATION_LABELS.get(code, NOT_KNOWN)


# First-responder types as the Home Office groups them.
FIRST_RESPONDER_LABELS = {
    OrganisationType.LOCAL_AUTHORITY: "Local Authority",
    OrganisationType.POLICE: "Police",
    OrganisationType.NGO: "NGO and third sector",
    OrganisationType.HOME_OFFICE: "Government agency",
}
FIRST_RESPONDER_TYPES = ["Local Authority", "Police", "Government agency", "NGO and third sector", "Other"]


def first_responder_label(organisation_type: str) -> str:
    return FIRST_RESPONDER_LABELS.get(organisation_type, "Other")


def organisation_types_of(first_responder_type: str) -> list[str]:
    """The organisation types counted under a first-responder type (for filtering in the database)."""
    return [value for value in OrganisationType.values if first_responder_label(value) == first_responder_type]
