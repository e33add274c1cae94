"""The episode's first panel, its largest paint, is preloaded from the head: in the format and width
the panel's own <picture> picks, so it is downloaded once and the preload is used (Lighthouse's LCP)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from comics.models import Episode, Series
from comics.reader import version_to_show
from extensions import db
from tests.browser import chromium_page, live_server

pytestmark = pytest.mark.browser


def first_panel_files(app: Flask, number: int = 1, language: str = "en") -> dict[str, list[str]]:
    """Return the files of the first panel of an episode as shown in a language (the Korean version's own)."""
    with app.app_context():
        series = db.session.scalar(db.select(Series).where(Series.slug == "the-lantern-road"))
        assert series is not None
        original = db.session.scalar(Episode.public().where(Episode.series_id == series.id, Episode.number == number))
        assert original is not None
        episode = version_to_show(original, language)
        image = episode.panels[0].image
        return {format: [rendition.file for rendition in image.sources(format)] for format in ("avif", "webp", "jpeg")}


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_the_first_panel_is_preloaded_and_downloaded_once(demo_app: Flask, prefix: str) -> None:
    number = 1
    files = first_panel_files(demo_app, number, "ko" if prefix else "en")
    ours = {name for names in files.values() for name in names}
    with live_server(demo_app) as base_url, chromium_page() as page:  # 390 × 844 at 2×
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url.split("/media/")[-1]))
        page.goto(f"{base_url}{prefix}/series/the-lantern-road/{number}/")
        page.wait_for_function("() => document.querySelector('#panel-1 img').complete")
        shown = page.eval_on_selector("#panel-1 img", "img => img.currentSrc").split("/media/")[-1]
        assert shown in files["avif"]
        preloaded = page.eval_on_selector("link[rel=preload][as=image]", "link => link.imageSrcset")
        assert shown in preloaded
        # The preload and the panel agree: one file of the first panel, asked for once.
        assert [name for name in requested if name in ours] == [shown]


def test_the_preload_is_the_narrowest_in_data_saver_mode(demo_app: Flask) -> None:
    files = first_panel_files(demo_app)
    client: FlaskClient = demo_app.test_client()
    page = client.get("/series/the-lantern-road/1/").get_data(as_text=True)
    head = page[: page.index("</head>")]
    links = re.findall(r'<link rel="preload" as="image"[^>]*>', head)
    assert len(links) == 1
    assert 'type="image/avif"' in links[0] and 'fetchpriority="high"' in links[0]
    assert all(name in links[0] for name in files["avif"])
    saver = client.get("/series/the-lantern-road/1/?saver=on").get_data(as_text=True)
    link = re.findall(r'<link rel="preload" as="image"[^>]*>', saver[: saver.index("</head>")])[0]
    assert files["avif"][0] in link and not any(name in link for name in files["avif"][1:])
