"""Logs carry no secret and no personal data: the paths that hold a secret are redacted in every message.

Django logs the path of each 4xx and 5xx answer ("Not Found: /feedback/your-say/<token>/") at WARNING or ERROR, and
the development server every request's. Two of our paths hold a secret: the child's one-time feedback link, whose
token holds the code that opens the child's form (ADR 0022), and a password reset link; the search for a child
carries a name in its query string. `RedactSecretPaths`
(settings.LOGGING) replaces their secret part with `REDACTED`, on the loggers that write paths, so every handler
gets the redacted message, and on the console handler for anything another logger passes on.
"""

from __future__ import annotations

import logging
import re

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


def redact(text: str) -> str:
    """`text` with the secret part of every path in `SECRET_PATHS` replaced by `REDACTED`."""
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


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
