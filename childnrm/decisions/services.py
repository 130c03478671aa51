"""Recording, voting on, finalising, correcting and second-reviewing a panel decision.

Every state change locks the decision row, checks its state and refuses with a clear message
(DecisionStateError / DecisionInvalid / DecisionIncomplete) that the view shows as it is. A final
decision is never edited: a correction is a new version that supersedes it once it is final itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.accounts.models import TieRule
from childnrm.accounts.policy import current_policy
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions import guidance, locks, reconsideration
from childnrm.decisions.checks import finalise_check_problems, run_on_final
from childnrm.decisions.models import (
    Act,
    ActFinding,
    AgencyNilReturn,
    Decision,
    DecisionEvidence,
    DecisionKind,
    DecisionStatus,
    DecisionVote,
    NegativeReason,
    Outcome,
    PlanBasis,
    PurposeFinding,
    SlaveryFinding,
    Stage,
    TieDeferral,
    Vote,
)
from childnrm.decisions.standing import record_standing
from childnrm.kit import prepared
from childnrm.kit.dates import long_date, long_datetime
from childnrm.kit.errors import Problem, ServiceError
from childnrm.panels import rules
from childnrm.panels.models import (
    QUORUM_AGENCIES,
    Agency,
    AgendaItem,
    AgendaStage,
    AttendsAs,
    ConflictDeclaration,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
)
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.vocab import ExploitationType, Indicator
from childnrm.training.selectors import training_warnings
from childnrm.triage.eligibility import adult_consent_problems

RECORD = PURPOSES[Perm.DECISION_RECORD]
FINALISE = PURPOSES[Perm.DECISION_FINALISE]
SECOND_REVIEW = PURPOSES[Perm.DECISION_SECOND_REVIEW]

STAGES_ON_AGENDA: dict[str, set[str]] = {
    AgendaStage.REASONABLE_GROUNDS: {Stage.REASONABLE_GROUNDS},
    AgendaStage.CONCLUSIVE_GROUNDS: {Stage.CONCLUSIVE_GROUNDS},
    AgendaStage.BOTH: {Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS},
    AgendaStage.RECONSIDERATION: {Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS},
}
# Fields of the record a draft may save; copied into each new version.
RECORD_FIELDS = (
    "act_finding",
    "act_found",
    "act_reasoning",
    "slavery_found",
    "slavery_reasoning",
    "purpose_finding",
    "purpose_found",
    "purpose_reasoning",
    "exploitation_types",
    "indicators",
    "credibility_reasoning",
    "wishes_gathered",
    "wishes_and_feelings",
    "wishes_how_gathered",
    "wishes_gathered_by",
    "wishes_not_gathered_reason",
    "dissent",
    "outcome",
    "decided_on",
    "negative_reason",
    "best_interests",
    "plan_basis",
    "plan_in_place_reason",
    "support_after_negative",
)
LIST_FIELDS = {
    "act_found": Act.values,
    "slavery_found": SlaveryFinding.values,
    "purpose_found": ExploitationType.values,
    "exploitation_types": ExploitationType.values,
    "indicators": Indicator.values,
}
TEXT_FIELDS = (
    "act_reasoning",
    "purpose_reasoning",
    "credibility_reasoning",
    "wishes_and_feelings",
    "wishes_how_gathered",
    "wishes_gathered_by",
    "wishes_not_gathered_reason",
    "dissent",
    "slavery_reasoning",
    "best_interests",
    "plan_in_place_reason",
    "support_after_negative",
)
# Single choices saved as their code ("" when not answered yet).
CHOICE_FIELDS = {
    "act_finding": (ActFinding.values, _("Select whether the panel found an act of trafficking")),
    "purpose_finding": (PurposeFinding.values, _("Select whether the panel found an exploitative purpose")),
    "plan_basis": (PlanBasis.values, _("Select how the child's safeguarding plan is in place")),
}
# A coded negative reason that needs the panel to have found that element not met.
NEGATIVE_REASON_NEEDS = {
    "act-not-met": ("act_finding", ActFinding.NOT_FOUND, _("the panel found no act of trafficking")),
    "purpose-not-met": ("purpose_finding", PurposeFinding.NOT_FOUND, _("the panel found no exploitative purpose")),
}
# What is missing from each statutory partner, one whole sentence each (Welsh mutates the name after "from").
AGENCY_INPUT_MISSING: dict[str, Any] = {
    Agency.SOCIAL_CARE: _("Add evidence from children's social care, or record that it holds nothing relevant"),
    Agency.POLICE: _("Add evidence from the police, or record that it holds nothing relevant"),
    Agency.HEALTH: _("Add evidence from health, or record that it holds nothing relevant"),
}
STAGE_WORDS: dict[str, Any] = {
    Stage.REASONABLE_GROUNDS: _("reasonable grounds"),
    Stage.CONCLUSIVE_GROUNDS: _("conclusive grounds"),
}


class DecisionStateError(ServiceError):
    """The decision is not in a state that allows this (already final, meeting not in session...)."""


class DecisionInvalid(ServiceError, ValueError):
    """An answer cannot be accepted; `field` names the form field to show it against."""


class DecisionIncomplete(ServiceError):
    """The decision cannot be finalised: `problems` lists everything still missing (each with its code)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems), code="decision-incomplete")
        self.problems = problems

    def form_errors(self) -> list[tuple[str | None, str]]:
        return [(p.field, p.message) for p in self.problems]


def when(at) -> str:
    """'3 December 2026 at 10:30am': a moment in a message, as every page writes one."""
    return long_datetime(at)


def _site_id(decision: Decision) -> int:
    site_id = decision.referral.site_id
    if site_id is None:  # a case no site holds is no panel's to decide (and has_perm would ask "any site")
        raise PermissionDenied
    return site_id


def _require(user, perm: Perm, site_id: int) -> None:
    if not has_perm(user, perm, site_id):
        raise PermissionDenied


def _locked(decision: Decision) -> Decision:
    """The decision locked after its case (`locks`: the referral's row first, as retention, transfers and
    `decision_start` take it before the decisions). A change waiting for it then finds the case anonymised or
    transferred (`_require_held`); taken the other way round, each could wait for the other."""
    locks.cases_lock([decision.referral_id])
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("referral", "referral__site")
        .get(pk=decision.pk)
    )


def _locked_at_its_sitting(decision: Decision) -> Decision:
    """The decision locked after its sitting (`locks`): the meeting's row first, as the panel's services lock it
    (attendance, declarations, attendees, closing) and a transfer does, then the case's and the decision's. A conflict
    declared or an attendance marked while the chair signs off then waits for the sign-off (and finds the declarations
    closed), or the sign-off waits for it and reads it; locked the other way round, each read around the other. The
    child is touched last (its outcome follow-up starts when the decision is final)."""
    meeting_id = Decision.objects.filter(pk=decision.pk).values_list("meeting_id", flat=True).first()
    locks.sittings_lock([meeting_id])
    locked = _locked(decision)
    if locked.meeting_id != meeting_id:  # moved to another sitting between the two reads (`decision_start`)
        raise DecisionStateError(gettext("This decision has just been moved to another sitting. Open it again there."))
    return locked


def _finalised_message(decision: Decision) -> str:
    if decision.status == DecisionStatus.SUPERSEDED:
        return gettext("This decision has been superseded by a later version and cannot be changed.")
    if decision.status == DecisionStatus.RETURNED:
        return gettext("This decision was returned to the panel by the second reviewer and cannot be changed.")
    if decision.finalised_by is not None:
        by = {"name": decision.finalised_by.full_name, "when": when(decision.finalised_at)}
        if decision.status == DecisionStatus.SECOND_REVIEW:
            return (
                gettext("This decision was sent for second review by %(name)s on %(when)s. It cannot be changed.") % by
            )
        return gettext("This decision was finalised by %(name)s on %(when)s. It cannot be changed.") % by
    return gettext("This decision is no longer a draft and cannot be changed.")


def _require_draft(decision: Decision) -> None:
    """A draft of a case this site's panel still holds: every change to a draft, sign-off included."""
    if decision.status != DecisionStatus.DRAFT:
        raise DecisionStateError(_finalised_message(decision))
    _require_held(decision)


def _require_held(decision: Decision) -> None:
    """The panel decides only the cases it holds: once a case is transferred (to the Single Competent Authority
    or another site) or withdrawn, its open drafts and second reviews stand still, as `decision_start` refuses to
    open one. Nor, once retention has anonymised the case, does anyone write new words into its decisions (a
    correction, a vote, a sign-off or a review): the case stays accepted, kept for the figures. `decision` is read
    under the case's lock (`_locked`)."""
    if case_anonymised(decision.referral):
        raise DecisionStateError(case_anonymised_message(decision.referral))
    if decision.referral.status != ReferralStatus.ACCEPTED:
        raise DecisionStateError(gettext("This case is not held by this site's panel."))


def standing_version(referral_id: int, stage: str) -> Decision | None:
    """The version of a stage that stands: its final one (one at most, a database constraint). A correction is judged
    against it wherever the correction sits in the chain of versions: once the second reviewer returns a correction,
    its new draft supersedes the returned version, not the one that stands."""
    return Decision.objects.filter(referral_id=referral_id, stage=stage, status=DecisionStatus.FINAL).first()


def _newest_version(referral_id: int, stage: str) -> Decision | None:
    """The last version of the stage, which no version supersedes yet: a new version supersedes it. Usually the version
    that stands; after a correction the second reviewer returned and its draft was abandoned, the version returned
    (`supersedes` is one-to-one, and the chain of versions stays one line)."""
    return Decision.objects.filter(referral_id=referral_id, stage=stage).order_by("-version").first()


def _next_version(referral_id: int, stage: str) -> int:
    top = Decision.objects.filter(referral_id=referral_id, stage=stage).aggregate(v=Max("version"))["v"]
    return (top or 0) + 1


def _apply_guidance(decision: Decision, day: date) -> None:
    # The guidance of the deciding site's nation (accounts.nations): Scottish law and guidance in Scotland.
    site = decision.referral.site
    version = guidance.version_on(day, site.nation if site else None)
    decision.guidance_version = version.code
    decision.test_applied = version.test_for(decision.stage)


def _audit(
    *, audit: AuditContext | None, user, action: str, decision: Decision, purpose: str, detail: dict[str, Any]
) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=action,
        obj=decision,
        site_id=_site_id(decision),
        purpose=purpose,
        detail={"referral": decision.referral_id, "stage": decision.stage, "version": decision.version, **detail},
    )


# --- Starting and saving a draft -----------------------------------------------------------------


def decision_start(*, agenda_item: AgendaItem, stage: str, user, audit: AuditContext | None = None) -> Decision:
    """The draft decision for this case and stage at this sitting: an existing draft, or a new one.

    A draft returned by the second reviewer (or left from a sitting that did not decide) is brought to
    this sitting; its votes belonged to the earlier sitting and are not carried over.
    """
    meeting = agenda_item.meeting
    referral = agenda_item.referral
    _require(user, Perm.DECISION_RECORD, meeting.site_id)
    if stage not in STAGES_ON_AGENDA.get(agenda_item.stage, set()):
        raise DecisionInvalid(
            gettext("This case is on the agenda for %(listed)s, not a %(stage)s decision")
            % {"listed": agenda_item.get_stage_display().lower(), "stage": STAGE_WORDS.get(stage, stage)},
            "stage",
        )
    not_live = gettext("Decisions can only be recorded for a meeting that is scheduled or in session.")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        raise DecisionStateError(not_live)
    if referral.site_id != meeting.site_id or referral.status != ReferralStatus.ACCEPTED:
        raise DecisionStateError(gettext("This case is not held by this site's panel."))
    with transaction.atomic():
        # The sitting first, as the panel's services lock it: closing or cancelling it, or taking a member off it
        # (refused once a decision is started there), waits for the start or is waited for, and its status is read
        # again under the lock.
        if Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("status", flat=True).first() not in (
            MeetingStatus.SCHEDULED,
            MeetingStatus.OPEN,
        ):
            raise DecisionStateError(not_live)
        # Serialise starts for the case so two coordinators cannot open two drafts of one stage; and read again under
        # the lock whether the panel still holds it (a transfer may have committed since).
        held = type(referral).objects.select_for_update().get(pk=referral.pk)
        if case_anonymised(held):  # kept for the figures: nothing more is decided (`referrals.anonymised`)
            raise DecisionStateError(case_anonymised_message(held))
        if held.site_id != meeting.site_id or held.status != ReferralStatus.ACCEPTED:
            raise DecisionStateError(gettext("This case is not held by this site's panel."))
        current = (
            Decision.objects.select_for_update()
            .filter(referral=referral, stage=stage, status__in=(DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW))
            .order_by("-version")
            .first()
        )
        if current is not None and current.status == DecisionStatus.SECOND_REVIEW:
            raise DecisionStateError(gettext("This decision is waiting for its second review."))
        reconsidering = agenda_item.stage == AgendaStage.RECONSIDERATION
        if current is not None and (current.kind == DecisionKind.RECONSIDERATION) != reconsidering:
            # A correction's draft is not the panel's reconsideration (it may not change the outcome, and its
            # voters are not excluded), nor is a reconsideration's draft an ordinary decision.
            raise DecisionStateError(
                gettext(
                    "A correction of the %(stage)s decision is being drafted. The chair signs the correction off "
                    "before the panel reconsiders the decision."
                )
                % {"stage": STAGE_WORDS[stage]}
                if current.kind == DecisionKind.CORRECTION
                else gettext(
                    "A reconsideration of the %(stage)s decision is being drafted. Put the case on the agenda to "
                    "reconsider it."
                )
                % {"stage": STAGE_WORDS[stage]}
            )
        if current is not None and current.agenda_item_id == agenda_item.pk:
            return current
        standing = Decision.objects.filter(referral=referral, stage=stage, status=DecisionStatus.FINAL).first()
        if current is None and reconsidering and (standing is None or standing.outcome != Outcome.NEGATIVE):
            raise DecisionStateError(
                gettext("There is no negative %(stage)s decision to reconsider.") % {"stage": STAGE_WORDS[stage]}
            )
        detail: dict[str, Any] = {"agenda_item": agenda_item.pk}
        if current is not None:
            if current.meeting is not None and current.meeting.status == MeetingStatus.OPEN:
                raise DecisionStateError(
                    gettext("A draft of this decision is open at another sitting that is in session. Finish it there.")
                )
            detail.update(
                moved_from_meeting=current.meeting_id,
                votes_not_carried_over=current.votes.count(),
                date_cleared=current.decided_on is not None,
            )
            current.votes.all().delete()
            current.agenda_item = agenda_item
            current.meeting = meeting
            # A casting vote broke a tie of votes that are not carried over, so it goes with them.
            current.casting_vote = ""
            current.casting_vote_reasons = ""
            # Decided at this sitting, if at all: not on the day entered at an earlier one, and under the guidance in
            # force at this one, as a new draft here (the date entered here applies its own, `decision_save`).
            current.decided_on = None
            _apply_guidance(current, timezone.localdate(meeting.starts_at))
            current.save(
                update_fields=[
                    "agenda_item",
                    "meeting",
                    "casting_vote",
                    "casting_vote_reasons",
                    "decided_on",
                    "guidance_version",
                    "test_applied",
                    "updated_at",
                ]
            )
            decision = current
        elif standing is not None and not reconsidering:
            raise DecisionStateError(
                gettext("The %(stage)s decision has already been made. Correct it instead of deciding again.")
                % {"stage": STAGE_WORDS[stage]}
            )
        else:
            decision = Decision(
                referral=referral,
                stage=stage,
                version=_next_version(referral.pk, stage),
                meeting=meeting,
                agenda_item=agenda_item,
                created_by=user,
            )
            if standing is not None:
                decision.kind = DecisionKind.RECONSIDERATION
                decision.supersedes = _newest_version(referral.pk, stage)
                _copy_record(standing, decision)
                decision.outcome = ""
                decision.decided_on = None
            _apply_guidance(decision, timezone.localdate(meeting.starts_at))
            decision.save()
            if standing is not None:
                _copy_evidence(standing, decision)
        _audit(audit=audit, user=user, action=Action.CREATE, decision=decision, purpose=RECORD, detail=detail)
    return decision


def _clean_record(decision: Decision, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(RECORD_FIELDS)
    if unknown:
        raise DecisionInvalid(gettext("Unknown parts of the record: %(names)s") % {"names": ", ".join(sorted(unknown))})
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name in LIST_FIELDS:
            values = list(dict.fromkeys(value or []))
            bad = [v for v in values if v not in LIST_FIELDS[name]]
            if bad:
                raise DecisionInvalid(gettext("Select from the list"), name)
            clean[name] = values
        elif name in TEXT_FIELDS:
            clean[name] = (value or "").strip()
        elif name == "wishes_gathered":
            if value not in (True, False, None):
                raise DecisionInvalid(gettext("Select whether the child's wishes and feelings were gathered"), name)
            clean[name] = value
        elif name == "outcome":
            if value not in ("", None, *Outcome.values):
                raise DecisionInvalid(gettext("Select the outcome"), name)
            clean[name] = value or ""
        elif name in CHOICE_FIELDS:
            choices, message = CHOICE_FIELDS[name]
            if value not in ("", None, *choices):
                raise DecisionInvalid(str(message), name)
            clean[name] = value or ""
        elif name == "negative_reason":
            clean[name] = _negative_reason(decision, value)
        elif name == "decided_on":
            if value is not None and not isinstance(value, date):
                raise DecisionInvalid(gettext("Enter the date of the decision as a real date"), name)
            if value is not None and value > timezone.localdate():
                raise DecisionInvalid(gettext("The date of the decision must be today or in the past"), name)
            if (
                value is not None
                and decision.meeting is not None
                and value < timezone.localdate(decision.meeting.starts_at)
            ):
                raise DecisionInvalid(gettext("The date of the decision cannot be before the sitting"), name)
            if value is not None and (after := _rg_after_cg(decision, value)) is not None:
                raise DecisionInvalid(after.message, name)
            clean[name] = value
    _keep_consistent(decision, clean)
    return clean


def _negative_reason(decision: Decision, value: Any) -> NegativeReason | None:
    """A coded reason from the configurable list (by instance, id or code); a retired one only if already held."""
    if value in (None, ""):
        return None
    if isinstance(value, NegativeReason):
        reason = NegativeReason.objects.filter(pk=value.pk).first()
    elif isinstance(value, int):
        reason = NegativeReason.objects.filter(pk=value).first()
    else:
        reason = NegativeReason.objects.filter(code=str(value)).first()
    if reason is None:
        raise DecisionInvalid(gettext("Select the reason for the negative decision from the list"), "negative_reason")
    if not reason.active and reason.pk != decision.negative_reason_id:
        raise DecisionInvalid(
            gettext("“%(reason)s” is no longer in use. Select another reason") % {"reason": reason},
            "negative_reason",
        )
    return reason


# What ticking an element means when its finding says otherwise: (finding, ticked list, refusal by finding).
_TICKED = (
    (
        "act_finding",
        "act_found",
        {
            ActFinding.NOT_FOUND: _("The panel found no act of trafficking, so select no acts"),
            ActFinding.NOT_NEEDED: _(
                "No act is needed when the panel found slavery, servitude or forced or compulsory labour, so select "
                "no acts"
            ),
        },
    ),
    (
        "purpose_finding",
        "purpose_found",
        {PurposeFinding.NOT_FOUND: _("The panel found no exploitative purpose, so select no purposes")},
    ),
)


def _keep_consistent(decision: Decision, clean: dict[str, Any]) -> None:
    """The record says one thing: nothing ticked as found for an element found not met, and no negative
    reason on a positive decision. A change of finding clears what it contradicts; answers given together
    that contradict each other are refused."""

    def merged(name: str) -> Any:
        return clean[name] if name in clean else getattr(decision, name)

    for finding, ticked, refusals in _TICKED:
        value = merged(finding)
        if not merged(ticked):
            continue
        if not value:
            clean[finding] = "found"  # ticking what was found states the finding
        elif value != "found":
            if finding in clean and ticked not in clean:
                clean[ticked] = []
            else:
                raise DecisionInvalid(str(refusals[value]), ticked)
    if merged("outcome") == Outcome.POSITIVE and merged("negative_reason") is not None:
        if clean.get("negative_reason") is not None:
            raise DecisionInvalid(
                gettext("A positive decision has no reason for a negative decision"), "negative_reason"
            )
        clean["negative_reason"] = None


def decision_save(*, decision: Decision, user, data: dict, audit: AuditContext | None = None) -> Decision:
    """Save parts of a draft's record as the panel goes. Anything final is refused."""
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft(locked)
        clean = _clean_record(locked, data)
        if locked.kind == DecisionKind.CORRECTION and "outcome" in clean and clean["outcome"] != locked.outcome:
            standing = standing_version(locked.referral_id, locked.stage)
            if standing is not None and clean["outcome"] != standing.outcome:
                raise DecisionInvalid(
                    gettext(
                        "A correction cannot change the outcome. The panel changes an outcome through reconsideration."
                    ),
                    "outcome",
                )
        changed = [name for name, value in clean.items() if getattr(locked, name) != value]
        for name, value in clean.items():
            setattr(locked, name, value)
        if "decided_on" in clean and clean["decided_on"] is not None:
            _apply_guidance(locked, clean["decided_on"])
        locked.save()
        if changed:
            _audit(
                audit=audit,
                user=user,
                action=Action.UPDATE,
                decision=locked,
                purpose=RECORD,
                detail={"changed": changed},
            )
    return locked


def evidence_add(
    *,
    decision: Decision,
    user,
    description: str,
    agency: str,
    supplied_by: str = "",
    weight: str = "",
    information_response=None,
    referral_document=None,
    audit: AuditContext | None = None,
) -> DecisionEvidence:
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    description = (description or "").strip()
    if not description:
        raise DecisionInvalid(gettext("Enter a description of the evidence"), "description")
    if agency not in Agency.values:
        raise DecisionInvalid(gettext("Select the agency that supplied the evidence"), "agency")
    if information_response is not None and information_response.request.referral_id != decision.referral_id:
        raise DecisionInvalid(gettext("Select information shared for this case"), "information_response")
    if referral_document is not None and referral_document.referral_id != decision.referral_id:
        raise DecisionInvalid(gettext("Select a document of this referral"), "referral_document")
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft(locked)
        if locked.nil_returns.filter(agency=agency).exists():
            raise DecisionInvalid(
                gettext(
                    "%(agency)s is recorded as holding nothing relevant. Remove that record before adding its evidence"
                )
                % {"agency": Agency(agency).label},
                "agency",
            )
        evidence = DecisionEvidence.objects.create(
            decision=locked,
            description=description,
            agency=agency,
            supplied_by=(supplied_by or "").strip(),
            weight=(weight or "").strip(),
            information_response=information_response,
            referral_document=referral_document,
        )
        _audit(
            audit=audit,
            user=user,
            action=Action.CREATE,
            decision=locked,
            purpose=RECORD,
            detail={"evidence_added": evidence.pk},
        )
    return evidence


def _draft_row_remove(
    row: DecisionEvidence | AgencyNilReturn, *, user, audit: AuditContext | None, detail: dict[str, Any]
) -> None:
    """Delete one row of a draft decision's record (a piece of evidence, a nil return), audited on the decision."""
    decision = row.decision
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft(locked)
        type(row).objects.filter(pk=row.pk, decision=locked).delete()
        _audit(audit=audit, user=user, action=Action.UPDATE, decision=locked, purpose=RECORD, detail=detail)


def evidence_remove(*, evidence: DecisionEvidence, user, audit: AuditContext | None = None) -> None:
    _draft_row_remove(evidence, user=user, audit=audit, detail={"evidence_removed": evidence.pk})


# --- Multi-agency input (issue 8 rule 5) ------------------------------------------------------------


def agency_input_problems(decision: Decision, evidence: list[DecisionEvidence] | None = None) -> list[Problem]:
    """Each statutory partner must have supplied evidence, or be recorded as holding nothing relevant. `evidence`:
    the decision's evidence if the caller has read it already."""
    if evidence is None:
        supplied = set(decision.evidence.order_by().values_list("agency", flat=True))
    else:
        supplied = {e.agency for e in evidence}
    supplied |= set(
        prepared.rows(  # compiled once: the task list and sign-off ask for every decision
            AgencyNilReturn,
            ("decisions:nil-return-agencies",),
            lambda pk: AgencyNilReturn.objects.filter(decision_id=pk).order_by().values_list("agency", flat=True),
            decision.pk,
        )
    )
    return [
        Problem("agency-input", str(AGENCY_INPUT_MISSING[agency]))
        for agency in QUORUM_AGENCIES
        if agency not in supplied
    ]


def nil_return_record(
    *, decision: Decision, user, agency: str, statement: str, audit: AuditContext | None = None
) -> AgencyNilReturn:
    """Record that a statutory partner holds nothing relevant to this decision, and who confirmed it."""
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    if agency not in QUORUM_AGENCIES:
        raise DecisionInvalid(gettext("Select children's social care, police or health"), "agency")
    statement = (statement or "").strip()
    if not statement:
        raise DecisionInvalid(
            gettext("Enter who in the agency confirmed it holds nothing relevant, and when"), "statement"
        )
    label = Agency(agency).label
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft(locked)
        if locked.evidence.filter(agency=agency).exists():
            raise DecisionInvalid(
                gettext("%(agency)s has supplied evidence for this decision") % {"agency": label}, "agency"
            )
        if locked.nil_returns.filter(agency=agency).exists():
            raise DecisionInvalid(
                gettext("%(agency)s is already recorded as holding nothing relevant") % {"agency": label}, "agency"
            )
        nil_return = AgencyNilReturn.objects.create(
            decision=locked, agency=agency, statement=statement, recorded_by=user
        )
        _audit(
            audit=audit,
            user=user,
            action=Action.CREATE,
            decision=locked,
            purpose=RECORD,
            detail={"nil_return_added": agency},
        )
    return nil_return


def nil_return_remove(*, nil_return: AgencyNilReturn, user, audit: AuditContext | None = None) -> None:
    _draft_row_remove(nil_return, user=user, audit=audit, detail={"nil_return_removed": nil_return.agency})


# --- Votes -------------------------------------------------------------------------------------


def earlier_voter_ids(decision: Decision) -> set[int]:
    """On reconsideration, who voted on the decision it reconsiders (any earlier version): a differently
    constituted panel reconsiders, so they may not vote again. Empty for other decisions."""
    if decision.kind != DecisionKind.RECONSIDERATION:
        return set()
    return set(
        DecisionVote.objects.filter(
            decision__referral_id=decision.referral_id,
            decision__stage=decision.stage,
            decision__version__lte=reconsideration.reconsidered_version(decision),
        ).values_list("voter_id", flat=True)
    ) | reconsideration.original_chair_ids(decision)


def decision_voters(decision: Decision) -> list:
    """Who may vote on this decision at its sitting: the sitting's eligible voters (panels.rules), less
    anyone who voted on the decision being reconsidered."""
    if decision.agenda_item is None:
        return []
    excluded = earlier_voter_ids(decision)
    return [a for a in rules.eligible_voters(decision.agenda_item) if a.user_id not in excluded]


def vote_refusal(decision: Decision, voter) -> str | None:
    """Why `voter` may not vote on this decision, or None when they may."""
    return vote_refusals(decision, [voter])[voter.pk]


def vote_refusals(decision: Decision, voters) -> dict[int, str | None]:
    """`vote_refusal` of each voter, by user pk: the sitting read once for all of them (the votes page asks for every
    attendee and every vote; asked one by one, each read the attendee, the seat, the declaration and the earlier
    votes again)."""
    voters = list(voters)
    item = decision.agenda_item
    if item is None:
        return {v.pk: gettext("This decision is not on the agenda of a sitting.") for v in voters}
    meeting = item.meeting
    attendees = {
        a.user_id: a
        for a in meeting.attendees.filter(user_id__in={v.pk for v in voters}).select_related(
            "user", "user__organisation"
        )
    }
    seats = rules.seat_refusals(attendees.values(), meeting.site_id)
    declared = dict(item.conflict_declarations.values_list("attendee_id", "has_conflict"))
    earlier: set[int] | None = None  # read only when a voter gets that far (two reads, on reconsideration alone)
    refusals: dict[int, str | None] = {}
    for voter in voters:
        refusal = _vote_refusal_of(decision, voter, attendees.get(voter.pk), seats, declared)
        if refusal is None:
            earlier = earlier_voter_ids(decision) if earlier is None else earlier
            if voter.pk in earlier:
                refusal = gettext(
                    "%(name)s voted on or chaired the decision being reconsidered and cannot vote on its "
                    "reconsideration."
                ) % {"name": voter.full_name}
        refusals[voter.pk] = refusal
    return refusals


def _vote_refusal_of(
    decision: Decision, voter, attendee: MeetingAttendee | None, seats: dict[int, str], declared: dict[int, bool]
) -> str | None:
    """The sitting's reasons `voter` may not vote, in the order a coordinator would check them (the earlier votes
    of a reconsideration aside)."""
    name = {"name": voter.full_name}
    if attendee is None:
        return gettext("%(name)s is not attending this meeting and cannot vote.") % name
    if attendee.attends_as == AttendsAs.ICTG:
        law = nations.rules(decision.site)
        if law.english_law:
            return (
                gettext("%(name)s attends as the child's Independent Child Trafficking Guardian, without a vote.")
                % name
            )
        return gettext("%(name)s attends as the child's guardian (%(service)s), without a vote.") % {
            **name,
            "service": law.guardian_service,
        }
    if attendee.attends_as == AttendsAs.ADVISER:
        return gettext("%(name)s attends as an adviser, without a vote.") % name
    if not attendee.voting:
        return gettext("%(name)s attends without a vote.") % name
    if seat := seats.get(attendee.pk):
        return seat
    if not attendee.present:
        return gettext("%(name)s is not recorded as present at this sitting and cannot vote.") % name
    if attendee.pk not in declared:
        return gettext("%(name)s has not yet declared whether they have a conflict of interest on this case.") % name
    if declared[attendee.pk]:
        return gettext("%(name)s has declared a conflict of interest on this case and cannot vote on it.") % name
    return None


def vote_record(
    *, decision: Decision, voter, vote: str, reasons: str = "", user, audit: AuditContext | None = None
) -> DecisionVote:
    """Record (or change, while the decision is a draft) an eligible member's vote, at the sitting."""
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    if vote not in Vote.values:
        raise DecisionInvalid(gettext("Select how they voted"), "vote")
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft_in_session(
            locked, gettext("Votes are recorded at the sitting, while the meeting is in session.")
        )
        refusal = vote_refusal(locked, voter)
        if refusal:
            raise DecisionInvalid(refusal, "voter")
        attendee = cast(Meeting, locked.meeting).attendees.get(user=voter)  # in session: at a sitting
        existing = locked.votes.filter(voter=voter).first()
        if existing is None:
            recorded = DecisionVote.objects.create(
                decision=locked,
                voter=voter,
                agency=attendee.agency,
                vote=vote,
                reasons=(reasons or "").strip(),
                recorded_by=user,
            )
        else:
            existing.vote = vote
            existing.reasons = (reasons or "").strip()
            existing.recorded_by = user
            existing.save(update_fields=["vote", "reasons", "recorded_by"])
            recorded = existing
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=RECORD,
            detail={
                "vote_of": voter.pk,
                "changed": existing is not None,
                "casting_vote_cleared": _clear_stale_casting_vote(locked),
            },
        )
    return recorded


def vote_remove(*, vote: DecisionVote, user, audit: AuditContext | None = None) -> None:
    """Take back a vote recorded in error (or of a member who has since declared a conflict), while a draft."""
    decision = vote.decision
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    with transaction.atomic():
        locked = _locked(decision)
        _require_draft(locked)
        if deferred_here(locked):
            raise DecisionStateError(str(DEFERRED_MESSAGE))
        voter_id = vote.voter_id
        DecisionVote.objects.filter(pk=vote.pk, decision=locked).delete()
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=RECORD,
            detail={"vote_removed_of": voter_id, "casting_vote_cleared": _clear_stale_casting_vote(locked)},
        )


# --- Majority, tie and dissent (issue 8 rule 2) ------------------------------------------------------

DEFERRED_MESSAGE = _(
    "This decision was deferred at this sitting after a tied vote. It is decided at a further sitting."
)


@dataclass(frozen=True)
class Tally:
    """The votes on a decision. Abstentions are not votes cast."""

    positive: int
    negative: int
    abstain: int

    @property
    def cast(self) -> int:
        return self.positive + self.negative

    @property
    def tied(self) -> bool:
        return self.cast > 0 and self.positive == self.negative

    @property
    def majority(self) -> str:
        """The outcome the votes cast give: "" when they are tied or none were cast."""
        if self.positive == self.negative:
            return ""
        return Outcome.POSITIVE if self.positive > self.negative else Outcome.NEGATIVE

    def words(self) -> str:
        counts = {"positive": self.positive, "negative": self.negative, "abstain": self.abstain}
        if self.abstain:
            return gettext("%(positive)s positive, %(negative)s negative, %(abstain)s abstaining") % counts
        return gettext("%(positive)s positive, %(negative)s negative") % counts


def votes_with_voters(decision: Decision) -> list[DecisionVote]:
    """The decision's votes with their voters, in the model's order within a decision (agency, then pk): read once
    for the checks that take `votes`. Compiled once (kit.prepared): every decision page reads them."""
    votes = prepared.rows(
        DecisionVote,
        ("decisions:votes",),
        lambda pk: DecisionVote.objects.filter(decision_id=pk).select_related("voter").order_by("agency", "pk"),
        decision.pk,
    )
    for vote in votes:
        vote.decision = decision  # as the related manager sets it
    return votes


def vote_tally(decision: Decision, votes: list[DecisionVote] | None = None) -> Tally:
    """The decision's votes counted; `votes`: the decision's votes if the caller has read them already."""
    cast = decision.votes.order_by().values_list("vote", flat=True) if votes is None else (v.vote for v in votes)
    counts = Counter(cast)
    return Tally(counts[Vote.POSITIVE], counts[Vote.NEGATIVE], counts[Vote.ABSTAIN])


def dissenting_votes(decision: Decision, votes: list[DecisionVote] | None = None) -> list[DecisionVote]:
    """Every vote cast against the recorded outcome: each is dissent in its own right (an abstention is not).
    `votes`: the decision's votes with their voters, in the model's order, if the caller has read them already."""
    if decision.outcome not in (Outcome.POSITIVE, Outcome.NEGATIVE):
        return []
    against = Vote.NEGATIVE if decision.outcome == Outcome.POSITIVE else Vote.POSITIVE
    if votes is not None:  # the model's order within a decision: agency, then pk
        return [v for v in votes if v.vote == against]
    return list(decision.votes.filter(vote=against).select_related("voter").order_by("agency", "pk"))


def deferred_here(decision: Decision) -> bool:
    """Whether the panel deferred this decision at its current sitting after a tied vote."""
    if decision.meeting_id is None:
        return False
    found = prepared.first(  # compiled once: every decision page asks
        TieDeferral,
        ("decisions:deferred-here",),
        lambda pk, meeting_id: (
            TieDeferral.objects.filter(decision_id=pk, meeting_id=meeting_id)
            .order_by()
            .values_list("pk", flat=True)[:1]
        ),
        decision.pk,
        decision.meeting_id,
    )
    return found is not None


def _outcome_words(outcome: str) -> str:
    return Outcome(outcome).label.lower()


def vote_outcome_problems(decision: Decision, votes: list[DecisionVote] | None = None) -> list[Problem]:
    """The outcome must be the majority of votes cast; a tie follows the site's rule; every vote against the
    outcome needs its reasons. Empty when the votes and the outcome agree. `votes`: as `dissenting_votes`."""
    if decision.agenda_item_id is None:
        return []
    if deferred_here(decision):
        return [Problem("tie-deferred", str(DEFERRED_MESSAGE))]
    tally = vote_tally(decision, votes)
    problems: list[Problem] = []
    if tally.cast == 0:
        if tally.abstain:
            problems.append(
                Problem(
                    "all-abstained",
                    gettext(
                        "Every member abstained. A decision needs at least one vote cast: abstentions do not count"
                    ),
                )
            )
        return problems
    if tally.tied:
        if decision.site.tie_rule == TieRule.DEFER:
            problems.append(
                Problem(
                    "tie-to-defer",
                    gettext(
                        "The votes are tied (%(count)s). This site defers a tied decision to a further sitting: "
                        "record the deferral on the votes page"
                    )
                    % {"count": tally.words()},
                )
            )
        elif not decision.casting_vote:
            problems.append(
                Problem(
                    "casting-vote-missing",
                    gettext("The votes are tied (%(count)s). The chair must record a casting vote with reasons")
                    % {"count": tally.words()},
                )
            )
        elif decision.outcome and decision.outcome != decision.casting_vote:
            problems.append(
                Problem(
                    "outcome-not-casting-vote",
                    gettext("The outcome must follow the chair's casting vote (%(vote)s) on the tied votes (%(count)s)")
                    % {"vote": _outcome_words(decision.casting_vote), "count": tally.words()},
                    "outcome",
                )
            )
    elif decision.outcome and decision.outcome != tally.majority:
        problems.append(
            Problem(
                "outcome-not-majority",
                gettext("The outcome must be the majority of votes cast: %(count)s gives a %(outcome)s outcome")
                % {"count": tally.words(), "outcome": _outcome_words(tally.majority)},
                "outcome",
            )
        )
    for vote in dissenting_votes(decision, votes):
        if not vote.reasons.strip():
            problems.append(
                Problem(
                    "dissent-reasons",
                    gettext("Record the reasons of %(name)s, who voted against the outcome")
                    % {"name": vote.voter.full_name},
                )
            )
    return problems


def _clear_stale_casting_vote(decision: Decision) -> bool:
    """A casting vote breaks a tie: once the votes are no longer tied it no longer stands."""
    if not decision.casting_vote or vote_tally(decision).tied:
        return False
    decision.casting_vote = ""
    decision.casting_vote_reasons = ""
    decision.save(update_fields=["casting_vote", "casting_vote_reasons", "updated_at"])
    return True


def _missing_voters(decision: Decision) -> list[str]:
    voted = set(decision.votes.values_list("voter_id", flat=True))
    return [a.user.full_name for a in decision_voters(decision) if a.user_id not in voted]


def _require_draft_in_session(locked: Decision, not_in_session: str) -> None:
    """Votes and ties are settled only on a draft, at its sitting while in session, and not once deferred
    there after a tie; `not_in_session` says which act was refused."""
    _require_draft(locked)
    if locked.meeting is None or locked.meeting.status != MeetingStatus.OPEN:
        raise DecisionStateError(not_in_session)
    if deferred_here(locked):
        raise DecisionStateError(str(DEFERRED_MESSAGE))


def _tie_at_sitting(locked: Decision) -> Tally:
    """The checks shared by the casting vote and the deferral: a draft at a sitting in session, every
    eligible member's vote recorded, and the votes cast tied."""
    _require_draft_in_session(
        locked, gettext("A tied vote is settled at the sitting, while the meeting is in session.")
    )
    missing = _missing_voters(locked)
    if missing:
        raise DecisionStateError(gettext("Record the vote of %(names)s first.") % {"names": ", ".join(missing)})
    tally = vote_tally(locked)
    if not tally.tied:
        if tally.cast == 0:
            raise DecisionStateError(
                gettext("No votes were cast (abstentions do not count): this is not a tied decision.")
            )
        raise DecisionStateError(gettext("The votes are not tied (%(count)s).") % {"count": tally.words()})
    return tally


def casting_vote_record(
    *, decision: Decision, user, vote: str, reasons: str, audit: AuditContext | None = None
) -> Decision:
    """The chair's casting vote on a tied vote, with reasons, where the site's tie rule gives the chair one."""
    _require(user, Perm.DECISION_FINALISE, _site_id(decision))
    if vote not in Outcome.values:
        raise DecisionInvalid(gettext("Select the chair's casting vote"), "casting_vote")
    reasons = (reasons or "").strip()
    if not reasons:
        raise DecisionInvalid(gettext("Enter the reasons for the casting vote"), "casting_vote_reasons")
    with transaction.atomic():
        locked = _locked(decision)
        if locked.meeting is None or locked.meeting.chair_id != user.pk:
            raise DecisionStateError(gettext("Only the chair of the sitting can give a casting vote."))
        if locked.site.tie_rule != TieRule.CASTING_VOTE:
            raise DecisionStateError(
                gettext("This site defers a tied decision to a further sitting: the chair has no casting vote.")
            )
        tally = _tie_at_sitting(locked)
        locked.casting_vote = vote
        locked.casting_vote_reasons = reasons
        locked.save(update_fields=["casting_vote", "casting_vote_reasons", "updated_at"])
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=FINALISE,
            detail={"casting_vote": vote, "tally": tally.words()},
        )
    return locked


def tie_defer(*, decision: Decision, user, audit: AuditContext | None = None) -> TieDeferral:
    """Defer a tied decision to a further sitting, where the site's tie rule says so. The votes as cast are
    kept with the deferral; the draft stays a draft and starts its votes again at the next sitting."""
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    with transaction.atomic():
        locked = _locked(decision)
        if locked.site.tie_rule != TieRule.DEFER:
            raise DecisionStateError(
                gettext("This site's tie rule is the chair's casting vote: the chair records it with reasons.")
            )
        tally = _tie_at_sitting(locked)
        meeting = cast(Meeting, locked.meeting)  # _tie_at_sitting refused a decision not at a sitting
        votes = [
            {
                "voter": v.voter_id,
                "name": v.voter.full_name,
                "agency": v.agency,
                "vote": v.vote,
                "reasons": v.reasons,
            }
            for v in locked.votes.select_related("voter").order_by("agency", "pk")
        ]
        deferral = TieDeferral.objects.create(decision=locked, meeting=meeting, votes=votes, recorded_by=user)
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=RECORD,
            detail={"tie_deferred_at_meeting": locked.meeting_id, "tally": tally.words()},
        )
    return deferral


# --- Completeness and sequencing -----------------------------------------------------------------


def _rg_after_cg(decision: Decision, day: date) -> Problem | None:
    """A reasonable grounds decision (a correction of it, in practice) dated after the conclusive grounds decision that
    stands, which rests on it: refused, or the record would say the child was found a victim before there were
    reasonable grounds to believe it."""
    if decision.stage != Stage.REASONABLE_GROUNDS:
        return None
    cg = standing_version(decision.referral_id, Stage.CONCLUSIVE_GROUNDS)
    if cg is None or cg.decided_on is None or day <= cg.decided_on:
        return None
    return Problem(
        "rg-after-cg",
        gettext(
            "The date of the reasonable grounds decision cannot be after the conclusive grounds decision on %(date)s"
        )
        % {"date": long_date(cg.decided_on)},
        "decided_on",
    )


def sequencing_problems(decision: Decision) -> list[Problem]:
    """A conclusive grounds decision needs a final positive reasonable grounds decision, is never dated before it, and
    keeps the recovery period after it unless the site takes both at one sitting. A reasonable grounds decision is
    never dated after the conclusive grounds decision that stands."""
    if decision.stage == Stage.REASONABLE_GROUNDS:
        # Only a later version can find a conclusive grounds decision standing: it needs a final reasonable grounds one.
        later = decision.kind != DecisionKind.ORIGINAL and decision.decided_on is not None
        after = _rg_after_cg(decision, cast(date, decision.decided_on)) if later else None
        return [after] if after else []
    if decision.stage != Stage.CONCLUSIVE_GROUNDS:
        return []
    from childnrm.decisions.selectors import latest_final

    rg = latest_final(decision.referral, Stage.REASONABLE_GROUNDS)
    if rg is None or rg.decided_on is None:  # (a final decision always has its date: decision_completeness)
        return [
            Problem(
                "rg-not-final",
                gettext("The reasonable grounds decision must be final before the conclusive grounds decision"),
            )
        ]
    if rg.outcome != Outcome.POSITIVE:
        return [
            Problem(
                "rg-not-positive",
                gettext("A conclusive grounds decision follows only a positive reasonable grounds decision"),
            )
        ]
    day = decision.decided_on or timezone.localdate()
    if day < rg.decided_on:  # on every site: at one sitting both may share a day, never run backwards
        return [
            Problem(
                "cg-before-rg",
                gettext(
                    "The conclusive grounds decision cannot be dated before the reasonable grounds decision on "
                    "%(decided)s"
                )
                % {"decided": long_date(rg.decided_on)},
                "decided_on",
            )
        ]
    site = decision.site
    if site.rg_and_cg_at_one_sitting:
        return []
    days = site.recovery_period_days
    earliest = rg.decided_on + timedelta(days=days)
    same_sitting = decision.meeting_id is not None and decision.meeting_id == rg.meeting_id
    if same_sitting or day < earliest:
        if days == 0:
            return [
                Problem(
                    "not-at-one-sitting",
                    gettext("This site does not take reasonable and conclusive grounds decisions at one sitting"),
                )
            ]
        return [
            Problem(
                "recovery-period",
                (
                    gettext(
                        "The conclusive grounds decision cannot be made before %(earliest)s: the recovery period of "
                        "%(days)s days runs from the reasonable grounds decision on %(decided)s (this site does not "
                        "take both decisions at one sitting)"
                    )
                    if same_sitting
                    else gettext(
                        "The conclusive grounds decision cannot be made before %(earliest)s: the recovery period of "
                        "%(days)s days runs from the reasonable grounds decision on %(decided)s"
                    )
                )
                % {"earliest": long_date(earliest), "days": days, "decided": long_date(rg.decided_on)},
            )
        ]
    return []


def _positive_findings(decision: Decision) -> bool:
    """The findings support a positive decision: the act (or s1, which needs none) and an exploitative
    purpose found, or slavery, servitude or forced or compulsory labour found (Modern Slavery Act 2015 s1)."""
    act = decision.act_finding in (ActFinding.FOUND, ActFinding.NOT_NEEDED)
    return (act and decision.purpose_finding == PurposeFinding.FOUND) or bool(decision.slavery_found)


def findings_problems(decision: Decision) -> list[Problem]:
    """Each element stated either way, with the panel's reasons (issue 8, rule 3)."""
    problems: list[Problem] = []
    act = decision.act_finding
    if not act:
        problems.append(
            Problem("act-finding", gettext("Record whether the panel found an act of trafficking"), "act_finding")
        )
    elif act == ActFinding.FOUND and not decision.act_found:
        problems.append(Problem("act-found", gettext("Select the acts the panel found"), "act_found"))
    elif act == ActFinding.NOT_NEEDED and not decision.slavery_found:
        problems.append(
            Problem(
                "slavery-found",
                gettext(
                    "Select the slavery, servitude or forced or compulsory labour the panel found: only then is no act "
                    "of trafficking needed"
                ),
                "slavery_found",
            )
        )
    if act != ActFinding.NOT_NEEDED and not decision.act_reasoning:
        problems.append(Problem("act-reasoning", gettext("Enter the panel's reasons on the act"), "act_reasoning"))
    if decision.slavery_found and not decision.slavery_reasoning:
        problems.append(
            Problem(
                "slavery-reasoning",
                gettext("Enter the panel's reasons for finding slavery, servitude or forced or compulsory labour"),
                "slavery_reasoning",
            )
        )
    if act != ActFinding.NOT_NEEDED:
        if not decision.purpose_finding:
            problems.append(
                Problem(
                    "purpose-finding",
                    gettext("Record whether the panel found an exploitative purpose"),
                    "purpose_finding",
                )
            )
        elif decision.purpose_finding == PurposeFinding.FOUND and not decision.purpose_found:
            problems.append(
                Problem("purpose-found", gettext("Select the exploitative purposes the panel found"), "purpose_found")
            )
        if not decision.purpose_reasoning:
            problems.append(
                Problem(
                    "purpose-reasoning",
                    gettext("Enter the panel's reasons on the exploitative purpose"),
                    "purpose_reasoning",
                )
            )
    return problems


def outcome_problems(decision: Decision) -> list[Problem]:
    """The outcome agrees with the findings; a negative decision is coded and says what support goes on; a
    positive reasonable grounds decision is tied to the child's plan; every decision weighs best interests."""
    problems: list[Problem] = []
    reason = decision.negative_reason
    if decision.outcome == Outcome.POSITIVE:
        if (
            not _positive_findings(decision)
            and decision.act_finding
            and (decision.purpose_finding or decision.act_finding == ActFinding.NOT_NEEDED)
        ):
            problems.append(
                Problem(
                    "positive-without-findings",
                    gettext(
                        "A positive decision needs the act and an exploitative purpose found, or slavery, servitude or "
                        "forced or compulsory labour found. Change the findings or the outcome"
                    ),
                    "outcome",
                )
            )
        if reason is not None:
            problems.append(
                Problem(
                    "positive-with-negative-reason",
                    gettext("A positive decision has no reason for a negative decision. Remove it"),
                    "negative_reason",
                )
            )
    elif decision.outcome == Outcome.NEGATIVE:
        if _positive_findings(decision):
            problems.append(
                Problem(
                    "negative-with-all-found",
                    gettext(
                        "A negative decision cannot record every element as found. Record which element was not met"
                    ),
                    "outcome",
                )
            )
        if reason is None:
            problems.append(
                Problem(
                    "negative-reason-missing", gettext("Select the reason for the negative decision"), "negative_reason"
                )
            )
        elif not reason.active:
            problems.append(
                Problem(
                    "negative-reason-retired",
                    gettext("“%(reason)s” is no longer in use. Select another reason for the negative decision")
                    % {"reason": reason},
                    "negative_reason",
                )
            )
        elif reason.code in NEGATIVE_REASON_NEEDS:
            field, value, words = NEGATIVE_REASON_NEEDS[reason.code]
            if getattr(decision, field) != value:
                problems.append(
                    Problem(
                        "negative-reason-mismatch",
                        gettext(
                            "The reason for the negative decision (“%(reason)s”) needs %(needs)s. Change the reason "
                            "or the finding"
                        )
                        % {"reason": reason, "needs": words},
                        "negative_reason",
                    )
                )
        if not decision.support_after_negative:
            problems.append(
                Problem(
                    "support-after-negative",
                    gettext("Record the support the child will still get after this negative decision"),
                    "support_after_negative",
                )
            )
    if not decision.best_interests:
        problems.append(
            Problem(
                "best-interests",
                gettext("Record how the decision and the plan serve the child's best interests"),
                "best_interests",
            )
        )
    if decision.stage == Stage.REASONABLE_GROUNDS and decision.outcome == Outcome.POSITIVE:
        if not decision.plan_basis:
            problems.append(
                Problem(
                    "plan-basis",
                    gettext(
                        "Record how the child is protected: a safeguarding plan agreed at this sitting, or a plan "
                        "already in place"
                    ),
                    "plan_basis",
                )
            )
        elif decision.plan_basis == PlanBasis.ALREADY_IN_PLACE and not decision.plan_in_place_reason:
            problems.append(
                Problem(
                    "plan-in-place-reason",
                    gettext("Enter why the plan already in place protects the child"),
                    "plan_in_place_reason",
                )
            )
    return problems


def votes_as_recorded(decision: Decision) -> list[DecisionVote] | None:
    """For a correction still at the sitting that took the decision it corrects, once that sitting has closed: the
    votes counted when that decision was signed off (the correction keeps them, and no vote is recorded at a closed
    sitting). The sitting is then judged as it was recorded at that sign-off (who sat, with what seat and what
    declaration, the quorum, the chair), not against the roles people hold today: a member or chair who has left
    since does not make a correction of the record impossible to sign off. None for any other decision, whose sitting
    is judged as it is."""
    if (
        decision.kind != DecisionKind.CORRECTION
        or decision.agenda_item_id is None
        or decision.meeting is None
        or decision.meeting.status != MeetingStatus.CLOSED
    ):
        return None
    standing = standing_version(decision.referral_id, decision.stage)
    if standing is None or standing.agenda_item_id != decision.agenda_item_id:
        return None
    return list(standing.votes.select_related("voter").order_by("agency", "pk"))


def _recorded_vote_problems(votes: list[DecisionVote], recorded: list[DecisionVote]) -> list[Problem]:
    """A correction judged by its sitting as recorded (`votes_as_recorded`) counts the votes counted then, no more."""
    problems: list[Problem] = []
    voted = {v.voter_id for v in votes}
    missing = [v.voter.full_name for v in recorded if v.voter_id not in voted]
    if missing:
        problems.append(
            Problem("vote-missing", gettext("Record the vote of %(names)s") % {"names": ", ".join(missing)})
        )
    counted = {v.voter_id for v in recorded}
    for v in votes:
        if v.voter_id not in counted:
            name = v.voter.full_name
            why = gettext("%(name)s may not vote on this case.") % {"name": name}
            problems.append(
                Problem(
                    "vote-cannot-count",
                    gettext("Remove the vote of %(name)s, which cannot count: %(why)s") % {"name": name, "why": why},
                )
            )
    return problems


def correction_outcome_problems(decision: Decision) -> list[Problem]:
    """A correction keeps the outcome of the version that stands (`standing_version`), wherever it sits in the chain
    (after a return by the second reviewer too): only a reconsideration changes an outcome."""
    if decision.kind != DecisionKind.CORRECTION or not decision.outcome:
        return []
    standing = standing_version(decision.referral_id, decision.stage)
    if standing is None or standing.pk == decision.pk or standing.outcome == decision.outcome:
        return []
    return [
        Problem(
            "correction-changes-outcome",
            gettext(
                "A correction cannot change the outcome of the decision that stands. Select that outcome, or the "
                "panel reconsiders the decision"
            ),
            "outcome",
        )
    ]


def decision_completeness(
    decision: Decision, votes: list[DecisionVote] | None = None, evidence: list[DecisionEvidence] | None = None
) -> list[Problem]:
    """Everything missing before the chair can finalise, in the order of the record (empty when complete).
    Each problem has a stable `code` (the pages that put it right are chosen by code) and the words shown.
    `votes`: the decision's votes with their voters (`votes_with_voters`) if the caller has read them already;
    `evidence`: the decision's evidence, likewise."""
    problems: list[Problem] = []
    if not decision.guidance_version or not decision.test_applied:
        problems.append(Problem("guidance-version", gettext("Record the test applied and the guidance version")))
    if decision.kind == DecisionKind.CORRECTION and not decision.correction_reason:
        problems.append(Problem("correction-reason", gettext("Enter the reason for the correction")))
    if evidence is None:
        evidence = list(decision.evidence.all())
    if not evidence:
        problems.append(Problem("evidence-missing", gettext("Add at least one piece of evidence the panel weighed")))
    elif any(not e.agency for e in evidence):
        problems.append(Problem("evidence-agency", gettext("Record which agency supplied each piece of evidence")))
    problems += agency_input_problems(decision, evidence)
    problems += findings_problems(decision)
    if not decision.credibility_reasoning:
        problems.append(
            Problem("credibility-reasoning", gettext("Enter the credibility reasoning"), "credibility_reasoning")
        )
    if decision.wishes_gathered is None:
        problems.append(
            Problem(
                "wishes-gathered",
                gettext("Record whether the child's wishes and feelings were gathered"),
                "wishes_gathered",
            )
        )
    elif decision.wishes_gathered and not (
        decision.wishes_and_feelings and decision.wishes_how_gathered and decision.wishes_gathered_by
    ):
        problems.append(
            Problem(
                "wishes-record", gettext("Record the child's wishes and feelings, how they were gathered and by whom")
            )
        )
    elif not decision.wishes_gathered and not decision.wishes_not_gathered_reason:
        problems.append(
            Problem(
                "wishes-not-gathered-reason",
                gettext("Record why the child's wishes and feelings could not be gathered"),
                "wishes_not_gathered_reason",
            )
        )
    item = decision.agenda_item
    recorded = votes_as_recorded(decision)
    if item is None:
        problems.append(Problem("not-on-agenda", gettext("Put the decision on the agenda of a sitting")))
    elif recorded is not None:
        if votes is None:
            votes = votes_with_voters(decision)
        problems += _recorded_vote_problems(votes, recorded)
    else:
        if votes is None:
            votes = votes_with_voters(decision)
        voted = {v.voter_id for v in votes}
        eligible = decision_voters(decision)
        missing = [a.user.full_name for a in eligible if a.user_id not in voted]
        if missing:
            problems.append(
                Problem("vote-missing", gettext("Record the vote of %(names)s") % {"names": ", ".join(missing)})
            )
        if not eligible:
            problems.append(Problem("no-eligible-voter", gettext("No member present may vote on this case")))
        eligible_ids = {a.user_id for a in eligible}
        stray = [v for v in votes if v.voter_id not in eligible_ids]
        refusals = vote_refusals(decision, [v.voter for v in stray]) if stray else {}
        for v in stray:
            name = v.voter.full_name
            why = refusals[v.voter_id] or gettext("%(name)s may not vote on this case.") % {"name": name}
            problems.append(
                Problem(
                    "vote-cannot-count",
                    gettext("Remove the vote of %(name)s, which cannot count: %(why)s") % {"name": name, "why": why},
                )
            )
    if not decision.outcome:
        problems.append(Problem("outcome-missing", gettext("Select the outcome"), "outcome"))
    else:
        problems += correction_outcome_problems(decision)
    if not decision.decided_on:
        problems.append(Problem("decided-on-missing", gettext("Enter the date of the decision"), "decided_on"))
    elif decision.meeting is not None and decision.decided_on < timezone.localdate(decision.meeting.starts_at):
        # A draft moved to a later sitting before a move cleared the date still carries the earlier sitting's day.
        problems.append(
            Problem(
                "decided-before-sitting", gettext("The date of the decision cannot be before the sitting"), "decided_on"
            )
        )
    problems += vote_outcome_problems(decision, votes)
    problems += outcome_problems(decision)
    problems += finalise_check_problems(decision)  # registered by apps above this one (safeguarding's plan)
    if item is not None and recorded is None:
        problems += rules.sitting_problems(item)
    problems += sequencing_problems(decision)
    if decision.stage == Stage.CONCLUSIVE_GROUNDS:  # turning 18 mid-case: consent to remain in the NRM
        problems += adult_consent_problems(decision.referral, decision.decided_on)
    problems += reconsideration.panel_problems(decision)
    return problems


def decision_warnings(decision: Decision) -> list[str]:
    """What the chair should know before sign-off without it stopping the sign-off: each voter at the sitting whose
    training is not current under the site's setting (training app)."""
    site = decision.referral.site
    if decision.agenda_item is None or site is None:
        return []
    voters = [attendee.user for attendee in decision_voters(decision)]
    return training_warnings(voters, site, on=decision.decided_on or timezone.localdate())


# --- Finalising -----------------------------------------------------------------------------------


def decision_finalise(*, decision: Decision, user, audit: AuditContext | None = None) -> Decision:
    """The chair signs the decision off: DRAFT -> FINAL, or -> SECOND_REVIEW when negative and the site
    reviews negative decisions. Exactly one of two chairs finalising at once succeeds."""
    _require(user, Perm.DECISION_FINALISE, _site_id(decision))
    with transaction.atomic():
        locked = _locked_at_its_sitting(decision)
        _require_draft(locked)
        if locked.meeting is None or locked.meeting.chair_id != user.pk:
            raise DecisionStateError(gettext("Only the chair of the meeting that took this decision can finalise it."))
        if locked.meeting.status == MeetingStatus.CANCELLED:
            raise DecisionStateError(
                gettext("The meeting was cancelled: put the case on the agenda of another sitting.")
            )
        problems = decision_completeness(locked)
        if problems:
            raise DecisionIncomplete(problems)
        now = timezone.now()
        review = locked.outcome == Outcome.NEGATIVE and locked.site.negative_second_review
        locked.status = DecisionStatus.SECOND_REVIEW if review else DecisionStatus.FINAL
        locked.finalised_by = user
        locked.finalised_at = now
        locked.site_policy = current_policy(locked.site)
        if locked.status == DecisionStatus.FINAL:
            # Before this version is saved as final: one final version per referral and stage (a DB constraint).
            _supersede_previous(locked)
        locked.save(update_fields=["status", "finalised_by", "finalised_at", "site_policy", "updated_at"])
        if locked.status != DecisionStatus.FINAL:
            decision_id = locked.pk
            transaction.on_commit(lambda: _notify_second_review(decision_id))
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=FINALISE,
            detail={"status": locked.status, "outcome": locked.outcome},
        )
        if locked.status == DecisionStatus.FINAL:
            run_on_final(locked, user=user, audit=audit)  # apps above decisions (outcomes' follow-up)
    return locked


def _notify_second_review(decision_id: int) -> None:
    from childnrm.decisions.tasks import notify_second_review_needed

    notify_second_review_needed.enqueue(decision_id)


def _supersede_previous(decision: Decision) -> None:
    """Once a new version is final, any earlier final version of the stage no longer stands: this one does, and its
    referral keeps its date and outcome (`record_standing`, for the lists of cases still to decide)."""
    Decision.objects.filter(
        referral_id=decision.referral_id,
        stage=decision.stage,
        version__lt=decision.version,
        status=DecisionStatus.FINAL,
    ).update(status=DecisionStatus.SUPERSEDED, updated_at=timezone.now())
    record_standing(decision)


# --- Corrections and second review ----------------------------------------------------------------


def _copy_record(source: Decision, target: Decision) -> None:
    for name in RECORD_FIELDS:
        setattr(target, name, getattr(source, name))
    target.guidance_version = source.guidance_version
    target.test_applied = source.test_applied


def _copy_evidence(source: Decision, target: Decision) -> None:
    DecisionEvidence.objects.bulk_create(
        DecisionEvidence(
            decision=target,
            description=e.description,
            agency=e.agency,
            supplied_by=e.supplied_by,
            weight=e.weight,
            information_response_id=e.information_response_id,
            referral_document_id=e.referral_document_id,
        )
        for e in source.evidence.all()
    )
    AgencyNilReturn.objects.bulk_create(
        AgencyNilReturn(decision=target, agency=n.agency, statement=n.statement, recorded_by_id=n.recorded_by_id)
        for n in source.nil_returns.all()
    )


def decision_correct(*, decision: Decision, user, reason: str, audit: AuditContext | None = None) -> Decision:
    """Start a correction of a final decision: a new draft version with the reason, the record, evidence
    and votes copied. It goes through completeness and finalise again; the old version stands until then."""
    _require(user, Perm.DECISION_RECORD, _site_id(decision))
    reason = (reason or "").strip()
    if not reason:
        raise DecisionInvalid(gettext("Enter the reason for the correction"), "reason")
    with transaction.atomic():
        locked = _locked(decision)
        if locked.status != DecisionStatus.FINAL:
            raise DecisionStateError(gettext("Only the decision that currently stands can be corrected."))
        _require_held(locked)  # its draft could never be finished, and would block a reconsideration for good
        open_version = Decision.objects.filter(
            referral_id=locked.referral_id,
            stage=locked.stage,
            status__in=(DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW),
        )
        if open_version.exists():
            raise DecisionStateError(gettext("A correction of this decision has already been started."))
        correction = Decision(
            referral=locked.referral,
            stage=locked.stage,
            version=_next_version(locked.referral_id, locked.stage),
            supersedes=_newest_version(locked.referral_id, locked.stage),
            kind=DecisionKind.CORRECTION,
            correction_reason=reason,
            meeting=locked.meeting,
            agenda_item=locked.agenda_item,
            created_by=user,
        )
        _copy_record(locked, correction)
        # The votes are copied below, so the casting vote that settled their tie goes with them.
        correction.casting_vote = locked.casting_vote
        correction.casting_vote_reasons = locked.casting_vote_reasons
        correction.save()
        _copy_evidence(locked, correction)
        DecisionVote.objects.bulk_create(
            DecisionVote(
                decision=correction,
                voter_id=v.voter_id,
                agency=v.agency,
                vote=v.vote,
                reasons=v.reasons,
                recorded_by_id=v.recorded_by_id,
            )
            for v in locked.votes.all()
        )
        _audit(
            audit=audit,
            user=user,
            action=Action.CREATE,
            decision=correction,
            purpose=RECORD,
            detail={"corrects": locked.pk},
        )
    return correction


# Why whoever runs the panel abandons a correction's draft: codes, audited (the trail keeps no free text about a child).
CORRECTION_ABANDON_REASONS: dict[str, Any] = {
    "not-needed": _("The correction is no longer needed"),
    "outcome-in-question": _("The outcome is in question: the panel reconsiders the decision instead"),
    "cannot-be-signed-off": _(
        "It cannot be signed off: the chair or members of the sitting no longer hold their roles"
    ),
    "started-in-error": _("It was started in error"),
}


def correction_abandon(*, decision: Decision, user, reason: str, audit: AuditContext | None = None) -> Decision | None:
    """Whoever runs the panel abandons a correction still being drafted: the draft, with its record, evidence and
    votes, is discarded, and the version that stands is unchanged, open to another correction or to reconsideration
    (an open correction refuses both). Without this, a correction nobody could sign off (its sitting's chair gone, say)
    kept the decision from reconsideration for good. Audited with the reason's code. Returns the version that
    stands."""
    _require(user, Perm.PANEL_MANAGE, _site_id(decision))
    if reason not in CORRECTION_ABANDON_REASONS:
        raise DecisionInvalid(gettext("Select why the correction is abandoned"), "reason")
    with transaction.atomic():
        locked = _locked_at_its_sitting(decision)
        if locked.kind != DecisionKind.CORRECTION:
            raise DecisionStateError(gettext("Only a correction can be abandoned."))
        _require_draft(locked)
        pk, votes, site_id = locked.pk, locked.votes.count(), _site_id(locked)
        referral_id, stage = locked.referral_id, locked.stage
        detail = {
            "referral": locked.referral_id,
            "stage": locked.stage,
            "version": locked.version,
            "abandoned": True,
            "reason": reason,
            "supersedes": locked.supersedes_id,
            "votes_discarded": votes,
        }
        try:
            locked.delete()
        except ProtectedError as held:
            raise DecisionStateError(
                gettext(
                    "Other records refer to this correction (time logged against it, or a plan agreed with it), so "
                    "it cannot be abandoned."
                )
            ) from held
        audit_record(
            context=audit,
            actor=user,
            action=Action.DELETE,
            object_type=Decision._meta.label_lower,
            object_id=str(pk),
            site_id=site_id,
            purpose=RECORD,
            detail=detail,
        )
        # And against the case: the child's audit page reaches records through their foreign keys (ADR 0013), so the
        # event on the deleted correction alone would never show there that a draft of the child's decision went.
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            object_type=Referral._meta.label_lower,
            object_id=str(referral_id),
            site_id=site_id,
            purpose=RECORD,
            detail={**detail, "decision": pk, "change": "correction abandoned"},
        )
        return standing_version(referral_id, stage)


def decision_second_review(
    *, decision: Decision, user, agrees: bool, reasons: str = "", audit: AuditContext | None = None
) -> Decision:
    """Second review of a negative decision by someone who did not vote on it.

    Agrees: the decision becomes final. Disagrees: the reasons are recorded, the decision is returned and
    a new draft version (the record and evidence copied, no votes, no outcome) goes back to the panel.
    Returns the decision that now carries the case: the final one, or the new draft.
    """
    _require(user, Perm.DECISION_SECOND_REVIEW, _site_id(decision))
    reasons = (reasons or "").strip()
    if agrees is None:
        raise DecisionInvalid(gettext("Select whether you agree with the decision"), "agrees")
    if not agrees and not reasons:
        raise DecisionInvalid(gettext("Enter why you do not agree with the decision"), "reasons")
    with transaction.atomic():
        locked = _locked(decision)
        if locked.status != DecisionStatus.SECOND_REVIEW:
            if locked.second_reviewed_by is not None:
                raise DecisionStateError(
                    gettext("This decision was reviewed by %(name)s on %(when)s.")
                    % {"name": locked.second_reviewed_by.full_name, "when": when(locked.second_reviewed_at)}
                )
            raise DecisionStateError(gettext("This decision is not waiting for a second review."))
        _require_held(locked)
        if locked.votes.filter(voter=user).exists():
            raise DecisionStateError(
                gettext("You voted on this decision, so someone else must give the second review.")
            )
        if locked.meeting is not None and locked.meeting.chair_id == user.pk:
            raise DecisionStateError(
                gettext("You chaired the sitting that took this decision, so someone else must review it.")
            )
        if locked.finalised_by_id == user.pk:  # the sitting's chair may have changed since they signed it off
            raise DecisionStateError(
                gettext("You signed this decision off, so someone else must give the second review.")
            )
        if (
            locked.agenda_item_id is not None
            and ConflictDeclaration.objects.filter(
                agenda_item_id=locked.agenda_item_id, attendee__user=user, has_conflict=True
            ).exists()
        ):  # the pages do not reach it (decisions.selectors); nor does the service
            raise DecisionStateError(
                gettext(
                    "You declared a conflict of interest in this case, so someone else must give the second review."
                )
            )
        locked.second_reviewed_by = user
        locked.second_reviewed_at = timezone.now()
        locked.second_review_agrees = agrees
        locked.second_review_reasons = reasons
        result = locked
        if agrees:
            locked.status = DecisionStatus.FINAL
            locked.site_policy = current_policy(locked.site)
            _supersede_previous(locked)  # before it is saved as final (one final version per referral and stage)
            locked.save()
        else:
            locked.status = DecisionStatus.RETURNED
            locked.save()
            result = Decision(
                referral=locked.referral,
                stage=locked.stage,
                version=_next_version(locked.referral_id, locked.stage),
                supersedes=locked,
                kind=locked.kind,
                correction_reason=f"Returned to the panel by the second reviewer: {reasons}",
                created_by=user,
            )
            _copy_record(locked, result)
            result.outcome = ""
            result.decided_on = None
            result.save()
            _copy_evidence(locked, result)
        _audit(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            decision=locked,
            purpose=SECOND_REVIEW,
            detail={"agrees": agrees, "new_draft": None if agrees else result.pk},
        )
        if agrees:
            run_on_final(locked, user=user, audit=audit)  # apps above decisions (outcomes' follow-up)
    return result
