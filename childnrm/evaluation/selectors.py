"""Scoped reads of data-sharing agreements, their releases and the synthetic datasets.

Who sees an agreement: the analysts (EVALUATION_EXTRACT) and the data protection officer (DATA_SHARING_APPROVE) of
its site. Analysts release files under it; the officer approves, refuses and revokes it. Anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.evaluation.models import DataSharingAgreement, ExtractRelease, SyntheticRelease


def _sites(user, *perms: Perm) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted({site_id for perm in perms for site_id in sites_where(user, perm)})


def agreements_visible(user) -> QuerySet[DataSharingAgreement]:
    sites = _sites(user, Perm.EVALUATION_EXTRACT, Perm.DATA_SHARING_APPROVE)
    return DataSharingAgreement.objects.filter(site_id__in=sites).select_related("site", "requested_by", "decided_by")


def agreement_get(user, agreement_id: int) -> DataSharingAgreement:
    agreement = agreements_visible(user).select_related("revoked_by").filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement


def agreement_for_release(user, agreement_id: int) -> DataSharingAgreement:
    """An agreement of a site where the user may release files (whether it is in force is the service's check)."""
    agreement = (
        DataSharingAgreement.objects.filter(site_id__in=_sites(user, Perm.EVALUATION_EXTRACT), pk=agreement_id)
        .select_related("site")
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def agreement_for_decision(user, agreement_id: int) -> DataSharingAgreement:
    agreement = (
        DataSharingAgreement.objects.filter(site_id__in=_sites(user, Perm.DATA_SHARING_APPROVE), pk=agreement_id)
        .select_related("site")
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def may_release(user, agreement: DataSharingAgreement) -> bool:
    return agreement.site_id in _sites(user, Perm.EVALUATION_EXTRACT)


def may_decide(user, agreement: DataSharingAgreement) -> bool:
    return agreement.site_id in _sites(user, Perm.DATA_SHARING_APPROVE)


def releases_of(agreement: DataSharingAgreement) -> QuerySet[ExtractRelease]:
    return ExtractRelease.objects.filter(agreement=agreement).select_related("released_by").defer("referral_ids")


def sites_for_request(user):
    from childnrm.accounts.models import Site

    return Site.objects.filter(pk__in=_sites(user, Perm.EVALUATION_EXTRACT), active=True).order_by("name")


def latest_synthetic(user) -> SyntheticRelease | None:
    """The newest synthetic dataset the user may see: one of every site, or of a site where they are an analyst."""
    sites = _sites(user, Perm.EVALUATION_EXTRACT)
    if not sites:
        return None
    return SyntheticRelease.objects.filter(Q(site__isnull=True) | Q(site_id__in=sites)).first()
