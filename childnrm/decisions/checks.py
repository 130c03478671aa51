"""Finalise checks that other apps register (dependency inversion).

Decisions sits below safeguarding in the layers (.importlinter), yet a positive reasonable grounds
decision cannot be signed off without the child's plan. The app that knows about plans registers a
check here in its AppConfig.ready(); decision_completeness runs every registered check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from childnrm.kit.errors import Problem

if TYPE_CHECKING:
    from childnrm.decisions.models import Decision

FinaliseCheck = Callable[["Decision"], list[Problem]]

_finalise_checks: list[FinaliseCheck] = []


def register_finalise_check(check: FinaliseCheck) -> FinaliseCheck:
    """Add a check (decision -> problems, each with a code and the words shown); registering the same one twice
    is harmless."""
    if check not in _finalise_checks:
        _finalise_checks.append(check)
    return check


def finalise_check_problems(decision: Decision) -> list[Problem]:
    problems: list[Problem] = []
    for check in _finalise_checks:
        problems += check(decision)
    return problems
