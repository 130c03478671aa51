"""Access expectations for the integration API (see access/tests/test_access_matrix.py).

The API's routes take no session: the matrix checks them with tokens instead (`API`): no token gets
401, another organisation's token gets 404 for this organisation's referral and sees none of it.
"""

from __future__ import annotations

from datetime import date

from childnrm.access.constants import API, NOWHERE, PUBLIC

EXPECTED = {
    "api:api-root": PUBLIC,
    "api:openapi-json": PUBLIC,
    "api:referral-submit": API,
    "api:referral-list": API,
    "api:referral-import-home-office": API,
    "api:referral-status": API,
    "api:not-found": NOWHERE,  # any other path under /api/: the API's JSON 404
}


def site_organisation(site_slug: str):
    """The organisation whose token the matrix uses for a site: the site's first local authority."""
    from childnrm.accounts.models import Site

    return Site.objects.get(slug=site_slug).local_authorities.order_by("pk").first()


def _api_referral_reference(site_slug: str) -> str:
    """A referral the site's local authority submitted through the API (created once per test)."""
    from childnrm.api.services import api_referral_submit
    from childnrm.referrals.models import Referral, ReferralSource

    organisation = site_organisation(site_slug)
    existing = Referral.objects.filter(referrer_organisation=organisation, source=ReferralSource.API).first()
    if existing is not None:
        return existing.reference
    referral = api_referral_submit(
        organisation=organisation,
        fields={
            "given_names": f"Apitest{site_slug.replace('-', '').title()}",
            "family_name": "Matrixchild",
            "date_of_birth": date(2012, 3, 4),
            "sex": "female",
            "residence_local_authority": organisation,
            "exploitation_types": ["criminal"],
            "account": "Sample account for the access matrix.",
            "referrer_name": "Matrix Referrer",
            "referrer_phone": "0100 000 0000",
        },
        audit_detail={"api_token": "matrix"},
    )
    return referral.reference


SAMPLES = {"api_referral_reference": _api_referral_reference, "unknown_api_path": lambda site_slug: "no/such/path"}
