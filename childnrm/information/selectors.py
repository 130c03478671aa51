"""Scoped reads of information requests.

Two ways in, never mixed up:

- the coordinators of the site holding the case (INFORMATION_REQUEST) reach every request of the
  site's cases;
- an agency user (INFORMATION_RESPOND) reaches the requests addressed to *their own organisation*
  about cases of a site where they hold that role. A user of the same organisation at another site
  (a shared charity, a regional service) does not.

Anything else answers 404, as if the request did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.information.models import InformationRequest, RequestStatus, ResponseDocument
from childnrm.referrals.anonymised import case_anonymised, live
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.selectors import submitted_referral_get

# Cases the coordinator may ask about: sent to the site and still with its panel (and not anonymised: `case_askable`).
ASKABLE_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED)


def case_askable(referral: Referral) -> bool:
    """Whether the panel may ask agencies about the case: it is with the panel and retention has not anonymised it
    (`referrals.anonymised`: an anonymised record is kept for the figures, not for work)."""
    return referral.status in ASKABLE_STATUSES and not case_anonymised(referral)


def with_asking_panel() -> Q:
    """Requests whose case is still with the panel that asked: sent to its site, not handed on, withdrawn or
    anonymised. Any other request has ended with the case (services.ended_with_case), if it was still open: it is not
    chased, answered or counted as open or overdue."""
    return Q(referral__status__in=ASKABLE_STATUSES, referral__site_id=F("asking_site_id")) & live("referral__")


STATUS_FILTERS = ("open", "overdue", "answered", "withdrawn", "all")


def _with_case(queryset: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    return queryset.select_related(
        "referral", "referral__site", "asking_site", "organisation", "requested_by", "withdrawn_by", "protocol"
    )


def requests_for_coordinator(user) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(referral__site_id__in=sites_where(user, Perm.INFORMATION_REQUEST))


def requests_for_responder(user) -> QuerySet[InformationRequest]:
    """Requests addressed to the user's organisation, for cases of sites where they may answer."""
    sites = sites_where(user, Perm.INFORMATION_RESPOND)
    if not sites or getattr(user, "organisation_id", None) is None:
        return InformationRequest.objects.none()
    return InformationRequest.objects.filter(organisation_id=user.organisation_id, referral__site_id__in=sites)


def requests_visible_to(user) -> QuerySet[InformationRequest]:
    coordinator_sites = sites_where(user, Perm.INFORMATION_REQUEST)
    scope = Q(referral__site_id__in=coordinator_sites) if coordinator_sites else Q(pk__in=[])
    respond_sites = sites_where(user, Perm.INFORMATION_RESPOND)
    if respond_sites and getattr(user, "organisation_id", None) is not None:
        scope |= Q(organisation_id=user.organisation_id, referral__site_id__in=respond_sites)
    return InformationRequest.objects.filter(scope)


@dataclass(frozen=True)
class Access:
    """How the user reaches one request: as the site's coordinator, as the agency asked, or both."""

    request: InformationRequest
    as_coordinator: bool
    as_responder: bool


def request_get(user, reference: str) -> Access:
    info_request = _with_case(requests_visible_to(user)).filter(reference=reference).first()
    if info_request is None:
        raise Http404
    site_id = info_request.referral.site_id
    return Access(
        request=info_request,
        as_coordinator=site_id in sites_where(user, Perm.INFORMATION_REQUEST),
        as_responder=(
            site_id in sites_where(user, Perm.INFORMATION_RESPOND)
            and info_request.organisation_id == getattr(user, "organisation_id", None)
        ),
    )


def request_get_for_coordinator(user, reference: str) -> InformationRequest:
    info_request = _with_case(requests_for_coordinator(user)).filter(reference=reference).first()
    if info_request is None:
        raise Http404
    return info_request


def request_get_for_responder(user, reference: str) -> InformationRequest:
    info_request = _with_case(requests_for_responder(user)).filter(reference=reference).first()
    if info_request is None:
        raise Http404
    return info_request


def case_get(user, reference: str) -> Referral:
    """A case of a site where the user asks agencies for information (any status: its history stays)."""
    return submitted_referral_get(user, reference, Perm.INFORMATION_REQUEST)


def document_get(access: Access, document_id: int) -> ResponseDocument:
    document = (
        ResponseDocument.objects.select_related("response")
        .filter(pk=document_id, response__request=access.request)
        .first()
    )
    if document is None:
        raise Http404
    return document


def filter_requests(
    queryset: QuerySet[InformationRequest], *, status: str, today: date, agency: str = ""
) -> QuerySet[InformationRequest]:
    if status == "open":
        queryset = queryset.filter(with_asking_panel(), status=RequestStatus.OPEN)
    elif status == "overdue":
        queryset = queryset.filter(with_asking_panel(), status=RequestStatus.OPEN, due_on__lt=today)
    elif status == "answered":
        queryset = queryset.filter(status=RequestStatus.ANSWERED)
    elif status == "withdrawn":
        queryset = queryset.filter(status=RequestStatus.WITHDRAWN)
    if agency:
        queryset = queryset.filter(agency=agency)
    return queryset


def site_list(user, *, status: str, today: date, agency: str = "", case: str = "") -> QuerySet[InformationRequest]:
    queryset = filter_requests(requests_for_coordinator(user), status=status, today=today, agency=agency)
    if case:
        queryset = queryset.filter(referral__reference=case)
    return (
        queryset.select_related("referral", "referral__site", "organisation")
        .only(
            "reference",
            "status",
            "due_on",
            "agency",
            "chase_count",
            "last_chased_at",
            "requested_at",
            "asking_site",  # with the case's status, site and anonymisation: whether an open request ended with it
            "referral__status",
            "referral__anonymised_at",
            "referral__reference",
            "referral__given_names",
            "referral__family_name",
            "referral__site",
            "referral__site__name",
            "referral__site__name_cy",
            "referral__site__nation",  # names the guardian service on the row (`agency_shown`)
            "organisation__name",
            "organisation__name_cy",
        )
        .order_by("due_on", "id")
    )


def inbox(user, *, status: str, today: date) -> QuerySet[InformationRequest]:
    queryset = filter_requests(requests_for_responder(user), status=status, today=today)
    return (
        queryset.select_related("referral", "referral__site", "organisation")
        .only(
            "reference",
            "status",
            "due_on",
            "agency",
            "requested_at",
            "asking_site",  # with the case's status, site and anonymisation: whether an open request ended with it
            "referral__status",
            "referral__anonymised_at",
            "referral__reference",
            "referral__given_names",
            "referral__family_name",
            "referral__site",
            "referral__site__name",
            "referral__site__name_cy",
            "referral__site__nation",  # names the guardian service on the row (`agency_shown`)
            "organisation__name",
            "organisation__name_cy",
        )
        .order_by("due_on", "id")
    )


def answers_for_case(referral: Referral) -> QuerySet:
    """What agencies have shared about a case, oldest first, with who shared it and the documents.

    For other apps' pages (case papers, the decision record's evidence). The caller must already have
    reached `referral` through its own scoped selector; documents are downloaded only through
    `information:document`, which applies this app's scope.
    """
    from childnrm.information.models import InformationResponse

    return (
        InformationResponse.objects.filter(request__referral=referral)
        .select_related("request", "request__referral__site", "organisation", "responded_by")
        .prefetch_related("documents")
        .order_by("responded_at", "id")
    )


# Information-sharing protocols: the coordinators of the protocol's site only. --------------------


def protocols_for_coordinator(user) -> QuerySet:
    from childnrm.information.models import SharingProtocol

    return SharingProtocol.objects.filter(site_id__in=sites_where(user, Perm.INFORMATION_REQUEST)).select_related(
        "site", "organisation"
    )


def protocol_get(user, reference: str):
    protocol = protocols_for_coordinator(user).filter(reference=reference).first()
    if protocol is None:
        raise Http404
    return protocol


def protocol_document_get(protocol, document_id: int):
    document = protocol.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document
