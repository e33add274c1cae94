"""What `flask --app app backup` and `restore` do, in which order, and why that order is enough.

A backup is one restic snapshot holding the database's dump (database.sqlite or database.pgdump), a
small manifest (backup.json) and the media folder at its absolute path. Media files are
content-addressed and never change, so restic stores each one once: a backup adds only new files.

**The order: the database first, then the media, with deletions held.** Files are written (atomically,
under their content hash) before the rows that name them commit, so every file a row of the dump names
was on disk when the dump was taken. Files leave the disk in two ways only: removed after the commit
that dropped their last row (discard_unreferenced), or swept as orphans. Both go through the media
store, which removes nothing while the backup holds deletions (MediaStore.holding_deletions), from
before the dump until restic has read the folder. So every file the dump names is in the snapshot;
a file written meanwhile whose rows came after the dump is only an orphan there, which the sweep
removes after a restore. The other order (media first) would miss the files of a row committed between
the two.

A restore brings the files back first and the database last, with deletions held too, so neither a
restore cut short nor a sweep running meanwhile can leave a row that names a missing file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import inspect, text

from comics.backups import restic
from comics.backups.databases import DUMP_NAMES, describe, dump_database, engine_of, restore_database, tables_with_rows
from comics.backups.restic import BackupError, Snapshot
from comics.images.ingest import referenced_files
from comics.images.models import StoredImage
from comics.images.storage import HOLD_MARKER, MediaStore, check_name
from comics.site_images import media_store
from extensions import db
from web.page_cache import bump_content_version

MANIFEST = "backup.json"
MANIFEST_FORMAT = 1
# Never worth keeping: a write under way (renamed into place when whole) and the sweep's and backups' locks.
EXCLUDES = (".incoming-*.part", ".last-sweep", HOLD_MARKER)

Say = Callable[[str], None]


@dataclass(frozen=True)
class BackupSummary:
    """What one backup stored."""

    snapshot_id: str
    files: int
    bytes_processed: int
    bytes_added: int
    new_files: int  # media files restic had not seen in the previous snapshot
    missing: int  # files rows named that were not on disk when the backup ran (a site already damaged)


@dataclass(frozen=True)
class RestoreSummary:
    """What one restore brought back."""

    snapshot: Snapshot
    files: int
    alembic_revision: str | None


# A staging folder older than this was left by a backup or restore that was killed: removed by the next.
LEFTOVER_SECONDS = 24 * 3600


@contextmanager
def _staging(app: Flask, prefix: str) -> Iterator[Path]:
    """A private folder in the instance folder, removed afterwards: it holds an unencrypted database.

    Entered while deletions are held, so no other backup or restore of this media folder runs; the
    folders a killed one left (a copy of the database) are removed first.
    """
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    for leftover in [*instance.glob(".backup-*"), *instance.glob(".restore-*")]:
        if leftover.is_dir() and time.time() - leftover.stat().st_mtime > LEFTOVER_SECONDS:
            shutil.rmtree(leftover, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=app.instance_path))  # mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alembic_revision() -> str | None:
    """Return the migration the database is at, if it was made by migrations."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None  # made by create_all (the tests), not by migrations
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    return str(revision) if revision else None


def _parent(store: MediaStore) -> str | None:
    """Return this machine's latest snapshot of the same media folder, for restic to compare files against."""
    host = os.uname().nodename
    media = str(store.root.resolve())
    earlier = [snapshot for snapshot in restic.snapshots() if snapshot.hostname == host and media in snapshot.paths]
    return earlier[-1].id if earlier else None


def take_backup(app: Flask, say: Say = lambda message: None) -> BackupSummary:
    """Snapshot the database, then the media, into the repository named by RESTIC_REPOSITORY."""
    restic.open_repository()  # restic there, the repository and password right: refuse before any work
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = engine_of(url)
    store = media_store(app)
    if not inspect(db.engine).has_table(StoredImage.__tablename__):
        raise BackupError(
            f"the database {describe(url)} holds none of the site's tables (`flask --app app db upgrade` makes them): nothing to back up"
        )
    media_root = store.root.resolve()
    parent = _parent(store)
    with store.holding_deletions(), _staging(app, ".backup-") as staging:
        dump = staging / DUMP_NAMES[engine]
        say(f"Copying the database ({describe(url)})")
        dump_database(url, dump)
        referenced = referenced_files()
        missing = sorted(name for name in referenced if not store.exists(name))
        if missing:
            say(
                f"Warning: {len(missing)} files the database names are not in {media_root} (the site was damaged before this backup)"
            )
        manifest = {
            "format": MANIFEST_FORMAT,
            "database": engine,
            "dump": dump.name,
            "media": str(media_root),
            "alembic_revision": _alembic_revision(),
            "files_referenced": len(referenced),
        }
        db.session.commit()  # end the read, so no transaction stays open while restic runs
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        say(f"Storing the dump and the media folder {media_root}")
        summary = restic.backup([dump.name, MANIFEST, str(media_root)], cwd=staging, excludes=EXCLUDES, parent=parent)
    return BackupSummary(
        snapshot_id=str(summary.get("snapshot_id", "")),
        files=int(summary.get("total_files_processed", 0)) - 2,  # not the dump and the manifest
        bytes_processed=int(summary.get("total_bytes_processed", 0)),
        bytes_added=int(summary.get("data_added", 0)),
        new_files=int(summary.get("files_new", 0)) + int(summary.get("files_changed", 0)) - 2,
        missing=len(missing),
    )


def _stored_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (name, path) for each file under root whose name the media store could have made."""
    if not root.is_dir():
        return
    for path in sorted(root.glob("??/*")):
        name = path.relative_to(root).as_posix()
        try:
            check_name(name)
        except ValueError:
            continue
        if path.is_file():
            yield name, path


def _refuse_unless_empty(app: Flask, store: MediaStore) -> None:
    """Refuse, changing nothing, when the database holds rows or the media folder holds files."""
    problems = []
    filled = tables_with_rows(db.engine, db.metadata.tables)
    if filled:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        problems.append(f"the database {describe(app.config['SQLALCHEMY_DATABASE_URI'])} holds rows ({shown})")
    files = sum(1 for _ in _stored_files(store.root))
    if files:
        problems.append(f"the media folder {store.root} holds {files} files")
    if problems:
        raise BackupError(
            "restore is for an empty instance, and " + "; ".join(problems) + ". Nothing was changed. "
            "To restore over them (the database replaced, the files added), run it again with --overwrite."
        )


def _read_manifest(folder: Path, engine: str, snapshot: Snapshot) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"snapshot {snapshot.id[:8]} is not a backup of this site: it has no readable {MANIFEST}") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(
            f"snapshot {snapshot.id[:8]} was written in a format this version cannot read ({manifest.get('format')!r})"
        )
    if manifest.get("database") != engine:
        raise BackupError(
            f"snapshot {snapshot.id[:8]} holds a {manifest.get('database')} database, and this site is configured for "
            f"{engine}: restore it into a site on {manifest.get('database')}, then move the data across. Nothing was changed."
        )
    return manifest


def _put_back_files(source: Path, store: MediaStore) -> int:
    """Move the restored files into the media folder; a name already there holds the same bytes."""
    moved = 0
    for name, path in _stored_files(source):
        final = store.root / name
        if final.is_file():
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, final)
        moved += 1
    return moved


def restore_backup(
    app: Flask, snapshot_id: str | None = None, *, overwrite: bool = False, say: Say = lambda message: None
) -> RestoreSummary:
    """Bring the site back from a snapshot (the latest by default): the media files first, then the database."""
    restic.open_repository()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = engine_of(url)
    store = media_store(app)
    if not overwrite:
        _refuse_unless_empty(app, store)
    snapshot = restic.find_snapshot(snapshot_id)
    with store.holding_deletions(), _staging(app, ".restore-") as staging:
        say(f"Reading snapshot {snapshot.id[:8]} of {snapshot.time[:19]} from {snapshot.hostname}")
        restic.restore(snapshot, staging)
        manifest = _read_manifest(staging, engine, snapshot)
        dump = staging / str(manifest["dump"])
        if not dump.is_file():
            raise BackupError(f"snapshot {snapshot.id[:8]} has no {dump.name}: it cannot be restored. Nothing was changed.")
        say(f"Putting the media files back in {store.root}")
        files = _put_back_files(staging / str(manifest["media"]).lstrip("/"), store)
        say(f"Putting the database back ({describe(url)})")
        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold a table pg_restore replaces
        restore_database(url, dump)
        db.engine.dispose()
    bump_content_version()  # no page cached before the restore may be served after it
    return RestoreSummary(snapshot=snapshot, files=files, alembic_revision=manifest.get("alembic_revision"))


def rows_naming_missing_files(store: MediaStore) -> list[str]:
    """Return the file names rows reference that the media folder lacks (none, after a good restore)."""
    return sorted(name for name in referenced_files() if not store.exists(name))
