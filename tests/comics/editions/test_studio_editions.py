"""The studio's offline edition page: editors download the edition as a ZIP; refusals write nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from artists.models import Role
from comics.publishing.models import AuditAction, AuditEntry
from extensions import db
from tests.comics.editions.conftest import bilingual_site
from tests.conftest import SiteBuilder
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
    with editor.post(URL, data=EVERYTHING) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        data = response.get_data()
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
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
    assert list(work.iterdir()) == []
    [entry] = exports()
    assert entry.actor and entry.object_label == "lantern"
    assert entry.comment == "series: lantern; languages: ko, en; neutral; without videos"
    assert str(work) not in entry.comment and "/" not in entry.comment


def test_an_edition_with_the_site_is_named_after_it(editor: FlaskClient, work: Path) -> None:
    with editor.post(URL, data={"series": "lantern", "language": "en", "with_site": "yes"}) as response:
        assert response.status_code == 200
        data = response.get_data()
    assert "free-lines-edition.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        index = archive.read("free-lines-edition/index.html")
    assert {name for name in names if name.endswith(".cbz")} == {f"free-lines-edition/cbz/en/lantern-{n:03d}.cbz" for n in (1, 2)}
    assert b"Free Lines" in index
    assert list(work.iterdir()) == []
    assert exports()[0].comment == "series: lantern; languages: en; with the site's name and address; without videos"


def test_artists_may_not_export(studio_app: Flask, work: Path) -> None:
    bilingual_site(SiteBuilder())
    make_artist_account("mina")
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=EVERYTHING).status_code == 403
    assert 'href="/studio/editions"' not in client.get("/studio/").get_data(as_text=True)
    assert list(work.iterdir()) == [] and exports() == []


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
    assert list(work.iterdir()) == [] and exports() == []


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
    assert list(work.iterdir()) == [] and exports() == []


def test_a_series_without_episodes_in_the_languages_chosen_is_refused(editor: FlaskClient, work: Path) -> None:
    # The site's LANGUAGES may name a language the series has no version in: collect_edition refuses.
    site = SiteBuilder()
    site.episode(site.series(slug="river", title="River"), panels=1, title="Only in English")
    response = editor.post(URL, data={"series": "river", "language": "ko"})
    assert response.status_code == 400
    assert "Nothing is published in the languages chosen" in response.get_data(as_text=True)
    assert list(work.iterdir()) == [] and exports() == []


def test_an_unwritable_work_folder_is_refused(studio_app: Flask, editor: FlaskClient, work: Path) -> None:
    studio_app.config["EDITIONS_WORK_DIR"] = str(work / "missing")
    response = editor.post(URL, data=EVERYTHING)
    assert response.status_code == 503
    assert "could not write the edition" in response.get_data(as_text=True)
    assert list(work.iterdir()) == [] and exports() == []
