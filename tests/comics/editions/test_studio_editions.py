"""The studio's offline edition page: editors build an edition, follow it on its page and download it once as
a ZIP; refusals write nothing; nobody else sees a build."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import refresh
from rq import SimpleWorker
from sqlalchemy import select
from werkzeug.wrappers import Response

from artists.accounts.services.users import find_user_by_email
from artists.models import Role
from comics.audit.models import AuditAction, AuditEntry
from comics.site_images import render_queue
from extensions import db
from tests.comics.editions.conftest import bilingual_site
from tests.conftest import SiteBuilder
from tests.engines import redis_url_or_skip
from tests.studio_support import make_account, make_artist_account, sign_in

URL = "/studio/editions"
EVERYTHING = {"series": ["lantern"], "language": ["ko", "en"]}


@pytest.fixture
def work(studio_app: Flask, tmp_path: Path) -> Path:
    """The folder editions are built in, watched by the tests (EDITIONS_WORK_DIR)."""
    folder = tmp_path / "editions-work"
    folder.mkdir()
    studio_app.config["EDITIONS_WORK_DIR"] = str(folder)
    return folder


@pytest.fixture
def editor(studio_app: Flask, work: Path) -> FlaskClient:
    """An editor signed in, on a site with one bilingual series (two published episodes and a draft)."""
    bilingual_site(SiteBuilder())
    make_account("editor@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "editor@example.org")
    return client


def left_files(work: Path) -> list[Path]:
    return [path for path in work.rglob("*") if path.is_file()]


def build_page(client: FlaskClient, data: Mapping[str, object]) -> str:
    """Send the form as a browser does; return the build page's address it is sent to."""
    response = client.post(URL, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/studio/editions/[A-Za-z0-9_-]{32}", location), location
    return location


def download(client: FlaskClient, data: Mapping[str, object]) -> tuple[bytes, str, Response]:
    """Build an edition as an editor does: the form, the build's page, then its download link."""
    page_url = build_page(client, data)
    page = client.get(page_url).get_data(as_text=True)
    link = re.search(r'href="(/studio/editions/[^"]+/download)"', page)
    assert link is not None and "Download the edition" in page, page
    with client.get(link.group(1)) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        data_bytes = response.get_data()
    return data_bytes, response.headers["Content-Disposition"], response


def exports() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EDITION_EXPORT)))


def test_the_page_offers_the_published_series_and_languages(editor: FlaskClient) -> None:
    page = editor.get(URL).get_data(as_text=True)
    assert 'name="series" value="lantern" checked' in page
    assert 'name="language" value="ko" checked' in page and 'name="language" value="en" checked' in page
    # The site's name and the videos are off by default, and the page says why.
    assert 'name="with_site" value="yes" aria-describedby="with-site-hint">' in page
    assert 'name="videos" value="yes" aria-describedby="videos-hint">' in page
    assert "safer to carry" in page and "Slow" in page
    assert 'href="/studio/editions"' in page  # in the studio's menu, for staff


def test_an_editor_downloads_a_neutral_edition(editor: FlaskClient, work: Path) -> None:
    # A server closes the answer once sent, which closes the ZIP's handle (its file is already gone).
    data, disposition, response = download(editor, EVERYTHING)
    assert response.mimetype == "application/zip"
    assert "edition.zip" in disposition and "free" not in disposition.lower()
    assert "no-store" in response.headers["Cache-Control"]
    assert int(response.headers["Content-Length"]) == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        text = b"".join(archive.read(name) for name in names if name.endswith((".html", ".txt")))
    assert {"edition/index.html", "edition/README.txt", "edition/SHA256SUMS.txt"} <= names
    cbzs = {name for name in names if name.endswith(".cbz")}
    assert cbzs == {f"edition/cbz/{lang}/lantern-{n:03d}.cbz" for lang in ("ko", "en") for n in (1, 2)}
    assert not any(name.startswith("edition/video/") for name in names)  # videos are off by default
    assert b"Free Lines" not in text
    # Sent, and nothing left behind.
    assert left_files(work) == []
    [entry] = exports()
    assert entry.actor and entry.object_label == "lantern"
    assert entry.comment == "series: lantern; languages: ko, en; neutral; without videos"
    assert str(work) not in entry.comment and "/" not in entry.comment


def test_an_edition_with_the_site_is_named_after_it(editor: FlaskClient, work: Path) -> None:
    data, disposition, _ = download(editor, {"series": "lantern", "language": "en", "with_site": "yes"})
    assert "free-lines-edition.zip" in disposition
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        index = archive.read("free-lines-edition/index.html")
    assert {name for name in names if name.endswith(".cbz")} == {f"free-lines-edition/cbz/en/lantern-{n:03d}.cbz" for n in (1, 2)}
    assert b"Free Lines" in index
    assert left_files(work) == []
    assert exports()[0].comment == "series: lantern; languages: en; with the site's name and address; without videos"


def test_artists_may_not_export(studio_app: Flask, work: Path) -> None:
    bilingual_site(SiteBuilder())
    make_artist_account("mina")
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=EVERYTHING).status_code == 403
    assert 'href="/studio/editions"' not in client.get("/studio/").get_data(as_text=True)
    assert left_files(work) == [] and exports() == []


def test_signed_out_visitors_are_sent_to_sign_in(studio_app: Flask, work: Path) -> None:
    response = studio_app.test_client().get(URL)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"language": ["ko", "en"]}, "Choose at least one series."),
        ({"series": ["lantern", "no-such-series"], "language": "en"}, "There is no series “no-such-series”"),
        ({"series": "lantern", "language": ["en", "fr"]}, "There is no edition in “fr”"),
        ({"series": "lantern"}, "Choose at least one language."),
    ],
)
def test_refusals_say_why_and_write_nothing(editor: FlaskClient, work: Path, data: dict[str, object], reason: str) -> None:
    response = editor.post(URL, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was changed" in page and reason in page
    assert left_files(work) == [] and exports() == []


def test_a_refusal_answers_the_script_in_json(editor: FlaskClient, work: Path) -> None:
    response = editor.post(URL, data={"language": "en"}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["errors"] == ["Choose at least one series."]


def test_nothing_published_is_refused(studio_app: Flask, work: Path) -> None:
    site = SiteBuilder()
    site.episode(site.series(), panels=1, title="A draft", publish=False)
    make_account("editor@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "editor@example.org")
    assert "Nothing is published yet" in client.get(URL).get_data(as_text=True)
    response = client.post(URL, data={"series": "river", "language": "en"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing is published yet" in page and "There is no series “river”" in page
    assert left_files(work) == [] and exports() == []


def test_a_series_without_episodes_in_the_languages_chosen_is_refused(editor: FlaskClient, work: Path) -> None:
    # The site's LANGUAGES may name a language the series has no version in: collect_edition refuses.
    site = SiteBuilder()
    site.episode(site.series(slug="river", title="River"), panels=1, title="Only in English")
    response = editor.post(URL, data={"series": "river", "language": "ko"})
    assert response.status_code == 400
    assert "Nothing is published in the languages chosen" in response.get_data(as_text=True)
    assert left_files(work) == [] and exports() == []


def test_an_unwritable_work_folder_is_refused(studio_app: Flask, editor: FlaskClient, work: Path) -> None:
    studio_app.config["EDITIONS_WORK_DIR"] = str(work / "missing")
    response = editor.post(URL, data=EVERYTHING)
    assert response.status_code == 503
    assert "could not write the edition" in response.get_data(as_text=True)
    assert left_files(work) == [] and exports() == []


def test_the_build_page_follows_the_build_and_its_download_is_taken_once(editor: FlaskClient, work: Path) -> None:
    page_url = build_page(editor, {"series": "lantern", "language": "en"})
    progress = editor.get(page_url + "/progress")
    assert "no-store" in progress.headers["Cache-Control"]
    answer = progress.get_json()
    assert answer["status"] == "ready" and answer["done"] == answer["total"] == 2  # built at once: RENDER_QUEUE is inline
    assert answer["download"] == page_url + "/download" and answer["words"].startswith("Ready: edition.zip (")
    page = editor.get(page_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "data-finished" in page
    with editor.get(answer["download"]) as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
    for url in (page_url, page_url + "/progress", answer["download"]):
        assert editor.get(url).status_code == 404  # taken once, then gone from the server
    assert left_files(work) == []


def test_the_build_page_speaks_korean_to_a_korean_editor(editor: FlaskClient) -> None:
    user = find_user_by_email("editor@example.org")
    assert user is not None
    user.interface_language = "ko"  # the studio follows the language its user chose
    db.session.commit()
    page_url = build_page(editor, {"series": "lantern", "language": "en"})
    refresh()  # the fixture's app context would keep the English request's locale for the next one
    page = editor.get("/ko" + page_url).get_data(as_text=True)
    assert "다 만들었어요: edition.zip(" in page and "오프라인판 내려받기" in page
    assert editor.get("/ko" + page_url + "/progress").get_json()["words"].startswith("다 만들었어요")


def test_nobody_else_sees_or_takes_a_build(studio_app: Flask, editor: FlaskClient, work: Path) -> None:
    page_url = build_page(editor, EVERYTHING)
    make_account("admin@example.org", Role.ADMIN)
    other = studio_app.test_client()
    sign_in(other, "admin@example.org")
    for url in (page_url, page_url + "/progress", page_url + "/download"):
        assert other.get(url).status_code == 404
    assert len(left_files(work)) == 2  # the ZIP and its state, still there for the editor
    with editor.get(page_url + "/download") as response:
        assert response.status_code == 200


@pytest.mark.parametrize("token", ["short", "a" * 65, "..", "x%2F..%2F..%2Fetc", "abc.def.ghi.jkl.mno.pqr"])
def test_a_token_that_is_not_a_build_is_a_404(editor: FlaskClient, token: str) -> None:
    for suffix in ("", "/progress", "/download"):
        assert editor.get(f"{URL}/{token}{suffix}").status_code == 404


def test_a_build_that_fails_says_so_and_keeps_nothing(editor: FlaskClient, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(folder: Path, archive: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("comics.editions.builds.write_edition_zip", full_disk)
    page_url = build_page(editor, EVERYTHING)
    assert editor.get(page_url + "/progress").get_json()["status"] == "failed"
    page = editor.get(page_url).get_data(as_text=True)
    assert "could not be built; nothing was kept" in page and "No space" not in page
    assert editor.get(page_url + "/download").status_code == 404
    assert [path.name for path in left_files(work)] == ["state.json"]


def test_a_build_older_than_a_day_is_removed_by_the_next(editor: FlaskClient, work: Path) -> None:
    stale = work / "edition-builds" / ("s" * 32)
    stale.mkdir(parents=True)
    (stale / "state.json").write_text(json.dumps({"owner": 1, "status": "building"}))
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    build_page(editor, {"series": "lantern", "language": "en"})
    assert not stale.exists()


def test_a_build_runs_on_the_render_queue_and_the_page_follows_it(studio_app: Flask, editor: FlaskClient, work: Path) -> None:
    url = redis_url_or_skip()
    name = f"webtoon-test-editions-{secrets.token_hex(4)}"
    studio_app.config.update(RENDER_QUEUE="rq", RQ_REDIS_URL=url, RQ_QUEUE_NAME=name)
    try:
        page_url = build_page(editor, {"series": "lantern", "language": ["ko", "en"]})
        waiting = editor.get(page_url).get_data(as_text=True)
        assert "Waiting for the server to start building" in waiting
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting  # without script, it reloads
        assert editor.get(page_url + "/progress").get_json()["status"] == "waiting"
        assert editor.get(page_url + "/download").status_code == 404
        queue = render_queue(studio_app)
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        answer = editor.get(page_url + "/progress").get_json()
        assert answer["status"] == "ready" and answer["done"] == answer["total"] == 4
        with editor.get(answer["download"]) as response, zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            assert "edition/cbz/ko/lantern-001.cbz" in archive.namelist()
    finally:
        connection = render_queue(studio_app).connection
        for key in connection.scan_iter(match=f"*{name}*"):
            connection.delete(key)


def test_the_studio_builds_the_norths_words_by_default_and_the_souths_when_asked(editor: FlaskClient) -> None:
    page = editor.get(URL).get_data(as_text=True)
    assert 'name="register" value="south" aria-describedby="register-hint">' in page  # off by default
    readmes = {}
    for register, asked in (("north", {}), ("south", {"register": "south"})):
        data, _, _ = download(editor, {**EVERYTHING, **asked})
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            readmes[register] = archive.read("edition/README.txt").decode("utf-8-sig")
    assert "이 등록부에 있는 것" in readmes["north"] and "이 폴더에 있는 것" in readmes["south"]


def test_the_studio_page_says_in_korean_what_the_register_choice_does(editor: FlaskClient) -> None:
    user = find_user_by_email("editor@example.org")
    assert user is not None
    user.interface_language = "ko"  # the studio follows the language its user chose
    db.session.commit()
    refresh()  # the fixture's app context would keep the sign-in's English locale for the next request
    page = editor.get("/ko" + URL).get_data(as_text=True)
    assert "한국어를 남한식 표현으로 쓰기" in page and "북한으로 가져갈 판이면 꺼 두세요." in page
