"""Read the image entries of a .zip or .cbz without ever writing its paths to disk, or trusting its sizes.

A ZIP declares each entry's sizes in its directory, and a zip bomb lies or boasts there: a few hundred
kilobytes that inflate to gigabytes. So the declared sizes and compression ratios are checked before
anything is inflated, and each entry is then inflated in chunks, stopping at the first byte past what
it declared, into a spooled temporary file (memory for a small entry, an unlinked file for a large one),
so neither a lie nor a legitimate large archive fills memory.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from comics.images.pipeline import natural_key
from comics.images.untranslated import _

ARCHIVE_SUFFIXES = (".zip", ".cbz")
# Inflate this much at a time; an entry larger than the spool's size goes to an unlinked temporary file.
CHUNK_BYTES = 1 << 20
SPOOL_BYTES = 4 << 20


class RejectedArchive(ValueError):
    """An archive refused for a reason the artist can act on."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What one archive may hold: files, bytes per file (UPLOAD_MAX_BYTES), bytes in all
    (ARCHIVE_MAX_BYTES), and how far an entry may be compressed (ARCHIVE_MAX_RATIO to 1)."""

    max_entries: int = 500
    max_entry_bytes: int = 20_000_000
    max_total_bytes: int = 200_000_000
    # Images are compressed already (PNG, JPEG, WebP, AVIF): deflate gains little on them, never 100 to 1.
    max_ratio: int = 100


def is_archive(filename: str) -> bool:
    """Tell whether a file name is one of the archive kinds we read."""
    return filename.lower().endswith(ARCHIVE_SUFFIXES)


def read_archive(path: str | os.PathLike[str], limits: ArchiveLimits = ArchiveLimits()) -> list[tuple[str, IO[bytes]]]:
    """Return (entry name, its bytes as a file at its start) of each file entry, in natural order.

    Close the files when done (a refusal closes those already made). Raises RejectedArchive before
    inflating anything when the directory declares too much, and while inflating when an entry holds
    more than it declared.
    """
    label = os.path.basename(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise RejectedArchive(_("%(archive)s: not a readable ZIP or CBZ archive (%(error)s)", archive=label, error=error)) from None
    with archive:
        entries = _checked_entries(label, archive, limits)
        files: list[tuple[str, IO[bytes]]] = []
        try:
            total = 0
            for info in entries:
                data = _inflate(label, archive, info)
                files.append((info.filename, data))
                total += data.tell()
                data.seek(0)
                if total > limits.max_total_bytes:
                    raise RejectedArchive(
                        _("%(archive)s: more than the limit of %(limit)s bytes uncompressed", archive=label, limit=f"{limits.max_total_bytes:,}")
                    )
        except BaseException:
            for _name, data in files:
                data.close()
            raise
        return files


def _checked_entries(label: str, archive: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """Return the file entries to read, in natural order, once the directory passes every limit."""
    for info in archive.infolist():
        _check_entry_name(label, info.filename)
    entries = [info for info in archive.infolist() if not info.is_dir() and not _is_clutter(info.filename)]
    if not entries:
        raise RejectedArchive(_("%(archive)s: the archive holds no files", archive=label))
    if len(entries) > limits.max_entries:
        raise RejectedArchive(
            _("%(archive)s: %(count)s files is more than the limit of %(limit)s", archive=label, count=len(entries), limit=limits.max_entries)
        )
    # The declared sizes come first, so a zip bomb is refused before anything is inflated.
    declared = sum(info.file_size for info in entries)
    if declared > limits.max_total_bytes:
        raise RejectedArchive(
            _(
                "%(archive)s: %(size)s bytes uncompressed is more than the limit of %(limit)s",
                archive=label,
                size=f"{declared:,}",
                limit=f"{limits.max_total_bytes:,}",
            )
        )
    for info in entries:
        if info.flag_bits & 0x1:
            raise RejectedArchive(
                _("%(archive)s: %(file)s is encrypted; send the archive without a password", archive=label, file=info.filename)
            )
        if info.file_size > limits.max_entry_bytes:
            raise RejectedArchive(
                _(
                    "%(archive)s: %(file)s is %(size)s bytes uncompressed, more than the limit of %(limit)s for one file",
                    archive=label,
                    file=info.filename,
                    size=f"{info.file_size:,}",
                    limit=f"{limits.max_entry_bytes:,}",
                )
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise RejectedArchive(
                _(
                    "%(archive)s: %(file)s is compressed %(ratio)s to 1, more than the limit of %(limit)s to 1; "
                    "pictures never shrink that much, so this is not an archive of pictures",
                    archive=label,
                    file=info.filename,
                    ratio=f"{ratio:,.0f}",
                    limit=limits.max_ratio,
                )
            )
    entries.sort(key=lambda info: natural_key(info.filename))
    return entries


def _inflate(label: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """Inflate one entry, a chunk at a time, into a spooled file; refuse it past its declared size."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open, closed by the caller
    try:
        with archive.open(info) as member:
            written = 0
            # One byte more than declared is enough to know that the directory lied.
            while chunk := member.read(min(CHUNK_BYTES, info.file_size + 1 - written)):
                written += len(chunk)
                if written > info.file_size:
                    raise RejectedArchive(
                        _("%(archive)s: %(file)s is larger than its archive entry declares", archive=label, file=info.filename)
                    )
                spool.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as error:
        spool.close()
        raise RejectedArchive(_("%(archive)s: %(file)s could not be read (%(error)s)", archive=label, file=info.filename, error=error)) from None
    except BaseException:
        spool.close()
        raise
    return spool


def _is_clutter(name: str) -> bool:
    """Tell whether an entry is operating-system clutter rather than an artist's file."""
    path = PurePosixPath(name)
    return "__MACOSX" in path.parts or path.name.startswith(".") or path.name == "Thumbs.db"


def _check_entry_name(label: str, name: str) -> None:
    """Refuse entry names that climb out of the archive or are absolute."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise RejectedArchive(_("%(archive)s: entry %(name)s has an unsafe path", archive=label, name=repr(name)))
