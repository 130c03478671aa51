"""One shape for a service's refusal, and one way to put it on a form (issue 11).

A service raises a `ServiceError` (or a subclass) whose message is written for the page: the view shows it
as it is. `field` names the form field it is about, when the service knows it; `code` is a stable name that
code branches on, so nothing searches the English. A check that lists everything still missing (a decision's
completeness) returns `Problem`s: the same three parts, without raising.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms


class ServiceError(Exception):
    """A change the service refuses. str(exc) is the message; subclasses may also subclass ValueError or
    RuntimeError, so callers that caught those still do."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message

    def form_errors(self) -> list[tuple[str | None, str]]:
        """Each (field, message) the refusal puts on a form; one that finds several problems at once
        (a policy change, a case's declarations) lists them all."""
        return [(self.field, self.message)]


@dataclass(frozen=True)
class Problem:
    """One thing that stops a step (finalising a decision): `code` for code, `message` for the user, and the
    form field that puts it right when there is one."""

    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return self.message


def add_to_form(form: forms.BaseForm, exc: ServiceError) -> None:
    """Show a service's refusal on the form: against its field when the form has that field, else as an
    error about the whole form (the error summary lists both)."""
    for field, message in exc.form_errors():
        form.add_error(field if field is not None and field in form.fields else None, message)
