"""The dashboard's sections: which alert kinds it shows, in what order, and to whom.

Each section is shown only to those who act on it (`SectionSpec.perms`, held at the site). The page (`views`) and the
daily digest (`reminders`) both read this: a coordinator is emailed only what their dashboard shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.dashboard.clocks import Kind

# Those who put cases to the panel and those who decide them watch the decision clocks.
DECIDERS = (Perm.PANEL_MANAGE, Perm.DECISION_FINALISE)


@dataclass(frozen=True)
class SectionSpec:
    kind: str
    slug: str  # the section's anchor on the dashboard and its full list's path (route name "dashboard:<slug>")
    date_label: str  # lazy: in the page's language
    perms: tuple[Perm, ...]  # shown to users holding one of these at the site: those who act on it
    timing: str = "due"  # "due": overdue, today or in N days; "since": N days ago

    def visible_to(self, user, site: Site) -> bool:
        return any(has_perm(user, perm, site.pk) for perm in self.perms)


# The page's sections, in the order it shows them.
SECTIONS: list[SectionSpec] = [
    SectionSpec(Kind.RG_OVERDUE, "rg-overdue", _("Was due"), DECIDERS),
    SectionSpec(Kind.RG_DUE_SOON, "rg-due-soon", _("Due"), DECIDERS),
    SectionSpec(Kind.CG_READY, "cg-ready", _("Could be decided from"), DECIDERS),
    SectionSpec(Kind.CG_RECOVERY, "cg-recovery", _("Can be decided from"), DECIDERS),
    SectionSpec(Kind.RECONSIDERATION_OPEN, "reconsideration", _("Window ends"), (Perm.RECONSIDERATION_RECORD,)),
    SectionSpec(Kind.TURNING_18_CUT_OFF, "turning-18-cut-off", _("18th birthday"), DECIDERS),
    SectionSpec(Kind.TURNING_18, "turning-18", _("18th birthday"), (Perm.CASE_TRANSFER,)),
    SectionSpec(Kind.ADULT_CONSENT, "adult-consent", _("18th birthday"), (Perm.CASE_TRANSFER,)),
    SectionSpec(Kind.SITTING_STALE, "sittings-stale", _("Sitting day"), (Perm.PANEL_MANAGE, Perm.SITTING_RUN)),
    SectionSpec(Kind.LETTERS_NOT_PRODUCED, "letters-not-produced", _("Decided"), (Perm.LETTER_PRODUCE,), "since"),
    SectionSpec(Kind.NOT_EXPLAINED, "not-explained", _("Decided"), (Perm.LETTER_PRODUCE,), "since"),
    SectionSpec(Kind.WITHOUT_GUARDIAN, "without-guardian", _("Referred"), (Perm.PLAN_MANAGE,), "since"),
    SectionSpec(Kind.MISSING_NOW, "missing-now", _("Went missing"), (Perm.OUTCOME_VIEW_SITE,), "since"),
    SectionSpec(Kind.RETURN_INTERVIEW, "return-interviews", _("Due"), (Perm.OUTCOME_VIEW_SITE,)),
    SectionSpec(Kind.ACTION_OVERDUE, "actions-overdue", _("Was due"), (Perm.PLAN_MANAGE,)),
    SectionSpec(Kind.INFORMATION_OVERDUE, "information-overdue", _("Was due"), (Perm.INFORMATION_REQUEST,)),
    SectionSpec(Kind.PROTOCOL_REVIEW, "protocols-review", _("Review date"), (Perm.INFORMATION_REQUEST,)),
]
SECTION_BY_KIND = {spec.kind: spec for spec in SECTIONS}
