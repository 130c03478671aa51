"""Logs carry no secret and no personal data: the paths that hold a secret are redacted in every message.

Django logs the path of each 4xx and 5xx answer ("Not Found: /feedback/your-say/<token>/") at WARNING or ERROR, and
the development server every request's. Two of our paths hold a secret: the child's one-time feedback link, whose
token holds the code that opens the child's form (ADR 0022), and a password reset link; the search for a child
carries a name in its query string. Each is found percent-encoded too, once or more, wherever it is: the language
switch and the sign-in and time-out redirects carry the page they return to in a parameter (`next=%2Ffeedback%2F…`).
`RedactSecretPaths`
(settings.LOGGING) replaces their secret part with `REDACTED`, on the loggers that write paths, so every handler
gets the redacted message, and on the console handler for anything another logger passes on.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

REDACTED = "[redacted]"

_SEGMENT = r"[^/\s?#\"']+"
# The pages under /feedback/your-say/ that are not a child's link (feedback.urls): their paths are kept as they are.
_CHILDS_OWN_PAGES = ("thank-you", "your-answers", "using-these-pages")
SECRET_PATHS = (
    # The child's feedback link: /feedback/your-say/<token>/ (the child's own pages are pages, not tokens).
    re.compile(rf"(/feedback/your-say/)(?!(?:{'|'.join(_CHILDS_OWN_PAGES)})(?:[/\s?#\"']|$)){_SEGMENT}"),
    # A password reset link: /account/password-reset/<uidb64>/<token>/.
    re.compile(rf"(/account/password-reset/){_SEGMENT}/{_SEGMENT}"),
)
# A search for a child by name (people: "Find a child"): the words are personal data, not a secret, but kept out of
# logs all the same (the audit trail records the children shown, never what was typed). Without its slash too: that
# request is answered with a redirect, and the access log records it as typed. Each query string is cut at the next
# search page's address and each part searched once: one pattern reaching from each address to a `q=` anywhere after
# it read the rest of the line again for every address in it (a line of them cost time growing with its square).
_SEARCH_PAGE = re.compile(r"(/children/?\?)")
# What was typed runs to the next parameter or the end of the address, quotes and all (browsers send a quote
# encoded, other clients may not: "O'Brien"); a quote ending the address is the log line's own, and kept.
_SEARCH_WORDS = re.compile(r"((?:^|&)q=)[^&]*?(?=&|[\"']?$)")
_SPACELESS = re.compile(r"\S+")


# A word of a log line (no space or quote), and a percent-encoded character: each word is matched once, from its
# start, and only a word holding an encoded character is decoded. An unanchored pattern for "a word with a %XX in
# it" was tried from every position of a long word: a request with large headers cost a worker a minute of CPU.
_WORD = re.compile(r"[^\s\"']+")
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")
_PART = re.compile(r"[^&=;]+")
# How many times an address is decoded: a `next` inside a `next` is encoded twice, and anyone may send more.
_DECODINGS = 4
# An encoded word longer than any address of ours (gunicorn takes a request line of 4,094 bytes) is not decoded
# but redacted whole: nothing of ours is lost, and the work per word is bounded.
LONGEST_ENCODED_WORD = 8192


def _redact_plain(text: str) -> str:
    """`text` with the secret paths and the words of searches for a child redacted, as written (not encoded)."""
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return _SPACELESS.sub(lambda word: _redact_searches(word[0]), text)


def _redact_searches(word: str) -> str:
    """`word` (no space in it) with what was typed into each search for a child in it redacted."""
    if "/children" not in word:
        return word
    pieces = _SEARCH_PAGE.split(word)  # [before, address, its query string, address, its query string, ...]
    for n in range(2, len(pieces), 2):
        query, hash_, after = pieces[n].partition("#")  # a fragment is not the query string
        pieces[n] = _SEARCH_WORDS.sub(rf"\g<1>{REDACTED}", query) + hash_ + after
    return "".join(pieces)


def _holds_secret(text: str) -> bool:
    """Whether `text`, or any decoding of it, names a secret path."""
    for _ in range(_DECODINGS + 1):
        if _redact_plain(text) != text:
            return True
        decoded = unquote_plus(text)
        if decoded == text:
            return False
        text = decoded
    return True  # still encoded after that many decodings: nothing a page of ours sends, so kept out


def _redact_encoded(word: str) -> str:
    """`word` with each value (or name, or path) that names a secret once decoded replaced by `REDACTED`; the whole
    word if its secret is only found across them (`%2Fchildren%2F?q=…`). A word with nothing encoded is as it is."""
    if not _ENCODED.search(word):
        return word
    if len(word) > LONGEST_ENCODED_WORD:
        return REDACTED
    word = _PART.sub(lambda part: REDACTED if _holds_secret(part[0]) else part[0], word)
    return REDACTED if _holds_secret(word) else word


def redact(text: str) -> str:
    """`text` with the secret part of every path in `SECRET_PATHS` replaced by `REDACTED`, and every value that holds
    one percent-encoded (whatever its parameter's name) replaced by `REDACTED` whole."""
    text = _redact_plain(text)
    return _WORD.sub(lambda word: _redact_encoded(word[0]), text)


class RedactSecretPaths(logging.Filter):
    """Rewrites a record whose message names a secret path; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: logging reports that itself, when it formats
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
