"""Scoped reads of the child's feedback: the only way views reach feedback sessions and their answers.

Who sees a child's feedback:
- the child's guardian and lead social worker (a people.ChildAssociation in force, `associations_in_force`: its
  holder still holds the guardian's or a social worker's role at the child's site; and FEEDBACK_GATHER there):
  they start sessions with the child and see the answers;
- the site's coordinator (FEEDBACK_VIEW_SITE), read-only.
The summary (`feedback_summary`) holds counts only, each protected by kit.disclosure: the coordinator sees their
sites', analysts (STATISTICS_VIEW) too. Everything else answers 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.feedback import wording
from childnrm.feedback.models import FeedbackSession, Scale
from childnrm.kit.disclosure import DEFAULT_RULES, Cell, DisclosureRules, protect_published_rate, protect_table
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force

# The associations that make someone a gatherer of a child's feedback: the people who sit with the child.
GATHERER_KINDS = (AssociationKind.ICTG, AssociationKind.LEAD_SOCIAL_WORKER)


def _gatherer_of(user) -> Exists:
    # Only while they hold the guardian's or a social worker's role at the child's site (people.selectors).
    return Exists(
        ChildAssociation.objects.filter(associations_in_force(GATHERER_KINDS), child=OuterRef("pk"), user=user)
    )


def gathering_children(user) -> QuerySet[Child]:
    """Children the user gathers feedback with: their guardian or lead social worker, at the child's site."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    sites = sites_where(user, Perm.FEEDBACK_GATHER)
    if not sites:
        return Child.objects.none()
    return Child.objects.filter(_gatherer_of(user), site_id__in=sites)


def feedback_children(user) -> QuerySet[Child]:
    """Children whose feedback the user may see: those they gather it with, and every child of a site they oversee."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    scope = Q(site_id__in=sites_where(user, Perm.FEEDBACK_VIEW_SITE))
    gather_sites = sites_where(user, Perm.FEEDBACK_GATHER)
    if gather_sites:
        scope |= Q(_gatherer_of(user), site_id__in=gather_sites)
    return Child.objects.filter(scope)


def may_gather(user, child: Child) -> bool:
    return gathering_children(user).filter(pk=child.pk).exists()


def started_as(user, child: Child) -> str:
    """What the user is to the child, recorded with the session they start (guardian first)."""
    kinds = set(
        ChildAssociation.objects.filter(associations_in_force(GATHERER_KINDS), child=child, user=user).values_list(
            "kind", flat=True
        )
    )
    return next((k for k in GATHERER_KINDS if k in kinds), "")


def purpose_for(user, child: Child) -> str:
    if may_gather(user, child):
        return PURPOSES[Perm.FEEDBACK_GATHER]
    return PURPOSES[Perm.FEEDBACK_VIEW_SITE]


def child_get(user, reference: str) -> Child:
    child = feedback_children(user).select_related("site").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def child_for_gathering(user, reference: str) -> Child:
    child = gathering_children(user).select_related("site").filter(reference=reference).first()
    if child is None:
        raise Http404
    return child


def sessions_of(child: Child) -> QuerySet[FeedbackSession]:
    return (
        FeedbackSession.objects.filter(child=child)
        .select_related("started_by", "decision")
        .order_by("-started_at", "-id")
    )


def session_for_starter(user, session_id: int) -> FeedbackSession:
    """A session the user started, of a child they still gather feedback with: its code is theirs to show."""
    session = (
        FeedbackSession.objects.select_related("child", "child__site")
        .filter(pk=session_id, started_by=user, child__in=gathering_children(user))
        .first()
    )
    if session is None:
        raise Http404
    return session


def user_site_ids(user) -> list[int]:
    """Sites the user belongs to (any active role): a signed-in person on the child's device must be of its site."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(set(user.memberships.filter(active=True, site__active=True).values_list("site_id", flat=True)))


# The summary -------------------------------------------------------------------------------------------


def summary_site_ids(user) -> list[int]:
    """Sites whose feedback summary the user may see: sites they oversee, and sites they analyse."""
    return sorted(set(sites_where(user, Perm.FEEDBACK_VIEW_SITE)) | set(sites_where(user, Perm.STATISTICS_VIEW)))


def may_see_summary(user, site_id: int) -> bool:
    return has_perm(user, Perm.FEEDBACK_VIEW_SITE, site_id) or has_perm(user, Perm.STATISTICS_VIEW, site_id)


@dataclass(frozen=True)
class AnswerCount:
    value: str
    words: str
    count: Cell
    percent: Cell


@dataclass(frozen=True)
class QuestionSummary:
    name: str
    question: str
    answers: list[AnswerCount]
    total: Cell


@dataclass(frozen=True)
class FeedbackSummary:
    start: date
    end: date
    answered: Cell
    questions: list[QuestionSummary]
    rules: str  # the disclosure rules in plain words, for the page's footnote


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def feedback_summary(site_ids: list[int], start: date, end: date) -> FeedbackSummary:
    """How many children gave each answer, at the sites, answered from `start` to `end` (both included).

    Counts only, never the words the children wrote. Each question's answers are one line of a table with its
    total (kit.disclosure.protect_table): a count from 1 to 4 is suppressed, and so is another in the line
    where the total would give it away; shown counts are rounded to the nearest 5. A percentage is shown only
    where its count is shown and the base is large enough, worked out from the counts shown
    (protect_published_rate). The caller checks the user may see
    these sites (`summary_site_ids`).
    """
    answered = FeedbackSession.objects.filter(
        child__site_id__in=list(site_ids),
        answered_at__gte=_moment(start),
        answered_at__lt=_moment(end + timedelta(days=1)),
    )
    questions = []
    for question in wording.SCALE_QUESTIONS:
        rows = answered.order_by().values(question.name).annotate(n=Count("id")).values_list(question.name, "n")
        by_answer = dict(rows)
        counts = [by_answer.get(value, 0) for value in Scale.values]
        table = protect_table([counts])
        total = sum(counts)
        answers = []
        for value, n, cell in zip(Scale.values, counts, table.cells[0], strict=True):
            # From the counts shown: a percentage of the true counts beside rounded ones gives the true ones back,
            # and a withheld count's percentage is withheld with it.
            percent = protect_published_rate(n, total, shown_numerator=cell, shown_denominator=table.row_totals[0])
            answers.append(AnswerCount(value, wording.SCALE_WORDS[value], cell, percent))
        questions.append(QuestionSummary(question.name, question.text, answers, table.row_totals[0]))
    answered_total = questions[0].total if questions else Cell(0)
    return FeedbackSummary(start, end, answered_total, questions, rules_in_words(DEFAULT_RULES))


def rules_in_words(rules: DisclosureRules) -> str:
    """The rules as `rules.describe()` says them, in the page's language: the kit's words stay English, for the
    statistics' exports, so the summary's footnote is one translatable sentence of its own."""
    if rules.threshold <= 1 or rules.rounding <= 1:
        return rules.describe()
    return gettext(
        "Counts from 1 to %(largest)s are suppressed and shown as [c], with further cells suppressed where a total "
        "would let a suppressed count be worked out; all other counts, totals included, are rounded to the nearest "
        "%(rounding)s; rates, averages and times are shown only where they are based on at least %(base)s cases "
        "([low] otherwise), and a rate is not shown where it would give back a suppressed count."
    ) % {"largest": rules.threshold - 1, "rounding": rules.rounding, "base": rules.min_denominator}
