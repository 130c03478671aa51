"""Lists in running text, in the page's language: "a, b and c" (Welsh "a, b a c", "ac" before a vowel)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext, pgettext

_VOWELS = tuple("AEIOUWYÂÊÎÔÛŴŶaeiouwyâêîôûŵŷ")


def and_list(items: Sequence[str]) -> str:
    """The items as one phrase joined by "and" ("" for none)."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return items[0] if items else ""
    values = {"list": ", ".join(items[:-1]), "last": items[-1]}
    if items[-1].startswith(_VOWELS):
        # Translators: joins a list whose last item starts with a vowel (Welsh writes "ac", not "a", before one).
        return pgettext("before a vowel", "%(list)s and %(last)s") % values
    return gettext("%(list)s and %(last)s") % values
