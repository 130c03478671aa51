"""Who may use the linkage pages (see access/tests/test_access_matrix.py).

The URL names a child by its `reference`, which the matrix fills with a child of the site; a pair of the national
sweep's review by its `pair_key`, filled with a pair of that child and a record at the other demo site.
"""

from django.utils import timezone

from childnrm.accounts.models import Role

EXPECTED = {
    # Deciding whether records are of the same child is the coordinator's (Perm.CHILD_LINK).
    "people:link-candidates": {Role.COORDINATOR},
    # Other sites that may hold a record of the child (the national sweep): the coordinator's, like linking.
    "people:other-sites": {Role.COORDINATOR},
    # Reviewing the sweep's pairs at two sites: the coordinators of the two sites only (each from their own record).
    "people:national-queue": {Role.COORDINATOR},
    "people:national-review": {Role.COORDINATOR},
}


def _pair_key(site_slug: str) -> str:
    """A pair (decided, so open without a sweep) of the site's first child and the other demo site's first child."""
    from childnrm.people.models import Child, NationalLinkPair

    other_slug = "three-rivers" if site_slug == "northbridge" else "northbridge"
    here = Child.objects.filter(site__slug=site_slug).order_by("pk").first()
    there = Child.objects.filter(site__slug=other_slug).order_by("pk").first()
    a, b = sorted([here, there], key=lambda c: c.pk)
    pair, _ = NationalLinkPair.objects.get_or_create(
        child_a=a,
        child_b=b,
        defaults={"match_probability": 0.9, "first_found_at": timezone.now(), "status": "same_child"},
    )
    return pair.key


SAMPLES: dict = {"pair_key": _pair_key}
