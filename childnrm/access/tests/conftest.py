"""Fixtures for the access tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def every_route_url(_demo_for_module, django_db_blocker) -> dict[str, str]:
    """Each route's URL at the demo site, drawn once for a module of Welsh walks (welsh_every_route.py): its sample
    records are written inside the module's demo transaction (root conftest), so every role's walk sees them and
    the module leaves nothing behind. A route that needs a query to serve anything has its sample query
    (`SAMPLE_QUERIES`)."""
    from childnrm.access.tests.test_access_matrix import sample_query
    from childnrm.access.tests.welsh_every_route import SITE, route_urls

    assert _demo_for_module is not None, "a module that commits has no demo of its own to draw samples in"
    with django_db_blocker.unblock():
        return {name: url + sample_query(name, SITE) for name, url in route_urls().items()}
