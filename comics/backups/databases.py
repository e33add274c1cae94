"""A consistent copy of the site's database in a file, and putting one back.

SQLite is copied with its online backup API (sqlite3's Connection.backup): pages are copied while other
connections keep reading and writing, and the copy is one committed state. PostgreSQL is dumped by
pg_dump in its custom format, in one transaction, and put back by pg_restore. Both run with argument
lists; a PostgreSQL password goes to them in PGPASSWORD, never on a command line.
No Flask here: the URL is the SQLAlchemy one the app is configured with.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from comics.backups.restic import BackupError

# The file a dump is written to, by engine: the name says what is inside.
DUMP_NAMES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


def engine_of(url: str | URL) -> str:
    """Return the engine of a database URL that can be backed up ("sqlite" or "postgresql"), or refuse."""
    backend = make_url(url).get_backend_name()
    if backend not in DUMP_NAMES:
        raise BackupError(f"a {backend} database cannot be backed up: only SQLite and PostgreSQL are supported")
    return backend


def sqlite_path(url: str | URL) -> Path:
    """Return the file of an SQLite URL; refuse an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(database)


def libpq_settings(url: str | URL) -> tuple[str, dict[str, str]]:
    """Return a libpq connection string without the password, and the environment that carries it."""
    parsed = make_url(url)
    words = {
        "dbname": parsed.database,
        "host": parsed.host,
        "port": str(parsed.port) if parsed.port else None,
        "user": parsed.username,
    }
    for key, value in parsed.query.items():
        words[key] = value if isinstance(value, str) else value[-1]
    conninfo = " ".join(f"{key}={_quoted(value)}" for key, value in words.items() if value)
    environment = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return conninfo, environment


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed, or not on PATH: install PostgreSQL's client (Debian: apt-get install postgresql-client)"
        )
    return program


def _run_pg(name: str, arguments: list[str], url: str | URL, doing: str) -> None:
    conninfo, environment = libpq_settings(url)
    command = [_program(name), f"--dbname={conninfo}", *arguments]
    try:
        completed = subprocess.run(
            command, env={**os.environ, **environment}, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as error:
        raise BackupError(f"{doing}: {name} could not be started: {error.strerror}") from None
    if completed.returncode != 0:
        message = completed.stderr.strip() or f"exit status {completed.returncode}"
        raise BackupError(f"{doing}: {name} failed: {message}")


def copy_sqlite(source_path: Path, target_path: Path, failure: str) -> None:
    """Copy one SQLite database onto another with SQLite's online backup API: page by page, in one
    transaction on the target, while the source stays usable. The source is opened read-only, so a
    backup never creates or changes the site's database. Raise BackupError saying failure."""
    source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as error:
        raise BackupError(f"{failure}: {error}") from None
    finally:
        source.close()


def dump_database(url: str | URL, destination: Path) -> None:
    """Write a consistent copy of the database to destination (a file named by DUMP_NAMES)."""
    if engine_of(url) == "sqlite":
        source_path = sqlite_path(url)
        if not source_path.is_file():
            raise BackupError(f"the SQLite database {source_path} does not exist: nothing to back up")
        destination.unlink(missing_ok=True)
        copy_sqlite(source_path, destination, f"the SQLite backup of {source_path} failed")
        return
    # One transaction, so the dump is one committed state; custom format, compressed, for pg_restore.
    try:
        _run_pg(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--file={destination}"],
            url,
            "the database dump failed",
        )
    except BackupError:
        destination.unlink(missing_ok=True)  # pg_dump makes the file before it fails: no half dump stays
        raise


def restore_database(url: str | URL, dump: Path) -> None:
    """Put a dump back into the database at url, replacing what the dump holds."""
    if engine_of(url) == "sqlite":
        target_path = sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        copy_sqlite(dump, target_path, f"restoring the SQLite database {target_path} failed")
        return
    # --clean --if-exists: tables a `db upgrade` already made (empty) are replaced; one transaction, so a
    # failure leaves the database as it was.
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(dump)],
        url,
        "restoring the database failed",
    )


def tables_with_rows(engine: Engine, site_tables: Iterable[str]) -> list[str]:
    """Return which of the site's tables exist in the database and hold a row: then it is not an empty instance."""
    present = set(inspect(engine).get_table_names())
    names = [name for name in site_tables if name in present]
    preparer = engine.dialect.identifier_preparer
    with engine.connect() as connection:
        return [name for name in names if connection.execute(text(f"SELECT 1 FROM {preparer.quote(name)} LIMIT 1")).first()]


def describe(url: str | URL) -> str:
    """Name the database for messages, without its password."""
    return make_url(url).render_as_string(hide_password=True)
