"""Translations kept by language (kit.i18n.kept_gettext, kit.i18n.kept; issue 16): the same words as Django's
gettext, in the language of each call however the calls alternate, and forgotten when the language settings
change."""

from __future__ import annotations

from django.test import override_settings
from django.utils import translation

from childnrm.kit.i18n import kept, kept_gettext, language


def test_a_kept_translation_is_in_the_language_of_each_call():
    for _round in range(2):
        with language("cy"):
            assert kept_gettext("There is a problem") == "Mae problem wedi codi"
        with language("en-gb"):
            assert kept_gettext("There is a problem") == "There is a problem"
        with language("cy"):
            assert kept_gettext("There is a problem") == translation.gettext("There is a problem")


def test_words_are_made_once_per_language_and_key():
    made: list[str] = []

    def make() -> str:
        made.append(translation.get_language())
        return translation.gettext("Sign out")

    for _round in range(3):
        with language("cy"):
            assert kept(("kit-test:sign-out",), make) == "Allgofnodi"
        with language("en-gb"):
            assert kept(("kit-test:sign-out",), make) == "Sign out"
        # A language given by the caller, whatever is active.
        assert kept(("kit-test:sign-out",), make, "cy") == "Allgofnodi"
    assert made == ["cy", "en-gb"]
    # Another key is made on its own.
    with language("cy"):
        assert kept(("kit-test:other",), lambda: "other") == "other"


def test_a_change_of_the_language_settings_forgets_what_was_kept():
    made: list[int] = []

    def make() -> int:
        made.append(1)
        return len(made)

    with language("en-gb"):
        assert kept(("kit-test:counted",), make) == 1
        assert kept(("kit-test:counted",), make) == 1
        with override_settings(LOCALE_PATHS=[]):
            assert kept(("kit-test:counted",), make) == 2
        assert kept(("kit-test:counted",), make) == 3
