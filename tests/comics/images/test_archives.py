"""Reading .zip and .cbz uploads: natural order, limits and unsafe paths."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from comics.images.archives import ArchiveLimits, RejectedArchive, read_archive


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_entries_come_in_natural_order_without_clutter(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ep.cbz", {"10.png": b"x", "2.png": b"y", "1.png": b"z", "__MACOSX/._1.png": b"", ".DS_Store": b""})
    assert [name for name, _ in read_archive(archive)] == ["1.png", "2.png", "10.png"]


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ep.zip", {f"{i}.png": b"x" for i in range(5)})
    with pytest.raises(RejectedArchive, match="5 files is more than the limit of 4"):
        read_archive(archive, ArchiveLimits(max_entries=4))


def test_too_large_uncompressed_is_refused_before_inflating(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", {"a.png": b"\0" * 2_000_000})
    assert archive.stat().st_size < 20_000
    with pytest.raises(RejectedArchive, match="uncompressed is more than the limit"):
        read_archive(archive, ArchiveLimits(max_total_bytes=1_000_000))


@pytest.mark.parametrize("name", ["../escape.png", "/etc/passwd", "a/../../b.png", "C:/x.png"])
def test_unsafe_entry_paths_are_refused(tmp_path: Path, name: str) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"x")
    with pytest.raises(RejectedArchive, match="unsafe path"):
        read_archive(archive)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "ep.cbz"
    fake.write_bytes(b"not a zip at all")
    with pytest.raises(RejectedArchive, match="not a readable ZIP"):
        read_archive(fake)


def test_empty_archive_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RejectedArchive, match="holds no files"):
        read_archive(make_zip(tmp_path / "empty.zip", {}))
