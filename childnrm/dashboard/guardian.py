"""Your next steps: what is due for a guardian's (ICTG) children, on their home page.

A guardian with several children sees, for each child whose allocation is in force (people.selectors.
associations_in_force: they hold the guardian's role at the child's active site), what needs them, each linking to
the page where it is done:

- decisions to explain to the child: final decisions nobody has recorded explaining yet
  (`letters.selectors.decisions_to_explain`: the guardian records who explained it, `letters:explanation-add`);
- outcome reviews overdue or due soon: not yet recorded, and open (from `REVIEW_OPENS_DAYS` before they are due, as
  the outcomes app reminds their owners; `outcomes:review`);
- missing children and return home interviews (domain step 15): a child missing now (record their return), and an
  interview awaited, due within 72 hours of the return (`outcomes.selectors.INTERVIEW_AWAITED`;
  `outcomes:missing-edit`);
- the child's feedback to gather: their newest final decision has been explained to them and no feedback about it
  has been answered (ADR 0022: gathered with the child after the decision is explained, about the newest final
  decision, as `feedback.services.session_start` takes it; `feedback:child`, where a session is started).

Each list is one statement however many children the guardian has (no statement per child), reading up to
`COUNT_CAP` + 1 rows as the dashboard's sections do (ADR 0024, 0033): a list of more says "more than 100". Only those
holding the guardian's role at an active site get the lists, and each list is limited to the sites where its page
opens to them. Showing them is audited with the records shown, as the dashboard's lists are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, F, Model, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm, active_memberships, sites_where
from childnrm.accounts.models import Role
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.dashboard import clocks
from childnrm.dashboard.tags import COUNT_CAP, due_tag, since_tag
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.feedback.models import FeedbackSession
from childnrm.kit.dates import long_date
from childnrm.kit.links import path_maker
from childnrm.letters import selectors as letter_selectors
from childnrm.letters.models import DecisionExplanation
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.selectors import INTERVIEW_AWAITED, MISSING_NOW
from childnrm.outcomes.services import REVIEW_OPENS_DAYS, interview_due_by
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force

PURPOSE = PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]


class StepKind:
    EXPLAIN = "explain-decision"
    OUTCOME_REVIEW = "outcome-review"
    FEEDBACK = "gather-feedback"
    MISSING = "missing-episode"


# Lazy: each page reads them in its own language.
STEP_LABELS = {
    StepKind.EXPLAIN: _("Decisions to explain to the child"),
    StepKind.OUTCOME_REVIEW: _("Outcome reviews overdue or due soon"),
    StepKind.MISSING: _("Missing children and return home interviews"),
    StepKind.FEEDBACK: _("Feedback to gather from the child"),
}


@dataclass(frozen=True)
class Step:
    """One thing due for one child: a task list item that links to where it is done."""

    object_type: str  # app_label.model, as in the audit trail
    object_id: str
    href: str
    child_reference: str
    child_name: str
    hint: str
    status: str
    status_class: str  # the status's tag class; "" for plain text
    more: str = ""  # a second line of the hint

    @property
    def key(self) -> str:
        return f"{self.object_type.replace('.', '-')}-{self.object_id}"

    @property
    def child_label(self) -> str:
        """The child as the dashboard names them: their name, and the reference of their record."""
        return f"{self.child_name} ({self.child_reference})" if self.child_name else self.child_reference


@dataclass(frozen=True)
class StepList:
    kind: str
    count: int
    capped: bool  # more than `count`
    steps: list[Step] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.kind])


@dataclass(frozen=True)
class NextSteps:
    lists: list[StepList]  # only the lists with something in them, in the page's order

    @property
    def empty(self) -> bool:
        return not self.lists


def guardian_site_ids(user) -> list[int]:
    """The active sites where the user holds the guardian's role (read with their permissions: no statement)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted({m.site_id for m in active_memberships(user) if m.role == Role.ICTG and m.site.active})


def _guardian_of(user, child: str) -> Exists:
    """The user is the guardian of the child at `child` (a column of the outer query) while it is in force."""
    return Exists(
        ChildAssociation.objects.filter(
            associations_in_force((AssociationKind.ICTG,)), child_id=OuterRef(child), user_id=user.pk
        )
    )


# The lists: one statement each ---------------------------------------------------------------------------


def reviews_due(user, today: date) -> QuerySet[OutcomeReview]:
    """Outcome reviews of the guardian's children not yet recorded and open now (overdue, or due within
    `REVIEW_OPENS_DAYS`), at the sites where they record them: soonest due first."""
    return OutcomeReview.objects.filter(
        _guardian_of(user, "child_id"),
        child__site_id__in=sites_where(user, Perm.OUTCOME_RECORD),
        recorded_at__isnull=True,
        due_on__lte=today + timedelta(days=REVIEW_OPENS_DAYS),
    ).order_by("due_on", "id")


def missing_to_follow_up(user) -> QuerySet[MissingEpisode]:
    """The guardian's children missing now (longest missing first), then their return home interviews awaited
    (soonest due first), at the sites where they record them."""
    return MissingEpisode.objects.filter(
        MISSING_NOW | INTERVIEW_AWAITED,
        _guardian_of(user, "child_id"),
        child__site_id__in=sites_where(user, Perm.OUTCOME_RECORD),
    ).order_by(F("ended_on").asc(nulls_first=True), "started_on", "id")


def feedback_to_gather(user) -> QuerySet[Child]:
    """The guardian's children, at the sites where they gather feedback, whose newest final decision has been
    explained to them and has no feedback answered about it: longest since it was explained first, each with that
    decision (`decision_id`) and when it was explained (`explained_on`)."""
    newest = Decision.objects.filter(referral__child_id=OuterRef("pk"), status=DecisionStatus.FINAL).order_by(
        "-decided_on", "-id"
    )
    explained = DecisionExplanation.objects.filter(decision_id=OuterRef("decision_id")).order_by("-explained_on")
    answered = FeedbackSession.objects.filter(decision_id=OuterRef("decision_id"), answered_at__isnull=False)
    return (
        Child.objects.filter(_guardian_of(user, "pk"), site_id__in=sites_where(user, Perm.FEEDBACK_GATHER))
        .annotate(decision_id=Subquery(newest.values("pk")[:1]))
        .annotate(explained_on=Subquery(explained.values("explained_on")[:1]))
        .filter(explained_on__isnull=False)
        .filter(~Exists(answered))
        .order_by("explained_on", "id")
    )


# Reading them -----------------------------------------------------------------------------------------------


def _step_list(kind: str, rows: QuerySet, step: Callable[[dict], Step]) -> StepList:
    """The list of `kind`: a step for each of the first `COUNT_CAP` rows of a `values()` queryset, how many (up to
    the cap) and whether there are more, in its one statement (it reads one row past the cap)."""
    found = list(rows[: COUNT_CAP + 1])
    shown = found[:COUNT_CAP]
    return StepList(kind, len(shown), len(found) > COUNT_CAP, [step(row) for row in shown])


def _step(model: type[Model], row: dict, child: str, **shown: str) -> Step:
    """The step for one row about `model`: the child read from the row's columns under `child` ("" where the row is
    the child's, "child__" or "referral__child__" where it is about them)."""
    names = (row[f"{child}given_names"], row[f"{child}family_name"])
    return Step(
        object_type=model._meta.label_lower,
        object_id=str(row["pk"]),
        child_reference=row[f"{child}reference"],
        child_name=" ".join(p for p in names if p),  # as Child.display_name
        **shown,
    )


def _columns(child: str) -> tuple[str, ...]:
    return tuple(f"{child}{column}" for column in ("reference", "given_names", "family_name"))


def _explain_steps(user, today: date) -> StepList:
    explain = path_maker("letters:explanation-add")
    no_letter = gettext("The letter for the child has not been produced yet.")

    def step(row: dict) -> Step:
        decided = row["decided_on"]
        status, status_class = since_tag((decided - today).days)
        hint = gettext("%(decision)s, decided %(day)s (referral %(reference)s)") % {
            "decision": clocks.decided_note(row),
            "day": long_date(decided),
            "reference": row["referral__reference"],
        }
        return _step(
            Decision,
            row,
            "referral__child__",
            href=explain(row["pk"]),
            hint=hint,
            more="" if row["child_letter"] else no_letter,
            status=status,
            status_class=status_class,
        )

    rows = letter_selectors.decisions_to_explain(user).values(*clocks.DECISION_COLUMNS, "child_letter")
    return _step_list(StepKind.EXPLAIN, rows, step)


def _review_steps(user, today: date) -> StepList:
    review = path_maker("outcomes:review")

    def step(row: dict) -> Step:
        status, status_class = due_tag((row["due_on"] - today).days)
        title = OutcomeReview(point=row["point"], months=row["months"]).title  # "6-month review", "Review at 18"
        hint = gettext("%(review)s, due %(day)s") % {"review": title, "day": long_date(row["due_on"])}
        return _step(
            OutcomeReview, row, "child__", href=review(row["pk"]), hint=hint, status=status, status_class=status_class
        )

    rows = reviews_due(user, today).values("pk", "point", "months", "due_on", *_columns("child__"))
    return _step_list(StepKind.OUTCOME_REVIEW, rows, step)


def _missing_steps(user, today: date) -> StepList:
    episode = path_maker("outcomes:missing-edit")
    missing = gettext("Missing"), "govuk-tag govuk-tag--red"

    def step(row: dict) -> Step:
        if row["ended_on"] is None:
            status, status_class = missing
            hint = gettext("Missing since %(day)s: record their return") % {"day": long_date(row["started_on"])}
        else:
            due = interview_due_by(MissingEpisode(ended_on=row["ended_on"]))
            assert due is not None
            status, status_class = due_tag((due - today).days)
            hint = gettext("Came back on %(back)s: return home interview due by %(due)s") % {
                "back": long_date(row["ended_on"]),
                "due": long_date(due),
            }
        return _step(
            MissingEpisode, row, "child__", href=episode(row["pk"]), hint=hint, status=status, status_class=status_class
        )

    rows = missing_to_follow_up(user).values("pk", "started_on", "ended_on", *_columns("child__"))
    return _step_list(StepKind.MISSING, rows, step)


def _feedback_steps(user, today: date) -> StepList:
    feedback = path_maker("feedback:child")

    def step(row: dict) -> Step:
        status, status_class = since_tag((row["explained_on"] - today).days)
        hint = gettext("Their decision was explained to them on %(day)s") % {"day": long_date(row["explained_on"])}
        return _step(
            Child, row, "", href=feedback(row["reference"]), hint=hint, status=status, status_class=status_class
        )

    rows = feedback_to_gather(user).values("pk", "explained_on", *_columns(""))
    return _step_list(StepKind.FEEDBACK, rows, step)


def next_steps_for(request: HttpRequest) -> NextSteps | None:
    """The guardian's next steps for their home page, audited; None for anyone who is no guardian at an active
    site (the home page then shows no such list)."""
    user = request.user
    if not guardian_site_ids(user):
        return None
    today = timezone.localdate()
    lists = [make(user, today) for make in (_missing_steps, _explain_steps, _review_steps, _feedback_steps)]
    shown = [found for found in lists if found.count]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Child._meta.label_lower,
        purpose=PURPOSE,
        detail={
            "page": "your next steps",
            "shown": {found.kind: [f"{s.object_type}:{s.object_id}" for s in found.steps] for found in lists},
        },
    )
    return NextSteps(shown)
