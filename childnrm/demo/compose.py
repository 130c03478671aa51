"""The whole demo, composed from every app's demo module (the top layer: it may import any app).

`load_demo_data` is what the tests' demo fixture and `manage.py seed_demo` load: the sites, their users and
children (`people.demo`), then each app's own demo records per site, in the order the apps depend on each other.
Each app's `load_demo(site=, site_users=, organisations=)` is idempotent, as the base is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from childnrm.accounts.models import User
from childnrm.burdens import demo as burdens_demo
from childnrm.case_reviews import demo as case_reviews_demo
from childnrm.decisions import demo as decisions_demo
from childnrm.evaluation import demo as evaluation_demo
from childnrm.feedback import demo as feedback_demo
from childnrm.information import demo as information_demo
from childnrm.learning import demo as learning_demo
from childnrm.outcomes import demo as outcomes_demo
from childnrm.panels import demo as panels_demo
from childnrm.people.demo import load_demo_sites
from childnrm.reviews import demo as reviews_demo
from childnrm.safeguarding import demo as safeguarding_demo
from childnrm.training import demo as training_demo

# Per site, in dependency order: a panel before its decisions, decisions before plans and outcomes.
SITE_LOADERS: tuple[Callable[..., object], ...] = (
    panels_demo.load_demo,
    information_demo.load_demo,
    decisions_demo.load_demo,
    reviews_demo.load_demo,
    safeguarding_demo.load_demo,
    outcomes_demo.load_demo,
    burdens_demo.load_demo,
    feedback_demo.load_demo,
    case_reviews_demo.load_demo,
    learning_demo.load_demo,
    training_demo.load_demo,
    evaluation_demo.load_demo,
)


@transaction.atomic
def load_demo_data(children_per_site: int = 12, sites: tuple[str, ...] | None = None) -> list[User]:
    """The demo sites (`sites`: their slugs; all of them when None) with their users and every app's records."""
    users: list[User] = []
    for loaded in load_demo_sites(children_per_site, sites):
        for loader in SITE_LOADERS:
            loader(site=loaded.site, site_users=loaded.site_users, organisations=loaded.organisations)
        users += loaded.users
    return users
