"""Where media bytes live: a content-addressed folder written atomically and swept of orphans.

No Flask import: the app builds one MediaStore per configured MEDIA_ROOT (comics.images.setup.media_store_of), and workers,
CLI commands and tests use the same class on any folder.

A name is the first 32 hex digits of the SHA-256 of the bytes plus our own extension, in a two-digit
fan-out folder: ``3f/3fa4...e1.webp``. Equal bytes get equal names, so a name never changes meaning and
can be served as immutable; and names are checked against that exact pattern before they touch the
filesystem, so a name from a URL can never walk out of the root.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HASH_DIGITS = 32  # 128 bits: collisions are out of reach, and URLs stay short
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# "ab/ab" + 30 more hex digits + "." + one of our extensions; the folder repeats the hash's first two.
_NAME = re.compile(rf"(?P<fan>[0-9a-f]{{2}})/(?P=fan)[0-9a-f]{{{HASH_DIGITS - 2}}}\.(?:{'|'.join(MEDIA_TYPES)})")
_FAN = re.compile(r"[0-9a-f]{2}")
_TEMP_PREFIX = ".incoming-"
_TEMP = re.compile(re.escape(_TEMP_PREFIX) + r"[A-Za-z0-9_]+\.part")
# A file in the root whose exclusive lock, held by a backup (comics.backups), holds every deletion back.
HOLD_MARKER = ".deletions-held"


class InvalidMediaName(ValueError):
    """A name that is not one this store could have made."""


def check_name(name: str) -> str:
    """Return the name if it is exactly one of ours ("ab/ab….ext"), else raise InvalidMediaName."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidMediaName(f"not a media file name: {name!r}")
    return name


def media_type_for(name: str) -> str:
    """Return the MIME type of one of our file names, from its extension."""
    extension = name.rpartition(".")[2]
    try:
        return MEDIA_TYPES[extension]
    except KeyError:
        raise InvalidMediaName(f"not a media file extension: {name!r}") from None


def name_for(data: bytes, extension: str) -> str:
    """Return the content-addressed name the bytes are stored under."""
    if extension not in MEDIA_TYPES:
        raise ValueError(f"unknown media extension {extension!r}; expected one of {sorted(MEDIA_TYPES)}")
    digest = hashlib.sha256(data).hexdigest()[:HASH_DIGITS]
    return f"{digest[:2]}/{digest}.{extension}"


def _fsync_directory(path: Path) -> None:
    """Flush a directory entry to disk so a rename survives a power cut (POSIX only)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class SweepReport:
    """What a sweep removed (names relative to the root, and their bytes), and what it left only because
    it was younger than the grace (an upload in flight, or a crash's leftovers not yet old enough)."""

    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    young: int = 0
    young_bytes: int = 0
    held: bool = False  # nothing was removed: a backup holds deletions back (MediaStore.holding_deletions)


class MediaStore:
    """A folder of immutable, content-addressed media files."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path_of(self, name: str) -> Path:
        """Return the path of a stored name; raise InvalidMediaName for anything we did not make.

        The name may come from a URL: only the strict pattern check stands between it and the disk.
        """
        return self.root / check_name(name)

    def exists(self, name: str) -> bool:
        """Return whether the named file is stored (an invalid name is never stored)."""
        try:
            return self.path_of(name).is_file()
        except InvalidMediaName:
            return False

    def put(self, data: bytes, extension: str) -> str:
        """Store the bytes atomically under their content name and return the name.

        The bytes go to a temporary file in the destination folder, are fsynced, then renamed over the
        final name, so a reader or a crash sees the whole file or none of it. Storing bytes that are
        already there only refreshes the file's time, so a sweep's grace period starts again for it.
        """
        name = name_for(data, extension)
        final = self.root / name
        if final.is_file():
            with contextlib.suppress(FileNotFoundError):
                os.utime(final)
                return name
        final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".part", dir=final.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp makes the file private; media is public and nginx must read it.
            os.chmod(temporary, 0o644)
            os.replace(temporary, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(final.parent)
        return name

    @contextlib.contextmanager
    def holding_deletions(self) -> Iterator[None]:
        """Keep every file in place while the block runs: delete() and sweep() remove nothing meanwhile.

        For a backup (comics.backups), which copies the database first and the files after: a file a row
        of that copy names must still be here when the files are read, even if its row is deleted in
        between. Waits for deletions and sweeps under way to finish, and for another backup. Whatever is
        left meanwhile has no row, so the sweep removes it after the grace.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / HOLD_MARKER, "a") as handle:
            # Blocks while a deletion or a sweep is under way (each holds a shared lock), or another backup.
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _deletions_allowed(self) -> Iterator[bool]:
        """Yield whether files may be removed now (no backup holds them), holding that answer until the end."""
        try:
            # Opened, never made: a store no backup has ever held keeps no marker file.
            handle = open(self.root / HOLD_MARKER, "rb")  # noqa: SIM115 - closed below, after the lock's block
        except FileNotFoundError:
            # No backup has held this store yet. One starting now makes the marker before it copies the
            # database, and the rows of these files were removed by a commit before this call, so its
            # copy names none of them.
            yield True
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True

    def delete(self, names: Iterable[str]) -> None:
        """Remove the named files; names already gone are ignored, invalid ones refused before any removal.

        While a backup holds deletions (holding_deletions), the files stay: no row names them any more,
        so the sweep removes them once the grace has passed.
        """
        paths = [self.path_of(name) for name in names]
        with self._deletions_allowed() as allowed:
            if not allowed:
                return
            for path in paths:
                path.unlink(missing_ok=True)

    def sweep(self, referenced: Collection[str], grace_seconds: int = 3600) -> SweepReport:
        """Remove files no row references and temporary files, both only once older than the grace.

        The grace keeps an upload in flight (files written, rows not yet committed) from being swept.
        Files whose names this store could not have made are never touched. Reports what was removed,
        as names relative to the root, and what was kept only because it is younger than the grace.
        While a backup holds deletions it removes nothing, and says so (held).
        """
        if not self.root.is_dir():
            return SweepReport()
        with self._deletions_allowed() as allowed:
            if not allowed:
                return SweepReport(held=True)
            return self._sweep(set(referenced), grace_seconds)

    def _sweep(self, keep: set[str], grace_seconds: int) -> SweepReport:
        cutoff = time.time() - grace_seconds
        report = SweepReport()
        for folder in sorted(self.root.iterdir()):
            if not (_FAN.fullmatch(folder.name) and folder.is_dir()):
                continue
            for entry in sorted(folder.iterdir()):
                name = f"{folder.name}/{entry.name}"
                ours = _NAME.fullmatch(name) is not None
                if not (ours and name not in keep) and not _TEMP.fullmatch(entry.name):
                    continue
                try:
                    status = entry.stat()
                    if status.st_mtime >= cutoff:
                        report.young += 1
                        report.young_bytes += status.st_size
                        continue
                    entry.unlink()
                except FileNotFoundError:
                    continue
                report.removed.append(name)
                report.removed_bytes += status.st_size
        return report
