"""English and Welsh (ADR 0023): the languages, which one a letter is written in, and switching for a while.

Pages are in the language of the request (set by the middleware: the user's choice, else their site's default).
Letters are not: a letter is in the language of the person it is written to, so the letters app writes each in
`translation.override(...)`, and a bilingual letter twice, Welsh first, as Welsh public bodies send them.

Translations are kept by language (`kept_gettext`, `kept`): Django's gettext costs 7-20 µs a call (an English
lookup falls through Django's English catalogue and four empty fallbacks before giving the message back), and a
page asks for hundreds. Catalogues are compiled at setup and do not change while the service runs; a change of the
language settings (tests) empties the memo. Only messages, language codes and what is made of them alone are kept,
never anything of a record (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
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


# --- Translations kept by language ------------------------------------------------------------------------------

_T = TypeVar("_T")
# (language, what it says) -> the words. Bounded, should a caller ever keep what is not a literal or a small count.
_MAX_KEPT = 50_000
_kept: dict[tuple[Any, ...], Any] = {}
_GETTEXT = object()  # the namespace of `kept_gettext`'s keys: no caller's key starts with it


def kept_gettext(message: str) -> str:
    """`gettext(message)` in the active language, looked up once per language (the templates' `_`).

    For a literal message only: the translation before any %-formatting, so no value is ever kept."""
    key = (translation.get_language(), _GETTEXT, message)
    found = _kept.get(key)
    if found is None:
        found = _keep(key, translation.gettext(message))
    return found


def kept(key: tuple[Hashable, ...], make: Callable[[], _T], language: str | None = None) -> _T:
    """What `make()` gives, made once per language (`language`, else the active one) and `key`: words built from
    messages and what they say alone ("%(num)s days ago" for 3, a date's name). `key` must name everything `make`
    depends on but the language, with a first item naming the caller ("triage:queue", ...), and never a record's
    details: only message ids, codes, counts and dates."""
    full_key = (language or translation.get_language(), *key)
    found = _kept.get(full_key)
    if found is None:
        found = _keep(full_key, make())
    return found


def _keep(key: tuple[Any, ...], value: Any) -> Any:
    if len(_kept) >= _MAX_KEPT:
        _kept.clear()
    _kept[key] = value
    return value


@receiver(setting_changed)
def _forget_kept(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _kept.clear()
