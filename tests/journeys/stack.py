"""The site as production runs it, on this machine: nginx with TLS → gunicorn → the app, with PostgreSQL,
Redis (limiter, page cache, queue) and an RQ render worker.

Nothing here is a copy of the production set-up. nginx serves through docs/nginx/webtoon.conf itself,
with only its paths, ports and host name replaced (each replacement must find its text, so a change of
the file that the suite does not follow fails loudly); gunicorn starts from gunicorn.conf.py; the
render worker is `flask --app app render-worker`; the database is migrated and the demo loaded by the
same commands as `make run`. Every process gets its settings as a deployment does: FLASK_* variables.

The host is freelines.test, which Chromium resolves to 127.0.0.1 (--host-resolver-rules) and whose
certificate, made here with openssl, it trusts by its key (--ignore-certificate-errors-spki-list): a
real TLS connection, a secure context, and a host name WebAuthn accepts as the relying party.
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.waiting import HANG_GUARD, wait_until

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "docs" / "nginx" / "webtoon.conf"
NGINX_HEADERS = ROOT / "docs" / "nginx" / "webtoon-headers.conf"
HOST = "freelines.test"


def free_port() -> int:
    """Return a loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for one host, and the hash of its public key that Chromium is told to trust."""

    cert: Path
    key: Path
    spki_sha256: str


def make_certificate(folder: Path, host: str = HOST) -> Certificate:
    """Make a two-day certificate for the host with openssl, as a CA-less test deployment would."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    public_der = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-pubkey"], check=True, capture_output=True
    ).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public_der, check=True, capture_output=True).stdout
    return Certificate(cert, key, base64.b64encode(hashlib.sha256(der).digest()).decode())


def replace_each(conf: str, replacements: Mapping[str, str]) -> str:
    """Replace each text of the configuration; fail if one is missing (the documented file changed)."""
    for old, new in replacements.items():
        if old not in conf:
            raise AssertionError(f"docs/nginx/webtoon.conf no longer has {old!r}: update tests/journeys/stack.py")
        conf = conf.replace(old, new)
    return conf


def nginx_configuration(folder: Path, https_port: int, http_port: int, socket_path: Path, certificate: Certificate) -> Path:
    """Write nginx's main file for this run around the documented site file; return its path."""
    (folder / "logs").mkdir()
    site = replace_each(
        NGINX_SITE.read_text(),
        {
            "unix:/run/webtoon/gunicorn.sock": f"unix:{socket_path}",
            "/var/cache/nginx/webtoon-media": str(folder / "media-cache"),
            "/var/log/webtoon/": f"{folder / 'logs'}/",
            "/srv/webtoon/static/": f"{ROOT / 'static'}/",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "server_name freelines.example;": f"server_name {HOST};",
            "/etc/letsencrypt/live/freelines.example/fullchain.pem": str(certificate.cert),
            "/etc/letsencrypt/live/freelines.example/privkey.pem": str(certificate.key),
            "include snippets/webtoon-headers.conf;": f"include {NGINX_HEADERS};",
        },
    )
    (folder / "webtoon.conf").write_text(site)
    temp = folder / "temp"
    main = f"""
# Written by tests/journeys/stack.py for one run: Debian's defaults, with this run's folders.
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "logs" / "main-error.log"} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder / "webtoon.conf"};
}}
"""
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


def answers(port: int) -> bool:
    """Tell whether something accepts connections on this loopback port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD):
            return True
    except OSError:
        return False


@dataclass
class Process:
    """A server process of the stack, its output kept in a file for the failure message."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def check_running(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.output()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=HANG_GUARD)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Stack:
    """The running site: its address, its settings, and the processes behind it."""

    base_url: str
    certificate: Certificate
    env: dict[str, str]
    folder: Path
    processes: list[Process] = field(default_factory=list)

    def flask(self, *arguments: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a `flask --app app` command as an operator would, on this stack's settings."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *arguments],
            cwd=ROOT, env=self.env, input=input_text, capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise AssertionError(f"flask {' '.join(arguments)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def check_running(self) -> None:
        for process in self.processes:
            process.check_running()

    def server_output(self) -> str:
        return "\n".join(f"--- {process.name} ---\n{process.output()}" for process in self.processes)


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def services_missing() -> str | None:
    """Say what the production path needs and this machine lacks, or None when all of it is here."""
    for program in ("nginx", "openssl"):
        if not shutil.which(program) and not Path(f"/usr/sbin/{program}").exists():
            return f"{program} is not installed (Debian package {'nginx-light' if program == 'nginx' else program})"
    try:
        engine = create_engine(database_url(), poolclass=NullPool, connect_args={"connect_timeout": 30})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001  (any failure to connect means: no PostgreSQL here)
        return f"no PostgreSQL at {make_url(database_url()).render_as_string()}: {error.__class__.__name__}"
    import redis

    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=30).ping()
    except redis.RedisError as error:
        return f"no Redis at {redis_url()}: {error.__class__.__name__}"
    return None


@contextmanager
def own_database() -> Iterator[str]:
    """Create a PostgreSQL database for this stack beside the maintenance one; drop it at the end."""
    maintenance = make_url(database_url())
    name = f"webtoon_journey_{secrets.token_hex(4)}"
    admin = create_engine(maintenance, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield maintenance.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def own_redis_keys(prefix: str) -> Iterator[None]:
    """Delete every Redis key of this stack at the end."""
    import redis

    try:
        yield
    finally:
        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        for key in client.scan_iter(f"rq:*{prefix}*"):
            client.delete(key)


def start(name: str, command: list[str], env: Mapping[str, str], folder: Path) -> Process:
    log = folder / "logs" / f"{name}.log"
    with log.open("wb") as output:
        popen = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    return Process(name, popen, log)


def stop_all(processes: list[Process]) -> None:
    for process in reversed(processes):
        process.stop()


@contextmanager
def production_stack(folder: Path) -> Iterator[Stack]:
    """Start the whole stack in this folder, with the demo loaded; stop it and drop its data at the end."""
    https_port, http_port = free_port(), free_port()
    socket_path = folder / "gunicorn.sock"
    certificate = make_certificate(folder)
    prefix = f"webtoon-journey-{secrets.token_hex(4)}"
    with ExitStack() as cleanup:
        database = cleanup.enter_context(own_database())
        cleanup.enter_context(own_redis_keys(prefix))
        env = {
            **{name: value for name, value in os.environ.items() if not name.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))},
            "FLASK_SECRET_KEY": secrets.token_hex(32),
            "FLASK_SQLALCHEMY_DATABASE_URI": database,
            "FLASK_MEDIA_ROOT": str(folder / "media"),
            "FLASK_SITE_URL": f"https://{HOST}:{https_port}",
            "FLASK_TRUSTED_PROXIES": "1",
            "FLASK_CACHE_TYPE": "RedisCache",
            "FLASK_CACHE_REDIS_URL": redis_url(),
            "FLASK_CACHE_KEY_PREFIX": f"{prefix}-cache-",
            "FLASK_RATELIMIT_STORAGE_URI": redis_url(),
            "FLASK_RATELIMIT_KEY_PREFIX": f"{prefix}-limits",
            "FLASK_RENDER_QUEUE": "rq",
            "FLASK_RQ_REDIS_URL": redis_url(),
            "FLASK_RQ_QUEUE_NAME": f"{prefix}-renditions",
            "FLASK_STUDIO_TIMEZONE": "Asia/Seoul",
            # The demo's renditions are the worker's here: its lettering is its own script (comics.demo.loader),
            # and reading it with Tesseract would hold every demo page back for minutes.
            "FLASK_REVIEW_READ_LETTERING": "false",
            # Two workers of four threads: several processes, as production, on a two-core machine.
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "GUNICORN_BIND": f"unix:{socket_path}",
            "GUNICORN_ACCESS_LOG": str(folder / "logs" / "access.log"),
            "PYTHONUNBUFFERED": "1",
        }
        nginx_conf = nginx_configuration(folder, https_port, http_port, socket_path, certificate)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / "temp" / temp).mkdir(parents=True)
        stack = Stack(f"https://{HOST}:{https_port}", certificate, env, folder)
        # make run's steps: migrate, then the demo.
        stack.flask("db", "upgrade")
        stack.flask("demo")
        cleanup.callback(stop_all, stack.processes)
        stack.processes.append(start("gunicorn", [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], env, folder))
        stack.processes.append(start("render-worker", [sys.executable, "-m", "flask", "--app", "app", "render-worker"], env, folder))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        stack.processes.append(
            start("nginx", [nginx, "-p", str(folder), "-c", str(nginx_conf), "-e", str(folder / "logs" / "main-error.log"),
                            "-g", "daemon off;"], env, folder)
        )

        def ready() -> bool:
            stack.check_running()
            return socket_path.exists() and answers(https_port)

        # Migrated and the demo loaded above; the servers only import the app and bind.
        wait_until(ready, "the stack (gunicorn on its socket, nginx on its port)")
        yield stack
