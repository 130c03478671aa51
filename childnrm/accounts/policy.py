"""A site's decision policy as versioned data (issue 8 rule 12).

The site's own fields hold the current values (read on every clock and decision); each change also
writes a new SitePolicy version, never edited, so a decision records the version it was made under.
A site administrator changes the policy only through `policy_change`, which holds every value to the
limits below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import DayBasis, Site, SitePolicy, TieRule, User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError

# The fields of Site that make up its policy (migration accounts/0005 records the same list).
POLICY_FIELDS: tuple[str, ...] = (
    "rg_due_days",
    "rg_due_basis",
    "recovery_period_days",
    "rg_and_cg_at_one_sitting",
    "negative_second_review",
    "reconsideration_window_days",
    "information_request_days",
    "turning_18_warning_days",
    "tie_rule",
)

PURPOSE = PURPOSES[Perm.SITE_POLICY_MANAGE]


@dataclass(frozen=True)
class DayLimit:
    """The lowest and highest number of days a site may set, with the message for each refusal."""

    minimum: int
    maximum: int
    too_low: str | Promise
    too_high: str | Promise
    not_a_number: str | Promise


# The limits, in one table. Sources are /work/shared/domain.md steps 3, 4, 5, 11 and 13.
#
# | setting                          | min | max | why                                                        |
# |----------------------------------|-----|-----|------------------------------------------------------------|
# | RG due, calendar days            |   1 |  45 | pilot panels decide no later than 45 days from referral    |
# | RG due, working days             |   1 |  26 | 26 working days always ends within those 45 calendar days, |
# |                                  |     |     | over Christmas and Easter too (checked against the clocks) |
# | recovery period (calendar days)  |  30 |  90 | 30 days is the national minimum; 0 is not a recovery       |
# |                                  |     |     | period ("RG and CG at one sitting" is the separate switch) |
# | reconsideration window (days)    |  30 |  90 | the child's national right is 30 calendar days: a site may |
# |                                  |     |     | be more generous, never less                               |
# | information request (days)       |   1 |  45 | an answer due after the RG decision's latest day is no use |
# | turning-18 warning (days)        | 100 | 365 | no later than the 100-day cut-off at referral, so consent  |
# |                                  |     |     | and adult support are planned well ahead (step 13)         |
_RG_NOT_A_NUMBER = _("Enter the number of days the panel has to make the reasonable grounds decision, like 45")
RG_DUE_CALENDAR = DayLimit(
    1,
    45,
    _("The reasonable grounds decision must be due at least 1 day after referral"),
    _("The reasonable grounds decision must be due no more than 45 calendar days after referral, the pilot's limit"),
    _RG_NOT_A_NUMBER,
)
RG_DUE_WORKING = DayLimit(
    1,
    26,
    _("The reasonable grounds decision must be due at least 1 working day after referral"),
    _(
        "The reasonable grounds decision must be due no more than 26 working days after referral. More working days "
        "can go past the pilot's limit of 45 calendar days"
    ),
    _RG_NOT_A_NUMBER,
)
DAY_LIMITS: dict[str, DayLimit] = {
    "recovery_period_days": DayLimit(
        30,
        90,
        _(
            "The recovery period must be at least 30 days, the national minimum. To take both decisions at one "
            "sitting, choose that setting instead"
        ),
        _("The recovery period must be 90 days or fewer"),
        _("Enter the recovery period as a number of days, like 30"),
    ),
    "reconsideration_window_days": DayLimit(
        30,
        90,
        _("The time to ask for reconsideration must be at least 30 days, the national minimum"),
        _("The time to ask for reconsideration must be 90 days or fewer"),
        _("Enter the time to ask for reconsideration as a number of days, like 30"),
    ),
    "information_request_days": DayLimit(
        1,
        45,
        _("Agencies must have at least 1 day to answer a request for information"),
        _(
            "Agencies must answer a request for information within 45 days, the latest a reasonable grounds decision "
            "can be made"
        ),
        _("Enter the number of days agencies have to answer, like 10"),
    ),
    "turning_18_warning_days": DayLimit(
        100,
        365,
        _("The turning 18 warning must start at least 100 days before the 18th birthday"),
        _("The turning 18 warning must start no more than 365 days before the 18th birthday"),
        _("Enter the number of days before the 18th birthday the warning starts, like 180"),
    ),
}
BOOLEAN_FIELDS = {
    "rg_and_cg_at_one_sitting": _("Select whether both decisions may be taken at one sitting"),
    "negative_second_review": _("Select whether negative decisions have a second review"),
}
CHOICE_FIELDS = {
    "rg_due_basis": (DayBasis.values, _("Select calendar days or working days")),
    "tie_rule": (TieRule.values, _("Select what happens when the votes are tied")),
}
REASON_REQUIRED = _("Enter why the policy is changing")
UNCHANGED = _("The policy is the same as the one in force. Change at least one setting")


# How each setting is named where people read the policy and its history.
LABELS: dict[str, str | Promise] = {
    "rg_due_days": _("Reasonable grounds decision due"),
    "rg_due_basis": _("Days counted as"),
    "recovery_period_days": _("Recovery period"),
    "rg_and_cg_at_one_sitting": _("Both decisions at one sitting"),
    "negative_second_review": _("Second review of negative decisions"),
    "tie_rule": _("When the votes are tied"),
    "reconsideration_window_days": _("Time to ask for reconsideration"),
    "information_request_days": _("Time agencies have to answer a request for information"),
    "turning_18_warning_days": _("Turning 18 warning starts"),
}


def describe(name: str, value: Any) -> str:
    """A setting's value in words, e.g. '30 days' or 'Yes'."""
    if value is None:
        return gettext("Not set")
    if name in BOOLEAN_FIELDS:
        return gettext("Yes") if value else gettext("No")
    if name == "rg_due_basis":
        return str(DayBasis(value).label) if value in DayBasis.values else str(value)
    if name == "tie_rule":
        return str(TieRule(value).label) if value in TieRule.values else str(value)
    if name == "rg_due_days":
        return ngettext("%(count)s day after referral", "%(count)s days after referral", value) % {"count": value}
    if name == "turning_18_warning_days":
        return ngettext("%(count)s day before the 18th birthday", "%(count)s days before the 18th birthday", value) % {
            "count": value
        }
    return ngettext("%(count)s day", "%(count)s days", value) % {"count": value}


class PolicyInvalid(ServiceError):
    """A policy change the service refuses. `errors` maps each field (None: the whole change) to a message
    written for the page."""

    def __init__(self, errors: dict[str | None, str | Promise]) -> None:
        errors = {name: str(message) for name, message in errors.items()}  # in the page's language
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors

    def form_errors(self) -> list[tuple[str | None, str]]:
        return list(self.errors.items())


class PolicyUnchanged(PolicyInvalid):
    def __init__(self) -> None:
        super().__init__({None: UNCHANGED})


def policy_values(site: Site) -> dict:
    return {name: getattr(site, name) for name in POLICY_FIELDS}


def current_policy(site: Site) -> SitePolicy:
    """The site's policy version now in force; a site made without one (e.g. in set-up) gets version 1."""
    latest = SitePolicy.objects.filter(site=site).order_by("-version").first()
    if latest is not None:
        return latest
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)
        latest = SitePolicy.objects.filter(site=site).order_by("-version").first()
        if latest is None:
            latest = SitePolicy.objects.create(site=site, version=1, values=policy_values(site))
    return latest


def policy_history(site: Site) -> list[SitePolicy]:
    """Every version of the site's policy, newest first, each with `changes`: (setting, before, after) in
    words against the version before it (none for the first version)."""
    current_policy(site)
    versions = list(SitePolicy.objects.filter(site=site).select_related("changed_by").order_by("-version"))
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        before = older.values if older is not None else newer.values
        newer.changes = [
            (LABELS[name], describe(name, before.get(name)), describe(name, newer.values.get(name)))
            for name in POLICY_FIELDS
            if before.get(name) != newer.values.get(name)
        ]
    return versions


def _day_error(value: Any, limit: DayLimit) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return limit.not_a_number
    if value < limit.minimum:
        return limit.too_low
    if value > limit.maximum:
        return limit.too_high
    return None


def policy_errors(values: dict[str, Any]) -> dict[str | None, str | Promise]:
    """Each value against its limits; an empty dict when the whole policy may be in force."""
    errors: dict[str | None, str | Promise] = {}
    for name, (choices, message) in CHOICE_FIELDS.items():
        if values.get(name) not in choices:
            errors[name] = message
    for name, message in BOOLEAN_FIELDS.items():
        if not isinstance(values.get(name), bool):
            errors[name] = message
    # The RG due days are limited by their basis: 45 calendar days are fewer than 45 working days.
    rg_limit = RG_DUE_WORKING if values.get("rg_due_basis") == DayBasis.WORKING else RG_DUE_CALENDAR
    problem = _day_error(values.get("rg_due_days"), rg_limit)
    if problem:
        errors["rg_due_days"] = problem
    for name, limit in DAY_LIMITS.items():
        problem = _day_error(values.get(name), limit)
        if problem:
            errors[name] = problem
    return {name: errors[name] for name in POLICY_FIELDS if name in errors}


def policy_change(
    site: Site, user: User, values: dict[str, Any], reason: str, audit: AuditContext | None = None
) -> SitePolicy:
    """Put a new version of the site's policy in force: the site's fields and a new SitePolicy, at once.

    `values` may name some or all of POLICY_FIELDS (the rest keep their current value). Refused with
    PolicyInvalid, field by field, when a value is out of its limits, no reason is given or nothing changes.
    """
    if not has_perm(user, Perm.SITE_POLICY_MANAGE, site.pk):
        raise PermissionDenied
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise PolicyInvalid({None: f"Unknown policy settings: {', '.join(sorted(unknown))}"})
    reason = (reason or "").strip()
    with transaction.atomic():
        # The lock makes two administrators' changes one after the other: neither is lost or misnumbered.
        locked = Site.objects.select_for_update().get(pk=site.pk)
        before = policy_values(locked)
        after = {**before, **values}
        errors = policy_errors(after)
        if not reason:
            errors["reason"] = REASON_REQUIRED
        if errors:
            raise PolicyInvalid(errors)
        changed = [name for name in POLICY_FIELDS if after[name] != before[name]]
        if not changed:
            raise PolicyUnchanged()
        previous = current_policy(locked)
        for name in changed:
            setattr(locked, name, after[name])
        locked.save(update_fields=changed)
        version = SitePolicy.objects.create(
            site=locked, version=previous.version + 1, values=after, reason=reason, changed_by=user
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=version,
            site_id=locked.pk,
            purpose=PURPOSE,
            detail={
                "version": version.version,
                "reason": reason,
                "old": {name: before[name] for name in changed},
                "new": {name: after[name] for name in changed},
            },
        )
    for name in changed:
        setattr(site, name, after[name])
    return version
