"""Moving the test database along the migration graph, for tests of data migrations."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str | None]] | None = None):
    """Migrate to `targets` and return the apps of that state; with none, forward to every app's latest migration, so
    the database is whole again for the tests that follow on this worker. (app, None) is before the app's first
    migration: not a node of the graph's state, so left out of the apps returned."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps
