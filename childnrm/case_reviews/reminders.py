"""The daily case review action reminders (run by the dashboard's daily task), chased like safeguarding plan
actions: each open action past its due date is sent to its owner once a day, with the owner's other overdue
actions in one email. An action whose owner can no longer act on it (their account closed, or they no longer
hold the role at the site) goes to the site's coordinators instead, so it is not lost.

Each action is claimed for the day on its own row (a conditional update of `reminded_on`) in the transaction
that sends the email: a second run the same day sends nothing it sent. Each email goes by itself
(kit.mail.send_each): one refused stops none of the others, nor the sites after. When none of a site's emails went
(the mail server down), its claims are undone, for a later run the same day; when some went, they stand (the
failure is logged without the address, and the daily task fails at its end).
Emails carry references and links only: no child's name, no words of the review. Each is in its reader's
language: their own choice, else the site's default (ADR 0023).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from childnrm.accounts.middleware import address_language
from childnrm.accounts.models import Site, User
from childnrm.case_reviews.models import OPEN_ACTION_STATUSES, ReviewAction
from childnrm.case_reviews.selectors import may_own_actions
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.referrals.tasks import site_coordinators

logger = logging.getLogger(__name__)


@dataclass
class ActionReminderRun:
    today: date
    emails: int = 0
    overdue: int = 0  # actions chased
    unowned: int = 0  # of those, sent to the coordinators because the owner can no longer act on them
    sites: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "emails": self.emails,
            "overdue": self.overdue,
            "unowned": self.unowned,
            "sites": self.sites,
        }


def overdue_actions(site: Site, today: date):
    return (
        ReviewAction.objects.filter(review__site=site, status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
        .select_related("review", "owner")
        .order_by("due_on", "id")
    )


def _claim(action: ReviewAction, today: date) -> bool:
    """Mark the action chased today; False if this or another run already did."""
    claimed = (
        ReviewAction.objects.filter(pk=action.pk, status__in=OPEN_ACTION_STATUSES)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .update(reminded_on=today)
    )
    return claimed == 1


def _line(action: ReviewAction, today: date) -> str:
    """One action, in the language of the email it is written in."""
    late = (today - action.due_on).days
    link = absolute_url(reverse("case_reviews:action", args=[action.pk]))
    text = ngettext(
        "action %(action)s of case review %(reference)s: was due %(day)s (overdue by %(late)s day)",
        "action %(action)s of case review %(reference)s: was due %(day)s (overdue by %(late)s days)",
        late,
    ) % {"action": action.pk, "reference": action.review.reference, "day": long_date(action.due_on), "late": late}
    return f"- {text}\n  {link}"


def _email(to: str, actions: list[ReviewAction], *, unowned: bool, site: Site, today: date) -> EmailMessage:
    """One reader's email, written in their language."""
    count = len(actions)
    with i18n.language(address_language(to, site.default_language)):
        lines = [_line(action, today) for action in actions]
        if unowned:
            opening = ngettext(
                "%(count)s case review action at your site is overdue, and its owner can no longer update it in the "
                "service. Give it a new owner or record progress:",
                "%(count)s case review actions at your site are overdue, and their owners can no longer update them "
                "in the service. Give them a new owner or record progress:",
                count,
            ) % {"count": count}
        else:
            opening = ngettext(
                "You own %(count)s case review action past its due date. Please record progress in the service:",
                "You own %(count)s case review actions past their due date. Please record progress in the service:",
                count,
            ) % {"count": count}
        body = [opening, "", *lines, "", gettext("Do not reply to this email.")]
        subject = ngettext("A case review action is overdue", "Case review actions overdue", count)
    return EmailMessage(subject=subject, body="\n".join(body), to=[to])


def _site_reminders(site: Site, today: date, run: ActionReminderRun) -> dict[str, EmailMessage]:
    """Each reader's email, by `mail.user_key`."""
    owned: dict[str, list[ReviewAction]] = defaultdict(list)
    owners: dict[str, User] = {}  # the owner of each address
    unowned: list[ReviewAction] = []
    able: dict[int, bool] = {}  # owner id -> may still update actions at the site (one query per owner)
    for action in overdue_actions(site, today):
        if not _claim(action, today):
            continue
        run.overdue += 1
        owner = action.owner
        if owner.pk not in able:
            able[owner.pk] = may_own_actions(owner, site.pk)
        if able[owner.pk]:
            owned[owner.email].append(action)
            owners.setdefault(owner.email, owner)
        else:
            run.unowned += 1
            unowned.append(action)
    messages = {
        mail.user_key(owners[email]): _email(email, actions, unowned=False, site=site, today=today)
        for email, actions in sorted(owned.items())
    }
    if unowned:
        for user in site_coordinators(site.pk):
            # A coordinator who also owns an action has two emails: the key tells them apart in the log.
            messages[f"{mail.user_key(user)} (coordinator)"] = _email(
                user.email, unowned, unowned=True, site=site, today=today
            )
    return messages


def case_review_reminders_send(*, today: date) -> ActionReminderRun:
    """Chase every overdue case review action, site by site."""
    run = ActionReminderRun(today=today)
    for site in Site.objects.filter(active=True).order_by("pk"):
        counted = (run.overdue, run.unowned)
        with transaction.atomic():
            sent = mail.send_each(f"case review action reminder ({site.slug})", _site_reminders(site, today, run))
            if sent.failed and not sent.sent:  # nobody was told: nothing stays claimed (the docstring above)
                transaction.set_rollback(True)
                run.overdue, run.unowned = counted
        if sent.sent:
            run.emails += len(sent.sent)
            run.sites.append(site.slug)
    logger.info(
        "Case review action reminders for %s: %d email(s), %d action(s) overdue",
        today.isoformat(),
        run.emails,
        run.overdue,
    )
    return run
