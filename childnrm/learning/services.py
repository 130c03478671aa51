"""Submitting to the evidence library and moderating it (issue 12 item 1).

Any practitioner submits an item (or a revision of one); a moderator of the site the item belongs to
approves it — it is then published to every site — or rejects it with reasons. Nothing that identifies a child
is published (`personal_data`): a submission is checked only for what needs no look-up (references, dates of birth,
emails, phone numbers), so its author learns nothing about the children the service holds; children's names are
looked up at moderation, shown to the moderator and audited. Every step is audited (the library holds no child's
record, so the events name the item).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.case_reviews.models import CaseReview
from childnrm.case_reviews.services import names_in_review
from childnrm.kit.errors import ServiceError
from childnrm.learning.models import (
    Audience,
    ItemKind,
    LibraryItem,
    LibraryItemVersion,
    Region,
    ReviewSummary,
    Theme,
    VersionStatus,
)
from childnrm.learning.personal_data import details_in, names_of_known_children_in, names_of_reviewed_children_in
from childnrm.referrals.documents import DocumentRefused, document_check
from childnrm.referrals.vocab import ExploitationType

REASON_MAX = 2000


def _names_child(field: str, named: list[str], *, where: str) -> str:
    """The message for a title, summary or learning that may identify a child, quoting the words found.

    `where`: "library" (an item's author: details found by their shape), "log" (a summary's author: the same),
    "reviewed" (a summary's author: the name of a child of the reviewed cases, which they see) or "moderating"
    (a summary's moderator: a child known to the service)."""
    messages = {
        ("library", "title"): gettext(
            "The title contains a reference, date of birth, email address or phone number (%(words)s). Remove it: "
            "nothing published in the library may identify a child."
        ),
        ("library", "summary"): gettext(
            "The summary contains a reference, date of birth, email address or phone number (%(words)s). Remove "
            "it: nothing published in the library may identify a child."
        ),
        ("log", "title"): gettext(
            "The title contains a reference, date of birth, email address or phone number (%(words)s). Remove it: "
            "nothing published to every site may identify a child."
        ),
        ("log", "summary"): gettext(
            "The summary contains a reference, date of birth, email address or phone number (%(words)s). Remove "
            "it: nothing published to every site may identify a child."
        ),
        ("log", "learning"): gettext(
            "The learning contains a reference, date of birth, email address or phone number (%(words)s). Remove "
            "it: nothing published to every site may identify a child."
        ),
        ("reviewed", "title"): gettext(
            "The title names a child of the cases the review is about (%(words)s). Remove it: nothing published to "
            "every site may identify a child."
        ),
        ("reviewed", "summary"): gettext(
            "The summary names a child of the cases the review is about (%(words)s). Remove it: nothing published "
            "to every site may identify a child."
        ),
        ("reviewed", "learning"): gettext(
            "The learning names a child of the cases the review is about (%(words)s). Remove it: nothing published "
            "to every site may identify a child."
        ),
        ("moderating", "title"): gettext(
            "The title names or refers to a child known to the service (%(words)s). Reject it with the reason, so "
            "its author can remove it: nothing published to every site may identify a child."
        ),
        ("moderating", "summary"): gettext(
            "The summary names or refers to a child known to the service (%(words)s). Reject it with the reason, "
            "so its author can remove it: nothing published to every site may identify a child."
        ),
        ("moderating", "learning"): gettext(
            "The learning names or refers to a child known to the service (%(words)s). Reject it with the reason, "
            "so its author can remove it: nothing published to every site may identify a child."
        ),
    }
    return messages[(where, field)] % {"words": ", ".join(named)}


def item_named_message(named: list[str]) -> str:
    """The moderator's warning, and the refusal of an approval, for an item naming a child known to the service."""
    return gettext(
        "This item names or refers to a child known to the service (%(words)s). Reject it with the reason, so its "
        "author can remove it."
    ) % {"words": ", ".join(named)}


def _check_reason(reason: str) -> None:
    if not reason:
        raise LibraryError(gettext("Enter the reasons it cannot be published, for its author"), "reason")
    if len(reason) > REASON_MAX:
        raise LibraryError(gettext("The reasons must be 2,000 characters or fewer"), "reason")  # REASON_MAX


class LibraryError(ServiceError):
    """A submission or moderation step the library refuses; may list several problems at once."""

    def __init__(self, message: str, field: str | None = None, problems: list[tuple[str | None, str]] | None = None):
        super().__init__(message, field)
        self.problems = problems or [(field, message)]

    def form_errors(self) -> list[tuple[str | None, str]]:
        return self.problems


@dataclass(frozen=True)
class ItemAnswers:
    title: str
    summary: str
    kind: str
    themes: list[str]
    exploitation_types: list[str]
    region: str
    audiences: list[str]
    item_date: date
    link: str = ""
    file: IO[bytes] | None = None
    file_name: str = ""
    keep_file_of: LibraryItemVersion | None = field(default=None)  # a revision keeps the file it had


def _check(answers: ItemAnswers) -> None:
    problems: list[tuple[str | None, str]] = []
    if not answers.title.strip():
        problems.append(("title", gettext("Enter a title")))
    if not answers.summary.strip():
        problems.append(("summary", gettext("Enter a summary")))
    if answers.kind not in ItemKind.values:
        problems.append(("kind", gettext("Select the type of item")))
    if not answers.themes or any(t not in Theme.values for t in answers.themes):
        problems.append(("themes", gettext("Select at least one theme")))
    if any(t not in ExploitationType.values for t in answers.exploitation_types):
        problems.append(("exploitation_types", gettext("Select exploitation types from the list")))
    if answers.region not in Region.values:
        problems.append(("region", gettext("Select the region the item comes from or applies to")))
    if not answers.audiences or any(a not in Audience.values for a in answers.audiences):
        problems.append(("audiences", gettext("Select who the item is for")))
    if answers.item_date > timezone.localdate():
        problems.append(("item_date", gettext("The date of the item must be today or in the past")))
    if not answers.link and answers.file is None and answers.keep_file_of is None:
        problems.append(("link", gettext("Enter a link to the item or choose a file")))
    # Only what needs no look-up: the answer must not depend on the children the service holds (the names are
    # checked at moderation, where the moderator sees them and the check is audited).
    for name, text in (("title", answers.title), ("summary", answers.summary)):
        named = details_in(text)
        if named:
            problems.append((name, _names_child(name, named, where="library")))
    if problems:
        raise LibraryError(problems[0][1], problems[0][0], problems)


def _search_tags(answers: ItemAnswers) -> str:
    """The item's themes and exploitation types in words, in every language of the service, so a search in
    either language finds them (their labels are translated)."""
    labels = [Theme(t).label for t in answers.themes] + [ExploitationType(t).label for t in answers.exploitation_types]
    words: list[str] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words += [str(label) for label in labels if str(label) not in words]
    return " ".join(words)


def _new_version(item: LibraryItem, answers: ItemAnswers, user) -> LibraryItemVersion:
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = LibraryItemVersion(
        item=item,
        number=number,
        title=answers.title.strip(),
        summary=answers.summary.strip(),
        kind=answers.kind,
        themes=answers.themes,
        exploitation_types=answers.exploitation_types,
        region=answers.region,
        audiences=answers.audiences,
        item_date=answers.item_date,
        link=answers.link.strip(),
        search_tags=_search_tags(answers),
        submitted_by=user,
    )
    if answers.file is not None:
        try:
            checked = document_check(file=answers.file)
        except DocumentRefused as refused:
            raise LibraryError(refused.message, "file") from None
        answers.file.seek(0)
        version.file.save(f"upload.{checked.extension}", File(answers.file), save=False)
        version.file_name = answers.file_name[:255]
        version.file_content_type = checked.content_type
        version.file_size = checked.size
    elif answers.keep_file_of is not None and answers.keep_file_of.file:
        kept = answers.keep_file_of
        version.file = kept.file.name
        version.file_name, version.file_content_type, version.file_size = (
            kept.file_name,
            kept.file_content_type,
            kept.file_size,
        )
    version.save()
    return version


def library_item_submit(*, user, answers: ItemAnswers, audit: AuditContext | None = None) -> LibraryItemVersion:
    """A practitioner submits a new item; it waits for a moderator of their site."""
    sites = sites_where(user, Perm.LIBRARY_SUBMIT)
    if not sites:
        raise PermissionDenied
    _check(answers)
    with transaction.atomic():
        item = LibraryItem.objects.create(site_id=sites[0], created_by=user)
        version = _new_version(item, answers, user)
        _audit(audit, user, Action.CREATE, version, Perm.LIBRARY_SUBMIT, {"submitted": version.number})
    return version


def library_item_revise(
    *, item: LibraryItem, user, answers: ItemAnswers, audit: AuditContext | None = None
) -> LibraryItemVersion:
    """Its author (or a moderator of its site) submits a new version; the published one stays until it is
    approved. A revision still waiting is replaced by the newer one."""
    if not (item.created_by_id == user.pk or has_perm(user, Perm.LIBRARY_MODERATE, item.site_id)):
        raise PermissionDenied
    _check(answers)
    with transaction.atomic():
        locked = LibraryItem.objects.select_for_update().get(pk=item.pk)
        waiting = locked.versions.filter(status=VersionStatus.SUBMITTED)
        waiting.update(status=VersionStatus.REPLACED)
        version = _new_version(locked, answers, user)
        _audit(audit, user, Action.CREATE, version, Perm.LIBRARY_SUBMIT, {"revision": version.number})
    return version


NAME_CHECK = "names of children known to the service"  # the audit detail's "check": what was looked up


def library_version_names_check(
    *, version: LibraryItemVersion, user, audit: AuditContext | None = None, page: str = "moderation"
) -> list[str]:
    """For the moderation page: the words of a waiting version that name a child known to the service, at any
    site. Only a moderator of its site runs it, and every run is audited with the ids of the children matched
    (the moderator learns that a child of that name is known), whatever it finds."""
    if not has_perm(user, Perm.LIBRARY_MODERATE, version.item.site_id):
        raise PermissionDenied
    found = names_of_known_children_in(f"{version.title}\n{version.summary}")
    _audit(audit, user, Action.VIEW, version, Perm.LIBRARY_MODERATE, {"page": page, **_check_detail(found.child_ids)})
    return found.words


def _check_detail(child_ids: list[int]) -> dict:
    return {"check": NAME_CHECK, "children_matched": child_ids}


def library_version_approve(
    *, version: LibraryItemVersion, user, audit: AuditContext | None = None
) -> LibraryItemVersion:
    """Publish a waiting version to every site, unless it names a child known to the service (checked now, since
    nothing was looked up when it was submitted). The check is audited either way: with the approval, or on its
    own when it stops it."""
    with transaction.atomic():
        locked = _locked_waiting(version, user)
        found = names_of_known_children_in(f"{locked.title}\n{locked.summary}")
        if not found:
            item = LibraryItem.objects.select_for_update().get(pk=locked.item_id)
            if item.published_id:
                LibraryItemVersion.objects.filter(pk=item.published_id).update(status=VersionStatus.REPLACED)
            locked.status = VersionStatus.APPROVED
            locked.moderated_by = user
            locked.moderated_at = timezone.now()
            locked.save(update_fields=["status", "moderated_by", "moderated_at"])
            item.published = locked
            item.save(update_fields=["published"])
            _audit(
                audit,
                user,
                Action.UPDATE,
                locked,
                Perm.LIBRARY_MODERATE,
                {"approved": locked.number, **_check_detail([])},
            )
    if found:
        # Outside the transaction the refusal leaves, so the check's event stays.
        _audit(
            audit,
            user,
            Action.VIEW,
            locked,
            Perm.LIBRARY_MODERATE,
            {"approval": "refused", **_check_detail(found.child_ids)},
        )
        raise LibraryError(item_named_message(found.words))
    return locked


def library_version_reject(
    *, version: LibraryItemVersion, user, reason: str, audit: AuditContext | None = None
) -> LibraryItemVersion:
    reason = (reason or "").strip()
    _check_reason(reason)
    with transaction.atomic():
        locked = _locked_waiting(version, user)
        locked.status = VersionStatus.REJECTED
        locked.moderated_by = user
        locked.moderated_at = timezone.now()
        locked.moderation_reason = reason
        locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
        _audit(audit, user, Action.UPDATE, locked, Perm.LIBRARY_MODERATE, {"rejected": locked.number})
    return locked


def _locked_waiting(version: LibraryItemVersion, user) -> LibraryItemVersion:
    locked = LibraryItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if not has_perm(user, Perm.LIBRARY_MODERATE, locked.item.site_id):
        raise PermissionDenied
    if locked.submitted_by_id == user.pk:
        raise LibraryError(gettext("Another moderator decides on what you submitted yourself."))
    if locked.status != VersionStatus.SUBMITTED:
        raise LibraryError(
            gettext("This version has already been moderated: %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _audit(
    audit: AuditContext | None, user, action: str, version: LibraryItemVersion, perm: Perm, detail: dict
) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=action,
        obj=version,
        site_id=version.item.site_id,
        purpose=PURPOSES[perm],
        detail={"library_item": version.item_id, **detail},
    )


# Case review summaries (issue 12 item 2) -----------------------------------------------------------------
# A site's case review is seen only by that site (case_reviews). What it taught is shared as an anonymised
# summary: written by whoever records the site's reviews, moderated like a library item by the site's library
# moderators, and published to every site's learning log. This app sits above case_reviews, so it reads the
# review (and the names of the children of its cases, for the stricter check) directly.


@dataclass(frozen=True)
class SummaryAnswers:
    title: str
    summary: str
    learning: str
    themes: list[str]


def _identifying_in_summary(texts: dict[str, str], review: CaseReview) -> list[tuple[str | None, str]]:
    """For its author: what looks like a personal detail (nothing looked up), and the names of the children of the
    cases the review is about (which its author sees on the review)."""
    people = names_in_review(review)
    problems: list[tuple[str | None, str]] = []
    for name, text in texts.items():
        reviewed = names_of_reviewed_children_in(text, people)
        if reviewed:
            problems.append((name, _names_child(name, reviewed, where="reviewed")))
        elif details := details_in(text):
            problems.append((name, _names_child(name, details, where="log")))
    return problems


def _named_in_summary(texts: dict[str, str], review: CaseReview) -> tuple[list[tuple[str | None, str]], list[int]]:
    """For its moderator: the words naming a child of the reviewed cases or any child known to the service, with the
    messages to show, and the ids of the children known to the service they matched (for the audit trail)."""
    people = names_in_review(review)
    problems: list[tuple[str | None, str]] = []
    child_ids: list[int] = []
    for name, text in texts.items():
        known = names_of_known_children_in(text)
        child_ids += known.child_ids
        named = list(dict.fromkeys(names_of_reviewed_children_in(text, people) + known.words))
        if named:
            problems.append((name, _names_child(name, named, where="moderating")))
    return problems, list(dict.fromkeys(child_ids))


def _summary_texts(summary: SummaryAnswers | ReviewSummary) -> dict[str, str]:
    return {"title": summary.title, "summary": summary.summary, "learning": summary.learning}


def _check_summary(answers: SummaryAnswers, review: CaseReview) -> None:
    problems: list[tuple[str | None, str]] = []
    if not answers.title.strip():
        problems.append(("title", gettext("Enter a title")))
    if not answers.summary.strip():
        problems.append(("summary", gettext("Enter what happened, in outline")))
    if not answers.learning.strip():
        problems.append(("learning", gettext("Enter what every site can learn from the review")))
    if not answers.themes or any(t not in Theme.values for t in answers.themes):
        problems.append(("themes", gettext("Select at least one theme")))
    problems += _identifying_in_summary(_summary_texts(answers), review)
    if problems:
        raise LibraryError(problems[0][1], problems[0][0], problems)


def review_summary_submit(
    *,
    user,
    review: CaseReview,
    answers: SummaryAnswers,
    revising: ReviewSummary | None = None,
    audit: AuditContext | None = None,
) -> ReviewSummary:
    """The review's anonymised summary, sent to the site's library moderators; one still waiting is replaced.

    `revising` is the review's latest summary, returned by the moderator: the new one is that summary changed and
    sent again, checked again for personal data like any other, and shows the moderator the reasons it answers."""
    if not has_perm(user, Perm.CASE_REVIEW_MANAGE, review.site_id):
        raise PermissionDenied
    _check_summary(answers, review)
    with transaction.atomic():
        locked = CaseReview.objects.select_for_update().get(pk=review.pk)
        latest = ReviewSummary.objects.filter(review=locked).order_by("-number").first()
        if revising is not None and (revising.review_id != locked.pk or latest is None or latest.pk != revising.pk):
            raise LibraryError(
                gettext("A newer summary of this review has been sent since. Start again from the review.")
            )
        if revising is not None and latest is not None and latest.status != VersionStatus.REJECTED:
            raise LibraryError(
                gettext("That summary was not returned by a moderator, so there is nothing to send again.")
            )
        # A summary sent while another waits still answers the reasons that one answered.
        answered = revising or (latest.revises if latest and latest.status == VersionStatus.SUBMITTED else None)
        ReviewSummary.objects.filter(review=locked, status=VersionStatus.SUBMITTED).update(
            status=VersionStatus.REPLACED
        )
        number = (latest.number if latest else 0) + 1
        summary = ReviewSummary.objects.create(
            review=locked,
            site_id=locked.site_id,
            number=number,
            review_kind=locked.kind,
            review_year=locked.started_on.year,
            title=answers.title.strip(),
            summary=answers.summary.strip(),
            learning=answers.learning.strip(),
            themes=answers.themes,
            submitted_by=user,
            revises=answered,
        )
        detail: dict = {"submitted": number}
        if revising is not None:
            detail["resubmits"] = revising.number  # changed after the moderator returned it
        _audit_summary(audit, user, Action.CREATE, summary, Perm.CASE_REVIEW_MANAGE, detail)
    return summary


def review_summary_names_check(
    *, summary: ReviewSummary, user, audit: AuditContext | None = None, page: str = "moderation"
) -> list[tuple[str | None, str]]:
    """For the moderation page: what in a waiting summary names a child (of the reviewed cases, or known to the
    service at any site). Only a moderator of its site runs it; every run is audited with the ids of the children
    matched, whatever it finds."""
    if not has_perm(user, Perm.LIBRARY_MODERATE, summary.site_id):
        raise PermissionDenied
    problems, child_ids = _named_in_summary(_summary_texts(summary), summary.review)
    _audit_summary(audit, user, Action.VIEW, summary, Perm.LIBRARY_MODERATE, {"page": page, **_check_detail(child_ids)})
    return problems


def review_summary_approve(*, summary: ReviewSummary, user, audit: AuditContext | None = None) -> ReviewSummary:
    """Publish a waiting summary to every site, unless it names a child (checked now against every child known to
    the service, which its author's submission did not look up). The check is audited either way."""
    with transaction.atomic():
        locked = _locked_waiting_summary(summary, user)
        named, child_ids = _named_in_summary(_summary_texts(locked), locked.review)
        if not named:
            ReviewSummary.objects.filter(review_id=locked.review_id, status=VersionStatus.APPROVED).update(
                status=VersionStatus.REPLACED
            )
            locked.status = VersionStatus.APPROVED
            locked.moderated_by = user
            locked.moderated_at = timezone.now()
            locked.save(update_fields=["status", "moderated_by", "moderated_at"])
            _audit_summary(
                audit,
                user,
                Action.UPDATE,
                locked,
                Perm.LIBRARY_MODERATE,
                {"approved": locked.number, **_check_detail([])},
            )
    if named:
        # Outside the transaction the refusal leaves, so the check's event stays.
        _audit_summary(
            audit,
            user,
            Action.VIEW,
            locked,
            Perm.LIBRARY_MODERATE,
            {"approval": "refused", **_check_detail(child_ids)},
        )
        raise LibraryError(named[0][1])
    return locked


def review_summary_reject(
    *, summary: ReviewSummary, user, reason: str, audit: AuditContext | None = None
) -> ReviewSummary:
    reason = (reason or "").strip()
    _check_reason(reason)
    with transaction.atomic():
        locked = _locked_waiting_summary(summary, user)
        locked.status = VersionStatus.REJECTED
        locked.moderated_by = user
        locked.moderated_at = timezone.now()
        locked.moderation_reason = reason
        locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
        _audit_summary(audit, user, Action.UPDATE, locked, Perm.LIBRARY_MODERATE, {"rejected": locked.number})
    return locked


def _locked_waiting_summary(summary: ReviewSummary, user) -> ReviewSummary:
    locked = ReviewSummary.objects.select_for_update().select_related("review").get(pk=summary.pk)
    if not has_perm(user, Perm.LIBRARY_MODERATE, locked.site_id):
        raise PermissionDenied
    if locked.submitted_by_id == user.pk:
        raise LibraryError(gettext("Another moderator decides on what you submitted yourself."))
    if locked.status != VersionStatus.SUBMITTED:
        raise LibraryError(
            gettext("This summary has already been moderated: %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _audit_summary(
    audit: AuditContext | None, user, action: str, summary: ReviewSummary, perm: Perm, detail: dict
) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=action,
        obj=summary,
        site_id=summary.site_id,
        purpose=PURPOSES[perm],
        detail={"case_review": summary.review_id, **detail},
    )
