"""Letters, explaining the decision to the child and telling the guardian, in a final decision's "What happens
next" (registered with decisions.next_steps). Links only for those who produce letters at the site."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm
from childnrm.accounts import nations
from childnrm.decisions.models import Decision
from childnrm.decisions.next_steps import NextStep
from childnrm.kit.dates import long_date, long_datetime
from childnrm.letters import selectors, services


def letter_steps(decision: Decision, user: Any) -> list[NextStep]:
    produce = selectors.may_produce(user, decision)
    letters_page = reverse("letters:decision", args=[decision.pk]) if produce else ""

    produced = selectors.last_produced_at(decision)
    letters = NextStep(
        order=20,
        key="letters",
        title=gettext("Produce the letters"),
        url=letters_page,
        done=produced is not None,
        hint=gettext("Produced on %(when)s") % {"when": long_datetime(produced)}
        if produced
        else gettext("The outcome letter to the referrer and the letter for the child"),
    )

    explained = selectors.latest_explanation(decision)
    if explained is not None:
        explain_url = reverse("letters:explanation", args=[explained.pk]) if produce else ""
        explain_hint = gettext("Explained by %(name)s on %(day)s") % {
            "name": explained.explained_by_name,
            "day": long_date(explained.explained_on),
        }
    else:
        explain_url = reverse("letters:explanation-add", args=[decision.pk]) if produce else ""
        explain_hint = gettext("In person, by someone the child trusts, in words they understand")
    explain = NextStep(
        order=30,
        key="explain",
        title=gettext("Explain the decision to the child"),
        url=explain_url,
        done=explained is not None,
        hint=explain_hint,
    )

    guardians = services.guardians_of(decision)
    told = selectors.told_guardian_ids(decision)
    if not guardians:
        child = decision.referral.child
        allocate = child is not None and has_perm(user, Perm.PLAN_MANAGE, child.site_id)
        guardian = NextStep(
            order=40,
            key="guardian",
            title=gettext("Tell the guardian"),
            url=reverse("safeguarding:guardian", args=[child.reference]) if allocate and child else "",
            # The guardian service as the site's nation names it (accounts.nations).
            hint=gettext("No %(guardian)s is allocated to the child")
            % {"guardian": nations.rules(decision.referral.site).guardian_title},
        )
    else:
        untold = [g.full_name for g in guardians if g.pk not in told]
        guardian = NextStep(
            order=40,
            key="guardian",
            title=gettext("Tell the guardian"),
            url=letters_page,
            done=not untold,
            hint=gettext("Not told yet: %(names)s") % {"names": ", ".join(untold)}
            if untold
            else gettext("Told: %(names)s") % {"names": ", ".join(g.full_name for g in guardians)},
        )
    return [letters, explain, guardian]
