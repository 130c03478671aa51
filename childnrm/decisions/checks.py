"""Finalise checks and hooks that other apps register (dependency inversion).

Decisions sits below safeguarding in the layers (.importlinter), yet a positive reasonable grounds
decision cannot be signed off without the child's plan. The app that knows about plans registers a
check here in its AppConfig.ready(); decision_completeness runs every registered check.

Likewise an app above decisions that acts when a decision becomes final (outcomes schedules the child's
follow-up reviews) registers a hook with `register_on_final`; the services run them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from childnrm.kit.errors import Problem

if TYPE_CHECKING:
    from childnrm.audit.context import AuditContext
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


# Run when a decision becomes final (signed off, or agreed at its second review), inside the same transaction
# and after its audit event, as hook(decision=, user=, audit=). A hook that raises undoes the sign-off.
OnFinal = Callable[..., Any]

_on_final: list[OnFinal] = []


def register_on_final(hook: OnFinal) -> OnFinal:
    """Registering the same hook twice is harmless (AppConfig.ready may run more than once in tests)."""
    if hook not in _on_final:
        _on_final.append(hook)
    return hook


def run_on_final(decision: Decision, *, user: Any, audit: AuditContext | None = None) -> None:
    for hook in _on_final:
        hook(decision=decision, user=user, audit=audit)
