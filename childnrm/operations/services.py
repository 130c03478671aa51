"""Backup and restore of the whole service: every model's rows and every private file, with checksums.

A backup is a directory:

    manifest.json         what is in it: migrations applied, per table its row count and SHA-256,
                          per file its size and SHA-256
    manifest.json.sha256  the manifest's own SHA-256 (written last: no such file, no complete backup)
    db/<app>.<model>.jsonl  one table: a header line, then one JSON array per row in primary-key order
    files/<path>          the private files (uploaded documents and everything else under the
                          default storage's location)

Rows are written in a database-neutral form (see ADR 0007), so a backup of SQLite restores into
PostgreSQL and the other way round. The dump is generic over `apps.get_models()`: it needs no
knowledge of any one table, the audit trail included. Rows go back with plain INSERTs carrying their
original primary keys and values (no `save()`, no signals, no `auto_now`), so the audit events keep
their sequence numbers and seals and `audit_verify` holds after a restore; the append-only triggers
refuse only UPDATE and DELETE.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from childnrm.audit.services import forget_taken_seqs
from childnrm.kit.errors import ServiceError
from childnrm.kit.models import SharedCount
from childnrm.learning.search import DERIVED_TABLES as LIBRARY_SEARCH_TABLES

FORMAT = "childnrm-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.json.sha256"
CHUNK = 1024 * 1024
# Tables a fresh `migrate` fills by itself. A restore replaces their rows with the backup's, so that
# every foreign key to them keeps pointing at the same thing.
SEEDED_BY_MIGRATE = (Permission, ContentType)
# Tables a backup leaves out: `migrate` writes this one itself, and the
# manifest records which migrations it held.
# Derived search indexes are left out: the library's triggers fill them again as its rows are restored.
# The counts every worker shares (kit.counters) live minutes and are keyed by hashed addresses: nothing to keep, and
# a database that has counted a request is still a new one to restore into.
NOT_BACKED_UP = {"django_migrations", "sqlite_sequence", SharedCount._meta.db_table} | LIBRARY_SEARCH_TABLES


class BackupError(ServiceError):
    """The backup or restore was refused or found something wrong; nothing was half restored."""


@dataclass
class TableSum:
    model: str
    table: str
    rows: int
    sha256: str


@dataclass
class BackupReport:
    tables: list[TableSum] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    missing_files: list[str] = field(default_factory=list)


# Rows in a neutral form -----------------------------------------------------------------------------


def _models() -> list[type[models.Model]]:
    """Every concrete table the models own (many-to-many tables included) but NOT_BACKED_UP, in a stable order."""
    found = {
        m._meta.db_table: m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped and m._meta.db_table not in NOT_BACKED_UP
    }
    return [found[name] for name in sorted(found)]


def _fields(model: type[models.Model]) -> list[models.Field]:
    # Local fields only: with multi-table inheritance each table is dumped on its own.
    return list(model._meta.local_concrete_fields)


def _encode(f: models.Field, value: Any) -> Any:
    if value is None:
        return None
    kind = f.get_internal_type()
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode()
    if kind == "JSONField":
        return value
    if kind == "DurationField":
        return duration_iso_string(value)
    if isinstance(value, datetime):
        # One spelling whatever the database returned, so checksums match across databases.
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, memoryview | bytes):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decode(f: models.Field, value: Any) -> Any:
    if value is None:
        return None
    kind = f.get_internal_type()
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "JSONField":
        return value
    return f.to_python(value)


def _line(values: Iterable[Any]) -> bytes:
    return (json.dumps(list(values), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def _header(model: type[models.Model]) -> bytes:
    return _line([model._meta.label, model._meta.db_table, [f.attname for f in _fields(model)]])


def table_rows(model: type[models.Model], *, using: str) -> Iterator[list[Any]]:
    """The table's rows in the neutral form, in primary-key order."""
    fields = _fields(model)
    query = model._base_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields])
    for row in query.iterator(chunk_size=2000):
        yield [_encode(f, v) for f, v in zip(fields, row, strict=True)]


def table_sum(model: type[models.Model], *, using: str) -> TableSum:
    digest = hashlib.sha256(_header(model))
    rows = 0
    for row in table_rows(model, using=using):
        digest.update(_line(row))
        rows += 1
    return TableSum(model._meta.label, model._meta.db_table, rows, digest.hexdigest())


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError("The private files are not on a file system here; back them up with their store's tools.")
    return Path(default_storage.location)


def _applied_migrations(using: str) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


def _unknown_tables(using: str) -> list[str]:
    known = {m._meta.db_table for m in _models()} | NOT_BACKED_UP
    return sorted(set(connections[using].introspection.table_names()) - known)


def _private_dir(path: Path) -> None:
    """Make the directory and any missing parents readable by their owner only."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)
        directory.chmod(0o700)


def _write_private(path: Path, chunks: Iterable[bytes]) -> str:
    """Write a file only its owner can read, durably, under a temporary name first; return its SHA-256."""
    _private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.partial")
    digest = hashlib.sha256()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


# Backup ---------------------------------------------------------------------------------------------


def backup_write(*, destination: Path, using: str = "default") -> BackupReport:
    """Write a complete backup of the database `using` and the private files into `destination`.

    The rows are read in one transaction (on PostgreSQL a repeatable-read snapshot, so every table
    is from the same moment); the files are copied after, so a document uploaded meanwhile is
    included without its row (harmless), and a row whose file has gone is reported.
    """
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: a backup goes into a new directory.")
    unknown = _unknown_tables(using)
    if unknown:
        raise BackupError(f"Tables with no model, not covered by this backup: {', '.join(unknown)}")
    _private_dir(destination)
    destination.chmod(0o700)
    _private_dir(destination / "db")
    _private_dir(destination / "files")
    report = BackupReport()
    file_fields: list[tuple[type[models.Model], models.FileField]] = []
    referenced: set[str] = set()
    connection = connections[using]
    with transaction.atomic(using=using):
        _snapshot(using)
        migrations = _applied_migrations(using)
        for model in _models():
            file_name = f"{model._meta.label_lower}.jsonl"
            rows = 0

            def lines(model: type[models.Model] = model) -> Iterator[bytes]:
                nonlocal rows
                yield _header(model)
                for row in table_rows(model, using=using):
                    rows += 1
                    yield _line(row)

            digest = _write_private(destination / "db" / file_name, lines())
            report.tables.append(TableSum(model._meta.label, model._meta.db_table, rows, digest))
            file_fields += [(model, f) for f in _fields(model) if isinstance(f, models.FileField)]
        for model, f in file_fields:
            names = model._base_manager.using(using).exclude(**{f.attname: ""}).values_list(f.attname, flat=True)
            referenced.update(n for n in names if n)

    root = _files_root()
    files = []
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                raise BackupError(f"A symbolic link among the private files is refused: {relative}")
            digest = _write_private(destination / "files" / relative, _read_chunks(path))
            size = path.stat().st_size
            files.append({"path": relative, "size": size, "sha256": digest})
            report.files += 1
            report.bytes += size
    present = {f["path"] for f in files}
    report.missing_files = sorted(referenced - present)

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "tables": [
            {
                "model": t.model,
                "table": t.table,
                "file": f"db/{t.model.lower()}.jsonl",
                "rows": t.rows,
                "sha256": t.sha256,
            }
            for t in report.tables
        ],
        "files": files,
        "missing_files": report.missing_files,
    }
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    _write_private(destination / MANIFEST, [body])
    _write_private(destination / MANIFEST_SUM, [f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode()])
    return report


def _snapshot(using: str) -> None:
    """On PostgreSQL, read every table from one snapshot (this must be the transaction's first statement).

    Inside an outer transaction (a test's) the reads already share that transaction's view.
    """
    connection = connections[using]
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


# Checking a backup -----------------------------------------------------------------------------------


def backup_check(*, source: Path) -> dict[str, Any]:
    """Check every checksum in the backup at `source`; return its manifest, or raise listing every problem."""
    source = Path(source)
    try:
        body = (source / MANIFEST).read_bytes()
        recorded = (source / MANIFEST_SUM).read_text().split()[0]
    except (OSError, IndexError) as exc:
        raise BackupError(f"{source} is not a complete backup (no manifest and its checksum).") from exc
    if hashlib.sha256(body).hexdigest() != recorded:
        raise BackupError("The manifest does not match its checksum.")
    manifest = json.loads(body)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    problems = []
    for table in manifest["tables"]:
        path = _inside(source, table["file"])
        if not path.is_file():
            problems.append(f"{table['file']} is missing")
            continue
        lines = sum(1 for _ in path.open("rb")) - 1
        if _file_sha256(path) != table["sha256"] or lines != table["rows"]:
            problems.append(f"{table['file']} does not match its checksum or row count")
    for entry in manifest["files"]:
        path = _inside(source / "files", entry["path"])
        if not path.is_file() or path.stat().st_size != entry["size"] or _file_sha256(path) != entry["sha256"]:
            problems.append(f"files/{entry['path']} is missing or does not match its checksum")
    if problems:
        raise BackupError("The backup is damaged: " + "; ".join(problems))
    return manifest


def _inside(root: Path, relative: str) -> Path:
    # A manifest names paths; none may lead outside the directory it belongs to.
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or Path(relative).is_absolute():
        raise BackupError(f"Path outside the backup refused: {relative}")
    return path


# Restore --------------------------------------------------------------------------------------------


def backup_restore(*, source: Path, using: str = "default") -> BackupReport:
    """Restore the backup at `source` into the empty, freshly migrated database `using`, and its files.

    Refuses a database with any rows (beyond what `migrate` itself writes) or migrated differently
    from the backup's, and private files that would overwrite different ones. Every checksum is
    checked before anything is written, and again after: the rows before the transaction commits,
    so a mismatch leaves the database as empty as it was.
    """
    source = Path(source)
    manifest = backup_check(source=source)
    connection = connections[using]
    by_table = {m._meta.db_table: m for m in _models()}

    applied = _applied_migrations(using)
    if applied != manifest["migrations"]:
        ours, theirs = {tuple(m) for m in applied}, {tuple(m) for m in manifest["migrations"]}
        raise BackupError(
            "The database is not migrated to the backup's schema: run the same release's `migrate` first "
            f"(only in the backup: {sorted(theirs - ours)[:5]}, only here: {sorted(ours - theirs)[:5]})."
        )
    missing = sorted({t["table"] for t in manifest["tables"]} ^ set(by_table))
    if missing:
        raise BackupError(f"The backup's tables and this release's models differ: {', '.join(missing)}")
    in_use = [
        table
        for table, model in by_table.items()
        if model not in SEEDED_BY_MIGRATE and model._base_manager.using(using).exists()
    ]
    if in_use:
        raise BackupError(f"The database is not empty ({', '.join(in_use[:5])}…): restore only into a new one.")

    root = _files_root()
    to_write = []
    for entry in manifest["files"]:
        target = _inside(root, entry["path"])
        if target.exists():
            if _file_sha256(target) != entry["sha256"]:
                raise BackupError(f"A different private file is already at {entry['path']}: refusing to overwrite it.")
            continue
        to_write.append((entry, target))

    report = BackupReport(missing_files=list(manifest.get("missing_files", [])))
    # Files first: if the rows then fail, the database stays empty and a second run skips the files.
    for entry, target in to_write:
        if _write_private(target, _read_chunks(source / "files" / entry["path"])) != entry["sha256"]:
            raise BackupError(f"files/{entry['path']} changed while it was being restored.")
    _private_dir(root)

    with transaction.atomic(using=using):
        for model in SEEDED_BY_MIGRATE:
            model._base_manager.using(using).all().delete()
        for table in manifest["tables"]:
            _insert_table(by_table[table["table"]], source / table["file"], using=using)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
                    cursor.execute(sql)
            forget_taken_seqs()  # seqs this process took before the sequence was set back must not be used
        for table in manifest["tables"]:
            found = table_sum(by_table[table["table"]], using=using)
            if (found.rows, found.sha256) != (table["rows"], table["sha256"]):
                raise BackupError(f"{table['table']} does not match the backup after restoring: nothing restored.")
            report.tables.append(found)

    for entry in manifest["files"]:
        target = root / entry["path"]
        if _file_sha256(target) != entry["sha256"]:
            raise BackupError(f"The restored file {entry['path']} does not match its checksum.")
        target.chmod(0o600)
        report.files += 1
        report.bytes += entry["size"]
    return report


def _insert_table(model: type[models.Model], path: Path, *, using: str) -> None:
    fields = {f.attname: f for f in _fields(model)}
    with path.open("rb") as fh:
        label, _table, names = json.loads(fh.readline())
        if label != model._meta.label or set(names) != set(fields):
            raise BackupError(f"{path.name} has other columns than {model._meta.label} has in this release.")
        columns = [fields[n] for n in names]
        batch_size = max(1, min(500, connections[using].ops.bulk_batch_size(columns, [None] * 500)))
        batch: list[models.Model] = []
        for line in fh:
            values = json.loads(line)
            batch.append(model(**{f.attname: _decode(f, v) for f, v in zip(columns, values, strict=True)}))
            if len(batch) >= batch_size:
                _insert(model, batch, columns, using)
                batch = []
        if batch:
            _insert(model, batch, columns, using)


def _insert(model: type[models.Model], objs: list[models.Model], fields: list[models.Field], using: str) -> None:
    # `raw=True` inserts the values as they are: no `auto_now`, no upload_to, no signals.
    model._base_manager.using(using)._insert(objs, fields=fields, raw=True, using=using)
