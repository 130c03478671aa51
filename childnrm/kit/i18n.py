"""English and Welsh (ADR 0023): the languages, which one a letter is written in, and switching for a while.

Pages are in the language of the request (set by the middleware: the user's choice, else their site's default).
Letters are not: a letter is in the language of the person it is written to, so the letters app writes each in
`translation.override(...)`, and a bilingual letter twice, Welsh first, as Welsh public bodies send them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ENGLISH = "en-gb"
WELSH = "cy"
# As each language names itself (the language switch shows them so, whatever the page's language).
NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}


class Language(models.TextChoices):
    """A language the service speaks: a user's choice, a site's default."""

    ENGLISH = ENGLISH, "English"
    WELSH = WELSH, "Cymraeg"


class LetterLanguage(models.TextChoices):
    """The language a person's letters are written in. Bilingual letters are Welsh first, then English."""

    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    BILINGUAL = "cy+en", _("Welsh and English (bilingual)")


# A letter's language as the languages it is written in, in the order they appear.
LETTER_LANGUAGES = {
    LetterLanguage.ENGLISH: (ENGLISH,),
    LetterLanguage.WELSH: (WELSH,),
    LetterLanguage.BILINGUAL: (WELSH, ENGLISH),
}


def supported(code: str | None) -> str | None:
    """`code` as one of our languages ('cy', 'en-gb'), or None when it is not one of them."""
    if not code:
        return None
    code = code.lower()
    if code == WELSH or code.startswith(WELSH + "-"):
        return WELSH
    if code == "en" or code.startswith("en-"):
        return ENGLISH
    return None


def is_welsh() -> bool:
    return translation.get_language() == WELSH


@contextmanager
def language(code: str) -> Iterator[None]:
    """Everything inside is written in `code` (a letter, an email), whatever the page's language."""
    with translation.override(code):
        yield
