"""Who may use the burdens routes (see access/tests/test_access_matrix.py).

The sample case is a decided case of the site (`factories.sample_decided_case`): its sitting's chair, panel
members, guardian and adviser work on it, and the coordinator works on every case of the site; the demo first
responder did not refer it and is not its child's social worker. The sample sitting is that case's sitting.
"""

from childnrm.accounts.models import Role

WORK_ON_THE_CASE = {Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG}


def _case_reference(site_slug: str) -> str:
    from childnrm.burdens.tests.factories import sample_decided_case

    return sample_decided_case(site_slug).referral.reference


def _meeting_id(site_slug: str) -> int:
    from childnrm.burdens.tests.factories import sample_decided_case

    return sample_decided_case(site_slug).meeting_id


EXPECTED = {
    "burdens:mine": WORK_ON_THE_CASE | {Role.FIRST_RESPONDER},
    "burdens:case": WORK_ON_THE_CASE,
    "burdens:log": WORK_ON_THE_CASE,
    "burdens:sittings": {Role.COORDINATOR},
    "burdens:sitting": {Role.COORDINATOR},
    "burdens:rates": {Role.SITE_ADMIN},
    "burdens:site-rates": {Role.SITE_ADMIN},
    "burdens:costs": {Role.COORDINATOR, Role.ANALYST},
}
SAMPLES = {"burden_case_reference": _case_reference, "burden_meeting_id": _meeting_id}
