"""Gunicorn settings for production: `.venv/bin/gunicorn -c gunicorn.conf.py` (see docs/deploy.md).

Every value can be overridden on the command line or by the environment variables named here.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

from gunicorn.config import Config
from gunicorn.glogging import Logger

if TYPE_CHECKING:
    from gunicorn._types import _EnvironType
    from gunicorn.arbiter import Arbiter
    from gunicorn.glogging import _AtomsDict
    from gunicorn.http import Request
    from gunicorn.http.wsgi import Response
    from gunicorn.workers.base import Worker

wsgi_app = "app:create_app()"
# Behind nginx on the same machine; set GUNICORN_BIND=unix:/run/webtoon/gunicorn.sock for a socket.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Several processes, so one slow page or a Pillow-heavy upload never holds up the others; all of them
# share the page cache (FileSystemCache in the instance folder, or Redis).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A few threads per process keep connections alive (keep-alive needs a threaded worker) and overlap
# the waits on the database and the cache.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 5
# Uploads of a whole episode run the image pipeline in the request unless RENDER_QUEUE = "rq".
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Import the app once in the master: workers fork ready to serve, so starting (or replacing) one
# costs milliseconds. create_app opens no connection, so none is shared across the fork.
preload_app = True
# Recycle each worker now and then (image decoding can leave a process's memory fragmented), but
# rarely: a cached page costs well under a millisecond, so a small limit would recycle them constantly.
max_requests = 200_000
max_requests_jitter = 20_000
# nginx in front sets X-Forwarded-*; trust it only from this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# Time, method, path without its query, status and duration: never the client's address, user agent,
# referrer or query string (web/request_logs.py says why). AddressFreeLogger below holds gunicorn to
# these fields whatever format is given, and keeps addresses and queries out of the error log too.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 25.1+ opens a control socket for `gunicornc` at one path per user ($XDG_RUNTIME_DIR or
# ~/.gunicorn/gunicorn.ctl), the same for every instance on the machine: a second one (a staging site, a
# test run, `make run`) would take it over, and anyone who reaches it can resize or stop the site. Off,
# unless GUNICORN_CONTROL_SOCKET names a path of this instance's own (/run/webtoon/gunicorn.ctl).
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket


class AddressFreeLogger(Logger):
    """gunicorn's logger, told only what its access log may hold, with its error lines scrubbed."""

    def atoms(self, resp: Response, req: Request, environ: _EnvironType, request_time: timedelta) -> _AtomsDict:
        """Return the time, method, status and durations, and the path without its query or secret.

        Any other atom (the address %(h)s, %(a)s, %(f)s, %(q)s, %(r)s, headers, the environ) is then
        missing, which gunicorn writes as "-".
        """
        from web.request_logs import loggable_path

        every = super().atoms(resp, req, environ, request_time)
        return {
            "t": every["t"], "m": every["m"], "s": every["s"], "b": every["b"], "B": every["B"],
            "T": every["T"], "D": every["D"], "M": every["M"], "L": every["L"],
            "U": loggable_path(str(environ.get("PATH_INFO") or "")),
        }

    def setup(self, cfg: Config) -> None:
        """Set gunicorn's logs up, then scrub addresses and queries from its error lines (a refused
        request names its client's address; a failed one, its query)."""
        from web.request_logs import ScrubbedRecords

        super().setup(cfg)
        if not any(isinstance(existing, ScrubbedRecords) for existing in self.error_log.filters):
            self.error_log.addFilter(ScrubbedRecords())


logger_class = AddressFreeLogger


def on_starting(server: Arbiter) -> None:
    """Refuse to start a public site's several workers on per-process sign-in limits (settings.check_server_settings),
    and warn when it sits behind a proxy it does not believe (settings.proxy_warning).

    The app is already built here (preload_app), so the check sees its final settings. gunicorn prints a
    RuntimeError's message and exits with status 1 before any worker starts.
    """
    from flask import Flask

    from settings import check_server_settings, proxy_warning

    app = server.app.wsgi()
    if not isinstance(app, Flask):
        return
    try:
        check_server_settings(app.config, server.cfg.workers)
    except ValueError as refusal:
        raise RuntimeError(str(refusal)) from None
    warning = proxy_warning(app.config, server.cfg.bind)
    if warning:
        server.log.warning(warning)


def post_fork(server: Arbiter, worker: Worker) -> None:
    """Give each worker its own database connections: none the master may have opened is shared."""
    from flask import Flask

    from extensions import db

    app = worker.app.wsgi()
    assert isinstance(app, Flask)  # the site (wsgi_app above) or a benchmark's: always a Flask app
    if "sqlalchemy" not in app.extensions:
        return  # an app without a database: the benchmarks' bare Flask app (bench/bare_wsgi.py)
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def when_ready(server: Arbiter) -> None:
    """Sweep the media files an upload or import killed before its commit left behind, at each start.

    In a child process, so the workers start at once and the master never opens a database connection;
    gunicorn reaps the child as it reaps any that is not a worker. See comics/images/sweeping.py.
    """
    from flask import Flask

    from comics.images.sweeping import sweep_if_due

    app = server.app.wsgi()
    if not isinstance(app, Flask) or "sqlalchemy" not in app.extensions:
        return
    if os.fork():
        return
    # The master's signal handlers would wake the master; this child only sweeps, then exits.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGCHLD, signal.SIGUSR1,
                   signal.SIGUSR2, signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU):
        signal.signal(signum, signal.SIG_DFL)
    status = 1
    try:
        sweep_if_due(app, starting=True)
        status = 0
    except BaseException:  # reported, and the site serves on: the workers sweep later
        server.log.exception("the media sweep at start failed")
    finally:
        os._exit(status)  # not sys.exit: nothing of the master's (atexit handlers, its sockets) may run here


def post_worker_init(worker: Worker) -> None:
    """Sweep orphaned media from each worker whenever a sweep is due (MEDIA_SWEEP_INTERVAL)."""
    from flask import Flask

    from comics.images.sweeping import PeriodicSweep

    app = worker.app.wsgi()
    if isinstance(app, Flask) and "sqlalchemy" in app.extensions:
        PeriodicSweep.start_for(app)
