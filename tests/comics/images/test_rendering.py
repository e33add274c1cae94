"""Renditions in the background: the upload answers at once, a worker renders, failures are retried and reported."""
from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from rq import SimpleWorker
from sqlalchemy import func, select

from comics.catalogue import add_panels, create_episode
from comics.clock import utcnow
from comics.images import encoding, opening
from comics.images.ingest import Upload
from comics.images.models import RenderState, Rendition, StoredImage
from comics.models import Episode, EpisodeStatus
from comics.site_images import open_master, render_queue, render_stored_image
from extensions import db
from tests.conftest import SiteBuilder, make_test_app, panel_png
from tests.engines import redis_url_or_skip
from tests.test_gunicorn import ROOT, server_environment
from tests.waiting import HANG_GUARD


def all_rendered(episode: Episode) -> bool:
    """Tell whether every image of the episode has its renditions."""
    images = [panel.image for panel in episode.panels] + ([episode.thumbnail] if episode.thumbnail else [])
    return bool(episode.panels) and all(image.render_state == RenderState.READY for image in images)


def uploads(count: int) -> list[Upload]:
    return [Upload(f"{n}.png", panel_png(200, 300, label=str(n)), alt_text=f"Panel {n}") for n in range(1, count + 1)]


@pytest.fixture
def inline_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path)
    with app.app_context():
        yield app


def test_renditions_are_made_in_the_upload_by_default(inline_app: Flask) -> None:
    episode, _ = create_episode(SiteBuilder().series(), "Inline", uploads(2))
    assert inline_app.config["RENDER_QUEUE"] == "inline"
    assert all(panel.image.render_state == RenderState.READY and panel.image.renditions for panel in episode.panels)
    assert all_rendered(episode)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Here the `app` (and so `site`) hands renditions to an RQ queue of its own on the real Redis."""
    url = redis_url_or_skip()
    name = f"webtoon-test-renders-{secrets.token_hex(4)}"
    app = make_test_app(tmp_path, RENDER_QUEUE="rq", RQ_REDIS_URL=url, RQ_QUEUE_NAME=name, RENDER_RETRY_INTERVALS=[0, 0, 0])
    with app.app_context():
        yield app
        connection = render_queue().connection
        for key in connection.scan_iter(match=f"*{name}*"):
            connection.delete(key)
        connection.close()


def work(app: Flask) -> None:
    """Run every queued job in this process, as `flask render-worker --burst` would in a fork."""
    queue = render_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def rendition_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Rendition)) or 0


def test_the_upload_stores_masters_and_queues_the_renditions(app: Flask, site: SiteBuilder) -> None:
    episode, _ = create_episode(site.series(), "Queued", uploads(3))
    images = [panel.image for panel in episode.panels]
    assert [image.render_state for image in images] == [RenderState.PENDING] * 3
    assert rendition_count() == 0
    assert not all_rendered(episode)
    assert render_queue().count == 3

    work(app)

    db.session.expire_all()
    assert [image.render_state for image in images] == [RenderState.READY] * 3
    assert all(image.renditions for image in images)
    assert rendition_count() == 3 * 2 * 3  # 200 px masters: their own width and the thumbnail's, in three formats
    assert all_rendered(episode)


def test_the_reader_page_shows_the_renditions_once_the_worker_is_done(app: Flask, site: SiteBuilder) -> None:
    episode, _ = create_episode(site.series(), "Queued", uploads(1))
    work(app)
    db.session.expire_all()
    episode.status, episode.published_at = EpisodeStatus.PUBLISHED, utcnow()
    db.session.commit()
    page = app.test_client().get("/series/river/1/").get_data(as_text=True)
    assert ".avif" in page and ".webp" in page


def test_panels_added_in_the_studio_are_queued_too(app: Flask, site: SiteBuilder) -> None:
    episode = site.episode(site.series(), panels=1)  # published at once: rendered inline
    assert all_rendered(episode)
    add_panels(episode, uploads(2))
    db.session.commit()
    assert not all_rendered(episode)
    work(app)
    db.session.expire_all()
    assert all_rendered(episode)


def test_an_episode_published_at_once_is_rendered_in_the_upload(app: Flask, site: SiteBuilder) -> None:
    episode, _ = create_episode(site.series(), "Now", uploads(2), publish_at=utcnow())
    assert all_rendered(episode)
    assert render_queue().count == 0


def test_a_failing_job_is_retried_then_reported(
    app: Flask, site: SiteBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode, _ = create_episode(site.series(), "Doomed", uploads(1))
    attempts: list[int] = []

    def broken(*args: object, **kwargs: object) -> list[object]:
        attempts.append(1)
        raise OSError("disk full")

    monkeypatch.setattr(encoding, "render_renditions", broken)
    work(app)
    db.session.expire_all()
    image = episode.panels[0].image
    assert len(attempts) == 4  # the first try and three retries
    assert image.render_state == RenderState.FAILED
    assert "disk full" in (image.render_error or "")
    assert not all_rendered(episode)
    assert rendition_count() == 0


def test_a_job_that_fails_once_succeeds_on_retry(
    app: Flask, site: SiteBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode, _ = create_episode(site.series(), "Flaky", uploads(1))
    real = encoding.render_renditions
    attempts: list[int] = []

    def flaky(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("temporary")
        return real(*args, **kwargs)

    monkeypatch.setattr(encoding, "render_renditions", flaky)
    work(app)
    db.session.expire_all()
    assert len(attempts) == 2
    assert episode.panels[0].image.render_state == RenderState.READY
    assert all_rendered(episode)


def test_an_image_deleted_before_its_turn_is_skipped(app: Flask, site: SiteBuilder) -> None:
    episode, _ = create_episode(site.series(), "Gone", uploads(1))
    db.session.delete(episode)
    db.session.commit()
    work(app)  # nothing to render, and no failure
    assert render_queue().failed_job_registry.count == 0


def test_images_queued_while_redis_was_down_can_be_queued_again(app: Flask, site: SiteBuilder) -> None:
    app.extensions["rq_redis"] = redis.Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    episode, _ = create_episode(site.series(), "Offline", uploads(2))  # the upload still succeeds
    assert [panel.image.render_state for panel in episode.panels] == [RenderState.PENDING] * 2
    app.extensions.pop("rq_redis").close()
    result = app.test_cli_runner().invoke(args=["render-requeue"])
    assert "queued 2 image(s)" in result.output, result.output
    work(app)
    db.session.expire_all()
    assert all_rendered(episode)


def test_the_worker_command_renders_in_a_forked_worker(app: Flask, site: SiteBuilder) -> None:
    episode, _ = create_episode(site.series(), "Forked", uploads(2))
    episode_id = episode.id
    # Let the forked child open its own connections to the database.
    db.session.close()
    db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["render-worker", "--burst"])
    assert result.exit_code == 0, result.output
    rendered = db.session.get(Episode, episode_id)
    assert rendered is not None and all_rendered(rendered)


def test_rqs_own_worker_runs_jobs_inside_the_app(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    """`rq worker --worker-class worker.AppWorker` builds the app from the environment, as a process manager would."""
    episode, _ = create_episode(site.series(), "Plain rq", uploads(2))
    episode_id = episode.id
    db.session.close()
    db.engine.dispose()
    env = {
        **server_environment(app, tmp_path),
        "FLASK_RENDITION_WIDTHS": str(list(app.config["RENDITION_WIDTHS"])),
        "FLASK_RQ_REDIS_URL": app.config["RQ_REDIS_URL"],
    }
    rq = Path(sys.executable).parent / "rq"
    command = [str(rq), "worker", "--worker-class", "worker.AppWorker", "--burst", "--url", app.config["RQ_REDIS_URL"], app.config["RQ_QUEUE_NAME"]]
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD, check=False)
    assert finished.returncode == 0, finished.stderr
    rendered = db.session.get(Episode, episode_id)
    assert rendered is not None and all_rendered(rendered), finished.stdout + finished.stderr


def test_a_job_outside_the_app_says_how_to_run_it() -> None:
    with pytest.raises(RuntimeError, match="worker.AppWorker"):
        render_stored_image(1)


def test_requeue_renders_in_place_without_a_queue(inline_app: Flask) -> None:
    episode, _ = create_episode(SiteBuilder().series(), "Later", uploads(1))
    image = episode.panels[0].image
    image.render_state, image.render_error = RenderState.FAILED, "The smaller copies could not be made"
    image.renditions.clear()
    db.session.commit()
    result = inline_app.test_cli_runner().invoke(args=["render-requeue", "--failed"])
    assert "rendered 1 of 1 image(s)" in result.output, result.output
    db.session.expire_all()
    assert db.session.get_one(StoredImage, image.id).render_state == RenderState.READY


def test_a_stored_master_renders_after_the_upload_limits_are_lowered(inline_app: Flask) -> None:
    episode, _ = create_episode(SiteBuilder().series(), "Wide", uploads(1))
    image = episode.panels[0].image
    inline_app.config["UPLOAD_MAX_WIDTH"] = 100  # the panel is 200 px wide
    inline_app.config["UPLOAD_MAX_BYTES"] = 10
    assert open_master(image).size == (image.width, image.height)


def test_a_master_that_is_not_what_its_row_says_is_refused(inline_app: Flask) -> None:
    episode, _ = create_episode(SiteBuilder().series(), "Swapped", uploads(1))
    image = episode.panels[0].image
    image.width, image.height = 100, 150  # as if the file had been replaced by a bigger picture
    with pytest.raises(opening.RejectedImage, match="200 pixels wide; the limit is 100"):
        open_master(image)
