"""The daily reminders: a digest for each site's coordinators and a note to each owner of overdue actions.

Once a day at most per item: each item reminded is claimed by inserting a dashboard.Reminder row
(unique on kind, object and day) before the email goes, in the same transaction, so a second run
on the same day (a retry, a second worker) sends nothing it already sent. Each email goes by itself
(kit.mail.send_each): one refused stops none of the others, nor the sites after, nor the chase. When
none of a site's emails went (the mail server down), its claims are undone, for a later run the same
day; when some went, they stand, and whoever's email failed has the items again in tomorrow's (the
failure is logged without the address, and the daily task fails at its end). Emails carry references
and links only: no child's name or details, in the subject or the body (email leaves the service's
protection). Each is in its reader's language: their own choice, else their site's default (ADR 0023).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from childnrm.access.policy import Perm, has_perm
from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import Role, Site, User
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Alert, Kind
from childnrm.dashboard.models import Reminder
from childnrm.dashboard.sections import SECTION_BY_KIND
from childnrm.information.services import chase_overdue
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.kit.welsh_mutation import welsh_format
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


def _overdue(day: date, by: int) -> str:
    return ngettext("was due %(day)s (overdue by %(count)d day)", "was due %(day)s (overdue by %(count)d days)", by) % {
        "day": _day(day),
        "count": by,
    }


def _when(alert: Alert) -> str:
    day = _day(alert.date)
    if alert.kind in (Kind.RG_OVERDUE, Kind.ACTION_OVERDUE, Kind.INFORMATION_OVERDUE):
        return _overdue(alert.date, alert.overdue_by)
    if alert.kind == Kind.RETURN_INTERVIEW and alert.overdue_by:
        return _overdue(alert.date, alert.overdue_by)
    if alert.kind in (Kind.RG_DUE_SOON, Kind.RETURN_INTERVIEW):
        if alert.days == 0:
            return gettext("due %(day)s (today)") % {"day": day}
        return ngettext("due %(day)s (in %(count)d day)", "due %(day)s (in %(count)d days)", alert.days) % {
            "day": day,
            "count": alert.days,
        }
    if alert.kind in (Kind.CG_RECOVERY, Kind.CG_READY):
        return gettext("conclusive grounds can be decided from %(day)s") % {"day": day}
    if alert.kind == Kind.RECONSIDERATION_OPEN:
        return gettext("reconsideration window ends %(day)s") % {"day": day}
    if alert.kind == Kind.ADULT_CONSENT:
        return gettext("turned 18 on %(day)s: their consent to remain in the NRM is not recorded") % {"day": day}
    if alert.kind == Kind.SITTING_STALE:
        return gettext("still in session since %(day)s: close it so undecided cases are carried on") % {"day": day}
    if alert.kind == Kind.MISSING_NOW:
        return gettext("missing since %(day)s") % {"day": day}
    if alert.kind == Kind.PROTOCOL_REVIEW:
        if alert.days < 0:
            return gettext("to be reviewed by %(day)s (lapsed)") % {"day": day}
        return gettext("to be reviewed by %(day)s") % {"day": day}
    return gettext("turns 18 on %(day)s") % {"day": day}


def _line(alert: Alert) -> str:
    """One item by reference only."""
    parts = []
    if alert.referral_reference:
        parts.append(gettext("case %(reference)s") % {"reference": alert.referral_reference})
    if alert.child_reference:
        parts.append(gettext("child record %(reference)s") % {"reference": alert.child_reference})
    if alert.kind == Kind.ACTION_OVERDUE:
        parts.insert(0, gettext("action %(number)s") % {"number": alert.object_id})
    if alert.kind == Kind.INFORMATION_OVERDUE:
        parts.insert(0, gettext("request %(reference)s") % {"reference": alert.note.split(" ")[0]})
    if alert.kind == Kind.SITTING_STALE:
        parts.append(gettext("sitting %(number)s") % {"number": alert.object_id})
    if alert.kind == Kind.PROTOCOL_REVIEW:
        parts.append(
            welsh_format(
                gettext("information-sharing protocol %(number)s with %(organisation)s"),
                {"number": alert.object_id, "organisation": alert.note},
            )
        )
    return f"- {', '.join(parts)}: {_when(alert)}"


def _digest(site: Site, alerts: list[Alert], more: dict[str, int], user: User) -> EmailMessage:
    by_kind: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_kind[alert.kind].append(alert)
    count = len(alerts)
    with i18n.language(reader_language(user)):
        lines = [
            ngettext(
                "Today's reminders for %(site)s: %(count)d item.",
                "Today's reminders for %(site)s: %(count)d items.",
                count,
            )
            % {"site": site.display_name, "count": count},
            "",
        ]
        for kind, label in clocks.KIND_LABELS.items():
            if kind not in by_kind:
                continue
            lines.append(f"{label}:")
            lines += [_line(a) for a in by_kind[kind]]
            if more.get(kind):
                lines.append(
                    ngettext(
                        "- and %(count)d more on the dashboard", "- and %(count)d more on the dashboard", more[kind]
                    )
                    % {"count": more[kind]}
                )
            lines.append("")
        lines += [
            gettext("The dashboard: %(link)s") % {"link": absolute_url(reverse("dashboard:site", args=[site.slug]))},
            "",
            gettext("Do not reply to this email."),
        ]
        subject = ngettext(
            "Daily reminders: %(count)d item due or overdue", "Daily reminders: %(count)d items due or overdue", count
        ) % {"count": count}
        return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def _owner_note(actions: list[PlanAction], today: date, user: User) -> EmailMessage:
    with i18n.language(reader_language(user)):
        lines = [
            ngettext(
                "You own %(count)d safeguarding plan action past its due date:",
                "You own %(count)d safeguarding plan actions past their due date:",
                len(actions),
            )
            % {"count": len(actions)},
            "",
        ]
        for action in actions:
            lines.append(
                "- "
                + gettext("action %(number)s for child record %(reference)s: %(when)s")
                % {
                    "number": action.pk,
                    "reference": action.plan.child.reference,
                    "when": _overdue(action.due_on, (today - action.due_on).days),
                }
            )
        lines += [
            "",
            gettext("Please update its progress in the service:"),
            absolute_url("/"),
            "",
            gettext("Do not reply to this email."),
        ]
        return EmailMessage(subject=gettext("Safeguarding actions overdue"), body="\n".join(lines), to=[user.email])


def _coordinators(site: Site) -> list[User]:
    """The site's active coordinators, one each per email address, in address order."""
    return list(
        User.objects.filter(
            memberships__site=site,
            memberships__site__active=True,
            memberships__role=Role.COORDINATOR,
            memberships__active=True,
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def _site_digest(site: Site, today: date, run: ReminderRun) -> dict[str, EmailMessage]:
    """Each coordinator's digest, by `mail.user_key`: of the kinds whose section their dashboard shows them (the
    page's own rule, `sections.SectionSpec.visible_to`), so nobody is emailed children they may not see."""
    recipients = _coordinators(site)
    kinds_of = {
        user.pk: {kind for kind in clocks.DIGEST_KINDS if SECTION_BY_KIND[kind].visible_to(user, site)}
        for user in recipients
    }
    wanted = [kind for kind in clocks.DIGEST_KINDS if any(kind in kinds for kinds in kinds_of.values())]
    if not wanted:
        return {}
    alerts = clocks.site_alerts(site, today=today, limit=DIGEST_LIMIT, kinds=wanted)
    claimed = []
    for alert in alerts.all_items():
        reminder = _claim(site, alert.kind, alert.object_type, alert.object_id, today)
        if reminder is not None:
            claimed.append((alert, reminder))
    if not claimed:
        return {}
    more = {kind: alert_list.more for kind, alert_list in alerts.lists.items()}
    digests = {}
    readers: dict[int, int] = defaultdict(int)  # each reminder's recipients
    for user in recipients:
        theirs = [(alert, reminder) for alert, reminder in claimed if alert.kind in kinds_of[user.pk]]
        if not theirs:
            continue
        for _, reminder in theirs:
            readers[reminder.pk] += 1
        digests[mail.user_key(user)] = _digest(site, [alert for alert, _ in theirs], more, user)
    by_count: dict[int, list[int]] = defaultdict(list)
    for pk, count in readers.items():
        by_count[count].append(pk)
    for count, pks in by_count.items():
        Reminder.objects.filter(pk__in=pks).update(recipients=count)
    run.items += len(claimed)
    return digests


def _owner_notes(site: Site, today: date, run: ReminderRun) -> dict[str, EmailMessage]:
    """Each owner's note of their overdue actions, by `mail.user_key`."""
    actions = clocks.actions_overdue(site, today).filter(owner__isnull=False, owner__is_active=True)
    by_owner: dict[str, list[PlanAction]] = defaultdict(list)
    owners: dict[str, User] = {}
    may_update: dict[int, bool] = {}
    for action in actions:
        owner = action.owner
        if owner is None:  # filtered out above; for the type checker
            continue
        # An owner who can no longer update it here (their role at the site ended, the case moved) is not told to:
        # the action stays in the coordinators' digest, for them to give it to someone else.
        if owner.pk not in may_update:
            may_update[owner.pk] = has_perm(owner, Perm.PLAN_ACTION_UPDATE, site.pk)
        if not may_update[owner.pk]:
            continue
        reminder = _claim(site, OWNER_KIND, PlanAction._meta.label_lower, str(action.pk), today)
        if reminder is not None:
            Reminder.objects.filter(pk=reminder.pk).update(recipients=1)
            by_owner[owner.email].append(action)
            owners[owner.email] = owner
            run.items += 1
    return {
        mail.user_key(owners[email]): _owner_note(owned, today, owners[email])
        for email, owned in sorted(by_owner.items())
    }


def daily_reminders_send(*, today: date) -> ReminderRun:
    """Send today's reminders for every active site, then chase overdue information requests. An email not sent is
    logged, without its address, and the run goes on (run inside `mail.failures_raised`, its task then fails)."""
    run = ReminderRun(today=today)
    for site in Site.objects.filter(active=True).order_by("pk"):
        items = run.items
        with transaction.atomic():
            digests = mail.send_each(f"daily digest ({site.slug})", _site_digest(site, today, run))
            notes = mail.send_each(f"overdue actions note ({site.slug})", _owner_notes(site, today, run))
            if not (digests.sent or notes.sent) and (digests.failed or notes.failed):
                # Nobody was told: nothing stays claimed (the docstring above).
                transaction.set_rollback(True)
                run.items = items
        run.digests += len(digests.sent)
        run.owner_emails += len(notes.sent)
        if digests.sent or notes.sent:
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
