"""Data-saver mode and the byte figures of the episode page (comics.data_saver), and the offline pages."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from comics.catalogue import create_episode
from comics.clock import utcnow
from comics.data_saver import REFERENCE_PHONE_PIXELS
from comics.images.ingest import Upload
from comics.models import Episode
from tests.conftest import SiteBuilder, make_test_app, panel_png
from web.byte_sizes import byte_size

SAVE_DATA = {"Save-Data": "on"}


def cached_app(tmp_path: Path) -> Flask:
    return make_test_app(
        tmp_path, RENDITION_WIDTHS=(320, 640, 1200), CACHE_TYPE="SimpleCache", MASTER_MAX_WIDTH=1300
    )


def wide_episode(site: SiteBuilder, panels: int = 3) -> Episode:
    series = site.series()
    uploads = [Upload(f"{i}.png", panel_png(1300, 900, label=str(i)), alt_text=f"Panel {i}") for i in range(1, panels + 1)]
    episode, _ = create_episode(series, "Wide", uploads, publish_at=utcnow())
    return episode


def srcset_widths(html: str) -> set[int]:
    return {int(width) for srcset in re.findall(r'srcset="([^"]*)"', html) for width in re.findall(r" (\d+)w", srcset)}


def test_save_data_pages_offer_only_the_narrowest_and_are_cached_apart(tmp_path: Path) -> None:
    app = cached_app(tmp_path)
    with app.app_context():
        wide_episode(SiteBuilder())
        client = app.test_client()
        full = client.get("/series/river/1/")
        saver = client.get("/series/river/1/", headers=SAVE_DATA)
        saver_again = client.get("/series/river/1/", headers=SAVE_DATA)
        full_again = client.get("/series/river/1/")

    assert srcset_widths(full.get_data(as_text=True)) == {320, 640, 1200}
    assert srcset_widths(saver.get_data(as_text=True)) == {320}
    assert saver_again.get_data() == saver.get_data() and saver_again.headers["X-Page-Cache"] == "HIT"
    assert full_again.get_data() == full.get_data() and full_again.headers["X-Page-Cache"] == "HIT"
    for response in (full, saver, saver_again, full_again):
        assert "Save-Data" in response.headers["Vary"], response.headers["Vary"]
    # No prefetching in data-saver mode.
    assert "data-saver=\"header\"" in saver.get_data(as_text=True)


def test_the_switch_flag_is_data_saver_mode_too(tmp_path: Path) -> None:
    app = cached_app(tmp_path)
    with app.app_context():
        site = SiteBuilder()
        episode = wide_episode(site)
        site.episode(episode.series)
        html = app.test_client().get("/series/river/1/?saver=on").get_data(as_text=True)
        full = app.test_client().get("/series/river/1/").get_data(as_text=True)

    assert srcset_widths(html) == {320}
    assert 'data-saver="switch"' in html and "data-next-page" not in html
    assert 'data-next-page="/series/river/2/"' in full and "data-next-panels=" in full


def test_the_page_says_what_it_costs_in_each_mode(tmp_path: Path) -> None:
    app = cached_app(tmp_path)
    with app.app_context(), app.test_request_context():
        episode = wide_episode(SiteBuilder())
        full = saver = 0
        for panel in episode.panels:
            avifs = panel.image.sources("avif")
            # 1170 device pixels wanted: the 1200 rendition.
            full += next(r.size for r in avifs if r.width >= REFERENCE_PHONE_PIXELS)
            saver += avifs[0].size
        expected = (byte_size(full), byte_size(saver))
        html = app.test_client().get("/series/river/1/").get_data(as_text=True)

    assert saver < full
    assert f"This episode is about {expected[0]} to read, or {expected[1]} with the data saver." in html


def test_byte_sizes_read_as_a_reader_reads_them(app: Flask) -> None:
    with app.test_request_context():
        assert byte_size(0) == "1 kB"
        assert byte_size(48_400) == "48 kB"
        assert byte_size(2_345_678) == "2.3 MB"
        assert byte_size(12_345_678_900) == "12,345.7 MB"


def test_the_offline_worker_is_served_from_the_root_and_always_revalidated(client: FlaskClient) -> None:
    response = client.get("/offline-sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b'addEventListener("fetch"' in response.data
    assert client.get("/saved/").status_code == 200
    assert client.get("/ko/offline/").status_code == 200
