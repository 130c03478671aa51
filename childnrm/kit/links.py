"""Absolute links to the service, for emails and anything read away from the service's own pages."""

from __future__ import annotations

import re

from django.conf import settings


def absolute_url(path: str) -> str:
    """The service's address (settings.SERVICE_BASE_URL, from CHILDNRM_BASE_URL) followed by `path`."""
    return settings.SERVICE_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


# A path standing on its own in text ("see /letters/12/"): a link no mail client can open.
_BARE_PATH = re.compile(r"(?:^|[\s(<\"'])(/[a-z][a-z0-9_-]*/[^\s)>\"']*)", re.MULTILINE)


def bare_paths(text: str) -> list[str]:
    """Paths in `text` that are not part of an absolute address: every link in an email must be absolute."""
    return _BARE_PATH.findall(text or "")
