"""Hand-overs: transferring a case to another site's panel or to the SCA, and the turning-18 hand-over.

A transfer to another site moves the referral and the child's record there, with everything hung
on them (decisions, plan, information requests, letters follow by their relations), so the
receiving coordinator gains the case and the sending one loses it. The packet is kept exactly as
sent, with its SHA-256, so the sending site can always show what it shared, with whom and why. A
transfer to the SCA hands the case off and it stays here, marked as transferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.services import Action, audit_record
from childnrm.handovers import packet as packets
from childnrm.handovers.models import AdultTransition, CaseTransfer, TransferDestination
from childnrm.kit.errors import ServiceError
from childnrm.people import linkage
from childnrm.people.models import Child
from childnrm.referrals.eligibility import eighteenth_birthday
from childnrm.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from childnrm.referrals.selectors import adult_consent_of_child

PURPOSE = PURPOSES[Perm.CASE_TRANSFER]


class HandoverError(ServiceError, ValueError):
    """The hand-over cannot be made; `field` names the form field to show it against (None for the page)."""


def _status_change(referral: Referral, to_status: str, user, reason: str) -> None:
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=to_status, actor=user, reason=reason
    )
    referral.status = to_status


def case_transfer(
    *,
    child: Child,
    user,
    destination: str,
    to_site: Site | None,
    reason: str,
    request: HttpRequest | None = None,
) -> CaseTransfer:
    """Transfer the child's case (its accepted referral at the child's site) with its whole history, once."""
    reason = (reason or "").strip()
    if destination not in TransferDestination.values:
        raise HandoverError("Select where the case is going", "destination")
    if not reason:
        raise HandoverError("Enter the reason for the transfer", "reason")
    with transaction.atomic():
        locked_child = Child.objects.select_for_update().select_related("site").get(pk=child.pk)
        from_site = locked_child.site
        if not has_perm(user, Perm.CASE_TRANSFER, from_site.pk):
            raise PermissionDenied
        referrals = list(
            Referral.objects.select_for_update()
            .filter(child=locked_child, site=from_site, status=ReferralStatus.ACCEPTED)
            .order_by("-submitted_at", "-id")
        )
        if not referrals:
            raise HandoverError(
                "This child has no case with the panel to transfer: it may have been transferred already."
            )
        if destination == TransferDestination.SITE:
            if to_site is None or not to_site.active or to_site.pk == from_site.pk:
                raise HandoverError("Select the site to transfer the case to", "site")
        else:
            to_site = None
        main = referrals[0]
        details = packets.transfer_details(
            destination=destination, from_site=from_site, to_site=to_site, user=user, reason=reason
        )
        packet = packets.transfer_packet(main, transfer=details)
        transfer = CaseTransfer.objects.create(
            referral=main,
            destination=destination,
            from_site=from_site,
            to_site=to_site,
            reason=reason,
            transferred_by=user,
            packet=packet,
            sha256=packets.packet_sha256(packet),
        )
        now = timezone.now()
        if to_site is not None:
            words = f"Transferred from {from_site.name} to {to_site.name} with its whole history. Reason: {reason}"
            for referral in referrals:
                _status_change(referral, ReferralStatus.ACCEPTED, user, words)
                referral.site = to_site
                referral.save(update_fields=["status", "site", "updated_at"])
            Child.objects.filter(pk=locked_child.pk).update(site=to_site, updated_at=now)
            # The child's blocking keys carry its site: searches at the new site find it, the old site's do not.
            linkage.blocking_keys_refresh([locked_child.pk])
            transaction.on_commit(lambda: _notify(transfer.pk))
        else:
            words = f"Transferred to the Single Competent Authority with its whole history. Reason: {reason}"
            _status_change(main, ReferralStatus.HANDED_OFF, user, words)
            main.save(update_fields=["status", "updated_at"])
        audit_record(
            request=request,
            actor=user,
            action=Action.UPDATE,
            obj=main,
            site_id=from_site.pk,
            purpose=PURPOSE,
            detail={
                "transfer": transfer.pk,
                "destination": destination,
                "to_site": to_site.pk if to_site else None,
                "referrals": [r.pk for r in referrals] if to_site else [main.pk],
                "child": locked_child.pk,
                "sha256": transfer.sha256,
            },
        )
    return transfer


def _notify(transfer_id: int) -> None:
    from childnrm.handovers.tasks import notify_case_transferred

    notify_case_transferred.enqueue(transfer_id)


# Turning 18 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionAnswers:
    adult_support_referral_on: date | None
    adult_support_provider: str
    notes: str
    completed_on: date | None


def adult_transition_save(
    *, child: Child, user, answers: TransitionAnswers, request: HttpRequest | None = None
) -> AdultTransition:
    """Record where the young person's turning-18 hand-over has got to (adult support, completion). Their
    consent is recorded on their case (`referrals.services_triage.adult_consent_record`), once."""
    if answers.adult_support_referral_on and not answers.adult_support_provider.strip():
        raise HandoverError("Enter the adult support provider", "adult_support_provider")
    if answers.completed_on and adult_consent_of_child(child.pk) is None:
        raise HandoverError(
            "Record the young person's answer on consent before marking the hand-over complete", "completed_on"
        )
    with transaction.atomic():
        locked_child = Child.objects.select_for_update().get(pk=child.pk)
        if not has_perm(user, Perm.CASE_TRANSFER, locked_child.site_id):
            raise PermissionDenied
        if locked_child.date_of_birth is None:
            raise HandoverError("This child's date of birth is not known: record it before the hand-over.")
        transition = AdultTransition.objects.select_for_update().filter(child=locked_child).first()
        before = None
        if transition is None:
            transition = AdultTransition(child=locked_child)
        else:
            before = packets.row(transition, leave_out={"updated_at", "updated_by"})
        transition.eighteenth_birthday = eighteenth_birthday(locked_child.date_of_birth)
        transition.adult_support_referral_on = answers.adult_support_referral_on
        transition.adult_support_provider = answers.adult_support_provider.strip()
        transition.notes = answers.notes.strip()
        transition.completed_on = answers.completed_on
        transition.updated_by = user
        transition.save()
        after = packets.row(transition, leave_out={"updated_at", "updated_by"})
        changed = sorted(k for k, v in after.items() if before is None or before.get(k) != v)
        audit_record(
            request=request,
            actor=user,
            action=Action.CREATE if before is None else Action.UPDATE,
            obj=locked_child,
            purpose=PURPOSE,
            detail={"adult_transition": transition.pk, "fields": changed},
        )
    return transition
