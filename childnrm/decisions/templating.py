"""Template functions the decisions app gives pages of the apps below it (registered in apps.py).

`{% set decision_steps = sitting_decisions(meeting) %}` on the meeting page: item id -> the decisions to record.
"""

from __future__ import annotations

from typing import Any

import jinja2

from childnrm.decisions.at_sitting import DecisionStep, sitting_decision_steps


@jinja2.pass_context
def sitting_decisions(context: jinja2.runtime.Context, meeting: Any) -> dict[int, list[DecisionStep]]:
    user = getattr(context.get("request"), "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return sitting_decision_steps(user, meeting)
