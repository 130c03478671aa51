"""Writes for accounts: second factors, users and memberships. Each change is audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.access.policy import Perm, forget_cached_permissions, has_perm
from childnrm.accounts import access_loss
from childnrm.accounts.models import Membership, Organisation, Site, User
from childnrm.accounts.selectors import account_within_admin_reach
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError
from childnrm.kit.i18n import Language

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"


class AdministrationRefused(ServiceError):
    """A site administrator may not make this change; the message says why, in words for the page."""


OWN_ROLES_REFUSED = gettext_lazy("You cannot change your own roles. Ask another site administrator to change them")
OWN_RESET_REFUSED = gettext_lazy(
    "You cannot reset your own security codes. Ask another site administrator to reset them"
)
OTHER_SITE_RESET_REFUSED = gettext_lazy(
    "You cannot reset this person's security codes because they also have roles at a site you do not "
    "administer. Ask the service support team to reset them"
)
OTHER_SITE_ADD_REFUSED = gettext_lazy(
    "This email address cannot be given roles from here. Ask the service support team to give this person "
    "roles at your site"
)


class CredentialsRefused(ServiceError):
    """The password or security code given to confirm a change to how one signs in is wrong."""


WRONG_PASSWORD = gettext_lazy("The password is not correct")
WRONG_CODE = gettext_lazy("The security code is not correct or has expired. Enter the newest code")
WRONG_NEW_APP_CODE = gettext_lazy("The code is not correct. Check the time on your phone and enter the newest code")


def totp_device_of(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device the user proves by typing a code; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def recovery_codes_issue(*, user: User, audit: AuditContext | None = None, renewed: bool = False) -> list[str]:
    """Replace the user's recovery codes; returns them (shown once, stored only as device tokens). `renewed`: asked
    for again by a signed-in user (recovery_codes_renew), not given at enrolment."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        audit_record(
            context=audit,
            actor=user,
            action=Action.ENROL_SECOND_FACTOR,
            obj=user,
            purpose="Account security",
            detail={"recovery_codes": "renewed" if renewed else "issued"},
        )
    return codes


def second_factor_prove(
    *, user: User, password: str, code: str, change: str, audit: AuditContext | None = None
) -> None:
    """Both factors again, before a signed-in user changes how they sign in (`change`: "recovery_codes",
    "authenticator"): the password and a security code, from their app or one of their recovery codes (which is then
    used up). A session alone, perhaps a stolen one, cannot make such a change. A refusal is audited, and raised for
    the view to count towards the lockout as at sign-in (it changes nothing)."""
    if not user.check_password(password):
        _credentials_refused(user, audit, change, "password")
        raise CredentialsRefused(str(WRONG_PASSWORD), "password")
    if match_token(user, code) is None:
        _credentials_refused(user, audit, change, "security_code")
        raise CredentialsRefused(str(WRONG_CODE), "code")


def recovery_codes_renew(*, user: User, password: str, code: str, audit: AuditContext | None = None) -> list[str]:
    """New recovery codes for a signed-in user who proves both factors again (second_factor_prove): a session alone
    cannot take codes that would let it sign in again. The user is emailed, so codes they did not ask for are
    reported."""
    second_factor_prove(user=user, password=password, code=code, change="recovery_codes", audit=audit)
    with transaction.atomic():
        codes = recovery_codes_issue(user=user, audit=audit, renewed=True)
        _send_account_email(user=user, template="recovery_codes_renewed", password_link=False)
    return codes


def _credentials_refused(user: User, audit: AuditContext | None, change: str, wrong: str) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=Action.SIGN_IN_FAILED if wrong == "password" else Action.SECOND_FACTOR_FAILED,
        obj=user,
        purpose="Account security",
        detail={change: "refused", "wrong": wrong},
    )


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str, audit: AuditContext | None = None) -> bool:
    """The first authenticator (or the first after an administrator's reset), proven with a code from it."""
    with transaction.atomic():
        return _totp_device_confirm(user=user, device=device, token=token, audit=audit, detail={"device": "totp"})


def authenticator_change(
    *, user: User, device: TOTPDevice, token: str, session_key: str | None, audit: AuditContext | None = None
) -> list[str]:
    """A signed-in user's new authenticator app, proven with a code from it, in place of their old one (a new phone,
    or a lost one). The view asks for both factors first (second_factor_prove). The old app's codes stop working, the
    recovery codes are replaced (the new ones are returned, to show once), every session of the user but this one
    (`session_key`) is signed out, as a password change does, and the owner is emailed, so a change they did not make
    is reported. A wrong code raises CredentialsRefused and changes nothing: the old app still works."""
    with transaction.atomic():
        changed = _totp_device_confirm(
            user=user, device=device, token=token, audit=audit, detail={"device": "totp", "authenticator": "changed"}
        )
        if changed:
            codes = recovery_codes_issue(user=user, audit=audit, renewed=True)
            # Whoever holds the old phone or a recovery code may be signed in elsewhere: a session verified by a
            # recovery code would stay verified (the codes' device is kept), so every other session ends.
            sessions_end_for(user, keep=session_key)
            _send_account_email(user=user, template="authenticator_changed", password_link=False)
    if not changed:  # raised once the device's count of wrong codes is kept (django-otp's throttling)
        raise CredentialsRefused(str(WRONG_NEW_APP_CODE), "code")
    return codes


def _totp_device_confirm(
    *, user: User, device: TOTPDevice, token: str, audit: AuditContext | None, detail: dict
) -> bool:
    """Confirm the unconfirmed `device` with a code from it, deleting the user's confirmed one: one app per user. Its
    row is locked first, so two requests with the same code confirm it once. Call inside a transaction."""
    locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
    if locked is None or not locked.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    device.confirmed = True
    audit_record(
        context=audit,
        actor=user,
        action=Action.ENROL_SECOND_FACTOR,
        obj=user,
        purpose="Account security",
        detail=detail,
    )
    return True


def sessions_end_for(user: User, *, keep: str | None = None) -> int:
    """Delete every live session of the user (all devices) but the one whose key is `keep` (the session making the
    change); returns how many ended.

    Sessions expire after 30 idle minutes, so the live ones are few enough to read through.
    """
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def second_factor_reset(*, user: User, by: User, audit: AuditContext) -> None:
    """A site administrator clears a user's second factor, for a lost phone and lost recovery codes.

    The user is signed out everywhere and their password stops working: they choose a new one through
    a one-time link emailed to them before they can enrol a new authenticator. So whoever knows only
    the password cannot enrol their own device after a reset. Only an administrator of every site
    where the user holds a role may do this, and never on their own account.
    """
    if user.pk == by.pk:
        raise AdministrationRefused(str(OWN_RESET_REFUSED))
    if not account_within_admin_reach(admin=by, user=user):
        raise AdministrationRefused(str(OTHER_SITE_RESET_REFUSED))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        # A new password hash also invalidates any session we could not find (its auth hash no longer matches).
        user.set_unusable_password()
        user.save(update_fields=["password"])
        ended = sessions_end_for(user)
        audit_record(
            context=audit,
            actor=by,
            action=Action.UPDATE,
            obj=user,
            purpose="Site user administration",
            detail={"second_factor": "reset", "password": "to be chosen again", "sessions_ended": ended},
        )
        # Its link is made when the email is written, after the password above was made unusable: valid then.
        _send_account_email(user=user, template="second_factor_reset")


def demo_totp_key(email: str) -> str:
    """Deterministic TOTP secret for demo accounts, so the run command can print current codes."""
    return hmac.new(settings.SECRET_KEY.encode(), f"demo-totp:{email}".encode(), hashlib.sha1).hexdigest()


def _send_account_email(
    *,
    user: User,
    template: str,
    site: Site | None = None,
    roles: list[str] | None = None,
    by: User | None = None,
    subject: str | None = None,
    password_link: bool = True,
) -> None:
    """Queue an account email once the change in hand is committed (never for one rolled back): the worker writes it
    then, in the reader's language and with a fresh link, and sends it (accounts.tasks.account_email says what it
    holds). A mail server that is down fails the task, which is tried again, not the administrator's page. The queue
    keeps ids and role codes only."""
    from childnrm.accounts.tasks import send_account_email  # the tasks import the middleware, which imports us

    arguments = {
        "user_id": user.pk,
        "template": template,
        "site_id": site.pk if site else None,
        "by_id": by.pk if by else None,
        "roles": sorted(roles) if roles is not None else None,
        "subject": subject,
        "password_link": password_link,
    }
    transaction.on_commit(lambda: send_account_email.enqueue(**arguments))


def send_set_password_email(*, user: User, site: Site, roles: list[str], by: User) -> None:
    """An invited user chooses their own password through a one-time link (the reset mechanism). The email says
    which site, which roles and who invited them, so they can tell it from an imitation, and carries no child's
    data."""
    _send_account_email(user=user, template="invitation", site=site, roles=roles, by=by)


def send_roles_given_email(*, user: User, site: Site, roles: list[str], by: User) -> None:
    """Someone who already has an account is told when they are given roles (at another site, or more at a site):
    the invitation's words for the site, their roles there and who gave them, and how to check it is genuine,
    without a link (they sign in as they already do), so a grant they did not expect is reported."""
    _send_account_email(
        user=user, template="invitation", site=site, roles=roles, by=by, subject="roles_given", password_link=False
    )


def site_user_add(
    *,
    site: Site,
    email: str,
    full_name: str,
    organisation: Organisation,
    job_title: str,
    roles: list[str],
    by: User,
    audit: AuditContext,
) -> tuple[User, bool]:
    """Give someone roles at a site, creating their account if it does not exist yet.

    An existing account keeps its name and organisation: an administrator of one site may not
    rewrite the identity of a user another site also relies on. Nor may they attach an account that
    holds roles at a site they do not administer: the refusal names nobody.
    """
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        created = user is None
        if not created and not account_within_admin_reach(admin=by, user=user):
            raise AdministrationRefused(str(OTHER_SITE_ADD_REFUSED), "email")
        if created:
            user = User.objects.create_user(
                email, None, full_name=full_name, organisation=organisation, job_title=job_title
            )
        held = set(Membership.objects.filter(user=user, site=site, active=True).values_list("role", flat=True))
        for role in roles:
            Membership.objects.update_or_create(user=user, site=site, role=role, defaults={"active": True})
        forget_cached_permissions(user)
        audit_record(
            context=audit,
            actor=by,
            action=Action.CREATE if created else Action.UPDATE,
            obj=user,
            site_id=site.pk,
            purpose="Site user administration",
            detail={"roles_added": sorted(roles)},
        )
        if created:
            send_set_password_email(user=user, site=site, roles=roles, by=by)
        elif set(roles) - held:
            # Every role they now hold at the site, the new ones with those they had.
            send_roles_given_email(user=user, site=site, roles=sorted(held | set(roles)), by=by)
    return user, created


def site_user_roles_set(*, site: Site, user: User, roles: list[str], by: User, audit: AuditContext) -> None:
    """Make the user's active roles at this site exactly `roles` (none = removed from the site).

    Never one's own: an administrator cannot widen (or narrow) their own access without a second one.
    """
    if user.pk == by.pk:
        raise AdministrationRefused(str(OWN_ROLES_REFUSED))
    with transaction.atomic():
        # The person's row is locked before their roles are read, as site_user_add locks it: two administrators
        # saving at once go one after the other, so the second reads what the first left and neither passes the
        # access-loss effects (or the audit) roles that were already gone or that the other gave.
        User.objects.select_for_update().get(pk=user.pk)
        current = set(Membership.objects.filter(user=user, site=site, active=True).values_list("role", flat=True))
        wanted = set(roles)
        Membership.objects.filter(user=user, site=site, role__in=current - wanted).update(active=False)
        for role in wanted - current:
            Membership.objects.update_or_create(user=user, site=site, role=role, defaults={"active": True})
        forget_cached_permissions(user)
        audit_record(
            context=audit,
            actor=by,
            action=Action.UPDATE,
            obj=user,
            site_id=site.pk,
            purpose="Site user administration",
            detail={"roles_added": sorted(wanted - current), "roles_removed": sorted(current - wanted)},
        )
        # What the confirmation page said follows, in the apps above accounts (e.g. their places at sittings).
        access_loss.roles_taken_away(
            site=site,
            user=user,
            roles_after=frozenset(wanted),
            roles_removed=frozenset(current - wanted),
            by=by,
            audit=audit,
        )
        if wanted - current:
            # Told as an account given roles at another site is: a grant they did not expect gets reported.
            send_roles_given_email(user=user, site=site, roles=sorted(wanted), by=by)


# Languages (ADR 0023) -------------------------------------------------------------------------------


def user_language_set(*, user: User, language: str, audit: AuditContext | None = None) -> None:
    """Remember the language the user chose with the language switch, on every device they sign in from."""
    if language not in Language.values:
        raise ValueError(f"Not a language of the service: {language!r}")
    if user.language == language:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
        audit_record(
            context=audit, action=Action.UPDATE, obj=user, purpose="Account settings", detail={"language": language}
        )
    user.language = language


SITE_NAME_CY_MAX = Site._meta.get_field("name_cy").max_length


def site_language_set(*, site: Site, language: str, name_cy: str, by: User, audit: AuditContext) -> None:
    """The language a site's users see until they choose one themselves, and the site's name in Welsh, shown on
    pages and letters in Welsh (blank: the English name everywhere). Site administrators only; what changed is
    audited, before and after."""
    if not has_perm(by, Perm.SITE_POLICY_MANAGE, site.pk):
        raise PermissionDenied
    if language not in Language.values:
        raise AdministrationRefused(gettext("Select the site's default language"), "default_language")
    name_cy = " ".join(name_cy.split())
    if len(name_cy) > SITE_NAME_CY_MAX:
        raise AdministrationRefused(
            gettext("The name in Welsh must be %(limit_value)s characters or fewer")
            % {"limit_value": SITE_NAME_CY_MAX},
            "name_cy",
        )
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        after = {"default_language": language, "name_cy": name_cy}
        changed = {field: value for field, value in after.items() if getattr(locked, field) != value}
        if not changed:
            return
        detail = {field: {"before": getattr(locked, field), "after": value} for field, value in changed.items()}
        for field, value in changed.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(changed))
        audit_record(
            context=audit, action=Action.UPDATE, obj=locked, site_id=locked.pk, purpose="Site settings", detail=detail
        )
    site.default_language, site.name_cy = language, name_cy
