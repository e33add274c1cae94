"""The media store: content-addressed names, atomic writes, strict names and the orphan sweep."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from comics.images.storage import InvalidMediaName, MediaStore, media_type_for
from tests.conftest import stored_names

DATA = b"\x89PNG pretend panel bytes"


@pytest.fixture
def store(tmp_path: Path) -> MediaStore:
    return MediaStore(tmp_path / "media")


def age(store: MediaStore, name: str, seconds: float) -> None:
    """Make a stored file look as old as the given number of seconds."""
    then = time.time() - seconds
    os.utime(store.root / name, (then, then))


def test_put_names_the_file_by_its_content_in_a_fan_out_folder(store: MediaStore) -> None:
    name = store.put(DATA, "webp")
    digest = hashlib.sha256(DATA).hexdigest()[:32]
    assert name == f"{digest[:2]}/{digest}.webp"
    assert (store.root / name).read_bytes() == DATA


def test_put_of_the_same_bytes_is_idempotent(store: MediaStore) -> None:
    first = store.put(DATA, "png")
    second = store.put(DATA, "png")
    assert first == second
    assert list(stored_names(store)) == [first]
    assert os.listdir((store.root / first).parent) == [Path(first).name]


def test_put_leaves_no_file_behind_when_writing_fails(store: MediaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(source: str, destination: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.put(DATA, "avif")
    folder = store.root / hashlib.sha256(DATA).hexdigest()[:2]
    assert list(folder.iterdir()) == []


def test_put_writes_through_a_temporary_file_in_the_same_folder(
    store: MediaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(source: str, destination: str) -> None:
        renames.append((Path(source), Path(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    name = store.put(DATA, "jpg")
    [(source, destination)] = renames
    assert destination == store.root / name
    assert source.parent == destination.parent
    assert not source.exists()
    assert (destination.stat().st_mode & 0o777) == 0o644


def test_put_refuses_an_extension_of_its_own_choosing(store: MediaStore) -> None:
    with pytest.raises(ValueError, match="extension"):
        store.put(DATA, "html")


def test_put_of_existing_bytes_restarts_the_grace_period(store: MediaStore) -> None:
    name = store.put(DATA, "webp")
    age(store, name, 7200)
    store.put(DATA, "webp")
    assert store.sweep(referenced=set(), grace_seconds=3600).removed == []


def test_path_of_returns_a_path_inside_the_root(store: MediaStore) -> None:
    name = store.put(DATA, "avif")
    assert store.path_of(name) == store.root / name


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/passwd",
        "ab/../../x",
        "ab/ab" + "0" * 30 + ".webp/../../../etc/passwd",
        "ab/" + "0" * 32 + ".webp",  # folder does not match the hash
        "AB/AB" + "0" * 30 + ".webp",  # upper case is not ours
        "ab/ab" + "0" * 30 + ".html",
        "ab/ab" + "0" * 29 + ".webp",  # too short
        "ab\\ab" + "0" * 30 + ".webp",
        "ab/ab" + "0" * 30 + ".webp\n",
        "",
    ],
)
def test_path_of_refuses_names_we_did_not_make(store: MediaStore, name: str) -> None:
    with pytest.raises(InvalidMediaName):
        store.path_of(name)


def test_invalid_media_name_is_a_value_error() -> None:
    assert issubclass(InvalidMediaName, ValueError)


def test_exists_is_false_for_missing_and_invalid_names(store: MediaStore) -> None:
    name = store.put(DATA, "png")
    assert store.exists(name)
    assert not store.exists(name.replace(".png", ".jpg"))
    assert not store.exists("../../etc/passwd")


def test_delete_removes_files_and_ignores_missing_ones(store: MediaStore) -> None:
    kept = store.put(b"kept", "webp")
    gone = store.put(b"gone", "webp")
    store.delete([gone, gone.replace(".webp", ".avif")])
    assert list(stored_names(store)) == [kept]


def test_delete_refuses_an_invalid_name_before_removing_anything(store: MediaStore) -> None:
    name = store.put(DATA, "webp")
    with pytest.raises(InvalidMediaName):
        store.delete([name, "../outside"])
    assert store.exists(name)


def test_sweep_removes_old_unreferenced_files_only(store: MediaStore) -> None:
    referenced_old = store.put(b"referenced", "webp")
    orphan_old = store.put(b"orphan", "webp")
    orphan_recent = store.put(b"in flight", "webp")
    for name in (referenced_old, orphan_old):
        age(store, name, 7200)
    report = store.sweep(referenced={referenced_old}, grace_seconds=3600)
    assert report.removed == [orphan_old] and report.removed_bytes == len(b"orphan")
    assert (report.young, report.young_bytes) == (1, len(b"in flight"))  # kept for the grace: counted, not removed
    assert sorted(stored_names(store)) == sorted([referenced_old, orphan_recent])


def test_sweep_removes_stale_temporary_files_and_keeps_fresh_ones(store: MediaStore) -> None:
    folder = store.root / "ab"
    folder.mkdir(parents=True)
    stale = folder / ".incoming-abc123.part"
    fresh = folder / ".incoming-def456.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    then = time.time() - 7200
    os.utime(stale, (then, then))
    assert store.sweep(referenced=set(), grace_seconds=3600).removed == ["ab/.incoming-abc123.part"]
    assert fresh.exists()


def test_sweep_never_touches_files_it_did_not_make(store: MediaStore) -> None:
    store.root.mkdir(parents=True)
    foreign = [store.root / "README.txt", store.root / "ab" / "notes.txt"]
    foreign[1].parent.mkdir()
    then = time.time() - 7200
    for path in foreign:
        path.write_text("keep me")
        os.utime(path, (then, then))
    assert store.sweep(referenced=set(), grace_seconds=0).removed == []
    assert all(path.exists() for path in foreign)


def test_an_empty_store_sweeps_nothing(store: MediaStore) -> None:
    assert store.sweep(set(), grace_seconds=0).removed == []


@pytest.mark.parametrize(
    ("extension", "media_type"),
    [("avif", "image/avif"), ("webp", "image/webp"), ("jpg", "image/jpeg"), ("png", "image/png")],
)
def test_media_type_follows_our_extension(store: MediaStore, extension: str, media_type: str) -> None:
    assert media_type_for(store.put(DATA, extension)) == media_type


def test_media_type_refuses_other_extensions() -> None:
    with pytest.raises(ValueError):
        media_type_for("ab/ab.svg")


def test_deleting_leaves_no_marker_behind_when_no_backup_ever_held_the_store(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    name = store.put(b"x" * 10, "png")
    store.delete([name])
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
