"""Background tasks for referrals: who is told what when a referral is submitted, or sent on to another site at
triage (it then awaits triage there as if it had been sent there).

Emails carry the referral's reference and links only: no child's details, in the subject or the
body (email leaves the service's protection), and no names of other recipients.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.accounts.middleware import address_language, reader_language
from childnrm.accounts.models import Role, Site, User
from childnrm.kit import i18n, mail
from childnrm.kit.links import absolute_url
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.people import linkage
from childnrm.people.locks import link_decisions_held_still
from childnrm.referrals.anonymised import case_anonymised
from childnrm.referrals.models import Referral


def _acknowledgement(referral: Referral) -> EmailMessage:
    """To the referrer, in their language, else the receiving site's default (ADR 0023).

    A referral sent on the web is followed under 'Your referrals'. One an organisation's system sent through the API,
    or a Home Office form imported for it, was created by nobody signed in: no referrer's list shows it, so the
    email gives its reference and tells the referrer to ask the site's panel coordinator.
    """
    site_language = referral.site.default_language if referral.site_id else ""
    with i18n.language(address_language(referral.referrer_email, site_language)):
        if referral.created_by_id is not None:
            body = gettext(
                "Thank you. We have received your referral %(reference)s.\n\n"
                "The panel coordinator will check it and decide who makes the decision. You can follow its "
                "progress under 'Your referrals':\n\n%(link)s\n\n"
                "Do not reply to this email."
            ) % {"reference": referral.reference, "link": absolute_url(reverse("referrals:mine"))}
        else:
            # A submitted referral is always held by a site (referrals.services refuses one no site covers).
            body = welsh_format(
                gettext(
                    "Thank you. We have received your referral %(reference)s.\n\n"
                    "The panel coordinator at %(site)s will check it and decide who makes the decision. To ask how "
                    "it is progressing, contact the panel coordinator at %(site)s and give the reference "
                    "%(reference)s.\n\n"
                    "Do not reply to this email."
                ),
                {"reference": referral.reference, "site": referral.site.display_name if referral.site else ""},
            )
        return EmailMessage(
            subject=gettext("Referral %(reference)s received") % {"reference": referral.reference},
            body=body,
            to=[referral.referrer_email],
        )


def _coordinator_notice(referral: Referral, coordinator: User, from_site: Site | None = None) -> EmailMessage:
    """A referral waiting in the coordinator's triage queue: a new one, or one `from_site` sent on at triage."""
    with i18n.language(reader_language(coordinator)):
        values = {"reference": referral.reference, "link": absolute_url(reverse("triage:queue"))}
        if from_site is None:
            subject = gettext("New referral %(reference)s to triage") % values
            body = (
                gettext(
                    "A new referral, %(reference)s, is waiting for triage in your queue:\n\n"
                    "%(link)s\n\nDo not reply to this email."
                )
                % values
            )
        else:
            values["site"] = from_site.display_name
            subject = welsh_format(gettext("Referral %(reference)s received from %(site)s to triage"), values)
            body = welsh_format(
                gettext(
                    "%(site)s has sent referral %(reference)s on to your site at triage. It is waiting for triage "
                    "in your queue, and its clock runs from when it was first referred:\n\n"
                    "%(link)s\n\nDo not reply to this email."
                ),
                values,
            )
        return EmailMessage(subject=subject, body=body, to=[coordinator.email])


def site_coordinator_emails(site_id: int) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                memberships__site_id=site_id,
                memberships__site__active=True,
                memberships__role=Role.COORDINATOR,
                memberships__active=True,
                is_active=True,
            ).values_list("email", flat=True)
        )
    )


def site_coordinators(site_id: int) -> list[User]:
    """The site's active coordinators, one per email address (as `site_coordinator_emails` finds them), to be
    written to each in their own language."""
    emails = set(site_coordinator_emails(site_id))
    found: dict[str, User] = {}
    for user in User.objects.filter(email__in=emails, is_active=True).order_by("email", "pk"):
        found.setdefault(user.email, user)
    return [found[email] for email in sorted(found)]


@task()
def notify_referral_submitted(referral_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Acknowledge the referral to its referrer and tell the receiving site's coordinators, one email each: one
    refused stops none of the others, and only those not sent are tried again (kit.mail.send_or_retry)."""
    referral = Referral.objects.select_related("site").get(pk=referral_id)
    messages = {}
    if referral.referrer_email:
        messages["referrer"] = _acknowledgement(referral)
    if referral.site_id is not None:
        messages |= {
            mail.user_key(user): _coordinator_notice(referral, user) for user in site_coordinators(referral.site_id)
        }
    mail.send_or_retry(
        notify_referral_submitted, "referral submitted", messages, only=only, attempt=attempt, referral_id=referral_id
    )


@task()
def notify_referral_received(
    referral_id: int, from_site_id: int, to_site_id: int, only: list[str] | None = None, attempt: int = 1
) -> None:
    """Tell the coordinators of the site a referral was sent on to at triage (`triage.services`) that it awaits their
    triage, one email each, as on submission: one refused stops none of the others, and only those not sent are tried
    again. No one if it has left that site again before this runs: the next site's coordinators are told then."""
    referral = Referral.objects.get(pk=referral_id)
    messages = {}
    if referral.site_id == to_site_id:
        from_site = Site.objects.get(pk=from_site_id)
        messages = {
            mail.user_key(user): _coordinator_notice(referral, user, from_site)
            for user in site_coordinators(to_site_id)
        }
    mail.send_or_retry(
        notify_referral_received,
        "referral received from another site",
        messages,
        only=only,
        attempt=attempt,
        referral_id=referral_id,
        from_site_id=from_site_id,
        to_site_id=to_site_id,
    )


@task()
def find_possible_earlier_records(referral_id: int) -> int:
    """Look for earlier records of the referral's child and keep them for the queue and the triage page.

    Queued (`services.possible_earlier_records_search_queued`) when a referral is submitted (on the web,
    through the API or by importing a Home Office form), when its child's identifying details or site
    change, and, while it awaits triage, after a link decision touching its child's records. Reads the
    referral as it is when the task runs: a later change queues another search. Returns how many were kept.
    """
    with transaction.atomic():
        # The case before its child (ADR 0035): the search locks the child, then keeps rows pointing at the case, which
        # hold the case too; taken after the child, that waited on retention, which holds the case and waits for the
        # child. The link decisions' lock still comes before any row's (people.locks).
        link_decisions_held_still()
        referral = (
            Referral.objects.select_for_update().filter(pk=referral_id).only("id", "child_id", "anonymised_at").first()
        )
        # A case anonymised (before or while the task waited) is kept for the figures only: no keys made again from
        # what is left of its names, no earlier records kept for it (`referrals.anonymised`).
        if referral is None or referral.child_id is None or case_anonymised(referral):
            return 0
        return len(linkage.possible_earlier_records_search(referral_id=referral.pk, child_id=referral.child_id))


# Where uploaded evidence is stored: referral documents (models.document_path) and the documents
# agencies share with their answers (information.models.response_document_path).
UPLOAD_FOLDERS = ("referrals", "information")


@task()
def delete_orphan_uploads() -> int:
    """Delete uploaded files that no row refers to, a day after they were written (a crashed upload),
    and expired pending uploads (kit.pending)."""
    from childnrm.kit.uploads import orphan_uploads_delete

    return len(orphan_uploads_delete(folders=UPLOAD_FOLDERS))
