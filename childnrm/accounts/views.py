"""Sign-in with a password and a second factor, account settings and site user administration."""

from __future__ import annotations

import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.access.decorators import password_only, public, requires, signed_in
from childnrm.access.policy import Perm
from childnrm.access.roles import ROLE_DESCRIPTIONS, Role
from childnrm.accounts import access_loss, forms, nations, selectors, services
from childnrm.accounts import policy as site_policy_service
from childnrm.accounts.middleware import VISIT_LANGUAGE
from childnrm.accounts.models import Site, User
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.dates import long_datetime
from childnrm.kit.errors import add_to_form
from childnrm.kit.i18n import Language

_NEXT = "childnrm_next"
_ENROL_DEVICE = "childnrm_enrol_device"
_NEW_CODES = "childnrm_recovery_codes"
_CHANGE_PROOF = "childnrm_authenticator_change_proof"
_CHANGE_DEVICE = "childnrm_authenticator_change_device"
# How long the password and security code given to change the authenticator app hold, in this session only.
AUTHENTICATOR_CHANGE_MINUTES = 10


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("core:home")


def _lockout_credentials(user: User) -> dict[str, str]:
    """What django-axes counts an account's failures under: its address, as the sign-in page passes it to
    authenticate() (typed addresses are lowered there; stored ones are lower case)."""
    return {"username": user.email}


def _account_locked(request: HttpRequest, user: User) -> bool:
    """Whether the account is locked now (ADR 0004). Axes checks this only when a password is tried, so each step
    after the password that accepts a credential asks again: a session half signed in before the lockout began must
    not finish signing in (nor, by doing so, forgive the failures) while it lasts."""
    return AxesProxyHandler.is_locked(request, _lockout_credentials(user))


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """Called by django-axes when an account has had too many failed attempts."""
    audit_record(context=AuditContext.from_request(request), action=Action.LOCKED_OUT, object_type="accounts.user")
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)  # a half-finished sign-in ends too
    return render(request, "accounts/locked_out.html", status=429)


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request, request.GET.get("next")))
    form = forms.SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"]
        )
        if user is None:
            audit_record(
                context=AuditContext.from_request(request), action=Action.SIGN_IN_FAILED, object_type="accounts.user"
            )
            form.add_error(None, gettext("Enter a correct email address and password"))
        else:
            next_url = _safe_next(request, request.GET.get("next"))
            login(request, user)  # password only: the access middleware still requires the second factor
            request.session[_NEXT] = next_url
            if services.totp_device_of(user) is None:
                return redirect("accounts:enrol")
            return redirect("accounts:second-factor")
    return render(request, "accounts/sign_in.html", {"form": form})


def _second_factor_verified(request: HttpRequest, device) -> None:
    """Both factors are proven: a new session key (the half-signed-in one may have leaked), and only
    now are earlier failures forgiven (a correct password alone does not reset the lockout count)."""
    otp_login(request, device)
    request.session.cycle_key()
    axes_reset(username=request.user.email)


@password_only
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect("core:home")
    if _account_locked(request, user):
        # Locked since this session's password was accepted (wrong codes in another session, wrong passwords): the
        # half sign-in ends before any code is tried.
        return locked_out(request)
    if services.totp_device_of(user) is None:
        return redirect("accounts:enrol")
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            _second_factor_verified(request, device)
            audit_record(context=AuditContext.from_request(request), action=Action.SIGN_IN, obj=user, purpose="Sign in")
            return redirect(request.session.pop(_NEXT, reverse("core:home")))
        audit_record(
            context=AuditContext.from_request(request), action=Action.SECOND_FACTOR_FAILED, obj=user, purpose="Sign in"
        )
        # Wrong codes count towards the same lockout as wrong passwords (the axes middleware answers).
        user_login_failed.send(sender=__name__, credentials=_lockout_credentials(user), request=request)
        form.add_error("code", gettext("The security code is not correct or has expired. Enter the newest code"))
    return render(request, "accounts/second_factor.html", {"form": form})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _unconfirmed_device(request: HttpRequest, session_key: str) -> TOTPDevice:
    """The new app being set up in this session: the one made for it on the first visit, until it is confirmed."""
    user = request.user
    device = TOTPDevice.objects.filter(pk=request.session.get(session_key), user=user, confirmed=False).first()
    if device is None:
        device = services.totp_enrolment_start(user=user)
        request.session[session_key] = device.pk
    return device


def _set_up_page(
    request: HttpRequest, template: str, form: forms.EnrolForm, device: TOTPDevice, **more: object
) -> HttpResponse:
    """A page setting up an authenticator app: the QR code, the key in groups, and a code from the app
    (accounts/includes/authenticator_set_up.html)."""
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        **more,
    }
    return render(request, template, context)


@password_only
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code or key, then prove it with one code. Only at the first sign-in and after
    an administrator's reset (which deletes the device and the password): a signed-in session, perhaps a stolen one,
    cannot put its own authenticator in place of the owner's (the owner changes theirs with authenticator_change)."""
    user = request.user
    if user.is_verified():
        return redirect("accounts:account")
    if services.totp_device_of(user) is not None:
        return redirect("accounts:second-factor")
    if _account_locked(request, user):
        return locked_out(request)
    device = _unconfirmed_device(request, _ENROL_DEVICE)
    form = forms.EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.totp_enrolment_confirm(
            user=user, device=device, token=form.cleaned_data["code"], audit=AuditContext.from_request(request)
        ):
            _second_factor_verified(request, device)
            request.session.pop(_ENROL_DEVICE, None)
            request.session[_NEW_CODES] = services.recovery_codes_issue(
                user=user, audit=AuditContext.from_request(request)
            )
            return redirect("accounts:recovery-codes")
        form.add_error("code", str(services.WRONG_NEW_APP_CODE))
    return _set_up_page(request, "accounts/enrol.html", form, device)


def _change_proven(request: HttpRequest) -> bool:
    """Whether this session proved both factors for changing the authenticator, for this user, in the last
    AUTHENTICATOR_CHANGE_MINUTES (the proof is dropped once the change is made)."""
    proof = request.session.get(_CHANGE_PROOF)
    return isinstance(proof, dict) and proof.get("user") == request.user.pk and time.time() < proof.get("until", 0)


def _change_forget(request: HttpRequest) -> None:
    request.session.pop(_CHANGE_PROOF, None)
    request.session.pop(_CHANGE_DEVICE, None)


@signed_in
def authenticator_change(request: HttpRequest) -> HttpResponse:
    """Change your authenticator app (a new phone, or a lost one after signing in with a recovery code), first step:
    the password and a security code again, as for new recovery codes, so a signed-in session alone (a stolen one)
    cannot put its own app in place of the owner's. A wrong answer counts towards the account's lockout. The proof
    holds for this session only, for AUTHENTICATOR_CHANGE_MINUTES and one change."""
    user = request.user
    if _account_locked(request, user):
        return locked_out(request)
    form = forms.BothFactorsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_prove(
                user=user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                change="authenticator",
                audit=AuditContext.from_request(request),
            )
        except services.CredentialsRefused as refusal:
            add_to_form(form, refusal)
            # The fifth failure locks the account: the axes middleware then answers with locked_out (signed out).
            user_login_failed.send(sender=__name__, credentials=_lockout_credentials(user), request=request)
        else:
            _change_forget(request)  # a new key for each proof
            request.session[_CHANGE_PROOF] = {"user": user.pk, "until": time.time() + AUTHENTICATOR_CHANGE_MINUTES * 60}
            return redirect("accounts:authenticator-change-set-up")
    return render(request, "accounts/authenticator_change.html", {"form": form})


@signed_in
def authenticator_change_set_up(request: HttpRequest) -> HttpResponse:
    """Second step: the new app, set up as at enrolment and proven with a code from it. Only then is the old app
    deleted; leaving before keeps it working. The session stays signed in, with the new app; the others are signed
    out."""
    user = request.user
    if _account_locked(request, user):
        return locked_out(request)
    if not _change_proven(request):
        _change_forget(request)
        messages.info(
            request, gettext("To change your authenticator app, enter your password and a security code again")
        )
        return redirect("accounts:authenticator-change")
    device = _unconfirmed_device(request, _CHANGE_DEVICE)
    form = forms.EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.authenticator_change(
                user=user,
                device=device,
                token=form.cleaned_data["code"],
                session_key=request.session.session_key,
                audit=AuditContext.from_request(request),
            )
        except services.CredentialsRefused as refusal:
            add_to_form(form, refusal)
        else:
            _change_forget(request)  # once only
            otp_login(request, device)  # the old device is gone: this session is verified by the new one
            request.session.cycle_key()
            request.session[_NEW_CODES] = codes
            request.session[_NEXT] = reverse("accounts:account")
            messages.success(request, gettext("Your authenticator app has been changed"))
            return redirect("accounts:recovery-codes")
    return _set_up_page(
        request, "accounts/authenticator_change_set_up.html", form, device, minutes=AUTHENTICATOR_CHANGE_MINUTES
    )


@signed_in
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows newly issued recovery codes once. New ones are asked for on their own page (recovery_codes_new)."""
    if request.method == "POST":
        return redirect("accounts:recovery-codes-new")  # the account page's old form: nothing is issued from here
    codes = request.session.pop(_NEW_CODES, None)
    if not codes:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": request.session.pop(_NEXT, reverse("core:home"))},
    )


@signed_in
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes, for whoever proves the password and a security code again: a signed-in session alone (a
    stolen one) cannot take codes of its own. A wrong answer counts towards the account's lockout as at sign-in."""
    user = request.user
    if _account_locked(request, user):
        return locked_out(request)
    form = forms.BothFactorsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_renew(
                user=user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                audit=AuditContext.from_request(request),
            )
        except services.CredentialsRefused as refusal:
            add_to_form(form, refusal)
            # The fifth failure locks the account: the axes middleware then answers with locked_out (signed out).
            user_login_failed.send(sender=__name__, credentials=_lockout_credentials(user), request=request)
        else:
            request.session[_NEW_CODES] = codes
            request.session[_NEXT] = reverse("accounts:account")
            return redirect("accounts:recovery-codes")
    return render(request, "accounts/recovery_codes_new.html", {"form": form})


@password_only
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        audit_record(
            context=AuditContext.from_request(request), action=Action.SIGN_OUT, obj=request.user, purpose="Sign out"
        )
    logout(request)
    messages.success(request, gettext("You have signed out"))
    return redirect("accounts:sign-in")


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"memberships": selectors.memberships_of(request.user)})


class PasswordChangeView(auth_views.PasswordChangeView):
    access_rule = "signed_in"
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A signed-in session (perhaps a stolen one) proves the password again here: a locked account changes nothing.
        if _account_locked(request, request.user):
            return locked_out(request)
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("old_password"):
            # A wrong old password counts towards the lockout as at sign-in (ADR 0004 amendment 4): else the session
            # could guess it without limit, then change it and shut the owner out.
            user_login_failed.send(
                sender=__name__, credentials=_lockout_credentials(self.request.user), request=self.request
            )
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            context=AuditContext.from_request(self.request),
            action=Action.UPDATE,
            obj=self.request.user,
            purpose="Account security",
            detail={"password": "changed"},
        )
        messages.success(self.request, gettext("Your password has been changed"))
        return response


password_change = signed_in(PasswordChangeView.as_view())
password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=forms.PasswordResetForm,
        template_name="accounts/password_reset.html",  # the form queues its email (forms.PasswordResetForm.save)
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=forms.SetPasswordForm,
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


# Site user administration ---------------------------------------------------------------------


def _role_hints() -> dict[str, str]:
    """What each role is for, under its checkbox, in the page's language (access.roles marks them)."""
    return {role: gettext(text) for role, text in ROLE_DESCRIPTIONS.items()}


@requires(Perm.SITE_USERS_MANAGE)
def site_users(request: HttpRequest) -> HttpResponse:
    sites = list(selectors.sites_administered_by(request.user))
    if len(sites) == 1:
        return redirect("accounts:site-user-list", site_slug=sites[0].slug)
    return render(request, "accounts/site_choose.html", {"sites": sites})


SITE_USERS_PER_PAGE = 50


@requires(Perm.SITE_USERS_MANAGE)
def site_user_list(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for_admin(request.user, site_slug)
    # First responders hold roles too: a site has hundreds or thousands of users, a page at a time.
    page = Paginator(selectors.site_users(site), SITE_USERS_PER_PAGE).get_page(request.GET.get("page"))
    users = list(page.object_list)
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.LIST,
        object_type="accounts.user",
        site_id=site.pk,
        purpose="Site user administration",
        detail={"count": page.paginator.count, "page": page.number, "ids": [u.pk for u in users]},
    )
    return render(request, "accounts/site_user_list.html", {"site": site, "users": users, "page": page})


@requires(Perm.SITE_USERS_MANAGE)
def site_user_add(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for_admin(request.user, site_slug)
    form = forms.SiteUserAddForm(request.POST if request.method == "POST" else None)
    form.fields["roles"].choices = nations.role_choices(form.fields["roles"].choices, site)
    if request.method == "POST" and form.is_valid():
        try:
            user, created = services.site_user_add(
                site=site, by=request.user, audit=AuditContext.from_request(request), **form.cleaned_data
            )
        except services.AdministrationRefused as refusal:
            add_to_form(form, refusal)
        else:
            if created:
                messages.success(request, gettext("%(name)s has been invited") % {"name": user.full_name})
            else:
                messages.success(request, gettext("%(name)s has been given the roles") % {"name": user.full_name})
            if Role.PANEL_MEMBER in form.cleaned_data["roles"]:
                # Their page offers the seat on the panel the role needs.
                return redirect("accounts:site-user-detail", site_slug=site.slug, user_id=user.pk)
            return redirect("accounts:site-user-list", site_slug=site.slug)
    return render(request, "accounts/site_user_add.html", {"site": site, "form": form, "role_hints": _role_hints()})


def _audit_user_view(request: HttpRequest, site: Site, member: User, detail: dict | None = None) -> None:
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=member,
        site_id=site.pk,
        purpose="Site user administration",
        detail=detail,
    )


def _site_user_page(
    request: HttpRequest,
    site: Site,
    member: User,
    form: forms.SiteUserRolesForm,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    _audit_user_view(request, site, member)
    # The guardian's role named as the site's nation names it.
    form.fields["roles"].choices = nations.role_choices(form.fields["roles"].choices, site)
    is_self = member.pk == request.user.pk
    context = {
        "site": site,
        "member": member,
        "form": form,
        "errors": [refusal] if refusal else [],
        "is_self": is_self,
        "may_reset": not is_self and selectors.account_within_admin_reach(admin=request.user, user=member),
        "role_hints": _role_hints(),
    }
    return render(request, "accounts/site_user_detail.html", context, status=status)


@requires(Perm.SITE_USERS_MANAGE)
def site_user_detail(request: HttpRequest, site_slug: str, user_id: int) -> HttpResponse:
    site = selectors.site_for_admin(request.user, site_slug)
    member = selectors.site_user_get(site, user_id)
    current = [m.role for m in member.site_roles]
    form = forms.SiteUserRolesForm(request.POST if request.method == "POST" else None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        roles = form.cleaned_data["roles"]
        if member.pk != request.user.pk and request.POST.get("confirmed") != "yes":
            # Taking every role away, or a seat on the panel with a role: first say what follows (nothing changes).
            loss = access_loss.access_loss(site=site, user=member, roles_after=roles)
            if loss.needs_confirmation:
                return _site_user_remove_page(request, site, member, loss)
        try:
            services.site_user_roles_set(
                site=site, user=member, roles=roles, by=request.user, audit=AuditContext.from_request(request)
            )
        except services.AdministrationRefused as refusal:
            form = forms.SiteUserRolesForm(initial={"roles": current})
            return _site_user_page(request, site, member, form, refusal=str(refusal), status=403)
        else:
            if not roles:
                messages.success(
                    request,
                    gettext("%(name)s no longer has access to %(site)s")
                    % {"name": member.full_name, "site": site.display_name},
                )
                return redirect("accounts:site-user-list", site_slug=site.slug)
            messages.success(request, gettext("Roles for %(name)s have been updated") % {"name": member.full_name})
            if Role.PANEL_MEMBER in set(form.cleaned_data["roles"]) - set(current):
                # Given the panel member role: their page offers the seat on the panel the role needs.
                return redirect("accounts:site-user-detail", site_slug=site.slug, user_id=member.pk)
            return redirect("accounts:site-user-list", site_slug=site.slug)
    return _site_user_page(request, site, member, form)


def _site_user_remove_page(
    request: HttpRequest, site: Site, member: User, loss: access_loss.AccessLoss
) -> HttpResponse:
    """The question before roles are taken away: what follows, a warning button that confirms (posting the same
    roles back to the user's page) and a link that cancels. Nothing has changed yet."""
    _audit_user_view(
        request,
        site,
        member,
        detail={"confirming": {"roles_removed": sorted(loss.roles_removed), "roles_kept": sorted(loss.roles_after)}},
    )
    labels = nations.role_labels(dict(Role.choices), site)
    context = {
        "site": site,
        "member": member,
        "loss": loss,
        "roles_removed": [label for code, label in labels.items() if code in loss.roles_removed],
    }
    return render(request, "accounts/site_user_remove.html", context)


@requires(Perm.SITE_USERS_MANAGE)
def site_user_remove(request: HttpRequest, site_slug: str, user_id: int) -> HttpResponse:
    """The confirmation page of "Remove from this site": every role taken away once confirmed on the user's page."""
    site = selectors.site_for_admin(request.user, site_slug)
    member = selectors.site_user_get(site, user_id)
    if member.pk == request.user.pk:
        return redirect("accounts:site-user-detail", site_slug=site.slug, user_id=member.pk)
    return _site_user_remove_page(
        request, site, member, access_loss.access_loss(site=site, user=member, roles_after=[])
    )


@requires(Perm.SITE_USERS_MANAGE)
@require_POST
def site_user_reset_second_factor(request: HttpRequest, site_slug: str, user_id: int) -> HttpResponse:
    site = selectors.site_for_admin(request.user, site_slug)
    member = selectors.site_user_get(site, user_id)
    try:
        services.second_factor_reset(user=member, by=request.user, audit=AuditContext.from_request(request))
    except services.AdministrationRefused as refusal:
        form = forms.SiteUserRolesForm(initial={"roles": [m.role for m in member.site_roles]})
        return _site_user_page(request, site, member, form, refusal=str(refusal), status=403)
    messages.success(
        request,
        gettext(
            "%(name)s has been signed out and emailed a link to choose a new password. "
            "They will then set up their authenticator app again"
        )
        % {"name": member.full_name},
    )
    return HttpResponseRedirect(reverse("accounts:site-user-detail", args=[site.slug, member.pk]))


# Site decision policy (issue 8 rule 12) -----------------------------------------------------------


@requires(Perm.SITE_POLICY_MANAGE)
def site_policies(request: HttpRequest) -> HttpResponse:
    sites = list(selectors.sites_with_policy_for(request.user))
    if len(sites) == 1:
        return redirect("accounts:site-policy", site_slug=sites[0].slug)
    return render(request, "accounts/site_policy_choose.html", {"sites": sites})


@requires(Perm.SITE_POLICY_MANAGE)
def site_policy(request: HttpRequest, site_slug: str) -> HttpResponse:
    """The policy in force, and every earlier version: who changed it, when, why and what changed."""
    site = selectors.site_for_policy_admin(request.user, site_slug)
    history = site_policy_service.policy_history(site)
    current = history[0]
    audit_record(
        context=AuditContext.from_request(request),
        action=Action.VIEW,
        obj=current,
        site_id=site.pk,
        purpose=site_policy_service.PURPOSE,
        detail={"version": current.version},
    )
    settings_now = [
        (site_policy_service.LABELS[name], site_policy_service.describe(name, value))
        for name, value in site_policy_service.policy_values(site).items()
    ]
    return render(
        request,
        "accounts/site_policy.html",
        {
            "site": site,
            "current": current,
            "settings_now": settings_now,
            "history": [
                {
                    "version": v.version,
                    "when": long_datetime(v.changed_at),
                    "who": v.changed_by.full_name if v.changed_by else "",
                    "why": v.reason,
                    "changes": v.changes,
                }
                for v in history
            ],
        },
    )


@requires(Perm.SITE_POLICY_MANAGE)
def site_policy_change(request: HttpRequest, site_slug: str) -> HttpResponse:
    site = selectors.site_for_policy_admin(request.user, site_slug)
    initial = forms.SitePolicyForm.initial_from(site_policy_service.policy_values(site))
    form = forms.SitePolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = site_policy_service.policy_change(
                site,
                request.user,
                form.policy_values(),
                form.cleaned_data["reason"],
                AuditContext.from_request(request),
            )
        except site_policy_service.PolicyInvalid as refusal:
            add_to_form(form, refusal)
        else:
            messages.success(
                request, gettext("Version %(version)s of the policy is now in force") % {"version": version.version}
            )
            return redirect("accounts:site-policy", site_slug=site.slug)
    return render(request, "accounts/site_policy_change.html", {"site": site, "form": form})


# Languages (ADR 0023) -------------------------------------------------------------------------------


@public
def language(request: HttpRequest) -> HttpResponse:
    """The language switch in the header: a link (it works without JavaScript), `?language=cy&next=/page/`, back to
    the same page in the chosen language. Remembered in a cookie, and on the user's account when signed in."""
    language_code = request.GET.get("language", "")
    response = redirect(_safe_next(request, request.GET.get("next")))
    if language_code not in Language.values:
        return response  # not a language of the service: back to the page, nothing changed
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language_code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    request.session.pop(VISIT_LANGUAGE, None)  # the switch beats a page's own choice for the visit
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language_code, audit=AuditContext.from_request(request))
    return response


@requires(Perm.SITE_POLICY_MANAGE)
def site_language(request: HttpRequest, site_slug: str) -> HttpResponse:
    """The site's default language, what its users see until they choose one themselves, and its name in Welsh."""
    site = selectors.site_for_policy_admin(request.user, site_slug)
    form = forms.SiteLanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"default_language": site.default_language, "name_cy": site.name_cy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_language_set(
                site=site,
                language=form.cleaned_data["default_language"],
                name_cy=form.cleaned_data["name_cy"],
                by=request.user,
                audit=AuditContext.from_request(request),
            )
        except services.AdministrationRefused as refusal:
            add_to_form(form, refusal)
        else:
            messages.success(request, gettext("The site's default language has been saved"))
            return redirect("accounts:site-policy", site_slug=site.slug)
    return render(request, "accounts/site_language.html", {"site": site, "form": form})
