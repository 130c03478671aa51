"""The daily outcome review reminders (run by the dashboard's daily task).

Each review's owners (the child's lead social worker and allocated guardian) are told once when it opens,
four weeks before it is due, and every week while it is overdue. A review nobody owns goes to the site's
coordinators instead, so it is not lost. Each reminder is claimed on the review (a conditional update of its
reminder date) in the transaction that sends the email: a second run the same day sends nothing it sent. Each
email goes by itself (kit.mail.send_each): one refused stops none of the others, nor the sites after. When none
of a site's emails went (the mail server down), its claims are undone, for a later run; when some went, they
stand (the failure is logged without the address, and the daily task fails at its end). Emails carry references
and links only, never a child's name.

Each guardian allocated to a child missing now (an episode with no return recorded) is told that the child is
missing, at once when the episode is recorded (`tasks.missing_guardians_tell_at_once`), and by this run as the
catch-up while the episode is news (`MISSING_TOLD_WITHIN_DAYS`): a guardian allocated later, an email that did not go.
Both tell through `missing_episodes_tell`: each guardian once per episode (`MissingEpisode.guardians_told`, written
under the episode's lock in the transaction that sends, for the emails that went), but not the one who recorded it;
the guardians told are audited on the episode.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from childnrm.accounts.middleware import address_language, reader_language
from childnrm.accounts.models import Site, User
from childnrm.audit.services import Action, audit_record
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.outcomes import selectors, services
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.anonymised import children_anonymised
from childnrm.referrals.tasks import site_coordinators

logger = logging.getLogger(__name__)


@dataclass
class OutcomeReminderRun:
    today: date
    follow_ups_started: int = 0
    emails: int = 0
    due: int = 0  # reviews reminded as due
    overdue: int = 0  # reviews reminded as overdue
    unowned: int = 0  # of those, sent to the coordinators because nobody owns the review
    sites: list[str] = field(default_factory=list)
    missing_told: int = 0  # emails to guardians that their child is missing (not counted in `emails`)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "follow_ups_started": self.follow_ups_started,
            "emails": self.emails,
            "due": self.due,
            "overdue": self.overdue,
            "unowned": self.unowned,
            "sites": self.sites,
            "missing_guardians_told": self.missing_told,
        }


# Why the daily run (and the task at once) reads and updates a missing episode to tell the child's guardian (the
# audit's purpose).
MISSING_TOLD_PURPOSE = "Telling the child's allocated guardian that the child is missing"

# The daily run tells of an episode only while it is news: the child went missing, or it was recorded, in the last
# four weeks (ADR 0035 amendment 3). The guardians are told at once when it is recorded (tasks), so the daily run is
# the catch-up, for a guardian allocated or an email failed in those weeks. Without a bound its first run would email
# every guardian of a child missing for months, recorded long before guardians were told; a guardian allocated later
# than that finds the child missing on their own list ("Your outcome reviews") and the child's record.
MISSING_TOLD_WITHIN_DAYS = 28


def _claim(review: OutcomeReview, overdue: bool, today: date) -> bool:
    """Mark the reminder sent today; False if this or another run already did."""
    reviews = OutcomeReview.objects.filter(pk=review.pk, recorded_at__isnull=True)
    if overdue:
        since = today - timedelta(days=services.OVERDUE_REMINDER_EVERY_DAYS)
        claimed = reviews.filter(Q(overdue_reminder_on__isnull=True) | Q(overdue_reminder_on__lte=since)).update(
            overdue_reminder_on=today
        )
    else:
        claimed = reviews.filter(due_reminder_on__isnull=True).update(due_reminder_on=today)
    return claimed == 1


def _line(review: OutcomeReview, today: date) -> str:
    link = absolute_url(reverse("outcomes:review", args=[review.pk]))
    if review.due_on < today:
        late = (today - review.due_on).days
        when = ngettext(
            "was due %(day)s (overdue by %(late)s day)", "was due %(day)s (overdue by %(late)s days)", late
        ) % {"day": long_date(review.due_on), "late": late}
    else:
        when = gettext("due %(day)s") % {"day": long_date(review.due_on)}
    line = gettext("%(review)s for child record %(reference)s: %(when)s") % {
        "review": review.title,
        "reference": review.child.reference,
        "when": when,
    }
    return f"- {line}\n  {link}"


def _email(to: str, reviews: list[OutcomeReview], unowned: bool, site: Site, today: date) -> EmailMessage:
    """One reader's email, written in their language."""
    with i18n.language(address_language(to, site.default_language)):
        lines = [_line(review, today) for review in reviews]
        count = len(lines)
        if unowned:
            opening = ngettext(
                "%(count)s outcome review at your site is due or overdue, and no lead social worker or guardian in "
                "the service owns it. Record the child's lead social worker or allocate a guardian:",
                "%(count)s outcome reviews at your site are due or overdue, and no lead social worker or guardian in "
                "the service owns them. Record the child's lead social worker or allocate a guardian:",
                count,
            ) % {"count": count}
        else:
            opening = ngettext(
                "Outcome review for children you support is due:",
                "Outcome reviews for children you support are due:",
                count,
            )
        body = [opening, "", *lines, "", gettext("Do not reply to this email.")]
        subject = ngettext("An outcome review is due", "Outcome reviews due", count)
    return EmailMessage(subject=subject, body="\n".join(body), to=[to])


def _site_reminders(site: Site, today: date, run: OutcomeReminderRun) -> dict[str, EmailMessage]:
    """Each reader's email, by `mail.user_key`."""
    opened = today + timedelta(days=services.REVIEW_OPENS_DAYS)
    candidates = (
        OutcomeReview.objects.filter(child__site=site, recorded_at__isnull=True, due_on__lte=opened)
        .select_related("child")
        .order_by("due_on", "id")
    )
    owned: dict[str, list[OutcomeReview]] = defaultdict(list)
    readers: dict[str, User] = {}  # the owner of each address
    unowned: list[OutcomeReview] = []
    for review in candidates:
        overdue = review.due_on < today
        if not _claim(review, overdue, today):
            continue
        if overdue:
            run.overdue += 1
        else:
            run.due += 1
        owners = [u for u in selectors.owners_of(review.child) if u.email]
        if owners:
            for user in owners:
                owned[user.email].append(review)
                readers.setdefault(user.email, user)
        else:
            run.unowned += 1
            unowned.append(review)
    messages = {
        mail.user_key(readers[email]): _email(email, reviews, False, site, today)
        for email, reviews in sorted(owned.items())
    }
    if unowned:
        for user in site_coordinators(site.pk):
            # A coordinator who also owns a review has two emails: the key tells them apart in the log.
            messages[f"{mail.user_key(user)} (coordinator)"] = _email(user.email, unowned, True, site, today)
    return messages


def outcome_reminders_send(*, today: date) -> OutcomeReminderRun:
    """Start any missing follow-ups, then remind owners of reviews that opened or are overdue, site by site."""
    run = OutcomeReminderRun(today=today)
    run.follow_ups_started = len(services.follow_ups_ensure())
    run.missing_told = missing_guardians_tell(today=today)
    for site in Site.objects.filter(active=True).order_by("pk"):
        counted = (run.due, run.overdue, run.unowned)
        with transaction.atomic():
            sent = mail.send_each(f"outcome review reminder ({site.slug})", _site_reminders(site, today, run))
            if sent.failed and not sent.sent:  # nobody was told: nothing stays claimed (the docstring above)
                transaction.set_rollback(True)
                run.due, run.overdue, run.unowned = counted
        if sent.sent:
            run.emails += len(sent.sent)
            run.sites.append(site.slug)
    logger.info(
        "Outcome review reminders for %s: %d email(s), %d due, %d overdue, %d follow-up(s) started",
        today.isoformat(),
        run.emails,
        run.due,
        run.overdue,
        run.follow_ups_started,
    )
    return run


# --- The guardian told their child is missing ---------------------------------------------------


def _missing_email(episode: MissingEpisode, guardian: User) -> EmailMessage:
    """In the guardian's language (ADR 0023): the child's reference, the day they went missing and links only."""
    reference = episode.child.reference
    with i18n.language(reader_language(guardian)):
        body = [
            gettext(
                "The child you are allocated to as guardian (child record %(reference)s) has been recorded as missing "
                "since %(day)s."
            )
            % {"reference": reference, "day": long_date(episode.started_on)},
            "",
            gettext("The child's record: %(link)s")
            % {"link": absolute_url(reverse("people:detail", args=[reference]))},
            gettext("Record their return when they come back: %(link)s")
            % {"link": absolute_url(reverse("outcomes:child", args=[reference]))},
            "",
            gettext("Do not reply to this email."),
        ]
        subject = gettext("Child record %(reference)s: missing") % {"reference": reference}
    return EmailMessage(subject=subject, body="\n".join(body), to=[guardian.email])


def _guardians_in_force(child_ids: list[int]) -> dict[int, list[User]]:
    """Each child's guardians now, by child id: allocated, the allocation in force (`associations_in_force`: the
    guardian holds the guardian's role at the child's active site), with an address to write to."""
    guardians: dict[int, list[User]] = defaultdict(list)
    allocations = (
        ChildAssociation.objects.filter(associations_in_force((AssociationKind.ICTG,)), child_id__in=child_ids)
        .exclude(user__email="")
        .select_related("user")
        .order_by("child_id", "user__full_name", "user_id")
    )
    for allocation in allocations:
        guardians[allocation.child_id].append(allocation.user)
    return guardians


def missing_episodes_tell(episodes: QuerySet[MissingEpisode], what: str) -> int:
    """Tell the guardians of each of `episodes` whose child is missing now that the child is missing, each guardian
    once per episode; the number of emails sent. The one way they are told, by the daily run (a site's episodes) and
    at once when an episode is recorded (`tasks.missing_guardians_tell_at_once`). In one transaction, each episode
    locked and read again before sending (a run at the same moment waits, then finds them told); a guardian whose email
    did not go is told by a later daily run. `what`: the kind of email, for the log (kit.mail.send_each)."""
    # A record retention anonymised is kept for the figures: nobody is told about it (as the dashboard's lists).
    missing = episodes.filter(selectors.MISSING_NOW).exclude(
        child__in=Child.objects.filter(children_anonymised()).values("pk")
    )
    candidates = list(missing.order_by("started_on", "id"))
    if not candidates:
        return 0
    guardians = _guardians_in_force(sorted({e.child_id for e in candidates}))
    told = 0
    with transaction.atomic():
        messages: dict[str, EmailMessage] = {}
        telling: dict[int, tuple[MissingEpisode, dict[str, User]]] = {}
        for episode in candidates:
            # The guardian who recorded the episode knows: not told of their own record.
            readers = [g for g in guardians.get(episode.child_id, ()) if g.pk != episode.recorded_by_id]
            if not readers or all(g.pk in episode.guardians_told for g in readers):
                continue
            # Read again under the lock: still missing, not anonymised meanwhile, and whom it has told by now.
            locked = missing.select_for_update(of=("self",)).filter(pk=episode.pk).select_related("child").first()
            untold = [g for g in readers if locked is not None and g.pk not in locked.guardians_told]
            if locked is None or not untold:
                continue
            keys = {f"{mail.user_key(guardian)} (missing episode {episode.pk})": guardian for guardian in untold}
            telling[episode.pk] = (locked, keys)
            messages.update({key: _missing_email(locked, guardian) for key, guardian in keys.items()})
        if not messages:
            return 0
        sent = set(mail.send_each(what, messages).sent)
        for episode, keys in telling.values():
            went = [guardian for key, guardian in keys.items() if key in sent]
            if not went:  # nobody was told: a later daily run tries again
                continue
            MissingEpisode.objects.filter(pk=episode.pk).update(
                guardians_told=[*episode.guardians_told, *(guardian.pk for guardian in went)]
            )
            told += len(went)
            audit_record(
                action=Action.UPDATE,
                obj=episode,
                site_id=episode.child.site_id,
                purpose=MISSING_TOLD_PURPOSE,
                detail={
                    "record": "missing episode",
                    "guardians_told": [guardian.pk for guardian in went],
                    "not_sent": len(keys) - len(went),
                    "automatic": True,
                },
            )
    return told


def _site_missing_told(site: Site, today: date) -> int:
    """The daily run's catch-up at one site: the guardians not yet told of an episode still news
    (`MISSING_TOLD_WITHIN_DAYS`), one allocated since or whose email did not go."""
    since = today - timedelta(days=MISSING_TOLD_WITHIN_DAYS)
    recorded_since = timezone.make_aware(datetime.combine(since, time.min))
    news = Q(started_on__gte=since) | Q(recorded_at__gte=recorded_since)
    return missing_episodes_tell(
        MissingEpisode.objects.filter(news, child__site=site), f"child missing, to the guardian ({site.slug})"
    )


def missing_guardians_tell(*, today: date) -> int:
    """The daily catch-up: email each guardian allocated to a child missing now, of an episode still news, that the
    child is missing, once per episode each, site by site; the number of emails sent. An email not sent is logged
    without its address (kit.mail)."""
    told = 0
    for site in Site.objects.filter(active=True).order_by("pk"):
        told += _site_missing_told(site, today)
    if told:
        logger.info("Guardians told their child is missing on %s: %d email(s)", today.isoformat(), told)
    return told
