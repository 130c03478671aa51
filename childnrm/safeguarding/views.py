"""Pages of a child's safeguarding: the plan and its actions, statutory status, the guardian and the
safety map; the coordinator's list of plans; an owner's "Your actions".

Thin views: parse the form, call a service, render. Every page that shows a child's data writes an
audit event; every change writes one in its service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from childnrm.access.decorators import requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts import nations
from childnrm.accounts.models import Organisation
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_date
from childnrm.kit.errors import ServiceError
from childnrm.panels.models import AgendaItem, Meeting, MeetingStatus
from childnrm.people import selectors as people_selectors
from childnrm.people import services as people_services
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised_at, child_anonymised_message
from childnrm.safeguarding import safety_map, selectors, services
from childnrm.safeguarding.forms import (
    ActionForm,
    ActionUpdateForm,
    ChildAgreementForm,
    ChildViewsForm,
    ContextualLinkForm,
    GuardianForm,
    PeriodEndForm,
    PlanCloseForm,
    PlanForm,
    ReviewDateForm,
    SafeguardingForm,
    SocialWorkerForm,
    StatutoryPeriodForm,
    StrategyDiscussionForm,
)
from childnrm.safeguarding.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ChildAgreement,
    PlanAction,
    PlanActionUpdate,
    PlanStatus,
    SafeguardingPlan,
)
from childnrm.safeguarding.services import SafeguardingError

PAGE_SIZE = 25
PLAN_PURPOSE = PURPOSES[Perm.PLAN_MANAGE]
# Who may open the pages; the selectors decide which records each of them reaches.
VIEWERS = (Perm.PLAN_MANAGE, Perm.CHILD_VIEW_ASSOCIATED, Perm.MEETING_ATTEND)

# The child's agreement with an action, as a tag: words first, the colour only repeats them.
AGREEMENT_TAGS = {
    ChildAgreement.AGREED: "govuk-tag--green",
    ChildAgreement.DID_NOT_AGREE: "govuk-tag--orange",
    ChildAgreement.NOT_ASKED: "govuk-tag--grey",
}

STATUS_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.CANCELLED: "govuk-tag--grey",
}


@contextmanager
def _refusal_shown_on(form: SafeguardingForm, refusal: type[ServiceError] = SafeguardingError) -> Iterator[None]:
    """Around a page's change through its service: the service's refusal goes on the form (on its question, or
    above them all) and the code after the block shows the form again. Anything else is not caught."""
    try:
        yield
    except refusal as problem:
        form.add_service_error(problem)


@contextmanager
def _refusal_told(request: HttpRequest) -> Iterator[None]:
    """Around a button's change through its service: the service's refusal is told on the page the button leads
    to (the record changed meanwhile: nothing to correct on a form)."""
    try:
        yield
    except SafeguardingError as problem:
        messages.info(request, str(problem))


def _anonymised(child: Child) -> str:
    """Why nothing more can be recorded about the child, if retention anonymised the child's record; else "": the
    page says so instead of its forms and buttons (the services refuse the change too)."""
    anonymised_at = child_anonymised_at(child.pk)
    return child_anonymised_message(child.reference, anonymised_at) if anonymised_at is not None else ""


def _view_audit(request: HttpRequest, child: Child, page: str, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=selectors.purpose_for(request.user, child),
        detail={"page": page, **detail},
    )


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    overdue: bool
    tag: str
    may_update: bool
    updates: list[PlanActionUpdate] = field(default_factory=list)  # its history, newest first (the plan page)

    @property
    def agreement_tag(self) -> str:
        return AGREEMENT_TAGS[self.action.child_agreement]


def _words(model: Any, field: str) -> dict[str, str]:
    """A field's choices in the page's language, each label translated once per page (a model's
    `get_FOO_display()`, which the words replace, translates every label of the field on each call)."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _history_words() -> tuple[dict[str, str], dict[str, str]]:
    """An update's statuses' words, before and after, for `_with_history_words`."""
    return _words(PlanActionUpdate, "from_status"), _words(PlanActionUpdate, "to_status")


def _with_history_words(
    updates: list[PlanActionUpdate], words: tuple[dict[str, str], dict[str, str]] | None = None
) -> list[PlanActionUpdate]:
    """Each update's statuses in words (`from_words`, `to_words`) for includes/history.html; `words`: the
    `_history_words()` a page with several histories translated once."""
    before, after = words or _history_words()
    for update in updates:
        update.from_words = before.get(update.from_status, update.from_status)
        update.to_words = after.get(update.to_status, update.to_status)
    return updates


# An id no path holds otherwise, reversed once for a page's rows (`_addresses`).
_ROW_ID = 9_876_543_210_123


def _addresses(name: str, ids: list[int]) -> dict[int, str]:
    """`reverse(name, args=[id])` for each id of a page's rows, from one reverse: the addresses differ only in the
    id (an int in the path), and each reverse costs the URL resolver 20-30 µs of CPU."""
    head, found, tail = reverse(name, args=[_ROW_ID]).partition(str(_ROW_ID))
    if not found:
        raise ValueError(f"{name} does not take the id in its path")
    return {pk: f"{head}{pk}{tail}" for pk in ids}


def action_rows(user, plan: SafeguardingPlan, today) -> list[ActionRow]:
    """The plan's actions with their words and links for includes/actions_table.html (`status_words`,
    `agency_words`, `agreement_words`, `address`, `agreement_address` on each action) and each one's history with its
    words (`updates`). The child's site names the guardian service as its nation does."""
    actions = selectors.actions_of(plan)
    histories = selectors.updates_of(actions)
    ids = [a.pk for a in actions]
    addresses = _addresses("safeguarding:action", ids)
    agreement_addresses = _addresses("safeguarding:action-agreement", ids)
    status = _words(PlanAction, "status")
    agency = nations.agency_labels(_words(PlanAction, "agency"), plan.child.site)
    agreement = _words(PlanAction, "child_agreement")
    history = _history_words()
    rows = []
    for a in actions:
        a.status_words = status.get(a.status, a.status)
        a.agency_words = agency.get(a.agency, a.agency)
        a.agreement_words = agreement.get(a.child_agreement, a.child_agreement)
        a.address, a.agreement_address = addresses[a.pk], agreement_addresses[a.pk]
        rows.append(
            ActionRow(
                action=a,
                overdue=a.status in OPEN_ACTION_STATUSES and a.due_on < today,
                tag=STATUS_TAGS[a.status],
                may_update=selectors.may_update_action(user, a),
                updates=_with_history_words(histories[a.pk], history),
            )
        )
    return rows


# The child's safeguarding overview -------------------------------------------------------------------


@requires(*VIEWERS)
def child_safeguarding(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.safeguarding_child_get(request.user, reference)
    today = timezone.localdate()
    # The child's plans in one read, newest first: the active one (as `active_plan_of` finds it) and the earlier.
    plans = selectors.plans_of(child)
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    earlier = [p for p in plans if p.status != PlanStatus.ACTIVE]
    # The page counts the active plan's actions (open, overdue); their table and history are on the plan's page.
    actions = selectors.action_states_of(plan) if plan else []
    record = selectors.safeguarding_record_of(child)
    for discussion in record["discussions"]:
        discussion.agency_names = safety_map.agency_names(discussion.agencies, child.site)
    social_worker, earlier_social_workers = people_selectors.lead_social_worker_history(child)
    anonymised = _anonymised(child)
    manages = has_perm(request.user, Perm.PLAN_MANAGE, child.site_id) and not anonymised
    _view_audit(request, child, "safeguarding", plan=plan.pk if plan else None)
    open_due = [due_on for status, due_on in actions if status in OPEN_ACTION_STATUSES]
    return render(
        request,
        "safeguarding/child.html",
        {
            "child": child,
            "plan": plan,
            "latest_views": selectors.latest_child_views(plan) if plan else None,
            "action_count": len(actions),
            "open_count": len(open_due),
            "overdue_count": sum(1 for due_on in open_due if due_on < today),
            "review_overdue": bool(plan and plan.next_review_on and plan.next_review_on < today),
            "earlier_plans": earlier,
            "periods": record["periods"],
            "discussions": record["discussions"],
            "guardians": record["guardians"],
            # To the coordinator, who ends it: an allocation that no longer counts (the guardian's role ended).
            "guardians_not_in_force": record["guardians_not_in_force"] if manages else [],
            "social_worker": social_worker,
            # To the coordinator, who records it: a linked account that does not count is said, and why.
            "social_worker_not_in_force": people_selectors.social_worker_not_in_force(child, social_worker)
            if manages
            else None,
            "earlier_social_workers": earlier_social_workers,
            "link_counts": safety_map.counts(record["links"]),
            "from_referrals": record["from_referrals"],
            "manages": manages,
            "anonymised": anonymised,
            # A chair or adviser reaches this page through a sitting, not the child's record: no link they cannot open.
            "record_open": people_selectors.children_visible_to(request.user).filter(pk=child.pk).exists(),
            "today": today,
        },
    )


# Plans -----------------------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
def plan_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    show = request.GET.get("show", "active")
    plans = selectors.site_plans_for(request.user).select_related("child", "agreed_at_meeting")
    if show != "all":
        show = "active"
        plans = plans.filter(status=PlanStatus.ACTIVE)
    plans = plans.annotate(
        open_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES)),
        overdue_actions=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_on__lt=today)),
    ).order_by("next_review_on", "id")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=SafeguardingPlan._meta.label_lower,
        purpose=PLAN_PURPOSE,
        detail={"page": page.number, "ids": [p.pk for p in page.object_list]},
    )
    return render(
        request,
        "safeguarding/plan_list.html",
        {"page": page, "show": show, "today": today, "query_prefix": f"show={show}&"},
    )


def _plan_form(child: Child, data=None, chosen_meeting: str = "") -> PlanForm:
    meetings = list(
        Meeting.objects.filter(site_id=child.site_id)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at", "-id")[:30]
    )
    agenda_meeting_ids = set(
        AgendaItem.objects.filter(referral__child=child, meeting__in=meetings).values_list("meeting_id", flat=True)
    )
    from childnrm.decisions.models import Decision, DecisionStatus

    decisions = list(
        Decision.objects.filter(referral__child=child)
        .exclude(status=DecisionStatus.SUPERSEDED)
        .order_by("-created_at", "-id")[:20]
    )
    initial = {}
    on_agenda = [m for m in meetings if m.pk in agenda_meeting_ids]
    if chosen_meeting in {str(m.pk) for m in meetings}:
        initial["meeting"] = chosen_meeting  # from a sitting's page: ?meeting=<id>
    elif on_agenda:
        initial["meeting"] = str(on_agenda[0].pk)
    return PlanForm(
        data, meetings=meetings, decisions=decisions, agenda_meeting_ids=agenda_meeting_ids, initial=initial
    )


@requires(Perm.PLAN_MANAGE)
def plan_create(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    active = selectors.active_plan_of(child)
    form = _plan_form(child, request.POST if request.method == "POST" else None, request.GET.get("meeting", ""))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            plan = services.plan_create(
                child=child,
                user=request.user,
                meeting=form.chosen_meeting(),
                decision=form.chosen_decision(),
                summary=form.cleaned_data["summary"],
                next_review_on=form.cleaned_data["next_review_on"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("Safeguarding plan recorded. Now add the actions agreed."))
            return redirect("safeguarding:action-add", plan_id=plan.pk)
    _view_audit(request, child, "new safeguarding plan")
    return render(request, "safeguarding/plan_form.html", {"child": child, "form": form, "active": active})


@requires(*VIEWERS)
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, plan_id)
    today = timezone.localdate()
    actions = action_rows(request.user, plan, today)
    manages = has_perm(request.user, Perm.PLAN_MANAGE, plan.child.site_id)
    review_form = ReviewDateForm(initial={"next_review_on": plan.next_review_on}) if manages else None
    child_views = selectors.child_views_read(plan)
    _view_audit(request, plan.child, "safeguarding plan", plan=plan.pk, child_views=[v.pk for v in child_views])
    return render(
        request,
        "safeguarding/plan.html",
        {
            "plan": plan,
            "decision_now": selectors.plan_decision_now(plan),
            "child": plan.child,
            "actions": actions,
            "child_views": child_views,
            "records_child_voice": selectors.may_record_child_views(request.user, plan.child),
            "manages": manages,
            "review_form": review_form,
            "review_overdue": bool(plan.next_review_on and plan.next_review_on < today),
            "today": today,
        },
    )


@requires(Perm.PLAN_MANAGE)
def plan_review_date(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_planning(request.user, plan_id)
    form = ReviewDateForm(
        request.POST if request.method == "POST" else None, initial={"next_review_on": plan.next_review_on}
    )
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.plan_review_date_set(
                plan=plan,
                user=request.user,
                next_review_on=form.cleaned_data["next_review_on"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("Next review date changed"))
            return redirect("safeguarding:plan", plan_id=plan.pk)
    _view_audit(request, plan.child, "plan review date", plan=plan.pk)
    return render(request, "safeguarding/review_date.html", {"plan": plan, "child": plan.child, "form": form})


@requires(Perm.PLAN_MANAGE)
def plan_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_planning(request.user, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.info(request, gettext("This plan is already closed."))
        return redirect("safeguarding:plan", plan_id=plan.pk)
    form = PlanCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.plan_close(
                plan=plan,
                user=request.user,
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("Safeguarding plan closed"))
            return redirect("safeguarding:child", reference=plan.child.reference)
    open_actions = plan.actions.filter(status__in=OPEN_ACTION_STATUSES).count()
    _view_audit(request, plan.child, "close safeguarding plan", plan=plan.pk)
    return render(
        request,
        "safeguarding/plan_close.html",
        {"plan": plan, "child": plan.child, "form": form, "open_actions": open_actions},
    )


# Actions ---------------------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
def action_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_planning(request.user, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.info(request, gettext("This plan is closed: actions can be added only to the active plan."))
        return redirect("safeguarding:plan", plan_id=plan.pk)
    organisations = Organisation.objects.filter(active=True).order_by("name")
    owners = services.owner_candidates(plan.child.site_id)
    form = ActionForm(request.POST if request.method == "POST" else None, organisations=organisations, owners=owners)
    form.fields["agency"].choices = nations.agency_choices(form.fields["agency"].choices, plan.child.site)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            action = services.action_add(
                plan=plan,
                user=request.user,
                description=form.cleaned_data["description"],
                agency=form.cleaned_data["agency"],
                organisation=form.chosen_organisation(),
                owner_name=form.cleaned_data["owner_name"],
                owner=form.chosen_owner(),
                due_on=form.cleaned_data["due_on"],
                review_on=form.cleaned_data["review_on"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("Action added for %(owner)s") % {"owner": action.owner_name})
            if "add_another" in request.POST:
                return redirect("safeguarding:action-add", plan_id=plan.pk)
            return redirect("safeguarding:plan", plan_id=plan.pk)
    count = plan.actions.count()
    _view_audit(request, plan.child, "new plan action", plan=plan.pk)
    return render(
        request, "safeguarding/action_form.html", {"plan": plan, "child": plan.child, "form": form, "count": count}
    )


@requires(*VIEWERS, Perm.PLAN_ACTION_UPDATE)
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get(request.user, action_id)
    return _action_page(request, action, None)


def _action_page(request: HttpRequest, action: PlanAction, form: ActionUpdateForm | None) -> HttpResponse:
    child = action.plan.child
    today = timezone.localdate()
    may_update = selectors.may_update_action(request.user, action) and action.plan.status == PlanStatus.ACTIVE
    manages = has_perm(request.user, Perm.PLAN_MANAGE, child.site_id)
    if may_update and form is None:
        form = ActionUpdateForm(initial={"status": action.status}, can_cancel=manages)
    sees_plan = selectors.plans_visible_to(request.user).filter(pk=action.plan_id).exists()
    updates = _with_history_words(
        list(action.updates.select_related("actor", "actor__organisation").order_by("-at", "-id"))
    )
    _view_audit(request, child, "plan action", action=action.pk)
    return render(
        request,
        "safeguarding/action.html",
        {
            "action": action,
            "plan": action.plan,
            "child": child,
            "updates": updates,
            "form": form if may_update else None,
            "sees_plan": sees_plan,
            "records_child_voice": sees_plan
            and action.plan.status == PlanStatus.ACTIVE
            and selectors.may_record_child_views(request.user, child),
            "agreement_tag": AGREEMENT_TAGS[action.child_agreement],
            "agency_words": nations.agency_label(action.agency, action.get_agency_display(), child.site),
            "overdue": action.status in OPEN_ACTION_STATUSES and action.due_on < today,
            "tag": STATUS_TAGS[action.status],
        },
    )


@requires(Perm.PLAN_MANAGE, Perm.PLAN_ACTION_UPDATE)
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_for_update(request.user, action_id)
    if request.method != "POST":
        return redirect("safeguarding:action", action_id=action.pk)
    manages = has_perm(request.user, Perm.PLAN_MANAGE, action.plan.child.site_id)
    form = ActionUpdateForm(request.POST, can_cancel=manages)
    if form.is_valid():
        try:
            update = services.action_update(
                action=action,
                user=request.user,
                to_status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                audit=AuditContext.from_request(request),
            )
        except SafeguardingError as problem:
            if not problem.field:  # about the action itself (its plan closed meanwhile): nothing to fix on the form
                messages.info(request, str(problem))
                return redirect("safeguarding:action", action_id=action.pk)
            form.add_service_error(problem)
        else:
            if update.from_status != update.to_status:
                messages.success(
                    request, gettext("Action marked as %(status)s") % {"status": update.get_to_status_display().lower()}
                )
            else:
                messages.success(request, gettext("Progress note added"))
            return redirect("safeguarding:action", action_id=action.pk)
    action.refresh_from_db()
    return _action_page(request, action, form)


@requires(Perm.PLAN_ACTION_UPDATE)
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    actions = selectors.actions_owned_by(request.user).select_related("plan", "plan__child")
    if show != "all":
        show = "open"
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES, plan__status=PlanStatus.ACTIVE)
    actions = actions.order_by("due_on", "id")
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    status = _words(PlanAction, "status")  # translated once for the page's rows
    addresses = _addresses("safeguarding:action", [a.pk for a in page.object_list])
    rows = []
    for a in page.object_list:
        a.status_words = status.get(a.status, a.status)
        a.address = addresses[a.pk]
        rows.append(ActionRow(a, a.status in OPEN_ACTION_STATUSES and a.due_on < today, STATUS_TAGS[a.status], True))
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type=PlanAction._meta.label_lower,
        purpose=PURPOSES[Perm.PLAN_ACTION_UPDATE],
        detail={"page": page.number, "ids": [r.action.pk for r in rows]},
    )
    return render(
        request,
        "safeguarding/my_actions.html",
        {"page": page, "rows": rows, "show": show, "query_prefix": f"show={show}&"},
    )


# The child's views ------------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE, Perm.CHILD_VIEW_ASSOCIATED)
def child_views_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Record the child's views on their plan: the coordinator, or the child's guardian who gathered them."""
    plan = selectors.plan_for_child_views(request.user, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.info(request, gettext("This plan is closed: record the child's views on their active plan."))
        return redirect("safeguarding:plan", plan_id=plan.pk)
    initial = {"gathered_by_name": request.user.full_name, "gathered_on": timezone.localdate()}
    guardian = nations.rules(plan.child.site).guardian_short  # the guardian service as the site's nation names it
    if not has_perm(request.user, Perm.PLAN_MANAGE, plan.child.site_id):
        initial["gathered_by_role"] = gettext("Guardian (%(service)s)") % {"service": guardian}
    form = ChildViewsForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["gathered_by_role"].help_text = gettext(
        "For example, guardian (%(service)s), social worker, foster carer"
    ) % {"service": guardian}
    # Often gathered before the plan is typed in: the earliest day allowed is said before it is refused.
    today = timezone.localdate()
    form.fields["gathered_on"].help_text = gettext(
        "They may have been gathered before the plan was recorded, at the strategy discussion or the panel: any day "
        "from %(day)s to today. For example, %(example)s"
    ) % {
        "day": long_date(selectors.child_views_earliest(plan).day),
        "example": f"{today.day} {today.month} {today.year}",
    }
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.child_views_record(
                plan=plan, user=request.user, audit=AuditContext.from_request(request), **form.cleaned_data
            )
            messages.success(request, gettext("The child's views are recorded with the plan"))
            return redirect("safeguarding:plan", plan_id=plan.pk)
    _view_audit(request, plan.child, "record the child's views", plan=plan.pk)
    return render(request, "safeguarding/child_views_form.html", {"plan": plan, "child": plan.child, "form": form})


@requires(Perm.PLAN_MANAGE, Perm.CHILD_VIEW_ASSOCIATED)
def action_child_agreement(request: HttpRequest, action_id: int) -> HttpResponse:
    """Whether the child agreed with one action of their plan, with what they said."""
    action = selectors.action_for_child_agreement(request.user, action_id)
    child = action.plan.child
    if action.plan.status != PlanStatus.ACTIVE:
        messages.info(request, gettext("This plan is closed: its actions can no longer be changed."))
        return redirect("safeguarding:action", action_id=action.pk)
    initial = {"agreement": action.child_agreement, "note": action.child_agreement_note}
    form = ChildAgreementForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.action_child_agreement_set(
                action=action,
                user=request.user,
                agreement=form.cleaned_data["agreement"],
                note=form.cleaned_data["note"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("The child's agreement with the action is recorded"))
            return redirect("safeguarding:plan", plan_id=action.plan_id)
    _view_audit(request, child, "the child's agreement with an action", action=action.pk)
    return render(
        request,
        "safeguarding/child_agreement_form.html",
        {"action": action, "plan": action.plan, "child": child, "form": form},
    )


# Statutory status ------------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
def period_add(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    form = StatutoryPeriodForm(request.POST if request.method == "POST" else None, site=child.site)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            period = services.statutory_period_add(
                child=child,
                user=request.user,
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("%(status)s recorded") % {"status": period.get_kind_display()})
            return redirect("safeguarding:child", reference=child.reference)
    _view_audit(request, child, "new statutory period")
    return render(request, "safeguarding/period_form.html", {"child": child, "form": form})


@requires(Perm.PLAN_MANAGE)
def period_end(request: HttpRequest, period_id: int) -> HttpResponse:
    period = selectors.period_for_planning(request.user, period_id)
    child = period.child
    if period.ends_on is not None:
        messages.info(request, gettext("This period already ended on %(day)s.") % {"day": long_date(period.ends_on)})
        return redirect("safeguarding:child", reference=child.reference)
    form = PeriodEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.statutory_period_end(
                period=period,
                user=request.user,
                ends_on=form.cleaned_data["ends_on"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("%(status)s ended") % {"status": period.get_kind_display()})
            return redirect("safeguarding:child", reference=child.reference)
    _view_audit(request, child, "end statutory period", period=period.pk)
    return render(request, "safeguarding/period_end.html", {"child": child, "period": period, "form": form})


@requires(Perm.PLAN_MANAGE)
def strategy_add(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    form = StrategyDiscussionForm(request.POST if request.method == "POST" else None)
    form.fields["agencies"].choices = nations.agency_choices(form.fields["agencies"].choices, child.site)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            services.strategy_discussion_add(
                child=child,
                user=request.user,
                held_on=form.cleaned_data["held_on"],
                agencies=form.cleaned_data["agencies"],
                outcome=form.cleaned_data["outcome"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("Strategy discussion recorded"))
            return redirect("safeguarding:child", reference=child.reference)
    _view_audit(request, child, "new strategy discussion")
    return render(request, "safeguarding/strategy_form.html", {"child": child, "form": form})


# The guardian ----------------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
def guardian(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    current = list(selectors.guardians_of(child))
    candidates = services.guardian_candidates(child.site_id).exclude(pk__in=[a.user_id for a in current])
    form = GuardianForm(request.POST if request.method == "POST" else None, guardians=candidates)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            association = services.guardian_allocate(
                child=child,
                user=request.user,
                guardian=form.chosen_guardian(),
                audit=AuditContext.from_request(request),
            )
            messages.success(
                request, gettext("%(name)s allocated as the child's guardian") % {"name": association.user.full_name}
            )
            return redirect("safeguarding:child", reference=child.reference)
    _view_audit(request, child, "guardian allocation")
    return render(request, "safeguarding/guardian.html", {"child": child, "form": form, "current": current})


@requires(Perm.PLAN_MANAGE)
@require_POST
def guardian_end(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    association_id = _int(request.POST.get("association"))
    with _refusal_told(request):
        association = services.guardian_allocation_end(
            child=child, user=request.user, association_id=association_id, audit=AuditContext.from_request(request)
        )
        messages.success(
            request,
            gettext("%(name)s is no longer allocated as the child's guardian") % {"name": association.user.full_name},
        )
    return redirect("safeguarding:guardian", reference=child.reference)


# What the referral said -------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
@require_POST
def referral_confirm(request: HttpRequest, reference: str) -> HttpResponse:
    """The coordinator confirms what a referral said (having corrected it, where needed, with the usual changes)."""
    child = selectors.child_for_planning(request.user, reference)
    record = selectors.referral_safeguarding_of(child).filter(pk=_int(request.POST.get("record"))).first()
    if record is None:
        messages.info(request, gettext("That referral's answers are not on this child's record"))
        return redirect("safeguarding:child", reference=child.reference)
    with _refusal_told(request):
        services.referral_safeguarding_confirm(
            record=record, user=request.user, audit=AuditContext.from_request(request)
        )
        messages.success(
            request, gettext("What referral %(reference)s said is confirmed") % {"reference": record.referral.reference}
        )
    return redirect("safeguarding:child", reference=child.reference)


def _int(value) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


# The lead social worker --------------------------------------------------------------------------


@requires(Perm.PLAN_MANAGE)
def social_worker(request: HttpRequest, reference: str) -> HttpResponse:
    """Record or change the child's lead social worker: a change ends the current record (kept as history)."""
    child = selectors.child_for_planning(request.user, reference)
    if anonymised := _anonymised(child):
        # Nobody is made the social worker of a record kept only for the figures (people cannot read the rule).
        messages.info(request, anonymised)
        return redirect("safeguarding:child", reference=child.reference)
    current, earlier = people_selectors.lead_social_worker_history(child)
    initial = {f: getattr(current, f) for f in ("name", "team", "local_authority", "email", "phone")} if current else {}
    form = SocialWorkerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form, people_services.SocialWorkerInvalid):
            record = people_services.lead_social_worker_record(
                child=child,
                user=request.user,
                name=form.cleaned_data["name"],
                team=form.cleaned_data["team"],
                local_authority=form.cleaned_data["local_authority"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                reason=form.cleaned_data["reason"],
                audit=AuditContext.from_request(request),
            )
            messages.success(
                request, gettext("%(name)s recorded as the child's lead social worker") % {"name": record.name}
            )
            return redirect("safeguarding:child", reference=child.reference)
    _view_audit(request, child, "lead social worker")
    return render(
        request,
        "safeguarding/social_worker.html",
        {
            "child": child,
            "form": form,
            "social_worker": current,
            "social_worker_not_in_force": people_selectors.social_worker_not_in_force(child, current),
            "earlier": earlier,
        },
    )


# The safety map --------------------------------------------------------------------------------


@requires(*VIEWERS)
def safety_map_page(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.safeguarding_child_get(request.user, reference)
    links = selectors.safety_map_of(child)
    current = [link for link in links if link.active]
    anonymised = _anonymised(child)
    _view_audit(request, child, "safety map")
    return render(
        request,
        "safeguarding/safety_map.html",
        {
            "child": child,
            "groups": safety_map.grouped(current),
            "diagram": safety_map.diagram(current),
            "counts": safety_map.counts(current),
            "former": [link for link in links if not link.active],
            "anonymised": anonymised,
            "manages": has_perm(request.user, Perm.PLAN_MANAGE, child.site_id) and not anonymised,
        },
    )


@requires(Perm.PLAN_MANAGE)
def link_add(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_planning(request.user, reference)
    form = ContextualLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            link = services.contextual_link_add(
                child=child,
                user=request.user,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                risk=form.cleaned_data["risk"],
                audit=AuditContext.from_request(request),
            )
            messages.success(request, gettext("%(name)s added to the safety map") % {"name": link.name})
            return redirect("safeguarding:safety-map", reference=child.reference)
    _view_audit(request, child, "new safety map entry")
    return render(request, "safeguarding/link_form.html", {"child": child, "form": form})


@requires(Perm.PLAN_MANAGE)
def link_end(request: HttpRequest, link_id: int) -> HttpResponse:
    link = selectors.link_for_planning(request.user, link_id)
    child = link.child
    if request.method == "POST":
        with _refusal_told(request):
            services.contextual_link_end(link=link, user=request.user, audit=AuditContext.from_request(request))
            messages.success(request, gettext("%(name)s marked as no longer current") % {"name": link.name})
        return redirect("safeguarding:safety-map", reference=child.reference)
    if not link.active:
        messages.info(request, gettext("This entry is already marked as no longer current."))
        return redirect("safeguarding:safety-map", reference=child.reference)
    _view_audit(request, child, "end safety map entry", link=link.pk)
    return render(request, "safeguarding/link_end.html", {"child": child, "link": link})
