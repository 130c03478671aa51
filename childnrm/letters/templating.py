"""Letters on the pages of the stages below this app (which cannot import it): registered in apps.py.

- `{{ referrer_letters(referral) }}` on a referrer's own referral: the outcome letters addressed to them.
- `{{ decision_letters(child) }}` on a child's record: each decision's letters page and the letter for the child,
  for those who may open them (the coordinator, the child's allocated guardian); nothing for anyone else, so a
  link never leads to a 404.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.decisions.models import DecisionStatus
from childnrm.kit.jinja2 import render_include
from childnrm.letters import selectors
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
    decisions = list(
        selectors.decisions_for_letters(user)
        .filter(referral__child_id=child.pk, status=DecisionStatus.FINAL)
        .select_related("referral")
        .order_by("-decided_on", "-pk")
    )
    if not decisions:
        return Markup("")
    # The newest letter for the child of each decision: the one to explain (one query, whatever the number).
    child_letters: dict[int, Any] = {}
    for letter in Letter.objects.filter(decision__in=decisions, kind=LetterKind.CHILD_FRIENDLY).order_by(
        "produced_at", "id"
    ):
        child_letters[letter.decision_id] = letter
    rows = [{"decision": d, "child_letter": child_letters.get(d.pk)} for d in decisions]
    return render_include(context, "letters/includes/decision_letters.html", {"rows": rows})
