"""Who may use the site policy routes (see access/tests/test_access_matrix.py): site administrators only."""

from childnrm.accounts.models import Role

EXPECTED = {
    "accounts:site-policies": {Role.SITE_ADMIN},
    "accounts:site-policy": {Role.SITE_ADMIN},
    "accounts:site-policy-change": {Role.SITE_ADMIN},
}
