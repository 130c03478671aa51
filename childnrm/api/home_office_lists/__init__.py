"""The Home Office online NRM form's own lists: the answers its select fields allow, as data.

The form (UKHomeOffice/modern-slavery) fills its select fields from JavaScript files in `ms-lists/`,
each an array of `{value, label}`; it saves the `value`. Each list is copied here as a JSON file
beside this module, one per list, named after the form's file (`ms_uk_police_forces.js` →
`ms_uk_police_forces.json`):

    {"source": {"repository", "path", "commit", "fetched", "how"},
     "count": <number of entries>,
     "options": [{"value": ..., "label": ...}, ...]}

`options` is the form's list in the form's order, exactly as the form stores it: duplicates kept
(the cities list names several towns twice) and spaces kept (`"Citizen of Vanuatu "`); entries the
form has commented out are not options. `source` says where and when it was copied from; the commit
differs by file because each file was last changed at its own commit (see `SOURCES` in the tests).

Which field uses which list is in the field catalogue (`home_office_form.FormField.option_list`):
the form's `apps/nrm/fields/index.js` concatenates a blank option with one of these lists; the
overseas country fields use the countries without "United Kingdom" (apps/nrm/util/filtered-countries.js).

Regenerating a list (never edit the JSON by hand): save the form's file as it is in the repository,
at a known commit, then

    .venv/bin/python bench/home_office_lists.py --commit <40-hex commit> [--fetched YYYY-MM-DD] ms_*.js ...

which parses each file with `parse_js_list` and writes its JSON here (`--check` compares instead of
writing). Review the diff, then the importer's mapping tables (e.g. `home_office.NATIONALITIES`).

Values are compared with surrounding spaces trimmed (the form trims what it saves; its own list has
trailing spaces), and otherwise exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = "UKHomeOffice/modern-slavery"

# The lists, by the form's file name, with what one entry is called in a message.
NOUNS: dict[str, str] = {
    "ms_countries": "countries",
    "ms_uk_cities_and_towns": "UK cities and towns",
    "ms_uk_regions": "UK regions",
    "ms_uk_police_forces": "police forces",
    "ms_organisations": "organisations",
    "ms_nationalities": "nationalities",
    "ms_uk_local_authorities": "local authorities",
}
LISTS = tuple(NOUNS)


@dataclass(frozen=True)
class FormList:
    name: str
    source: dict[str, str]
    options: tuple[tuple[str, str], ...]  # (value, label) as the form stores them, in its order

    @property
    def noun(self) -> str:
        return NOUNS[self.name]

    def labels(self, excluded: tuple[str, ...] = ()) -> dict[str, str]:
        """Trimmed value → label (the first label, where the form lists a value twice)."""
        out: dict[str, str] = {}
        for value, label in self.options:
            key = value.strip()
            if key not in excluded:
                out.setdefault(key, label.strip())
        return out


@cache
def form_list(name: str) -> FormList:
    if name not in NOUNS:
        raise KeyError(f"No list of the form is called {name!r}")
    document = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    options = tuple((item["value"], item["label"]) for item in document["options"])
    return FormList(name=name, source=document["source"], options=options)


@cache
def allowed(name: str, excluded: tuple[str, ...] = ()) -> dict[str, str]:
    """The answers a field backed by list `name` allows: trimmed value → the form's label."""
    return form_list(name).labels(excluded)


# --- Reading the form's JavaScript ---------------------------------------------------------------

_STRING = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
_ENTRY = re.compile(
    r"\{\s*(?P<k1>value|label)\s*:\s*(?P<v1>" + _STRING + r")\s*,\s*"
    r"(?P<k2>value|label)\s*:\s*(?P<v2>" + _STRING + r")\s*,?\s*\}"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _without_comments(text: str) -> str:
    """The JavaScript with `//` and `/* */` comments blanked out (not those inside strings)."""
    out, i, quote = [], 0, ""
    while i < len(text):
        c = text[i]
        if quote:
            out.append(c)
            if c == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif c == quote or c == "\n":
                quote = ""
        elif c in "'\"`":
            quote = c
            out.append(c)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _unquote(literal: str) -> str:
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_js_list(text: str) -> list[dict[str, str]]:
    """The `{value, label}` entries of one of the form's `ms-lists/*.js` files, in order.

    Refuses (ValueError) a file with anything in its array that is not such an entry, so a change of
    shape upstream is noticed rather than half-read.
    """
    code = _without_comments(text)
    start, end = code.find("["), code.rfind("]")
    if start < 0 or end < start:
        raise ValueError("No array of options found")
    body = code[start + 1 : end]
    entries, position = [], 0
    for match in _ENTRY.finditer(body):
        if body[position : match.start()].strip(" \t\r\n,"):
            raise ValueError(f"Not an option of the form: {body[position : match.start()].strip()[:80]!r}")
        keys = {match["k1"]: match["v1"], match["k2"]: match["v2"]}
        if set(keys) != {"value", "label"}:
            raise ValueError(f"An option needs a value and a label: {match.group(0)[:80]!r}")
        entries.append({"value": _unquote(keys["value"]), "label": _unquote(keys["label"])})
        position = match.end()
    if body[position:].strip(" \t\r\n,"):
        raise ValueError(f"Not an option of the form: {body[position:].strip()[:80]!r}")
    if not entries:
        raise ValueError("The array has no options")
    return entries


def list_document(name: str, entries: list[dict[str, str]], *, commit: str, fetched: str) -> dict[str, Any]:
    if name not in NOUNS:
        raise ValueError(f"{name!r} is not one of the form's lists this service uses: {', '.join(NOUNS)}")
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise ValueError("The commit must be the 40 hexadecimal digits of the form's commit")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", fetched):
        raise ValueError("The date fetched must be YYYY-MM-DD")
    return {
        "source": {
            "repository": REPOSITORY,
            "path": f"ms-lists/{name}.js",
            "commit": commit,
            "fetched": fetched,
            "how": "Parsed from the form's own file by bench/home_office_lists.py; not typed by hand.",
        },
        "count": len(entries),
        "options": entries,
    }


def dumps(document: dict[str, Any]) -> str:
    """The JSON written to disk: the header, then one option a line (readable diffs)."""
    head = json.dumps({k: v for k, v in document.items() if k != "options"}, ensure_ascii=False, indent=1)
    options = ",\n".join(f"  {json.dumps(o, ensure_ascii=False)}" for o in document["options"])
    return f'{head[:-2]},\n "options": [\n{options}\n ]\n}}\n'
