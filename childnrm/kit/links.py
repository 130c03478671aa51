"""Absolute links to the service, for emails and anything read away from the service's own pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def absolute_url(path: str) -> str:
    """The service's address (settings.SERVICE_BASE_URL, from CHILDNRM_BASE_URL) followed by `path`."""
    return settings.SERVICE_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


# A path standing on its own in text ("see /letters/12/"): a link no mail client can open.
_BARE_PATH = re.compile(r"(?:^|[\s(<\"'])(/[a-z][a-z0-9_-]*/[^\s)>\"']*)", re.MULTILINE)


def bare_paths(text: str) -> list[str]:
    """Paths in `text` that are not part of an absolute address: every link in an email must be absolute."""
    return _BARE_PATH.findall(text or "")


# A route with one parameter, reversed once per URLconf and script prefix: `reverse()` costs some 25 µs a link, and a
# page of rows (a record's sections and versions, the dashboard's cases) has dozens of links that differ only in the
# value. The mark is valid for the int, str and slug converters and found nowhere else in a path.
_MARK = "9081726354"
_MAX_ROUTES = 512
_routes: dict[tuple[str, str, str], tuple[str, str] | None] = {}


def _route(name: str) -> tuple[str, str] | None:
    """The path before and after the route's one parameter; None when the route does not put it in the path as it
    is (then it is reversed each time)."""
    key = (name, str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix())
    if key not in _routes:
        if len(_routes) >= _MAX_ROUTES:
            _routes.clear()
        before, mark, after = reverse(name, args=[_MARK]).partition(_MARK)
        _routes[key] = (before, after) if mark else None
    return _routes[key]


def id_path(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a route whose one parameter is an integer id (the templates' `url()` uses it
    for any one id)."""
    route = _route(name) if pk >= 0 else None  # no id: as `reverse()` finds no route for it
    return f"{route[0]}{pk}{route[1]}" if route else reverse(name, args=[pk])


def path_to(name: str, value: object) -> str:
    """`reverse(name, args=[value])` for a route whose one parameter is a reference or an id, the value quoted as a
    path segment."""
    return path_maker(name)(value)


def path_maker(name: str) -> Callable[[object], str]:
    """`path_to(name, value)` as a function of the value, with the route looked up once: for a page of rows that
    link to the same route (the dashboard's), the URLconf and script prefix are read once, not once a row."""
    route = _route(name)
    if route is None:
        return lambda value: reverse(name, args=[value])
    before, after = route
    return lambda value: f"{before}{quote(str(value), safe='')}{after}"
