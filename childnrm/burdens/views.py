"""Pages of new burdens: your time on cases, a case's time, logging time, sittings' lengths, the site's hourly
rates and the cost of the panel.

Thin views: parse, call a service or selector, render. Pages about a case write an audit event; changes are
audited in their services. The cost page shows totals only, disclosure-controlled (kit.disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.access.roles import Role
from childnrm.accounts import nations
from childnrm.accounts import selectors as account_selectors
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.burdens import selectors, services
from childnrm.burdens.forms import RatesForm, SittingDurationForm, TimeEntryForm, pounds
from childnrm.burdens.models import (
    COSTED_ROLES,
    DEFAULT_SALARIES,
    HOURS_A_YEAR,
    ON_COSTS,
    HourlyRate,
    default_salary_who,
)
from childnrm.kit.disclosure import CONFIDENTIAL, DEFAULT_RULES, Cell, protect_count, protect_measure, protect_table
from childnrm.panels.models import AgendaItem, Meeting
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import Referral

PAGE_SIZE = 25
LOG_PURPOSE = PURPOSES[Perm.TIME_LOG]


def hours_and_minutes(minutes: float) -> str:
    """'1 hour 30 minutes', '45 minutes', '0 minutes'."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if hours and rest:
        return gettext("%(hours)s %(minutes)s") % {"hours": _hours(hours), "minutes": _minutes(rest)}
    return _hours(hours) if hours else _minutes(rest)


def _hours(hours: int) -> str:
    return ngettext("%(num)s hour", "%(num)s hours", hours) % {"num": f"{hours:,}"}


def _minutes(minutes: int) -> str:
    return ngettext("%(num)s minute", "%(num)s minutes", minutes) % {"num": minutes}


def _anonymised(referral: Referral) -> str:
    """Why no more time is logged on the case, if retention anonymised it (its time logged stays in the figures)."""
    return case_anonymised_message(referral) if case_anonymised(referral) else ""


def _case_view_audit(request: HttpRequest, referral: Referral, page: str, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=referral,
        site_id=referral.site_id,
        purpose=LOG_PURPOSE,
        detail={"page": page, **detail},
    )


# Your time on cases ------------------------------------------------------------------------------------------


@requires(Perm.TIME_LOG)
def my_time(request: HttpRequest) -> HttpResponse:
    cases = (
        selectors.cases_worked_on(request.user)
        .select_related("child", "site")
        .annotate(logged=Sum("time_entries__minutes", filter=Q(time_entries__user=request.user)))
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = list(selectors.entries_by(request.user)[:10])
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Referral._meta.label_lower,
        purpose=LOG_PURPOSE,
        detail={"page": "your time", "ids": [c.pk for c in page.object_list]},
    )
    return render(
        request,
        "burdens/mine.html",
        {"page": page, "recent": recent, "hours_and_minutes": hours_and_minutes},
    )


# A case's time -----------------------------------------------------------------------------------------------


@requires(Perm.TIME_LOG)
def case_time(request: HttpRequest, burden_case_reference: str) -> HttpResponse:
    referral = selectors.case_for_logging(request.user, burden_case_reference)
    everyone = selectors.sees_every_case(request.user, referral)
    people = selectors.time_on_case(referral) if everyone else []
    entries = list(selectors.entries_on_case(request.user, referral)[:200])
    _case_view_audit(request, referral, "time on the case", entries=[e.pk for e in entries])
    return render(
        request,
        "burdens/case.html",
        {
            "referral": referral,
            "child": referral.child,
            "everyone": everyone,
            "people": people,
            "total_minutes": sum(p.minutes for p in people),
            "total_pence": sum(p.cost_pence for p in people),
            "entries": entries,
            "anonymised": _anonymised(referral),
            "roles": nations.role_labels(dict(Role.choices), referral.site),
            "hours_and_minutes": hours_and_minutes,
            "pounds": pounds,
        },
    )


@requires(Perm.TIME_LOG)
def time_log(request: HttpRequest, burden_case_reference: str) -> HttpResponse:
    referral = selectors.case_for_logging(request.user, burden_case_reference)
    # An anonymised case: the page says why instead of offering the form, and a form sent anyway saves nothing.
    anonymised = _anonymised(referral)
    subjects = [] if anonymised else selectors.subjects_for(request.user, referral)
    chosen = request.GET.get("for", "")
    initial = {"subject": chosen} if chosen in {s.key for s in subjects} else {}
    posted = request.method == "POST" and not anonymised
    form = TimeEntryForm(request.POST if posted else None, subjects=subjects, initial=initial)
    if posted and form.is_valid():
        try:
            entry = services.time_entry_log(
                referral=referral,
                user=request.user,
                subject_key=form.cleaned_data["subject"],
                worked_on=form.cleaned_data["worked_on"],
                minutes=form.total_minutes(),
                activity=form.cleaned_data["activity"],
                note=form.cleaned_data["note"],
                audit=AuditContext.from_request(request),
            )
        except services.BurdenError as problem:
            form.add_service_error(problem)
        else:
            messages.success(
                request,
                gettext("%(time)s logged on case %(reference)s")
                % {"time": hours_and_minutes(entry.minutes), "reference": referral.reference},
            )
            return redirect("burdens:case", burden_case_reference=referral.reference)
    _case_view_audit(request, referral, "log time")
    return render(
        request,
        "burdens/log.html",
        {"referral": referral, "child": referral.child, "form": form, "subjects": subjects, "anonymised": anonymised},
    )


# Sittings' lengths -------------------------------------------------------------------------------------------


@requires(Perm.PANEL_MANAGE)
def sittings(request: HttpRequest) -> HttpResponse:
    meetings = selectors.held_sittings_for(request.user).order_by("-starts_at", "-pk")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "meeting": m,
            "recorded": selectors.recorded_minutes(m),
            "derived": selectors.derived_minutes(m),
            "counts": selectors.sitting_minutes(m),
        }
        for m in page.object_list
    ]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Meeting._meta.label_lower,
        purpose=services.SITTING_PURPOSE,
        detail={"page": "sittings' lengths", "ids": [m.pk for m in page.object_list]},
    )
    return render(
        request,
        "burdens/sittings.html",
        {"page": page, "rows": rows, "hours_and_minutes": hours_and_minutes, "several_sites": _several(request)},
    )


def _several(request: HttpRequest) -> bool:
    return len(sites_where(request.user, Perm.PANEL_MANAGE)) > 1


@requires(Perm.PANEL_MANAGE)
def sitting(request: HttpRequest, burden_meeting_id: int) -> HttpResponse:
    meeting = selectors.sitting_for_duration(request.user, burden_meeting_id)
    recorded = selectors.recorded_minutes(meeting)
    initial = {"hours": recorded // 60, "minutes": recorded % 60} if recorded else {}
    form = SittingDurationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sitting_duration_record(
                meeting=meeting,
                user=request.user,
                minutes=form.total_minutes(),
                audit=AuditContext.from_request(request),
            )
        except services.BurdenError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("How long the sitting lasted is saved"))
            return redirect("burdens:sittings")
    return render(
        request,
        "burdens/sitting.html",
        {
            "meeting": meeting,
            "form": form,
            "derived": selectors.derived_minutes(meeting),
            "present": meeting.attendees.filter(present=True).count(),
            "cases": AgendaItem.objects.filter(meeting=meeting).count(),
            "hours_and_minutes": hours_and_minutes,
        },
    )


# Hourly rates ------------------------------------------------------------------------------------------------


@requires(Perm.SITE_POLICY_MANAGE)
def rates_index(request: HttpRequest) -> HttpResponse:
    sites = list(account_selectors.sites_with_policy_for(request.user))
    if len(sites) == 1:
        return redirect("burdens:site-rates", site_slug=sites[0].slug)
    return render(request, "burdens/rates_index.html", {"sites": sites})


@requires(Perm.SITE_POLICY_MANAGE)
def site_rates(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = account_selectors.site_for_policy_admin(request.user, site_slug)
    own = {r.role: r.pence for r in HourlyRate.objects.filter(site=site)}
    initial = {f"rate_{role}": f"{pence / 100:.2f}" for role, pence in own.items()}
    form = RatesForm(request.POST if request.method == "POST" else None, initial=initial, where=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.rates_set(
                site=site, user=request.user, rates=form.rates(), audit=AuditContext.from_request(request)
            )
        except services.BurdenError as problem:
            form.add_service_error(problem)
        else:
            messages.success(request, gettext("Hourly rates saved"))
            return redirect("burdens:site-rates", site_slug=site.slug)
    in_force = selectors.site_rates([site.pk])[site.pk]
    rows = [
        {
            "role": nations.role_label(role, site),
            "in_force": pounds(in_force[role]),
            "own": role in own,
            "salary": f"£{DEFAULT_SALARIES[role][0]:,}",
            "who": default_salary_who(role, site),
        }
        for role in COSTED_ROLES
    ]
    return render(
        request,
        "burdens/rates.html",
        {
            "site": site,
            "form": form,
            "rows": rows,
            "on_costs": round(ON_COSTS * 100),
            "hours_a_year": f"{HOURS_A_YEAR:,}",
        },
    )


# The cost of the panel ---------------------------------------------------------------------------------------

PILOT_START = date(2021, 4, 1)  # the quarter the devolved decision-making pilot began in (June 2021)


@dataclass(frozen=True)
class ShownRow:
    """A row of the cost page after disclosure control: each figure a Cell (withheld or shown)."""

    label: str
    cases: Cell
    hours: Cell
    cost: Cell
    per_case: Cell


def _amount(value: float, hidden: bool, digits: int = 0) -> Cell:
    """Hours or pounds: withheld where the cases behind them are, else rounded (pounds to the pound)."""
    if hidden:
        return Cell(None, True, CONFIDENTIAL)
    return Cell(round(value, digits) if digits else round(value), False, "")


def _per_case(pence: int, cases: int, hidden: bool) -> Cell:
    if hidden:
        return Cell(None, True, CONFIDENTIAL)
    return protect_measure(pence / 100 / cases if cases else None, cases, DEFAULT_RULES)


Figures = tuple[str, int, float, int]  # label, cases, person-minutes, pence


def protect_rows(rows: list[Figures], total: Figures) -> tuple[list[ShownRow], ShownRow]:
    """Rows of (label, cases, minutes, pence) and their total, as shown: case counts suppressed and rounded, with
    secondary suppression down the column so that the total gives no suppressed row away; a row's hours and cost
    withheld wherever its case count is; cost per case only where it averages enough cases."""
    shown: list[ShownRow] = []
    total_hidden_by_rows = False
    if rows:
        table = protect_table([[cases] for _, cases, _, _ in rows], DEFAULT_RULES)
        for (label, cases, minutes, pence), (count,) in zip(rows, table.cells, strict=True):
            hidden = count.suppressed
            shown.append(
                ShownRow(
                    label,
                    count,
                    _amount(minutes / 60, hidden, 1),
                    _amount(pence / 100, hidden),
                    _per_case(pence, cases, hidden),
                )
            )
        total_hidden_by_rows = bool(table.column_totals and table.column_totals[0].suppressed)
    label, cases, minutes, pence = total
    count = protect_count(cases, DEFAULT_RULES)
    hidden = count.suppressed or total_hidden_by_rows
    if hidden:
        count = Cell(None, True, CONFIDENTIAL)
    total_row = ShownRow(
        label, count, _amount(minutes / 60, hidden, 1), _amount(pence / 100, hidden), _per_case(pence, cases, hidden)
    )
    return shown, total_row


def _roles_together(roles: list[selectors.RoleTime], nation_of: dict[int, str]) -> list[tuple[str, float, int]]:
    """The chosen panels' time per role, added up across sites, in the costed roles' order: (the role's name, minutes,
    pence). A role is named as each site's nation names it (the guardian), so panels of nations naming it differently
    are added up in a row each."""
    added: dict[tuple[str, str], list[float]] = {}
    for r in roles:
        row = added.setdefault((r.role, nations.role_label(r.role, nation_of.get(r.site_id))), [0.0, 0, 0])
        row[0] += r.sitting_minutes
        row[1] += r.logged_minutes
        row[2] += r.cost_pence
    order = {role: i for i, role in enumerate(COSTED_ROLES)}
    return [
        (label, v[0] + v[1], int(v[2]))
        for (_role, label), v in sorted(added.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][1]))
    ]


def _quarter_choices(today: date) -> list[tuple[str, str]]:
    quarters = selectors.quarters_between(PILOT_START, today)
    return [(q.isoformat(), selectors.quarter_label(q)) for q in reversed(quarters)]


@requires(Perm.COSTS_VIEW)
def costs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sites = selectors.cost_sites_for(request.user)
    choices = _quarter_choices(today)
    valid = {value for value, _ in choices}
    default_to = choices[0][0]
    default_from = choices[min(3, len(choices) - 1)][0]  # the last four quarters
    start_key = request.GET.get("from") if request.GET.get("from") in valid else default_from
    end_key = request.GET.get("to") if request.GET.get("to") in valid else default_to
    first, last = date.fromisoformat(start_key), date.fromisoformat(end_key)
    if first > last:
        first, last = last, first
        start_key, end_key = end_key, start_key
    start, end = first, min(selectors.quarter_end(last), today)
    chosen_site = request.GET.get("site", "")
    by_slug = {s.slug: s for s in sites}
    chosen = [by_slug[chosen_site]] if chosen_site in by_slug else sites
    ids = [s.pk for s in chosen]
    names = {s.pk: s.name for s in sites}

    per_site = selectors.costs_by_site(ids, start, end)
    quarters = selectors.costs_by_quarter(ids, start, end)
    roles = selectors.time_by_role(ids, start, end)

    period: Figures = (
        gettext("The whole period"),
        sum(c.cases for c in per_site),
        sum(c.minutes for c in per_site),
        sum(c.cost_pence for c in per_site),
    )
    site_rows, site_total = protect_rows(
        [(names[c.site_id], c.cases, c.minutes, c.cost_pence) for c in per_site], (gettext("All panels"), *period[1:])
    )
    # The quarters of the chosen panels together (a case with time in two quarters is in both).
    by_quarter: dict[date, list[float]] = {}
    for q in quarters:
        row = by_quarter.setdefault(q.quarter, [0, 0.0, 0])
        row[0] += q.cases
        row[1] += q.minutes
        row[2] += q.cost_pence
    quarter_rows, quarter_total = protect_rows(
        [(selectors.quarter_label(q), int(v[0]), v[1], int(v[2])) for q, v in sorted(by_quarter.items())], period
    )
    # Time by role describes every case chosen: withheld with the period's total.
    all_hidden = site_total.cases.suppressed
    nation_of = {s.pk: s.nation for s in sites}
    role_rows = [
        (label, _amount(minutes / 60, all_hidden, 1), _amount(pence / 100, all_hidden))
        for label, minutes, pence in _roles_together(roles, nation_of)
    ]
    without = sum(c.sittings_without_length for c in per_site)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        object_type="burdens.costs",
        purpose=PURPOSES[Perm.COSTS_VIEW],
        detail={"sites": ids, "from": start.isoformat(), "to": end.isoformat()},
    )
    return render(
        request,
        "burdens/costs.html",
        {
            "sites": sites,
            "chosen_site": chosen_site if chosen_site in by_slug else "",
            "choices": choices,
            "start_key": start_key,
            "end_key": end_key,
            "start": start,
            "end": end,
            "site_rows": site_rows,
            "site_total": site_total,
            "quarter_rows": quarter_rows,
            "quarter_total": quarter_total,
            "role_rows": role_rows,
            "sittings_counted": sum(c.sittings for c in per_site),
            "sittings_without": without,
            "rules": DEFAULT_RULES,
            "may_record_lengths": any(has_perm(request.user, Perm.PANEL_MANAGE, s) for s in ids),
            "may_set_rates": any(has_perm(request.user, Perm.SITE_POLICY_MANAGE, s) for s in ids),
        },
    )
