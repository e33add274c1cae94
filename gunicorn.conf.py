"""Gunicorn settings for production: `.venv/bin/gunicorn -c gunicorn.conf.py` (see docs/deploy.md).

Every value can be overridden on the command line or by the environment variables named here.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
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
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


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
