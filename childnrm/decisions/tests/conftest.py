"""Fixtures for the decision tests."""

from __future__ import annotations

import pytest
from django.db import connection
from pytest_django.plugin import blocking_manager_key


# Transactional tests (the finalise race) commit for real, so the database is emptied after each one; the
# audit trail's triggers refuse TRUNCATE (audit migration 0002), so they are lifted for that flush only.
# The same hook as childnrm/api/tests/conftest.py.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    marker = item.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) or connection.vendor != "postgresql":
        return (yield)
    blocker = item.config.stash[blocking_manager_key]
    test_database = connection.settings_dict["NAME"]
    with blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        return (yield)
    finally:
        if connection.settings_dict["NAME"] == test_database:
            with blocker.unblock(), connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
