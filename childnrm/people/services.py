"""Writes for children's records: a coordinator's decisions on whether two records are of the same child.

Nothing is merged. Linking records says they are of the same child (a new referral of a child
already known); rejecting says they are not. Either decision can be undone. Each decision is a new
`ChildLinkDecision` row superseding the current one, so the history stays; each is audited on both
children, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.access.roles import Role
from childnrm.accounts.models import Organisation, OrganisationType
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError
from childnrm.people import linkage
from childnrm.people.linkage_scoring import Match
from childnrm.people.locks import link_decisions_serialised
from childnrm.people.models import (
    AssociationKind,
    Child,
    ChildAssociation,
    ChildLinkDecision,
    LeadSocialWorker,
    LinkStatus,
    PossibleEarlierRecord,
    SocialWorkerSource,
)
from childnrm.people.selectors import (
    SOCIAL_WORKER_ROLES,
    children_visible_to,
    linked_group,
    rejected_between,
    settled_ids,
    settled_through_others,
)

PURPOSE = PURPOSES[Perm.CHILD_LINK]

# Told, inside an undo's transaction, the records whose relation to other records it may have reopened (ids).
# Registered by apps above people: referrals searches their referrals awaiting triage again, since what a search
# keeps leaves out the records settled through others (ADR 0034), e.g. for the queue's "Possible earlier record".
LINK_UNDONE_HOOKS: list[Callable[[set[int]], None]] = []

# Asked before anything new is recorded about a child: why the child's record takes nothing more (retention has
# anonymised it: ADR 0008 amendment 1), or "". Registered by referrals, which knows; people cannot import it.
CHILD_CLOSED_CHECKS: list[Callable[[Child], str]] = []
# The same, for a query of children: a Q of those whose record is closed (registered by referrals).
CLOSED_CHILDREN: list[Callable[[], Q]] = []


def closed_children() -> QuerySet[Child]:
    """The children whose record is closed to writes (none when nothing is registered)."""
    if not CLOSED_CHILDREN:
        return Child.objects.none()
    closed = Q()
    for query in CLOSED_CHILDREN:
        closed |= query()
    return Child.objects.filter(closed)


def child_record_closed_message(*children: Child) -> str:
    """Why the record of one of `children` takes nothing more, or "" (for a page that should not offer a form)."""
    for child in children:
        for check in CHILD_CLOSED_CHECKS:
            if message := check(child):
                return message
    return ""


def child_record_closed_refused(*children: Child, error: type[ServiceError] = ServiceError) -> None:
    """Refuse, as `error` (the refusal the calling page already shows), a write about any of `children` whose
    record is closed to writes. Called inside the writing transaction, after locking what the write depends on."""
    if message := child_record_closed_message(*children):
        raise error(message)


class LinkDecisionError(ServiceError):
    """The decision cannot be recorded as asked (shown to the coordinator as it is)."""


def _ordered(a: Child, b: Child) -> tuple[Child, Child]:
    return (a, b) if a.pk < b.pk else (b, a)


def current_decision(child_a: Child, child_b: Child) -> ChildLinkDecision | None:
    """The decision on this pair now in force: the one no later decision supersedes."""
    a, b = _ordered(child_a, child_b)
    return (
        ChildLinkDecision.objects.filter(child_a=a, child_b=b, superseded_by__isnull=True)
        .select_related("decided_by")
        .first()
    )


def _lock_pair(user, child: Child, other: Child) -> tuple[Child, Child]:
    if child.pk == other.pk:
        raise LinkDecisionError(gettext("A record cannot be linked to itself."))
    for c in (child, other):
        if not has_perm(user, Perm.CHILD_LINK, c.site_id):
            raise PermissionError("Linking needs the coordinator's permission at both records' sites.")
    # Both rows locked, in id order (no deadlock between two coordinators deciding the same pair).
    locked = list(Child.objects.select_for_update().filter(pk__in=[child.pk, other.pk]).order_by("pk"))
    if len(locked) != 2:
        raise LinkDecisionError(gettext("One of the records no longer exists."))
    return locked[0], locked[1]


def _record(
    *,
    a: Child,
    b: Child,
    status: str,
    user,
    reason: str,
    supersedes: ChildLinkDecision | None,
    match: Match | None,
) -> ChildLinkDecision:
    try:
        with transaction.atomic():  # a savepoint: a constraint failure leaves the outer transaction usable
            return ChildLinkDecision.objects.create(
                child_a=a,
                child_b=b,
                status=status,
                decided_by=user,
                reason=reason.strip(),
                score=match.score if match else None,
                evidence=match.evidence_dicts() if match else [],
                supersedes=supersedes,
            )
    except IntegrityError:
        # Another request recorded a decision on this pair at the same moment (the database's guard).
        raise LinkDecisionError(gettext("A decision about these records has just been recorded. Check it below."))


def _audit(audit: AuditContext | None, user, a: Child, b: Child, decision: ChildLinkDecision) -> None:
    for child, other in ((a, b), (b, a)):
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=child,
            purpose=PURPOSE,
            detail={"link_decision": decision.pk, "status": decision.status, "other_child": other.pk},
        )


def child_link_decide(
    *,
    child: Child,
    other: Child,
    status: str,
    user,
    reason: str = "",
    audit: AuditContext | None = None,
) -> ChildLinkDecision:
    """Record that two records are (`linked`) or are not (`rejected`) of the same child.

    Guarded: both records are locked and the pair must have no decision in force, so a double click
    records one decision. A rejection needs a reason: it hides a possible match from later searches.
    """
    if status not in {LinkStatus.LINKED, LinkStatus.REJECTED}:
        raise ValueError(f"Not a link decision: {status}")
    if status == LinkStatus.REJECTED and not reason.strip():
        raise LinkDecisionError(gettext("Enter why these are not records of the same child."))
    with transaction.atomic():
        link_decisions_serialised()  # two decisions on different pairs can join chains (people.locks)
        a, b = _lock_pair(user, child, other)
        current = current_decision(a, b)
        if current is not None and current.status != LinkStatus.UNDONE:
            raise LinkDecisionError(
                gettext("These records are already linked.")
                if current.status == LinkStatus.LINKED
                else gettext("These records have already been marked as not the same child.")
            )
        _refuse_a_contradiction(user, a, b, status)
        # An anonymised record is kept for the figures only: no new link or rejection about it. Undoing a decision
        # stays open, so a wrong link that joins it to a living child's group can still be put right.
        child_record_closed_refused(a, b, error=LinkDecisionError)
        match = linkage.compare_children(a, b)
        decision = _record(a=a, b=b, status=status, user=user, reason=reason, supersedes=current, match=match)
        _audit(audit, user, a, b, decision)
        _kept_settled_through_others_deleted(_settled_around(a, b))  # after: a decision only adds to what is settled
    return decision


def _settled_around(a: Child, b: Child) -> set[int]:
    """The records whose settled relations a decision on this pair changes: both, their linked groups and the groups
    marked not the same child as either (a pair can only be settled through these)."""
    return {a.pk, b.pk} | settled_ids(a.pk) | settled_ids(b.pk)


def _kept_settled_through_others_deleted(child_ids: set[int]) -> None:
    """The possible earlier records kept for these records' referrals (the queue's tag, the triage page) that are now
    settled through other records go at once, whatever the case's status. A pair decided directly stays kept: the
    queue and the triage page hide it while the decision is in force."""
    kept = PossibleEarlierRecord.objects.filter(child_id__in=child_ids)
    earlier_of: dict[int, set[int]] = {}
    for child_id, earlier_id in kept.values_list("child_id", "earlier_id"):
        earlier_of.setdefault(child_id, set()).add(earlier_id)
    for child_id, earlier in earlier_of.items():
        settled = earlier & settled_through_others(child_id)
        if settled:
            kept.filter(child_id=child_id, earlier_id__in=settled).delete()


def _refuse_a_contradiction(user, a: Child, b: Child, status: str) -> None:
    """Links are transitive (ADR 0034): A linked to B and B to C make A and C one child. So a record linked to the
    other through a chain cannot be marked "not the same child", nor linked again, and two records cannot be linked
    while a record of one's chain is marked not the same child as one of the other's. The coordinator undoes the
    decision that is wrong first: nothing is changed behind them. Records the user may not see are not named."""
    steps = linked_group(a.pk).get(b.pk)
    if steps is not None:
        via = (
            children_visible_to(user).filter(pk__in=steps).order_by("reference").values_list("reference", flat=True)
        ).first()
        names = {"first": a.reference, "second": b.reference, "through": via}
        if status == LinkStatus.LINKED:
            # A second path between two records of one group would leave them linked when the link that is wrong
            # is undone.
            message = (
                gettext("%(first)s and %(second)s are already linked as the same child, through other links.")
                if via is None
                else gettext("%(first)s and %(second)s are already linked as the same child, through %(through)s.")
            )
        elif via is None:
            message = gettext(
                "%(first)s and %(second)s are already linked as the same child, through other links. If they are "
                "not the same child, undo the link that is wrong first."
            )
        else:
            message = gettext(
                "%(first)s and %(second)s are already linked as the same child, through %(through)s. If they are "
                "not the same child, undo the link that is wrong first."
            )
        raise LinkDecisionError(message % names)
    if status == LinkStatus.REJECTED:
        return
    rejected = rejected_between(a, b)
    if rejected is None:
        return
    pair = [rejected.child_a, rejected.child_b]
    seen = set(children_visible_to(user).filter(pk__in=[c.pk for c in pair]).values_list("pk", flat=True))
    names = {"child": a.reference, "other": b.reference, "first": pair[0].reference, "second": pair[1].reference}
    if len(seen) < 2:
        message = gettext(
            "%(child)s and %(other)s cannot be linked: two of their linked records are recorded as not the same "
            "child. If they are the same child, undo that decision first."
        )
    else:
        message = gettext(
            "%(child)s and %(other)s cannot be linked: %(first)s and %(second)s, among their linked records, are "
            "recorded as not the same child. If they are the same child, undo that decision first."
        )
    raise LinkDecisionError(message % names)


def child_link_undo(
    *,
    child: Child,
    other: Child,
    user,
    reason: str,
    audit: AuditContext | None = None,
) -> ChildLinkDecision:
    """Undo the decision in force on a pair: a new "undone" row; the pair can be decided afresh."""
    if not reason.strip():
        raise LinkDecisionError(gettext("Enter why you are undoing this decision."))
    with transaction.atomic():
        link_decisions_serialised()  # the records it unsettles are read before, and must not change meanwhile
        a, b = _lock_pair(user, child, other)
        current = current_decision(a, b)
        if current is None or current.status == LinkStatus.UNDONE:
            raise LinkDecisionError(gettext("There is no decision about these records to undo."))
        reopened = _settled_around(a, b)  # before: undoing only takes from what is settled
        decision = _record(a=a, b=b, status=LinkStatus.UNDONE, user=user, reason=reason, supersedes=current, match=None)
        _audit(audit, user, a, b, decision)
        for hook in LINK_UNDONE_HOOKS:
            hook(reopened)
    return decision


# ------------------------------------------------------------------------------------------------
# The child's lead social worker
# ------------------------------------------------------------------------------------------------

SOCIAL_WORKER_FIELDS = ("name", "team", "local_authority", "email", "phone")


class SocialWorkerInvalid(ServiceError, ValueError):
    """The social worker cannot be recorded as given; `field` names the form field to show it against."""


def _user_with_email(email: str):
    """Our active user with this work email, if the social worker is one (emails are stored lower case)."""
    from childnrm.accounts.models import User

    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


# `selectors.SOCIAL_WORKER_ROLES`: the roles a child's social worker holds at the child's site. Linked as lead social
# worker, the account opens the child's record, outcome reviews and feedback sessions while its holder holds one of
# them there (`selectors.associations_in_force`).
# Roles a referral's email never links, whatever else the holder does: a lead social worker may not chair their
# child's case, so linking a chair would let what a referrer types take a chair off the case.
NOT_LINKED_FROM_A_REFERRAL = frozenset({Role.CHAIR})


def _social_worker_from_referral(email: str, *, site_id: int, local_authority: Organisation | None):
    """The account the referral's social worker email links, if it is plausibly the child's social worker (ADR 0002,
    amendment 1); otherwise None, and the social worker is recorded as contact details only.

    The email is what the referrer typed, checked by nobody: it links only an active user of an active local
    authority (the one the referral names, if it names one) who holds a social worker's role at the child's site
    (`SOCIAL_WORKER_ROLES`) and no role a referral never links (`NOT_LINKED_FROM_A_REFERRAL`). The coordinator links
    anyone else on the safeguarding page, where the email is theirs.
    """
    from childnrm.accounts.models import Membership, User

    if not email:
        return None
    user = User.objects.filter(email__iexact=email, is_active=True).select_related("organisation").first()
    organisation = user.organisation if user is not None else None
    if organisation is None or organisation.type != OrganisationType.LOCAL_AUTHORITY or not organisation.active:
        return None
    if local_authority is not None and local_authority.pk != organisation.pk:
        return None
    roles = set(Membership.objects.filter(user=user, site_id=site_id, active=True).values_list("role", flat=True))
    if not roles & SOCIAL_WORKER_ROLES or roles & NOT_LINKED_FROM_A_REFERRAL:
        return None
    return user


def _clean_social_worker(
    *, name: str, team: str, local_authority: Organisation | None, email: str, phone: str
) -> dict[str, Any]:
    name, team, email, phone = (v.strip() for v in (name or "", team or "", email or "", phone or ""))
    if not name:
        raise SocialWorkerInvalid(gettext("Enter the social worker's name"), "name")
    if len(name) > 200 or len(team) > 200:
        raise SocialWorkerInvalid(
            gettext("Names must be 200 characters or fewer"), "name" if len(name) > 200 else "team"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise SocialWorkerInvalid(
                gettext("Enter an email address in the correct format, like name@example.org"), "email"
            ) from None
    if len(phone) > 40:
        raise SocialWorkerInvalid(gettext("Telephone number must be 40 characters or fewer"), "phone")
    if local_authority is not None and local_authority.type != OrganisationType.LOCAL_AUTHORITY:
        raise SocialWorkerInvalid(gettext("Select a local authority from the list"), "local_authority")
    return {"name": name, "team": team, "local_authority": local_authority, "email": email.lower(), "phone": phone}


def current_lead_social_worker(child: Child) -> LeadSocialWorker | None:
    return (
        LeadSocialWorker.objects.filter(child=child, ends_at__isnull=True)
        .select_related("local_authority", "user")
        .first()
    )


def lead_social_worker_record(
    *,
    child: Child,
    user,
    name: str,
    team: str = "",
    local_authority: Organisation | None = None,
    email: str = "",
    phone: str = "",
    source: str = SocialWorkerSource.SAFEGUARDING,
    referral=None,
    reason: str = "",
    audit: AuditContext | None = None,
) -> LeadSocialWorker:
    """Record the child's lead social worker: ends the current record (if any) and starts a new one.

    The coordinator records this (safeguarding planning or triage at the child's site). The child row
    is locked so two changes at once queue up; the database keeps one current record per child. A user
    whose email matches is linked, and holds the LEAD_SOCIAL_WORKER association only while current
    (the chair rule and "cases I am associated with" read it). From a referral (`source` REFERRAL) the
    email is the referrer's, so it links only an account that is plausibly the child's social worker
    (`_social_worker_from_referral`). Audited on the child.
    """
    details = _clean_social_worker(name=name, team=team, local_authority=local_authority, email=email, phone=phone)
    if source not in SocialWorkerSource.values:
        raise ValueError(f"Not a social worker source: {source}")
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if not (has_perm(user, Perm.PLAN_MANAGE, child.site_id) or has_perm(user, Perm.REFERRAL_TRIAGE, child.site_id)):
            raise PermissionError("Recording the social worker needs the coordinator's permission at the child's site.")
        child_record_closed_refused(child, error=SocialWorkerInvalid)
        current = current_lead_social_worker(child)
        if source == SocialWorkerSource.REFERRAL:
            worker_user = _social_worker_from_referral(
                details["email"], site_id=child.site_id, local_authority=details["local_authority"]
            )
            if worker_user is None and current is not None and current.user_id and details["email"] == current.email:
                # The same address the current record links (the coordinator may have linked it by hand): a later
                # referral naming it, its name written another way, does not unlink the account.
                worker_user = current.user
        else:
            worker_user = _user_with_email(details["email"])
        # The same details again are a repeat, unless they now link an account the current record does not (the
        # coordinator linking a social worker a referral named as contact details only).
        if (
            current is not None
            and all(getattr(current, f) == details[f] for f in SOCIAL_WORKER_FIELDS)
            and current.user_id == (worker_user.pk if worker_user is not None else None)
        ):
            raise SocialWorkerInvalid(
                gettext("%(name)s is already recorded as this child's social worker with these details")
                % {"name": current.name},
                "name",
            )
        now = timezone.now()
        if current is not None:
            _end_social_worker(current, user, now)
        record = LeadSocialWorker.objects.create(
            child=child,
            **details,
            user=worker_user,
            source=source,
            referral=referral,
            reason=(reason or "").strip(),
            recorded_by=user,
            starts_at=now,
        )
        if worker_user is not None:
            # One association row per child, user and kind: a social worker allocated again takes it up.
            association, created = ChildAssociation.objects.get_or_create(
                child=child, user=worker_user, kind=AssociationKind.LEAD_SOCIAL_WORKER
            )
            if not created:
                ChildAssociation.objects.filter(pk=association.pk).update(starts_at=now, ends_at=None)
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE if current is not None else Action.CREATE,
            obj=child,
            site_id=child.site_id,
            purpose=PURPOSES[Perm.PLAN_MANAGE]
            if source == SocialWorkerSource.SAFEGUARDING
            else PURPOSES[Perm.REFERRAL_TRIAGE],
            detail={
                "record": "lead social worker",
                "lead_social_worker": record.pk,
                "ended": current.pk if current is not None else None,
                "user": worker_user.pk if worker_user is not None else None,
                "source": source,
            },
        )
    return record


def _end_social_worker(record: LeadSocialWorker, user, now) -> None:
    record.ends_at = now
    record.ended_by = user
    record.save(update_fields=["ends_at", "ended_by"])
    if record.user_id is not None:
        ChildAssociation.objects.filter(
            child_id=record.child_id, user_id=record.user_id, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at=None
        ).update(ends_at=now)


def lead_social_worker_from_referral(*, referral, user, audit: AuditContext | None = None) -> LeadSocialWorker | None:
    """On accepting a referral: the social worker it names becomes the child's lead social worker.

    Nothing happens when the referral names none, or names the one already recorded (same name and
    email): a child referred again keeps the record, and any change made on the safeguarding page.
    """
    name = (referral.social_worker_name or "").strip()
    if referral.child_id is None or not name:
        return None
    current = LeadSocialWorker.objects.filter(child_id=referral.child_id, ends_at__isnull=True).first()
    if (
        current is not None
        and current.name.casefold() == name.casefold()
        and current.email == (referral.social_worker_email or "").strip().lower()
    ):
        return None
    try:
        return lead_social_worker_record(
            child=referral.child,
            user=user,
            name=name,
            team=referral.social_worker_team,
            local_authority=referral.social_worker_local_authority,
            email=referral.social_worker_email,
            phone=referral.social_worker_phone,
            source=SocialWorkerSource.REFERRAL,
            referral=referral,
            audit=audit,
        )
    except SocialWorkerInvalid:
        # The referral's answers were checked by its form; an answer that no longer passes (e.g. a local
        # authority since closed) must not stop the acceptance. The coordinator records it by hand.
        return None


def child_correspondence_language_set(*, child: Child, language: str, user, audit: AuditContext | None = None) -> None:
    """Record the language the child's letters are written in (ADR 0023): English, Welsh or both. Held by whoever
    produces the child's letters (the coordinator)."""
    from django.core.exceptions import PermissionDenied

    from childnrm.kit.i18n import LetterLanguage

    if not has_perm(user, Perm.LETTER_PRODUCE, child.site_id):
        raise PermissionDenied
    if language not in LetterLanguage.values:
        raise ServiceError(gettext("Select the language of the child's letters"), "correspondence_language")
    with transaction.atomic():
        locked = Child.objects.select_for_update().get(pk=child.pk)
        child_record_closed_refused(locked)
        before = locked.correspondence_language
        if before == language:
            return
        locked.correspondence_language = language
        locked.save(update_fields=["correspondence_language", "updated_at"])
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=locked,
            site_id=locked.site_id,
            purpose=PURPOSES[Perm.LETTER_PRODUCE],
            detail={"correspondence_language": {"before": before, "after": language}},
        )
    child.correspondence_language = language
