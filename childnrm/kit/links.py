"""Absolute links to the service, for emails and anything read away from the service's own pages."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The service's address (settings.SERVICE_BASE_URL, from CHILDNRM_BASE_URL) followed by `path`."""
    return settings.SERVICE_BASE_URL.rstrip("/") + "/" + path.lstrip("/")
