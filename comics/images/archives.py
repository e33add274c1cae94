"""Read the image entries of a .zip or .cbz without ever writing its paths to disk."""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from comics.images.pipeline import natural_key

ARCHIVE_SUFFIXES = (".zip", ".cbz")


class RejectedArchive(ValueError):
    """An archive refused for a reason the artist can act on."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 500
    max_total_bytes: int = 500_000_000


def is_archive(filename: str) -> bool:
    """Tell whether a file name is one of the archive kinds we read."""
    return filename.lower().endswith(ARCHIVE_SUFFIXES)


def read_archive(path: str | os.PathLike[str], limits: ArchiveLimits = ArchiveLimits()) -> list[tuple[str, bytes]]:
    """Return (entry name, bytes) of each file entry, in natural order, within the limits."""
    label = os.path.basename(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise RejectedArchive(f"{label}: not a readable ZIP or CBZ archive ({error})") from None
    with archive:
        for info in archive.infolist():
            _check_entry_name(label, info.filename)
        entries = [info for info in archive.infolist() if not info.is_dir() and not _is_clutter(info.filename)]
        if not entries:
            raise RejectedArchive(f"{label}: the archive holds no files")
        if len(entries) > limits.max_entries:
            raise RejectedArchive(f"{label}: {len(entries)} files is more than the limit of {limits.max_entries}")
        # The declared sizes come first, so a zip bomb is refused before anything is inflated.
        declared = sum(info.file_size for info in entries)
        if declared > limits.max_total_bytes:
            raise RejectedArchive(
                f"{label}: {declared:,} bytes uncompressed is more than the limit of {limits.max_total_bytes:,}"
            )
        entries.sort(key=lambda info: natural_key(info.filename))
        files: list[tuple[str, bytes]] = []
        total = 0
        for info in entries:
            with archive.open(info) as member:
                # Read at most one byte past the declared size: a lying header cannot inflate further.
                data = member.read(info.file_size + 1)
            total += len(data)
            if len(data) > info.file_size or total > limits.max_total_bytes:
                raise RejectedArchive(f"{label}: {info.filename} is larger than its archive entry declares")
            files.append((info.filename, data))
        return files


def _is_clutter(name: str) -> bool:
    """Tell whether an entry is operating-system clutter rather than an artist's file."""
    path = PurePosixPath(name)
    return "__MACOSX" in path.parts or path.name.startswith(".") or path.name == "Thumbs.db"


def _check_entry_name(label: str, name: str) -> None:
    """Refuse entry names that climb out of the archive or are absolute."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise RejectedArchive(f"{label}: entry {name!r} has an unsafe path")
