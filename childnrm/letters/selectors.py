"""Scoped reads for letters: the site's coordinators see every decision of their site; a guardian (ICTG) sees the
decisions about children allocated to them while the allocation is in force (they hold the guardian's role at the
child's active site: people.selectors.associations_in_force) and records explaining them to the child; a referrer
downloads the outcome letters addressed to them. Anyone else gets 404, as if the record did not exist."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus
from childnrm.decisions.reconsideration import reconsidered_version
from childnrm.kit import prepared
from childnrm.kit.dates import long_date
from childnrm.letters import content
from childnrm.letters.models import DecisionExplanation, GuardianNotice, Letter, LetterKind
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.anonymised import live
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus


def decisions_for_letters(user) -> QuerySet[Decision]:
    if not getattr(user, "is_authenticated", False):
        return Decision.objects.none()
    scope = Q(referral__site_id__in=sites_where(user, Perm.LETTER_PRODUCE))
    guardian = _as_guardian(user)
    if guardian is not None:
        scope |= guardian
    return Decision.objects.filter(scope)


def _as_guardian(user) -> Q | None:
    """The decisions about the children the user is the guardian of while it is in force, at the sites where they
    may work on the cases they are associated with; None where they may not."""
    guardian_sites = sites_where(user, Perm.CHILD_VIEW_ASSOCIATED)
    if not guardian_sites:
        return None
    return Q(Exists(_guardian_in_force(user, OuterRef("referral__child_id"))), referral__site_id__in=guardian_sites)


def decisions_to_explain(user) -> QuerySet[Decision]:
    """The guardian's own "record who explained the decision": final decisions about the children they are the
    guardian of (in force), that nobody has yet recorded explaining to the child, longest waiting first, each with
    whether the letter for the child has been produced (`child_letter`). Every one of them opens
    `letters:explanation-add` to them (`may_record_explanation`). As a guardian only: not the coordinator's site."""
    guardian = _as_guardian(user) if getattr(user, "is_authenticated", False) else None
    if guardian is None:
        return Decision.objects.none()
    explained = DecisionExplanation.objects.filter(decision=OuterRef("pk"))
    child_letter = Letter.objects.filter(decision=OuterRef("pk"), kind=LetterKind.CHILD_FRIENDLY)
    return (
        # Not an anonymised case's (another case may keep the child's record): the page would refuse it.
        Decision.objects.filter(guardian, live("referral__"), status=DecisionStatus.FINAL, decided_on__isnull=False)
        .filter(~Exists(explained))
        .annotate(child_letter=Exists(child_letter))
        .order_by("decided_on", "id")
    )


def _guardian_in_force(user, child_id) -> QuerySet[ChildAssociation]:
    """The user's guardian (ICTG) association with the child, while it counts: while they hold the guardian's role
    at the child's active site (people.selectors.associations_in_force, ADR 0002 amendment 2)."""
    return ChildAssociation.objects.filter(associations_in_force((AssociationKind.ICTG,)), child_id=child_id, user=user)


def is_guardian_of(user, decision: Decision) -> bool:
    """Whether the user is the decision's child's guardian now (an association in force)."""
    child_id = decision.referral.child_id
    if child_id is None or not getattr(user, "is_authenticated", False):
        return False
    return _guardian_in_force(user, child_id).exists()


def may_record_explanation(user, decision: Decision) -> bool:
    """Who records explaining a decision to the child: the coordinator of the case's site, and the child's guardian
    in force, who usually explains it (domain.md: "usually explained in person by a trusted adult")."""
    return may_produce(user, decision) or (
        has_perm(user, Perm.CHILD_VIEW_ASSOCIATED, decision.referral.site_id) and is_guardian_of(user, decision)
    )


def decision_get_for_letters(user, decision_id: int) -> Decision:
    decision = (
        decisions_for_letters(user)
        .select_related("referral__site", "referral__child__site", "finalised_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise Http404
    return decision


def letters_to_referrer(user) -> QuerySet[Letter]:
    """The outcome letters addressed to the user as the referrer: of final (or since corrected) decisions on the
    referrals they sent. Never the child's letter, and nothing of anyone else's referral."""
    if not getattr(user, "is_authenticated", False) or not sites_where(user, Perm.REFERRAL_VIEW_OWN):
        return Letter.objects.none()
    return Letter.objects.filter(
        kind=LetterKind.REFERRER_OUTCOME,
        decision__referral__created_by=user,
        decision__status__in=(DecisionStatus.FINAL, DecisionStatus.SUPERSEDED),
    )


def letter_get(user, letter_id: int) -> Letter:
    """A letter of a decision the user produces letters for or is the child's guardian on, or one addressed to
    them as the referrer."""
    scope = Q(decision__in=decisions_for_letters(user)) | Q(pk__in=letters_to_referrer(user).values("pk"))
    letter = (
        Letter.objects.filter(scope, pk=letter_id)
        .select_related("decision__referral__site", "decision__referral__child")
        .first()
    )
    if letter is None:
        raise Http404
    return letter


def addressed_to_referrer(user, letter: Letter) -> bool:
    """Whether the user reads this letter only as the referrer it is addressed to (the audit purpose)."""
    return not decisions_for_letters(user).filter(pk=letter.decision_id).exists()


def explanation_get(user, explanation_id: int) -> DecisionExplanation:
    explanation = (
        DecisionExplanation.objects.filter(decision__in=decisions_for_letters(user), pk=explanation_id)
        .select_related("decision__referral__site", "decision__referral__child", "recorded_by")
        .first()
    )
    if explanation is None:
        raise Http404
    return explanation


def may_produce(user, decision: Decision) -> bool:
    return has_perm(user, Perm.LETTER_PRODUCE, decision.referral.site_id)


def final_decisions_for_letters(user) -> QuerySet[Decision]:
    """The final decisions of the sites where the user produces letters, with what has been done for each. Not those
    of a case retention anonymised: its letters went with it, and nothing more is produced or explained
    (`referrals.anonymised`)."""
    return (
        Decision.objects.filter(
            live("referral__"),
            referral__site_id__in=sites_where(user, Perm.LETTER_PRODUCE),
            status=DecisionStatus.FINAL,
        )
        .select_related("referral__child", "referral__site")
        .annotate(
            letter_count=Count("letters", distinct=True),
            explanation_count=Count("explanations", distinct=True),
        )
        .order_by("-decided_on", "-pk")
    )


# What a final decision's "What happens next" reads of its letters (letters.next_steps): the same statements for every
# decision, compiled once (kit.prepared), and only the columns it shows (a letter holds its PDF and paragraphs).


def last_produced_at(decision: Decision) -> datetime | None:
    """When the decision's letters were last produced, or None."""
    return prepared.first(
        Letter,
        ("letters:last-produced",),
        lambda pk: (
            Letter.objects.filter(decision_id=pk).order_by("-produced_at").values_list("produced_at", flat=True)[:1]
        ),
        decision.pk,
    )


def latest_explanation(decision: Decision) -> DecisionExplanation | None:
    """The latest record of the decision being explained to the child, or None."""
    return prepared.latest_of(
        DecisionExplanation,
        ("letters:latest-explanation",),
        decision,
        via="decision",
        order_by=("-explained_on", "-id"),
    )


def told_guardian_ids(decision: Decision) -> set[int]:
    """The guardians who have been told of the decision."""
    return set(
        prepared.rows(
            GuardianNotice,
            ("letters:told-guardians",),
            lambda pk: GuardianNotice.objects.filter(decision_id=pk).values_list("guardian_id", flat=True),
            decision.pk,
        )
    )


def letter_cleared(letter: Letter) -> bool:
    """Whether retention cleared the letter as produced (its words and its PDF): a cleared letter is said to be,
    never served as an empty file."""
    return isinstance(letter.content, dict) and bool(letter.content.get("anonymised"))


def letter_cleared_message(letter: Letter) -> str:
    """What the letters' page and a download say of a cleared letter (when, where retention marked it); else ""."""
    if not letter_cleared(letter):
        return ""
    at = letter.content.get("at")
    if at:
        return gettext(
            "This letter was cleared on %(date)s, at the end of its retention period: it can no longer be shown or "
            "downloaded."
        ) % {"date": long_date(datetime.fromisoformat(at))}
    return gettext(
        "This letter was cleared at the end of its retention period: it can no longer be shown or downloaded."
    )


def _stood_before(decision: Decision) -> Decision | None:
    """The version of the decision's stage that stood before it (final, or superseded since): the one a
    reconsideration reconsiders or a correction corrects (decisions.reconsideration.reconsidered_version), not a
    version the second reviewer returned in between."""
    return (
        Decision.objects.filter(
            referral_id=decision.referral_id, stage=decision.stage, version=reconsidered_version(decision)
        ).first()
        or decision.supersedes
    )


def correction_of(decision: Decision) -> content.Correction | None:
    """What the decision corrects if it is a correction: the version that stood before it, for its letters and the
    guardian's email to say that the panel corrected it (and whether the outcome changed); None for any other
    decision. Whether the decision corrected was made on reconsideration is `reconsideration_answered`'s."""
    if decision.kind != DecisionKind.CORRECTION or not decision.supersedes_id:
        return None
    earlier = _stood_before(decision)
    # Told as a correction of the last version whose letters were produced: a version corrected before anyone had
    # its letters was never told, so the letters read as those of the decision it corrected (or a first decision).
    while earlier is not None and not Letter.objects.filter(decision_id=earlier.pk).exists():
        if earlier.kind != DecisionKind.CORRECTION or not earlier.supersedes_id:
            return None
        earlier = _stood_before(earlier)
    if earlier is None:
        return None
    return content.Correction(earlier_outcome=earlier.outcome, earlier_decided_on=earlier.decided_on)


def reconsideration_answered(decision: Decision) -> content.Reconsideration | None:
    """What the decision answers if it is a decision on reconsideration (or a correction of one, whose letters say
    what it corrects too: `correction_of`): the decision that stood before the reconsideration and the request to
    reconsider, for its letters to say so; None for any other decision.

    The request is the one the reconsidering decision was linked to (reviews.services.reconsideration_decide), or,
    while letters are produced before that link is made, the latest request still open or decided on the decision
    reconsidered (or an earlier version of it): one that was refused or withdrawn asked for nothing now."""
    opening = decision
    while opening.kind == DecisionKind.CORRECTION and opening.supersedes_id:  # a correction keeps what it corrects
        corrected = opening.supersedes
        if corrected is None:
            break
        opening = corrected
    if opening.kind != DecisionKind.RECONSIDERATION:
        return None
    earlier = _stood_before(opening)
    if earlier is None:
        return None
    request = ReconsiderationRequest.objects.filter(reconsidered_decision=opening).first() or (
        ReconsiderationRequest.objects.filter(
            decision__referral_id=opening.referral_id,
            decision__stage=opening.stage,
            decision__version__lte=earlier.version,
            status__in=(ReconsiderationStatus.LISTED, ReconsiderationStatus.DECIDED),
            reconsidered_decision__isnull=True,
        )
        .order_by("-received_on", "-id")
        .first()
    )
    return content.Reconsideration(
        earlier_outcome=earlier.outcome,
        earlier_decided_on=earlier.decided_on,
        asked_by=request.requester_name if request is not None else "",
        asked_by_organisation=request.requester_organisation if request is not None else "",
        asked_on=request.received_on if request is not None else None,
        grounds=tuple(request.grounds) if request is not None else (),
        asked_by_kind=request.requester_kind if request is not None else "",
    )
