"""The daily reminders: a digest for each site's coordinators and a note to each owner of overdue actions.

Once a day at most per item: each item reminded is claimed by inserting a dashboard.Reminder row
(unique on kind, object and day) before the email goes, in the same transaction, so a second run
on the same day (a retry, a second worker) sends nothing it already sent, and a failed send leaves
nothing claimed. Emails carry references and links only: no child's name or details, in the
subject or the body (email leaves the service's protection).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse

from childnrm.accounts.models import Site
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Alert, Kind
from childnrm.dashboard.models import Reminder
from childnrm.information.services import chase_overdue
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.referrals.tasks import site_coordinator_emails
from childnrm.safeguarding.models import PlanAction

logger = logging.getLogger(__name__)

DIGEST_LIMIT = 200  # items of each kind in one digest; the dashboard has the rest
OWNER_KIND = "plan_action_owner"  # the reminder to an action's owner (the digest uses the alert kinds)


@dataclass
class ReminderRun:
    today: date
    digests: int = 0  # emails to coordinators
    owner_emails: int = 0
    items: int = 0  # reminder rows written
    chased: int = 0  # overdue information requests chased (the information app's own chase)
    sites: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "digests": self.digests,
            "owner_emails": self.owner_emails,
            "items": self.items,
            "chased": self.chased,
            "sites": self.sites,
        }


def _claim(site: Site, kind: str, object_type: str, object_id: str, today: date) -> Reminder | None:
    """Insert the reminder row for this item and day, or None if it was already sent today."""
    if Reminder.objects.filter(kind=kind, object_type=object_type, object_id=object_id, sent_on=today).exists():
        return None
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                site=site, kind=kind, object_type=object_type, object_id=object_id, sent_on=today
            )
    except IntegrityError:  # another run claimed it a moment ago
        return None


def _day(day: date) -> str:
    return long_date(day)


def _when(alert: Alert) -> str:
    if alert.kind in (Kind.RG_OVERDUE, Kind.ACTION_OVERDUE, Kind.INFORMATION_OVERDUE):
        return f"was due {_day(alert.date)} (overdue by {alert.overdue_by} day{'s' if alert.overdue_by != 1 else ''})"
    if alert.kind == Kind.RG_DUE_SOON:
        return f"due {_day(alert.date)}" + (" (today)" if alert.days == 0 else f" (in {alert.days} days)")
    if alert.kind in (Kind.CG_RECOVERY, Kind.CG_READY):
        return f"conclusive grounds can be decided from {_day(alert.date)}"
    if alert.kind == Kind.RECONSIDERATION_OPEN:
        return f"reconsideration window ends {_day(alert.date)}"
    if alert.kind == Kind.ADULT_CONSENT:
        return f"turned 18 on {_day(alert.date)}: their consent to remain in the NRM is not recorded"
    if alert.kind == Kind.SITTING_STALE:
        return f"still in session since {_day(alert.date)}: close it so undecided cases are carried on"
    if alert.kind == Kind.PROTOCOL_REVIEW:
        return f"to be reviewed by {_day(alert.date)}" + (" (lapsed)" if alert.days < 0 else "")
    return f"turns 18 on {_day(alert.date)}"


def _line(alert: Alert) -> str:
    """One item by reference only."""
    parts = []
    if alert.referral_reference:
        parts.append(f"case {alert.referral_reference}")
    if alert.child_reference:
        parts.append(f"child record {alert.child_reference}")
    if alert.kind == Kind.ACTION_OVERDUE:
        parts.insert(0, f"action {alert.object_id}")
    if alert.kind == Kind.INFORMATION_OVERDUE:
        parts.insert(0, f"request {alert.note.split(' ')[0]}")
    if alert.kind == Kind.SITTING_STALE:
        parts.append(f"sitting {alert.object_id}")
    if alert.kind == Kind.PROTOCOL_REVIEW:
        parts.append(f"information-sharing protocol {alert.object_id} with {alert.note}")
    return f"- {', '.join(parts)}: {_when(alert)}"


def _digest(site: Site, alerts: list[Alert], more: dict[str, int], email: str) -> EmailMessage:
    by_kind: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_kind[alert.kind].append(alert)
    lines = [f"Today's reminders for {site.name}: {len(alerts)} item{'s' if len(alerts) != 1 else ''}.", ""]
    for kind, label in clocks.KIND_LABELS.items():
        if kind not in by_kind:
            continue
        lines.append(f"{label}:")
        lines += [_line(a) for a in by_kind[kind]]
        if more.get(kind):
            lines.append(f"- and {more[kind]} more on the dashboard")
        lines.append("")
    lines += [
        f"The dashboard: {absolute_url(reverse('dashboard:site', args=[site.slug]))}",
        "",
        "Do not reply to this email.",
    ]
    return EmailMessage(
        subject=f"Daily reminders: {len(alerts)} item{'s' if len(alerts) != 1 else ''} due or overdue",
        body="\n".join(lines),
        to=[email],
    )


def _owner_note(actions: list[PlanAction], today: date, email: str) -> EmailMessage:
    several = len(actions) != 1
    lines = [
        f"You own {len(actions)} safeguarding plan action{'s' if several else ''} past {'their' if several else 'its'}"
        " due date:",
        "",
    ]
    for action in actions:
        overdue = (today - action.due_on).days
        lines.append(
            f"- action {action.pk} for child record {action.plan.child.reference}: was due {_day(action.due_on)}"
            f" (overdue by {overdue} day{'s' if overdue != 1 else ''})"
        )
    lines += ["", "Please update its progress in the service:", absolute_url("/"), "", "Do not reply to this email."]
    return EmailMessage(subject="Safeguarding actions overdue", body="\n".join(lines), to=[email])


def _site_digest(site: Site, today: date, run: ReminderRun) -> list[EmailMessage]:
    recipients = site_coordinator_emails(site.pk)
    if not recipients:
        return []
    alerts = clocks.site_alerts(site, today=today, limit=DIGEST_LIMIT, kinds=clocks.CLOCK_KINDS)
    claimed = []
    for alert in alerts.all_items():
        reminder = _claim(site, alert.kind, alert.object_type, alert.object_id, today)
        if reminder is not None:
            claimed.append((alert, reminder))
    if not claimed:
        return []
    Reminder.objects.filter(pk__in=[r.pk for _, r in claimed]).update(recipients=len(recipients))
    run.items += len(claimed)
    more = {kind: alert_list.more for kind, alert_list in alerts.lists.items()}
    return [_digest(site, [a for a, _ in claimed], more, email) for email in recipients]


def _owner_notes(site: Site, today: date, run: ReminderRun) -> list[EmailMessage]:
    actions = clocks.actions_overdue(site, today).filter(owner__isnull=False, owner__is_active=True)
    by_owner: dict[str, list[PlanAction]] = defaultdict(list)
    for action in actions:
        reminder = _claim(site, OWNER_KIND, PlanAction._meta.label_lower, str(action.pk), today)
        if reminder is not None:
            Reminder.objects.filter(pk=reminder.pk).update(recipients=1)
            by_owner[action.owner.email].append(action)
            run.items += 1
    return [_owner_note(owned, today, email) for email, owned in sorted(by_owner.items())]


def daily_reminders_send(*, today: date) -> ReminderRun:
    """Send today's reminders for every active site, then chase overdue information requests."""
    run = ReminderRun(today=today)
    for site in Site.objects.filter(active=True).order_by("pk"):
        with transaction.atomic():
            digests = _site_digest(site, today, run)
            notes = _owner_notes(site, today, run)
            if digests or notes:
                get_connection().send_messages(digests + notes)
        run.digests += len(digests)
        run.owner_emails += len(notes)
        if digests or notes:
            run.sites.append(site.slug)
    run.chased = chase_overdue(today)
    logger.info(
        "Daily reminders for %s: %d digest(s), %d owner email(s), %d item(s)",
        today.isoformat(),
        run.digests,
        run.owner_emails,
        run.items,
    )
    return run
