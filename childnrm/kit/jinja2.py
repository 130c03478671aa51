"""The Jinja2 environment every template renders in (ADR 0016).

GOV.UK components come from `govuk-frontend-jinja`, the GOV.UK Frontend macros ported to Jinja2:
templates import them as `{% from "govuk_frontend_jinja/components/<name>/macro.html" import ... %}`.
Form fields render themselves through those macros: `{{ field(form.x) }}`, `{{ error_summary(form) }}`.

Apps above the kit add their own template functions with `register(...)` from their AppConfig.ready(),
so the kit never imports them.

Words for people are marked for translation (ADR 0023): `{{ _("Sign in") }}`, `{{ _("Signed in as %(name)s",
name=user.full_name) }}`, or a `{% trans %}...{% endtrans %}` block for a paragraph (whitespace trimmed). Django's
gettext is installed in the environment (newstyle: a translation is %-formatted, so a literal % is written %%),
and the language is the request's. A Welsh name after a preposition is mutated as it is filled in ("gan
%(site)s" is "gan Gyngor Caerdydd": kit.welsh_mutation), in every message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import jinja2
from django.conf import settings
from django.forms import BoundField
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from markupsafe import Markup, escape

from childnrm.kit.dates import long_date, long_datetime, time_of_day
from childnrm.kit.forms import error_links, field_macro
from childnrm.kit.i18n import kept_gettext
from childnrm.kit.iso_names import country_shown
from childnrm.kit.links import id_path
from childnrm.kit.pending import kept_for
from childnrm.kit.welsh_mutation import WelshName, prepared

_GLOBALS: dict[str, Any] = {}
# Each template message's translation, kept by language (hundreds a page; kit.i18n.kept_gettext says why).
_gettext = kept_gettext


_FILTERS: dict[str, Callable[..., Any]] = {}
_MACRO_FILES = {
    "govukInput": "input",
    "govukTextarea": "textarea",
    "govukCharacterCount": "character-count",
    "govukSelect": "select",
    "govukRadios": "radios",
    "govukCheckboxes": "checkboxes",
    "govukDateInput": "date-input",
    "govukFileUpload": "file-upload",
    "govukErrorSummary": "error-summary",
    "govukErrorMessage": "error-message",
}


# The environment's gettext and friends, newstyle as Jinja2's own (the translation %-formatted with the keyword
# values, escaped when the template is), with each Welsh name after a preposition mutated first (on a Welsh page).
def _filled(context: jinja2.runtime.Context, message: str, values: dict[str, Any]) -> str:
    said, filled = prepared(message, values)
    if context.eval_ctx.autoescape:
        said = Markup(said)  # noqa: S704 (a translation: the catalogue's own markup, as Jinja2's gettext)
    return said % filled


@jinja2.pass_context
def _template_gettext(context: jinja2.runtime.Context, message: str, /, **values: Any) -> str:
    return _filled(context, _gettext(message), values)


@jinja2.pass_context
def _template_ngettext(context: jinja2.runtime.Context, singular: str, plural: str, num: int, /, **values: Any) -> str:
    values.setdefault("num", num)
    return _filled(context, translation.ngettext(singular, plural, num), values)


@jinja2.pass_context
def _template_pgettext(context: jinja2.runtime.Context, message_context: str, message: str, /, **values: Any) -> str:
    values.setdefault("context", message_context)
    return _filled(context, translation.pgettext(message_context, message), values)


@jinja2.pass_context
def _template_npgettext(
    context: jinja2.runtime.Context, message_context: str, singular: str, plural: str, num: int, /, **values: Any
) -> str:
    values.setdefault("context", message_context)
    values.setdefault("num", num)
    return _filled(context, translation.npgettext(message_context, singular, plural, num), values)


def register(*, globals: dict[str, Any] | None = None, filters: dict[str, Callable[..., Any]] | None = None) -> None:
    """Adds template functions from an app above the kit (call from AppConfig.ready())."""
    _GLOBALS.update(globals or {})
    _FILTERS.update(filters or {})


def url(name: str, *args: Any, **kwargs: Any) -> str:
    if len(args) == 1 and type(args[0]) is int and not kwargs:  # a record's page by its id: reversed once
        return id_path(name, args[0])
    return reverse(name, args=args or None, kwargs=kwargs or None)


def machine_date(value: date | datetime | None, fmt: str = "Y-m-d") -> str:
    """A date for machines (`<time datetime="...">`), a moment in UK time. People read `long_date`,
    `long_datetime` and `time` (kit.dates, GOV.UK style): a template never spells a date its own way."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Django's own templates localise before the `date` filter; Jinja2 does not, so this does.
        value = timezone.localtime(value)
    return defaultfilters.date(value, fmt)


def _macro(env: jinja2.Environment, name: str) -> Any:
    return getattr(env.get_template(f"govuk_frontend_jinja/components/{_MACRO_FILES[name]}/macro.html").module, name)


# A question's HTML by its macro and parameters. The GOV.UK macros are pure functions of their parameters, and
# drawing one costs 0.2-2 ms of CPU (a select of a dozen options, a list of sites as radios), the same on every
# request for a filter form or a list of choices: kept with the environment, whole, and given again for the same
# parameters.
_MAX_MACRO_HTML = 512
# Only questions whose parameters are the form's own words and choices: never one that carries what someone typed
# (a text box with a value, a date's parts, an error message, which may quote the value, HTML such as a revealed
# question with its answer), so no one's text is kept.
_KEPT_MACROS = frozenset({"govukSelect", "govukRadios", "govukCheckboxes", "govukInput", "govukTextarea"})


class _NotKept(Exception):
    """Parameters holding a value of a type whose output cannot be told from its key (drawn, not kept)."""


def _macro_key(value: Any) -> Any:
    """A key equal for two parameter sets only when the macro draws them the same: in order (the attributes' order
    is the HTML's), and with each text's type (a lazy translation is not a `str` to a template's test)."""
    if value is None or value is True or value is False:
        return value
    kind = type(value)
    if kind is dict:
        return (dict, tuple((k, _macro_key(v)) for k, v in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(_macro_key(v) for v in value))
    if kind is str or kind is int or kind is WelshName or isinstance(value, Promise):
        return (kind, str(value))
    raise _NotKept


def _field_html(env: jinja2.Environment, name: str, params: dict[str, Any]) -> Markup:
    if settings.DEBUG or name not in _KEPT_MACROS or params.get("errorMessage") or params.get("value"):
        return _macro(env, name)(params)
    try:
        key = (name, _macro_key(params))
    except _NotKept:
        return _macro(env, name)(params)
    kept: dict[tuple, Markup] | None = getattr(env, "_kit_field_html", None)
    if kept is None:
        kept = env._kit_field_html = {}  # type: ignore[attr-defined]
    html = kept.get(key)
    if html is None:
        if len(kept) >= _MAX_MACRO_HTML:
            kept.clear()
        html = kept[key] = _macro(env, name)(params)
    return html


@jinja2.pass_environment
def field(env: jinja2.Environment, bf: BoundField, **opts: Any) -> Any:
    """One question, rendered by the GOV.UK macro for its widget (kit.forms.field_macro)."""
    if bf.is_hidden:
        return bf  # Django's own rendering; it is HTML-safe (__html__)
    name, params = field_macro(bf, **opts)
    html = _field_html(env, name, params)  # a macro returns escaped Markup
    kept = kept_for(bf)  # files chosen before an error elsewhere on the page (kit.pending)
    if kept:
        html = Markup(env.get_template("includes/kept_uploads.html").render(kept)) + html  # noqa: S704 (autoescaped)
    return html


@jinja2.pass_environment
def error_message(env: jinja2.Environment, bf: BoundField) -> Any:
    """The error message of a question whose boxes a template writes itself."""
    if not bf.errors:
        return Markup("")
    text = " ".join(str(e) for e in bf.errors)
    return _macro(env, "govukErrorMessage")({"id": f"{bf.auto_id}-error", "text": text})


@jinja2.pass_environment
def error_summary(
    env: jinja2.Environment,
    form: Any = None,
    links: list[tuple[str, str]] | None = None,
    title: str = "",
    description: str = "",
) -> Any:
    """The GOV.UK error summary: each message links to the box to fix (or to a page, for a path). `description`
    says what happened to the rest of the page's answers (for example, that they were saved)."""
    if links is None:
        links = form.error_links() if hasattr(form, "error_links") else error_links(form) if form is not None else []
    if not links:
        return Markup("")
    items = [
        {"text": str(message), "href": anchor if anchor.startswith(("/", "#")) else f"#{anchor}"}
        for anchor, message in links
    ]
    options: dict[str, Any] = {"titleText": title or gettext("There is a problem"), "errorList": items}
    if description:
        options["descriptionText"] = str(description)
    return _macro(env, "govukErrorSummary")(options)


def table_scroll(caption_id: str, caller: Callable[[], str]) -> Markup:
    """The box a data table sits in, so that a table wider than a phone scrolls inside it, not the page.

    `{% call table_scroll("queue-caption") %}<table ...><caption id="queue-caption" ...>...</table>{% endcall %}`.
    The accessible pattern for a scrolling region: a region named by the table's caption (aria-labelledby,
    so the name is always the caption's words) and focusable (tabindex="0"), so that a keyboard user can
    reach and scroll it and a screen reader says what it holds. application.scss styles it and its focus.
    """
    box = Markup('<div class="app-table-scroll" role="region" aria-labelledby="{}" tabindex="0">\n{}</div>\n')
    table = Markup(caller())  # noqa: S704 (the call block's own markup, autoescaped as it rendered)
    return box.format(caption_id, table)


def _no_methods(value: Any) -> Any:
    # Django templates call methods for you; Jinja2 prints them. A printed method is a bug: fail loudly.
    if callable(value) and not isinstance(value, str | Markup | jinja2.Undefined):
        raise TypeError(f"A template printed {value!r}: call it")
    return value


def _linebreaksbr(value: Any) -> Markup:
    """Each line break as <br>, the text escaped (as every other value on the page is)."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def lower_first(value: Any) -> str:
    """A label inside a sentence ("Change date of birth"), where `|lower` would lower the names in it too ("rhif
    gig", "(deddf plant 1989 a17)"): only its first letter is lowered ("rhif GIG", "cyfeirnod Swyddfa Gartref",
    "child in need plan (Children Act 1989 s17)"). A label that begins with a name keeps its capital: one that
    begins with an acronym ("NHS number"), or, in English, whose first two words are capitalised ("Home Office
    reference", "Border Force"). Welsh puts the name after the noun it qualifies, so a Welsh label is lowered."""
    text = str(value)
    words = text.split(maxsplit=2)
    if not words or not words[0][:1].isupper() or sum(c.isupper() for c in words[0]) > 1:
        return text
    if translation.get_language() != "cy" and len(words) > 1 and words[1][:1].isupper():
        return text
    return text[0].lower() + text[1:]


FILTERS: dict[str, Callable[..., Any]] = {
    "lower_first": lower_first,
    "date": machine_date,
    "time": time_of_day,
    "long_date": long_date,
    "long_datetime": long_datetime,
    "country": country_shown,
    "linebreaksbr": _linebreaksbr,
    "pluralize": defaultfilters.pluralize,
    "capfirst": defaultfilters.capfirst,
    "floatformat": defaultfilters.floatformat,
    "filesizeformat": defaultfilters.filesizeformat,
    "truncatewords": defaultfilters.truncatewords,
    "yesno": defaultfilters.yesno,
    "default_if_none": defaultfilters.default_if_none,
    "intcomma": lambda n: f"{n:,}" if isinstance(n, int) else n,
}


def environment(**options: Any) -> jinja2.Environment:
    """Django's Jinja2 backend calls this once (settings.TEMPLATES)."""
    govuk = jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")})
    options["loader"] = jinja2.ChoiceLoader([options["loader"], govuk])
    # Text emails are not HTML: only .html is escaped.
    options["autoescape"] = jinja2.select_autoescape(
        enabled_extensions=("html",), disabled_extensions=("txt",), default_for_string=True, default=True
    )
    # Like Django's: a missing variable (or an attribute of one) is empty, in DEBUG too.
    options["undefined"] = jinja2.ChainableUndefined
    options["trim_blocks"] = True
    options["lstrip_blocks"] = True
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.i18n"]
    if settings.TEMPLATE_PRINT_CHECK:
        options["finalize"] = _no_methods
    env = jinja2.Environment(**options)  # noqa: S701 (autoescape is select_autoescape above)
    # A {% trans %} block's line breaks and indents are one space, so a paragraph's msgid is one line.
    env.policies["ext.i18n.trimmed"] = True
    # Newstyle (a {% trans %} block passes its values to gettext), with the kit's own callables (`_filled`).
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
    env.globals.update(
        url=url,
        static=static,
        field=field,
        error_summary=error_summary,
        error_message=error_message,
        table_scroll=table_scroll,
        **_GLOBALS,
    )
    env.filters.update(FILTERS, **_FILTERS)
    return env


def render_include(context: jinja2.runtime.Context, name: str, data: dict[str, Any]) -> Markup:
    """A template function's own template, rendered with `data` and the page's request and user."""
    page = {key: context.get(key) for key in ("request", "user", "csrf_input", "csrf_token")}
    html = context.environment.get_template(name).render({**page, **data})
    return Markup(html)  # noqa: S704 (rendered by the autoescaping environment)
