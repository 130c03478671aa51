"""Recording a site's case reviews: the cases, learning points, recommendations and actions (issue 12 item 2).

Every change checks who may make it under the review's (or action's) row lock and writes an audit event in
the same transaction. A review is about cases, so each event is recorded against each of its reviewed cases
(`ReviewedCase`, which reaches the child through the referral): the child's "who has seen or changed this
record" page shows the review's reads and changes (ADR 0013).

When a case is anonymised at the end of its retention period, the review is kept (it is the site's learning)
and so is its link to the case; the child's names are taken out of its words (`names_redact`, called by the
retention app). From then on the case is kept for the figures only (`referrals.anonymised`): no review takes it,
and the review, which goes on for its other cases and the site's learning, takes no new words that refer to it by
its reference (as the forms ask children to be referred to). Its names are gone, so they cannot be looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.case_reviews import selectors
from childnrm.case_reviews.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    CaseReview,
    LearningPoint,
    Recommendation,
    RecommendationStatus,
    ReviewAction,
    ReviewActionUpdate,
    ReviewedCase,
    ReviewKind,
    ReviewStatus,
)
from childnrm.decisions import locks
from childnrm.kit.errors import ServiceError
from childnrm.referrals.anonymised import case_anonymised_message

TEXT_MAX = 5_000
TITLE_MAX = 200
MANAGE_PURPOSE = PURPOSES[Perm.CASE_REVIEW_MANAGE]
OWNER_PURPOSE = PURPOSES[Perm.CASE_REVIEW_ACTION_UPDATE]
REDACTED = "[name removed]"
_REFERENCE_SEPARATORS = re.compile(r"[\s,;]+")


class CaseReviewError(ServiceError):
    """A change to a case review the service refuses; may list several problems at once."""

    def __init__(self, message: str, field: str | None = None, problems: list[tuple[str | None, str]] | None = None):
        super().__init__(message, field)
        self.problems = problems or [(field, message)]

    def form_errors(self) -> list[tuple[str | None, str]]:
        return self.problems


def audit_review(
    *,
    audit: AuditContext | None,
    user,
    action: str,
    review: CaseReview,
    purpose: str,
    detail: dict | None = None,
) -> None:
    """One event per case the review is about, so each child's audit page shows it."""
    for reviewed in ReviewedCase.objects.filter(review=review).order_by("pk"):
        audit_record(
            context=audit,
            actor=user,
            action=action,
            obj=reviewed,
            site_id=review.site_id,
            purpose=purpose,
            detail={"case_review": review.pk, **(detail or {})},
        )


def references_in(text: str) -> list[str]:
    """The case references typed in a box (commas, spaces or new lines between them), upper-cased, once each."""
    return list(dict.fromkeys(r.upper() for r in _REFERENCE_SEPARATORS.split(text or "") if r))


def _cases(user, site_ids: list[int], references: list[str], *, field: str = "cases"):
    """The cases the references name, locked (in the caller's transaction) as retention anonymises a case: one
    anonymised meanwhile is refused rather than joining the review after its names were taken out of it."""
    references = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
    if not references:
        raise CaseReviewError(gettext("Enter the reference of at least one case the review is about"), field)
    found = {r.reference: r for r in selectors.reviewable_cases(site_ids, references).select_for_update(of=("self",))}
    unknown = [r for r in references if r not in found]
    if unknown:
        problems: list[tuple[str | None, str]] = []
        for case in selectors.anonymised_cases(site_ids, unknown):
            problems.append((field, case_anonymised_message(case)))
            unknown.remove(case.reference)
        if unknown:
            no_case = gettext(
                "No case of your site has the reference %(references)s. Check the case reference, for example "
                "NRM-7K2M9QXA"
            )
            problems.append((field, no_case % {"references": ", ".join(unknown)}))
        raise CaseReviewError(problems[0][1], field, problems)
    cases = [found[r] for r in references]
    if len({c.site_id for c in cases}) > 1:
        raise CaseReviewError(
            gettext("A review is about the cases of one site: enter the cases of one site only"), field
        )
    return cases


def _no_anonymised_case_cited(review: CaseReview, *words: tuple[str, str, str]) -> None:
    """Refuse new words that refer to a case of the review retention anonymised by its reference: nothing more is
    recorded about it (`referrals.anonymised`). `words`: (field, the new text, the text it replaces); a reference
    the replaced text already held may stay."""
    cases = selectors.anonymised_cases_of(review)
    problems: list[tuple[str | None, str]] = []
    for field, new, old in words:
        for case in cases:
            cited = re.compile(rf"\b{re.escape(case.reference)}\b", re.IGNORECASE)
            if cited.search(new) and not cited.search(old):
                problems.append((field, case_anonymised_message(case)))
    if problems:
        raise CaseReviewError(problems[0][1], problems[0][0], problems)


def _check_details(kind: str, title: str, started_on: date | None, summary: str) -> None:
    problems: list[tuple[str | None, str]] = []
    if kind not in ReviewKind.values:
        problems.append(("kind", gettext("Select the kind of review")))
    if not title:
        problems.append(("title", gettext("Enter a title for the review")))
    elif len(title) > TITLE_MAX:
        problems.append(("title", gettext("Title must be %(max)s characters or fewer") % {"max": TITLE_MAX}))
    if started_on is None:
        problems.append(("started_on", gettext("Enter the date the review started")))
    elif started_on > timezone.localdate():
        problems.append(("started_on", gettext("The date the review started must be today or in the past")))
    if not summary:
        problems.append(("summary", gettext("Enter what the review is about")))
    elif len(summary) > TEXT_MAX:
        problems.append(
            (
                "summary",
                gettext("What the review is about must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX:,}"},
            )
        )
    if problems:
        raise CaseReviewError(problems[0][1], problems[0][0], problems)


def case_review_create(
    *,
    user,
    kind: str,
    title: str,
    started_on: date | None,
    summary: str,
    case_references: list[str],
    audit: AuditContext | None = None,
) -> CaseReview:
    """A new review of one or more cases of a site where the user records case reviews; the review belongs to
    the cases' site."""
    title, summary = (title or "").strip(), (summary or "").strip()
    sites = sites_where(user, Perm.CASE_REVIEW_MANAGE)
    if not sites:
        raise CaseReviewError(gettext("You cannot record case reviews"))
    _check_details(kind, title, started_on, summary)
    with transaction.atomic():
        cases = _cases(user, sites, case_references)
        review = CaseReview.objects.create(
            site_id=cases[0].site_id, kind=kind, title=title, started_on=started_on, summary=summary, created_by=user
        )
        ReviewedCase.objects.bulk_create([ReviewedCase(review=review, referral=c, added_by=user) for c in cases])
        audit_review(
            audit=audit,
            user=user,
            action=Action.CREATE,
            review=review,
            purpose=MANAGE_PURPOSE,
            detail={"record": "case review", "cases": [c.pk for c in cases]},
        )
    return review


def _review_lock(review_id: int) -> CaseReview:
    """The review locked after its cases (their referrals, in id order), as retention takes them: it locks the case,
    then the reviews about it to take the child's names out (`names_redact`; ADR 0035, the case before what hangs from
    it). So a change to a review waits for a case being anonymised, then finds it anonymised and cites it no more;
    an anonymisation waits for a change that holds the review, then takes the names out of what it wrote. A case
    added to the review in between is not locked here: its anonymisation waits for the review's lock all the same."""
    locks.cases_lock(ReviewedCase.objects.filter(review_id=review_id).values_list("referral_id", flat=True))
    return CaseReview.objects.select_for_update().get(pk=review_id)


def _locked(review: CaseReview, user) -> CaseReview:
    locked = _review_lock(review.pk)
    if not has_perm(user, Perm.CASE_REVIEW_MANAGE, locked.site_id):
        raise CaseReviewError(gettext("Only the site's panel coordinator can change this case review"))
    return locked


def case_review_change(
    *,
    review: CaseReview,
    user,
    kind: str,
    title: str,
    started_on: date | None,
    summary: str,
    audit: AuditContext | None = None,
) -> CaseReview:
    title, summary = (title or "").strip(), (summary or "").strip()
    _check_details(kind, title, started_on, summary)
    with transaction.atomic():
        locked = _locked(review, user)
        _no_anonymised_case_cited(locked, ("title", title, locked.title), ("summary", summary, locked.summary))
        changed = [
            name
            for name, value in (("kind", kind), ("title", title), ("started_on", started_on), ("summary", summary))
            if getattr(locked, name) != value
        ]
        if changed:
            locked.kind, locked.title, locked.started_on, locked.summary = kind, title, started_on, summary
            locked.save(update_fields=[*changed, "updated_at"])
            audit_review(
                audit=audit,
                user=user,
                action=Action.UPDATE,
                review=locked,
                purpose=MANAGE_PURPOSE,
                detail={"record": "case review", "fields": changed},
            )
    return locked


def case_review_cases_add(
    *, review: CaseReview, user, case_references: list[str], audit: AuditContext | None = None
) -> list[ReviewedCase]:
    """More cases of the review's site that the review is about (one already linked is left as it is)."""
    with transaction.atomic():
        cases = _cases(user, [review.site_id], case_references, field="cases")
        locked = _locked(review, user)
        linked = set(locked.cases.values_list("referral_id", flat=True))
        added = [
            ReviewedCase.objects.create(review=locked, referral=c, added_by=user) for c in cases if c.pk not in linked
        ]
        if added:
            audit_review(
                audit=audit,
                user=user,
                action=Action.UPDATE,
                review=locked,
                purpose=MANAGE_PURPOSE,
                detail={"record": "reviewed cases", "added": [a.referral_id for a in added]},
            )
    return added


def case_review_status_set(*, review: CaseReview, user, status: str, audit: AuditContext | None = None) -> CaseReview:
    """Completed (today) or back in progress. Its actions are chased whatever the review's status."""
    if status not in ReviewStatus.values:
        raise CaseReviewError(gettext("Select the review's status"), "status")
    with transaction.atomic():
        locked = _locked(review, user)
        if locked.status == status:
            return locked
        before = locked.status
        locked.status = status
        locked.completed_on = timezone.localdate() if status == ReviewStatus.COMPLETED else None
        locked.save(update_fields=["status", "completed_on", "updated_at"])
        audit_review(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            review=locked,
            purpose=MANAGE_PURPOSE,
            detail={"record": "case review", "from": before, "to": status},
        )
    return locked


def _text(text: str, what: str, field: str = "text") -> str:
    """`what`: "learning point" or "recommendation"."""
    text = (text or "").strip()
    if not text:
        message = (
            gettext("Enter the learning point") if what == "learning point" else gettext("Enter the recommendation")
        )
        raise CaseReviewError(message, field)
    if len(text) > TEXT_MAX:
        message = (
            gettext("The learning point must be %(max)s characters or fewer")
            if what == "learning point"
            else gettext("The recommendation must be %(max)s characters or fewer")
        )
        raise CaseReviewError(message % {"max": f"{TEXT_MAX:,}"}, field)
    return text


def learning_point_add(*, review: CaseReview, user, text: str, audit: AuditContext | None = None) -> LearningPoint:
    text = _text(text, "learning point")
    with transaction.atomic():
        locked = _locked(review, user)
        _no_anonymised_case_cited(locked, ("text", text, ""))
        point = LearningPoint.objects.create(review=locked, text=text, created_by=user)
        audit_review(
            audit=audit,
            user=user,
            action=Action.CREATE,
            review=locked,
            purpose=MANAGE_PURPOSE,
            detail={"record": "learning point", "learning_point": point.pk},
        )
    return point


def recommendation_add(*, review: CaseReview, user, text: str, audit: AuditContext | None = None) -> Recommendation:
    text = _text(text, "recommendation")
    with transaction.atomic():
        locked = _locked(review, user)
        _no_anonymised_case_cited(locked, ("text", text, ""))
        recommendation = Recommendation.objects.create(review=locked, text=text, created_by=user)
        audit_review(
            audit=audit,
            user=user,
            action=Action.CREATE,
            review=locked,
            purpose=MANAGE_PURPOSE,
            detail={"record": "recommendation", "recommendation": recommendation.pk},
        )
    return recommendation


def recommendation_status_set(
    *, recommendation: Recommendation, user, status: str, audit: AuditContext | None = None
) -> Recommendation:
    if status not in RecommendationStatus.values:
        raise CaseReviewError(gettext("Select the recommendation's status"), "status")
    with transaction.atomic():
        _locked(recommendation.review, user)
        locked = (
            Recommendation.objects.select_for_update(of=("self",)).select_related("review").get(pk=recommendation.pk)
        )
        if locked.status == status:
            return locked
        before = locked.status
        locked.status, locked.status_changed_by, locked.status_changed_at = status, user, timezone.now()
        locked.save(update_fields=["status", "status_changed_by", "status_changed_at"])
        audit_review(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            review=locked.review,
            purpose=MANAGE_PURPOSE,
            detail={"record": "recommendation", "recommendation": locked.pk, "from": before, "to": status},
        )
    return locked


def action_add(
    *,
    review: CaseReview,
    user,
    description: str,
    owner,
    due_on: date | None,
    recommendation: Recommendation | None = None,
    audit: AuditContext | None = None,
) -> ReviewAction:
    """An action with its owner (a user of the site who may update it) and due date, chased when overdue."""
    problems: list[tuple[str | None, str]] = []
    description = (description or "").strip()
    if not description:
        problems.append(("description", gettext("Enter what needs to be done")))
    elif len(description) > TEXT_MAX:
        problems.append(
            (
                "description",
                gettext("What needs to be done must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX:,}"},
            )
        )
    if owner is None or not selectors.owner_candidates(review.site_id).filter(pk=owner.pk).exists():
        problems.append(("owner", gettext("Select who owns the action")))
    if due_on is None:
        problems.append(("due_on", gettext("Enter the date the action is due")))
    elif due_on < timezone.localdate():
        problems.append(("due_on", gettext("The due date must be today or in the future")))
    if recommendation is not None and recommendation.review_id != review.pk:
        problems.append(("recommendation", gettext("Select a recommendation of this review")))
    if problems:
        raise CaseReviewError(problems[0][1], problems[0][0], problems)
    with transaction.atomic():
        locked = _locked(review, user)
        _no_anonymised_case_cited(locked, ("description", description, ""))
        action = ReviewAction.objects.create(
            review=locked,
            recommendation=recommendation,
            description=description,
            owner=owner,
            due_on=due_on,
            created_by=user,
        )
        ReviewActionUpdate.objects.create(action=action, from_status="", to_status=action.status, actor=user)
        audit_review(
            audit=audit,
            user=user,
            action=Action.CREATE,
            review=locked,
            purpose=MANAGE_PURPOSE,
            detail={"record": "case review action", "action": action.pk},
        )
    return action


def action_update(
    *, action: ReviewAction, user, to_status: str, note: str, audit: AuditContext | None = None
) -> ReviewActionUpdate:
    """A new status or a progress note: a new row with its actor. The coordinator updates any action of the
    site; an owner their own. Only the coordinator cancels one."""
    note = (note or "").strip()
    if to_status not in ActionStatus.values:
        raise CaseReviewError(gettext("Select the action's status"), "status")
    if len(note) > TEXT_MAX:
        raise CaseReviewError(
            gettext("Progress note must be %(max)s characters or fewer") % {"max": f"{TEXT_MAX:,}"}, "note"
        )
    with transaction.atomic():
        _review_lock(ReviewAction.objects.values_list("review_id", flat=True).get(pk=action.pk))
        locked = ReviewAction.objects.select_for_update(of=("self",)).select_related("review").get(pk=action.pk)
        site_id = locked.review.site_id
        manages = has_perm(user, Perm.CASE_REVIEW_MANAGE, site_id)
        owns = locked.owner_id == user.pk and has_perm(user, Perm.CASE_REVIEW_ACTION_UPDATE, site_id)
        if not (manages or owns):
            raise CaseReviewError(gettext("Only the action's owner or the panel coordinator can update this action"))
        if to_status == ActionStatus.CANCELLED and locked.status != ActionStatus.CANCELLED and not manages:
            raise CaseReviewError(gettext("Only the panel coordinator can cancel an action"), "status")
        if to_status == locked.status and not note:
            raise CaseReviewError(
                gettext("The action is already %(status)s: enter a progress note or choose another status")
                % {"status": ActionStatus(to_status).label.lower()},
                "note",
            )
        _no_anonymised_case_cited(locked.review, ("note", note, ""))
        update = ReviewActionUpdate.objects.create(
            action=locked, from_status=locked.status, to_status=to_status, note=note, actor=user
        )
        if to_status != locked.status:
            locked.status = to_status
            locked.save(update_fields=["status"])
        audit_review(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            review=locked.review,
            purpose=MANAGE_PURPOSE if manages else OWNER_PURPOSE,
            detail={
                "record": "case review action",
                "action": locked.pk,
                "update": update.pk,
                "from": update.from_status,
                "to": update.to_status,
            },
        )
    return update


def action_owner_change(*, action: ReviewAction, user, owner, audit: AuditContext | None = None) -> ReviewActionUpdate:
    """Give an open action a new owner (the coordinator's; the reminders ask them to when its owner can no longer
    update it). The new owner must be able to own the site's actions by the rule the reminders apply
    (`selectors.may_own_actions`). A new row says who it moved from and to; the status stays."""
    with transaction.atomic():
        _review_lock(ReviewAction.objects.values_list("review_id", flat=True).get(pk=action.pk))
        locked = ReviewAction.objects.select_for_update(of=("self",)).select_related("review").get(pk=action.pk)
        site_id = locked.review.site_id
        if not has_perm(user, Perm.CASE_REVIEW_MANAGE, site_id):
            raise CaseReviewError(gettext("Only the panel coordinator can give an action a new owner"))
        if locked.status not in OPEN_ACTION_STATUSES:
            raise CaseReviewError(
                gettext("The action is %(status)s: only an open action can be given a new owner")
                % {"status": locked.get_status_display().lower()},
                "owner",
            )
        if owner is None or not selectors.may_own_actions(owner, site_id):
            raise CaseReviewError(gettext("Select someone at the site who can update case review actions"), "owner")
        if owner.pk == locked.owner_id:
            raise CaseReviewError(gettext("They already own the action: select someone else"), "owner")
        update = ReviewActionUpdate.objects.create(
            action=locked,
            from_status=locked.status,
            to_status=locked.status,
            from_owner_id=locked.owner_id,
            to_owner=owner,
            actor=user,
        )
        locked.owner = owner
        locked.save(update_fields=["owner"])
        audit_review(
            audit=audit,
            user=user,
            action=Action.UPDATE,
            review=locked.review,
            purpose=MANAGE_PURPOSE,
            detail={
                "record": "case review action",
                "action": locked.pk,
                "update": update.pk,
                "fields": ["owner"],
                "from_owner": update.from_owner_id,
                "to_owner": owner.pk,
            },
        )
    return update


# Retention ---------------------------------------------------------------------------------------------


def name_patterns(people: Iterable[tuple[str, str]]) -> list[re.Pattern]:
    """Full names first (any case), then each name on its own as names are written (capitalised or in capitals),
    so "may" and "will" in a sentence stay when a child is called May or Will."""
    full: list[str] = []
    single: set[str] = set()
    for given_names, family_name in people:
        given = (given_names or "").split()
        family = (family_name or "").split()
        if given and family:
            full.append(r"\s+".join(re.escape(w) for w in [*given, *family]))
            full.append(re.escape(given[0]) + r"\s+" + r"\s+".join(re.escape(w) for w in family))
            full.append(r"\s+".join(re.escape(w) for w in family) + r",\s*" + re.escape(given[0]))
        for word in [*given, *family]:
            if len(word) > 1:
                single |= {word, word[:1].upper() + word[1:], word.upper()}
    patterns = [re.compile(r"\b" + p + r"\b", re.IGNORECASE) for p in sorted(set(full), key=len, reverse=True)]
    patterns += [re.compile(r"\b" + re.escape(w) + r"\b") for w in sorted(single, key=len, reverse=True)]
    return patterns


def redact(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(REDACTED, text)
    return text


def _redact_rows(rows: QuerySet, fields: tuple[str, ...], patterns: list[re.Pattern]) -> int:
    changed = 0
    for row in rows.only("pk", *fields):
        values = {f: redact(getattr(row, f), patterns) for f in fields}
        if any(values[f] != getattr(row, f) for f in fields):
            # update(), like the retention app: no save() hooks, no auto-stamps.
            type(row).objects.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


def names_of(referral) -> list[tuple[str, str]]:
    """(given names, family name) the child of this case is known by: as referred, their aliases, and on the
    child's record."""
    people = [(referral.given_names, referral.family_name)]
    people += [(a.get("given_names", ""), a.get("family_name", "")) for a in (referral.aliases or [])]
    if referral.child_id is not None:
        people.append((referral.child.given_names, referral.child.family_name))
    return [p for p in dict.fromkeys(people) if any(p)]


def names_in_review(review: CaseReview) -> list[tuple[str, str]]:
    """The names of the children of every case the review is about (for the check of its published summary)."""
    people: list[tuple[str, str]] = []
    for reviewed in ReviewedCase.objects.filter(review=review).select_related("referral", "referral__child"):
        people += names_of(reviewed.referral)
    return list(dict.fromkeys(people))


def names_redact(referral) -> dict[str, int]:
    """Take the child's names (as referred, their aliases, and on the child's record) out of the words of every
    review about this case. Called by retention when the case is anonymised, before the names themselves go;
    the review, its link to the case and everything else it says are kept."""
    patterns = name_patterns(names_of(referral))
    ids = sorted(set(ReviewedCase.objects.filter(referral=referral).values_list("review_id", flat=True)))
    if not patterns or not ids:
        return {"case_review_rows_redacted": 0}
    # The reviews locked, in id order, after the case (which the caller holds): a change to one of them that started
    # first has committed, and what it wrote is read below (`_review_lock`).
    list(CaseReview.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    changed = _redact_rows(CaseReview.objects.filter(pk__in=ids), ("title", "summary"), patterns)
    changed += _redact_rows(LearningPoint.objects.filter(review_id__in=ids), ("text",), patterns)
    changed += _redact_rows(Recommendation.objects.filter(review_id__in=ids), ("text",), patterns)
    changed += _redact_rows(ReviewAction.objects.filter(review_id__in=ids), ("description",), patterns)
    changed += _redact_rows(ReviewActionUpdate.objects.filter(action__review_id__in=ids), ("note",), patterns)
    return {"case_review_rows_redacted": changed}
