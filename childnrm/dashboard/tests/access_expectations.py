"""Who may see the dashboard (see access/tests/test_access_matrix.py). `site_slug` is filled by the matrix.

Each section's full list is open to those who see that section: the decision clocks and the sittings left in
session to the coordinator and the chair; the rest (letters, explanations, guardians, plans, information,
turning 18, reconsideration, missing children and their return home interviews) to the coordinator, who acts on them.
"""

from childnrm.accounts.models import Role

BOTH = {Role.COORDINATOR, Role.CHAIR}
COORDINATOR = {Role.COORDINATOR}

EXPECTED = {
    "dashboard:home": BOTH,
    "dashboard:site": BOTH,
    "dashboard:rg-overdue": BOTH,
    "dashboard:rg-due-soon": BOTH,
    "dashboard:cg-ready": BOTH,
    "dashboard:cg-recovery": BOTH,
    "dashboard:turning-18-cut-off": BOTH,
    "dashboard:sittings-stale": BOTH,
    "dashboard:reconsideration": COORDINATOR,
    "dashboard:turning-18": COORDINATOR,
    "dashboard:adult-consent": COORDINATOR,
    "dashboard:letters-not-produced": COORDINATOR,
    "dashboard:not-explained": COORDINATOR,
    "dashboard:without-guardian": COORDINATOR,
    "dashboard:actions-overdue": COORDINATOR,
    "dashboard:information-overdue": COORDINATOR,
    "dashboard:protocols-review": COORDINATOR,
    "dashboard:missing-now": COORDINATOR,
    "dashboard:return-interviews": COORDINATOR,
}
SAMPLES: dict = {}
