"""A bare Flask app that answers one captured page: the ceiling for the site's cached pages.

At import (in gunicorn's master, preload_app) it fetches the page at BENCH_BARE_SOURCE, a URL of the
site on 127.0.0.1, and keeps its body and headers; then `/series/<slug>/<number>/` answers them as
they are, whatever the slug and number. No extension, no hook, no blueprint: what Flask and gunicorn
cost for the same bytes and headers, and nothing else. The in-app from-memory endpoint
(bench_wsgi.py) still runs the site's hooks and extensions; this app runs none of them.
Used only by bench/bench_serving.py: `gunicorn -c gunicorn.conf.py --pythonpath bench bare_wsgi:app`.
"""
from __future__ import annotations

import os
import urllib.request
from urllib.parse import urlsplit

from flask import Flask, Response

# Set per connection or per response by the server, not by the app.
_SERVER_HEADERS = {"date", "server", "connection", "keep-alive", "transfer-encoding", "content-length"}


def capture(url: str) -> tuple[bytes, list[tuple[str, str]]]:
    """Return the body and the app's own headers of the page at a loopback URL."""
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"BENCH_BARE_SOURCE must be a URL on 127.0.0.1, not {url!r}")
    # The second answer: the first may have rendered the page, the second is what a reader usually gets.
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _SERVER_HEADERS]
    return body, headers


_body, _headers = capture(os.environ["BENCH_BARE_SOURCE"])
app = Flask(__name__)


@app.get("/series/<slug>/<int:number>/")
def page(slug: str, number: int) -> Response:
    """Answer the captured page."""
    return Response(_body, headers=_headers)
