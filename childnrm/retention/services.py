"""Retention: the daily review, the DPO's approval (which anonymises), legal holds and the schedule.

The review finds every case (and part of a case) past its due date under its site's schedule and
lists it for the site's data protection officer. Nothing is anonymised without the DPO's approval,
and nothing of a child under a legal hold is anonymised at all. Every approval, anonymisation,
hold and schedule change is audited; reports and audit details carry counts and ids, never names.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Membership, Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import audit_record
from childnrm.kit import i18n
from childnrm.kit.errors import ServiceError
from childnrm.people.models import Child
from childnrm.people.selectors import linked_groups
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.vocab import ExploitationType
from childnrm.retention import anonymise
from childnrm.retention.models import ItemStatus, LegalHold, RetentionItem, RetentionRule
from childnrm.retention.schedule import (
    CASE_TYPES,
    DEFAULTS,
    PART_TYPES,
    WHOLE_RECORD_TYPES,
    RecordType,
    Rule,
    RuleBasis,
    add_years,
    due_on,
)

logger = logging.getLogger(__name__)

REVIEW_PURPOSE = PURPOSES[Perm.RETENTION_REVIEW]
HOLD_PURPOSE = PURPOSES[Perm.LEGAL_HOLD]


class RetentionAction:
    """Audit actions of this app (audit.services.Action has the general ones)."""

    REVIEW = "retention_review"
    APPROVE = "retention_approve"
    ANONYMISE = "retention_anonymise"
    RULE_CHANGE = "retention_rule_change"
    HOLD_PLACE = "legal_hold_place"
    HOLD_LIFT = "legal_hold_lift"


def _stored(rule: Rule) -> str:
    """The rule as a listed item records it: in English, whatever the language of the request that listed it (a
    stored record reads the same for everyone; the list page marks it lang="en")."""
    with i18n.language(i18n.ENGLISH):
        return rule.describe()


class RetentionError(ServiceError):
    """A retention change the service refuses; `field` names the form field it is about, if any."""


# ------------------------------------------------------------------------------------------------
# The schedule
# ------------------------------------------------------------------------------------------------


def site_schedule(site: Site) -> dict[str, Rule]:
    """The site's rule for every record type: its own where it set one, else the default."""
    schedule = dict(DEFAULTS)
    for own in RetentionRule.objects.filter(site=site):
        default = DEFAULTS[own.record_type]
        schedule[own.record_type] = Rule(own.record_type, own.basis, own.years, default.legal_basis, default.judgement)
    return schedule


def retention_rule_set(
    *, site: Site, user, record_type: str, basis: str, years: int, audit: AuditContext | None = None
) -> RetentionRule:
    if not has_perm(user, Perm.RETENTION_REVIEW, site.pk):
        raise RetentionError(gettext("You cannot change this site's retention schedule"))
    if record_type == RecordType.AUDIT_EVENTS or basis == RuleBasis.KEPT:
        raise RetentionError(gettext("The audit trail is kept; it has no retention period to change"), "basis")
    if record_type == RecordType.LOOKED_AFTER_CASE and (basis != RuleBasis.BIRTHDAY or years < 75):
        # Regulation 50 (England) sets a minimum; a site may keep longer, never shorter.
        raise RetentionError(
            gettext("A looked-after child's case must be kept until at least the 75th birthday"), "years"
        )
    with transaction.atomic():
        rule, _ = RetentionRule.objects.update_or_create(
            site=site, record_type=record_type, defaults={"basis": basis, "years": years, "updated_by": user}
        )
        audit_record(
            context=audit,
            actor=user,
            action=RetentionAction.RULE_CHANGE,
            obj=rule,
            site_id=site.pk,
            purpose=REVIEW_PURPOSE,
            detail={"record_type": record_type, "basis": basis, "years": years},
        )
    return rule


# ------------------------------------------------------------------------------------------------
# What is due
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One case or part of a case, and when it falls due under the site's schedule."""

    site_id: int
    referral_id: int
    child_id: int | None
    record_type: str
    closed_on: date | None
    due_on: date | None
    rule: str
    held: bool
    no_date_of_birth: bool = False


def held_child_ids(child_ids: Iterable[int], *, group_of: dict[int, int] | None = None) -> set[int]:
    """Which of these child records are under a legal hold: their own, or one on a record linked to them as the same
    child (ADR 0008: a hold covers every case of the child; ADR 0034: records of one child are linked, never
    merged, so a later referral's record is another record of the group). Whatever the site of the linked record."""
    wanted = set(child_ids)
    if not wanted:
        return set()
    group_of = linked_groups() if group_of is None else group_of  # read once by a caller asking item by item
    groups = {group_of.get(c, c) for c in wanted}
    members = wanted | {c for c, g in group_of.items() if g in groups}
    on_hold = set(
        LegalHold.objects.filter(child_id__in=members, lifted_at__isnull=True).values_list("child_id", flat=True)
    )
    held_groups = {group_of.get(c, c) for c in on_hold}
    return {c for c in wanted if group_of.get(c, c) in held_groups}


def _case_type(referral: Referral, looked_after: bool, sexual: bool, *, decided_here: bool = False) -> str:
    if referral.status == ReferralStatus.DRAFT:
        return RecordType.DRAFT
    if looked_after:
        return RecordType.LOOKED_AFTER_CASE
    if sexual:
        return RecordType.SEXUAL_EXPLOITATION_CASE
    if referral.status in (ReferralStatus.WITHDRAWN, ReferralStatus.HANDED_OFF) and not decided_here:
        # Handed on undecided: the receiver keeps its own copy. A case this panel decided keeps its decided-case rule:
        # its reasons, votes and plan are this panel's alone.
        return RecordType.REFERRAL_NOT_ACCEPTED
    return RecordType.DECIDED_CASE  # accepted, or waiting for triage (open either way)


def _referrals_of(site: Site):
    """The site's cases, and the drafts of referrers who belong to it (a draft has no site yet)."""
    first_site = Subquery(
        Membership.objects.filter(user_id=OuterRef("created_by_id"), active=True).order_by("pk").values("site_id")[:1]
    )
    return (
        Referral.objects.annotate(draft_site=first_site)
        .filter(Q(site=site) | Q(status=ReferralStatus.DRAFT, site__isnull=True, draft_site=site.pk))
        .select_related("child")
        .order_by("pk")
    )


def site_due(site: Site, *, today: date) -> list[Due]:
    """Every case and part of a case of the site that is due today or earlier (held ones included), and
    every case whose due date cannot be worked out for want of a date of birth (never listed)."""
    return [d for d in site_assess(site, today=today) if d.no_date_of_birth or (d.due_on and d.due_on <= today)]


def site_assess(site: Site, *, today: date) -> list[Due]:
    """Each case of the site not yet anonymised with its due date (None while open), and its due parts."""
    from childnrm.accounts.nations import LOOKED_AFTER_CATEGORIES
    from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
    from childnrm.information.models import InformationRequest
    from childnrm.letters.models import Letter
    from childnrm.outcomes.models import OutcomeReview
    from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus
    from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan, StatutoryPeriod

    schedule = site_schedule(site)
    referrals = list(_referrals_of(site))
    ids = [r.pk for r in referrals]
    child_ids = {r.child_id for r in referrals if r.child_id}
    done = defaultdict(set)
    for referral_id, record_type in RetentionItem.objects.filter(
        referral_id__in=ids, status=ItemStatus.ANONYMISED
    ).values_list("referral_id", "record_type"):
        done[referral_id].add(record_type)

    # A case ends with a final conclusive grounds decision, or a final negative reasonable grounds one.
    ending = (
        Decision.objects.filter(referral_id__in=ids, status=DecisionStatus.FINAL)
        .filter(Q(stage=Stage.CONCLUSIVE_GROUNDS) | Q(stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.NEGATIVE))
        .values("referral_id")
        .annotate(last=Max("decided_on"))
    )
    decided = {row["referral_id"]: row["last"] for row in ending}
    # Any decision this panel took, a positive reasonable grounds one too: a case handed on after it keeps the rule
    # of a decided case, and stays open while its plan does.
    decided_here = dict(
        Decision.objects.filter(referral_id__in=ids, status=DecisionStatus.FINAL)
        .values("referral_id")
        .annotate(last=Max("decided_on"))
        .values_list("referral_id", "last")
    )
    sexual = _sexual_in_decisions(ids)
    reconsidering = set(
        ReconsiderationRequest.objects.filter(
            decision__referral_id__in=ids, status__in=(ReconsiderationStatus.RECEIVED, ReconsiderationStatus.LISTED)
        ).values_list("decision__referral_id", flat=True)
    )
    active_plan = set(
        SafeguardingPlan.objects.filter(child_id__in=child_ids, status=PlanStatus.ACTIVE).values_list(
            "child_id", flat=True
        )
    )
    plan_closed = dict(
        SafeguardingPlan.objects.filter(child_id__in=child_ids, closed_at__isnull=False)
        .values("child_id")
        .annotate(last=Max("closed_at"))
        .values_list("child_id", "last")
    )
    looked_after = set(
        # Looked after under any nation's law (accounts.nations).
        StatutoryPeriod.objects.filter(child_id__in=child_ids, kind__in=LOOKED_AFTER_CATEGORIES).values_list(
            "child_id", flat=True
        )
    )
    held = held_child_ids(child_ids)
    # The follow-up runs to its last review still to come: the case stays open until then (anonymised earlier, the
    # reviews to come would be recorded against a record that no longer says whose it is).
    follow_up_until = dict(
        OutcomeReview.objects.filter(child_id__in=child_ids, recorded_at__isnull=True, due_on__gte=today)
        .values("child_id")
        .annotate(last=Max("due_on"))
        .values_list("child_id", "last")
    )
    has_documents = _with_documents(ids)
    has_answers = set(InformationRequest.objects.filter(referral_id__in=ids).values_list("referral_id", flat=True))
    has_letters = set(
        Letter.objects.filter(decision__referral_id__in=ids).values_list("decision__referral_id", flat=True)
    )
    status_closed = dict(
        Referral.objects.filter(pk__in=ids)
        .values("pk")
        .annotate(
            last=Max(
                "status_changes__at",
                filter=Q(status_changes__to_status__in=(ReferralStatus.WITHDRAWN, ReferralStatus.HANDED_OFF)),
            )
        )
        .values_list("pk", "last")
    )

    found: list[Due] = []
    for referral in referrals:
        if done[referral.pk] & set(CASE_TYPES):
            continue
        child = referral.child
        is_looked_after = referral.looked_after or (referral.child_id in looked_after)
        is_sexual = ExploitationType.SEXUAL in (referral.exploitation_types or []) or referral.pk in sexual
        case_type = _case_type(referral, is_looked_after, is_sexual, decided_here=referral.pk in decided_here)
        closed_on = _closed_on(
            referral,
            decided=decided.get(referral.pk),
            decided_here=decided_here.get(referral.pk),
            open_reconsideration=referral.pk in reconsidering,
            active_plan=referral.child_id in active_plan or referral.child_id in follow_up_until,
            plan_closed=plan_closed.get(referral.child_id),
            status_changed=status_closed.get(referral.pk),
        )
        birth = _date_of_birth(referral, child)
        is_held = referral.child_id in held

        facts = {"site_id": site.pk, "referral_id": referral.pk, "child_id": referral.child_id, "held": is_held}

        def due(record_type: str, rule: Rule, facts=facts, closed_on=closed_on, birth=birth) -> Due:
            return Due(
                **facts,
                record_type=record_type,
                closed_on=closed_on,
                due_on=due_on(rule, date_of_birth=birth, closed_on=closed_on),
                rule=_stored(rule),
                no_date_of_birth=closed_on is not None and rule.basis == RuleBasis.BIRTHDAY and birth is None,
            )

        case = due(case_type, schedule[case_type])
        found.append(case)
        if (case.due_on is not None and case.due_on <= today) or case.no_date_of_birth:
            continue  # the case goes whole (or waits for a date of birth, never listed)
        if case_type in WHOLE_RECORD_TYPES or case_type == RecordType.DRAFT:
            continue
        present = {
            RecordType.DOCUMENTS: referral.pk in has_documents,
            RecordType.INFORMATION_ANSWERS: referral.pk in has_answers,
            RecordType.LETTERS: referral.pk in has_letters,
        }
        for part in PART_TYPES:
            if not present[part] or part in done[referral.pk]:
                continue
            item = due(part, schedule[part])
            if (item.due_on is not None and item.due_on <= today) or item.no_date_of_birth:
                found.append(item)
    return found


def _sexual_in_decisions(ids: list[int]) -> set[int]:
    from childnrm.decisions.models import Decision

    return {
        referral_id
        for referral_id, types, purposes in Decision.objects.filter(referral_id__in=ids).values_list(
            "referral_id", "exploitation_types", "purpose_found"
        )
        if ExploitationType.SEXUAL in (types or []) or ExploitationType.SEXUAL in (purposes or [])
    }


def _with_documents(ids: list[int]) -> set[int]:
    from childnrm.information.models import ResponseDocument
    from childnrm.referrals.models import ReferralDocument

    return set(ReferralDocument.objects.filter(referral_id__in=ids).values_list("referral_id", flat=True)) | set(
        ResponseDocument.objects.filter(response__request__referral_id__in=ids).values_list(
            "response__request__referral_id", flat=True
        )
    )


def _closed_on(
    referral: Referral,
    *,
    decided: date | None,
    decided_here: date | None = None,
    open_reconsideration: bool,
    active_plan: bool,
    plan_closed,
    status_changed,
) -> date | None:
    """The day the case closed, or None while it is open."""
    if referral.status == ReferralStatus.DRAFT:
        return timezone.localdate(referral.updated_at)
    if referral.status in (ReferralStatus.WITHDRAWN, ReferralStatus.HANDED_OFF):
        left_on = timezone.localdate(status_changed or referral.updated_at)
        if decided_here is None:
            return left_on
        # Handed on after this panel decided: open while a reconsideration or the child's plan here is.
        if open_reconsideration or active_plan:
            return None
        return max(d for d in (decided_here, timezone.localdate(plan_closed) if plan_closed else None, left_on) if d)
    if referral.status != ReferralStatus.ACCEPTED or decided is None or open_reconsideration or active_plan:
        return None
    return max(d for d in (decided, timezone.localdate(plan_closed) if plan_closed else None) if d is not None)


def _date_of_birth(referral: Referral, child: Child | None) -> date | None:
    """The child's date of birth; else one estimated from the age given at referral; else None."""
    if child is not None and child.date_of_birth:
        return child.date_of_birth
    if referral.date_of_birth:
        return referral.date_of_birth
    if referral.estimated_age_years is not None:
        on = timezone.localdate(referral.submitted_at or referral.created_at)
        return add_years(on, -referral.estimated_age_years)
    return None


# ------------------------------------------------------------------------------------------------
# The daily review and its dry run
# ------------------------------------------------------------------------------------------------


@dataclass
class ReviewReport:
    today: date
    dry_run: bool
    # site slug -> record type -> counts: due (anonymisable or held), open, kept (within the period),
    # no_date_of_birth, listed_now
    sites: dict[str, dict[str, Counter]] = field(default_factory=dict)
    withdrawn: int = 0  # listed items no longer due (schedule changed, case reopened): taken off the list

    def add(self, site: Site, record_type: str, key: str, n: int = 1) -> None:
        self.sites.setdefault(site.slug, {}).setdefault(record_type, Counter())[key] += n

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "withdrawn": self.withdrawn,
            "sites": {s: {t: dict(c) for t, c in types.items()} for s, types in self.sites.items()},
        }

    def lines(self) -> list[str]:
        """A plain table: counts only, never a name or a reference."""
        verb = "would be listed" if self.dry_run else "listed"
        out = [f"Retention review for {self.today.isoformat()}{' (dry run: nothing changed)' if self.dry_run else ''}"]
        out.append("Counts only. Nothing is anonymised here: each listed record needs the DPO's approval.")
        for slug in sorted(self.sites):
            out.append(f"{slug}:")
            types = self.sites[slug]
            for record_type in RecordType.values:
                counts = types.get(record_type)
                if not counts:
                    continue
                label = RecordType(record_type).label
                out.append(
                    f"  {label}: {counts['due']} past its date ({counts['anonymisable']} {verb} for anonymisation, "
                    f"{counts['held']} on legal hold); {counts['open']} open; {counts['kept']} closed and within "
                    f"the period; {counts['no_date_of_birth']} without a date of birth"
                )
            if not types:
                out.append("  no records")
        return out


def retention_review_run(*, today: date, dry_run: bool = False) -> ReviewReport:
    """List for each site's DPO what is past its date. A dry run counts what would be listed and writes nothing."""
    report = ReviewReport(today=today, dry_run=dry_run)
    for site in Site.objects.filter(active=True).order_by("pk"):
        report.sites.setdefault(site.slug, {})
        due_items = []
        for item in site_assess(site, today=today):
            if item.no_date_of_birth:
                report.add(site, item.record_type, "no_date_of_birth")
            elif item.closed_on is None:
                report.add(site, item.record_type, "open")
            elif item.due_on > today:
                report.add(site, item.record_type, "kept")
            else:
                due_items.append(item)
                report.add(site, item.record_type, "due")
                report.add(site, item.record_type, "held" if item.held else "anonymisable")
        if dry_run:
            continue
        with transaction.atomic():
            listed = _list_items(site, [i for i in due_items if not i.no_date_of_birth], today, report)
            if listed:
                audit_record(
                    action=RetentionAction.REVIEW,
                    object_type="retention.site",
                    object_id=str(site.pk),
                    site_id=site.pk,
                    purpose=REVIEW_PURPOSE,
                    detail={"listed": listed, "today": today.isoformat()},
                )
    logger.info("Retention review for %s: %s", today.isoformat(), "dry run" if dry_run else "listed")
    return report


def _list_items(site: Site, due_items: list[Due], today: date, report: ReviewReport) -> int:
    current = {(i.referral_id, i.record_type): i for i in due_items}
    stale = [
        item.pk
        for item in RetentionItem.objects.filter(site=site, status=ItemStatus.LISTED)
        if (item.referral_id, item.record_type) not in current
    ]
    if stale:
        report.withdrawn += RetentionItem.objects.filter(pk__in=stale).delete()[0]
    existing = set(
        RetentionItem.objects.filter(referral_id__in=[i.referral_id for i in due_items]).values_list(
            "referral_id", "record_type"
        )
    )
    new = [
        RetentionItem(
            site=site,
            record_type=i.record_type,
            referral_id=i.referral_id,
            child_id=i.child_id,
            closed_on=i.closed_on,
            due_on=i.due_on,
            rule=i.rule,
            listed_on=today,
        )
        for key, i in current.items()
        if key not in existing
    ]
    RetentionItem.objects.bulk_create(new)
    for i in new:
        report.add(site, i.record_type, "listed_now")
    return len(new)


# ------------------------------------------------------------------------------------------------
# Approval and anonymisation
# ------------------------------------------------------------------------------------------------


@dataclass
class ApprovalResult:
    anonymised: list[int] = field(default_factory=list)  # item ids
    refused: dict[int, str] = field(default_factory=dict)  # item id -> why, in the reader's language


def retention_items_approve(
    *, user, site: Site, item_ids: Iterable[int], today: date | None = None, audit: AuditContext | None = None
) -> ApprovalResult:
    """The DPO approves listed items; each is anonymised at once, in its own transaction.

    Each item is checked again at approval: still due under today's schedule, and its child under no
    legal hold (a hold placed after the item was listed wins).
    """
    if not has_perm(user, Perm.RETENTION_REVIEW, site.pk):
        raise RetentionError(gettext("Only the site's data protection officer can approve anonymisation"))
    today = today or timezone.localdate()
    result = ApprovalResult()
    # Computed once: each item is then checked against it under its row lock, and holds are read fresh.
    due_now = {
        (d.referral_id, d.record_type)
        for d in site_due(site, today=today)
        if not d.no_date_of_birth and d.due_on is not None and d.due_on <= today
    }
    groups = linked_groups()  # the records of each child, read once; each item's holds are read fresh below
    for item_id in sorted(set(item_ids)):
        with transaction.atomic():
            item = (
                RetentionItem.objects.select_for_update()
                .select_related("referral")
                .filter(pk=item_id, site=site, status=ItemStatus.LISTED)
                .first()
            )
            if item is None:
                result.refused[item_id] = gettext("not on this site's list")
                continue
            if item.child_id and held_child_ids({item.child_id}, group_of=groups):
                result.refused[item_id] = gettext("on legal hold")
                continue
            still_due = (item.referral_id, item.record_type) in due_now
            if not still_due:
                result.refused[item_id] = gettext("no longer due")
                continue
            now = timezone.now()
            item.approved_by = user
            item.approved_at = now
            audit_record(
                context=audit,
                actor=user,
                action=RetentionAction.APPROVE,
                obj=item.referral,
                site_id=site.pk,
                purpose=REVIEW_PURPOSE,
                detail={"item": item.pk, "record_type": item.record_type, "due_on": item.due_on.isoformat()},
            )
            summary = _anonymise(item)
            item.status = ItemStatus.ANONYMISED
            item.anonymised_at = now
            item.summary = summary
            item.save(update_fields=["approved_by", "approved_at", "status", "anonymised_at", "summary"])
            audit_record(
                context=audit,
                actor=user,
                action=RetentionAction.ANONYMISE,
                obj=item.referral,
                site_id=site.pk,
                purpose=REVIEW_PURPOSE,
                detail={"item": item.pk, "record_type": item.record_type, **summary},
            )
            result.anonymised.append(item.pk)
    return result


def _anonymise(item: RetentionItem) -> dict[str, int]:
    referral = Referral.objects.get(pk=item.referral_id)
    if item.record_type in CASE_TYPES:
        return anonymise.case_anonymise(referral)
    if item.record_type == RecordType.DOCUMENTS:
        return anonymise.documents_delete(referral)
    if item.record_type == RecordType.INFORMATION_ANSWERS:
        return anonymise.information_answers_clear(referral)
    if item.record_type == RecordType.LETTERS:
        return anonymise.letters_clear(referral)
    raise RetentionError(f"{item.record_type} is never anonymised")


# ------------------------------------------------------------------------------------------------
# Legal holds
# ------------------------------------------------------------------------------------------------


def legal_hold_place(*, user, child: Child, reason: str, audit: AuditContext | None = None) -> LegalHold:
    if not has_perm(user, Perm.LEGAL_HOLD, child.site_id):
        raise RetentionError(gettext("You cannot place a legal hold at this site"))
    if not reason.strip():
        raise RetentionError(gettext("Enter why the records must be kept"), "reason")
    with transaction.atomic():
        hold = LegalHold.objects.create(child=child, site_id=child.site_id, reason=reason.strip(), placed_by=user)
        audit_record(
            context=audit,
            actor=user,
            action=RetentionAction.HOLD_PLACE,
            obj=child,
            site_id=child.site_id,
            purpose=HOLD_PURPOSE,
            detail={"hold": hold.pk},
        )
    return hold


def legal_hold_lift(*, user, hold: LegalHold, reason: str, audit: AuditContext | None = None) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().select_related("child").get(pk=hold.pk)
        if not has_perm(user, Perm.LEGAL_HOLD, hold.child.site_id):
            raise RetentionError(gettext("You cannot lift a legal hold at this site"))
        if hold.lifted_at is not None:
            raise RetentionError(gettext("This legal hold has already been lifted"))
        if not reason.strip():
            raise RetentionError(gettext("Enter why the hold can be lifted"), "reason")
        hold.lifted_by = user
        hold.lifted_at = timezone.now()
        hold.lift_reason = reason.strip()
        hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
        audit_record(
            context=audit,
            actor=user,
            action=RetentionAction.HOLD_LIFT,
            obj=hold.child,
            site_id=hold.child.site_id,
            purpose=HOLD_PURPOSE,
            detail={"hold": hold.pk},
        )
    return hold
