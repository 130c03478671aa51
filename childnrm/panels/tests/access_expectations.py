"""Who may use the panel's routes (see access/tests/test_access_matrix.py).

The sample meeting is the site's demo sitting: the demo chair, panel member, guardian and adviser
are invited to it (with the demo police and social care members), so they reach it and its papers.
"""

from childnrm.accounts.models import Role

MANAGE = {Role.COORDINATOR}
# Opening, attendance and closing: the coordinator, and the sitting's own chair (the demo chair chairs the sample).
RUN = {Role.COORDINATOR, Role.CHAIR}
# Invited to the demo meeting (or running the panel).
ATTENDING = {Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ICTG, Role.ADVISER}


def _meeting_id(site_slug: str) -> int:
    from childnrm.panels.tests.samples import sample_meeting

    return sample_meeting(site_slug).pk


def _item_id(site_slug: str) -> int:
    from childnrm.panels.tests.samples import sample_item

    return sample_item(site_slug).pk


def _member_id(site_slug: str) -> int:
    from childnrm.panels.tests.samples import sample_member

    return sample_member(site_slug).pk


EXPECTED = {
    "panels:members": MANAGE,
    "panels:member-add": MANAGE,
    "panels:member-change": MANAGE,
    "panels:member-remove": MANAGE,
    # The demo panel member already sits on the panel: those who may give the seat are sent back, others refused.
    "panels:seat-offer": {Role.COORDINATOR, Role.SITE_ADMIN},
    "panels:meetings": MANAGE,
    "panels:meeting-schedule": MANAGE,
    "panels:my-meetings": ATTENDING,
    "panels:meeting": ATTENDING,
    "panels:meeting-change": MANAGE,
    "panels:meeting-open": RUN,
    "panels:meeting-close": RUN,
    "panels:meeting-cancel": MANAGE,
    "panels:attendance": RUN,
    "panels:attendee-add": MANAGE,
    "panels:attendee-remove": MANAGE,
    "panels:agenda": MANAGE,
    "panels:agenda-remove": MANAGE,
    "panels:next-sitting-add": MANAGE,
    "panels:conflicts": MANAGE,
    "panels:papers": ATTENDING,
    "panels:paper-document": ATTENDING,
}
SAMPLES = {"meeting_id": _meeting_id, "item_id": _item_id, "member_id": _member_id}
