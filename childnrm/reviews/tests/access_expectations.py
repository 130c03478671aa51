"""Who may use the reviews routes (see access/tests/test_access_matrix.py)."""

from childnrm.accounts.models import Role


def _reconsideration_id(site_slug: str) -> int:
    from childnrm.reviews.tests.factories import reconsideration

    return reconsideration(site_slug).pk


def _return_id(site_slug: str) -> int:
    from childnrm.reviews.tests.factories import decision_return

    return decision_return(site_slug).pk


def _finding_id(site_slug: str) -> int:
    from childnrm.reviews.tests.factories import finding

    return finding(site_slug).pk


COORDINATOR = {Role.COORDINATOR}
PANEL_OR_SCA = {Role.COORDINATOR, Role.SCA_QUALITY_ASSURER}
EXPECTED = {
    "reviews:reconsiderations": COORDINATOR,
    "reviews:reconsideration-new": COORDINATOR,
    "reviews:reconsideration": COORDINATOR,
    "reviews:reconsideration-listing": COORDINATOR,
    "reviews:reconsideration-outcome": COORDINATOR,
    "reviews:reconsideration-communicated": COORDINATOR,
    "reviews:reconsideration-withdrawn": COORDINATOR,
    "reviews:returns": PANEL_OR_SCA,
    "reviews:return-new": COORDINATOR,
    "reviews:return": PANEL_OR_SCA,
    "reviews:return-json": PANEL_OR_SCA,
    "reviews:return-pdf": PANEL_OR_SCA,
    "reviews:finding-answer": COORDINATOR,
}
SAMPLES = {"reconsideration_id": _reconsideration_id, "return_id": _return_id, "finding_id": _finding_id}
