"""Deterministic ZIP archives: the same files give the same bytes, and nothing about who made them.

Every entry is at one fixed time (1980-01-01 00:00, the earliest a ZIP can say), in sorted order, with
fixed permissions (0644, a Unix "made by"), no extra fields and no comments. Pictures and videos are
stored as they are (deflate gains nothing on them, and comic apps seek faster in stored entries); text
is deflated at level 9, which zlib does identically every time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--
_UNIX = 3
_STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".mp4", ".cbz", ".zip")


def zip_entry(name: str, size_hint: int = 0) -> zipfile.ZipInfo:
    """Return the ZipInfo for one entry, with nothing in it but its name and how it is packed."""
    if name.startswith("/") or ".." in name.split("/") or "\\" in name:
        raise ValueError(f"not a relative archive path: {name!r}")
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.create_system = _UNIX
    info.external_attr = FILE_MODE << 16
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.file_size = size_hint
    return info


def write_zip(
    stream: IO[bytes], entries: Iterable[tuple[str, bytes]], *, first: str | None = None, comment: bytes = b""
) -> None:
    """Write the entries to a seekable stream as a deterministic ZIP, sorted by name.

    first names an entry to put ahead of the rest (a CBZ's pages sort by name; comic apps find
    ComicInfo.xml anywhere, so it needs no place of its own, but mimetype-style files would).
    comment is the archive's comment (a CBZ's ComicBookInfo), at most 65,535 bytes.
    """
    items = sorted(entries, key=lambda item: (item[0] != first, item[0]))
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError("an archive cannot hold two entries of one name")
    # A seekable stream lets zipfile write sizes in the local headers, with no data descriptors.
    with zipfile.ZipFile(stream, "w", allowZip64=False) as archive:
        archive.comment = comment
        for name, data in items:
            archive.writestr(zip_entry(name, len(data)), data, compresslevel=9)


def folder_entries(root: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """Return (archive name, path) of every file under root, sorted, each name under prefix."""
    return sorted(
        (prefix + path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file()
    )


def zip_folder(root: Path, stream: IO[bytes], prefix: str = "") -> None:
    """Write every file under root into a deterministic ZIP, each under prefix, one at a time.

    Large files (videos) are copied into the archive from disk rather than held in memory.
    """
    entries = folder_entries(root, prefix)
    with zipfile.ZipFile(stream, "w", allowZip64=True, compresslevel=9) as archive:
        for name, path in entries:
            info = zip_entry(name, path.stat().st_size)
            with path.open("rb") as source, archive.open(info, "w", force_zip64=info.file_size >= 0x7FFFFFFF) as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
