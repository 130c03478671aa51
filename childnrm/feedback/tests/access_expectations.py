"""Who may use the feedback routes (see access/tests/test_access_matrix.py), and sample records.

The sample child (`reference`) is each site's first child, allocated to the demo guardian. The sample session is
one the demo guardian starts for that child (`feedback_session_id`), and the sample link (`feedback_token`) is a
fresh session's one-time link: the child's form is PUBLIC, so anyone not signed in opens it, and so does anyone
signed in at the child's site; a signed-in user of another site is refused it (404), as is a made-up, expired or
used link (tests/test_views.py).
"""

from childnrm.access.constants import PUBLIC
from childnrm.accounts.models import Role


def _started(site_slug: str):
    from childnrm.accounts.models import Site
    from childnrm.feedback.demo import open_session
    from childnrm.safeguarding.demo import demo_child
    from conftest import demo_user

    return open_session(demo_child(Site.objects.get(slug=site_slug)), demo_user(Role.ICTG, site_slug))


def _session_id(site_slug: str) -> int:
    return _started(site_slug).session.pk


def _token(site_slug: str) -> str:
    return _started(site_slug).token


EXPECTED = {
    "feedback:summary": {Role.COORDINATOR, Role.ANALYST},
    "feedback:child": {Role.COORDINATOR, Role.ICTG},
    "feedback:start": {Role.ICTG},
    "feedback:session": {Role.ICTG},
    "feedback:cancel": {Role.ICTG},
    "feedback:code": PUBLIC,
    "feedback:thanks": PUBLIC,
    "feedback:privacy": PUBLIC,
    "feedback:accessibility": PUBLIC,
    "feedback:form": PUBLIC,
}
SAMPLES = {"feedback_session_id": _session_id, "feedback_token": _token}
