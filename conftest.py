"""Shared test fixtures: the demo sites and a signed-in client for any role at any site."""

from __future__ import annotations

import copy as copy_module
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.plugin import blocking_manager_key

from childnrm.accounts.models import Nation, Role, Site, User
from childnrm.core.tests.samples import forget_samples
from childnrm.demo.compose import load_demo_data
from childnrm.kit.links import bare_paths
from childnrm.people.demo import ENGLAND_SITES, demo_email


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (it commits, so nothing may wrap it)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or any(
        name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """PostgreSQL test databases commit without waiting for the disk (synchronous_commit off): a test database
    need not survive a crash of the server, and every commit of a test that commits for real (a browser journey,
    its demo, the flush after it) and of the migrations otherwise waits for an fsync. Atomicity, isolation and
    locks are unchanged."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
            # Name the test database even without pytest-xdist (a targeted run), so that the committing tests'
            # teardown recognises it (`_get_test_db_name()` would otherwise prefix "test_" a second time once the
            # test database is in use) and lifts the audit triggers before the flush.
            test = database.setdefault("TEST", {})
            test["NAME"] = test.get("NAME") or f"test_{database['NAME']}"


def _load_england_demo() -> list[User]:
    return load_demo_data(children_per_site=6, sites=ENGLAND_SITES)


# A committing test (a browser journey) cannot have its demo rolled back, so it is loaded again after each one's
# flush: ~600 inserts through the services, 1-2 s a test. On PostgreSQL the rows of the first load are kept in a
# schema of their own (which the flush does not touch) and copied back for the next test, the same rows with the
# same ids, in a few statements. Kept for one day only: the demo's dates are relative to the day it was loaded.
_DEMO_COPY_SCHEMA = "demo_copy"


@dataclass
class _DemoCopy:
    database: str
    day: date
    tables: list[str]
    user_pks: list[int]
    emails: list[EmailMessage]


_demo_copy: _DemoCopy | None = None


def _committed_demo() -> list[User]:
    """The demo for a test that commits: copied back from the first load's rows where it can be, else loaded."""
    global _demo_copy
    if connection.vendor != "postgresql":
        return _load_england_demo()
    copy = _demo_copy
    kept = copy and copy.database == connection.settings_dict["NAME"] and copy.day == timezone.localdate()
    if kept and _restore_demo(copy):
        by_pk = User.objects.in_bulk(copy.user_pks)
        return [by_pk[pk] for pk in copy.user_pks]
    _demo_copy = None
    return _load_and_keep_demo()


def _row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(f"SELECT %s, count(*) FROM {quote(table)}" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(union, tables)
        return dict(cursor.fetchall())


def _load_and_keep_demo() -> list[User]:
    """Load the demo and keep a copy of the rows it wrote, if every table it wrote to was empty before."""
    global _demo_copy
    from django.core import mail

    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    before = _row_counts(tables)
    sent = len(getattr(mail, "outbox", []))
    users = _load_england_demo()
    if any(count for table, count in before.items() if table not in _KEPT_BY_FLUSH):
        # Not loaded on a flushed database (a new one still holds what its migrations wrote, such as the negative
        # reasons, which a flush empties and the demo puts back): what is kept must be what a flush and a load give.
        return users
    written = [table for table, count in _row_counts(tables).items() if count and table not in _KEPT_BY_FLUSH]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_DEMO_COPY_SCHEMA} CASCADE; CREATE SCHEMA {_DEMO_COPY_SCHEMA}")
        for table in written:
            cursor.execute(f"CREATE TABLE {_DEMO_COPY_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
    _demo_copy = _DemoCopy(
        database=connection.settings_dict["NAME"],
        day=timezone.localdate(),
        tables=written,
        user_pks=[user.pk for user in users],
        emails=[copy_module.deepcopy(message) for message in getattr(mail, "outbox", [])[sent:]],
    )
    return users


def _restore_demo(copy: _DemoCopy) -> bool:
    """Copy the kept rows back into their (emptied) tables, with the emails the load sent; False if a table is
    not empty (the copy would clash with what is there)."""
    from django.core import mail

    if any(_row_counts(copy.tables).values()):
        return False
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are Django's deferred constraints: checked at the commit, when every table is back.
            for table in copy.tables:
                columns = ", ".join(quote(column) for column in _insertable_columns(cursor, table))
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {_DEMO_COPY_SCHEMA}.{quote(table)}"  # noqa: S608
                )
    except DatabaseError:  # a table changed since (a migration test went back and forth): load the demo instead
        return False
    if hasattr(mail, "outbox"):
        mail.outbox.extend(copy_module.deepcopy(message) for message in copy.emails)
    return True


def _insertable_columns(cursor, table: str) -> list[str]:
    """The table's columns but those PostgreSQL computes itself (generated columns, such as a search vector)."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
        " AND attgenerated = '' ORDER BY attnum",
        [connection.ops.quote_name(table)],
    )
    return [row[0] for row in cursor.fetchall()]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Modules with tests that commit for real (the browser journeys above all: a few tests, a minute or more a
    file) run first, the rest after in their usual order. pytest-xdist (`--dist loadfile --no-loadscope-reorder`,
    scripts/test.sh) hands out whole files in this order, so the long files start early and the short ones fill
    the end on both cores, instead of one core running a long journey alone at the end. Order within a module is
    kept (the sort is stable and by module)."""
    committing = {getattr(item, "module", None) for item in items if _transactional(item)} - {None}
    items.sort(key=lambda item: getattr(item, "module", None) not in committing)
    for item in items:
        if _checks_wording(item):
            item.add_marker(pytest.mark.wording)


def _checks_wording(item: pytest.Item) -> bool:
    """A test of what pages say rather than what they do: the Welsh walks (`<app>/tests/test_welsh*.py`) and the
    walks of each nation's wording (`*_by_nation*.py`). Wording does not depend on the database, and every page's
    queries are run on both databases by the other tests (the access matrix opens every route), so
    scripts/test.sh runs these once, on SQLite (`-m "not wording"` on PostgreSQL), as the browser journeys run
    once, on PostgreSQL (ADR 0030). The Welsh browser journeys (tests/browser) still run on PostgreSQL."""
    path = Path(str(item.path))
    return (
        "tests" in path.parts
        and "browser" not in path.parts
        and (path.name.startswith("test_welsh") or "by_nation" in path.name)
    )


@pytest.fixture(scope="module")
def _demo_for_module(request, django_db_setup, django_db_blocker):
    """The demo, loaded once for a module's tests inside a transaction that each test's own one nests in (as a
    savepoint) and that is rolled back after the module: each test still starts from the same demo and leaves
    nothing behind, without paying for ~600 inserts each time. A module with a test that commits
    (a browser journey, a race between connections) loads the demo per test instead, as before."""
    if any(_transactional(item) for item in request.session.items if item.module is request.module):
        yield None
        return
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The tests' fast hasher (see _fast_password_hashing, which is function-scoped, so not yet in force).
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                pks = [user.pk for user in _load_england_demo()]
            yield pks
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_for_module, db) -> list[User]:
    """Two sites (one local authority; a consortium of two), their agencies and one user per role each."""
    if _demo_for_module is None:
        return _committed_demo()
    by_pk = User.objects.in_bulk(_demo_for_module)  # fresh objects: a test may change the ones it is given
    return [by_pk[pk] for pk in _demo_for_module]


@pytest.fixture
def demo_nations(db) -> list[User]:
    """Every demo site: the two in England, Cardiff (Wales, Welsh by default) and Glasgow (Scotland). Slower:
    only for tests of the nations' differences."""
    return load_demo_data(children_per_site=6)


@pytest.fixture
def relay(settings) -> Iterator[set[str]]:
    """A mail relay that refuses the addresses a test adds to the set it gives, as relays do ("550 ... User
    unknown", quoting the address): kit.tests.test_mail.MailServerRefusingSome. It refuses none until told."""
    from django.core import mail

    from childnrm.kit.tests.test_mail import MAIL_SERVER_REFUSING_SOME, MailServerRefusingSome

    settings.EMAIL_BACKEND = MAIL_SERVER_REFUSING_SOME
    mail.outbox = []
    yield MailServerRefusingSome.refused
    MailServerRefusingSome.refused.clear()


@pytest.fixture
def site(demo) -> Site:
    return Site.objects.get(slug="northbridge")


@pytest.fixture
def welsh_site(site) -> Site:
    """Northbridge as a site in Wales, Welsh by default: its users see Welsh until they choose otherwise."""
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    return site


@pytest.fixture(params=[Nation.SCOTLAND, Nation.NORTHERN_IRELAND], ids=["scotland", "northern_ireland"])
def scottish_or_northern_irish_site(request, site) -> Site:
    """Northbridge as a site in Scotland, and again in Northern Ireland: the nations that name the child's guardian
    their own way, not England and Wales's Independent Child Trafficking Guardian (ADR 0027). The test reads which
    from `site.nation`; one nation only: `@pytest.mark.parametrize("scottish_or_northern_irish_site",
    [Nation.SCOTLAND], indirect=True)`."""
    site.nation = request.param
    site.save(update_fields=["nation"])
    return site


@pytest.fixture
def other_site(demo) -> Site:
    return Site.objects.get(slug="three-rivers")


def demo_user(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def signed_in(user: User) -> Client:
    """A client signed in with both factors, as after the real sign-in journey."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(demo) -> Callable[..., Client]:
    def make(role: str = Role.COORDINATOR, site_slug: str = "northbridge") -> Client:
        return signed_in(demo_user(role, site_slug))

    return make


@pytest.fixture(autouse=True, scope="session")
def _jinja2_context_in_responses():
    """`response.context` for Jinja2 pages: Django's test client hears only its own engine render, so
    the Jinja2 backend is made to send the same signal (tests only)."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def render_and_signal(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=dict(context or {}))
        return render(self, context, request)

    backend.Template.render = render_and_signal
    yield
    backend.Template.render = render


@pytest.fixture(autouse=True)
def _forget_samples() -> None:
    """Sample ids kept by the access matrices and factories name rows of the test that made them (see
    core/tests/samples.py): a later test starts without them."""
    forget_samples()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Per-user counters (the PDF download limit) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _every_email_link_is_absolute():
    """Every email any test sends is read in a mail client, away from the service: a bare path such as
    /decisions/12/ opens nothing there. Any test that sends one fails (links come from kit.links.absolute_url)."""
    yield
    from django.core import mail

    for message in getattr(mail, "outbox", []):
        for text in [message.body, *(content for content, _type in getattr(message, "alternatives", []))]:
            bare = bare_paths(str(text))
            if bare:
                pytest.fail(f"The email {message.subject!r} links to {bare[0]!r}, not an absolute address")


@pytest.fixture
def private_storage(settings, tmp_path):
    """Stored files (documents, answers) go to this test's own folder, returned as a Path."""
    location = tmp_path / "private-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def reference_draws(monkeypatch) -> Iterator[list[str]]:
    """The random references the next draws give, in order (append to the list); then random ones again: a drawn
    reference can be made to clash with one already held."""
    from childnrm.people import models as people_models

    queued: list[str] = []
    real = people_models.random_reference

    def draw(prefix: str, length: int = 8) -> str:
        return queued.pop(0) if queued else real(prefix, length)

    monkeypatch.setattr(people_models, "random_reference", draw)
    yield queued


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Creating 18 demo users with the production hasher dominates test time; the hasher is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The audit trail refuses deletes and truncation with database triggers (audit migration 0002).
# Transactional tests (live-server browser journeys, races between two connections) commit for real,
# so the database is emptied after each one: the triggers are lifted for that flush only and put back
# straight after.
_audit_triggers = importlib.import_module("childnrm.audit.migrations.0002_append_only")
_seal_triggers = importlib.import_module("childnrm.audit.migrations.0003_batch_seals")  # the seals likewise


def _lift_audit_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS audit_seal_no_delete")


def _restore_audit_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET session_replication_role")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
            delete_trigger = next(sql for sql in _audit_triggers.SQLITE_FORWARD if "audit_event_no_delete" in sql)
            cursor.execute(delete_trigger)
            cursor.execute("DROP TRIGGER IF EXISTS audit_seal_no_delete")
            cursor.execute(next(sql for sql in _seal_triggers.SQLITE_FORWARD if "audit_seal_no_delete" in sql))


def _commits_for_real(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "live_server" in getattr(item, "fixturenames", ()) or bool(marker and marker.kwargs.get("transaction"))


# What the migrations' post_migrate creates (contenttypes, auth) and the flush's post_migrate would make again.
_KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@contextmanager
def _flush_by_delete() -> Iterator[None]:
    """Empty PostgreSQL's tables with DELETE rather than TRUNCATE while a committing test is flushed. TRUNCATE of
    every table gives each its new files, which took 7 s a test on the busy 2-core machine against 0.1 s for
    DELETE of the few hundred rows a test leaves (SQLite's flush deletes already). Foreign keys are not checked
    meanwhile: the audit triggers' lifting (session_replication_role = replica) switches their triggers off too.

    The content types and permissions are kept: the flush's post_migrate would only create the same rows again
    (535 inserts, most of a flush's time), which no test writes to."""
    if connection.vendor != "postgresql":
        yield
        return
    ops = connection.ops
    truncate = ops.sql_flush

    def sql_flush(style, tables, *, reset_sequences=False, allow_cascade=False) -> list[str]:
        if reset_sequences or allow_cascade:  # not how pytest-django flushes our tests; TRUNCATE does those
            return truncate(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        kept = _KEPT_BY_FLUSH
        return [f"DELETE FROM {ops.quote_name(table)};" for table in tables if table not in kept]  # noqa: S608

    ops.sql_flush = sql_flush
    try:
        yield
    finally:
        del ops.sql_flush  # the class's own again


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    # A committing test skipped before any test database was set up (a PostgreSQL-only race alone in its file, on
    # SQLite) would otherwise touch the configured database: leave that alone.
    test_database_set_up = connection.settings_dict["NAME"] == connection.creation._get_test_db_name()
    if not _commits_for_real(item) or not test_database_set_up:
        return (yield)
    blocker = item.config.stash[blocking_manager_key]
    test_database = connection.settings_dict["NAME"]
    with blocker.unblock():
        _lift_audit_triggers()
    try:
        with _flush_by_delete():
            return (yield)
    finally:
        # After the last test the test database is gone: nothing to restore, and never touch another.
        if connection.settings_dict["NAME"] == test_database:
            with blocker.unblock():
                _restore_audit_triggers()
