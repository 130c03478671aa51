"""Who may use the retention routes (see access/tests/test_access_matrix.py), and sample records."""

from childnrm.accounts.models import Role
from childnrm.core.tests.samples import sample_cache

DPO = {Role.DATA_PROTECTION_OFFICER}
HOLDERS = {Role.DATA_PROTECTION_OFFICER, Role.COORDINATOR}

_holds: dict[str, int] = sample_cache()


def _hold_id(site_slug: str) -> int:
    """A legal hold on a child of the site (made once per test)."""
    from childnrm.people.models import Child
    from childnrm.retention.models import LegalHold
    from childnrm.retention.services import legal_hold_place
    from conftest import demo_user

    pk = _holds.get(site_slug)
    if pk is None or not LegalHold.objects.filter(pk=pk, child__site__slug=site_slug).exists():
        child = Child.objects.filter(site__slug=site_slug).order_by("pk").first()
        pk = legal_hold_place(
            user=demo_user(Role.DATA_PROTECTION_OFFICER, site_slug), child=child, reason="A claim has been brought."
        ).pk
        _holds[site_slug] = pk
    return pk


EXPECTED = {
    "retention:index": DPO,
    "retention:list": DPO,
    "retention:approve": DPO,
    "retention:schedule": DPO,
    "retention:rule": DPO,
    "retention:holds-index": HOLDERS,
    "retention:holds": HOLDERS,
    "retention:hold-lift": HOLDERS,
}
SAMPLES = {"hold_id": _hold_id, "record_type": lambda site_slug: "decided_case"}
