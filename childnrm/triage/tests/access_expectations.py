"""Who may use the coordinator's routes (see access/tests/test_access_matrix.py)."""

from childnrm.accounts.models import Role


def _referral_reference(site_slug: str) -> str:
    # A referral submitted by the site's demo first responder: in the coordinator's queue, and the referrer's own.
    from childnrm.referrals.tests.factories import sample_referral_reference

    return sample_referral_reference(site_slug)


EXPECTED = {
    "triage:queue": {Role.COORDINATOR},
    "triage:triage": {Role.COORDINATOR},
    "triage:facts": {Role.COORDINATOR},
    # POST only (GET answers 405); the record must be a kept possible earlier record at the user's site.
    "triage:earlier-record": {Role.COORDINATOR},
    "triage:adult-consent": {Role.COORDINATOR},
    "triage:case-packet": {Role.COORDINATOR},
    "triage:case-packet-json": {Role.COORDINATOR},
    "triage:case-packet-pdf": {Role.COORDINATOR},
}
SAMPLES = {"referral_reference": _referral_reference}
