"""An action someone owns and reports progress on: a safeguarding plan's actions and a case review's actions
share their statuses and the form that records progress, so that the two read and behave the same."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukFormMixin


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class ActionProgressForm(GovukFormMixin, forms.Form):
    """The action's status; a subclass adds its `note` question. Cancelling is offered only to those who may."""

    non_field_anchor = "main-content"
    status = forms.ChoiceField(
        label=_("Status"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the action's status"), "invalid_choice": _("Select the action's status")},
    )

    def __init__(self, *args: Any, can_cancel: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(ActionStatus.choices)
        if not can_cancel:
            choices = [c for c in choices if c[0] != ActionStatus.CANCELLED]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
