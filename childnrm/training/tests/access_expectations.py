"""Who may use the training routes (see access/tests/test_access_matrix.py), and sample records.

The samples are each site's own demo course ("Panel practice", training.demo.load_demo), its session in three
weeks and the demo panel member's place on it. The site's coordinator and administrator run the course; only
the panel member reaches their place and its self-assessment; nobody of another site reaches any of them.
National courses (run by library moderators, seen by every site's training managers) are tested in
test_training.py.
"""

from __future__ import annotations

from childnrm.access.policy import LIBRARY_PRACTITIONERS
from childnrm.accounts.models import Role

PRACTITIONERS = set(LIBRARY_PRACTITIONERS) | {Role.LIBRARY_MODERATOR}
SITE_MANAGERS = {Role.COORDINATOR, Role.SITE_ADMIN}
ANY_MANAGER = SITE_MANAGERS | {Role.LIBRARY_MODERATOR}


def _course(site_slug: str):
    from childnrm.training.demo import SITE_COURSE
    from childnrm.training.models import Course

    return Course.objects.get(site__slug=site_slug, national=False, title=SITE_COURSE)


def _session_id(site_slug: str) -> int:
    return _course(site_slug).sessions.order_by("on").first().pk


def _attendance_id(site_slug: str) -> int:
    from childnrm.training.models import Attendance
    from conftest import demo_user

    return Attendance.objects.get(session__course=_course(site_slug), user=demo_user(Role.PANEL_MEMBER, site_slug)).pk


EXPECTED = {
    "training:mine": PRACTITIONERS,
    "training:book": PRACTITIONERS,  # POST only
    "training:cancel": PRACTITIONERS,  # POST only; a place of someone else's is not found
    "training:assessment": {Role.PANEL_MEMBER},
    "training:courses": ANY_MANAGER,
    "training:course-add": ANY_MANAGER,
    "training:course": SITE_MANAGERS,
    "training:course-change": SITE_MANAGERS,
    "training:evaluation": SITE_MANAGERS,
    "training:session-add": SITE_MANAGERS,
    "training:session": SITE_MANAGERS,
    "training:session-change": SITE_MANAGERS,
    # POST only, so a GET shows the role-level rule: library moderators use them on national courses' sessions.
    "training:attendee-add": ANY_MANAGER,
    "training:register": ANY_MANAGER,
    "training:settings": SITE_MANAGERS,
}
SAMPLES = {
    "training_course_id": lambda site_slug: _course(site_slug).pk,
    "training_session_id": _session_id,
    "training_attendance_id": _attendance_id,
    "training_stage": lambda site_slug: "before",
}
