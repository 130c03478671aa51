"""The roles a user holds at a site: what the access policy grants permissions to.

Defined here, below the accounts app that stores who holds which role (`accounts.Membership`), so the
policy can name them without importing accounts (.importlinter layers).
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    FIRST_RESPONDER = "first_responder", "First responder"
    COORDINATOR = "coordinator", "Panel coordinator"
    CHAIR = "chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    ADVISER = "adviser", "Advisory attendee"
    ICTG = "ictg", "Independent Child Trafficking Guardian"
    SCA_QUALITY_ASSURER = "sca_quality_assurer", "SCA quality assurer"
    ANALYST = "analyst", "Analyst"
    SITE_ADMIN = "site_admin", "Site administrator"
    # Approves anonymisation at the end of the retention schedule and places legal holds (retention app).
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
