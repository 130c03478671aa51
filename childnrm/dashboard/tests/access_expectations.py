"""Who may see the dashboard (see access/tests/test_access_matrix.py). `site_slug` is filled by the matrix."""

from childnrm.accounts.models import Role

EXPECTED = {
    "dashboard:home": {Role.COORDINATOR, Role.CHAIR},
    "dashboard:site": {Role.COORDINATOR, Role.CHAIR},
}
SAMPLES: dict = {}
