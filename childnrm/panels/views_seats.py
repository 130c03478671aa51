"""Offering a seat on the panel to someone given the panel member role (see panels.seats)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from childnrm.access.decorators import requires
from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Role, Site
from childnrm.panels import rules, services
from childnrm.panels.forms import NO, YES, MemberForm
from childnrm.panels.models import PanelMember
from childnrm.panels.seats import suggested_seat
from childnrm.panels.views import member_seated


@requires(Perm.PANEL_MANAGE, Perm.PANEL_SEAT_GIVE)
def seat_offer(request: HttpRequest, site_slug: str, user_id: int) -> HttpResponse:
    """Give a seat on the site's panel to a user who holds the panel member role there."""
    givers = set(sites_where(request.user, Perm.PANEL_MANAGE)) | set(sites_where(request.user, Perm.PANEL_SEAT_GIVE))
    site = Site.objects.filter(slug=site_slug, active=True, pk__in=givers).first()
    if site is None:
        raise Http404
    member_user = (
        services.users_with_role(site, Role.PANEL_MEMBER).select_related("organisation").filter(pk=user_id).first()
    )
    if member_user is None or not services.may_give_seat(request.user, site.pk, member_user):
        raise Http404
    if has_perm(request.user, Perm.SITE_USERS_MANAGE, site.pk):
        back = reverse("accounts:site-user-detail", args=[site.slug, member_user.pk])
    else:
        back = reverse("panels:members")
    if PanelMember.objects.filter(site=site, user=member_user, active=True).exists():
        messages.info(request, gettext("%(name)s already sits on the panel") % {"name": member_user.full_name})
        return redirect(back)
    seat = suggested_seat(member_user)
    votes = seat["agency"] in rules.SEAT_ORGANISATION_TYPE
    initial = {**seat, "voting": YES if votes else NO}
    form = MemberForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and member_seated(request, site, form, member_user):
        return redirect(back)
    return render(
        request, "panels/seat_offer.html", {"form": form, "site": site, "member_user": member_user, "back": back}
    )
