"""Who may use the linkage pages (see access/tests/test_access_matrix.py).

The URL names a child by its `reference`, which the matrix fills with a child of the site.
"""

from childnrm.accounts.models import Role

EXPECTED = {
    # Deciding whether records are of the same child is the coordinator's (Perm.CHILD_LINK).
    "people:link-candidates": {Role.COORDINATOR},
    # Other sites that may hold a record of the child (the national sweep): the coordinator's, like linking.
    "people:other-sites": {Role.COORDINATOR},
}
SAMPLES: dict = {}
