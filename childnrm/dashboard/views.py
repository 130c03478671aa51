"""The dashboard: what is due, overdue or still to do across a site's cases, for its coordinator and chair.

Each section is shown only to those who act on it (`SectionSpec.perms`, held at the site), with about ten
rows and a link to its full list, paged. The page does a fixed number of queries, whatever the number of
cases: one per section for its rows, and one for the counts of the sections whose rows fill them.

Rows are built here, in Python, with their links already decided: whether the viewer may follow each kind
of link is asked once per page, and each route is reversed once (`kit.links.path_to`), not once per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Alert, Kind
from childnrm.dashboard.sections import SECTION_BY_KIND, SECTIONS, SectionSpec
from childnrm.dashboard.tags import COUNT_CAP, due_tag, since_tag
from childnrm.kit.dates import long_date
from childnrm.kit.links import path_maker, path_to
from childnrm.kit.welsh_mutation import welsh_format

PURPOSE = PURPOSES[Perm.DASHBOARD_VIEW]
SECTION_ROWS = 10  # rows each section shows on the dashboard; the rest are on its full list
PAGE_SIZE = 25  # rows on each page of a full list


# A fixed tag instead of the days until or since the date.
FIXED_TAGS = {
    Kind.CG_READY: (_("Can be decided now"), "govuk-tag govuk-tag--green"),
    Kind.ADULT_CONSENT: (_("Consent needed"), "govuk-tag govuk-tag--red"),
    Kind.SITTING_STALE: (_("Still in session"), "govuk-tag govuk-tag--red"),
}


Route = Callable[[object], str]  # a path from a reference or an id


@dataclass(frozen=True)
class Link:
    text: str
    hidden: str  # visually hidden words that say where the link goes out of context
    href: str


@dataclass(frozen=True)
class Row:
    alert: Alert
    child_name: str  # "" for those who reach cases only through a meeting's agenda (the chair)
    child_href: str
    referral_href: str
    tag: str
    tag_class: str  # "" for plain text
    link: Link | None
    date_text: str  # the alert's date, written out


@dataclass(frozen=True)
class Section:
    spec: SectionSpec
    label: str  # in the page's language, translated once (the page shows it four times)
    date_label: str
    count: int
    rows: list[Row]
    href: str  # the full list
    capped: bool = False  # more than `count`

    @property
    def anchor(self) -> str:
        return self.spec.slug

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))

    @cached_property
    def count_text(self) -> str:
        count = f"{self.count:,}"
        return gettext("more than %(count)s") % {"count": count} if self.capped else count


def _tag(spec: SectionSpec, alert: Alert) -> tuple[str, str]:
    if alert.kind in FIXED_TAGS:
        text, tag_class = FIXED_TAGS[alert.kind]
        return str(text), tag_class
    return since_tag(alert.days) if spec.timing == "since" else due_tag(alert.days)


class RowMaker:
    """Turns alerts into rows for one viewer at one site: each permission is asked once, each route reversed once."""

    def __init__(self, user, site: Site) -> None:
        def may(perm: Perm) -> bool:
            return has_perm(user, perm, site.pk)

        def route(name: str, perm: Perm | None = None, *, allowed: bool | None = None) -> Route | None:
            return path_maker(name) if (may(perm) if perm else allowed) else None

        self.tags: dict[tuple[str, str, int], tuple[str, str]] = {}
        self.dates: dict[date, str] = {}  # rows share their days: each written out once
        self.show_names = may(Perm.CHILD_VIEW_SITE)
        self.child = route("people:detail", Perm.CHILD_VIEW_SITE)
        self.referral = route("triage:triage", Perm.REFERRAL_TRIAGE)
        transition = route("handovers:adult-transition", Perm.CASE_TRANSFER)
        consent = route("triage:adult-consent", Perm.CASE_TRANSFER)
        protocol = route("information:protocol", Perm.INFORMATION_REQUEST)
        # The chair's rows are the sittings they chair (`_chaired_by`), which they may open and close.
        meeting = route("panels:meeting", allowed=SECTION_BY_KIND[Kind.SITTING_STALE].visible_to(user, site))
        letters = route("letters:decision", Perm.LETTER_PRODUCE)
        explain = route("letters:explanation-add", Perm.LETTER_PRODUCE)
        guardian = route("safeguarding:guardian", Perm.PLAN_MANAGE)
        outcomes = route("outcomes:child", Perm.OUTCOME_VIEW_SITE)
        action = route("safeguarding:action", Perm.PLAN_MANAGE)

        def link(text: str, target: Route | None, value: Callable[[Alert], object], hidden: Callable[[Alert], str]):
            if target is None:
                return None
            return lambda a: Link(text, hidden(a), target(value(a)))

        # Translated once per page, not once per row.
        for_reference = " " + gettext("for %(reference)s")

        def by_referral(a: Alert) -> str:
            return for_reference % {"reference": a.referral_reference}

        def by_child(a: Alert) -> str:
            return for_reference % {"reference": a.child_reference}

        def object_id(a: Alert) -> str:
            return a.object_id

        missing_episodes = link(gettext("See the missing episodes"), outcomes, lambda a: a.child_reference, by_child)
        hand_over = link(gettext("Turning 18 hand-over"), transition, lambda a: a.child_reference, by_child)
        self.links: dict[str, Callable[[Alert], Link] | None] = {
            Kind.TURNING_18: hand_over,
            Kind.TURNING_18_CUT_OFF: hand_over,
            Kind.ADULT_CONSENT: link(
                gettext("Record their answer"), consent, lambda a: a.referral_reference, by_referral
            ),
            Kind.PROTOCOL_REVIEW: link(
                gettext("Review the protocol"),
                protocol,
                object_id,
                lambda a: " " + welsh_format(gettext("with %(organisation)s"), {"organisation": a.note}),
            ),
            Kind.SITTING_STALE: link(
                gettext("Go to the sitting"),
                meeting,
                object_id,
                lambda a: " " + gettext("of %(day)s") % {"day": long_date(a.date)},
            ),
            Kind.LETTERS_NOT_PRODUCED: link(gettext("Produce the letters"), letters, object_id, by_referral),
            Kind.NOT_EXPLAINED: link(gettext("Record who explained it"), explain, object_id, by_referral),
            Kind.WITHOUT_GUARDIAN: link(
                gettext("Allocate a guardian"), guardian, lambda a: a.child_reference, by_child
            ),
            Kind.ACTION_OVERDUE: link(gettext("See the action"), action, object_id, by_child),
            Kind.MISSING_NOW: missing_episodes,
            Kind.RETURN_INTERVIEW: missing_episodes,
        }

    def row(self, spec: SectionSpec, alert: Alert) -> Row:
        # Rows of a section due on the same day share their tag: worked out (and translated) once.
        tag_key = (spec.kind, alert.kind, alert.days)
        tagged = self.tags.get(tag_key)
        if tagged is None:
            tagged = self.tags[tag_key] = _tag(spec, alert)
        tag, tag_class = tagged
        make_link = self.links.get(alert.kind)
        date_text = self.dates.get(alert.date)
        if date_text is None:
            date_text = self.dates[alert.date] = long_date(alert.date)
        return Row(
            alert=alert,
            child_name=alert.child_name if self.show_names else "",
            child_href=self.child(alert.child_reference) if self.child and alert.child_reference else "",
            referral_href=self.referral(alert.referral_reference) if self.referral and alert.referral_reference else "",
            tag=tag,
            tag_class=tag_class,
            link=make_link(alert) if make_link else None,
            date_text=date_text,
        )


def _chaired_by(user, site: Site) -> int | None:
    """A chair who does not run the site's panel sees only the sittings they chair (the ones they may open and
    close) among those left in session; None: every sitting of the site."""
    return None if has_perm(user, Perm.PANEL_MANAGE, site.pk) else user.pk


def dashboard_sites(user) -> list[Site]:
    return list(Site.objects.filter(pk__in=sites_where(user, Perm.DASHBOARD_VIEW), active=True).order_by("name"))


def _render_site(request: HttpRequest, site: Site, sites: list[Site]) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    rows = RowMaker(user, site)
    chaired_by = _chaired_by(user, site)
    specs = [spec for spec in SECTIONS if spec.visible_to(user, site)]
    lists = clocks.alert_lists(
        site, [spec.kind for spec in specs], today, limit=SECTION_ROWS, chaired_by=chaired_by, count_cap=COUNT_CAP
    )
    sections = []
    for spec in specs:
        alerts = lists[spec.kind]
        sections.append(
            Section(
                spec=spec,
                label=str(alerts.label),
                date_label=str(spec.date_label),
                count=alerts.count,
                rows=[rows.row(spec, a) for a in alerts.items],
                href=path_to(f"dashboard:{spec.slug}", site.slug),
                capped=alerts.capped,
            )
        )
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Site._meta.label_lower,
        object_id=str(site.pk),
        site_id=site.pk,
        purpose=PURPOSE,
        detail={
            "page": "dashboard",
            "shown": {s.spec.kind: [f"{r.alert.object_type}:{r.alert.object_id}" for r in s.rows] for s in sections},
        },
    )
    return render(
        request,
        "dashboard/site.html",
        {"site": site, "sites": sites, "today": today, "sections": sections},
    )


def _site_for(user, site_slug: str) -> tuple[Site, list[Site]]:
    sites = dashboard_sites(user)
    site = next((s for s in sites if s.slug == site_slug), None)
    if site is None:
        raise Http404
    return site, sites


@requires(Perm.DASHBOARD_VIEW)
def home(request: HttpRequest) -> HttpResponse:
    sites = dashboard_sites(request.user)
    if len(sites) == 1:
        return _render_site(request, sites[0], sites)
    return render(request, "dashboard/sites.html", {"sites": sites})


@requires(Perm.DASHBOARD_VIEW)
def site_dashboard(request: HttpRequest, site_slug: str) -> HttpResponse:
    site, sites = _site_for(request.user, site_slug)
    return _render_site(request, site, sites)


@requires(Perm.DASHBOARD_VIEW)
def section_list(request: HttpRequest, site_slug: str, kind: str) -> HttpResponse:
    """One section's full list, paged: for those who see that section on the site's dashboard."""
    site, _ = _site_for(request.user, site_slug)
    spec = SECTION_BY_KIND[kind]
    if not spec.visible_to(request.user, site):
        raise PermissionDenied
    today: date = timezone.localdate()
    page, alerts = clocks.alert_page(
        site,
        kind,
        today,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        chaired_by=_chaired_by(request.user, site),
    )
    rows = RowMaker(request.user, site)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=Site._meta.label_lower,
        object_id=str(site.pk),
        site_id=site.pk,
        purpose=PURPOSE,
        detail={
            "page": "dashboard list",
            "kind": kind,
            "page_number": page.number,
            "shown": [f"{a.object_type}:{a.object_id}" for a in alerts],
        },
    )
    return render(
        request,
        "dashboard/section.html",
        {
            "site": site,
            "today": today,
            "spec": spec,
            "label": clocks.KIND_LABELS[kind],
            "page": page,
            "rows": [rows.row(spec, a) for a in alerts],
        },
    )
