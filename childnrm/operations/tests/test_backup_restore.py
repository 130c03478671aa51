"""Backup and restore: the round trip into a second, freshly migrated database brings back every row of
every table and every private file exactly, and the audit trail still verifies."""

from __future__ import annotations

import copy
import hashlib
import json
import stat
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.utils import load_backend

from childnrm.accounts.models import Organisation, OrganisationType, Role
from childnrm.audit.models import AuditEvent
from childnrm.dashboard.tests.factories import accepted_referral, final_decision
from childnrm.letters.models import Letter
from childnrm.letters.services import letters_produce
from childnrm.operations.services import _models, table_rows
from childnrm.referrals.models import ReferralDocument
from conftest import demo_user

RESTORED = "restore_target"


@pytest.fixture
def second_database(tmp_path) -> Iterator[str]:
    """A second, empty database of the same kind as the test database, as a new server's would be.

    On SQLite a file in the test's directory; on PostgreSQL a database created next to the test one
    (and dropped after). It is freshly migrated by the test, as an operator would before restoring.
    """
    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings_dict["NAME"] = f"{default.settings_dict['NAME']}_restored"
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    # Registered as a connection, not in the settings: Django's test case then lets the test use it
    # without making a test database of its own for it.
    connections[RESTORED] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, RESTORED)
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        if default.vendor == "postgresql":
            with default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def use_files_at(settings, path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": path}},
    }


def every_row(using: str) -> dict[str, list[list]]:
    return {model._meta.db_table: list(table_rows(model, using=using)) for model in _models()}


def file_sums(root: Path) -> dict[str, str]:
    files = (p for p in root.rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def audit_verify_on(alias: str) -> str:
    """`manage.py audit_verify` run against the database `alias`, as if it were the service's own."""
    original = connections["default"]
    connections["default"] = connections[alias]
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    finally:
        connections["default"] = original
    return out.getvalue()


@pytest.fixture
def case_with_documents_and_letters(demo, settings, tmp_path):
    """The demo sites and cases, plus uploaded documents on disk and a decision's letters as produced."""
    use_files_at(settings, tmp_path / "private-files")
    referral = accepted_referral()
    first_responder = demo_user(Role.FIRST_RESPONDER)
    for n, body in enumerate([b"%PDF-1.4 first report", b"\x89PNG second photo"]):
        ReferralDocument.objects.create(
            referral=referral,
            file=ContentFile(body, name=f"evidence-{n}.bin"),
            original_name=f"evidence-{n}.pdf",
            content_type="application/pdf",
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            uploaded_by=first_responder,
        )
    decision = final_decision(referral)
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))
    return referral


@pytest.mark.django_db
def test_round_trip_restores_every_row_every_file_and_a_verifiable_audit_trail(
    case_with_documents_and_letters, second_database, settings, tmp_path
):
    source_files = tmp_path / "private-files"
    before_rows = every_row("default")
    before_files = file_sums(source_files)
    assert len(before_files) == 2
    assert Letter.objects.count() == 2 and AuditEvent.objects.count() >= 5
    audited = AuditEvent.objects.count()

    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {t["table"] for t in manifest["tables"]} == set(before_rows)
    for path in [backup, *backup.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700), path
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), stdout=StringIO())  # the live database itself

    # A new server: an empty database migrated by the same release, and an empty private files folder.
    call_command("migrate", database=second_database, verbosity=0)
    restored_files = tmp_path / "restored-files"
    use_files_at(settings, restored_files)
    out = StringIO()
    call_command("restore", str(backup), database=second_database, stdout=out)
    assert "every checksum matches" in out.getvalue()

    after_rows = every_row(second_database)
    assert after_rows.keys() == before_rows.keys()
    for table, rows in before_rows.items():
        assert after_rows[table] == rows, f"{table} differs after the restore"
    assert file_sums(restored_files) == before_files
    for path in restored_files.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o600 if path.is_file() else 0o700), path

    report = audit_verify_on(second_database)
    assert f"Checked {audited} events" in report and "Audit trail intact." in report

    # Restoring twice is refused, and changes nothing.
    restored = every_row(second_database)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), database=second_database, stdout=StringIO())
    assert every_row(second_database) == restored

    # The restored database takes new records: its id sequences continue after the restored rows.
    newest = Organisation.objects.using(second_database).order_by("-pk").first()
    added = Organisation.objects.using(second_database).create(name="Riverside Health", type=OrganisationType.HEALTH)
    assert added.pk > newest.pk


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_is_written(
    case_with_documents_and_letters, second_database, settings, tmp_path
):
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    manifest = json.loads((backup / "manifest.json").read_text())
    damaged = backup / "files" / manifest["files"][0]["path"]
    damaged.write_bytes(damaged.read_bytes() + b"!")
    call_command("migrate", database=second_database, verbosity=0)
    use_files_at(settings, tmp_path / "restored-files")

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup), database=second_database, stdout=StringIO())

    assert not (tmp_path / "restored-files").exists()
    assert not AuditEvent.objects.using(second_database).exists()
