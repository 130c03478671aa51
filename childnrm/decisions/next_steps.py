"""What happens after sign-off: the "What happens next" list on a final decision's page.

The work that follows a decision lives in apps above this one (.importlinter): the safeguarding plan
(safeguarding), the letters, explaining the decision to the child and telling the guardian (letters), and the
SCA return and any reconsideration (reviews). Each registers here, in its AppConfig.ready(), a function
(decision, user) -> the steps it owns, each with the page where it is done if the user may use that page, and
whether it is done where the app knows it. The decision's page shows them in `order`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from childnrm.decisions.models import Decision


@dataclass(frozen=True)
class NextStep:
    order: int  # where the step comes in the list (plan 10, letters 20, child 30, guardian 40, return 50, ...)
    key: str  # a stable name for the step, for tests and page anchors
    title: str
    url: str = ""  # the page where it is done; "" when there is none, or the user may not use it
    done: bool | None = None  # None: the service does not record whether it is done
    hint: str = ""  # what is known: who, when, or why it cannot be done yet


NextStepSource = Callable[["Decision", Any], Iterable[NextStep]]

_sources: list[NextStepSource] = []


def register_next_steps(source: NextStepSource) -> NextStepSource:
    """Add a source of steps; registering the same one twice is harmless."""
    if source not in _sources:
        _sources.append(source)
    return source


def next_steps(decision: Decision, user: Any) -> list[NextStep]:
    """Every registered step for a final decision, in order; none for a decision not signed off."""
    from childnrm.decisions.models import DecisionStatus

    if decision.status != DecisionStatus.FINAL:
        return []
    steps = [step for source in _sources for step in source(decision, user)]
    return sorted(steps, key=lambda s: (s.order, s.key))
