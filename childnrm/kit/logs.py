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
    # A search for a child by name (people: "Find a child"): the words are personal data, not a secret, but kept out
    # of logs all the same (the audit trail records the children shown, never what was typed). Without its slash too:
    # that request is answered with a redirect, and the access log records it as typed.
    re.compile(r"(/children/?\?(?:[^\s\"'#]*?&)?q=)[^&\s\"'#]*"),
)


# A word of a log line with something percent-encoded in it, and each name, value or path between its `=` and `&`.
_ENCODED_WORD = re.compile(r"[^\s\"']*%[0-9A-Fa-f]{2}[^\s\"']*")
_PART = re.compile(r"[^&=;]+")
# How many times an address is decoded: a `next` inside a `next` is encoded twice, and anyone may send more.
_DECODINGS = 4


def _redact_plain(text: str) -> str:
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


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
    word if its secret is only found across them (`%2Fchildren%2F?q=…`)."""
    word = _PART.sub(lambda part: REDACTED if _holds_secret(part[0]) else part[0], word)
    return REDACTED if _holds_secret(word) else word


def redact(text: str) -> str:
    """`text` with the secret part of every path in `SECRET_PATHS` replaced by `REDACTED`, and every value that holds
    one percent-encoded (whatever its parameter's name) replaced by `REDACTED` whole."""
    text = _redact_plain(text)
    return _ENCODED_WORD.sub(lambda word: _redact_encoded(word[0]), text)


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
