"""Every route in Welsh for the other half of a Welsh site's roles (the walk, and why it is split in two files:
`test_welsh_every_route.py`)."""

from __future__ import annotations

import pytest

from childnrm.access.tests.welsh_every_route import HALVES, check_walk


@pytest.mark.parametrize("role", HALVES[1])
def test_every_route_is_in_welsh_for_a_welsh_site(welsh_site, every_route_url, role):
    check_walk(role, welsh_site, every_route_url)
