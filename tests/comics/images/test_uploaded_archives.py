"""Reading .zip and .cbz uploads: natural order, limits, zip bombs and unsafe paths."""
from __future__ import annotations

import os
import re
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from comics.images.uploaded_archives import ArchiveLimits, RejectedArchive, read_archive
from comics.models import Episode
from extensions import db
from tests.conftest import SiteBuilder


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_entries_come_in_natural_order_without_clutter(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "ep.cbz", {"10.png": b"x", "2.png": b"y", "1.png": b"z", "__MACOSX/._1.png": b"", ".DS_Store": b""})
    files = read_archive(archive)
    assert [(name, data.read()) for name, data in files] == [("1.png", b"z"), ("2.png", b"y"), ("10.png", b"x")]
    for _, data in files:
        data.close()


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


# --- zip bombs: refused from the directory, before anything is inflated ------------------------------

MB = 1_000_000


def make_bomb(path: Path, entries: int, entry_bytes: int) -> Path:
    """Write a zip of entries of zeros, streamed, so the test itself never holds them in memory."""
    zeros = bytes(MB)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for index in range(entries):
            with archive.open(f"{index:02}.png", "w", force_zip64=True) as entry:
                for _ in range(entry_bytes // MB):
                    entry.write(zeros)
    return path


def peak_memory_of(call: Callable[[], object]) -> tuple[BaseException | None, int]:
    """Run call under tracemalloc; return what it raised and its peak of allocated bytes."""
    tracemalloc.start()
    try:
        call()
        raised = None
    except BaseException as error:  # noqa: BLE001 - returned to the test, which asserts on it
        raised = error
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return raised, peak


def test_the_issues_zip_bomb_is_refused_without_inflating(tmp_path: Path) -> None:
    """About 450 KB of zip that would inflate to 450 MB: refused with the configured limits, in little memory."""
    bomb = make_bomb(tmp_path / "bomb.zip", entries=10, entry_bytes=45 * MB)
    assert bomb.stat().st_size < 600_000
    raised, peak = peak_memory_of(lambda: read_archive(bomb, ArchiveLimits()))
    assert isinstance(raised, RejectedArchive)
    assert "450,000,000 bytes uncompressed is more than the limit of 200,000,000" in str(raised)
    assert peak < 2 * MB


def test_an_entry_larger_than_an_upload_may_be_is_refused(tmp_path: Path) -> None:
    bomb = make_bomb(tmp_path / "one.zip", entries=1, entry_bytes=30 * MB)
    limits = ArchiveLimits(max_entry_bytes=20 * MB, max_total_bytes=10_000 * MB, max_ratio=10_000)
    raised, peak = peak_memory_of(lambda: read_archive(bomb, limits))
    assert isinstance(raised, RejectedArchive)
    assert "00.png is 30,000,000 bytes uncompressed, more than the limit of 20,000,000 for one file" in str(raised)
    assert peak < 2 * MB


def test_an_entry_compressed_too_far_is_refused(tmp_path: Path) -> None:
    bomb = make_bomb(tmp_path / "ratio.zip", entries=1, entry_bytes=5 * MB)
    raised, peak = peak_memory_of(lambda: read_archive(bomb, ArchiveLimits(max_ratio=100)))
    assert isinstance(raised, RejectedArchive)
    assert re.search(r"00\.png is compressed [\d,]+ to 1, more than the limit of 100 to 1", str(raised)), raised
    assert peak < 2 * MB


def test_an_entry_that_lies_about_its_size_is_read_no_further(tmp_path: Path) -> None:
    """The directory says 1,000 bytes; the data inflates to 3 MB. Reading stops past the declared size."""
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.png", os.urandom(3 * MB))
    raw = bytearray(honest.read_bytes())
    size = struct.pack("<I", 3 * MB)
    # The uncompressed size, in the local header (offset 22) and the central directory entry (offset 24).
    local = raw.index(b"PK\x03\x04")
    central = raw.index(b"PK\x01\x02")
    assert raw[local + 22 : local + 26] == size and raw[central + 24 : central + 28] == size
    raw[local + 22 : local + 26] = raw[central + 24 : central + 28] = struct.pack("<I", 1_000)
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(raw))
    raised, peak = peak_memory_of(lambda: read_archive(liar, ArchiveLimits(max_ratio=10_000)))
    assert isinstance(raised, RejectedArchive) and "a.png" in str(raised), raised
    assert peak < 2 * MB


def test_entries_are_files_and_a_large_one_is_not_held_in_memory(tmp_path: Path) -> None:
    archive = tmp_path / "big.cbz"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("1.png", os.urandom(12 * MB))
        zf.writestr("2.png", b"small")
    files, peak = [], 0
    tracemalloc.start()
    try:
        files = read_archive(archive)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert [name for name, _ in files] == ["1.png", "2.png"]
        assert len(files[0][1].read()) == 12 * MB and files[1][1].read() == b"small"
        assert peak < 8 * MB  # inflated a chunk at a time into a temporary file, not into memory
    finally:
        for _, data in files:
            data.close()


def test_import_episode_refuses_the_bomb_and_imports_nothing(runner: FlaskCliRunner, site: SiteBuilder, tmp_path: Path) -> None:
    site.series()
    bomb = make_bomb(tmp_path / "episode.cbz", entries=10, entry_bytes=45 * MB)
    result = runner.invoke(args=["import-episode", "river", str(bomb), "--title", "Bomb"])
    assert result.exit_code != 0
    assert "episode.cbz: 450,000,000 bytes uncompressed is more than the limit of 200,000,000" in result.output
    assert db.session.scalar(select(func.count(Episode.id))) == 0
