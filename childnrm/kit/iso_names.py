"""Country and language names from pycountry's ISO lists, in the page's language.

pycountry ships the ISO names in Welsh (its iso3166-1 and iso639-3 catalogues), so any page can name a
nationality or language in its reader's language without a catalogue of our own. Records, imports, the API and
statistics keep the English names; these are for what a person reads.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Callable
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _catalogue(domain: str, language: str) -> Callable[[str], str]:
    return gettext_module.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True).gettext


def iso_names(domain: str) -> Callable[[str], str]:
    """The translator of pycountry's `domain` ("iso3166-1", "iso639-3") for the page's language."""
    return _catalogue(domain, "cy") if (get_language() or "").startswith("cy") else str


def country_shown(code: str) -> str:
    """A country (nationality) by its ISO 3166 alpha-2 code, named in the page's language; unknown codes as given."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    return iso_names("iso3166-1")(getattr(country, "common_name", country.name))
