"""Welsh names after a preposition: the initial mutation Welsh grammar asks for (ADR 0023, amendment 3).

A Welsh message names a site or an organisation after a preposition: "gan %(site)s", "yn %(site)s". Welsh
mutates the first letter of the word after it: "gan Gyngor Caerdydd" (soft), "ym Mhanel Plant Caerdydd" (nasal,
and "yn" itself becomes "ym"), "gyda Chyngor Caerdydd" (aspirate). The messages keep the radical placeholder,
so a translator writes "gan %(site)s" as ever; `welsh_format` mutates the value as it fills it in, by the word
before the placeholder in the translated message.

Only a Welsh name mutates: `WelshName` marks one (`display_name` gives one when it says the Welsh name). An
English name on a Welsh page ("gan Northbridge Child Panel"), a person's name, a reference or a date is put in as
it is, and so is anything on an English page. A Welsh name's first word only mutates, and never when it is an
acronym ("gan GIG Cymru"). Known limit: a Welsh name that begins with an English word ("Barnardo's Cymru") is
mutated all the same ("gan Farnardo's Cymru"); words a Welsh writer would leave alone are for the name's author.

Templates get this for every message (`kit.jinja2`: the environment's gettext fills in through `prepared`);
Python writes `welsh_format(gettext("..."), {...})` where it would write `gettext("...") % {...}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from childnrm.kit import i18n

SOFT, NASAL, ASPIRATE = "soft", "nasal", "aspirate"

# Which mutation each word puts on the name after it. "yn" is "in" before a name (the predicative "yn", which
# takes the soft mutation, is never put before a site's or an organisation's name in our messages).
MUTATION_AFTER: dict[str, str] = {
    **dict.fromkeys(
        ("i", "o", "gan", "at", "am", "ar", "dros", "drwy", "trwy", "wrth", "dan", "heb", "hyd", "tan"), SOFT
    ),
    "yn": NASAL,
    # "and", "with", "as", "about": "a Chyngor Caerdydd", "â Chyngor Caerdydd", "gyda Chyngor Caerdydd".
    **dict.fromkeys(("a", "â", "gyda", "tua"), ASPIRATE),
}

# The radical's first letters -> the mutated ones, longest first (a digraph never mutates as its first letter:
# "Chwilog" is not "Ghwilog", "Theatr" is not "Dheatr").
_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    SOFT: (
        ("ll", "l"),
        ("rh", "r"),
        ("ch", "ch"),
        ("ph", "ph"),
        ("th", "th"),
        ("dd", "dd"),
        ("ng", "ng"),
        ("p", "b"),
        ("t", "d"),
        ("c", "g"),
        ("b", "f"),
        ("d", "dd"),
        ("g", ""),
        ("m", "f"),
    ),
    NASAL: (
        ("ch", "ch"),
        ("ph", "ph"),
        ("th", "th"),
        ("dd", "dd"),
        ("ng", "ng"),
        ("p", "mh"),
        ("t", "nh"),
        ("c", "ngh"),
        ("b", "m"),
        ("d", "n"),
        ("g", "ng"),
    ),
    ASPIRATE: (("ch", "ch"), ("ph", "ph"), ("th", "th"), ("p", "ph"), ("t", "th"), ("c", "ch")),
}

_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")


class WelshName(str):
    """A site's or an organisation's Welsh name, said on a Welsh page or in a Welsh letter: a name that mutates after
    a preposition. `str()` of one is itself, so the mark survives being read as text (a lazy name, `%s`, a record's
    `__str__`); anything made from it (joined, sliced, upper-cased) is plain text."""

    __slots__ = ()

    def __str__(self) -> str:
        return self


def mutate(name: str, mutation: str) -> str:
    """`name` with its first word mutated ("Panel Plant Caerdydd", NASAL -> "Mhanel Plant Caerdydd"). A word that
    begins with a vowel or a letter that does not mutate, or an acronym ("GIG Cymru"), is left as it is."""
    if name[:2].isupper() and len(name) > 1 and name[1].isalpha():
        return str(name)
    lower = name.lower()
    for radical, mutated in _TABLES[mutation]:
        if lower.startswith(radical):
            rest = name[len(radical) :]
            if radical == mutated:
                return str(name)
            if not name[0].isupper():
                return mutated + rest
            if mutated:
                return mutated[0].upper() + mutated[1:] + rest
            return rest[:1].upper() + rest[1:]  # soft "g" drops: "Gwasanaeth" -> "Wasanaeth"
    return str(name)


def _word_before(word: str, mutation: str, mutated: str) -> str:
    """The preposition as it is said before the mutated name: "yn" is "ym" before m ("ym Mhanel") and "yng" before
    ng ("yng Nghyngor"); "a" and "â" are "ac" and "ag" before a vowel."""
    lower = mutated.lower()
    low_word = word.lower()
    new = low_word
    if mutation == NASAL and low_word == "yn":
        new = "yng" if lower.startswith("ng") else "ym" if lower.startswith("m") else "yn"
    elif low_word in ("a", "â") and lower[:1] in _VOWELS:
        new = "ac" if low_word == "a" else "ag"
    if new == low_word:
        return word
    return new[0].upper() + new[1:] if word[:1].isupper() else new


# A placeholder (`%(key)s`) straight after one of the words (a whole word: not the "i" of "i'r", nor "yn" in "'yn").
_PLACEHOLDER = re.compile(
    r"(?<![\w’'\-])(" + "|".join(sorted(map(re.escape, MUTATION_AFTER), key=len, reverse=True)) + r") %\((\w+)\)s",
    re.IGNORECASE,
)


def _as_name(value: Any) -> Any:
    """The value as the name it is, when it might be a Welsh name: a record or a lazy name is read as text (a
    `WelshName` stays one); text with its own HTML (`__html__`) and numbers are left alone."""
    if isinstance(value, str) or hasattr(value, "__html__") or isinstance(value, int | float):
        return value
    return str(value)


def prepared(message: str, values: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """`message` and `values` ready for `%`, each Welsh name after a preposition mutated (on a Welsh page only).

    A mutated name is given a placeholder of its own ("%(site__1)s"), since the same name may follow a preposition in
    one place and not another ("%(site)s sy'n penderfynu ... i %(site)s"); the preposition changes with it ("ym")."""
    if not values or not isinstance(values, Mapping) or "%(" not in message or not i18n.is_welsh():
        return message, values
    if not isinstance(message, str):
        message = str(message)  # a lazy translation, said now
    extra: dict[str, str] = {}

    def fill(found: re.Match[str]) -> str:
        word, key = found.group(1), found.group(2)
        if key not in values:
            return found.group(0)
        name = _as_name(values[key])
        if not isinstance(name, WelshName):
            return found.group(0)
        mutation = MUTATION_AFTER[word.lower()]
        mutated = mutate(name, mutation)
        said_word = _word_before(word, mutation, mutated)  # "ym Merthyr", "ac Abertawe": the word changes alone
        if mutated == name:
            return found.group(0) if said_word == word else f"{said_word} %({key})s"
        own = f"{key}__{len(extra) + 1}"
        extra[own] = mutated
        return f"{said_word} %({own})s"

    said = _PLACEHOLDER.sub(fill, message)
    if said == message:
        return message, values
    if isinstance(message, Markup):
        said = Markup(said)  # noqa: S704 (the translated message's own markup, with placeholders renamed)
    return said, {**values, **extra} if extra else values


def welsh_format(message: str, values: Mapping[str, Any]) -> str:
    """`message % values`, with each Welsh name after a preposition mutated as Welsh says it (on a Welsh page, or in
    a letter or an email written in Welsh). For a translated message: `welsh_format(gettext("..."), {...})`."""
    said, values = prepared(message, values)
    return said % values
