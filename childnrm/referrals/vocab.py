"""The referral's controlled vocabularies (codes stored; labels shown)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pycountry
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.kit.iso_names import country_shown as country_shown  # re-exported for the referral's pages
from childnrm.kit.iso_names import iso_names


class ExploitationType(models.TextChoices):
    LABOUR = "labour", _("Labour exploitation")
    SEXUAL = "sexual", _("Sexual exploitation")
    CRIMINAL = "criminal", _("Criminal exploitation")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    ORGAN_HARVESTING = "organ_harvesting", _("Organ harvesting")
    OTHER = "other", _("Other")
    NOT_KNOWN = "not_known", _("Not known")


class ExploitationLocation(models.TextChoices):
    UK = "uk", _("UK")
    OVERSEAS = "overseas", _("Overseas")
    BOTH = "both", _("UK and overseas")
    NOT_KNOWN = "not_known", _("Not known")


# The child's sex as the referral's pages word it: this app's own copy of people.Sex's labels, translated here
# (people's model keeps its English labels, which other apps and exports read).
SEX_LABELS = {"female": _("Female"), "male": _("Male"), "not_known": _("Not known")}


# Indicators of trafficking or exploitation in children (a checklist drawn from the NRM child form).
class Indicator(models.TextChoices):
    GOING_MISSING = "going_missing", _("Goes missing from home, care or school")
    UNEXPLAINED_MONEY = "unexplained_money", _("Has money, phones or goods they cannot account for")
    FOUND_OUT_OF_AREA = "found_out_of_area", _("Found far from home or in a place linked to drug supply")
    OLDER_ASSOCIATES = "older_associates", _("Associates with older people or groups who control them")
    DEBT_BONDAGE = "debt_bondage", _("Owes a debt to those controlling them")
    NO_DOCUMENTS = "no_documents", _("Has no identity documents, or others hold them")
    RESTRICTED_MOVEMENT = "restricted_movement", _("Movement or contact is restricted")
    PHYSICAL_INJURIES = "physical_injuries", _("Has injuries or signs of abuse")
    SEXUAL_HEALTH = "sexual_health", _("Sexual health concerns or pregnancy")
    WORKING_LONG_HOURS = "working_long_hours", _("Works long hours, little or no pay")
    COACHED_ACCOUNT = "coached_account", _("Account appears coached or rehearsed")
    FEAR_OF_AUTHORITIES = "fear_of_authorities", _("Afraid of police or authorities")
    ARRESTED_FOR_OFFENCES = "arrested_for_offences", _("Arrested for offences linked to exploitation")
    ONLINE_GROOMING = "online_grooming", _("Groomed or controlled online")
    UNACCOMPANIED_ARRIVAL = "unaccompanied_arrival", _("Arrived in the UK unaccompanied")


# ONS 2021 census ethnic groups (England and Wales); a site may configure its own list.
ONS_2021_ETHNICITY: list[tuple[str, str]] = [
    ("asian_bangladeshi", _("Asian, Asian British or Asian Welsh: Bangladeshi")),
    ("asian_chinese", _("Asian, Asian British or Asian Welsh: Chinese")),
    ("asian_indian", _("Asian, Asian British or Asian Welsh: Indian")),
    ("asian_pakistani", _("Asian, Asian British or Asian Welsh: Pakistani")),
    ("asian_other", _("Asian, Asian British or Asian Welsh: Any other Asian background")),
    ("black_african", _("Black, Black British, Black Welsh, Caribbean or African: African")),
    ("black_caribbean", _("Black, Black British, Black Welsh, Caribbean or African: Caribbean")),
    ("black_other", _("Black, Black British, Black Welsh, Caribbean or African: Any other Black background")),
    ("mixed_white_asian", _("Mixed or Multiple ethnic groups: White and Asian")),
    ("mixed_white_black_african", _("Mixed or Multiple ethnic groups: White and Black African")),
    ("mixed_white_black_caribbean", _("Mixed or Multiple ethnic groups: White and Black Caribbean")),
    ("mixed_other", _("Mixed or Multiple ethnic groups: Any other Mixed or Multiple background")),
    ("white_british", _("White: English, Welsh, Scottish, Northern Irish or British")),
    ("white_irish", _("White: Irish")),
    ("white_gypsy_traveller", _("White: Gypsy or Irish Traveller")),
    ("white_roma", _("White: Roma")),
    ("white_other", _("White: Any other White background")),
    ("other_arab", _("Other ethnic group: Arab")),
    ("other_any", _("Other ethnic group: Any other ethnic group")),
    ("not_known", _("Not known")),
    ("not_stated", _("Prefer not to say")),
]


@cache
def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes and common names, sorted by name."""
    return _countries(str)


@cache
def languages() -> list[tuple[str, str]]:
    """ISO 639 languages that have a two-letter (639-1) code, plus three-letter codes for the rest."""
    return _languages(str)


# The same lists in the page's language, for the referral's own pages: pycountry ships the ISO names in
# Welsh (its iso3166-1 and iso639-3 catalogues). The English lists above stay for imports, the API, statistics
# and records, which match or publish the English names.
def countries_shown() -> list[tuple[str, str]]:
    return _countries(iso_names("iso3166-1"))


def languages_shown() -> list[tuple[str, str]]:
    return _languages(iso_names("iso639-3"))


def language_shown(code: str) -> str:
    return dict(languages_shown()).get(code, code)


@cache
def _countries(name: Callable[[str], str]) -> list[tuple[str, str]]:
    found = ((c.alpha_2, name(getattr(c, "common_name", c.name))) for c in pycountry.countries)
    return sorted(found, key=lambda x: x[1])


@cache
def _languages(name: Callable[[str], str]) -> list[tuple[str, str]]:
    result = []
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        if getattr(lang, "type", "L") == "L" and getattr(lang, "scope", "I") in ("I", "M"):
            result.append((code, name(lang.name)))
    return sorted(result, key=lambda x: x[1])


def country_name(code: str) -> str:
    return dict(countries()).get(code, code)


def language_name(code: str) -> str:
    return dict(languages()).get(code, code)
