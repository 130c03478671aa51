"""Every page that shows a child's data is audited (the standard: every read of a child's record is recorded).

The walk takes every route the access matrix knows (so a new route is in it the day it is added), opens it with
the demo data as each role of the site the matrix lets use it, and reads whether the page shows any of the site's
child data (`child_data_of`: children's references and names, referrals' references and the names on them). A page
that does must have written at least one audit event for that request; a sign-in or a refusal is not a read.

One signed-in client per role for the whole walk, over URLs drawn once for the module (`conftest.py`). Redirects
are not followed: the page redirected to is a route of its own, walked as itself.

Blind spot: a page the demo data leaves empty (a confirmation page with nothing to confirm) shows no child data
here, so is not held to it; such pages need a test of their own with data drawn for them.
"""

from __future__ import annotations

from childnrm.access.tests.test_access_matrix import _text, child_data_of
from childnrm.access.tests.welsh_every_route import SITE, who_may_open
from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from conftest import demo_user, signed_in

# Written by a request, but not a record of what was read.
NOT_A_READ = {Action.SIGN_IN, Action.REFUSED}


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def pages_showing_child_data(urls: dict[str, str]) -> dict[tuple[str, Role], tuple[list[str], bool]]:
    """Each route and role whose page shows the site's child data: what it shows, and whether that request
    wrote an audit event of a read."""
    markers = child_data_of(SITE)  # after the URLs are drawn: some samples are referrals made then
    found: dict[tuple[str, Role], tuple[list[str], bool]] = {}
    for role in Role:
        client = signed_in(demo_user(role, SITE))
        for name, url in urls.items():
            if role not in who_may_open(name):
                continue
            before = _last_seq()
            body = _text(client.get(url))
            shown = [m for m in markers if m in body]
            if shown:
                audited = AuditEvent.objects.filter(seq__gt=before).exclude(action__in=NOT_A_READ).exists()
                found[(name, role)] = (shown, audited)
    return found


def test_every_page_showing_a_childs_data_is_audited(demo, every_route_url):
    found = pages_showing_child_data(every_route_url)
    # The walk sees child data where it is sure to be (else the markers, not the pages, would be what passes).
    assert ("people:detail", Role.COORDINATOR) in found and len(found) > 20, sorted(found)
    unaudited = [
        f"{name} as {role} ({every_route_url[name]}) shows {shown[:3]}"
        for (name, role), (shown, audited) in sorted(found.items())
        if not audited
    ]
    assert not unaudited, "Pages showing a child's data without an audit event:\n" + "\n".join(unaudited)
