"""The roles a user holds at a site: what the access policy grants permissions to.

Defined here, below the accounts app that stores who holds which role (`accounts.Membership`), so the
policy can name them without importing accounts (.importlinter layers).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Role(models.TextChoices):
    FIRST_RESPONDER = "first_responder", _("First responder")
    COORDINATOR = "coordinator", _("Panel coordinator")
    CHAIR = "chair", _("Panel chair")
    PANEL_MEMBER = "panel_member", _("Panel member")
    ADVISER = "adviser", _("Advisory attendee")
    ICTG = "ictg", _("Independent Child Trafficking Guardian")
    SCA_QUALITY_ASSURER = "sca_quality_assurer", _("SCA quality assurer")
    ANALYST = "analyst", _("Analyst")
    SITE_ADMIN = "site_admin", _("Site administrator")
    # Approves anonymisation at the end of the retention schedule and places legal holds (retention app).
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    # Approves or rejects what the site's practitioners submit to the shared evidence library (learning app).
    LIBRARY_MODERATOR = "library_moderator", _("Library moderator")


# What each role is for, in a sentence, under each role on the site administrator's pages (domain.md, "Who uses
# it"): what the holder does and what they see. Every role has one (access/tests). Marked for the Welsh catalogue
# only: the page translates them (accounts/views.py), so they stay plain strings here.
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.FIRST_RESPONDER: gettext_noop(
        "Refers children and follows their own referrals: sees only the referrals they sent, "
        "their progress and the outcome letter"
    ),
    Role.COORDINATOR: gettext_noop(
        "Runs the panel: triages referrals, builds the case papers, schedules sittings, records "
        "decisions, plans, letters and returns. Sees every case of the site"
    ),
    Role.CHAIR: gettext_noop(
        "Chairs sittings, checks quorum and conflicts, and signs off decisions. Sees the cases on the "
        "agenda of the sittings they chair"
    ),
    Role.PANEL_MEMBER: gettext_noop(
        "Sits on the panel for their agency and votes. Sees the case papers of a sitting they are "
        "invited to while it is open. Also needs a seat on the panel"
    ),
    Role.ADVISER: gettext_noop(
        "Advises the panel without a vote (education, youth justice, specialist services). Sees only "
        "the papers shared for a sitting"
    ),
    Role.ICTG: gettext_noop(
        "The child's guardian: attends without a vote and explains the decision to the child. Sees the "
        "children allocated to them, their plans and letters"
    ),
    Role.SCA_QUALITY_ASSURER: gettext_noop(
        "Home Office: reads the decisions sent for audit and records findings. Sees no child's record in this service"
    ),
    Role.ANALYST: gettext_noop(
        "Statistics, equality monitoring and evaluation. Sees totals, and pseudonymised extracts under "
        "a data-sharing agreement in force; never a child's record"
    ),
    Role.SITE_ADMIN: gettext_noop(
        "Adds people to the site, gives and removes roles, and sets the site's decision policy. Sees no child's record"
    ),
    Role.DATA_PROTECTION_OFFICER: gettext_noop(
        "Approves anonymisation when records pass their retention date, places "
        "legal holds and approves data-sharing agreements for evaluation. Sees references and dates, not names"
    ),
    Role.LIBRARY_MODERATOR: gettext_noop(
        "Approves or rejects what the site's practitioners submit to the shared evidence "
        "library. Sees no child's record"
    ),
}
