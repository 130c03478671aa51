"""Reminders sent by the daily task: one row per reminder, so a reminder is sent once a day at most."""

from __future__ import annotations

from django.db import models

from childnrm.accounts.models import Site


class Reminder(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)  # a dashboard.clocks alert kind
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    sent_on = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_type", "object_id", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.object_type} {self.object_id}"
