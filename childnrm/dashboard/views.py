"""The dashboard: what is due and overdue across a site's cases, for its coordinator and chair."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.services import Action, audit_record
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind

PURPOSE = PURPOSES[Perm.DASHBOARD_VIEW]

# How each list names its date column, in the order the page shows the lists.
SECTIONS: list[tuple[str, str, str]] = [
    (Kind.RG_OVERDUE, "rg-overdue", "Was due"),
    (Kind.RG_DUE_SOON, "rg-due-soon", "Due"),
    (Kind.CG_READY, "cg-ready", "Could be decided from"),
    (Kind.CG_RECOVERY, "cg-recovery", "Can be decided from"),
    (Kind.RECONSIDERATION_OPEN, "reconsideration", "Window ends"),
    (Kind.TURNING_18_CUT_OFF, "turning-18-cut-off", "18th birthday"),
    (Kind.TURNING_18, "turning-18", "18th birthday"),
    (Kind.ADULT_CONSENT, "adult-consent", "18th birthday"),
    (Kind.ACTION_OVERDUE, "actions-overdue", "Was due"),
    (Kind.INFORMATION_OVERDUE, "information-overdue", "Was due"),
    (Kind.SITTING_STALE, "sittings-stale", "Sitting day"),
    (Kind.PROTOCOL_REVIEW, "protocols-review", "Review date"),
]


@dataclass(frozen=True)
class Section:
    anchor: str
    date_label: str
    alerts: clocks.AlertList


def dashboard_sites(user) -> list[Site]:
    return list(Site.objects.filter(pk__in=sites_where(user, Perm.DASHBOARD_VIEW), active=True).order_by("name"))


def _render_site(request: HttpRequest, site: Site, sites: list[Site]) -> HttpResponse:
    today = timezone.localdate()
    alerts = clocks.site_alerts(site, today=today)
    sections = [Section(anchor, label, alerts[kind]) for kind, anchor, label in SECTIONS]
    user = request.user
    audit_record(
        request=request,
        action=Action.LIST,
        object_type=Site._meta.label_lower,
        object_id=str(site.pk),
        site_id=site.pk,
        purpose=PURPOSE,
        detail={
            "page": "dashboard",
            "shown": {s.alerts.kind: [f"{a.object_type}:{a.object_id}" for a in s.alerts.items] for s in sections},
        },
    )
    return render(
        request,
        "dashboard/site.html",
        {
            "site": site,
            "sites": sites,
            "today": today,
            "sections": sections,
            # A chair reaches a case through a meeting's agenda: the dashboard gives them references only.
            "show_names": has_perm(user, Perm.CHILD_VIEW_SITE, site.pk),
            "link_children": has_perm(user, Perm.CHILD_VIEW_SITE, site.pk),
            "link_referrals": has_perm(user, Perm.REFERRAL_TRIAGE, site.pk),
            "link_transitions": has_perm(user, Perm.CASE_TRANSFER, site.pk),
            "link_meetings": has_perm(user, Perm.PANEL_MANAGE, site.pk),
            "link_protocols": has_perm(user, Perm.INFORMATION_REQUEST, site.pk),
        },
    )


@requires(Perm.DASHBOARD_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    sites = dashboard_sites(request.user)
    if len(sites) == 1:
        return _render_site(request, sites[0], sites)
    return render(request, "dashboard/sites.html", {"sites": sites})


@requires(Perm.DASHBOARD_VIEW)
def site_dashboard(request: HttpRequest, site_slug: str) -> HttpResponse:
    sites = dashboard_sites(request.user)
    site = next((s for s in sites if s.slug == site_slug), None)
    if site is None:
        raise Http404
    return _render_site(request, site, sites)
