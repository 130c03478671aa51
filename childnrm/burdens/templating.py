"""A "Log time" link on a decision, a safeguarding plan or an information request, shown only to those who may
log time on its case (the pages' own apps sit below this one and cannot ask).

`{{ time_log_link(decision) }}`, `{{ time_log_link(plan) }}` or `{{ time_log_link(info_request) }}`.
Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils.translation import gettext
from markupsafe import Markup

from childnrm.burdens.selectors import case_worked_on, cases_worked_on, plan_case_worked_on
from childnrm.decisions.models import Decision
from childnrm.information.models import InformationRequest
from childnrm.kit.jinja2 import render_include
from childnrm.referrals.models import Referral
from childnrm.safeguarding.models import SafeguardingPlan


def _subject(record: Any) -> tuple[str, str] | None:
    """(key, the link's words) for a record time can be logged against."""
    if isinstance(record, Decision):
        return f"decision-{record.pk}", gettext("Log time you spent on this decision")
    if isinstance(record, InformationRequest):
        return f"information-{record.pk}", gettext("Log time you spent on this information request")
    if isinstance(record, SafeguardingPlan):
        return f"plan-{record.pk}", gettext("Log time you spent on this plan")
    return None


def _case(user: Any, record: Any) -> Referral | None:
    """The record's case, if the user works on it: a plan's is its decision's case, else the child's latest case
    the user works on (`plan_case_worked_on`)."""
    if isinstance(record, SafeguardingPlan):
        return plan_case_worked_on(user, record)
    loaded = _case_read_with(record)
    if loaded is not None:
        return case_worked_on(user, loaded)
    return cases_worked_on(user).filter(pk=record.referral_id).order_by("-submitted_at", "-pk").first()


def _case_read_with(record: Any) -> Referral | None:
    """The decision's or the information request's case when the page read it with the record (a decision's page
    does), so that whether the user works on it needs no query of its own; else None."""
    if isinstance(record, Decision | InformationRequest) and type(record).referral.is_cached(record):
        return record.referral
    return None


@jinja2.pass_context
def time_log_link(context: jinja2.runtime.Context, record: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    subject = _subject(record)
    if user is None or subject is None:
        return Markup("")
    key, words = subject
    referral = _case(user, record)
    if referral is None:
        return Markup("")
    return render_include(context, "burdens/includes/log_link.html", {"referral": referral, "key": key, "words": words})
