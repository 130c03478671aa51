"""The referral's controlled vocabularies (codes stored; labels shown)."""

from __future__ import annotations

from functools import cache

import pycountry
from django.db import models


class ExploitationType(models.TextChoices):
    LABOUR = "labour", "Labour exploitation"
    SEXUAL = "sexual", "Sexual exploitation"
    CRIMINAL = "criminal", "Criminal exploitation"
    DOMESTIC_SERVITUDE = "domestic_servitude", "Domestic servitude"
    ORGAN_HARVESTING = "organ_harvesting", "Organ harvesting"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class ExploitationLocation(models.TextChoices):
    UK = "uk", "UK"
    OVERSEAS = "overseas", "Overseas"
    BOTH = "both", "UK and overseas"
    NOT_KNOWN = "not_known", "Not known"


# Indicators of trafficking or exploitation in children (a checklist drawn from the NRM child form).
class Indicator(models.TextChoices):
    GOING_MISSING = "going_missing", "Goes missing from home, care or school"
    UNEXPLAINED_MONEY = "unexplained_money", "Has money, phones or goods they cannot account for"
    FOUND_OUT_OF_AREA = "found_out_of_area", "Found far from home or in a place linked to drug supply"
    OLDER_ASSOCIATES = "older_associates", "Associates with older people or groups who control them"
    DEBT_BONDAGE = "debt_bondage", "Owes a debt to those controlling them"
    NO_DOCUMENTS = "no_documents", "Has no identity documents, or others hold them"
    RESTRICTED_MOVEMENT = "restricted_movement", "Movement or contact is restricted"
    PHYSICAL_INJURIES = "physical_injuries", "Has injuries or signs of abuse"
    SEXUAL_HEALTH = "sexual_health", "Sexual health concerns or pregnancy"
    WORKING_LONG_HOURS = "working_long_hours", "Works long hours, little or no pay"
    COACHED_ACCOUNT = "coached_account", "Account appears coached or rehearsed"
    FEAR_OF_AUTHORITIES = "fear_of_authorities", "Afraid of police or authorities"
    ARRESTED_FOR_OFFENCES = "arrested_for_offences", "Arrested for offences linked to exploitation"
    ONLINE_GROOMING = "online_grooming", "Groomed or controlled online"
    UNACCOMPANIED_ARRIVAL = "unaccompanied_arrival", "Arrived in the UK unaccompanied"


# ONS 2021 census ethnic groups (England and Wales); a site may configure its own list.
ONS_2021_ETHNICITY: list[tuple[str, str]] = [
    ("asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"),
    ("asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"),
    ("asian_indian", "Asian, Asian British or Asian Welsh: Indian"),
    ("asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"),
    ("asian_other", "Asian, Asian British or Asian Welsh: Any other Asian background"),
    ("black_african", "Black, Black British, Black Welsh, Caribbean or African: African"),
    ("black_caribbean", "Black, Black British, Black Welsh, Caribbean or African: Caribbean"),
    ("black_other", "Black, Black British, Black Welsh, Caribbean or African: Any other Black background"),
    ("mixed_white_asian", "Mixed or Multiple ethnic groups: White and Asian"),
    ("mixed_white_black_african", "Mixed or Multiple ethnic groups: White and Black African"),
    ("mixed_white_black_caribbean", "Mixed or Multiple ethnic groups: White and Black Caribbean"),
    ("mixed_other", "Mixed or Multiple ethnic groups: Any other Mixed or Multiple background"),
    ("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
    ("white_irish", "White: Irish"),
    ("white_gypsy_traveller", "White: Gypsy or Irish Traveller"),
    ("white_roma", "White: Roma"),
    ("white_other", "White: Any other White background"),
    ("other_arab", "Other ethnic group: Arab"),
    ("other_any", "Other ethnic group: Any other ethnic group"),
    ("not_known", "Not known"),
    ("not_stated", "Prefer not to say"),
]


@cache
def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes and common names, sorted by name."""
    return sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries), key=lambda x: x[1])


@cache
def languages() -> list[tuple[str, str]]:
    """ISO 639 languages that have a two-letter (639-1) code, plus three-letter codes for the rest."""
    result = []
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        if getattr(lang, "type", "L") == "L" and getattr(lang, "scope", "I") in ("I", "M"):
            result.append((code, lang.name))
    return sorted(result, key=lambda x: x[1])


def country_name(code: str) -> str:
    return dict(countries()).get(code, code)


def language_name(code: str) -> str:
    return dict(languages()).get(code, code)
