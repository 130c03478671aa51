"""Who may use the outcomes routes (see access/tests/test_access_matrix.py).

The sample child (`reference`) is each site's first child, allocated to the demo guardian. The sample review
and missing episode belong to a decided child whose guardian is the demo guardian (`factories.sample_decision`):
the guardian records them, the coordinator reads the reviews, nobody else reaches them.
"""

from childnrm.accounts.models import Role

OWNER = {Role.ICTG}


def _review_id(site_slug: str) -> int:
    from childnrm.outcomes.models import OutcomeReview
    from childnrm.outcomes.tests.factories import sample_decision

    child = sample_decision(site_slug).referral.child
    return OutcomeReview.objects.filter(child=child).order_by("due_on").first().pk


def _episode_id(site_slug: str) -> int:
    from childnrm.accounts.models import User
    from childnrm.outcomes.models import MissingEpisode
    from childnrm.outcomes.tests.factories import missing_episode, sample_decision
    from childnrm.people.demo import demo_email

    child = sample_decision(site_slug).referral.child
    episode = MissingEpisode.objects.filter(child=child).first()
    if episode is None:
        episode = missing_episode(child, User.objects.get(email=demo_email(Role.ICTG, site_slug)))
    return episode.pk


EXPECTED = {
    "outcomes:mine": {Role.ICTG, Role.PANEL_MEMBER, Role.FIRST_RESPONDER},
    "outcomes:child": {Role.COORDINATOR, Role.ICTG},
    "outcomes:missing-add": OWNER,
    "outcomes:review": {Role.COORDINATOR, Role.ICTG},
    "outcomes:missing-edit": OWNER,
    "outcomes:schedules": {Role.SITE_ADMIN},
    "outcomes:schedule": {Role.SITE_ADMIN},
}
SAMPLES = {"review_id": _review_id, "episode_id": _episode_id}
