"""The queue's rows as its page shows them: every text of a row worked out here, in Python, not by the template.

A page of 25 rows asked the template for some 80 translations, 25 URLs and 50 dates: each a Jinja2 call through
Django's gettext (10-20 µs, most of it finding the catalogue) or the URL resolver. Here the URL is reversed once a
page, and each text is kept by language once made, the same words for the same day count or date on every request
(`_kept`). The words are what the template made of the same messages (Jinja2's newstyle gettext: the translation is
trusted markup and its values are escaped into it), so the page's HTML is the same to the byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext, gettext_lazy, ngettext
from markupsafe import Markup

from childnrm.kit.dates import long_date
from childnrm.kit.i18n import kept
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.triage.models import TriageOutcome
from childnrm.triage.selectors import clock_for

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Keyed by the stored values (a model's CharField reads back as a plain str).
TRIAGE_STATE: dict[str, tuple[_StrPromise, str]] = {
    ReferralStatus.SUBMITTED: (gettext_lazy("Awaiting confirmation"), "govuk-tag--blue"),
    ReferralStatus.ACCEPTED: (gettext_lazy("Accepted"), "govuk-tag--green"),
    ReferralStatus.HANDED_OFF: (gettext_lazy("Sent to the SCA"), "govuk-tag--grey"),
    ReferralStatus.WITHDRAWN: (gettext_lazy("Withdrawn"), "govuk-tag--grey"),
}
OUTCOME_SHORT: dict[str, _StrPromise] = {
    TriageOutcome.PANEL: gettext_lazy("This site's panel"),
    TriageOutcome.OTHER_SITE: gettext_lazy("Another site's panel"),
    TriageOutcome.SCA: gettext_lazy("Single Competent Authority"),
}


@dataclass(frozen=True)
class DueWords:
    """The "Next decision due" cell: `first`, then (unless empty) a line break and `second`, each plain or a tag of
    the class given (`second` otherwise small print), then `end`."""

    first: str
    first_tag: str = ""
    second: str = ""
    second_tag: str = ""
    end: str = "\n"  # after small print, the line break the cell has always ended with (the HTML is unchanged)


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    url: str  # the referral's triage page
    age: str
    referred_on: str
    referred_ago: str  # "Today", "3 days ago"
    due: DueWords
    state: str
    state_class: str
    outcome: str
    possible_earlier: bool = False  # an earlier record of the child may exist, not yet linked or rejected


def _kept(language: str | None, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """Texts by language and what they say ("ago", 3), made once (kit.i18n.kept): day counts, dates and states."""
    return kept(("triage:queue", *key), make, language)


def _said(message: str, **values: Any) -> Markup:
    """A translated message as a template's `_(message, **values)` makes it: trusted, its values escaped."""
    return Markup(message) % values  # noqa: S704 (a translation of our own message, as Jinja2 trusts it)


def age_in_years(date_of_birth: date, today: date) -> int:
    birthday_passed = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if birthday_passed else 1)


def age_text(referral: Referral, today: date, language: str | None = None) -> str:
    """The referral's age in words (the queue's "Age" and the triage page's), in the request's language (its code
    if the caller has it)."""
    language = language or translation.get_language()
    if referral.date_of_birth:
        years = age_in_years(referral.date_of_birth, today)
        if not referral.date_of_birth_estimated:
            return str(years)
        return _kept(language, ("estimated",), lambda: gettext("%(years)s (estimated)")) % {"years": years}
    if referral.estimated_age_years is not None:
        about = _kept(language, ("about",), lambda: gettext("About %(years)s when referred"))
        return about % {"years": referral.estimated_age_years}
    return _kept(language, ("not-known",), lambda: gettext("Not known"))


def _date(language: str | None, day: date | None) -> str:
    return _kept(language, ("date", day), lambda: long_date(day))


def _ago(language: str | None, days: int) -> Markup:
    if days == 0:
        return _kept(language, ("today",), lambda: _said(gettext("Today")))
    return _kept(
        language, ("ago", days), lambda: _said(ngettext("%(num)s day ago", "%(num)s days ago", days), num=days)
    )


def _rg_words(language: str | None, clock: clocks.CaseClock) -> DueWords:
    by = _kept(
        language,
        ("rg-by", clock.due_on),
        lambda: _said(gettext("Reasonable grounds by %(date)s"), date=_date(language, clock.due_on)),
    )
    if clock.overdue:
        late = clock.overdue_by
        overdue = _kept(
            language,
            ("overdue", late),
            lambda: _said(ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", late), num=late),
        )
        return DueWords(by, second=overdue, second_tag="govuk-tag--red", end="")
    if clock.days_left == 0:
        today = _kept(language, ("due-today",), lambda: _said(gettext("Due today")))
        return DueWords(by, second=today, second_tag="govuk-tag--orange", end="")
    left = clock.days_left or 0  # never None while the RG clock runs
    return DueWords(
        by,
        second=_kept(
            language, ("left", left), lambda: _said(ngettext("%(num)s day left", "%(num)s days left", left), num=left)
        ),
        end="",
    )


def _due_words(language: str | None, clock: clocks.CaseClock) -> DueWords:
    """What the cell says in each phase of the clock (`clocks.case_clock`)."""
    if clock.phase == "rg":
        return _rg_words(language, clock)
    if clock.phase == "recovery":
        start, left = clock.cg_from, clock.cg_days_left or 0  # never None in the recovery period
        return DueWords(
            _kept(
                language,
                ("cg-from", start),
                lambda: _said(gettext("Conclusive grounds from %(date)s"), date=_date(language, start)),
            ),
            second=_kept(
                language,
                ("recovery", left),
                lambda: _said(
                    ngettext("Recovery period: %(num)s day left", "Recovery period: %(num)s days left", left), num=left
                ),
            ),
        )
    if clock.phase == "cg_due":
        start = clock.cg_from
        return DueWords(
            _kept(language, ("cg-due",), lambda: _said(gettext("Conclusive grounds due"))),
            first_tag="govuk-tag--blue",
            second=_kept(
                language,
                ("cg-since", start),
                lambda: _said(gettext("Can be decided since %(date)s"), date=_date(language, start)),
            ),
        )
    if clock.phase in ("negative_rg", "cg_decided"):
        return DueWords(
            _kept(language, ("no-further",), lambda: _said(gettext("No further decision"))),
            second=_decided_words(language, clock),
        )
    return DueWords(_kept(language, ("none-due",), lambda: _said(gettext("No decision due here"))), end="")


def _decided_words(language: str | None, clock: clocks.CaseClock) -> Markup:
    if clock.phase == "cg_decided":
        on = clock.cg_decided_on
        return _kept(
            language,
            ("cg-on", on),
            lambda: _said(gettext("Conclusive grounds decided on %(date)s"), date=_date(language, on)),
        )
    on = clock.rg_decided_on
    if on is None:
        return _kept(language, ("negative",), lambda: _said(gettext("Negative reasonable grounds decision")))
    return _kept(
        language,
        ("negative-on", on),
        lambda: _said(gettext("Negative reasonable grounds decision on %(date)s"), date=_date(language, on)),
    )


def _state_words(language: str | None, status: str) -> str:
    return _kept(language, ("state", status), lambda: str(TRIAGE_STATE[status][0]))


def _outcome_words(language: str | None, outcome: str) -> str:
    return _kept(language, ("outcome", outcome), lambda: str(OUTCOME_SHORT.get(outcome, "")))


def _url_of(name: str) -> Callable[[str], str]:
    """`reverse(name, args=[reference])`, the resolver asked once: a reference goes where a stand-in went, quoted
    as the resolver quotes it."""
    stand_in = "~reference~"
    before, after = reverse(name, args=[stand_in]).split(stand_in)
    return lambda reference: before + quote(reference, safe=RFC3986_SUBDELIMS + "/~:@") + after


def queue_rows(referrals: list[Referral], today: date) -> list[QueueRow]:
    """The page's rows: each referral (read by `selectors.queue_page_rows`) with its clock (`selectors.clock_for`)
    and every text its row shows, in the request's language."""
    language = translation.get_language()
    url = _url_of("triage:triage")
    rows = []
    for referral in referrals:
        clock = clock_for(referral, today)
        rows.append(
            QueueRow(
                referral=referral,
                url=url(referral.reference),
                age=age_text(referral, today, language),
                referred_on=_date(language, clock.submitted_on),
                referred_ago=_ago(language, clock.days_since),
                due=_due_words(language, clock),
                state=_state_words(language, referral.status),
                state_class=TRIAGE_STATE[referral.status][1],
                outcome=_outcome_words(language, referral.standing_triage_outcome),
                possible_earlier=getattr(referral, "possible_earlier", False),
            )
        )
    return rows
