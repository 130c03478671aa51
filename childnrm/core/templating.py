"""The page chrome every page draws the same way: rendered once per language, not on every request (issue 16).

`{{ chrome("core/chrome/footer.html") }}` in base.html. The skip link, header, phase banner and footer read nothing
of the request or the user, only the language and the URL map; the service navigation reads its links too, passed
as `navigation`. The GOV.UK macros cost about as much CPU as the rest of a light page's template, for the same few
answers. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.translation import gettext
from markupsafe import Markup

# Bounded: the keys are language x URL map x the few navigation bars the roles give (a few dozen in all).
_MAX_FRAGMENTS = 512
_fragments: dict[tuple, Markup] = {}


def _frozen(value: Any) -> Any:
    """A hashable copy of the macro parameters (lists of dicts of strings and booleans)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


@jinja2.pass_environment
def chrome(env: jinja2.Environment, name: str, **params: Any) -> Markup:
    """The fragment `name` rendered with `params` (and the service's name) in the request's language."""
    if settings.DEBUG:  # a template being edited is drawn afresh
        return _render(env, name, params)
    key = (
        name,
        translation.get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        _frozen(params),
    )
    html = _fragments.get(key)
    if html is None:
        if len(_fragments) >= _MAX_FRAGMENTS:
            _fragments.clear()
        html = _fragments[key] = _render(env, name, params)
    return html


def _render(env: jinja2.Environment, name: str, params: dict[str, Any]) -> Markup:
    html = env.get_template(name).render({"service_name": gettext(settings.SERVICE_NAME), **params})
    return Markup(html)  # noqa: S704 (rendered by the autoescaping environment)
