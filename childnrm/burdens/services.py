"""New burdens: logging time on a case, a sitting's length and the site's hourly rates. Every change is audited:
a time entry against itself (it reaches the child through its case), a sitting's length against the sitting,
a rate change against the site's rate with the old and new amounts.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, may_run_sitting, roles_at
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.burdens import selectors
from childnrm.burdens.models import (
    COSTED_ROLES,
    HourlyRate,
    SittingDuration,
    TimeActivity,
    TimeEntry,
    TimeSubject,
    default_rate_pence,
)
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import Referral

LOG_PURPOSE = PURPOSES[Perm.TIME_LOG]
SITTING_PURPOSE = PURPOSES[Perm.PANEL_MANAGE]
RATES_PURPOSE = PURPOSES[Perm.SITE_POLICY_MANAGE]

MAX_ENTRY_MINUTES = 12 * 60  # one entry is at most a long day's work on the case
MAX_SITTING_MINUTES = 12 * 60
NOTE_MAX = 1_000
MAX_RATE_PENCE = 500_00  # £500 an hour: anything above is a typing slip


class BurdenError(ServiceError, ValueError):
    """A change the service refuses; `field` names the form field it is about."""


def costed_role(user, site_id: int) -> str | None:
    """The role the user's time at the site is costed at: the most senior costed role they hold there."""
    held = set(roles_at(user, site_id))
    return next((role for role in COSTED_ROLES if role in held), None)


def time_entry_log(
    *,
    referral: Referral,
    user,
    subject_key: str,
    worked_on: date | None,
    minutes: int,
    activity: str,
    note: str = "",
    audit: AuditContext | None = None,
    today: date | None = None,
) -> TimeEntry:
    """Log time the user spent on the case, against one of its decisions, plans or information requests. Not on a
    case retention anonymised: it is kept for the figures (its time logged stays in them) and nothing more is
    recorded about it (`referrals.anonymised`)."""
    today = today or timezone.localdate()
    note = (note or "").strip()
    if not selectors.works_on(user, referral):
        raise PermissionError("Only people working on the case at its site log time on it.")
    subjects = {s.key: s for s in selectors.subjects_for(user, referral)}
    subject = subjects.get(subject_key)
    if subject is None:
        raise BurdenError(gettext("Select what the time was for"), "subject", "subject")
    if worked_on is None:
        raise BurdenError(gettext("Enter the date you did the work"), "worked_on", "worked_on")
    if worked_on > today:
        raise BurdenError(gettext("The date you did the work must be today or in the past"), "worked_on", "future")
    referred_on = timezone.localtime(referral.submitted_at).date() if referral.submitted_at else None
    if referred_on and worked_on < referred_on:
        raise BurdenError(
            gettext("The date you did the work must be on or after the day the case was referred, %(day)s")
            % {"day": long_date(referred_on)},
            "worked_on",
            "before_referral",
        )
    if not 1 <= minutes <= MAX_ENTRY_MINUTES:
        raise BurdenError(
            gettext("Enter the time you spent, between 1 minute and %(max)s hours") % {"max": MAX_ENTRY_MINUTES // 60},
            "hours",
            "minutes",
        )
    if activity not in TimeActivity.values:
        raise BurdenError(gettext("Select what you were doing"), "activity", "activity")
    if len(note) > NOTE_MAX:
        raise BurdenError(
            gettext("The note must be %(max)s characters or fewer") % {"max": f"{NOTE_MAX:,}"}, "note", "too_long"
        )
    assert referral.site_id is not None  # a case worked on is held by a site
    role = costed_role(user, referral.site_id)
    if role is None:
        raise PermissionError("No role at the case's site whose time is costed.")
    links = {
        TimeSubject.DECISION: {"decision_id": subject.pk},
        TimeSubject.PLAN: {"plan_id": subject.pk},
        TimeSubject.INFORMATION: {"information_request_id": subject.pk},
    }[TimeSubject(subject.kind)]
    with transaction.atomic():
        # Under the case's lock, as retention anonymises it: an entry is in before its note is cleared, or refused.
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if case_anonymised(locked):
            raise BurdenError(case_anonymised_message(locked), None, "anonymised")
        entry = TimeEntry.objects.create(
            referral=referral,
            site_id=referral.site_id,
            user=user,
            role=role,
            subject=subject.kind,
            worked_on=worked_on,
            minutes=minutes,
            activity=activity,
            note=note,
            **links,
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=entry,
            site_id=referral.site_id,
            purpose=LOG_PURPOSE,
            # No note: it may be about the child and stays in the record.
            detail={
                "referral": referral.pk,
                "subject": subject.key,
                "minutes": minutes,
                "worked_on": worked_on.isoformat(),
                "role": role,
            },
        )
    return entry


def sitting_duration_record(
    *, meeting: Meeting, user, minutes: int, audit: AuditContext | None = None
) -> SittingDuration:
    """The coordinator records how long a held sitting lasted (replacing an earlier figure)."""
    if not has_perm(user, Perm.PANEL_MANAGE, meeting.site_id) and not may_run_sitting(
        user, site_id=meeting.site_id, chair_id=meeting.chair_id
    ):
        raise PermissionError("Only whoever runs the panel records how long its sittings lasted.")
    if not 1 <= minutes <= MAX_SITTING_MINUTES:
        raise BurdenError(
            gettext("Enter how long the sitting lasted, between 1 minute and %(max)s hours")
            % {"max": MAX_SITTING_MINUTES // 60},
            "hours",
            "minutes",
        )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.opened_at is None or locked.status == MeetingStatus.CANCELLED:
            raise BurdenError(gettext("Only a sitting that was held has a length to record"), None, "not_held")
        before = SittingDuration.objects.filter(meeting=locked).values_list("minutes", flat=True).first()
        duration, _ = SittingDuration.objects.update_or_create(
            meeting=locked, defaults={"minutes": minutes, "recorded_by": user}
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=SITTING_PURPOSE,
            detail={"record": "sitting length", "old_minutes": before, "new_minutes": minutes},
        )
    return duration


def rates_set(*, site: Site, user, rates: dict[str, int | None], audit: AuditContext | None = None) -> dict[str, int]:
    """The site administrator sets the site's hourly rates (pence; None goes back to the default). Returns the
    rates in force afterwards. Audited with the old and new rate of each role changed."""
    if not has_perm(user, Perm.SITE_POLICY_MANAGE, site.pk):
        raise PermissionError(f"{Perm.SITE_POLICY_MANAGE} needed at site {site.pk}")
    for role, pence in rates.items():
        if role not in COSTED_ROLES:
            raise BurdenError(gettext("Rates are set only for the roles whose time is costed"), None, "role")
        if pence is not None and not 1 <= pence <= MAX_RATE_PENCE:
            raise BurdenError(
                gettext("Enter a rate between £0.01 and £%(max)s an hour") % {"max": f"{MAX_RATE_PENCE // 100:,}"},
                f"rate_{role}",
                "range",
            )
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)  # two changes at once queue up
        before = selectors.site_rates([site.pk])[site.pk]
        own = {r.role: r for r in HourlyRate.objects.filter(site=site)}
        changed: dict[str, dict[str, int]] = {}
        for role, pence in rates.items():
            after = pence if pence is not None else default_rate_pence(role)
            if pence is None:
                if role in own:
                    own[role].delete()
            elif role in own:
                if own[role].pence != pence:
                    HourlyRate.objects.filter(pk=own[role].pk).update(pence=pence, updated_by=user)
            else:
                HourlyRate.objects.create(site=site, role=role, pence=pence, updated_by=user)
            if after != before[role]:
                changed[role] = {"old": before[role], "new": after}
        if not changed:
            raise BurdenError(gettext("These are the rates in force already: change one to save"), None, "same")
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            object_type=HourlyRate._meta.label_lower,
            object_id=str(site.pk),
            site_id=site.pk,
            purpose=RATES_PURPOSE,
            detail={"record": "hourly rates", "changed": changed},
        )
    return selectors.site_rates([site.pk])[site.pk]
