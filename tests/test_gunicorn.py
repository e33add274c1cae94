"""The production server: the app under gunicorn with several workers, serving pages from the shared cache."""
from __future__ import annotations

import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from gunicorn.config import Config

from extensions import db
from tests.conftest import SiteBuilder
from tests.waiting import HANG_GUARD, stop, wait_until

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = HANG_GUARD) -> None:
    """Wait until the starting server answers url (it imports the app and sweeps media first); fail if it exits."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            # Not yet listening: refused at once. Listening: the answer may be slow, and is waited for.
            urllib.request.urlopen(url, timeout=left).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def server_environment(app: Flask, tmp_path: Path) -> dict[str, str]:
    """Point gunicorn's app at this test's database, media and a real shared cache, through FLASK_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(
        FLASK_SECRET_KEY="gunicorn-test-secret-key-of-32-bytes",
        FLASK_SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False),
        FLASK_MEDIA_ROOT=app.config["MEDIA_ROOT"],
        FLASK_CACHE_TYPE="FileSystemCache",
        FLASK_CACHE_DIR=str(tmp_path / "shared-cache"),
    )
    if app.config.get("CACHE_TYPE") == "RedisCache":
        env.update(
            FLASK_CACHE_TYPE="RedisCache",
            FLASK_CACHE_REDIS_URL=app.config["CACHE_REDIS_URL"],
            FLASK_CACHE_KEY_PREFIX=app.config["CACHE_KEY_PREFIX"],
        )
    return env


def test_gunicorn_serves_pages_from_the_shared_cache(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn is a dependency: pip install -e ."
    series = site.series()
    site.episode(series, panels=2)
    db.session.commit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "3"],
        cwd=ROOT, env=server_environment(app, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"{base}/", process)
        seen = []
        # Enough requests that several workers answer: the ones that did not render it still hit.
        for _ in range(12):
            with urllib.request.urlopen(f"{base}/series/river/1/", timeout=HANG_GUARD) as response:
                assert response.status == 200
                seen.append(response.headers["X-Page-Cache"])
                assert b"Chapter 1" in response.read()
        assert seen[0] == "MISS"
        assert set(seen[1:]) == {"HIT"}
        with urllib.request.urlopen(f"{base}/", timeout=HANG_GUARD) as response:
            assert response.status == 200
    finally:
        errors = stop(process)
    assert process.returncode == 0, errors.decode()[-2000:]


# --- the access log: what a seized server's log would say ----------------------------------------

READER_ADDRESS = "203.0.113.77"
MARKERS = (READER_ADDRESS, "secret-search", "ReaderMarkerAgent", "referrer-marker", "SECRETTOKEN123")


def fetch(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=HANG_GUARD) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def test_the_access_log_holds_no_address_query_agent_or_referrer(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn
    site.episode(site.series(), panels=1)
    db.session.commit()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    access_log = tmp_path / "access.log"
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env={**server_environment(app, tmp_path), "GUNICORN_ACCESS_LOG": str(access_log)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"{base}/", process)
        who = {"User-Agent": "ReaderMarkerAgent/1.0", "Referer": "https://referrer-marker.example/page", "X-Forwarded-For": READER_ADDRESS}
        assert fetch(f"{base}/search?q=secret-search&page=1", **who) == 200
        assert fetch(f"{base}/series/river/1/?utm=secret-search", **who) == 200
        assert fetch(f"{base}/account/invitation/SECRETTOKEN123", **who) == 404
        # A request gunicorn refuses itself: its error log would name the client's address.
        with socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD) as raw:
            raw.sendall(b"GET /?q=secret-search HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
            raw.recv(1024)
    finally:
        errors = stop(process)
    lines = access_log.read_text().splitlines()
    search = next(line for line in lines if '"GET /search"' in line)
    assert re.fullmatch(r'\[[^\]]+\] "GET /search" 200 \d+ms', search), search
    assert any('"GET /series/river/1/" 200' in line for line in lines), lines
    assert any('"GET /account/invitation/-" 404' in line for line in lines), lines
    for line in lines:
        assert "127.0.0.1" not in line and "?" not in line, line
        assert not any(marker in line for marker in MARKERS), line
    error_log = errors.decode()
    assert "Invalid request from ip=-" in error_log, error_log[-2000:]
    assert not any(marker in error_log for marker in MARKERS), error_log[-2000:]


# --- sign-in limits across workers ---------------------------------------------------------------


def test_a_public_site_will_not_start_several_workers_on_unshared_limits(app: Flask, tmp_path: Path) -> None:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn
    env = {**server_environment(app, tmp_path), "FLASK_SITE_URL": "https://freelines.example", "FLASK_RATELIMIT_STORAGE_URI": "memory://"}
    refused = subprocess.run(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{free_port()}", "--workers", "2"],
        cwd=ROOT, env=env, capture_output=True, timeout=HANG_GUARD,
    )
    assert refused.returncode == 1
    message = refused.stderr.decode()
    assert "RATELIMIT_STORAGE_URI is memory:// but gunicorn would start 2 workers" in message, message[-2000:]
    assert "Booting worker" not in message


# --- the control socket: one instance's own, or none ----------------------------------------------


def gunicorn_config() -> Config:
    """Read gunicorn.conf.py as gunicorn does: each module-level name that is one of its settings."""
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_control_socket_is_off_unless_an_instance_names_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    assert gunicorn_config().control_socket_disable is True
    monkeypatch.setenv("GUNICORN_CONTROL_SOCKET", "/run/webtoon/gunicorn.ctl")
    config = gunicorn_config()
    assert config.control_socket_disable is False and config.control_socket == "/run/webtoon/gunicorn.ctl"


def test_gunicorn_opens_no_control_socket_at_the_shared_path(app: Flask, tmp_path: Path) -> None:
    # gunicorn 27's default, ~/.gunicorn/gunicorn.ctl, is the same for every instance of one user.
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn
    home = tmp_path / "home"
    home.mkdir()
    env = server_environment(app, tmp_path) | {"HOME": str(home)}
    env.pop("XDG_RUNTIME_DIR", None)
    env.pop("GUNICORN_CONTROL_SOCKET", None)
    port = free_port()
    error_log = tmp_path / "error.log"
    process = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--log-level", "debug", "--error-logfile", str(error_log)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", process)
        # The master decides on its control socket once its first workers have started: it logs that the
        # socket is disabled, or opens it at the shared path. Wait for whichever comes.
        wait_until(
            lambda: "Control socket disabled" in error_log.read_text() or (home / ".gunicorn").exists(),
            "gunicorn's master to decide on its control socket",
        )
        assert not (home / ".gunicorn").exists()
    finally:
        stop(process)
