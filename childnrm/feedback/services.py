"""Writes of the child's feedback: starting and cancelling a feedback session, and the child's answers.

A session is started by the child's guardian or lead social worker, signed in, from the child's case; it gives a
one-time code and link (feedback.tokens) that open the form for `tokens.life()`. The child's answers close it:
they are written once, under a row lock, with an audit event in the same transaction. Nothing the child's device
is shown names the child.

Answers sent after the session's time ran out are not lost: the page shows them back to the child, unsaved, and
saves them with a new code from the practitioner for the same child (`open_session_for_new_code`); the
session's life is never extended, so a link or code left behind still stops working (ADR 0022, amendment 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import locks
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.feedback import selectors, tokens
from childnrm.feedback.models import FeedbackSession, Scale
from childnrm.kit.counters import Limit, count_up
from childnrm.kit.errors import ServiceError
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised, child_anonymised_at, child_anonymised_message
from childnrm.referrals.models import Referral

BETTER_MAX = 2_000
GATHER_PURPOSE = PURPOSES[Perm.FEEDBACK_GATHER]
CHILD_PURPOSE = "The child's own feedback, given without signing in"


class FeedbackError(ServiceError, ValueError):
    """A change that cannot be made; `field` names the form field to show it against (None: the page)."""


class State(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


STATE_LABELS = {
    State.OPEN: (_("Waiting for the child's answers"), ""),
    State.ANSWERED: (_("Answered"), "govuk-tag--green"),
    State.CANCELLED: (_("Cancelled"), "govuk-tag--grey"),
    State.EXPIRED: (_("Expired without answers"), "govuk-tag--grey"),
}


def state_of(session: FeedbackSession, now=None) -> State:
    if session.answered_at is not None:
        return State.ANSWERED
    if session.cancelled_at is not None:
        return State.CANCELLED
    if session.expires_at <= (now or timezone.now()):
        return State.EXPIRED
    return State.OPEN


def _answerable(session: FeedbackSession) -> bool:
    """Whether the child's link still takes answers: open, and the child's record not anonymised (kept only for the
    figures, nobody writes new words into it: `referrals.anonymised`). The child is told only that the link does not
    work."""
    return state_of(session) == State.OPEN and not child_anonymised(session.child_id)


def _audit(*, audit: AuditContext | None, child: Child, action: str, purpose: str, detail: dict, actor=None) -> None:
    audit_record(
        context=audit, actor=actor, action=action, obj=child, site_id=child.site_id, purpose=purpose, detail=detail
    )


@dataclass(frozen=True)
class Started:
    session: FeedbackSession
    code: str  # shown to the practitioner once; only its hash is kept

    @property
    def token(self) -> str:
        return tokens.make_token(self.session.pk, self.code)


def _start_locks(child: Child) -> tuple[Child, Decision | None]:
    """A new session's locks, in ADR 0035's order (`decisions.locks`): every case of the child (a decision becomes
    final under its case's lock, so none does meanwhile), the newest final decision, read under them, then the
    child, read again. Returns the child and the decision (None: no final decision yet)."""
    locks.cases_lock(Referral.objects.filter(child_id=child.pk).values_list("pk", flat=True))
    decision = (
        Decision.objects.filter(referral__child_id=child.pk, status=DecisionStatus.FINAL)
        .select_related("referral")
        .order_by("-decided_on", "-id")
        .first()
    )
    locks.decisions_lock([decision.pk if decision else None])
    return locks.child_lock(child.pk), decision


def session_start(*, child: Child, user: User, audit: AuditContext | None = None) -> Started:
    """A one-time code and link for the child's feedback, about the child's newest final decision if there is one.

    The session points at the child, the decision's case and the decision, so it takes their locks first, in ADR
    0035's order, and checks for anonymisation under them (`_start_locks`): a session started while retention
    anonymises the child waits for it and is refused in words, or is started first and anonymised with the rest of
    the child's record. Inserted without them, the session's row held the child while retention held the case and
    waited for the child: the two deadlocked, or a session was left on an anonymised child."""
    refused = gettext("Only the child's guardian or lead social worker can start a feedback session")
    if not selectors.may_gather(user, child):
        raise FeedbackError(refused)
    with transaction.atomic():
        child, decision = _start_locks(child)
        anonymised_at = child_anonymised_at(child.pk)
        if anonymised_at is not None:
            raise FeedbackError(child_anonymised_message(child.reference, anonymised_at))
        # Asked again under the child's lock: an allocation ended while this waited (it takes the child's lock too,
        # safeguarding.services.guardian_allocation_end) must not leave a code with someone no longer the child's.
        if not selectors.may_gather(user, child):
            raise FeedbackError(refused)
        now = timezone.now()
        for _attempt in range(3):  # a code already in use (never in practice): draw another
            code = tokens.new_code()
            try:
                with transaction.atomic():
                    session = FeedbackSession.objects.create(
                        child=child,
                        referral=decision.referral if decision else None,
                        decision=decision,
                        started_by=user,
                        started_as=selectors.started_as(user, child),
                        started_at=now,
                        expires_at=now + tokens.life(),
                        code_hash=tokens.code_hash(code),
                    )
            except IntegrityError:
                continue
            _audit(
                audit=audit,
                child=child,
                action=Action.CREATE,
                purpose=GATHER_PURPOSE,
                detail={"record": "feedback session", "session": session.pk, "decision": session.decision_id},
            )
            return Started(session, code)
    raise FeedbackError(gettext("The feedback session could not be started: try again"))


def session_cancel(*, session: FeedbackSession, user: User, audit: AuditContext | None = None) -> FeedbackSession:
    """The link and code stop working at once (a device left behind, the child not ready)."""
    with transaction.atomic():
        # The session's row only: the child is read, not locked (a child's records after the child, ADR 0035).
        session = FeedbackSession.objects.select_for_update(of=("self",)).select_related("child").get(pk=session.pk)
        if session.started_by_id != user.pk or not selectors.may_gather(user, session.child):
            raise FeedbackError(gettext("Only the person who started this feedback session can cancel it"))
        state = state_of(session)
        if state != State.OPEN:
            raise FeedbackError(
                gettext("This feedback session is already %(state)s") % {"state": str(STATE_LABELS[state][0]).lower()}
            )
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled_at"])
        _audit(
            audit=audit,
            child=session.child,
            action=Action.UPDATE,
            purpose=GATHER_PURPOSE,
            detail={"record": "feedback session", "session": session.pk, "change": "cancelled"},
        )
    return session


# The child's side: no sign-in ------------------------------------------------------------------------


def open_session_for_token(token: str) -> FeedbackSession | None:
    """The open session a link names, or None: a link made up, changed, expired, used or cancelled."""
    found = tokens.read_token(token)
    if found is None:
        return None
    session_id, code = found
    session = FeedbackSession.objects.select_related("child").filter(pk=session_id).first()
    if session is None or not tokens.matches(code, session.code_hash) or not _answerable(session):
        return None
    return session


def timed_out_session_for_token(token: str) -> FeedbackSession | None:
    """The session a genuine link names when the link no longer opens the form only because its time ran out: not
    answered, not cancelled, the child's record not anonymised. Its answers are never saved through it."""
    found = tokens.read_token(token, any_age=True)
    if found is None:
        return None
    session_id, code = found
    session = FeedbackSession.objects.select_related("child").filter(pk=session_id).first()
    if session is None or not tokens.matches(code, session.code_hash):
        return None
    state = state_of(session)
    timed_out = state == State.EXPIRED or (state == State.OPEN and tokens.read_token(token) is None)
    if not timed_out or child_anonymised(session.child_id):
        return None
    return session


def open_session_for_code(typed: str) -> tuple[FeedbackSession, str] | None:
    """(the open session, its code) for a code typed in, or None."""
    code = tokens.normalise(typed)
    if len(code) != tokens.CODE_LENGTH:
        return None
    session = FeedbackSession.objects.filter(code_hash=tokens.code_hash(code)).first()
    if session is None or not _answerable(session):
        return None
    return session, code


def link_opened(*, session: FeedbackSession, audit: AuditContext, how: str) -> None:
    """The child's form was opened (by link or code): audited, with nothing of the child in the detail."""
    _audit(
        audit=audit,
        child=session.child,
        action=Action.VIEW,
        purpose=CHILD_PURPOSE,
        detail={"page": "child's feedback form", "session": session.pk, "opened_by": how},
    )


def code_refused(*, audit: AuditContext, reason: str) -> None:
    """A code or link that did not open a form: a trace of guessing, without what was typed."""
    audit_record(
        context=audit,
        action=Action.REFUSED,
        object_type=FeedbackSession._meta.label_lower,
        purpose=CHILD_PURPOSE,
        detail={"page": "child's feedback", "reason": reason},
    )


def over_limit_refused(*, audit: AuditContext, limit: Limit, reason: str) -> None:
    """A request refused because its address is over `limit`: audited the first time in each of the limit's windows
    (the lockout), not again for each try after it, which a flood would turn into a flood of audit rows. Counted in
    kit.counters, keyed like the limit's own count (the address hashed, the window)."""
    if count_up(f"{limit.key(audit.ip or 'unknown')}.audited", limit.seconds * 2) == 1:
        code_refused(audit=audit, reason=reason)


# Answers shown back after the time ran out are audited once in this many seconds per session: an old link's form
# sent again and again (not a failed try: a genuine link) must not fill the child's audit trail.
TIME_RAN_OUT_AUDITED_EVERY = 3600


def answers_after_time_ran_out(*, session: FeedbackSession, audit: AuditContext) -> None:
    """The child sent answers after the session's time ran out: shown back to them, not saved (a trace for the
    practitioner's "expired" session, without the answers; once an hour per session, kit.counters)."""
    if count_up(f"feedback.time_ran_out.{session.pk}", TIME_RAN_OUT_AUDITED_EVERY) != 1:
        return
    _audit(
        audit=audit,
        child=session.child,
        action=Action.REFUSED,
        purpose=CHILD_PURPOSE,
        detail={"page": "child's feedback form", "session": session.pk, "reason": "time ran out, answers kept"},
    )


def feedback_answer(
    *,
    token: str,
    listened: str,
    understood: str,
    better: str,
    audit: AuditContext | None = None,
    after_time_ran_out: FeedbackSession | None = None,
) -> FeedbackSession:
    """The child's answers, once: the link must still be open when they are saved (checked again under a lock).
    `after_time_ran_out`: the session whose time ran out while the child wrote them (for the audit trail)."""
    better = (better or "").strip()
    if listened not in Scale.values:
        raise FeedbackError(gettext("Pick an answer"), "listened")
    if understood not in Scale.values:
        raise FeedbackError(gettext("Pick an answer"), "understood")
    if len(better) > BETTER_MAX:
        raise FeedbackError(gettext("That is too long"), "better")
    found = tokens.read_token(token)
    if found is None:
        raise FeedbackError("This link does not work", code="link_gone")
    session_id, code = found
    with transaction.atomic():
        session = (
            FeedbackSession.objects.select_for_update(of=("self",))
            .select_related("child")
            .filter(pk=session_id)
            .first()
        )
        if session is None or not tokens.matches(code, session.code_hash) or not _answerable(session):
            raise FeedbackError("This link does not work", code="link_gone")
        session.listened, session.understood, session.better = listened, understood, better
        session.answered_at = timezone.now()
        session.save(update_fields=["listened", "understood", "better", "answered_at"])
        _audit(
            audit=audit,
            child=session.child,
            action=Action.CREATE,
            purpose=CHILD_PURPOSE,
            detail={
                "record": "child's feedback",
                "session": session.pk,
                "answered_by": "the child, without signing in",
                **({"time_ran_out_in": after_time_ran_out.pk} if after_time_ran_out is not None else {}),
            },
        )
    return session


def open_session_for_new_code(timed_out: FeedbackSession, typed: str) -> tuple[FeedbackSession, str] | None:
    """(the open session, its code) for a new code typed in on answers whose time ran out in `timed_out`, or None:
    only a session of the same child, so a code meant for another child never takes this child's words."""
    found = open_session_for_code(typed)
    if found is None or found[0].child_id != timed_out.child_id:
        return None
    return found
