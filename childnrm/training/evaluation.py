"""A course's evaluation: how people's own ratings of their knowledge and confidence changed.

For each question, each person who answered both before the session and later (just after; three months
after) gives one paired difference (later minus before, on the 1-5 scale). The page shows the mean change
with a 95% paired t interval: mean ± t(0.975, n-1) * sd / √n, where sd is the sample standard deviation
of the differences (the interval scipy's `ttest_rel(...).confidence_interval()` gives). A t interval, not a
bootstrap: with the handful to a few dozen pairs a course has, a bootstrap's interval is too narrow and
changes from run to run; the t interval is exact for normal differences and robust enough for means of
bounded scores.

Disclosure control (kit.disclosure): counts are rounded to the nearest 5 and those from 1 to 4 suppressed;
response rates need at least 10 people asked; a change (its means and interval) is shown only from at least
5 paired responses. Only people recorded as attending are counted. Figures are computed from one query of
the course's answers (a course has at most a few hundred attendees).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext
from scipy.stats import t as student_t

from childnrm.kit.disclosure import (
    DEFAULT_RULES,
    Cell,
    DisclosureRules,
    protect_count,
    protect_measure,
    protect_published_rate,
)
from childnrm.training import stages
from childnrm.training.models import Attendance, Course, CourseQuestion, QuestionKind, SelfAssessmentAnswer, Stage

CHANGE_MIN_PAIRS = 5
COUNT_RULES = DEFAULT_RULES  # ONS defaults: suppress 1-4, round to 5, rates from 10 asked
# A mean change is shown from 5 paired responses (the counts stay rounded and suppressed by COUNT_RULES).
CHANGE_RULES = DisclosureRules(threshold=COUNT_RULES.threshold, rounding=1, min_denominator=CHANGE_MIN_PAIRS)
CONFIDENCE_LEVEL = 0.95


@dataclass(frozen=True)
class Change:
    """The paired change of one question between two stages, unprotected (for computing and testing)."""

    pairs: int
    mean_before: float | None
    mean_later: float | None
    mean: float | None  # the mean of the differences (later - before)
    low: float | None  # the 95% interval of that mean
    high: float | None


def paired_change(pairs: list[tuple[int, int]]) -> Change:
    """(before, later) scores of each person -> the mean change and its 95% paired t interval."""
    n = len(pairs)
    if n == 0:
        return Change(0, None, None, None, None, None)
    differences = [later - before for before, later in pairs]
    mean = statistics.fmean(differences)
    before_mean = statistics.fmean(b for b, _ in pairs)
    later_mean = statistics.fmean(later for _, later in pairs)
    if n < 2:
        return Change(n, before_mean, later_mean, mean, None, None)
    half_width = student_t.ppf(0.5 + CONFIDENCE_LEVEL / 2, n - 1) * statistics.stdev(differences) / math.sqrt(n)
    return Change(n, before_mean, later_mean, mean, mean - half_width, mean + half_width)


def _signed(cell: Cell) -> str:
    return f"{cell.value:+.1f}" if isinstance(cell.value, float) and not cell.suppressed else str(cell)


@dataclass(frozen=True)
class QuestionChange:
    question: CourseQuestion
    change: Change
    pairs: Cell
    mean_before: Cell
    mean_later: Cell
    mean: Cell
    low: Cell
    high: Cell

    @property
    def mean_text(self) -> str:
        return _signed(self.mean)

    @property
    def interval_text(self) -> str:
        if self.low.value is None or self.high.value is None:
            return str(self.low)
        return gettext("%(low)s to %(high)s") % {"low": _signed(self.low), "high": _signed(self.high)}


def _protected(question: CourseQuestion, change: Change) -> QuestionChange:
    def measure(value: float | None) -> Cell:
        return protect_measure(value, change.pairs, CHANGE_RULES)

    return QuestionChange(
        question=question,
        change=change,
        pairs=protect_count(change.pairs, COUNT_RULES),
        mean_before=measure(change.mean_before),
        mean_later=measure(change.mean_later),
        mean=measure(change.mean),
        low=measure(change.low),
        high=measure(change.high),
    )


@dataclass(frozen=True)
class StageResponses:
    stage: str
    label: str
    asked: int  # people recorded as attending whose self-assessment has opened
    answered: int
    asked_cell: Cell
    answered_cell: Cell
    rate: Cell


@dataclass(frozen=True)
class CourseEvaluation:
    course: Course
    sessions_held: int
    attended: Cell
    responses: list[StageResponses]
    after: list[QuestionChange]  # before -> just after, per question
    three_months: list[QuestionChange]  # before -> three months after
    count_rules: DisclosureRules = COUNT_RULES

    def questions_of(self, changes: list[QuestionChange], kind: str) -> list[QuestionChange]:
        return [c for c in changes if c.question.kind == kind]

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return list(QuestionKind.choices)


def course_evaluation(course: Course, today: date) -> CourseEvaluation:
    attended = dict(
        Attendance.objects.filter(session__course=course, attended=True, session__on__lte=today).values_list(
            "pk", "session__on"
        )
    )
    # (attendance, stage) -> {question: score}
    answers: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for question_id, attendance_id, stage, score in SelfAssessmentAnswer.objects.filter(
        assessment__attendance_id__in=list(attended)
    ).values_list("question_id", "assessment__attendance_id", "assessment__stage", "score"):
        answers[(attendance_id, stage)][question_id] = score

    responses = []
    for stage, label in Stage.choices:
        asked = [a for a, on in attended.items() if stages.window(on, stage).has_opened(today)]
        answered = sum((a, stage) in answers for a in asked)
        asked_cell, answered_cell = protect_count(len(asked), COUNT_RULES), protect_count(answered, COUNT_RULES)
        responses.append(
            StageResponses(
                stage=stage,
                label=label,
                asked=len(asked),
                answered=answered,
                asked_cell=asked_cell,
                answered_cell=answered_cell,
                # From the counts shown beside it (a rate of the true counts would give them back).
                rate=protect_published_rate(
                    answered, len(asked), COUNT_RULES, shown_numerator=answered_cell, shown_denominator=asked_cell
                ),
            )
        )

    questions = list(course.questions.order_by("position"))

    def changes(later: str) -> list[QuestionChange]:
        rows = []
        for q in questions:
            pairs = [
                (answers[(a, Stage.BEFORE)][q.pk], answers[(a, later)][q.pk])
                for a in attended
                if q.pk in answers.get((a, Stage.BEFORE), {}) and q.pk in answers.get((a, later), {})
            ]
            rows.append(_protected(q, paired_change(pairs)))
        return rows

    return CourseEvaluation(
        course=course,
        sessions_held=course.sessions.filter(on__lte=today).count(),
        attended=protect_count(len(attended), COUNT_RULES),
        responses=responses,
        after=changes(Stage.AFTER),
        three_months=changes(Stage.THREE_MONTHS),
    )
