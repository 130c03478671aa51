"""The access policy: the one place that decides who may do what.

Permissions come from the roles a user holds at a site (deny by default: a role has only what is
listed here). Record-level rules distinguish "all records of my site" from "records I am
associated with"; selectors turn both into query filters so lists never filter in Python.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.utils.translation import gettext_noop

from childnrm.access.roles import Role
from childnrm.kit import prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.db.models.fields.related_descriptors import RelatedManager


class SiteMember(Protocol):
    """A signed-in user as the policy reads them (`accounts.User`): the roles they hold at sites. Access sits
    below accounts (.importlinter), so it says what it reads instead of importing the model."""

    @property
    def is_authenticated(self) -> Literal[True]: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def pk(self) -> Any: ...

    @property
    def memberships(self) -> RelatedManager[Any]: ...  # accounts.Membership: site, role, active


class Perm(StrEnum):
    CHILD_VIEW_SITE = "child.view_site"  # every child of my site
    CHILD_VIEW_ASSOCIATED = "child.view_associated"  # children I am associated with
    CHILD_AUDIT_VIEW = "child.audit_view"  # who has seen or changed a child's record
    SITE_USERS_MANAGE = "site.users_manage"
    SITE_POLICY_MANAGE = "site.policy_manage"  # the site's decision policy: clocks, recovery period, tie rule
    STATISTICS_VIEW = "statistics.view"  # aggregates only, never a child's record
    STATISTICS_VIEW_SITE = "statistics.view_site"  # the same aggregates, of my own site only (coordinators)
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW_OWN = "referral.view_own"  # referrals I made: their status and outcome
    REFERRAL_TRIAGE = "referral.triage"  # the site's queue, triage, routing and hand-off
    CHILD_LINK = "child.link"  # decide whether records are of the same child
    # Panels and decisions (issue 4). Record-level scope comes from the selectors of each app:
    # a meeting's attendees reach its agenda's case papers only while the meeting is not closed.
    PANEL_MANAGE = "panel.manage"  # membership, meetings, agendas, attendance
    # A seat on the panel for someone who holds the panel member role at the site (record-level: the panels
    # service checks the role); whoever runs the panel gives any seat with PANEL_MANAGE.
    PANEL_SEAT_GIVE = "panel.seat_give"
    MEETING_ATTEND = "meeting.attend"  # meetings I am invited to, and their case papers while open
    # Run a sitting I chair: open it, mark who is present, close it. Record-level: only the sitting's own chair
    # (`may_run_sitting`), never every chair of the site; scheduling, agendas and cancelling stay PANEL_MANAGE.
    SITTING_RUN = "meeting.run_own"
    DECISION_RECORD = "decision.record"  # draft a decision's record and its votes at a sitting
    DECISION_FINALISE = "decision.finalise"  # sign off a decision (the chair)
    DECISION_SECOND_REVIEW = "decision.second_review"  # review a negative decision before it is final
    DECISION_RETURN = "decision.return"  # send decisions to the SCA and answer its findings
    RECONSIDERATION_RECORD = "reconsideration.record"  # take in and list reconsideration requests
    INFORMATION_REQUEST = "information.request"  # ask agencies for information about a case
    INFORMATION_RESPOND = "information.respond"  # answer requests addressed to my organisation
    PLAN_MANAGE = "safeguarding.plan_manage"  # safeguarding plans, statutory status, safety map
    PLAN_ACTION_UPDATE = "safeguarding.action_update"  # progress of plan actions I own
    LETTER_PRODUCE = "letter.produce"  # outcome letters and the record of explaining them
    CASE_TRANSFER = "case.transfer"  # transfer a decided case; the turning-18 hand-over
    DASHBOARD_VIEW = "dashboard.view"  # what is due and overdue across the site
    SCA_AUDIT = "sca.audit"  # decisions sent for audit, and findings on them
    # Retention (issue 14 item 9): the DPO sees what is past its retention date (references and dates, no
    # names), sets the site's schedule and approves anonymisation; legal holds stop it.
    RETENTION_REVIEW = "retention.review"
    LEGAL_HOLD = "retention.legal_hold"  # place and lift legal holds on a child's cases
    # The evidence library (issue 12), shared by every site: practitioners read and submit; a moderator of the
    # submitter's site publishes. It never holds a child's record.
    LIBRARY_READ = "learning.library_read"
    LIBRARY_SUBMIT = "learning.library_submit"
    LIBRARY_MODERATE = "learning.library_moderate"
    # Outcome follow-up (issue 10): record the scheduled outcome reviews and missing episodes of children I am
    # the lead social worker or allocated guardian of (record-level: outcomes.selectors); the coordinator
    # oversees every child's follow-up at the site, read-only.
    OUTCOME_RECORD = "outcome.record"
    OUTCOME_VIEW_SITE = "outcome.view_site"
    # Training (issue 12 item 3): every practitioner books sessions and answers their own self-assessments; a site's
    # coordinators and administrators run its courses; library moderators run national courses for every site,
    # from their own site (record-level: training.selectors).
    TRAINING_OWN = "training.own"
    TRAINING_MANAGE = "training.manage"
    TRAINING_NATIONAL = "training.national"
    # The child's feedback (issue 12): the child's guardian or lead social worker (record-level: an active association,
    # feedback.selectors) starts a one-time feedback link for the child, who answers without signing in; the
    # coordinator sees the site's children's feedback and its disclosure-controlled summary (analysts: the summary).
    FEEDBACK_GATHER = "feedback.gather"
    FEEDBACK_VIEW_SITE = "feedback.view_site"
    # Case reviews (issue 12): a site's reviews of its own cases, never seen by another site. The coordinator records
    # them; the site's chairs read them; whoever owns one of their actions updates it (record-level: case_reviews.
    # selectors). Their anonymised summaries are published through the library's moderation.
    CASE_REVIEW_MANAGE = "case_review.manage"
    CASE_REVIEW_VIEW = "case_review.view"
    CASE_REVIEW_ACTION_UPDATE = "case_review.action_update"
    # New burdens (issue 10): log time on a case I work on at the site (record-level: burdens.selectors); see what
    # the panel costs (totals only, never a child's record). Hourly rates are the site's policy (SITE_POLICY_MANAGE).
    TIME_LOG = "burdens.time_log"
    COSTS_VIEW = "burdens.costs_view"
    # The SCA's own decision on a case handed to it, recorded by the sending site when the SCA reports it.
    SCA_OUTCOME_RECORD = "handovers.sca_outcome_record"
    # Data for evaluators (issue 10 item 3): analysts request data-sharing agreements and, under one in force at
    # their site, download the pseudonymised extracts (record-level: evaluation.selectors and services); the site's
    # data protection officer approves, refuses or revokes the agreements.
    EVALUATION_EXTRACT = "evaluation.extract"
    DATA_SHARING_APPROVE = "evaluation.agreement_approve"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.CHILD_VIEW_SITE,
            Perm.CHILD_VIEW_ASSOCIATED,
            Perm.CHILD_AUDIT_VIEW,
            Perm.REFERRAL_TRIAGE,
            Perm.CHILD_LINK,
            Perm.PANEL_MANAGE,
            Perm.MEETING_ATTEND,
            Perm.DECISION_RECORD,
            Perm.DECISION_RETURN,
            Perm.RECONSIDERATION_RECORD,
            Perm.INFORMATION_REQUEST,
            Perm.PLAN_MANAGE,
            Perm.PLAN_ACTION_UPDATE,
            Perm.LETTER_PRODUCE,
            Perm.CASE_TRANSFER,
            Perm.DASHBOARD_VIEW,
            Perm.LEGAL_HOLD,
            Perm.OUTCOME_VIEW_SITE,
        }
    ),
    # A local authority's social worker may refer as a first responder and be the child's lead social worker.
    Role.FIRST_RESPONDER: frozenset(
        {
            Perm.CHILD_VIEW_ASSOCIATED,
            Perm.REFERRAL_CREATE,
            Perm.REFERRAL_VIEW_OWN,
            Perm.INFORMATION_RESPOND,
            Perm.OUTCOME_RECORD,
        }
    ),
    Role.ICTG: frozenset(
        {Perm.CHILD_VIEW_ASSOCIATED, Perm.MEETING_ATTEND, Perm.PLAN_ACTION_UPDATE, Perm.OUTCOME_RECORD}
    ),
    # Chairs, members and advisers reach a case through a meeting's agenda, while the meeting is open.
    Role.CHAIR: frozenset(
        {
            Perm.MEETING_ATTEND,
            Perm.SITTING_RUN,
            Perm.DECISION_RECORD,
            Perm.DECISION_FINALISE,
            Perm.DECISION_SECOND_REVIEW,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.PANEL_MEMBER: frozenset(
        {
            Perm.CHILD_VIEW_ASSOCIATED,
            Perm.MEETING_ATTEND,
            Perm.INFORMATION_RESPOND,
            Perm.PLAN_ACTION_UPDATE,
            Perm.OUTCOME_RECORD,
        }
    ),
    Role.ADVISER: frozenset({Perm.MEETING_ATTEND, Perm.INFORMATION_RESPOND, Perm.PLAN_ACTION_UPDATE}),
    Role.SCA_QUALITY_ASSURER: frozenset({Perm.SCA_AUDIT}),
    Role.ANALYST: frozenset({Perm.STATISTICS_VIEW}),
    # Giving someone the panel member role offers them a seat on the panel (accounts' user pages, panels' service).
    Role.SITE_ADMIN: frozenset({Perm.SITE_USERS_MANAGE, Perm.SITE_POLICY_MANAGE, Perm.PANEL_SEAT_GIVE}),
    Role.DATA_PROTECTION_OFFICER: frozenset({Perm.RETENTION_REVIEW, Perm.LEGAL_HOLD}),
    Role.LIBRARY_MODERATOR: frozenset({Perm.LIBRARY_READ, Perm.LIBRARY_SUBMIT, Perm.LIBRARY_MODERATE}),
}
# Every practitioner reads the evidence library and may submit to it (the community of practice).
LIBRARY_PRACTITIONERS = (
    Role.FIRST_RESPONDER,
    Role.COORDINATOR,
    Role.CHAIR,
    Role.PANEL_MEMBER,
    Role.ADVISER,
    Role.ICTG,
    Role.SCA_QUALITY_ASSURER,
    Role.ANALYST,
)
for _role in LIBRARY_PRACTITIONERS:
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Perm.LIBRARY_READ, Perm.LIBRARY_SUBMIT}
# Statistics (issue 10): a coordinator sees the aggregates of their own site; an analyst, every site's.
ROLE_PERMISSIONS[Role.COORDINATOR] = ROLE_PERMISSIONS[Role.COORDINATOR] | {Perm.STATISTICS_VIEW_SITE}
# Training (issue 12 item 3): every practitioner (library moderators too) sees their own training.
for _role in (*LIBRARY_PRACTITIONERS, Role.LIBRARY_MODERATOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Perm.TRAINING_OWN}
for _role, _perm in (
    (Role.COORDINATOR, Perm.TRAINING_MANAGE),
    (Role.SITE_ADMIN, Perm.TRAINING_MANAGE),
    (Role.LIBRARY_MODERATOR, Perm.TRAINING_NATIONAL),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {_perm}
# Case reviews (issue 12): who records, reads and owns actions of the site's case reviews.
CASE_REVIEW_GRANTS = {
    Role.COORDINATOR: {Perm.CASE_REVIEW_MANAGE, Perm.CASE_REVIEW_VIEW, Perm.CASE_REVIEW_ACTION_UPDATE},
    Role.CHAIR: {Perm.CASE_REVIEW_VIEW, Perm.CASE_REVIEW_ACTION_UPDATE},
    Role.PANEL_MEMBER: {Perm.CASE_REVIEW_ACTION_UPDATE},
    Role.ADVISER: {Perm.CASE_REVIEW_ACTION_UPDATE},
    Role.ICTG: {Perm.CASE_REVIEW_ACTION_UPDATE},
}
for _role, _perms in CASE_REVIEW_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _perms
# Everyone who works on cases logs the time they spend on them (new burdens, issue 10).
TIME_LOGGERS = (Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG, Role.FIRST_RESPONDER)
for _role in TIME_LOGGERS:
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Perm.TIME_LOG}
ROLE_PERMISSIONS[Role.COORDINATOR] = ROLE_PERMISSIONS[Role.COORDINATOR] | {Perm.COSTS_VIEW, Perm.SCA_OUTCOME_RECORD}
ROLE_PERMISSIONS[Role.ANALYST] = ROLE_PERMISSIONS[Role.ANALYST] | {Perm.COSTS_VIEW}
# Data for evaluators (issue 10 item 3).
ROLE_PERMISSIONS[Role.ANALYST] = ROLE_PERMISSIONS[Role.ANALYST] | {Perm.EVALUATION_EXTRACT}
ROLE_PERMISSIONS[Role.DATA_PROTECTION_OFFICER] = ROLE_PERMISSIONS[Role.DATA_PROTECTION_OFFICER] | {
    Perm.DATA_SHARING_APPROVE
}

# The child's feedback (issue 12): those who sit with the child gather it; the coordinator oversees it.
for _role in (Role.ICTG, Role.FIRST_RESPONDER, Role.PANEL_MEMBER):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {Perm.FEEDBACK_GATHER}
ROLE_PERMISSIONS[Role.COORDINATOR] = ROLE_PERMISSIONS[Role.COORDINATOR] | {Perm.FEEDBACK_VIEW_SITE}

# Why a permission is being used: recorded as the purpose of each audit event.
PURPOSES: dict[Perm, str] = {
    Perm.CHILD_VIEW_SITE: gettext_noop("Panel case management"),
    Perm.CHILD_VIEW_ASSOCIATED: gettext_noop("Work on a case I am associated with"),
    Perm.CHILD_AUDIT_VIEW: gettext_noop("Oversight of access to a child's record"),
    Perm.SITE_USERS_MANAGE: gettext_noop("Site user administration"),
    Perm.SITE_POLICY_MANAGE: gettext_noop("Site decision policy administration"),
    Perm.STATISTICS_VIEW: gettext_noop("Statistics and equality monitoring"),
    Perm.STATISTICS_VIEW_SITE: gettext_noop("Statistics and equality monitoring of my site"),
    Perm.REFERRAL_CREATE: gettext_noop("Making a referral"),
    Perm.REFERRAL_VIEW_OWN: gettext_noop("Following a referral I made"),
    Perm.REFERRAL_TRIAGE: gettext_noop("Triage and routing of referrals"),
    Perm.CHILD_LINK: gettext_noop("Linking records of the same child"),
    Perm.PANEL_MANAGE: gettext_noop("Running the panel: membership, meetings and agendas"),
    Perm.PANEL_SEAT_GIVE: gettext_noop("Giving a panel member their seat on the panel"),
    Perm.MEETING_ATTEND: gettext_noop("Case papers for a panel meeting I attend"),
    Perm.SITTING_RUN: gettext_noop("Running a panel sitting I chair"),
    Perm.DECISION_RECORD: gettext_noop("Recording a panel decision"),
    Perm.DECISION_FINALISE: gettext_noop("Signing off a panel decision"),
    Perm.DECISION_SECOND_REVIEW: gettext_noop("Second review of a negative decision"),
    Perm.DECISION_RETURN: gettext_noop("Home Office quality assurance return"),
    Perm.RECONSIDERATION_RECORD: gettext_noop("Reconsideration of a decision"),
    Perm.INFORMATION_REQUEST: gettext_noop("Gathering agency information for a panel decision"),
    Perm.INFORMATION_RESPOND: gettext_noop("Sharing agency information with the panel"),
    Perm.PLAN_MANAGE: gettext_noop("Safeguarding planning for the child"),
    Perm.PLAN_ACTION_UPDATE: gettext_noop("Progress on a safeguarding action"),
    Perm.LETTER_PRODUCE: gettext_noop("Communicating a decision"),
    Perm.CASE_TRANSFER: gettext_noop("Transfer or hand-over of a case"),
    Perm.DASHBOARD_VIEW: gettext_noop("Clocks and alerts for the site's cases"),
    Perm.SCA_AUDIT: gettext_noop("Home Office quality assurance of decisions"),
    Perm.RETENTION_REVIEW: gettext_noop("Retention: deciding whether records past their retention date are anonymised"),
    Perm.LEGAL_HOLD: gettext_noop("Retention: legal hold on a child's records"),
    Perm.LIBRARY_READ: gettext_noop("Learning from the evidence library"),
    Perm.LIBRARY_SUBMIT: gettext_noop("Sharing practice through the evidence library"),
    Perm.LIBRARY_MODERATE: gettext_noop("Moderating the evidence library"),
    Perm.OUTCOME_RECORD: gettext_noop("Outcome follow-up of a child I support"),
    Perm.OUTCOME_VIEW_SITE: gettext_noop("Oversight of outcome follow-up at the site"),
    Perm.TRAINING_OWN: gettext_noop("My own training and self-assessments"),
    Perm.TRAINING_MANAGE: gettext_noop("Running the site's training courses"),
    Perm.TRAINING_NATIONAL: gettext_noop("Running national training courses"),
    Perm.FEEDBACK_GATHER: gettext_noop("Gathering the feedback of a child I support, with them"),
    Perm.FEEDBACK_VIEW_SITE: gettext_noop("Oversight of children's feedback at the site"),
    Perm.CASE_REVIEW_MANAGE: gettext_noop("Recording the site's case reviews and their learning"),
    Perm.CASE_REVIEW_VIEW: gettext_noop("Learning from the site's case reviews"),
    Perm.CASE_REVIEW_ACTION_UPDATE: gettext_noop("Progress on a case review action I own"),
    Perm.TIME_LOG: gettext_noop("Recording time spent on a case I work on"),
    Perm.COSTS_VIEW: gettext_noop("The cost of running the panel (new burdens)"),
    Perm.SCA_OUTCOME_RECORD: gettext_noop("Recording the SCA's decision on a case handed to it"),
    Perm.EVALUATION_EXTRACT: gettext_noop("Evaluation of the pilot: pseudonymised data under a data-sharing agreement"),
    Perm.DATA_SHARING_APPROVE: gettext_noop("Approving data-sharing agreements for evaluation"),
}

_CACHE_ATTR = "_childnrm_site_perms"
_ROLES_ATTR = "_childnrm_site_roles"  # every active membership's role per site id, an inactive site's included
_MEMBERSHIPS_ATTR = "_childnrm_memberships"  # the active memberships themselves, with their sites
_CACHES = (_CACHE_ATTR, _ROLES_ATTR, _MEMBERSHIPS_ATTR)


def _active_memberships_of(membership_model: Any, user_id: int) -> list[Any]:
    # Compiled once per process (kit.prepared): every signed-in page reads it, only the user's id changes.
    return prepared.rows(
        membership_model,
        ("access:active-memberships",),
        lambda uid: (
            membership_model._default_manager.filter(user_id=uid, active=True)
            .select_related("site")
            .order_by("site__name", "role")
        ),
        user_id,
    )


def _load_memberships(user: SiteMember) -> None:
    """One query per request object for the permissions (active sites only), the roles (every site, as the audit
    trail records them) and the memberships themselves (the home and account pages list them): the policy is
    asked many times per page. Read afresh for each request, so a role taken away counts from the next one."""
    memberships = _active_memberships_of(user.memberships.model, user.pk)
    perms: dict[int, set[Perm]] = {}
    roles: dict[int, set[str]] = {}
    for membership in memberships:
        site_id, role = membership.site_id, membership.role
        roles.setdefault(site_id, set()).add(role)
        if membership.site.active:
            perms.setdefault(site_id, set()).update(ROLE_PERMISSIONS.get(role, frozenset()))
    setattr(user, _CACHE_ATTR, {site_id: frozenset(p) for site_id, p in perms.items()})
    setattr(user, _ROLES_ATTR, roles)
    setattr(user, _MEMBERSHIPS_ATTR, memberships)


def site_permissions(user: SiteMember | AnonymousUser) -> dict[int, frozenset[Perm]]:
    """Permissions per site id for this user, computed once per request object (none for an anonymous one)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    if getattr(user, _CACHE_ATTR, None) is None:
        _load_memberships(user)
    return getattr(user, _CACHE_ATTR)


def forget_cached_permissions(user: SiteMember) -> None:
    for attr in _CACHES:
        if hasattr(user, attr):
            delattr(user, attr)


def active_memberships(user: SiteMember) -> list[Any]:
    """The user's active memberships (accounts.Membership, with their sites; an inactive site's included), by site
    name then role: read with the permissions, in the same statement."""
    if getattr(user, _MEMBERSHIPS_ATTR, None) is None:
        _load_memberships(user)
    return list(getattr(user, _MEMBERSHIPS_ATTR))


def sites_where(user: SiteMember | AnonymousUser, perm: Perm) -> list[int]:
    return sorted(site_id for site_id, perms in site_permissions(user).items() if perm in perms)


def has_perm(user: SiteMember | AnonymousUser, perm: Perm, site_id: int | None = None) -> bool:
    """True if the user holds `perm` at `site_id` (or at any site when none is given)."""
    perms = site_permissions(user)
    if site_id is None:
        return any(perm in p for p in perms.values())
    return perm in perms.get(site_id, frozenset())


def may_run_sitting(user: SiteMember | AnonymousUser, *, site_id: int, chair_id: int | None) -> bool:
    """Whether the user may open, take attendance at and close this sitting: whoever runs the site's panel, or
    the sitting's own chair (a chair of the site does not run another chair's sitting)."""
    if has_perm(user, Perm.PANEL_MANAGE, site_id):
        return True
    return chair_id is not None and chair_id == getattr(user, "pk", None) and has_perm(user, Perm.SITTING_RUN, site_id)


def roles_at(user: SiteMember | AnonymousUser, site_id: int | None) -> list[str]:
    """The user's active roles at the site (at every site when none is given), as the audit trail records them."""
    if not user.is_authenticated:
        return []
    if getattr(user, _ROLES_ATTR, None) is None:
        _load_memberships(user)
    roles: dict[int, set[str]] = getattr(user, _ROLES_ATTR)
    if site_id is not None:
        return sorted(roles.get(site_id, ()))
    return sorted(set().union(*roles.values()))


def roles_holding(perm: Perm) -> list[str]:
    """The roles that carry `perm`."""
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]


def users_holding(perm: Perm, site_id: int) -> QuerySet:
    """Active users who hold `perm` at the (active) site: the one answer to "who here may do P"."""
    from django.contrib.auth import get_user_model  # the user model lives above this layer

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__site_id=site_id,
            memberships__site__active=True,
            memberships__active=True,
            memberships__role__in=roles_holding(perm),
        )
        .distinct()
    )
