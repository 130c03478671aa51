"""Pages of the child's feedback.

Practitioners (signed in): a child's feedback and its sessions, starting a session (which shows its one-time code
and link to the one who started it), cancelling one, and the summary for the site's coordinator and analysts.

The child (no sign-in, ADR 0022): the code page, the form reached by the one-time link, and the thank-you page,
in the child's own language (the language of the child's letters, feedback.language) until the switch is used.
They show nothing that names the child or their case, are rate-limited by address, and every opening, refusal
and answer is audited (a refusal past a limit once per address and window, so a flood does not flood the audit
trail). Answers sent after the session's time ran out are shown back, never lost, and sent with a new code. A
signed-in person on the child's device must belong to the child's site; anyone else's session gets the same 404 as a
made-up link.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from childnrm.access.decorators import public, requires
from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.feedback import ratelimit, selectors, services, tokens, wording
from childnrm.feedback.forms import ChildFeedbackForm, CodeForm, NewCodeForm, PeriodForm
from childnrm.feedback.language import open_in_childs_language, use_visit_language, visit_site
from childnrm.feedback.models import FeedbackSession
from childnrm.feedback.services import FeedbackError, State
from childnrm.kit.counters import Limit
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised_at, child_anonymised_message

VIEWERS = (Perm.FEEDBACK_GATHER, Perm.FEEDBACK_VIEW_SITE)
# The starter's page shows the code while the session is open: kept in their own signed-in session, never stored.
_CODES_KEY = "feedback_codes"


def _view_audit(request: HttpRequest, child: Child, page: str, **detail) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=child,
        purpose=selectors.purpose_for(request.user, child),
        detail={"page": page, **detail},
    )


# Practitioners ------------------------------------------------------------------------------------------


@requires(*VIEWERS)
def child_feedback(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_get(request.user, reference)
    now = timezone.now()
    sessions = list(selectors.sessions_of(child))
    rows = []
    for session in sessions:
        state = services.state_of(session, now)
        label, tag = services.STATE_LABELS[state]
        rows.append({"session": session, "state": state, "label": label, "tag": tag})
    # A record retention anonymised takes no more feedback: the page says so instead of the button.
    anonymised_at = child_anonymised_at(child.pk)
    anonymised = child_anonymised_message(child.reference, anonymised_at) if anonymised_at is not None else ""
    _view_audit(request, child, "child's feedback", sessions=[s.pk for s in sessions])
    return render(
        request,
        "feedback/child.html",
        {
            "child": child,
            "rows": rows,
            "gathers": selectors.may_gather(request.user, child) and not anonymised,
            "anonymised": anonymised,
            "words": wording.SCALE_WORDS,
            "life_minutes": int(tokens.life().total_seconds() // 60),
        },
    )


@requires(Perm.FEEDBACK_GATHER)
def start(request: HttpRequest, reference: str) -> HttpResponse:
    child = selectors.child_for_gathering(request.user, reference)
    if request.method != "POST":
        return redirect("feedback:child", reference=child.reference)
    if not ratelimit.allowed(ratelimit.SESSION_STARTS, f"user-{request.user.pk}"):
        messages.info(request, gettext("You have started many feedback sessions in the last hour. Try again later."))
        return redirect("feedback:child", reference=child.reference)
    try:
        started = services.session_start(child=child, user=request.user, audit=AuditContext.from_request(request))
    except FeedbackError as problem:
        messages.info(request, str(problem))
        return redirect("feedback:child", reference=child.reference)
    codes = request.session.get(_CODES_KEY, {})
    codes[str(started.session.pk)] = started.code
    request.session[_CODES_KEY] = codes
    return redirect("feedback:session", feedback_session_id=started.session.pk)


@requires(Perm.FEEDBACK_GATHER)
@never_cache
def session(request: HttpRequest, feedback_session_id: int) -> HttpResponse:
    found = selectors.session_for_starter(request.user, feedback_session_id)
    state = services.state_of(found)
    code = request.session.get(_CODES_KEY, {}).get(str(found.pk)) if state == State.OPEN else None
    link = ""
    if code:
        link = request.build_absolute_uri(
            reverse("feedback:form", kwargs={"feedback_token": tokens.make_token(found.pk, code)})
        )
    _view_audit(request, found.child, "feedback session", session=found.pk)
    return render(
        request,
        "feedback/session.html",
        {
            "child": found.child,
            "found": found,
            "state": state,
            "label": str(services.STATE_LABELS[state][0]),
            "code": tokens.shown(code) if code else "",
            "link": link,
            "code_page": request.build_absolute_uri(reverse("feedback:code")),
        },
    )


@requires(Perm.FEEDBACK_GATHER)
def cancel(request: HttpRequest, feedback_session_id: int) -> HttpResponse:
    found = selectors.session_for_starter(request.user, feedback_session_id)
    if request.method != "POST":
        return redirect("feedback:session", feedback_session_id=found.pk)
    try:
        services.session_cancel(session=found, user=request.user, audit=AuditContext.from_request(request))
    except FeedbackError as problem:
        messages.info(request, str(problem))
    else:
        messages.success(request, gettext("The feedback link and code no longer work"))
    codes = request.session.get(_CODES_KEY, {})
    if codes.pop(str(found.pk), None) is not None:
        request.session[_CODES_KEY] = codes
    return redirect("feedback:child", reference=found.child.reference)


@requires(Perm.FEEDBACK_VIEW_SITE, Perm.STATISTICS_VIEW)
def summary(request: HttpRequest) -> HttpResponse:
    """The site's children's feedback in numbers, with disclosure control (counts only, never their words)."""
    from childnrm.accounts.models import Site

    site_ids = selectors.summary_site_ids(request.user)
    form = PeriodForm(request.GET or None)
    months = form.chosen_months()
    end = timezone.localdate()
    start_on = end - timedelta(days=round(months * 365.25 / 12)) + timedelta(days=1)
    result = selectors.feedback_summary(site_ids, start_on, end)
    sites = [site.display_name for site in Site.objects.filter(pk__in=site_ids).order_by("name")]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        object_type="feedback.summary",
        purpose=PURPOSES[Perm.FEEDBACK_VIEW_SITE]
        if has_perm(request.user, Perm.FEEDBACK_VIEW_SITE)
        else PURPOSES[Perm.STATISTICS_VIEW],
        detail={"sites": site_ids, "start": start_on.isoformat(), "end": end.isoformat()},
    )
    return render(request, "feedback/summary.html", {"summary": result, "sites": sites, "form": form})


# The child: no sign-in ----------------------------------------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "feedback/too_many.html", {"wording": wording}, status=429)
    response["Retry-After"] = "600"
    return response


def _link_gone(request: HttpRequest) -> HttpResponse:
    """A link that is made up, changed, expired, used or cancelled: refused, with the way to a new code."""
    return render(request, "feedback/link_gone.html", {"wording": wording}, status=404)


def _not_for_this_device(request: HttpRequest, found: FeedbackSession) -> bool:
    """Someone signed in on this device who does not work at the child's site: nothing of theirs is mixed in."""
    user = request.user
    return bool(user.is_authenticated and found.child.site_id not in selectors.user_site_ids(user))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@public
def code(request: HttpRequest) -> HttpResponse:
    """The child types in the code the practitioner reads out; it opens the form by its one-time link."""
    use_visit_language(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        tried = ratelimit.address_try(request)
        if not tried.allowed:
            return _over_limit(request, ratelimit.FAILED_TRIES, "too many failed tries")
        if not form.is_valid():
            tried.give_back()  # no code to check: the form says what is missing
        else:
            found = services.open_session_for_code(form.cleaned_data["code"])
            if found is not None and not _not_for_this_device(request, found[0]):
                tried.give_back()
                session_found, typed = found
                return redirect("feedback:form", feedback_token=tokens.make_token(session_found.pk, typed))
            services.code_refused(audit=AuditContext.from_request(request), reason="code does not open a form")
            form.add_error("code", gettext(wording.CODE_WRONG))
    return _private(render(request, "feedback/code.html", {"form": form, "wording": wording}))


def _over_limit(request: HttpRequest, limit: Limit, reason: str) -> HttpResponse:
    """Refused, the same way each time; audited once per address in each of the limit's windows (the lockout)."""
    services.over_limit_refused(audit=AuditContext.from_request(request), limit=limit, reason=reason)
    return _too_many(request)


def _minutes_left(found: FeedbackSession) -> int:
    """Whole minutes until the session's time runs out, rounded up: what the child is told when the form opens."""
    return max(1, math.ceil((found.expires_at - timezone.now()).total_seconds() / 60))


@public
def child_form(request: HttpRequest, feedback_token: str) -> HttpResponse:
    """The child's form, in the child's own language the first time it opens on the device (feedback.language)."""
    use_visit_language(request)
    # A flood of requests is refused before its tries are counted; each try is counted before its link is checked.
    if not ratelimit.address_allowed(ratelimit.FORM_REQUESTS, request):
        return _over_limit(request, ratelimit.FORM_REQUESTS, "too many tries")
    tried = ratelimit.address_try(request)
    if not tried.allowed:
        return _over_limit(request, ratelimit.FAILED_TRIES, "too many tries")
    found = services.open_session_for_token(feedback_token)
    if found is None and request.method == "POST":
        timed_out = services.timed_out_session_for_token(feedback_token)
        if timed_out is not None:
            return _after_time_ran_out(request, tried, timed_out)
    if found is None:
        services.code_refused(audit=AuditContext.from_request(request), reason="link does not open a form")
        return _private(_link_gone(request))
    tried.give_back()  # the link opens a form: not a failed try, even if it is not this device's to open
    if _not_for_this_device(request, found):
        raise Http404
    open_in_childs_language(request, found)
    form = ChildFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(
                token=feedback_token,
                listened=form.cleaned_data["listened"],
                understood=form.cleaned_data["understood"],
                better=form.cleaned_data["better"],
                audit=AuditContext.from_request(request),
            )
        except FeedbackError as problem:
            if problem.code != "link_gone":
                form.add_service_error(problem)
            elif (timed_out := services.timed_out_session_for_token(feedback_token)) is not None:
                return _after_time_ran_out(request, None, timed_out)  # the time ran out as they were sent
            else:
                return _private(_link_gone(request))
        else:
            return redirect("feedback:thanks")
    if request.method != "POST":
        services.link_opened(session=found, audit=AuditContext.from_request(request), how="one-time link or code")
    context = {"form": form, "wording": wording, "minutes_left": _minutes_left(found)}
    return _private(render(request, "feedback/form.html", context))


def _after_time_ran_out(request: HttpRequest, tried: ratelimit.Try | None, timed_out: FeedbackSession) -> HttpResponse:
    """Answers sent by a genuine link after its time ran out (WCAG 2.2.1; GOV.UK: do not lose what people wrote).

    Nothing is saved by the old link, whose life is never extended: the page shows the answers back, says plainly
    what happened, and asks for a new code from the person helping; sent with it, the answers are saved against the
    new session (the same child's only). Works without JavaScript: the answers travel in the form itself. `tried`,
    the request's try if not given back yet, counts as failed only for a new code that opens nothing.
    """
    if _not_for_this_device(request, timed_out):
        raise Http404
    open_in_childs_language(request, timed_out)
    audit = AuditContext.from_request(request)
    form = ChildFeedbackForm(request.POST)
    new_code = NewCodeForm(request.POST if "code" in request.POST else None)
    answers_valid = form.is_valid()
    opened, code_failed = None, False
    if new_code.is_bound and new_code.is_valid():
        opened = services.open_session_for_new_code(timed_out, new_code.cleaned_data["code"])
        if opened is None:
            code_failed = True
            services.code_refused(audit=audit, reason="new code does not open a form")
            new_code.add_error("code", gettext(wording.CODE_WRONG))
    elif not new_code.is_bound:
        services.answers_after_time_ran_out(session=timed_out, audit=audit)
    if tried is not None and not code_failed:
        tried.give_back()  # a genuine link, and no wrong code: not a failed try
    if opened is not None and answers_valid:
        session_found, typed = opened
        try:
            services.feedback_answer(
                token=tokens.make_token(session_found.pk, typed),
                listened=form.cleaned_data["listened"],
                understood=form.cleaned_data["understood"],
                better=form.cleaned_data["better"],
                audit=audit,
                after_time_ran_out=timed_out,
            )
        except FeedbackError as problem:
            if problem.code != "link_gone":
                form.add_service_error(problem)
            else:  # the new session was used or cancelled meanwhile
                new_code.add_error("code", gettext(wording.CODE_WRONG))
        else:
            return redirect("feedback:thanks")
    context = {"form": form, "new_code": new_code, "wording": wording, "timed_out": True}
    return _private(render(request, "feedback/form.html", context))


@public
def thanks(request: HttpRequest) -> HttpResponse:
    use_visit_language(request)
    return render(request, "feedback/thanks.html", {"wording": wording})


def _support_page(request: HttpRequest, title: str, paragraphs: tuple[str, ...]) -> HttpResponse:
    use_visit_language(request)
    return render(request, "feedback/support.html", {"wording": wording, "title": title, "paragraphs": paragraphs})


@public
def childs_privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice the child reads (their pages' footer): the service's own names what the case is about. It
    names who keeps the answers as the nation of the child whose form was opened on this visit does."""
    return _support_page(request, wording.PRIVACY_TITLE, wording.privacy(visit_site(request)))


@public
def childs_accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement in the child's words; the whole statement is the practitioners'."""
    return _support_page(request, wording.ACCESSIBILITY_TITLE, wording.ACCESSIBILITY)
