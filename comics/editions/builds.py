"""Offline editions built for the studio in the background: a private folder per build, its progress, its ZIP.

The studio asks for an edition (comics.studio.editions). `start_build` makes a private folder for it in
the work folder (EDITIONS_WORK_DIR, else the system's temporary folder), named by a random token, and
queues the build for the render queue's workers when RENDER_QUEUE is "rq", so no web request waits for
videos and gunicorn's timeout cannot cut a big edition short; otherwise it builds at once. The build
writes its state into the folder (`state.json`: waiting, building with the episodes done of how many,
ready with the ZIP's name and size, or failed with why), which the studio's page reads. Only the person
who asked sees a build. Its ZIP is sent once and the folder removed with it; a folder left longer than
BUILD_LIFETIME (a download never taken, a worker killed) is removed by the next build.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from comics.editions.cli import site_imprint
from comics.editions.export import EditionOptions, write_edition, write_edition_zip
from comics.editions.records import NEUTRAL, EditionRefused, collect_edition
from comics.editions.registers import NORTH
from comics.site_images import media_store, render_queue, renders_in_background

BUILDS_FOLDER = "edition-builds"
STATE_FILE = "state.json"
# A build's folder is kept this long for its download; a build still running then has been lost.
BUILD_LIFETIME = 24 * 3600
# Long enough for a catalogue with videos (tens of seconds an episode on two cores).
BUILD_JOB_TIMEOUT = 3 * 3600

WAITING, BUILDING, READY, FAILED = "waiting", "building", "ready", "failed"


@dataclass(frozen=True)
class EditionChoice:
    """What the studio's form asked for, checked: series slugs, languages (edition order), options."""

    slugs: tuple[str, ...]
    languages: tuple[str, ...]
    with_site: bool = False
    videos: bool = False
    # The Korean README's and reader's words: the North's unless asked for the South's (registers.py).
    register: str = NORTH

    def options(self) -> EditionOptions:
        imprint = site_imprint() if self.with_site else NEUTRAL
        return EditionOptions(
            slugs=self.slugs, languages=self.languages, imprint=imprint, slides=True, videos=self.videos, register=self.register
        )


@dataclass(frozen=True)
class BuildState:
    """Where a build stands, as its folder's state.json keeps it."""

    owner: int
    status: str = WAITING
    done: int = 0
    total: int = 0
    filename: str = ""
    size: int = 0
    # Why a build failed, in English for the log; the studio shows its own words.
    problem: str = ""
    started: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.status in (READY, FAILED)


class BuildFailed(Exception):
    """The server could not make a build's folder; nothing was left behind."""


def work_folder() -> Path:
    """Return where editions are built before they are sent (EDITIONS_WORK_DIR, else the system's temp)."""
    return Path(current_app.config.get("EDITIONS_WORK_DIR") or tempfile.gettempdir())


def builds_folder() -> Path:
    return work_folder() / BUILDS_FOLDER


def build_folder(token: str) -> Path | None:
    """Return a build's folder from its token, or None for a token that cannot be one (no path tricks)."""
    if not (16 <= len(token) <= 64 and all(char.isascii() and (char.isalnum() or char in "-_") for char in token)):
        return None
    return builds_folder() / token


def write_state(folder: Path, state: BuildState) -> None:
    """Replace a build's state at once, so a reader never sees half of it."""
    partial = folder / f".{STATE_FILE}.part"
    partial.write_text(json.dumps(asdict(state)))
    partial.replace(folder / STATE_FILE)


def read_state(token: str, owner: int) -> BuildState | None:
    """Return the state of one of this person's builds, or None if there is no such build of theirs."""
    folder = build_folder(token)
    if folder is None:
        return None
    try:
        state = BuildState(**json.loads((folder / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return state if state.owner == owner else None


def remove_expired_builds(now: float | None = None) -> None:
    """Remove the folders of builds older than BUILD_LIFETIME: downloads never taken, builds lost."""
    limit = (now or time.time()) - BUILD_LIFETIME
    try:
        folders = list(builds_folder().iterdir())
    except OSError:
        return
    for folder in folders:
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def start_build(choice: EditionChoice, name: str, owner: int) -> str:
    """Make a build's folder and start it: queued for a worker, or here and now; return its token.

    Raises BuildFailed when the work folder cannot be written (nothing is left behind).
    """
    remove_expired_builds()
    token = secrets.token_urlsafe(24)
    folder = builds_folder() / token
    try:
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700)
        write_state(folder, BuildState(owner=owner))
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise BuildFailed(error.strerror or str(error)) from None
    if renders_in_background():
        render_queue().enqueue(
            "comics.editions.builds.run_build",  # by name, as the rendition jobs are
            token,
            choice,
            name,
            job_timeout=BUILD_JOB_TIMEOUT,
            description="an offline edition for the studio",
        )
    else:
        run_build(token, choice, name)
    return token


def run_build(token: str, choice: EditionChoice, name: str) -> None:
    """Build one studio edition, named name, into its folder, keeping its state up to date (an RQ job, or inline)."""
    folder = build_folder(token)
    if folder is None or not (folder / STATE_FILE).exists():
        return  # removed meanwhile: nobody is waiting for it
    state = BuildState(**json.loads((folder / STATE_FILE).read_text()))

    def episode_done(done: int, total: int) -> None:
        nonlocal state
        state = replace(state, status=BUILDING, done=done, total=total)
        write_state(folder, state)

    try:
        options = choice.options()
        content = collect_edition(media_store(), choice.slugs, choice.languages, options.imprint)
        state = replace(state, status=BUILDING, total=len(content.episodes()))
        write_state(folder, state)
        write_edition(content, folder / name, options, episode_done=episode_done)
        archive = folder / f"{name}.zip"
        write_edition_zip(folder / name, archive)
        shutil.rmtree(folder / name)
        write_state(folder, replace(state, status=READY, filename=archive.name, size=archive.stat().st_size))
    except (EditionRefused, OSError) as problem:
        current_app.logger.error("offline edition not built: %s", problem)
        shutil.rmtree(folder / name, ignore_errors=True)
        write_state(folder, replace(state, status=FAILED, problem=str(problem)))
    except BaseException as problem:
        shutil.rmtree(folder / name, ignore_errors=True)
        write_state(folder, replace(state, status=FAILED, problem=type(problem).__name__))
        raise


def take_download(token: str, owner: int) -> tuple[Path, str] | None:
    """Return a ready build's folder and its ZIP's name, or None when there is none of this person's."""
    state = read_state(token, owner)
    folder = build_folder(token)
    if state is None or state.status != READY or folder is None or not (folder / state.filename).is_file():
        return None
    return folder, state.filename


def open_and_remove(folder: Path, filename: str) -> tuple[BinaryIO, int]:
    """Open a build's ZIP and remove its folder: the open handle keeps the bytes readable until it is
    closed (POSIX), and nothing is left on disk meanwhile. Return the handle and the size."""
    try:
        stream = (folder / filename).open("rb")
        size = os.fstat(stream.fileno()).st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return stream, size
