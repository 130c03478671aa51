"""Letters on the pages of the stages below this app (which cannot import it): registered in apps.py.

- `{{ referrer_letters(referral) }}` on a referrer's own referral: the outcome letters addressed to them.
- `{{ decision_letters(child) }}` on a child's record: each decision's letters page and the letter for the child,
  for those who may open them (the coordinator, the child's allocated guardian); nothing for anyone else, so a
  link never leads to a 404.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext
from markupsafe import Markup

from childnrm.access.policy import Perm, sites_where
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.kit.dates import long_date
from childnrm.kit.jinja2 import render_include
from childnrm.letters import content, selectors
from childnrm.letters.models import Letter, LetterKind


def _user(context: jinja2.runtime.Context) -> Any:
    user = getattr(context.get("request"), "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@jinja2.pass_context
def referrer_letters(context: jinja2.runtime.Context, referral: Any) -> Markup:
    user = _user(context)
    letters = (
        list(
            selectors.letters_to_referrer(user)
            .filter(decision__referral_id=referral.pk)
            .select_related("decision")
            .order_by("-produced_at", "-id")
        )
        if user is not None
        else []
    )
    return render_include(context, "letters/includes/referrer_letters.html", {"letters": letters})


@jinja2.pass_context
def decision_letters(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = _user(context)
    if user is None:
        return Markup("")
    # The newest letter for the child of each decision: the one to explain (in the same query).
    child_letter = Letter.objects.filter(decision_id=OuterRef("pk"), kind=LetterKind.CHILD_FRIENDLY).order_by(
        "-produced_at", "-id"
    )

    def final_decisions(decisions: QuerySet[Decision]) -> list[Decision]:
        return list(
            decisions.filter(referral__child_id=child.pk, status=DecisionStatus.FINAL)
            .only("pk", "stage", "decided_on", "outcome")
            .annotate(site_id=F("referral__site_id"), child_letter_id=Subquery(child_letter.values("pk")[:1]))
            .order_by("-decided_on", "-pk")
        )

    # Where the user produces letters at every referral's site, decisions_for_letters(user) holds each of the
    # child's decisions: read them without its scope (its subqueries). Otherwise the scope decides.
    produce_sites = sites_where(user, Perm.LETTER_PRODUCE)
    decisions = final_decisions(Decision.objects.all()) if produce_sites else None
    if decisions is None or any(d.site_id not in produce_sites for d in decisions):
        decisions = final_decisions(selectors.decisions_for_letters(user))
    if not decisions:
        return Markup("")
    rows = [{"decision": d, "child_letter_id": d.child_letter_id, "title": _row_title(d)} for d in decisions]
    return render_include(context, "letters/includes/decision_letters.html", {"rows": rows})


def stage_name(decision: Any, *, capital: bool = False) -> str:
    """The decision's stage in the page's language ("reasonable grounds"; capital=True: "Reasonable grounds")."""
    words = str(content.STAGE_WORDS.get(decision.stage, decision.stage))
    return words[:1].upper() + words[1:] if capital else words


def outcome_name(decision: Any) -> str:
    """The decision's outcome in the page's language ("positive", "negative")."""
    return str(content.OUTCOME_WORDS.get(decision.outcome, decision.outcome or ""))


def letter_language_name(code: str) -> str:
    """A letter's language in the page's language ("Welsh and English (bilingual)"); a single-language letter
    records its language code ("cy", "en-gb")."""
    from childnrm.kit.i18n import LetterLanguage

    names = dict(LetterLanguage.choices)
    return str(names.get(code) or names.get({"en-gb": "en"}.get(code, code), code))


def _row_title(decision: Any) -> str:
    # Put together in code so that a language may begin the sentence with the stage (English) or not (Welsh).
    # The outcome too: the guardian reads this list on the child's record to know what was decided.
    title = gettext("%(stage)s decision of %(date)s, %(outcome)s: letters and explaining it to the child") % {
        "stage": stage_name(decision),
        "date": long_date(decision.decided_on),
        "outcome": outcome_name(decision),
    }
    return title[:1].upper() + title[1:]
