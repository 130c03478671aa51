"""Who may use the hand-over routes (see access/tests/test_access_matrix.py), and sample records."""

from childnrm.accounts.models import Role
from childnrm.core.tests.samples import sample_cache

_children: dict[str, str] = sample_cache()
_transfers: dict[str, int] = sample_cache()


def _child_reference(site_slug: str) -> str:
    """A child of the site whose referral the panel has accepted (made once per test)."""
    from childnrm.dashboard.tests.factories import accepted_referral
    from childnrm.people.models import Child

    reference = _children.get(site_slug)
    if reference is None or not Child.objects.filter(reference=reference, site__slug=site_slug).exists():
        reference = accepted_referral(site_slug).child.reference
        _children[site_slug] = reference
    return reference


def _transfer_id(site_slug: str) -> int:
    """A case the site transferred to the SCA (made once per test)."""
    from childnrm.dashboard.tests.factories import accepted_referral
    from childnrm.handovers.models import CaseTransfer, TransferDestination
    from childnrm.handovers.services import case_transfer
    from conftest import demo_user

    pk = _transfers.get(site_slug)
    if pk is None or not CaseTransfer.objects.filter(pk=pk, from_site__slug=site_slug).exists():
        child = accepted_referral(site_slug).child
        pk = case_transfer(
            child=child,
            user=demo_user(Role.COORDINATOR, site_slug),
            destination=TransferDestination.SCA,
            to_site=None,
            reason="The child turns 18 before the panel can decide.",
        ).pk
        _transfers[site_slug] = pk
    return pk


def _sca_case_reference(site_slug: str) -> str:
    """The case of the sample transfer to the SCA."""
    from childnrm.handovers.models import CaseTransfer

    return CaseTransfer.objects.select_related("referral").get(pk=_transfer_id(site_slug)).referral.reference


EXPECTED = {
    "handovers:transfers": {Role.COORDINATOR},
    "handovers:transfer": {Role.COORDINATOR},
    "handovers:transfer-json": {Role.COORDINATOR},
    "handovers:transfer-pdf": {Role.COORDINATOR},
    "handovers:transfer-new": {Role.COORDINATOR},
    "handovers:sca-decision": {Role.COORDINATOR},
    "handovers:turning-18": {Role.COORDINATOR},
    "handovers:adult-transition": {Role.COORDINATOR},
}
SAMPLES = {
    "child_reference": _child_reference,
    "transfer_id": _transfer_id,
    "sca_case_reference": _sca_case_reference,
}
