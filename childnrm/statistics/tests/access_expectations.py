"""Who may use the statistics routes (see access/tests/test_access_matrix.py): analysts (every site's aggregates)
and coordinators (their own site's). No route names a record: the table and format of a download are in the query."""

from childnrm.accounts.models import Role

VIEWERS = {Role.ANALYST, Role.COORDINATOR}

EXPECTED = {
    "statistics:index": VIEWERS,
    "statistics:equality": VIEWERS,
    "statistics:pilot": VIEWERS,
    "statistics:consistency": VIEWERS,
    "statistics:download": VIEWERS,
    "statistics:home-office-return": VIEWERS,
}
SAMPLES: dict = {}
