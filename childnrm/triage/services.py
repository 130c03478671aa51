"""Triage and routing: the coordinator confirms the engine's outcome or overrides it with a reason.

A hard exclusion (eligibility.hard_exclusions) cannot be overridden to a panel: the coordinator
corrects the facts instead (`triage_correct_facts`) and the engine routes again on them.

PANEL: the referral is accepted by this site's panel. SCA: the referral is sent on (an onward referral,
with its case packet) to the Single Competent Authority and stays here, marked as referred on. OTHER_SITE: it
is sent on to the other site and the referral (with its child record) moves there, where
it waits for that site's coordinator to triage it, assessed again as received there, and that site's coordinators are
told (referrals.tasks.notify_referral_received).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit import prepared
from childnrm.kit.errors import ServiceError
from childnrm.people import linkage
from childnrm.people.models import Child
from childnrm.referrals import rules
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import (
    AdultConsent,
    ConsentAnswer,
    ConsentMethod,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from childnrm.referrals.services import FirstTriage, ReferralStateError, possible_earlier_records_search_queued
from childnrm.referrals.tasks import notify_referral_received
from childnrm.triage import eligibility
from childnrm.triage import packet as case_packets
from childnrm.triage import reasons as said
from childnrm.triage.models import OnwardReferral, TriageAssessment, TriageOutcome
from childnrm.triage.standing import record_outcome

PURPOSE = PURPOSES[Perm.REFERRAL_TRIAGE]

# Run when a referral is accepted, in the same transaction (after its status and audit), by apps above
# referrals in the layers (.importlinter) that cannot be imported here: e.g. safeguarding brings the
# referral's safeguarding answers to the child's record. Each is called as hook(referral=, user=, audit=).
ON_ACCEPT: list[Callable[..., object]] = []


def register_on_accept(hook: Callable[..., object]) -> None:
    """Registering the same hook twice is harmless (AppConfig.ready may run more than once in tests)."""
    if hook not in ON_ACCEPT:
        ON_ACCEPT.append(hook)


def first_triage(referral: Referral, receiving_site: Site | None) -> FirstTriage:
    """The engine's outcome for a referral being submitted (registered with referrals.services when ready).

    Answers the site that holds the case and, once the referral is saved, keeps the assessment.
    """
    assessment = eligibility.assess(referral, receiving_site=receiving_site)

    def record(submitted: Referral) -> None:
        first = TriageAssessment.objects.create(
            referral=submitted,
            outcome=assessment.outcome,
            target_site=assessment.target_site,
            reasons=assessment.reasons,
            rules_version=assessment.rules_version,
        )
        record_outcome(submitted, first)

    return FirstTriage(site=assessment.site, outcome=assessment.outcome, record=record)


class TriageInvalid(ServiceError, ValueError):
    """The coordinator's answer cannot be accepted; `field` names the form field to show it against."""


@dataclass(frozen=True)
class TriageResult:
    referral: Referral
    assessment: TriageAssessment
    onward_referral: OnwardReferral | None


def latest_assessment(referral: Referral) -> TriageAssessment | None:
    """The referral's latest assessment with its sites and who confirmed it (compiled once: kit.prepared)."""
    assessment = prepared.first(
        TriageAssessment,
        ("triage:latest-assessment",),
        lambda pk: (
            TriageAssessment.objects.filter(referral_id=pk)
            .select_related("target_site", "final_site", "confirmed_by")
            .order_by("-assessed_at", "-id")[:1]
        ),
        referral.pk,
    )
    if assessment is not None:
        assessment.referral = referral  # as `referral.triage_assessments` sets it
    return assessment


def _decision_words(outcome: str, site: Site | None) -> str:
    # A panel (this site's or another's) always comes with its site; the SCA with none.
    if outcome == TriageOutcome.SCA or site is None:
        return "referred on to the Single Competent Authority"
    if outcome == TriageOutcome.PANEL:
        return f"{site.name} decides"
    return f"transferred to {site.name}"


def triage_confirm(
    *,
    referral: Referral,
    user,
    final_outcome: str,
    final_site: Site | None,
    reason: str,
    audit: AuditContext | None = None,
) -> TriageResult:
    """Record the coordinator's decision on the engine's outcome, once, and act on it.

    Guarded: the referral is locked and must still be awaiting triage, and its latest assessment
    unconfirmed, so a double submit changes nothing twice. An override needs a reason.
    """
    reason = (reason or "").strip()
    if final_outcome not in TriageOutcome.values:
        raise TriageInvalid(gettext("Select who decides this referral"), "outcome")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not has_perm(user, Perm.REFERRAL_TRIAGE, locked.site_id):
            raise PermissionDenied
        assessment = locked.triage_assessments.select_for_update().first()
        if locked.status != ReferralStatus.SUBMITTED or assessment is None or assessment.confirmed_at is not None:
            raise ReferralStateError(gettext("This referral has already been triaged."))
        if locked.site_id is None:  # a submitted referral is always held by a site
            raise ValueError(f"Referral {locked.reference} is held by no site")
        from_site = Site.objects.get(pk=locked.site_id)
        locked.site = from_site
        if final_outcome == TriageOutcome.PANEL:
            final_site = from_site
        elif final_outcome == TriageOutcome.SCA:
            final_site = None
        elif final_site is None or not final_site.active or final_site.pk == from_site.pk:
            raise TriageInvalid(gettext("Select the site to transfer the referral to"), "site")

        # Hard exclusions are rules, not discretion: no panel, here or elsewhere, while one applies.
        excluded = eligibility.hard_exclusions(locked, eligibility.referral_date(locked))
        if excluded and final_outcome != TriageOutcome.SCA:
            raise TriageInvalid(eligibility.hard_exclusion_message(excluded), "outcome")

        suggested = eligibility.suggested_site(locked, assessment)
        overridden = eligibility.differs(final_outcome, final_site, assessment.outcome, suggested)
        if overridden and not reason:
            raise TriageInvalid(gettext("Enter the reason for changing who decides"), "reason")

        now = timezone.now()
        assessment.confirmed_by = user
        assessment.confirmed_at = now
        assessment.final_outcome = final_outcome
        assessment.final_site = final_site
        assessment.override_reason = reason
        assessment.save(
            update_fields=["confirmed_by", "confirmed_at", "final_outcome", "final_site", "override_reason"]
        )
        record_outcome(locked, assessment)

        words = _decision_words(final_outcome, final_site)
        status_reason = f"Triage {'changed' if overridden else 'confirmed'}: {words}." + (
            f" Reason: {reason}" if reason else ""
        )
        sent = None
        if final_outcome == TriageOutcome.PANEL:
            _change_status(locked, ReferralStatus.ACCEPTED, user, status_reason)
            # The social worker the referral names becomes the child's lead social worker (audited there).
            from childnrm.people.services import lead_social_worker_from_referral

            lead_social_worker_from_referral(referral=locked, user=user, audit=audit)
        else:
            _change_status(locked, ReferralStatus.HANDED_OFF, user, status_reason)
            sent = _refer_on(locked, final_outcome, from_site, final_site, user, status_reason)
            if final_outcome == TriageOutcome.OTHER_SITE and final_site is not None:  # checked above
                _receive(locked, from_site, final_site, user)

        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=from_site.pk,
            purpose=PURPOSE,
            detail={
                "triage": final_outcome,
                "overridden": overridden,
                "to_site": final_site.pk if final_site else None,
                "handoff": sent.pk if sent else None,
            },
        )
        if final_outcome == TriageOutcome.PANEL:
            for hook in ON_ACCEPT:
                hook(referral=locked, user=user, audit=audit)
    return TriageResult(locked, assessment, sent)


def _change_status(referral: Referral, to_status: str, user, reason: str) -> None:
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=to_status, actor=user, reason=reason
    )
    referral.status = to_status
    referral.save(update_fields=["status", "updated_at"])


def _refer_on(
    referral: Referral, outcome: str, from_site: Site, to_site: Site | None, user, reason: str
) -> OnwardReferral:
    """Produce the case packet as it is at the moment the referral is sent on, and keep it."""
    details = case_packets.onward_details(
        outcome=outcome, from_site=from_site, to_site=to_site, user=user, reason=reason
    )
    case = case_packets.case_packet(referral, sent=details)
    return OnwardReferral.objects.create(
        referral=referral,
        outcome=outcome,
        from_site=from_site,
        to_site=to_site,
        produced_by=user,
        packet=case,
        sha256=case_packets.packet_sha256(case),
    )


def _receive(referral: Referral, from_site: Site, to_site: Site, user) -> None:
    """Move the case to the site that takes it over, to be triaged there as if it had been sent there."""
    referral.site = to_site
    referral.save(update_fields=["site", "updated_at"])
    if referral.child_id:
        Child.objects.filter(pk=referral.child_id).update(site=to_site, updated_at=timezone.now())
        linkage.blocking_keys_refresh([referral.child_id])  # the keys carry the site (no signal from update())
        # The receiving site's coordinator triages it next: look for earlier records of the child there.
        possible_earlier_records_search_queued(referral.pk)
    _change_status(referral, ReferralStatus.SUBMITTED, user, f"Received from {from_site.name}: awaiting triage.")
    fresh = eligibility.assess(referral, receiving_site=to_site, on=eligibility.referral_date(referral))
    received = TriageAssessment.objects.create(
        referral=referral,
        outcome=fresh.outcome,
        target_site=fresh.target_site,
        reasons=[said.recorded(said.TRANSFERRED_FROM, site=from_site.name), *fresh.reasons],
        rules_version=fresh.rules_version,
    )
    record_outcome(referral, received)
    # Its coordinators are told it awaits their triage, as they are of a referral sent to them (once committed,
    # so the worker sees it there).
    referral_id, from_site_id, to_site_id = referral.pk, from_site.pk, to_site.pk
    transaction.on_commit(
        lambda: notify_referral_received.enqueue(
            referral_id=referral_id, from_site_id=from_site_id, to_site_id=to_site_id
        )
    )


# Correcting the facts ------------------------------------------------------------------------------

# The facts the hard exclusions rest on, which a coordinator may correct while the referral awaits triage.
FACT_FIELDS = (
    "date_of_birth",
    "date_of_birth_estimated",
    "estimated_age_years",
    "age_disputed",
    "age_uncertain",
    "public_order_disqualification",
)
# The facts the search for earlier records of the child compares (the estimated age when no date is known).
IDENTIFYING_FACTS = frozenset({"date_of_birth", "date_of_birth_estimated", "estimated_age_years"})


@dataclass(frozen=True)
class Facts:
    date_of_birth: date | None
    date_of_birth_estimated: bool
    estimated_age_years: int | None
    age_disputed: bool
    age_uncertain: bool
    public_order_disqualification: bool

    @classmethod
    def of(cls, referral: Referral) -> Facts:
        return cls(**{name: getattr(referral, name) for name in FACT_FIELDS})


def _audit_value(value):
    # Dates as ISO text: the audit detail is JSON. Only booleans, numbers and dates: no names or free text.
    return value.isoformat() if isinstance(value, date) else value


def triage_correct_facts(
    *, referral: Referral, user, facts: Facts, reason: str, audit: AuditContext | None = None
) -> TriageAssessment:
    """Correct the age and public-order facts of a referral awaiting triage, and route it again on them.

    E.g. an age assessment concluded and the age is no longer disputed, the date of birth is now known,
    a public-order consideration ended. The referral keeps every other answer; a new assessment is
    recorded with the reasons (what changed, why, and every rule applied), and the change is audited
    with the old and new values. The earlier assessment is kept, unconfirmed, as history.
    """
    reason = (reason or "").strip()
    today = timezone.localdate()
    if not reason:
        raise TriageInvalid(gettext("Enter why the facts have changed"), "reason")
    # The referral's own rules on its age answers, as its question pages ask them: the first broken. Its source
    # says whether it may be left without a date of birth or an estimated age (the Home Office form's may).
    if broken := rules.problems({**asdict(facts), "source": referral.source}):
        field, rule = next(iter(broken.items()))
        raise TriageInvalid(str(rule.says), field)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not has_perm(user, Perm.REFERRAL_TRIAGE, locked.site_id):
            raise PermissionDenied
        latest = locked.triage_assessments.select_for_update().first()
        if locked.status != ReferralStatus.SUBMITTED or latest is None or latest.confirmed_at is not None:
            raise ReferralStateError(
                gettext(
                    "This referral has already been triaged: its facts can be corrected only while it awaits triage."
                )
            )
        before = Facts.of(locked)
        changed = {
            name: {"from": _audit_value(getattr(before, name)), "to": _audit_value(getattr(facts, name))}
            for name in FACT_FIELDS
            if getattr(before, name) != getattr(facts, name)
        }
        if not changed:
            raise TriageInvalid(gettext("Change at least one of the facts, or go back to triage"), "date_of_birth")
        for name in FACT_FIELDS:
            setattr(locked, name, getattr(facts, name))
        locked.save(update_fields=[*FACT_FIELDS, "updated_at"])
        if locked.child_id and ("date_of_birth" in changed or "date_of_birth_estimated" in changed):
            # The child record made from this referral carries its date of birth (as on submission).
            Child.objects.filter(pk=locked.child_id).update(
                date_of_birth=facts.date_of_birth,
                date_of_birth_estimated=facts.date_of_birth_estimated or facts.date_of_birth is None,
                updated_at=timezone.now(),
            )
        if locked.child_id and changed.keys() & IDENTIFYING_FACTS:
            # Another date of birth or age may match other earlier records (or no longer match some). The
            # keys are made current now (update() sends no signal), the search runs in the background.
            linkage.blocking_keys_refresh([locked.child_id])
            possible_earlier_records_search_queued(locked.pk)

        on = eligibility.referral_date(locked)
        # Assessed as at the day of referral, as received by the site that holds it (as on submission).
        fresh = eligibility.assess(locked, receiving_site=locked.site, on=on)
        assessment = TriageAssessment.objects.create(
            referral=locked,
            outcome=fresh.outcome,
            target_site=fresh.target_site,
            reasons=[
                said.recorded(
                    said.FACTS_CORRECTED,
                    name=user.full_name,
                    date=today,
                    changes=_changes_in_words(changed),
                    reason=reason,
                ),
                *fresh.reasons,
            ],
            rules_version=fresh.rules_version,
        )
        record_outcome(locked, assessment)
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            purpose=PURPOSE,
            detail={
                "facts_corrected": changed,
                "assessment": assessment.pk,
                "previous_outcome": latest.outcome,
                "outcome": assessment.outcome,
            },
        )
    return assessment


FACT_LABELS = said.FACT_LABELS


def _changes_in_words(changed: dict) -> str:
    """What a correction changed, in English (the assessment's record; `triage.reasons` shows it translated)."""
    return "; ".join(said.change_recorded(name, c["from"], c["to"]) for name, c in changed.items())


# Consent to remain in the NRM at 18 ----------------------------------------------------------------

CONSENT_PURPOSE = PURPOSES[Perm.CASE_TRANSFER]  # the turning-18 hand-over
CONSENT_STATUSES = (ReferralStatus.ACCEPTED,)


def adult_consent_record(
    *,
    referral: Referral,
    user,
    answer: str,
    given_on: date | None,
    method: str,
    notes: str = "",
    audit: AuditContext | None = None,
) -> AdultConsent:
    """Record the young person's answer on remaining in the NRM (a new row: earlier answers are kept)."""
    if answer not in ConsentAnswer.values:
        raise TriageInvalid(gettext("Select whether the young person consents to remain in the NRM"), "answer")
    if given_on is None:
        raise TriageInvalid(gettext("Enter the date the young person gave their answer"), "given_on")
    if given_on > timezone.localdate():
        raise TriageInvalid(gettext("The date of their answer must be today or in the past"), "given_on")
    if method not in ConsentMethod.values or method == ConsentMethod.NOT_RECORDED:
        raise TriageInvalid(gettext("Select how the young person gave their answer"), "method")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if not has_perm(user, Perm.CASE_TRANSFER, locked.site_id):
            raise PermissionDenied
        if case_anonymised(locked):  # kept for the figures: nothing more is recorded on it
            raise ReferralStateError(case_anonymised_message(locked))
        if locked.status not in CONSENT_STATUSES:
            raise ReferralStateError(gettext("Consent can be recorded only for a referral accepted by the panel."))
        consent = AdultConsent.objects.create(
            referral=locked,
            answer=answer,
            given_on=given_on,
            method=method,
            notes=(notes or "").strip(),
            recorded_by=user,
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=locked,
            purpose=CONSENT_PURPOSE,
            detail={
                "adult_consent": consent.pk,
                "answer": answer,
                "given_on": given_on.isoformat(),
                "method": method,
            },
        )
    return consent
