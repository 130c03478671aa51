"""Statistics pages: the NRM tables, equality monitoring, the pilot evaluation and consistency between panels,
each with the same filters, charts with their tables, and downloads of every table.

Thin views: read the filters, build the section's tables (report.build), render. Every page and every download
is audited with the filters used. Nothing here reaches a child's record: the tables hold protected counts only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childnrm.access.decorators import requires
from childnrm.access.policy import Perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit import i18n
from childnrm.kit.disclosure import DEFAULT_RULES
from childnrm.kit.downloads import download_response
from childnrm.statistics import exports, report, selectors, words
from childnrm.statistics.charts import charts_for
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.forms import FILTER_NAMES, StatisticsFilterForm, quarter_label
from childnrm.statistics.selectors import StatisticsFilters

VIEWERS = (Perm.STATISTICS_VIEW, Perm.STATISTICS_VIEW_SITE)
PAGES = {
    "nrm": ("statistics:index", _("NRM tables")),
    "disproportionality": ("statistics:equality", _("Equality monitoring")),
    "pilot": ("statistics:pilot", _("Pilot evaluation")),
    "consistency": ("statistics:consistency", _("Consistency between panels")),
}


def _form(request: HttpRequest) -> StatisticsFilterForm:
    sites = selectors.statistics_sites(request.user)
    if not sites:
        raise Http404  # holds the permission at no active site
    data = {name: request.GET[name] for name in FILTER_NAMES if name in request.GET}
    return StatisticsFilterForm(
        data or None,
        sites=sites,
        own_sites=selectors.own_statistics_sites(request.user, sites),
        every_pilot_site=selectors.sees_every_pilot_site(request.user),
    )


def _query(request: HttpRequest) -> str:
    """The filters as a query string, carried to the other pages and to the downloads."""
    pairs = [(name, request.GET[name]) for name in FILTER_NAMES if request.GET.get(name)]
    return urlencode(pairs)


def _audit(request: HttpRequest, action: str, object_type: str, filters: StatisticsFilters, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=action,
        object_type=object_type,
        purpose=selectors.purpose_for(request.user),
        detail={
            "sites": list(filters.site_ids),
            "from": filters.first.code,
            "to": filters.last.code,
            **{
                name: getattr(filters, name)
                for name in ("nationality", "gender", "age_band", "ethnicity", "exploitation_type")
                if getattr(filters, name)
            },
            **({"first_responder_type": filters.first_responder_type} if filters.first_responder_type else {}),
            **detail,
        },
    )


def _page(request: HttpRequest, section: str) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    release = report.build(filters, DEFAULT_RULES, sections=(section,))
    charts = charts_for(release.tables)  # drawn from the English tables: the charts read their headings
    _audit(request, Action.VIEW, f"statistics.{section}", filters)
    return render(
        request,
        "statistics/page.html",
        {
            "form": form,
            "filters": filters,
            "filter_words": form.described(),
            "section": section,
            "title": PAGES[section][1],
            "pages": PAGES,
            "tables": [words.table_shown(table) for table in release.tables],
            "charts": charts,
            "rules": words.rules_described(release.rules),
            "period_from": quarter_label(filters.first),
            "period_to": quarter_label(filters.last),
            "query": _query(request),
            "site_count": len(filters.site_ids),
            # The return for a quarter not over yet would count only part of it.
            "return_incomplete": filters.last >= Quarter.of(timezone.localdate()),
            # The return of fewer sites than every site is part of the all-sites return (`report.return_tables`).
            "return_is_part": set(report.every_site_ids(filters.site_ids)) != set(filters.site_ids),
        },
    )


@requires(*VIEWERS)
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, "nrm")


@requires(*VIEWERS)
def equality(request: HttpRequest) -> HttpResponse:
    return _page(request, "disproportionality")


@requires(*VIEWERS)
def pilot(request: HttpRequest) -> HttpResponse:
    return _page(request, "pilot")


@requires(*VIEWERS)
def consistency(request: HttpRequest) -> HttpResponse:
    return _page(request, "consistency")


TABLE_SECTIONS = {
    "referrals_by_quarter_age_at_exploitation": "nrm",
    "referrals_by_quarter_location": "nrm",
    "referrals_by_quarter_exploitation": "nrm",
    "referrals_by_quarter_gender": "nrm",
    "referrals_by_quarter_county_lines": "nrm",
    "referrals_by_first_responder": "nrm",
    "referrals_by_nationality": "nrm",
    "rg_decisions_by_quarter": "nrm",
    "cg_decisions_by_quarter": "nrm",
    "rg_times_by_quarter": "nrm",
    "cg_times_by_quarter": "nrm",
    "reconsiderations_by_quarter": "nrm",
    "decisions_by_site": "nrm",
    "disproportionality_by_ethnicity": "disproportionality",
    "disproportionality_by_nationality": "disproportionality",
    "disproportionality_by_gender": "disproportionality",
    "disproportionality_by_age_band": "disproportionality",
    "pilot_decision_times": "pilot",
    "pilot_plans_at_sitting": "pilot",
    "pilot_actions_on_time": "pilot",
    "pilot_outcomes_at_review_points": "pilot",
    "pilot_after_the_decision": "pilot",
    "pilot_costs_by_site": "pilot",
    "consistency_between_panels": "consistency",
}


@requires(*VIEWERS)
def download(request: HttpRequest) -> HttpResponse:
    """One table (`?table=`), filtered as on the page, as CSV, XLSX or ODS (`&format=`): the same protected cells
    the page shows. Without a table, back to the statistics."""
    stats_table, stats_format = request.GET.get("table", ""), request.GET.get("format", "csv")
    if not stats_table:
        return redirect("statistics:index")
    section = TABLE_SECTIONS.get(stats_table)
    if section is None or stats_format not in exports.FORMATS:
        raise Http404
    form = _form(request)
    filters = form.filters()
    release = report.build(filters, DEFAULT_RULES, sections=(section,))
    try:
        table = release.get(stats_table)
    except KeyError:
        raise Http404 from None
    every = selectors.sees_every_pilot_site(request.user)
    sites = [site for site in form.sites if site.pk in filters.site_ids]
    all_of_them = every and len(sites) > 1 and len(sites) == len(form.sites)
    with i18n.language(i18n.ENGLISH):  # the published files are in English, whatever the page's language
        # What the file covers, in it and in its name: the same table of another site or period is another file.
        coverage = exports.coverage_line(
            [site.name for site in sites],
            filters.first.label,
            filters.last.label,
            every_pilot_site=all_of_them,
            filter_words=form.described(without=("site",)),
        )
        content = exports.table_file(table, release.rules, stats_format, coverage=coverage)
    _audit(request, Action.DOWNLOAD, f"statistics.{stats_table}", filters, format=stats_format)
    where = "all-pilot-sites" if all_of_them else "_".join(site.slug for site in sites)
    period = f"{filters.first.code}-{filters.last.code}"
    name = "_".join(part for part in (table.key, where, period, filters.file_name_part()) if part)
    return download_response(
        content=content, filename=name, extension=stats_format, content_type=exports.FORMATS[stats_format]
    )


@requires(*VIEWERS)
def home_office_return(request: HttpRequest) -> HttpResponse:
    """The quarterly aggregate return to the Home Office (`?format=xlsx` or `csv`) for the last quarter of the
    filters' period, for the filters' sites (the start quarter and the other filters do not apply to a return): the
    same file whatever the start quarter, protected with the two years to the quarter (`report.return_filters`),
    as the release's is."""
    stats_format = request.GET.get("format", "xlsx")
    if stats_format not in ("csv", "xlsx"):
        raise Http404
    chosen = _form(request).filters()
    filters = report.return_filters(chosen.site_ids, chosen.last)
    table = report.home_office_return(filters, DEFAULT_RULES)
    with i18n.language(i18n.ENGLISH):  # the return is in English, the language of the Home Office's statistics
        content = exports.table_csv(table) if stats_format == "csv" else exports.tables_xlsx([table], DEFAULT_RULES)
    _audit(request, Action.EXPORT, "statistics.home_office_return", filters, format=stats_format)
    return download_response(
        content=content, filename=table.key, extension=stats_format, content_type=exports.FORMATS[stats_format]
    )
