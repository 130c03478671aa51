"""Finding English on a page that should be in Welsh (ADR 0023): a helper for tests of any app.

`english_left(html, names=...)` reads a page as a person (and a screen reader) does: the visible text, the
visually hidden text, the page title and the words in aria-label, alt, title and placeholder attributes. It
leaves out what is allowed to be English:

- anything inside an element marked `lang="en"` (an English fragment, marked so that a screen reader says it
  in English: the language switch's "English", a quotation of an English document);
- names (people, organisations, sites, references), passed by the test;
- the terms in `ALLOWED`, which stay as they are in Welsh too (product names, acronyms).

Then it returns each piece of text that still holds a word only English has (`ENGLISH_WORDS`, chosen so that no
word of them is also a common Welsh word). `walk_in_welsh(client, paths)` does it for a list of pages, checking
`<html lang="cy">` too. The next session extends the list of paths to every route (issue 13).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from django.test import Client

# Terms that stay as they are in a Welsh page. Each needs a reason (docs/welsh-glossary.md, "Kept in English").
ALLOWED: tuple[str, ...] = (
    "GOV.UK",
    "NRM",  # in the service's name, Paneli NRM i Blant (the acronym of the UK-wide scheme)
    "JavaScript",
    "axe-core",
    "EASS",
    "Microsoft Authenticator",
    "Google Authenticator",
    "PDF",
    "QR",
    "GDPR",
    "OFFICIAL-SENSITIVE",  # the Government Security Classification marking is never translated
    "Human Trafficking Case Data Standard",  # the UN/IOM standard's title, cited as published (the HTCDS export)
)

# Words that are English and not Welsh (so a Welsh sentence never trips them): the commonest function words and
# the service's own verbs. Welsh look-alikes are left out on purpose: a, i, am, at, all, can, do, does,
# hi, we ("y We", the Web), yn.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "of",
        "for",
        "with",
        "this",
        "that",
        "these",
        "those",
        "not",
        "has",
        "have",
        "had",
        "was",
        "were",
        "will",
        "would",
        "from",
        "by",
        "are",
        "our",
        "they",
        "their",
        "them",
        "what",
        "who",
        "when",
        "where",
        "how",
        "which",
        "if",
        "or",
        "it",
        "its",
        "there",
        "be",
        "been",
        "being",
        "an",
        "than",
        "then",
        "into",
        "only",
        "about",
        "also",
        "any",
        "but",
        "did",
        "each",
        "more",
        "most",
        "must",
        "no",
        "should",
        "such",
        "some",
        "very",
        "was",
        "while",
        "yes",
        "please",
        "sign",
        "enter",
        "select",
        "choose",
        "page",
        "service",
        "date",
        "day",
        "month",
        "year",
        "back",
        "continue",
        "change",
        "save",
        "cancel",
        # The service's own nouns, verbs and states, for English left without any function word ("Sail resymol -
        # request received" passed the walk with the list above alone). None is also a Welsh word.
        *[
            "request",
            "requests",
            "received",
            "referral",
            "referrals",
            "decision",
            "decisions",
            "child",
            "children",
            "case",
            "cases",
            "details",
            "reason",
            "reasons",
            "grounds",
            "overdue",
            "due",
            "open",
            "closed",
            "view",
            "edit",
            "add",
            "remove",
            "delete",
            "confirm",
            "search",
            "filter",
            "apply",
            "download",
            "upload",
            "file",
            "files",
            "document",
            "documents",
            "evidence",
            "vote",
            "votes",
            "meeting",
            "meetings",
            "papers",
            "outcome",
            "outcomes",
            "positive",
            "negative",
            "reasonable",
            "conclusive",
            "submitted",
            "accepted",
            "draft",
            "letter",
            "letters",
            "guardian",
            "none",
            "review",
            "reviews",
            "report",
            "name",
            "week",
            "weeks",
            "days",
            "today",
            "record",
            "records",
            "show",
            "hide",
            "send",
            "sent",
            "started",
            "ended",
            "missing",
            "action",
            "actions",
            "agreed",
            "waiting",
            "allocated",
        ],
    ]
)

_SKIP_TAGS = {"script", "style", "svg", "template", "code"}
_SPOKEN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []
        self.html_lang: str | None = None

    @property
    def skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        lang = (values.get("lang") or "").lower()
        skipped = tag in _SKIP_TAGS or lang == "en" or lang.startswith("en-") or "hidden" in values
        if not skipped and not self.skipping:
            self.texts += [str(values[a]) for a in _SPOKEN_ATTRIBUTES if values.get(a)]
        if tag not in _VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if not self.skipping and not (values.get("lang") or "").lower().startswith("en"):
            self.texts += [str(values[a]) for a in _SPOKEN_ATTRIBUTES if values.get(a)]

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag (HTML lets some end tags be left out).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def _terms_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every term, longest first (so a name wins over a word inside it): a page is read once
    however many names a walk allows."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    # Whole words only: a name inside a longer word ("Document" in "OpenDocument") is not that name.
    pattern = "|".join(re.escape(t) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", flags=re.IGNORECASE) if ordered else None


def english_left(html: str, *, names: Iterable[str] = (), allow: Iterable[str] = ()) -> list[str]:
    """Each piece of text on the page that is still English (see the module docstring); [] when none is."""
    reader = _Reader()
    reader.feed(html)
    named = _terms_pattern([*allow, *names])
    terms = _terms_pattern(ALLOWED)
    found = []
    for text in reader.texts:
        rest = " ".join(text.split())
        # Names and typed text first, whole (typed text may hold a reference-like "DPIA-2026-07").
        rest = named.sub(" ", rest) if named else rest
        # Then the service's references (NRM-UCP89BE8): random letters, which may spell "be" or "an", never
        # English; before the allowed terms, since "NRM" is one of them and taking it out would leave "-VZE6AN7Z".
        rest = re.sub(r"\b[A-Z]{2,5}-[A-Z0-9]{4,}\b", " ", rest)
        # And the child's one-time feedback code (DYD9-BE8C), drawn from capitals and digits the same way.
        rest = re.sub(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", " ", rest)
        rest = terms.sub(" ", rest) if terms else rest
        rest = re.sub(r"\S+@\S+", " ", rest)  # email addresses
        rest = re.sub(r"https?://\S+", " ", rest)  # links (an email's /decisions/1/second-review/)
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", rest)}
        if words & ENGLISH_WORDS:
            found.append(" ".join(text.split()))
    return found


def html_lang(html: str) -> str | None:
    reader = _Reader()
    reader.feed(html)
    return reader.html_lang


def walk_in_welsh(
    client: Client, paths: Iterable[str], *, names: Iterable[str] = (), allow: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Each page (path) that is not wholly Welsh, with what is wrong on it; {} when every page is."""
    names = list(names)
    problems: dict[str, list[str]] = {}
    for path in paths:
        response = client.get(path, follow=True)
        html = response.content.decode()
        found = []
        if html_lang(html) != "cy":
            found.append(f'<html lang="{html_lang(html)}">, not "cy"')
        found += english_left(html, names=names, allow=allow)
        if found:
            problems[path] = found
    return problems
