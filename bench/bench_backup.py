"""How long a backup and a restore of the demo take, against a plain copy of the same files.

Loads the demo into a temporary app (SQLite, or PostgreSQL with BENCH_DATABASE_URL set to a maintenance
database such as postgresql+psycopg://postgres@127.0.0.1:5432/test), backs it up into a local restic
repository twice (the second adds only the dump), then empties the instance and restores it three times.
The baseline, in the same run: a plain copy of the media folder and of the database (SQLite's backup API,
or pg_dump and pg_restore) into an empty place, which is what any restore must at least do. Writes the
figures into docs/deploy.md between its "bench:backup" markers. Run: .venv/bin/python bench/bench_backup.py
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalogue import create_database, drop_database  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from comics.backups import databases  # noqa: E402
from comics.backups.snapshots import restore_backup, take_backup  # noqa: E402
from comics.demo.loader import load_demo  # noqa: E402
from comics.site_images import media_store  # noqa: E402
from extensions import db  # noqa: E402

DOC = ROOT / "docs" / "deploy.md"
START, END = "<!-- bench:backup:start -->", "<!-- bench:backup:end -->"
RUNS = 3


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def empty_the_instance(url: str, media: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if url.startswith("sqlite"):
        Path(databases.sqlite_path(url)).unlink(missing_ok=True)
    else:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    shutil.rmtree(media, ignore_errors=True)


def plain_copy(url: str, media: Path, place: Path) -> None:
    """The baseline: the media folder and a dump of the database copied into an empty place, and back."""
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir()
    shutil.copytree(media, place / "media")
    dump = place / databases.DUMP_NAMES[databases.engine_of(url)]
    databases.dump_database(url, dump)
    databases.restore_database(url, dump)


def main() -> None:
    maintenance = os.environ.get("BENCH_DATABASE_URL")
    rows = []
    for engine in ["sqlite", "postgresql"] if maintenance else ["sqlite"]:
        with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
            work = Path(folder)
            url = (
                create_database(maintenance, "backup")
                if engine == "postgresql" and maintenance
                else f"sqlite:///{work / 'webtoon.sqlite'}"
            )
            try:
                rows.append(run(work, url))
            finally:
                if engine == "postgresql" and maintenance:
                    drop_database(maintenance, url)
    machine = (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), load average {os.getloadavg()[0]:.1f} at the end"
    )
    figures = "\n".join(
        [
            f"Measured by `bench/bench_backup.py` on {machine}: the demo in a local repository, medians of {RUNS} runs,",
            "in-process (no start of Python or Flask). The baseline, in the same run, is a plain copy of the same media",
            "folder and database (SQLite's backup API, or pg_dump and pg_restore), the least any restore must do.",
            "",
            "| database | media files | first backup | next backup (nothing new) | restore into an empty instance | plain copy (baseline) | restore ÷ copy |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    print(figures)
    text_now = DOC.read_text()
    DOC.write_text(re.sub(re.escape(START) + ".*?" + re.escape(END), f"{START}\n{figures}\n{END}", text_now, flags=re.DOTALL))


def run(work: Path, url: str) -> str:
    """Load the demo, back it up twice and restore it; return the table's row."""
    password = work / "password"
    password.write_text("a benchmark's password\n")
    os.environ.update(
        RESTIC_REPOSITORY=str(work / "repository"), RESTIC_PASSWORD_FILE=str(password), RESTIC_CACHE_DIR=str(work / "cache")
    )
    subprocess.run(["restic", "init", "--quiet"], check=True, capture_output=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MEDIA_ROOT": str(work / "media"),
            "CACHE_TYPE": "NullCache",
            "CACHE_NO_NULL_WARNING": True,
            "SECRET_KEY": "a benchmark's secret key of 32 bytes or more",
            "REVIEW_READ_LETTERING": False,
        }
    )
    with app.app_context():
        db.create_all()
        print(f"{databases.engine_of(url)}: loading the demo", file=sys.stderr, flush=True)
        load_demo()
        print(f"{databases.engine_of(url)}: backing up and restoring", file=sys.stderr, flush=True)
        media = media_store(app).root
        files = sum(1 for path in media.glob("??/*") if path.is_file())
        megabytes = sum(path.stat().st_size for path in media.glob("??/*")) / 1e6
        first = timed(lambda: take_backup(app))
        again = timed(lambda: take_backup(app))
        copies, restores = [], []
        for _ in range(RUNS):
            copies.append(timed(lambda: plain_copy(url, media, work / "copy")))
            empty_the_instance(url, media)
            restores.append(timed(lambda: restore_backup(app)))
        engine = databases.engine_of(url)
    copy, restore = statistics.median(copies), statistics.median(restores)
    name = "SQLite" if engine == "sqlite" else "PostgreSQL"
    return f"| {name} | {files} ({megabytes:.0f} MB) | {first:.1f} s | {again:.1f} s | {restore:.1f} s | {copy:.1f} s | {restore / copy:.1f}× |"


if __name__ == "__main__":
    main()
