"""Nothing left behind by a crash: the site sweeps orphaned media at its start and every interval by itself."""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from comics.images.ingest import referenced_files
from comics.images.storage import MediaStore
from comics.images.sweeping import MARKER, PeriodicSweep, sweep_if_due
from comics.site_images import media_store
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png, stored_names
from tests.test_gunicorn import ROOT, free_port, server_environment, wait_for
from tests.waiting import HANG_GUARD, wait_until


def orphan(store: MediaStore, name: str = "ab/ab" + "0" * 30 + ".png", age: float = 0) -> str:
    """Write a file no row references, `age` seconds old; return its name."""
    path = store.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"orphan")
    if age:
        os.utime(path, (time.time() - age, time.time() - age))
    return name


def test_a_sweep_runs_when_due_and_processes_take_turns(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, MEDIA_SWEEP_GRACE_SECONDS=60, MEDIA_SWEEP_INTERVAL=3600)
    store = media_store(app)
    old, young = orphan(store, age=120), orphan(store, "cd/cd" + "1" * 30 + ".png")
    assert sweep_if_due(app) == [old]  # never swept before: due at once; the young file may be an upload in flight
    assert stored_names(store) == [young]
    assert sweep_if_due(app) is None  # swept a moment ago
    os.utime(store.root / young, (time.time() - 120,) * 2)
    assert sweep_if_due(app, starting=True) == [young]  # a start sweeps whatever the time of the last one
    with open(store.root / MARKER, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert sweep_if_due(app, starting=True) is None  # another process is sweeping: no second sweep at once


def test_each_sweep_logs_what_it_removed_and_what_waits_for_the_grace(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A crash's leftovers wait an hour by default: the log says how many, so an operator is not left guessing."""
    app = make_test_app(tmp_path, MEDIA_SWEEP_GRACE_SECONDS=60)
    store = media_store(app)
    orphan(store, age=120)
    orphan(store, "cd/cd" + "1" * 30 + ".png")
    with caplog.at_level(logging.INFO, logger="comics.images.sweeping"):
        sweep_if_due(app, starting=True)
        sweep_if_due(app, starting=True)
    lines = [record.getMessage() for record in caplog.records if record.name == "comics.images.sweeping"]
    assert lines == [
        "media sweep: removed 1 unreferenced files (6 bytes); kept 1 (6 bytes) younger than the grace of 60 s",
        "media sweep: removed 0 unreferenced files (0 bytes); kept 1 (6 bytes) younger than the grace of 60 s",
    ]


def test_each_worker_sweeps_when_a_sweep_is_due(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, MEDIA_SWEEP_GRACE_SECONDS=0, MEDIA_SWEEP_INTERVAL=1)
    store = media_store(app)
    orphan(store)
    thread = PeriodicSweep.start_for(app)
    try:
        wait_until(lambda: stored_names(store) == [], "the worker's sweep")
    finally:
        thread.stopping.set()
        thread.join(timeout=HANG_GUARD)


def test_an_import_killed_midway_leaves_nothing_after_the_next_start(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    """SIGKILL an import while it writes files, then start the site as deployed (gunicorn): its start sweeps them."""
    site.episode(site.series(), panels=1)  # committed work, whose files must stay
    db.session.commit()
    store = media_store(app)
    kept = sorted(referenced_files())
    panels = []
    for index in range(30):
        path = tmp_path / f"{index:02}.png"
        path.write_bytes(panel_png(900, 2400, colour=f"#{index * 8:02x}4080", label=str(index)))
        panels.append(str(path))
    environment = {**server_environment(app, tmp_path), "FLASK_RENDITION_WIDTHS": "[480, 800]"}
    importing = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "import-episode", "river", *panels, "--title", "Killed"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: len(stored_names(store)) >= len(kept) + 8 or importing.poll() is not None, "the import to write files")
        assert importing.poll() is None, "the import finished before it could be killed: give it more panels"
    finally:
        importing.send_signal(signal.SIGKILL)
        importing.communicate(timeout=HANG_GUARD)
    left = set(stored_names(store)) - set(kept)
    assert len(left) >= 8
    db.session.expire_all()
    assert set(referenced_files()) == set(kept)  # the import committed nothing: all it wrote is orphaned

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn
    port = free_port()
    server = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env={**environment, "FLASK_MEDIA_SWEEP_GRACE_SECONDS": "0"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", server)
        wait_until(lambda: stored_names(store) == kept or server.poll() is not None, "the sweep at gunicorn's start")
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=HANG_GUARD)
    assert stored_names(store) == kept, errors.decode()[-2000:]
    assert not list(store.root.glob("*/.incoming-*"))
