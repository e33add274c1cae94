"""The site as gunicorn serves it in the benchmarks, plus one endpoint that returns a page from memory.

`/bench/from-memory?path=/series/…/` answers with the bytes the site renders for that path, captured
once per worker: the ceiling a page cache can approach (a Flask endpoint doing no work at all).
Used only by bench/bench_serving.py: `gunicorn -c gunicorn.conf.py --pythonpath bench bench_wsgi:app`.
"""
from __future__ import annotations

from flask import Response, request

from app import create_app

app = create_app()
_captured: dict[str, bytes] = {}


@app.get("/bench/from-memory")
def from_memory() -> Response:
    """Return the captured bytes of a page, rendering them in-process on first use."""
    path = request.args.get("path", "/")
    body = _captured.get(path)
    if body is None:
        # Rendered for this very host, so absolute links (canonical, feeds) are the same bytes.
        body = _captured[path] = app.test_client().get(path, base_url=request.host_url).get_data()
    return Response(body, mimetype="text/html")
