"""The site as gunicorn serves it in the benchmarks, plus one endpoint that returns a page from memory.

`/bench/series/<slug>/<number>/` answers with the bytes the site renders for `/series/<slug>/<number>/`,
captured once per worker: the ceiling a page cache can approach, a Flask endpoint doing no work at all.
It is routed like the episode page (a blueprint, the same converters), so the comparison measures
the page cache and not URL matching.
Used only by bench/bench_serving.py: `gunicorn -c gunicorn.conf.py --pythonpath bench bench_wsgi:app`.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from app import create_app

bench = Blueprint("bench", __name__, url_prefix="/bench")
_captured: dict[str, bytes] = {}


@bench.get("/series/<slug>/<episode_number:number>/")
def from_memory(slug: str, number: int) -> Response:
    """Return the captured bytes of an episode page, rendering them in-process on first use."""
    path = f"/series/{slug}/{number}/"
    body = _captured.get(path)
    if body is None:
        # Rendered for this very host, so absolute links (canonical, feeds) are the same bytes.
        body = _captured[path] = app.test_client().get(path, base_url=request.host_url).get_data()
    return Response(body, mimetype="text/html")


app = create_app()
app.register_blueprint(bench)
