"""The panel's pages: membership, meetings, attendance, the agenda, conflicts and case papers.

Thin: parse the form, call a service or selector, render. Every view of case data is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from markupsafe import Markup

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, sites_where
from childnrm.accounts import nations
from childnrm.accounts.models import Site, User
from childnrm.accounts.nations import NationRules
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_date
from childnrm.kit.downloads import download_response, stored_file_open
from childnrm.kit.errors import add_to_form
from childnrm.kit.ids import as_id, posted_id
from childnrm.kit.pagination import at_page
from childnrm.panels import rules, selectors, services, suggestions
from childnrm.panels.forms import (
    NO,
    YES,
    AgendaAddForm,
    AgendaOtherForm,
    AttendanceForm,
    AttendeeAddForm,
    CaseConflictsForm,
    ConflictForm,
    MeetingForm,
    MemberForm,
)
from childnrm.panels.models import (
    AgendaItem,
    AgendaStage,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PanelMember,
    attends_as_choices,
)
from childnrm.panels.services import PanelError
from childnrm.referrals.documents import EXTENSIONS
from childnrm.referrals.models import Referral
from childnrm.referrals.vocab import country_shown, language_shown
from childnrm.training import selectors as training_selectors
from childnrm.triage import packet as case_packets

MANAGE = PURPOSES[Perm.PANEL_MANAGE]
ATTEND = PURPOSES[Perm.MEETING_ATTEND]
RUN = PURPOSES[Perm.SITTING_RUN]
STATUS_TAG = {
    MeetingStatus.SCHEDULED: "govuk-tag--blue",
    MeetingStatus.OPEN: "govuk-tag--green",
    MeetingStatus.CLOSED: "govuk-tag--grey",
    MeetingStatus.CANCELLED: "govuk-tag--red",
}


def _managed_site(request: HttpRequest) -> Site:
    """The site whose panel the user runs (the first, if they run several)."""
    site_ids = sites_where(request.user, Perm.PANEL_MANAGE)
    site = Site.objects.filter(pk__in=site_ids, active=True).order_by("name").first()
    if site is None:
        raise Http404
    return site


# --- Membership ---------------------------------------------------------------------------------


@requires(Perm.PANEL_MANAGE)
def members(request: HttpRequest) -> HttpResponse:
    site = _managed_site(request)
    seats = list(PanelMember.objects.filter(site=site).select_related("user", "user__organisation"))
    current = [m for m in seats if m.active]
    former = [m for m in seats if not m.active]
    # A seat recorded with a vote its holder may not have (from before the rule) is shown, and not counted.
    refused = rules.seat_refusals(current, site)
    for m in current:
        m.seat_refusal = refused.get(m.pk)
    voting = {m.agency for m in current if m.voting and m.pk not in refused}
    missing = [rules.AGENCY_LABELS[a] for a in rules.QUORUM_AGENCIES if a not in voting]
    # Whether each member's training is current, under the site's setting (training app).
    training = training_selectors.training_status([m.user_id for m in current], site)
    for m in current:
        m.training = training[m.user_id]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="panels.panelmember",
        site_id=site.pk,
        purpose=MANAGE,
    )
    return render(
        request,
        "panels/members.html",
        {
            "site": site,
            "current": current,
            "former": former,
            "missing_quorum": missing,
            "training_months": training_selectors.current_months(site),
        },
    )


def _member_form_users(site: Site):
    seated = PanelMember.objects.filter(site=site, active=True).values("user_id")
    return services.site_users(site).exclude(pk__in=seated).select_related("organisation").order_by("full_name")


def member_seated(request: HttpRequest, site, form: MemberForm, member_user) -> bool:
    """Add `member_user` to the site's panel with the seat the valid `form` gives; a refusal goes on the form.
    Shared by adding a member and by the offer made when someone is given the panel member role."""
    try:
        services.panel_member_add(
            site=site,
            user=request.user,
            member_user=member_user,
            agency=form.cleaned_data["agency"],
            attends_as=form.cleaned_data["attends_as"],
            voting=form.votes,
            audit=AuditContext.from_request(request),
        )
    except PanelError as problem:
        add_to_form(form, problem)
        return False
    messages.success(request, gettext("%(name)s has joined the panel") % {"name": member_user.full_name})
    return True


def _guardian_named_by_nation(form: MemberForm, site: Site) -> None:
    """The seat form's agency and attendance choices, with the guardian as the site's nation names them."""
    form.fields["agency"].choices = nations.agency_choices(form.fields["agency"].choices, site)
    form.fields["attends_as"].choices = attends_as_choices(site)


@requires(Perm.PANEL_MANAGE)
def member_add(request: HttpRequest) -> HttpResponse:
    site = _managed_site(request)
    users = list(_member_form_users(site))
    form = MemberForm(request.POST if request.method == "POST" else None, users=users, initial={"voting": YES})
    _guardian_named_by_nation(form, site)
    if request.method == "POST" and form.is_valid():
        member_user = next(u for u in users if str(u.pk) == form.cleaned_data["user"])
        if member_seated(request, site, form, member_user):
            return redirect("panels:members")
    return render(request, "panels/member_form.html", {"form": form, "site": site, "member": None})


@requires(Perm.PANEL_MANAGE)
def member_change(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.panel_member_get(request.user, member_id)
    initial = {"agency": member.agency, "attends_as": member.attends_as, "voting": YES if member.voting else NO}
    form = MemberForm(request.POST if request.method == "POST" else None, initial=initial)
    _guardian_named_by_nation(form, member.site)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_member_change(
                member=member,
                user=request.user,
                agency=form.cleaned_data["agency"],
                attends_as=form.cleaned_data["attends_as"],
                voting=form.votes,
                audit=AuditContext.from_request(request),
            )
        except PanelError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("%(name)s’s seat has been changed") % {"name": member.user.full_name})
            return redirect("panels:members")
    return render(request, "panels/member_form.html", {"form": form, "site": member.site, "member": member})


@requires(Perm.PANEL_MANAGE)
def member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.panel_member_get(request.user, member_id)
    error = ""
    if request.method == "POST":
        try:
            services.panel_member_remove(member=member, user=request.user, audit=AuditContext.from_request(request))
        except PanelError as problem:
            error = str(problem)
        else:
            messages.success(request, gettext("%(name)s has left the panel") % {"name": member.user.full_name})
            return redirect("panels:members")
    return render(request, "panels/member_remove.html", {"member": member, "error": error})


# --- Meetings -----------------------------------------------------------------------------------


def _count_per_meeting(related: type[models.Model]) -> Subquery:
    """How many `related` rows (agenda items) each meeting has, counted for the rows shown only: counts over joins
    grouped every meeting of the site before the list was cut (41 of the list's 46 ms of SQL at 10,000 children)."""
    rows = related.objects.filter(meeting=OuterRef("pk")).order_by()
    return Subquery(rows.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def _meeting_rows(meetings):
    return meetings.select_related("chair").annotate(cases=_count_per_meeting(AgendaItem))


@requires(Perm.PANEL_MANAGE)
def meetings(request: HttpRequest) -> HttpResponse:
    site = _managed_site(request)
    mine = selectors.meetings_managed_by(request.user).filter(site=site)
    live = Q(status__in=(MeetingStatus.SCHEDULED, MeetingStatus.OPEN))
    upcoming = _meeting_rows(mine.filter(live)).order_by("starts_at", "id")
    past = _meeting_rows(mine.exclude(live)).order_by("-starts_at", "-id")[:50]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="panels.meeting",
        site_id=site.pk,
        purpose=MANAGE,
    )
    return render(
        request,
        "panels/meetings.html",
        {"site": site, "upcoming": upcoming, "past": past, "status_tag": STATUS_TAG},
    )


@requires(Perm.MEETING_ATTEND)
def my_meetings(request: HttpRequest) -> HttpResponse:
    attended = selectors.meetings_attended_by(request.user)
    live = Q(status__in=(MeetingStatus.SCHEDULED, MeetingStatus.OPEN))
    upcoming = list(_meeting_rows(attended.filter(live)).select_related("site").order_by("-status", "starts_at", "id"))
    # In session first, then the soonest.
    upcoming.sort(key=lambda m: (m.status != MeetingStatus.OPEN, m.starts_at))
    past = _meeting_rows(attended.exclude(live)).select_related("site").order_by("-starts_at", "-id")[:50]
    audit_record(
        context=AuditContext.from_request(request), action=Action.LIST, object_type="panels.meeting", purpose=ATTEND
    )
    return render(
        request,
        "panels/my_meetings.html",
        {"upcoming": upcoming, "past": past, "status_tag": STATUS_TAG},
    )


def _chairs(site: Site):
    return rules.chairs_at(site)


def _invitable(meeting: Meeting) -> list[PanelMember]:
    """The invitation form's choices: seats that sit (`rules.seats_that_sit`: a member's seat only with the panel
    member role, with a vote or without) whose holders are not yet invited."""
    invited = meeting.attendees.values("user_id")
    return list(rules.seats_that_sit(meeting.site).exclude(user_id__in=invited).select_related("user", "site"))


def _chosen_chair(form, chairs) -> User | None:
    return next((u for u in chairs if str(u.pk) == form.cleaned_data.get("chair")), None)


@requires(Perm.PANEL_MANAGE)
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    site = _managed_site(request)
    chairs = list(_chairs(site))
    initial = {"kind": "regular", "start_time": "10:00", "chair": str(chairs[0].pk) if len(chairs) == 1 else ""}
    form = MeetingForm(request.POST if request.method == "POST" else None, chairs=chairs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                site=site,
                user=request.user,
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                location=form.cleaned_data["location"],
                chair=_chosen_chair(form, chairs),
                audit=AuditContext.from_request(request),
            )
        except PanelError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Meeting scheduled"))
            return redirect("panels:meeting", meeting_id=meeting.pk)
    return render(request, "panels/meeting_form.html", {"form": form, "site": site, "meeting": None})


@requires(Perm.PANEL_MANAGE)
def meeting_change(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(request.user, meeting_id)
    if meeting.status not in services.LIVE_STATUSES:
        messages.info(
            request,
            gettext("This meeting is %(status)s: it can no longer be changed")
            % {"status": meeting.get_status_display().lower()},
        )
        return redirect("panels:meeting", meeting_id=meeting.pk)
    chairs = list(_chairs(meeting.site))
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        chairs=chairs,
        initial=MeetingForm.initial_for(meeting),
        allow_past=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_change(
                meeting=meeting,
                user=request.user,
                kind=form.cleaned_data["kind"],
                starts_at=form.cleaned_data["starts_at"],
                location=form.cleaned_data["location"],
                chair=_chosen_chair(form, chairs),
                audit=AuditContext.from_request(request),
            )
        except PanelError as problem:
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Meeting details changed"))
            return redirect("panels:meeting", meeting_id=meeting.pk)
    return render(request, "panels/meeting_form.html", {"form": form, "site": meeting.site, "meeting": meeting})


def _item_rows(meeting: Meeting, user=None) -> list[dict]:
    """Each case on the agenda with its sitting's checks, read for the whole agenda at once (`rules.sittings_read`).
    `own_conflict` is the user's own declaration on the case: None when they have not declared; `papers_closed`
    whether its papers are closed to the user by that conflict (`selectors.papers_closed_by_conflict`)."""
    items = list(selectors.held_items(meeting))
    rows = []
    attendees = list(meeting.attendees.select_related("user"))
    own = next((a for a in attendees if user is not None and a.user_id == user.pk), None)
    closed = selectors.papers_closed_by_conflict(user, meeting) if user is not None else set()
    with rules.voters_read_once():
        for item in items:
            item.meeting = meeting
        rules.sittings_read(meeting, items)
        for item in items:
            declarations = rules.declarations_of(item)
            rows.append(
                {
                    "item": item,
                    "problems": rules.sitting_problems(item),
                    "conflicted": [a for a in attendees if declarations.get(a.pk)],
                    "declared": sum(1 for a in attendees if a.present and a.pk in declarations),
                    "present": sum(1 for a in attendees if a.present),
                    "voters": rules.eligible_voters(item),
                    "own_conflict": declarations.get(own.pk) if own else None,
                    "papers_closed": item.pk in closed,
                }
            )
    return rows


@requires(Perm.PANEL_MANAGE, Perm.MEETING_ATTEND)
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, selectors.meeting_get(request.user, meeting_id))


def _meeting_page(request: HttpRequest, meeting: Meeting, add_form: AttendeeAddForm | None = None) -> HttpResponse:
    """The meeting page; `add_form` is the invitation form with the service's refusal against its field."""
    manage = selectors.can_manage(request.user, meeting)
    # The coordinator, or this sitting's own chair: opens it, takes attendance and closes it.
    run = selectors.can_run(request.user, meeting)
    papers_open = selectors.papers_open_to(request.user, meeting)
    attendees = list(meeting.attendees.select_related("user", "user__organisation"))
    refused = rules.seat_refusals(attendees, meeting.site_id)
    for a in attendees:
        a.seat_refusal = refused.get(a.pk)
    rows = _item_rows(meeting, request.user)
    # A chair who may no longer chair the sitting (the chair role taken away): said beside their name.
    chair_refused = rules.chair_refusal(meeting)
    context = {
        "meeting": meeting,
        "manage": manage,
        "run": run,
        "papers_open": papers_open,
        "live": meeting.status in services.LIVE_STATUSES,
        "attendees": attendees,
        "rows": rows,
        "transferred": selectors.transferred_item_count(meeting),
        "carried": list(selectors.carried_items(meeting)) if manage else [],
        # Who a site administrator's change took off the list, and why: for whoever runs the sitting.
        "attendance_ended": list(selectors.attendance_ended_at(meeting)) if manage or run else [],
        "status_tag": STATUS_TAG,
        "own": next((a for a in attendees if a.user_id == request.user.pk), None),
        "chair_refused": chair_refused,
    }
    if run and context["live"]:
        context["attendance_form"] = AttendanceForm(
            initial={"present": [str(a.pk) for a in attendees if a.present]}, attendees=attendees
        )
    if manage and context["live"]:
        context["add_form"] = add_form or AttendeeAddForm(members=_invitable(meeting))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=meeting,
        site_id=meeting.site_id,
        purpose=MANAGE if manage else (RUN if run else ATTEND),
        detail={"meeting": meeting.pk, "referrals": [r["item"].referral_id for r in rows] if papers_open else []},
    )
    return render(request, "panels/meeting.html", context)


_TRANSITIONS = {
    "open": (services.meeting_open, _("The sitting is open"), "panels/meeting_confirm.html"),
    "close": (services.meeting_close, _("The meeting is closed"), "panels/meeting_confirm.html"),
    "cancel": (services.meeting_cancel, _("The meeting is cancelled"), "panels/meeting_confirm.html"),
}


def _transition_view(request: HttpRequest, meeting_id: int, action: str) -> HttpResponse:
    # The sitting's own chair opens and closes it too; cancelling stays with whoever runs the panel.
    if action == "cancel":
        meeting = selectors.meeting_get_managed(request.user, meeting_id)
    else:
        meeting = selectors.meeting_get_run(request.user, meeting_id)
    service, done, template = _TRANSITIONS[action]
    error = ""
    undecided = selectors.undecided_items(meeting) if action == "close" and meeting.status == MeetingStatus.OPEN else []
    later = list(selectors.later_sittings(meeting)) if undecided else []
    carry_to = later[0] if later else None
    if request.method == "POST":
        extra: dict = {}
        if action == "open":
            extra["move_to_today"] = request.POST.get("move_to_today") == YES
        if action == "close" and undecided:
            chosen = request.POST.get("carry_to", "")
            carry_to = next((m for m in later if str(m.pk) == chosen), None)
            extra["carry_to"] = carry_to
            if carry_to is None and later:
                error = gettext("Select the sitting to carry the undecided cases to")
        if not error:
            try:
                service(meeting=meeting, user=request.user, audit=AuditContext.from_request(request), **extra)
            except PanelError as problem:
                error = str(problem)
            else:
                if extra.get("carry_to") is not None:
                    day = long_date(timezone.localtime(extra["carry_to"].starts_at).date())
                    done = ngettext(
                        "%(done)s. %(count)s undecided case carried to the sitting on %(day)s",
                        "%(done)s. %(count)s undecided cases carried to the sitting on %(day)s",
                        len(undecided),
                    ) % {"done": done, "count": len(undecided), "day": day}
                messages.success(request, str(done))
                return redirect("panels:meeting", meeting_id=meeting.pk)
    rows = _item_rows(meeting) if action == "open" else []
    context = {
        "meeting": meeting,
        "action": action,
        "error": error,
        "rows": rows,
        "early": action == "open" and meeting.status == MeetingStatus.SCHEDULED and services.opens_early(meeting),
        "today_at": timezone.make_aware(
            datetime.combine(timezone.localdate(), timezone.localtime(meeting.starts_at).time())
        ),
        "undecided": undecided,
        "later": later,
        "carry_to": carry_to,
        "manage": selectors.can_manage(request.user, meeting),
    }
    # The cases the page names (opening: those with a warning; closing: each undecided case, by child's name).
    shown = [row["item"] for row in rows if row["problems"]] + list(undecided)
    if shown:
        audit_record(
            context=AuditContext.from_request(request),
            action=Action.LIST,
            obj=meeting,
            site_id=meeting.site_id,
            purpose=MANAGE if context["manage"] else RUN,
            detail={
                "meeting": meeting.pk,
                "page": action,
                "items": [item.pk for item in shown],
                "referrals": [item.referral_id for item in shown],
            },
        )
    return render(request, template, context)


@requires(Perm.PANEL_MANAGE, Perm.SITTING_RUN)
def meeting_open(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _transition_view(request, meeting_id, "open")


@requires(Perm.PANEL_MANAGE, Perm.SITTING_RUN)
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _transition_view(request, meeting_id, "close")


@requires(Perm.PANEL_MANAGE)
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _transition_view(request, meeting_id, "cancel")


@requires(Perm.PANEL_MANAGE, Perm.SITTING_RUN)
@require_POST
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_run(request.user, meeting_id)
    attendees = list(meeting.attendees.select_related("user"))
    form = AttendanceForm(request.POST, attendees=attendees)
    if not form.is_valid():
        messages.info(request, gettext("Select only people invited to this meeting"))
        return redirect("panels:meeting", meeting_id=meeting.pk)
    try:
        services.attendance_mark(
            meeting=meeting,
            user=request.user,
            present_ids={int(v) for v in form.cleaned_data["present"]},
            audit=AuditContext.from_request(request),
        )
    except PanelError as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, gettext("Attendance recorded"))
    return redirect("panels:meeting", meeting_id=meeting.pk)


@requires(Perm.PANEL_MANAGE)
@require_POST
def attendee_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(request.user, meeting_id)
    member_id = posted_id(request.POST.get("member"))  # none chosen asks again; not an id is not found
    member = PanelMember.objects.filter(site_id=meeting.site_id, pk=member_id).first() if member_id else None
    if member is None:
        messages.info(request, gettext("Select the panel member to invite"))
        return redirect("panels:meeting", meeting_id=meeting.pk)
    try:
        services.attendee_add(
            meeting=meeting, user=request.user, member=member, audit=AuditContext.from_request(request)
        )
    except PanelError as problem:
        if problem.field != "member":
            messages.info(request, str(problem))
            return redirect("panels:meeting", meeting_id=meeting.pk)
        # Shown against the field it is about, on the meeting page, as a GOV.UK error.
        form = AttendeeAddForm(request.POST, members=_invitable(meeting))
        form.is_valid()
        form.errors.clear()  # the service's reason only (the seat asked for may not be a choice)
        add_to_form(form, problem)
        return _meeting_page(request, meeting, add_form=form)
    else:
        messages.success(request, gettext("%(name)s has been invited") % {"name": member.user.full_name})
    return redirect("panels:meeting", meeting_id=meeting.pk)


@requires(Perm.PANEL_MANAGE)
@require_POST
def attendee_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_managed(request.user, meeting_id)
    attendee_id = posted_id(request.POST.get("attendee")) or 0
    attendee = meeting.attendees.select_related("user", "meeting").filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404
    try:
        services.attendee_remove(attendee=attendee, user=request.user, audit=AuditContext.from_request(request))
    except PanelError as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, gettext("%(name)s is no longer invited") % {"name": attendee.user.full_name})
    return redirect("panels:meeting", meeting_id=meeting.pk)


# --- Agenda -------------------------------------------------------------------------------------


# A site with hundreds of accepted cases waiting would otherwise get a form for each on one page.
SUGGESTIONS_PER_PAGE = 25


def _suggestions_page(request: HttpRequest, items: suggestions.AgendaSuggestions, error_key: str) -> str | int | None:
    """The page of suggestions to show: the one holding the case an add was refused for, so that its error shows
    against it; otherwise the page asked for (the page a form was sent from, after a POST)."""
    if error_key:
        at = items.position(error_key)
        if at is not None:
            return at // SUGGESTIONS_PER_PAGE + 1
    return request.POST.get("page") if request.method == "POST" else request.GET.get("page")


def _agenda_url(meeting: Meeting, page: str) -> str:
    """The agenda page at the page of suggestions the coordinator added from."""
    return at_page(reverse("panels:agenda", args=[meeting.pk]), page)


@requires(Perm.PANEL_MANAGE)
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The cases the service suggests for this sitting, and the coordinator adds them (POST)."""
    meeting = selectors.meeting_get_managed(request.user, meeting_id)
    live = meeting.status in services.LIVE_STATUSES
    error, error_key = "", ""
    other_form = AgendaOtherForm(request.POST if request.method == "POST" and "reference" in request.POST else None)
    if request.method == "POST" and live and other_form.is_bound:
        if other_form.is_valid():
            referral = Referral.objects.filter(
                site_id=meeting.site_id, reference=other_form.cleaned_data["reference"]
            ).first()
            if referral is None:
                other_form.add_error("reference", gettext("Enter the reference of a case accepted by this panel"))
            else:
                try:
                    services.agenda_case_add(
                        meeting=meeting,
                        user=request.user,
                        referral=referral,
                        stage=other_form.cleaned_data["stage"],
                        audit=AuditContext.from_request(request),
                    )
                except PanelError as problem:
                    other_form.add_error("reference", str(problem))
                else:
                    messages.success(
                        request, gettext("%(reference)s added to the agenda") % {"reference": referral.reference}
                    )
                    return redirect(_agenda_url(meeting, request.POST.get("page", "")))
    elif request.method == "POST" and live:
        form = AgendaAddForm(request.POST)
        error_key = request.POST.get("key", "")
        if form.is_valid():
            referral = Referral.objects.filter(site_id=meeting.site_id, pk=form.cleaned_data["referral"]).first()
            if referral is None:
                raise Http404
            try:
                services.agenda_case_add(
                    meeting=meeting,
                    user=request.user,
                    referral=referral,
                    stage=form.cleaned_data["stage"],
                    audit=AuditContext.from_request(request),
                )
            except PanelError as problem:
                error = str(problem)
            else:
                messages.success(
                    request, gettext("%(reference)s added to the agenda") % {"reference": referral.reference}
                )
                return redirect(_agenda_url(meeting, request.POST.get("page", "")))
        else:
            error = gettext("Select what the panel is asked to decide")
    # Counted, and built only for the page shown (a busy site has hundreds waiting).
    items = suggestions.agenda_suggestions(meeting) if live else suggestions.AgendaSuggestions(meeting, [])
    shown = _suggestions_page(request, items, error_key if error else "")
    page = Paginator(items, SUGGESTIONS_PER_PAGE).get_page(shown)
    rows = _item_rows(meeting)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        obj=meeting,
        site_id=meeting.site_id,
        purpose=MANAGE,
        detail={"meeting": meeting.pk, "page": "agenda", "suggested": [s.referral.pk for s in page.object_list]},
    )
    return render(
        request,
        "panels/agenda.html",
        {
            "meeting": meeting,
            "live": live,
            "suggestions": page.object_list,
            "page": page,
            "urgent": items.urgent,
            "rows": rows,
            "transferred": selectors.transferred_item_count(meeting),
            "stages": AgendaStage.choices,
            "error": error,
            "error_key": error_key,
            "next_sitting": suggestions.next_regular_sitting(meeting),
            "form": other_form,
        },
    )


@requires(Perm.PANEL_MANAGE)
@require_POST
def next_sitting_add(request: HttpRequest, referral_reference: str) -> HttpResponse:
    """From the triage page: put the accepted case on the agenda of the site's next sitting (the one shown)."""
    referral = selectors.referral_for_agenda(request.user, referral_reference)
    chosen = as_id(request.POST.get("meeting"))
    meeting = (
        selectors.meetings_managed_by(request.user).filter(site_id=referral.site_id, pk=chosen).first()
        if chosen
        else None
    )
    back = redirect("triage:triage", referral_reference=referral.reference)
    if meeting is None:
        messages.info(request, gettext("That sitting is no longer scheduled: choose the next sitting again"))
        return back
    try:
        services.agenda_next_sitting_add(
            referral=referral, meeting=meeting, user=request.user, audit=AuditContext.from_request(request)
        )
    except PanelError as problem:
        messages.info(request, str(problem))
    else:
        day = long_date(timezone.localtime(meeting.starts_at).date())
        messages.success(
            request,
            gettext("Referral %(reference)s added to the agenda of the sitting on %(day)s")
            % {"reference": referral.reference, "day": day},
        )
    return back


@requires(Perm.PANEL_MANAGE)
def agenda_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = selectors.managed_item_get(request.user, meeting_id, item_id)
    meeting = item.meeting
    error = ""
    if request.method == "POST":
        try:
            services.agenda_item_remove(item=item, user=request.user, audit=AuditContext.from_request(request))
        except PanelError as problem:
            error = str(problem)
        else:
            messages.success(
                request, gettext("%(reference)s removed from the agenda") % {"reference": item.referral.reference}
            )
            return redirect("panels:agenda", meeting_id=meeting.pk)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=item,
        site_id=meeting.site_id,
        purpose=MANAGE,
        detail={"meeting": meeting.pk, "referral": item.referral_id, "page": "remove from agenda"},
    )
    return render(request, "panels/agenda_remove.html", {"meeting": meeting, "item": item, "error": error})


# --- Conflicts of interest ----------------------------------------------------------------------


def _declaration_form_for(attendee: MeetingAttendee, declarations, data=None) -> ConflictForm:
    existing = declarations.get(attendee.pk)
    initial = {}
    if existing is not None:
        initial = {"has_conflict": YES if existing.has_conflict else NO, "details": existing.details}
    return ConflictForm(data, prefix=f"a{attendee.pk}", initial=initial)


@requires(Perm.PANEL_MANAGE)
def conflicts(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The coordinator records every present attendee's declaration on one case, in one form."""
    item = selectors.managed_item_get(request.user, meeting_id, item_id)
    meeting = item.meeting
    attendees = list(meeting.attendees.filter(present=True).select_related("user"))
    declarations = {d.attendee_id: d for d in item.conflict_declarations.select_related("declared_by")}
    live = meeting.status in services.LIVE_STATUSES
    bound = request.method == "POST" and live
    form = CaseConflictsForm(request.POST if bound else None, attendees=attendees, declarations=declarations)
    if bound and form.is_valid():
        try:
            services.conflicts_record(
                item=item, user=request.user, answers=form.answers(), audit=AuditContext.from_request(request)
            )
        except PanelError as problem:  # ConflictsInvalid puts every row's problem on the form at once
            add_to_form(form, problem)
        else:
            messages.success(request, gettext("Declarations recorded"))
            return redirect("panels:meeting", meeting_id=meeting.pk)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=item,
        site_id=meeting.site_id,
        purpose=MANAGE,
        detail={"meeting": meeting.pk, "referral": item.referral_id, "page": "conflicts"},
    )
    return render(
        request,
        "panels/conflicts.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form,
            "live": live,
            "problems": rules.sitting_problems(item),
            "voters": rules.eligible_voters(item),
        },
    )


# --- Case papers --------------------------------------------------------------------------------


def _audit_papers(request, item: AgendaItem, action: str, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=action,
        obj=item.referral,
        site_id=item.meeting.site_id,
        purpose=ATTEND,
        detail={"meeting": item.meeting_id, "agenda_item": item.pk, **detail},
    )


def _papers_closed(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The reader declared a conflict of interest on the case: the page says so, names nothing of the case (the
    meeting page shows them no more than its reference) and leads back to the meeting."""
    return render(request, "panels/papers_closed.html", {"meeting": meeting}, status=403)


@requires(Perm.MEETING_ATTEND, Perm.CHILD_VIEW_SITE)
def papers(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The case papers of one agenda item, and the reader's own conflict declaration on it."""
    try:
        item = selectors.agenda_item_get(request.user, meeting_id, item_id)
    except selectors.PapersClosedByConflict as closed:
        return _papers_closed(request, closed.meeting)
    meeting = item.meeting
    own = selectors.own_attendance(request.user, meeting)
    declarations_closed = services.declarations_closed(meeting, item)
    # Everyone invited declares, before the sitting too: a declaration counts at the sitting once its maker is
    # marked present (panels.rules), and a conflict closes the papers to them at once (ADR 0006).
    can_declare = own is not None and not declarations_closed
    declaration = item.conflict_declarations.filter(attendee=own).first() if own else None
    form = None
    if own is not None:
        form = _declaration_form_for(own, {own.pk: declaration} if declaration else {})
    if request.method == "POST":
        if not can_declare:
            refusal = declarations_closed or gettext(
                "Only people invited to this meeting can declare, while it is live"
            )
            messages.info(request, refusal)
            return redirect("panels:papers", meeting_id=meeting.pk, item_id=item.pk)
        form = _declaration_form_for(own, {own.pk: declaration} if declaration else {}, request.POST)
        if form.is_valid():
            try:
                services.conflict_declare(
                    item=item,
                    attendee=own,
                    user=request.user,
                    has_conflict=form.conflicted,
                    details=form.cleaned_data["details"],
                    audit=AuditContext.from_request(request),
                )
            except PanelError as problem:
                add_to_form(form, problem)
            else:
                if form.conflicted and item.pk in selectors.papers_closed_by_conflict(request.user, meeting):
                    # The papers close to a member with a conflict; the coordinator can correct an error.
                    messages.success(
                        request,
                        gettext(
                            "Your declaration has been recorded. You have a conflict of interest in this case, so "
                            "its papers are closed to you. If you declared it by mistake, ask the panel coordinator "
                            "to correct it."
                        ),
                    )
                    return redirect("panels:meeting", meeting_id=meeting.pk)
                messages.success(request, gettext("Your declaration has been recorded"))
                return redirect("panels:papers", meeting_id=meeting.pk, item_id=item.pk)
    referral = item.referral
    responses = selectors.paper_answers(referral)
    documents = list(referral.documents.order_by("uploaded_at", "id"))
    signed_off = selectors.signed_off_at_sitting(item)
    _audit_papers(request, item, Action.VIEW, responses=[r.pk for r in responses], decisions=[d.pk for d in signed_off])
    items = list(selectors.held_items(meeting))
    closed = selectors.papers_closed_by_conflict(request.user, meeting)
    return render(
        request,
        "panels/papers.html",
        {
            "meeting": meeting,
            "item": item,
            "referral": referral,
            "sections": _sections_for_reader(case_packets.referral_sections(referral), meeting.site),
            "documents": documents,
            "responses": responses,
            "own": own,
            "declaration": declaration,
            "form": form,
            "can_declare": can_declare,
            "declarations_closed": declarations_closed,
            "voters": rules.eligible_voters(item),
            "conflicted_ids": rules.conflicted_user_ids(item),
            "agenda": items,
            "closed_ids": closed,
            "signed_off": signed_off,
            "position": next((i for i, x in enumerate(items, 1) if x.pk == item.pk), 1),
        },
    )


# The referral's yes/no answers (BooleanFields) as the case papers show them. The case packet writes them in English
# for the SCA (ADR 0023); on the papers they are in the reader's language, worded as the referral form words them.
_BOOLEAN_FIELDS = frozenset(f.name for f in Referral._meta.concrete_fields if isinstance(f, models.BooleanField))
# The packet's English titles and labels (marked in triage.packet so the catalogue holds them), for their translation.
_PACKET_TITLES = frozenset(
    [*(title for title, _names in case_packets.SECTIONS), case_packets.OTHER_DETAILS, case_packets.IMPORTED_AS_GIVEN]
)
_PACKET_LABELS = {**case_packets.FIELD_NAME_LABELS, **case_packets.LABELS}
_FROM_FORM = case_packets.FROM_HOME_OFFICE_FORM.partition("%(heading)s")[0]


def _yes_no(value: bool | None) -> str:
    return gettext("Not known") if value is None else (gettext("Yes") if value else gettext("No"))


def _title_for_reader(title: str) -> str | Markup:
    """A section's title in the reader's language; a Home Office form's own heading is quoted, in English."""
    if title in _PACKET_TITLES:
        return gettext(title)
    if title.startswith(_FROM_FORM):
        heading = Markup('<span lang="en">{}</span>').format(title.removeprefix(_FROM_FORM))
        return Markup.escape(gettext(case_packets.FROM_HOME_OFFICE_FORM)) % {"heading": heading}
    return title


def _field_for_reader(f: dict[str, Any], law: NationRules) -> dict[str, Any]:
    name = f["name"]
    if name.startswith(("form.", "unmapped.")):
        # The Home Office form's own labels, or an imported answer's key: quoted as they came, in English.
        return {**f, "label_lang": "en"}
    label = gettext(_PACKET_LABELS.get(name, f["label"]))
    if name == "ictg_referral_made" and not law.english_law:
        label = gettext("Referred to the guardian service (%(service)s)") % {"service": law.guardian_service}
    shown = f["display"]
    if name in _BOOLEAN_FIELDS:
        shown = _yes_no(f["value"])
    elif name == "nationalities":
        shown = ", ".join(country_shown(c) for c in f["value"] or [])
    elif name == "languages":
        shown = ", ".join(language_shown(c) for c in f["value"] or [])
    return {**f, "label": label, "display": shown}


def _sections_for_reader(sections: list[dict[str, Any]], site: Site | None = None) -> list[dict[str, Any]]:
    """The packet's referral sections in the reader's language: titles, labels, yes/no answers, nationalities and
    languages. The packet itself stays English (its fingerprint); the stored values are unchanged."""
    law = nations.rules(site)
    return [
        {
            **section,
            "title": _title_for_reader(section["title"]),
            "fields": [_field_for_reader(f, law) for f in section["fields"]],
        }
        for section in sections
    ]


@requires(Perm.MEETING_ATTEND, Perm.CHILD_VIEW_SITE)
def paper_document(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Download one evidence document of the case (`?document=<id>`): attachment, never rendered, audited."""
    try:
        item = selectors.agenda_item_get(request.user, meeting_id, item_id)
    except selectors.PapersClosedByConflict as closed:
        return _papers_closed(request, closed.meeting)
    try:
        document_id = int(request.GET.get("document", ""))
    except ValueError:
        return redirect("panels:papers", meeting_id=item.meeting_id, item_id=item.pk)
    document = item.referral.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    content = stored_file_open(document.file)  # streamed, closed with the response
    _audit_papers(request, item, Action.DOWNLOAD, document=document.pk)
    return download_response(
        content=content,
        filename=document.original_name,
        extension=EXTENSIONS.get(document.content_type, "bin"),
        content_type=document.content_type,
    )
